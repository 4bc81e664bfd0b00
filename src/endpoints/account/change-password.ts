import { changeBuiltinPassword } from '../../identity/builtin/change-password.js';
import { passwordTooLong, passwordTooShort } from '../../identity/password-length.js';
import { endUserSessions } from '../../logout/end-user-sessions.js';
import { OAuthError } from '../../oauth/errors.js';
import type { PasswordFormError } from '../../views/pages/account.js';
import type { SessionRecord } from '../../storage/types.js';
import type { BrowserDeps, EndpointRequest, EndpointResponse } from '../types.js';
import { paths } from '../paths.js';
import { checkCsrf, currentSession, isKnownDevice, sessionCookie } from '../signin/browser-session.js';
import { accountResponse, hasBuiltinPassword, purposes } from './account-response.js';
import { parseChangePassword, type ChangePasswordForm } from './parse.js';

/**
 * POST `/signin/v1/welcome/password`: a built-in user changes their password. The new one is
 * held to `sesame user add`'s rules and typed twice; the current one is checked under the
 * sign-in throttle (a stolen session must not become a way to guess it). After the change every
 * other session of the user ends, with back-channel logout, and this one gets a new cookie
 * secret. Without a session, the sign-in page.
 */
export async function submitChangePassword(
  req: EndpointRequest,
  deps: BrowserDeps,
): Promise<EndpointResponse> {
  checkCsrf(req, deps, purposes.changePassword);
  const form = parseChangePassword(req.body);
  const session = await currentSession(req, deps);
  if (session === null) return { kind: 'redirect', location: paths.signIn };
  const user = await deps.storage.users.getById(session.userId);
  if (user === null || !(await hasBuiltinPassword(session.userId, deps))) {
    throw new OAuthError('invalid_request', 'The password of this account is managed elsewhere.', {
      status: 403,
    });
  }
  const refusal = checkNewPassword(form);
  if (refusal !== null) return refuse(req, deps, session, refusal, 400);

  const attempt = await deps.throttle.begin(user.username, req.clientAddress, {
    knownDevice: isKnownDevice(req, deps, user.username),
  });
  if (attempt.blocked) {
    const page = await refuse(req, deps, session, 'throttled', 429, attempt.retryAfterSeconds);
    if (attempt.retryAfterSeconds === null) return page;
    return {
      ...page,
      headers: { ...page.headers, 'retry-after': String(Math.ceil(attempt.retryAfterSeconds)) },
    };
  }
  let outcome: Awaited<ReturnType<typeof changeBuiltinPassword>>;
  try {
    outcome = await changeBuiltinPassword(
      deps.storage.users,
      deps.config.passwords,
      user.id,
      form.current,
      form.next,
      deps.clock.now(),
    );
  } catch (error) {
    await deps.throttle.abandoned(attempt);
    throw error;
  }
  if (outcome !== 'changed') {
    deps.log.info({ username: user.username, address: req.clientAddress }, 'password change refused');
    return refuse(req, deps, session, outcome === 'wrong_password' ? 'wrong_password' : 'too_short', 401);
  }
  await deps.throttle.succeeded(attempt);
  const ended = await endUserSessions(deps, user.id, { except: session.id });
  // The user just proved the password again: a new cookie secret, as at a sign-in, keeping the sid.
  const renewed = await deps.sessions.renew(session, deps.clock.now());
  deps.log.info({ username: user.username, sid: session.id, ended }, 'password changed');
  return {
    kind: 'redirect',
    location: `${paths.welcome}?done=password_changed`,
    cookies: [sessionCookie(renewed.cookieValue, deps)],
  };
}

/** What is wrong with the new password, before the current one is checked. */
function checkNewPassword(form: ChangePasswordForm): PasswordFormError | null {
  if (form.next !== form.confirmation) return 'mismatch';
  if (passwordTooShort(form.next)) return 'too_short';
  if (passwordTooLong(form.next)) return 'too_long';
  return null;
}

function refuse(
  req: EndpointRequest,
  deps: BrowserDeps,
  session: SessionRecord,
  error: PasswordFormError,
  status: number,
  retryAfterSeconds: number | null = null,
): Promise<EndpointResponse> {
  return accountResponse(req, deps, session.userId, { passwordError: error, status, retryAfterSeconds });
}
