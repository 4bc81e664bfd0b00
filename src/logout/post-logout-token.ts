import { deliveryPolicy } from './delivery-policy.js';

/** What became of one POST of a logout token. */
export type PostOutcome =
  | { readonly kind: 'delivered'; readonly status: number }
  /** Worth retrying: an error status, a redirect, a timeout or a network failure. */
  | { readonly kind: 'failed'; readonly reason: string }
  /** Stopped by the caller's signal (Sesame shutting down): not an attempt at all. */
  | { readonly kind: 'interrupted' };

/** Sends one logout token; the worker's seam to the network. */
export type PostLogoutToken = (uri: string, logoutToken: string, signal: AbortSignal) => Promise<PostOutcome>;

/**
 * POSTs `logout_token=<token>` as `application/x-www-form-urlencoded` to `uri`, the client's
 * registered `backchannel_logout_uri` (OpenID Connect Back-Channel Logout 1.0 §2.5). Any 2xx is
 * delivered (§2.8 names 200; some relying parties answer 204). Redirects are never followed —
 * the token goes to the registered URI only — and count as failures. The whole exchange is
 * bounded by `deliveryPolicy.timeoutMs`; of a failed response's body at most
 * `deliveryPolicy.maxResponseBytes` are read, for the log, and of a successful one none.
 * Never throws.
 */
export const postLogoutToken: PostLogoutToken = async (uri, logoutToken, signal) => {
  const timeout = AbortSignal.timeout(deliveryPolicy.timeoutMs);
  try {
    const response = await fetch(uri, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({ logout_token: logoutToken }).toString(),
      redirect: 'manual',
      signal: AbortSignal.any([signal, timeout]),
    });
    if (response.status >= 200 && response.status < 300) {
      await response.body?.cancel().catch(() => undefined);
      return { kind: 'delivered', status: response.status };
    }
    const excerpt = await readExcerpt(response);
    return { kind: 'failed', reason: `HTTP ${response.status}${excerpt === '' ? '' : `: ${excerpt}`}` };
  } catch (error) {
    if (signal.aborted) return { kind: 'interrupted' };
    if (timeout.aborted) return { kind: 'failed', reason: `no answer within ${deliveryPolicy.timeoutMs} ms` };
    return { kind: 'failed', reason: describeError(error) };
  }
};

/** The start of a response body, printable and on one line, for the log; never more than the bound. */
async function readExcerpt(response: Response): Promise<string> {
  const reader = response.body?.getReader();
  if (reader === undefined) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < deliveryPolicy.maxResponseBytes) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } catch {
    // A body cut short still says something; what was read is enough.
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  const bytes = Buffer.concat(chunks).subarray(0, deliveryPolicy.maxResponseBytes);
  return new TextDecoder()
    .decode(bytes)
    .replace(/[^\x20-\x7e]+/g, ' ')
    .trim()
    .slice(0, 200);
}

/** fetch's errors hide the cause (ECONNREFUSED, ENOTFOUND …) one level down. */
function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause;
  if (cause instanceof Error) {
    const code = (cause as NodeJS.ErrnoException).code;
    return code ? `${code}: ${cause.message}` : cause.message;
  }
  return error.message;
}
