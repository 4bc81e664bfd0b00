import { decideInteraction } from '../../oauth/prompt.js';
import { scopesCovered } from '../../oauth/scopes.js';
import { OAuthError, isOAuthError } from '../../oauth/errors.js';
import { randomToken } from '../../lib/ids.js';
import { resolveClient } from '../../clients/implicit-trust.js';
import type { SessionRecord } from '../../storage/types.js';
import type { BrowserDeps, EndpointResponse } from '../types.js';
import { paths } from '../paths.js';
import type { AuthorizationRequest, VerifiedTarget } from './request.js';
import { issueCode } from './issue-code.js';
import { respondToClient, respondWithError } from './respond.js';

/** Where an authorization stands: the request, and what the user did within its interaction. */
export interface FlowState {
  readonly request: AuthorizationRequest;
  /** The interaction record holding the request, once one was needed. */
  readonly interactionId: string | null;
  /** The user signed in or chose their account within this interaction. */
  readonly authenticatedInInteraction: boolean;
  /** The user just allowed the consent page. */
  readonly consentedInInteraction: boolean;
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
 * or consent (OIDC Core §3.1.2.3–§3.1.2.4), sends them to that page, or issues the code.
 * Redirect errors go to the verified redirect_uri.
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
  try {
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
    });
    switch (decision.kind) {
      case 'error':
        return respondWithError(target, deps.config.issuer, decision.error);
      case 'none': {
        if (!session) throw new Error('continueAuthorization: no session for a completed flow');
        if (state.interactionId) await deps.storage.interactions.delete(state.interactionId);
        const code = await issueCode(request, session, deps);
        return respondToClient(target, deps.config.issuer, { code });
      }
      case 'login':
        return goToPage(paths.signIn, state, deps);
      case 'select_account':
        return goToPage(paths.chooseAccount, state, deps);
      case 'consent':
        return goToPage(paths.consent, state, deps);
    }
  } catch (error) {
    if (isOAuthError(error) && error.status < 500) return respondWithError(target, deps.config.issuer, error);
    throw error;
  }
}

/** Keeps the request in an interaction record and sends the browser to a sign-in page. */
async function goToPage(path: string, state: FlowState, deps: BrowserDeps): Promise<EndpointResponse> {
  let id = state.interactionId;
  if (id === null) {
    id = randomToken(24);
    const now = deps.clock.now();
    await deps.storage.interactions.create({
      id,
      request: { ...state.request },
      sessionId: null,
      createdAt: now,
      expiresAt: now + deps.config.lifetimes.interaction * 1000,
    });
  }
  return { kind: 'redirect', location: `${path}?interaction=${encodeURIComponent(id)}` };
}
