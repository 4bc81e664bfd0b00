import type { Params } from '../types.js';
import { hashToken, randomToken } from '../../lib/ids.js';

/** The URN prefix of the request_uri values the PAR endpoint hands out (RFC 9126 §2.2). */
export const PUSHED_REQUEST_URI_PREFIX = 'urn:ietf:params:oauth:request_uri:';

/**
 * How long a pushed request may wait for the browser, in seconds. RFC 9126 §2.2 suggests a
 * short lifetime, 5 to 600 seconds; a client sends the browser on at once.
 */
export const PUSHED_REQUEST_LIFETIME_SECONDS = 60;

/**
 * Caps on live pushed requests, so that pushing cannot fill storage: a public client's id is no
 * secret, so anyone may push as it. One client alone can take at most a tenth of the total, so
 * a flood through one client leaves room for the others. At 32 KiB a request the total stays
 * far below 1 GiB; within one lifetime a client sends the browser on at once, so honest use is
 * far below either cap.
 */
export const pushedRequestLimits = Object.freeze({ total: 10_000, perClient: 1_000 });

/** A new request_uri: the prefix and 256 random bits, so none can be guessed (RFC 9126 §7.1). */
export function newPushedRequestUri(): string {
  return `${PUSHED_REQUEST_URI_PREFIX}${randomToken(32)}`;
}

/** Whether `value` has the form of a request_uri of Sesame's PAR endpoint. */
export function isPushedRequestUri(value: string): boolean {
  return value.startsWith(PUSHED_REQUEST_URI_PREFIX);
}

/** The key a pushed request is stored under: the SHA-256 of its request_uri, never the URI itself. */
export function pushedRequestKey(requestUri: string): string {
  return hashToken(requestUri);
}

/** The single-valued parameters a pushed request keeps, as the endpoints read parameters. */
export function asParams(params: Readonly<Record<string, string>>): Params {
  return new Map(Object.entries(params).map(([name, value]) => [name, [value]]));
}
