import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { isInternalAddress } from '../lib/internal-address.js';
import { deliveryPolicy } from './delivery-policy.js';
import { InternalAddressError, publicAddressLookup } from './public-address-lookup.js';

/** What became of one POST of a logout token. */
export type PostOutcome =
  | { readonly kind: 'delivered'; readonly status: number }
  /** Worth retrying: an error status, a redirect, a timeout or a network failure. */
  | { readonly kind: 'failed'; readonly reason: string }
  /** Never sent, and never to be: the URI leads to an address that is not public. */
  | { readonly kind: 'refused'; readonly reason: string }
  /** Stopped by the caller's signal (Sesame shutting down): not an attempt at all. */
  | { readonly kind: 'interrupted' };

export interface PostOptions {
  /**
   * Connect only to public addresses (lib/internal-address.ts): true for a dynamically
   * registered client, whose URI anyone may have chosen; false for a client of the
   * registration file, which the operator may put on loopback or a private network.
   */
  readonly publicAddressesOnly: boolean;
}

/** Sends one logout token; the worker's seam to the network. */
export type PostLogoutToken = (
  uri: string,
  logoutToken: string,
  signal: AbortSignal,
  options: PostOptions,
) => Promise<PostOutcome>;

/**
 * POSTs `logout_token=<token>` as `application/x-www-form-urlencoded` to `uri`, the client's
 * registered `backchannel_logout_uri` (OpenID Connect Back-Channel Logout 1.0 §2.5). Any 2xx is
 * delivered (§2.8 names 200; some relying parties answer 204). Redirects are never followed —
 * the token goes to the registered URI only — and count as failures. The whole exchange is
 * bounded by `deliveryPolicy.timeoutMs`; of a failed response's body at most
 * `deliveryPolicy.maxResponseBytes` are read, for the log, and of a successful one none.
 *
 * With `publicAddressesOnly`, a URI whose host is, or resolves to, an address that is not
 * public is `refused` before any connection is made; the address checked is the one connected
 * to. Every POST has a connection of its own, so none reuses one made under other rules.
 * Never throws.
 */
export const postLogoutToken: PostLogoutToken = async (uri, logoutToken, signal, options) => {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return { kind: 'refused', reason: 'not an absolute URI' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { kind: 'refused', reason: `${url.protocol} is not http or https` };
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (options.publicAddressesOnly && isIP(host) !== 0 && isInternalAddress(host)) {
    return { kind: 'refused', reason: `${host} is not a public address` };
  }
  const timeout = AbortSignal.timeout(deliveryPolicy.timeoutMs);
  const aborted = AbortSignal.any([signal, timeout]);
  try {
    const response = await send(url, new URLSearchParams({ logout_token: logoutToken }).toString(), {
      signal: aborted,
      ...(options.publicAddressesOnly ? { lookup: publicAddressLookup() } : {}),
    });
    const status = response.statusCode ?? 0;
    if (status >= 200 && status < 300) {
      response.destroy();
      return { kind: 'delivered', status };
    }
    const excerpt = await readExcerpt(response, aborted);
    return { kind: 'failed', reason: `HTTP ${status}${excerpt === '' ? '' : `: ${excerpt}`}` };
  } catch (error) {
    if (error instanceof InternalAddressError) return { kind: 'refused', reason: error.message };
    if (signal.aborted) return { kind: 'interrupted' };
    if (timeout.aborted) return { kind: 'failed', reason: `no answer within ${deliveryPolicy.timeoutMs} ms` };
    return { kind: 'failed', reason: describeError(error) };
  }
};

/** One POST on a connection of its own (`agent: false`); resolves with the response's head. */
function send(
  url: URL,
  body: string,
  options: Pick<RequestOptions, 'signal' | 'lookup'>,
): Promise<IncomingMessage> {
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(url, {
      ...options,
      method: 'POST',
      agent: false,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'content-length': Buffer.byteLength(body),
        accept: 'application/json',
      },
    });
    req.once('response', resolve);
    req.on('error', reject);
    req.end(body);
  });
}

/** The start of a response body, printable and on one line, for the log; never more than the bound. */
async function readExcerpt(response: IncomingMessage, signal: AbortSignal): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  await new Promise<void>((done) => {
    const finish = (): void => {
      signal.removeEventListener('abort', finish);
      response.destroy();
      done();
    };
    if (signal.aborted) return finish();
    signal.addEventListener('abort', finish, { once: true });
    response.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.byteLength;
      if (size >= deliveryPolicy.maxResponseBytes) finish();
    });
    // A body cut short still says something; what was read is enough.
    response.once('end', finish);
    response.once('error', finish);
    response.once('close', finish);
  });
  const bytes = Buffer.concat(chunks).subarray(0, deliveryPolicy.maxResponseBytes);
  return new TextDecoder()
    .decode(bytes)
    .replace(/[^\x20-\x7e]+/g, ' ')
    .trim()
    .slice(0, 200);
}

/** The cause of a network failure (ECONNREFUSED, ENOTFOUND …), for the log. */
function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as NodeJS.ErrnoException).code;
  const message =
    error.message !== '' ? error.message : error instanceof AggregateError ? describeAll(error) : '';
  return code !== undefined && !message.includes(code) ? `${code}: ${message}` : message;
}

/** An AggregateError (every address of a host refused) has its reasons inside. */
function describeAll(error: AggregateError): string {
  return error.errors.map((e: unknown) => (e instanceof Error ? e.message : String(e))).join('; ');
}
