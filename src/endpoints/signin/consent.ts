import { consentPage } from '../../views/index.js';
import { OAuthError } from '../../oauth/errors.js';
import type { BrowserDeps, EndpointRequest, EndpointResponse } from '../types.js';
import { paths } from '../paths.js';
import { brandingOf, localeOf, pageResponse } from '../pages.js';
import { continueAuthorization, targetOf } from '../authorize/flow.js';
import { respondWithError } from '../authorize/respond.js';
import { checkCsrf, csrfFor, currentSession } from './browser-session.js';
import { formTargetsOf, interactionIdOf, loadInteraction, type LoadedInteraction } from './interaction.js';
import { userOf } from './user-display.js';
import { publicSubjectOf } from '../grant-subject.js';

const PURPOSE = 'consent';

/** GET `/signin/v1/consent`: which application wants what (OIDC Core §3.1.2.4). */
export async function showConsent(req: EndpointRequest, deps: BrowserDeps): Promise<EndpointResponse> {
  const { flow, session } = await load(req, deps);
  if (!session) return signInFirst(flow);
  const csrf = csrfFor(req, deps, PURPOSE);
  const user = await userOf(session.userId, deps);
  const page = consentPage({
    locale: localeOf(req, flow.request.uiLocales),
    action: paths.consent,
    csrfToken: csrf.token,
    interactionId: flow.record.id,
    clientName: flow.client.name,
    clientId: flow.client.id,
    userDisplayName: user.displayName,
    // The username tells apart people of the same name; where it is the name shown, the e-mail.
    userDetail: user.username !== user.displayName ? user.username : (user.email ?? ''),
    scopes: flow.request.scopes.map((id) => {
      const description = deps.scopeDefinitions?.scopes.find((s) => s.id === id)?.description;
      return description ? { id, description } : { id };
    }),
    branding: brandingOf(deps.config),
  });
  return pageResponse(page, { cookies: csrf.cookies, formTargets: formTargetsOf(flow.request) });
}

/** POST `/signin/v1/consent`: remember an Allow and continue; a Cancel is `access_denied`. */
export async function submitConsent(req: EndpointRequest, deps: BrowserDeps): Promise<EndpointResponse> {
  checkCsrf(req, deps, PURPOSE);
  const { flow, session } = await load(req, deps);
  if (!session) return signInFirst(flow);
  const decision = req.body.get('decision');
  if (decision?.length !== 1 || (decision[0] !== 'allow' && decision[0] !== 'deny')) {
    throw new OAuthError('invalid_request', 'Choose Allow or Cancel.');
  }
  if (decision[0] === 'deny') {
    await deps.storage.interactions.delete(flow.record.id);
    const denied = new OAuthError('access_denied', 'the user declined the request', { redirectable: true });
    return respondWithError(targetOf(flow.request), deps, denied, {
      subject: publicSubjectOf(session.userId, deps),
    });
  }
  const earlier = await deps.storage.consents.get(session.userId, flow.client.id);
  await deps.storage.consents.put({
    userId: session.userId,
    clientId: flow.client.id,
    scopes: [...new Set([...(earlier?.scopes ?? []), ...flow.request.scopes])],
    createdAt: deps.clock.now(),
  });
  return continueAuthorization(
    {
      request: flow.request,
      interactionId: flow.record.id,
      authenticatedInInteraction: flow.record.sessionId === session.id,
      consentedInInteraction: true,
      clientAddress: req.clientAddress,
    },
    session,
    deps,
  );
}

async function load(req: EndpointRequest, deps: BrowserDeps) {
  const id = interactionIdOf(req);
  if (id === null) throw new OAuthError('invalid_request', 'There is no sign-in request to consent to.');
  const flow = await loadInteraction(id, deps);
  return { flow, session: await currentSession(req, deps) };
}

function signInFirst(flow: LoadedInteraction): EndpointResponse {
  return { kind: 'redirect', location: `${paths.signIn}?interaction=${encodeURIComponent(flow.record.id)}` };
}
