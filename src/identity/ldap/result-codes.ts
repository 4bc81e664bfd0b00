import { ResultCodeError } from 'ldapts';
import type { DirectoryTrouble } from './directory-health.js';

/**
 * Result codes (RFC 4511 Appendix A) by which the directory says it cannot serve now, not "no"
 * to this request: timeLimitExceeded (3), sizeLimitExceeded (4), adminLimitExceeded (11), busy
 * (51), unavailable (52), unwillingToPerform (53). Sesame treats them as an outage, like a
 * directory that does not answer: the request fails with `IdentityUnavailableError` (a 503) and
 * the log says so once per outage, not once per request.
 *
 * A sizeLimitExceeded that answers a search with a client `sizeLimit` never gets here: ldapts
 * returns the entries found, and the user search relies on that to tell "more than one".
 */
export const UNAVAILABLE_CODES: ReadonlySet<number> = new Set([3, 4, 11, 51, 52, 53]);

/**
 * Result codes by which a bind says the account or its credentials are wrong:
 * noSuchObject (32) and invalidDNSyntax (34) for the DN, inappropriateAuthentication (48) for
 * a bind of a kind the account may not use (anonymous or without a password where that is
 * disallowed), invalidCredentials (49), and insufficientAccessRights (50), which some servers
 * give an account that may not bind (disabled, locked, outside its hours). On the service bind
 * each means LDAP_BINDDN or LDAP_BINDPW needs the operator, however often it is retried.
 */
export const BIND_REJECTED_CODES: ReadonlySet<number> = new Set([32, 34, 48, 49, 50]);

/** unwillingToPerform: also OpenLDAP's answer to a bind with a DN but no password (RFC 4513 §5.1.2). */
const UNWILLING_TO_PERFORM = 53;

/** True when `error` is a directory answer that means "cannot serve now" (`UNAVAILABLE_CODES`). */
export function isDirectoryUnavailable(error: unknown): boolean {
  return error instanceof ResultCodeError && UNAVAILABLE_CODES.has(error.code);
}

/**
 * What a result code that answered the service bind says about the directory:
 *
 * - `service-bind-rejected`: the DN or password is wrong (`BIND_REJECTED_CODES`), or the bind
 *   carried no password and was refused as unwilling — OpenLDAP's answer to LDAP_BINDDN without
 *   LDAP_BINDPW, which would otherwise read as a busy server;
 * - `unavailable`: the directory cannot serve now (`UNAVAILABLE_CODES`);
 * - `service-bind-refused`: any other answer (confidentiality or stronger authentication
 *   required, protocol error, …): the server refuses the bind for a reason the credentials do
 *   not explain; its message says which.
 */
export function serviceBindTrouble(error: ResultCodeError, password: string | null): DirectoryTrouble {
  if (BIND_REJECTED_CODES.has(error.code)) return 'service-bind-rejected';
  if (error.code === UNWILLING_TO_PERFORM && (password ?? '') === '') return 'service-bind-rejected';
  if (UNAVAILABLE_CODES.has(error.code)) return 'unavailable';
  return 'service-bind-refused';
}

/**
 * A result code as an operator reads it: the server's diagnostic message, when it sent one,
 * then the code's name and number — "invalid credentials (code 49)" rather than ldapts's
 * " Code: 0x31" for a server that says nothing more.
 */
export function describeResultCode(error: ResultCodeError): string {
  const name = error.name
    .replace(/Error$/, '')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase();
  const code = `code ${error.code}`;
  const known = name !== 'result code' && name !== '';
  const diagnostic = error.message.replace(/\s*Code: 0x[0-9a-f]+$/i, '').trim();
  if (diagnostic !== '') return `${diagnostic} (${known ? `${name}, ${code}` : code})`;
  return known ? `${name} (${code})` : code;
}
