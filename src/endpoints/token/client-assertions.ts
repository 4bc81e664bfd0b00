import type { ClientAssertionVerifier } from '../../clients/authenticate.js';
import { OAuthError } from '../../oauth/errors.js';
import {
  CLIENT_ASSERTION_SKEW,
  claimedClientId,
  verifyClientAssertion,
} from '../../tokens/client-assertion.js';
import { endpointUrl, paths } from '../paths.js';
import type { Deps } from '../types.js';

/**
 * The JWT client assertions accepted at the endpoint at `endpointPath` (RFC 7523 §3, OIDC
 * Core §9): verified by `tokens/client-assertion`, with an `aud` naming the issuer, the token
 * endpoint or this endpoint, and a `jti` accepted only once per client while the assertion
 * could still be valid (`storage.once`, keyed `assertion:<client_id>:<jti>`, kept until
 * `exp` plus the allowed skew). A `jti` is recorded only once the assertion has verified, so
 * nobody without the client's key or secret can use up its identifiers.
 */
export function clientAssertionVerifier(deps: Deps, endpointPath: string): ClientAssertionVerifier {
  const { issuer } = deps.config;
  const audiences = [
    ...new Set([issuer, endpointUrl(issuer, paths.token), endpointUrl(issuer, endpointPath)]),
  ];
  return {
    claimedClientId,
    async verify(assertion, client, required) {
      const now = deps.clock.now();
      const verified = await verifyClientAssertion(assertion, client, { audiences, now, method: required });
      const keptUntil = (verified.exp + CLIENT_ASSERTION_SKEW) * 1000;
      const firstUse = await deps.storage.once.use(`assertion:${client.id}:${verified.jti}`, keptUntil, now);
      if (!firstUse) {
        throw new OAuthError('invalid_client', 'client assertion has already been used', {
          detail: `jti ${JSON.stringify(verified.jti)} of client ${client.id} replayed`,
        });
      }
      return verified.method;
    },
  };
}
