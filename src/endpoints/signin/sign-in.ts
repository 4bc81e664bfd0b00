import { signInPage, type SignInError } from '../../views/index.js';
import { welcomeResponse } from './welcome.js';
import { IdentityUnavailableError, type Identity } from '../../identity/types.js';
import { passwordTooLong } from '../../identity/password-length.js';
import { queueBackchannelLogout } from '../../logout/queue-backchannel-logout.js';
import type { BrowserDeps, CookieInstruction, EndpointRequest, EndpointResponse } from '../types.js';
import { paths } from '../paths.js';
import { brandingOf, localeOf, pageResponse } from '../pages.js';
import { continueAuthorization } from '../authorize/flow.js';
import {
  checkCsrf,
  clearBrowserState,
  csrfFor,
  currentSession,
  deviceCookie,
  isKnownDevice,
  sessionCookie,
} from './browser-session.js';
import { formTargetsOf, interactionIdOf, loadInteraction, type LoadedInteraction } from './interaction.js';

const PURPOSE = 'signin';
/** Longest username read from the form; real ones are far shorter. */
const MAX_FIELD = 1024;

/** GET `/signin/v1/identifier`: the sign-in form, or the welcome page when already signed in without a flow. */
export async function showSignIn(req: EndpointRequest, deps: BrowserDeps): Promise<EndpointResponse> {
  const id = interactionIdOf(req);
  const flow = id === null ? null : await loadInteraction(id, deps);
  if (flow === null) {
    const session = await currentSession(req, deps);
    if (session) return welcomeResponse(req, deps, session.userId);
  }
  return renderSignIn(req, deps, flow, flow?.request.loginHint ?? '', null);
}

/** POST `/signin/v1/identifier`: check the password, start a session, continue the flow. */
export async function submitSignIn(req: EndpointRequest, deps: BrowserDeps): Promise<EndpointResponse> {
  checkCsrf(req, deps, PURPOSE);
  const id = interactionIdOf(req);
  const flow = id === null ? null : await loadInteraction(id, deps);
  const username = (single(req, 'username') ?? '').trim().slice(0, MAX_FIELD);
  // Never cut short: a prefix of a password must not sign in.
  const password = single(req, 'password') ?? '';

  const attempt = await deps.throttle.begin(username, req.clientAddress, {
    knownDevice: isKnownDevice(req, deps, username),
  });
  if (attempt.blocked) {
    deps.metrics?.signIn('throttled');
    // The throttle has logged the refusal with the limit that tripped.
    const page = renderSignIn(req, deps, flow, username, 'throttled', 429, attempt.retryAfterSeconds);
    if (attempt.retryAfterSeconds === null) return page;
    // RFC 6585 §4: a 429 may say how long to wait.
    return {
      ...page,
      headers: { ...page.headers, 'retry-after': String(Math.ceil(attempt.retryAfterSeconds)) },
    };
  }
  let identity: Identity | null;
  try {
    identity =
      username === '' || password === '' || passwordTooLong(password)
        ? null
        : await deps.identity.authenticate(username, password);
  } catch (error) {
    await deps.throttle.abandoned(attempt);
    if (!(error instanceof IdentityUnavailableError)) throw error;
    // The backend logs the outage once, when it starts; one quiet line per request here.
    deps.metrics?.signIn('unavailable');
    deps.log.debug({ reason: error.message }, 'identity backend unavailable during sign-in');
    return renderSignIn(req, deps, flow, username, 'unavailable', 503);
  }
  if (identity === null) {
    deps.metrics?.signIn('wrong_credentials');
    deps.log.info({ username, address: req.clientAddress }, 'sign-in failed');
    return renderSignIn(req, deps, flow, username, 'invalid_credentials', 401);
  }
  await deps.throttle.succeeded(attempt);

  // A new cookie secret on every sign-in. The same user signing in again (prompt=login,
  // max_age) keeps the session's sid, so its clients stay signed in and are told when it really
  // ends; another user's session is ended, and its clients are told now.
  const previous = await currentSession(req, deps);
  if (previous && previous.userId !== identity.id) {
    await deps.sessions.end(previous.id);
    await queueBackchannelLogout(deps, previous);
  }
  const { session, cookieValue } =
    previous && previous.userId === identity.id
      ? await deps.sessions.renew(previous, deps.clock.now())
      : await deps.sessions.create(identity.id, deps.clock.now());
  // The device cookie lets this browser past the account slowdown the next time (throttle.ts).
  const cookies: CookieInstruction[] = [sessionCookie(cookieValue, deps), deviceCookie(req, deps, username)];
  deps.metrics?.signIn('success');
  deps.log.info({ username: identity.username, sid: session.id }, 'signed in');

  if (flow === null) {
    return { kind: 'redirect', location: paths.signIn, cookies: [...clearBrowserState(deps), ...cookies] };
  }
  await deps.storage.interactions.setSession(flow.record.id, session.id);
  const next = await continueAuthorization(
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
  // Cookies of one name and path replace each other in order: a browser state the response
  // sets for the new user wins over the clearing.
  return { ...next, cookies: [...clearBrowserState(deps), ...(next.cookies ?? []), ...cookies] };
}

function renderSignIn(
  req: EndpointRequest,
  deps: BrowserDeps,
  flow: LoadedInteraction | null,
  username: string,
  error: SignInError | null,
  status = 200,
  retryAfterSeconds: number | null = null,
): EndpointResponse {
  const csrf = csrfFor(req, deps, PURPOSE);
  const page = signInPage({
    locale: localeOf(req, flow?.request.uiLocales),
    action: paths.signIn,
    csrfToken: csrf.token,
    interactionId: flow?.record.id ?? '',
    clientName: flow?.client.name ?? null,
    username,
    error,
    retryAfterSeconds,
    branding: brandingOf(deps.config),
  });
  return pageResponse(page, {
    status,
    cookies: csrf.cookies,
    formTargets: flow ? formTargetsOf(flow.request) : [],
  });
}

function single(req: EndpointRequest, name: string): string | undefined {
  const values = req.body.get(name);
  return values?.length === 1 ? values[0] : undefined;
}
