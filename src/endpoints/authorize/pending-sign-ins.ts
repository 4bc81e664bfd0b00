import { OAuthError } from '../../oauth/errors.js';
import type { BrowserDeps } from '../types.js';

/**
 * Largest authorization request kept while the user signs in, in UTF-8 bytes of its JSON. The
 * parser already bounds each field (state and nonce 2,048 characters, claims 8 KiB, hints 256),
 * but escaping can multiply a field's size when stored, and under Konnect compatibility a
 * redirect URI's query and a trusted client's scopes are bounded only by the request size. A
 * typical request stores 400–700 bytes; one with a 2 KiB state, a 2 KiB nonce and an 8 KiB
 * claims request stores about 12.3 KiB.
 */
export const MAX_PENDING_REQUEST_BYTES = 16 * 1024;

/**
 * Admits one more pending sign-in (an interaction record) for the client at `clientAddress`
 * (its `addressKey`, lib/address-key.ts), or refuses it, so that unauthenticated authorization
 * requests cannot fill storage (issue 7 item 2): at most `limits.pendingSignIns` live
 * interactions in all, each at most {@link MAX_PENDING_REQUEST_BYTES}; and, once half of that
 * is in use, at most `limits.pendingSignInsPerAddress` from one address — under normal load
 * an office behind one NAT address is never held to it, under a flood from few addresses
 * the flood is. A flood from many addresses can still fill the total: then every new sign-in
 * is refused with a clear error until pending ones end (`lifetimes.interaction`), and storage
 * stays bounded. Expired interactions do not count, whether or not they were purged yet.
 * Counting and creating are separate steps, so concurrent requests may overshoot a cap by as
 * many as are in flight.
 *
 * A refusal is logged at warn with the address, at most once a minute per address (and once a
 * minute for the total cap), so a flood does not flood the log.
 *
 * @throws OAuthError `temporarily_unavailable` (RFC 6749 §4.1.2.1) when a cap is reached, and
 *   `invalid_request` when the request is too large to keep; both for the verified redirect_uri.
 */
export async function admitPendingSignIn(
  request: Readonly<Record<string, unknown>>,
  clientAddress: string,
  now: number,
  deps: Pick<BrowserDeps, 'config' | 'storage' | 'log' | 'warnings'>,
): Promise<void> {
  const bytes = Buffer.byteLength(JSON.stringify(request), 'utf8');
  if (bytes > MAX_PENDING_REQUEST_BYTES) {
    throw new OAuthError('invalid_request', 'the authorization request is too large', {
      detail: `${bytes} bytes to keep while the user signs in; at most ${MAX_PENDING_REQUEST_BYTES}`,
    });
  }
  const { pendingSignIns, pendingSignInsPerAddress } = deps.config.limits;
  const total = await deps.storage.interactions.countLive(now);
  if (total >= pendingSignIns) {
    if (deps.warnings.allows('pending sign-ins: total', now)) {
      deps.log.warn(
        { address: clientAddress, pending: total, limit: pendingSignIns },
        'too many pending sign-ins in all (limits.pending_sign_ins); refusing more until some end',
      );
    }
    throw tooMany();
  }
  if (total * 2 < pendingSignIns) return;
  const fromAddress = await deps.storage.interactions.countLive(now, clientAddress);
  if (fromAddress >= pendingSignInsPerAddress) {
    if (deps.warnings.allows(`pending sign-ins: ${clientAddress}`, now)) {
      deps.log.warn(
        { address: clientAddress, pending: fromAddress, limit: pendingSignInsPerAddress },
        'too many pending sign-ins from one address while the store is over half full (limits.pending_sign_ins_per_address); refusing more from it until some end',
      );
    }
    throw tooMany();
  }
}

function tooMany(): OAuthError {
  return new OAuthError('temporarily_unavailable', 'too many sign-ins are pending; try again later');
}
