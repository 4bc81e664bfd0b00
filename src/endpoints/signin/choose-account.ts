import { chooseAccountPage } from '../../views/index.js';
import { OAuthError } from '../../oauth/errors.js';
import type { BrowserDeps, EndpointRequest, EndpointResponse } from '../types.js';
import { paths } from '../paths.js';
import { brandingOf, localeOf, pageResponse } from '../pages.js';
import { continueAuthorization } from '../authorize/flow.js';
import { checkCsrf, csrfFor, currentSession } from './browser-session.js';
import { formTargetsOf, interactionIdOf, loadInteraction, type LoadedInteraction } from './interaction.js';
import { decideInteraction } from '../../oauth/prompt.js';
import type { SessionRecord } from '../../storage/types.js';
import { userOf } from './user-display.js';

const PURPOSE = 'chooseaccount';

/** GET `/signin/v1/chooseaccount` (prompt=select_account): continue as the signed-in user, or switch. */
export async function showChooseAccount(req: EndpointRequest, deps: BrowserDeps): Promise<EndpointResponse> {
  const { flow, session } = await load(req, deps);
  if (!session || !choosingIsTheStep(flow, session, deps)) return toSignIn(flow.record.id);
  const user = await userOf(session.userId, deps);
  const csrf = csrfFor(req, deps, PURPOSE);
  const page = chooseAccountPage({
    locale: localeOf(req, flow.request.uiLocales),
    action: paths.chooseAccount,
    branding: brandingOf(deps.config),
    csrfToken: csrf.token,
    interactionId: flow.record.id,
    clientName: flow.client.name,
    userDisplayName: user.displayName,
    username: user.username,
  });
  return pageResponse(page, { cookies: csrf.cookies, formTargets: formTargetsOf(flow.request) });
}

/** POST `/signin/v1/chooseaccount`. */
export async function submitChooseAccount(
  req: EndpointRequest,
  deps: BrowserDeps,
): Promise<EndpointResponse> {
  checkCsrf(req, deps, PURPOSE);
  const { flow, session } = await load(req, deps);
  const decision = req.body.get('decision');
  if (decision?.length !== 1 || (decision[0] !== 'continue' && decision[0] !== 'switch')) {
    throw new OAuthError('invalid_request', 'Choose an account.');
  }
  if (!session || decision[0] === 'switch' || !choosingIsTheStep(flow, session, deps))
    return toSignIn(flow.record.id);
  await deps.storage.interactions.setSession(flow.record.id, session.id);
  return continueAuthorization(
    {
      request: flow.request,
      interactionId: flow.record.id,
      authenticatedInInteraction: true,
      consentedInInteraction: false,
      clientAddress: req.clientAddress,
    },
    session,
    deps,
  );
}

/**
 * "Continue as" may stand in for a sign-in only where the request asked for an account choice
 * and the session still satisfies it: never for `prompt=login` or an exceeded `max_age`, which
 * demand the password again (OIDC Core §3.1.2.1), whatever page the browser is pointed at.
 */
function choosingIsTheStep(flow: LoadedInteraction, session: SessionRecord, deps: BrowserDeps): boolean {
  const decision = decideInteraction({
    prompt: new Set(flow.request.prompt),
    maxAge: flow.request.maxAge,
    session,
    now: deps.clock.now(),
    consentGiven: true,
    trusted: true,
  });
  return decision.kind === 'select_account';
}

async function load(req: EndpointRequest, deps: BrowserDeps) {
  const id = interactionIdOf(req);
  if (id === null) throw new OAuthError('invalid_request', 'There is no sign-in request to continue.');
  return { flow: await loadInteraction(id, deps), session: await currentSession(req, deps) };
}

function toSignIn(interactionId: string): EndpointResponse {
  return { kind: 'redirect', location: `${paths.signIn}?interaction=${encodeURIComponent(interactionId)}` };
}
