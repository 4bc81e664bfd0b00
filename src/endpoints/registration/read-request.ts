import { ClientMetadataError } from '../../clients/dynamic-metadata-error.js';
import type { MetadataRuleContext } from '../../clients/dynamic-metadata.js';
import { isLoopbackHttpIssuer } from '../../clients/registration-rules.js';
import type { SigningAlg } from '../../config/types.js';
import type { Deps, EndpointRequest } from '../types.js';
import { jsonBodyText } from './json-body.js';

/**
 * The JSON body of a registration or update request (RFC 7591 §3.1, RFC 7592 §2.2), parsed.
 *
 * @throws ClientMetadataError `invalid_request` when the body is not `application/json` or
 *   does not parse.
 */
export function readJsonBody(req: EndpointRequest): unknown {
  const text = jsonBodyText(req);
  if (text === null) {
    throw new ClientMetadataError(
      'invalid_request',
      'the client metadata must be sent as a JSON object with Content-Type: application/json',
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ClientMetadataError('invalid_request', 'the request body is not valid JSON');
  }
}

/** The rules a registration is checked against on this provider. */
export function metadataRules(deps: Deps): MetadataRuleContext {
  const { issuer } = deps.config;
  return {
    issuer,
    loopbackIssuer: isLoopbackHttpIssuer(issuer),
    signingAlgs: algsOfSigningKey(deps.tokens.alg),
  };
}

/**
 * What the signing key makes, given the algorithm it was chosen for (tokens/key-algs.ts
 * `algsForKey`): an RSA key serves RS256 and PS256, a P-256 or Ed25519 key its one algorithm.
 */
function algsOfSigningKey(alg: SigningAlg): readonly string[] {
  return alg === 'RS256' || alg === 'PS256' ? ['RS256', 'PS256'] : [alg];
}
