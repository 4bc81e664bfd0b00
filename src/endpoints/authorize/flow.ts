import { decideInteraction } from '../../oauth/prompt.js';
import { scopesCovered } from '../../oauth/scopes.js';
import { OAuthError, isOAuthError } from '../../oauth/errors.js';
import { randomToken } from '../../lib/ids.js';
import { resolveClient } from '../../clients/implicit-trust.js';
import type { Client } from '../../clients/types.js';
import { IdentityUnavailableError } from '../../identity/types.js';
import type { SessionRecord } from '../../storage/types.js';
import type { BrowserDeps, EndpointResponse } from '../types.js';
import { paths } from '../paths.js';
import {
  RAW_SUB_SCOPE,
  publicSubject,
  publicSubjectOf,
  subjectForGuest,
  subjectForUser,
  type GrantSubject,
} from '../grant-subject.js';
import type { AuthorizationRequest, VerifiedTarget } from './request.js';
import { completeAuthorization, type Authorized } from './complete.js';
import { respondToClient, respondWithError, type BrowserOutcome } from './respond.js';
import { admitPendingSignIn } from './pending-sign-ins.js';
import { addressKey } from '../../lib/address-key.js';
import { isStorageOutage, storageUnavailable } from '../../oauth/storage-outage.js';

/** Where an authorization stands: the request, and what the user did within its interaction. */
export interface FlowState {
  readonly request: AuthorizationRequest;
  /** The interaction record holding the request, once one was needed. */
  readonly interactionId: string | null;
  /** The user signed in or chose their account within this interaction. */
  readonly authenticatedInInteraction: boolean;
  /** The user just allowed the consent page. */
  readonly consentedInInteraction: boolean;
  /**
   * The address the current request came from (`EndpointRequest.clientAddress`): pending
   * sign-ins are capped per address.
   */
  readonly clientAddress: string;
}

/** The target for responses to the client of an authorization request. */
export function targetOf(request: AuthorizationRequest): VerifiedTarget {
  return {
    clientId: request.clientId,
    redirectUri: request.redirectUri,
    responseMode: request.responseMode,
    state: request.state,
  };
}

/**
 * Moves an authorization forward: decides whether the user must sign in, choose an account
 * or consent (OIDC Core §3.1.2.3–§3.1.2.4), sends them to that page, or completes it. With
 * no usable session, a guest described by the client's signed request object is signed in
 * instead when guests are allowed (kopano-meet.md req. 38).
 *
 * Every error from here on goes to the verified redirect_uri, never to a page: a silent
 * `prompt=none` request in a hidden iframe must always get its answer (req. 26).
 */
export async function continueAuthorization(
  state: FlowState,
  session: SessionRecord | null,
  deps: BrowserDeps,
): Promise<EndpointResponse> {
  const { request } = state;
  const target = targetOf(request);
  const client = resolveClient(
    deps.clients,
    request.clientId,
    request.redirectUri,
    deps.config.issuer,
    deps.config.compat,
  );
  if (!client) {
    throw new OAuthError('invalid_request', 'The application that sent you here is no longer registered.');
  }
  const browser = browserOutcome(session, deps);
  try {
    const guest = guestToSignIn(state, session, deps);
    if (guest) return await authorizeGuest(state, client, guest, deps);
    const subjectMatches = session === null || matchesRequiredSubjects(request, session.userId, deps);

    const consent = session ? await deps.storage.consents.get(session.userId, client.id) : null;
    const decision = decideInteraction({
      prompt: new Set(request.prompt),
      maxAge: request.maxAge,
      session,
      now: deps.clock.now(),
      consentGiven: consent !== null && scopesCovered(request.scopes, consent.scopes),
      trusted: client.trusted,
      authenticatedInInteraction: state.authenticatedInInteraction,
      consentedInInteraction: state.consentedInInteraction,
      subjectMatches,
    });
    switch (decision.kind) {
      case 'error':
        return respondWithError(target, deps, decision.error, browser);
      case 'none': {
        if (!session) throw new Error('continueAuthorization: no session for a completed flow');
        if (state.interactionId) await deps.storage.interactions.delete(state.interactionId);
        const params = await completeAuthorization(
          request,
          client,
          {
            userId: session.userId,
            guest: null,
            subject: () => loadSessionUser(session, deps),
            sessionId: session.id,
            authTime: session.authTime,
            scopes: request.scopes,
          },
          deps,
        );
        return respondToClient(target, deps, params, browser);
      }
      case 'login':
        return await goToPage(paths.signIn, state, deps);
      case 'select_account':
        return await goToPage(paths.chooseAccount, state, deps);
      case 'consent':
        return await goToPage(paths.consent, state, deps);
    }
  } catch (error) {
    return respondWithError(target, deps, asAuthorizationError(error, deps), browser);
  }
}

/** The signed-in user as a grant subject; a user removed meanwhile must sign in again. */
async function loadSessionUser(session: SessionRecord, deps: BrowserDeps): Promise<GrantSubject> {
  const identity = await deps.identity.getUser(session.userId);
  if (identity === null) throw new OAuthError('login_required', 'the signed-in user no longer exists');
  return subjectForUser(identity, deps);
}

/** Who the browser is signed in as, for session management; computed only when that is on. */
function browserOutcome(session: SessionRecord | null, deps: BrowserDeps): BrowserOutcome | undefined {
  if (!deps.config.sessionManagement) return undefined;
  return { subject: session ? publicSubjectOf(session.userId, deps) : null };
}

/**
 * An `id_token_hint` or a `sub` claim request names the user the response must be for
 * (OIDC Core §3.1.2.1, §3.1.2.2); the session's user must be that one, under the subject the
 * request would give them: the public one, or the raw id when `konnect/raw_sub` is requested
 * — never the raw id otherwise, or a client could probe a user's DN.
 */
function matchesRequiredSubjects(request: AuthorizationRequest, userId: string, deps: BrowserDeps): boolean {
  if (request.requiredSubjects.length === 0) return true;
  const own = request.scopes.includes(RAW_SUB_SCOPE) ? userId : publicSubjectOf(userId, deps);
  return request.requiredSubjects.every((sub) => sub === own);
}

/**
 * The guest to sign in: only while guests are allowed, only when the request carries one,
 * and only when nobody is signed in — a signed-in user opening a guest link stays themselves,
 * as in Konnect (identity/managers/identifier.go Authenticate).
 */
function guestToSignIn(
  state: FlowState,
  session: SessionRecord | null,
  deps: BrowserDeps,
): NonNullable<AuthorizationRequest['guest']> | null {
  const { guest } = state.request;
  if (guest === null || session !== null || !deps.config.allowClientGuests) return null;
  return state.authenticatedInInteraction ? null : guest;
}

/**
 * Signs a guest in from the verified request object (kopano-meet.md req. 38; Konnect
 * identity/managers/guest.go): no session, no consent page — `prompt=consent` cannot be
 * honoured for a guest and is `interaction_required` — and the guest scopes already approved
 * when the request was parsed.
 */
async function authorizeGuest(
  state: FlowState,
  client: Client,
  guest: NonNullable<AuthorizationRequest['guest']>,
  deps: BrowserDeps,
): Promise<EndpointResponse> {
  const { request } = state;
  const target = targetOf(request);
  const subject = subjectForGuest(guest.record);
  const sub = publicSubject(subject.identity, subject.namespace);
  const guestBrowser: BrowserOutcome = { subject: sub };
  if (request.prompt.includes('consent')) {
    const error = new OAuthError('interaction_required', 'a guest cannot be asked for consent');
    return respondWithError(target, deps, error, guestBrowser);
  }
  if (!request.requiredSubjects.every((required) => required === sub)) {
    const error = new OAuthError('login_required', 'the guest is not the one the request asked for');
    return respondWithError(target, deps, error, guestBrowser);
  }
  deps.log.info({ clientId: client.id, guest: guest.record.id }, 'guest signed in');
  const authorized: Authorized = {
    // Prefixed so that no guest id chosen in a request object can name a directory user.
    userId: `guest:${guest.record.id}`,
    guest: guest.record,
    subject: () => Promise.resolve(subject),
    sessionId: null,
    authTime: deps.clock.now(),
    scopes: guest.scopes,
  };
  const params = await completeAuthorization(request, client, authorized, deps);
  return respondToClient(target, deps, params, guestBrowser);
}

/**
 * After the redirect_uri is verified every failure is answered there (RFC 6749 §4.1.2.1):
 * protocol errors as they are, the directory or the database being down as
 * `temporarily_unavailable`, and anything unexpected, logged, as `server_error`.
 */
export function asAuthorizationError(error: unknown, deps: BrowserDeps): OAuthError {
  if (isOAuthError(error)) return error;
  if (isStorageOutage(error)) {
    // Logged once per outage by StorageHealth, not per request.
    deps.storageHealth.failed(error.message);
    return storageUnavailable(error);
  }
  if (error instanceof IdentityUnavailableError) {
    // The backend logs the outage once, when it starts; one quiet line per request here.
    deps.log.debug({ reason: error.message }, 'identity backend unavailable at the authorization endpoint');
    return new OAuthError('temporarily_unavailable', 'the user directory is unavailable, try again later');
  }
  deps.log.error({ err: error }, 'authorization failed');
  return new OAuthError('server_error', 'an internal error occurred');
}

/**
 * Keeps the request in an interaction record and sends the browser to a sign-in page. A new
 * record is made only while the caps on pending sign-ins allow it (pending-sign-ins.ts).
 */
async function goToPage(path: string, state: FlowState, deps: BrowserDeps): Promise<EndpointResponse> {
  let id = state.interactionId;
  if (id === null) {
    id = randomToken(24);
    const now = deps.clock.now();
    const request = { ...state.request };
    const clientAddress = addressKey(state.clientAddress);
    await admitPendingSignIn(request, clientAddress, now, deps);
    await deps.storage.interactions.create({
      id,
      request,
      sessionId: null,
      createdAt: now,
      expiresAt: now + deps.config.lifetimes.interaction * 1000,
      clientAddress,
    });
  }
  return { kind: 'redirect', location: `${path}?interaction=${encodeURIComponent(id)}` };
}
