import {
  accountPage,
  type AccountApp,
  type AccountNotice,
  type PasswordFormError,
} from '../../views/pages/account.js';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../../identity/password-length.js';
import type { BrowserDeps, EndpointRequest, EndpointResponse } from '../types.js';
import { paths } from '../paths.js';
import { brandingOf, localeOf, pageResponse } from '../pages.js';
import { csrfTokensFor } from '../signin/browser-session.js';
import { userOf } from '../signin/user-display.js';

/** The CSRF purposes of the account page's forms; sign-out is the end-session endpoint's. */
export const purposes = {
  removeAccess: 'account-remove-access',
  signOutEverywhere: 'account-sign-out-everywhere',
  changePassword: 'account-password',
  signOut: 'endsession',
} as const;

export interface AccountPageState {
  readonly notice?: AccountNotice | null;
  readonly passwordError?: PasswordFormError | null;
  readonly retryAfterSeconds?: number | null;
  readonly status?: number;
}

/**
 * The account page for `userId`, who is signed in in this browser: the user as the identity backend names them,
 * the apps they consented to, and the forms. An identity backend that is down becomes the 503
 * error page.
 */
export async function accountResponse(
  req: EndpointRequest,
  deps: BrowserDeps,
  userId: string,
  state: AccountPageState = {},
): Promise<EndpointResponse> {
  const user = await userOf(userId, deps);
  const apps = await loadApps(userId, deps);
  const builtin = await hasBuiltinPassword(userId, deps);
  const csrf = csrfTokensFor(req, deps, Object.values(purposes));
  const page = accountPage({
    locale: localeOf(req),
    branding: brandingOf(deps.config),
    displayName: user.displayName,
    accountId: user.username,
    notice: state.notice ?? null,
    apps,
    revoke: { action: paths.removeAccess, csrfToken: csrf.tokens[purposes.removeAccess] },
    password: builtin
      ? {
          kind: 'form',
          action: paths.changePassword,
          csrfToken: csrf.tokens[purposes.changePassword],
          minLength: MIN_PASSWORD_LENGTH,
          maxLength: MAX_PASSWORD_LENGTH,
          error: state.passwordError ?? null,
          retryAfterSeconds: state.retryAfterSeconds ?? null,
        }
      : { kind: 'managed_elsewhere' },
    signOut: { action: paths.endSession, csrfToken: csrf.tokens[purposes.signOut] },
    signOutEverywhere: {
      action: paths.signOutEverywhere,
      csrfToken: csrf.tokens[purposes.signOutEverywhere],
    },
  });
  return pageResponse(page, { status: state.status ?? 200, cookies: csrf.cookies });
}

/**
 * Whether the user's password is Sesame's to change: built-in users live in storage; LDAP
 * users' passwords are managed by the directory.
 */
export async function hasBuiltinPassword(userId: string, deps: BrowserDeps): Promise<boolean> {
  return deps.config.identity.kind === 'builtin' && (await deps.storage.users.getById(userId)) !== null;
}

/** The apps the user consented to, with their registered names; ones no longer registered are left out. */
async function loadApps(userId: string, deps: BrowserDeps): Promise<AccountApp[]> {
  const apps: AccountApp[] = [];
  for (const consent of await deps.storage.consents.listByUser(userId)) {
    await deps.clients.catchUp?.(consent.clientId);
    const client = deps.clients.get(consent.clientId);
    if (client === null) continue;
    apps.push({
      clientId: client.id,
      name: client.name,
      scopes: consent.scopes.map((id) => {
        const description = deps.scopeDefinitions?.scopes.find((s) => s.id === id)?.description;
        return description ? { id, description } : { id };
      }),
    });
  }
  return apps;
}
