import type { DynamicClientRegistry } from '../../clients/dynamic-client-registry.js';
import { safeEqual } from '../../lib/constant-time.js';
import { hashToken } from '../../lib/ids.js';
import type { DynamicClientRecord } from '../../storage/types.js';
import { paths } from '../paths.js';
import type { EndpointRequest } from '../types.js';

/**
 * A request to the client configuration endpoint without a valid registration access token
 * for the client it names (RFC 7592 §2.1–2.3, RFC 6750 §3.1): answered 401 `invalid_token`.
 * `detail` is for the log only.
 */
export class RegistrationTokenError extends Error {
  constructor(
    readonly detail: string,
    /** The request carried a token (RFC 6750 §3.1: only then is `error` named in the challenge). */
    readonly presented: boolean,
  ) {
    super(detail);
    this.name = 'RegistrationTokenError';
  }
}

/** RFC 6750 §2.1 `b64token`. */
const bearerPattern = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;

/**
 * The dynamically registered client a client configuration request is about, once its
 * `Authorization: Bearer <registration access token>` is checked (RFC 7592 §3): the token's
 * SHA-256 is compared in constant time with the stored one, read from storage (not the memory
 * copy), so a client registered through another process sharing the database can be managed
 * too. A missing or wrong token, an unknown id, a client of the registration file and another
 * client's token are all the same 401: RFC 7592 §2.1 wants nothing revealed about other
 * clients.
 *
 * RFC 7592 §2.1 adds that a token presented for a client that does not exist SHOULD be
 * revoked. Sesame does not: that would only lock the token's own client out of its
 * registration, with no new token to take its place, and the token, 256 random bits, is never
 * guessed.
 *
 * The token is valid only until the next GET or PUT that succeeds with it, which replaces it
 * (manage.ts); the record returned holds the hash it was checked against, for the
 * compare-and-set of that change.
 *
 * @throws RegistrationTokenError
 */
export async function authorizedClient(
  req: EndpointRequest,
  registry: DynamicClientRegistry,
): Promise<DynamicClientRecord> {
  const header = req.headers['authorization'];
  const token = header === undefined ? undefined : bearerPattern.exec(header.trim())?.[1];
  if (token === undefined) {
    throw new RegistrationTokenError('no Bearer registration access token', header !== undefined);
  }
  const clientId = clientIdOf(req.path);
  const record = clientId === null ? null : await registry.read(clientId);
  if (record === null)
    throw new RegistrationTokenError(`no dynamically registered client "${clientId}"`, true);
  if (!safeEqual(hashToken(token), record.registrationTokenHash)) {
    throw new RegistrationTokenError(`wrong registration access token for client "${record.clientId}"`, true);
  }
  return record;
}

/** The client id of `<registration path>/<client_id>`; null when it does not decode. */
function clientIdOf(path: string): string | null {
  const raw = path.slice(paths.registration.length + 1);
  try {
    return decodeURIComponent(raw);
  } catch {
    return null;
  }
}
