import { ClientMetadataError } from '../../clients/dynamic-metadata-error.js';
import type { MetadataRuleContext } from '../../clients/dynamic-metadata.js';
import { isLoopbackHttpIssuer } from '../../clients/registration-rules.js';
import type { SigningAlg } from '../../config/types.js';
import type { Deps, EndpointRequest } from '../types.js';
import { jsonBodyText } from './json-body.js';

/**
 * How deep arrays and objects may nest in a registration body. Client metadata needs five
 * levels (the body, `jwks`, `keys`, a key, its `key_ops`); unknown members are ignored (RFC
 * 7591 §2), but a value nested thousands deep would overflow the stack of anything that walks
 * it (JSON.stringify, structuredClone).
 */
const MAX_NESTING = 16;

/**
 * The JSON body of a registration or update request (RFC 7591 §3.1, RFC 7592 §2.2), parsed.
 *
 * @throws ClientMetadataError `invalid_request` when the body is not `application/json`, nests
 *   deeper than {@link MAX_NESTING}, or does not parse.
 */
export function readJsonBody(req: EndpointRequest): unknown {
  const text = jsonBodyText(req);
  if (text === null) {
    throw new ClientMetadataError(
      'invalid_request',
      'the client metadata must be sent as a JSON object with Content-Type: application/json',
    );
  }
  if (nestsDeeperThan(text, MAX_NESTING)) {
    throw new ClientMetadataError(
      'invalid_request',
      `the request body nests arrays and objects more than ${MAX_NESTING} deep`,
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ClientMetadataError('invalid_request', 'the request body is not valid JSON');
  }
}

/**
 * Whether the JSON text opens more than `max` arrays or objects inside one another, counted in
 * one pass over the text (no recursion, so any depth is safe). Brackets inside strings do not
 * count; text that is not JSON may be miscounted, and JSON.parse refuses it anyway.
 */
function nestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '[' || c === '{') {
      if (++depth > max) return true;
    } else if (c === ']' || c === '}') depth--;
  }
  return false;
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
