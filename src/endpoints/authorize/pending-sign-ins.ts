import type { Logger } from 'pino';
import { OAuthError } from '../../oauth/errors.js';
import type { Deps } from '../types.js';

/**
 * Largest authorization request kept while the user signs in, in UTF-8 bytes of its JSON. The
 * parser already bounds each field (state and nonce 2,048 characters, claims 8 KiB, hints 256),
 * but escaping can multiply a field's size when stored, and under Konnect compatibility a
 * redirect URI's query and a trusted client's scopes are bounded only by the request size. A
 * typical request stores 400–700 bytes; one with a 2 KiB state, a 2 KiB nonce and an 8 KiB
 * claims request stores about 12.3 KiB.
 */
export const MAX_PENDING_REQUEST_BYTES = 16 * 1024;

/** A cap is logged at most once per this interval for each address, and once for the total. */
const WARN_INTERVAL_MS = 60_000;
/** Addresses remembered for that; beyond it, further ones are not logged within the interval. */
const MAX_WARNED_ADDRESSES = 10_000;

/**
 * Admits one more pending sign-in (an interaction record) for the client at `clientAddress`
 * (its `addressKey`, lib/address-key.ts), or refuses it, so that unauthenticated authorization
 * requests cannot fill storage (issue 7 item 2): at most `limits.pendingSignInsPerAddress` live
 * interactions per address and `limits.pendingSignIns` in all, each at most
 * {@link MAX_PENDING_REQUEST_BYTES}.
 * Expired interactions do not count, whether or not they were purged yet. Counting and creating
 * are separate steps, so concurrent requests may overshoot a cap by as many as are in flight.
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
  deps: Pick<Deps, 'config' | 'storage' | 'log'>,
): Promise<void> {
  const bytes = Buffer.byteLength(JSON.stringify(request), 'utf8');
  if (bytes > MAX_PENDING_REQUEST_BYTES) {
    throw new OAuthError('invalid_request', 'the authorization request is too large', {
      detail: `${bytes} bytes to keep while the user signs in; at most ${MAX_PENDING_REQUEST_BYTES}`,
    });
  }
  const { pendingSignIns, pendingSignInsPerAddress } = deps.config.limits;
  const [fromAddress, total] = await Promise.all([
    deps.storage.interactions.countLive(now, clientAddress),
    deps.storage.interactions.countLive(now),
  ]);
  const gate = warningGateOf(deps.log);
  if (fromAddress >= pendingSignInsPerAddress) {
    if (gate.allows(`address ${clientAddress}`, now)) {
      deps.log.warn(
        { address: clientAddress, pending: fromAddress, limit: pendingSignInsPerAddress },
        'too many pending sign-ins from one address (limits.pending_sign_ins_per_address); refusing more from it until some end',
      );
    }
    throw tooMany();
  }
  if (total >= pendingSignIns) {
    if (gate.allows('total', now)) {
      deps.log.warn(
        { address: clientAddress, pending: total, limit: pendingSignIns },
        'too many pending sign-ins in all (limits.pending_sign_ins); refusing more until some end',
      );
    }
    throw tooMany();
  }
}

function tooMany(): OAuthError {
  return new OAuthError('temporarily_unavailable', 'too many sign-ins are pending; try again later');
}

/**
 * One gate per logger: the limit protects that log. Kept here, beside the only user, rather
 * than in Deps, which this change does not own.
 */
const gates = new WeakMap<Logger, WarningGate>();

function warningGateOf(log: Logger): WarningGate {
  let gate = gates.get(log);
  if (gate === undefined) {
    gate = new WarningGate();
    gates.set(log, gate);
  }
  return gate;
}

/** Says whether a warning under a key may be logged now: once per interval, in bounded memory. */
class WarningGate {
  /** Key → when it was last logged, oldest first. */
  readonly #last = new Map<string, number>();

  allows(key: string, now: number): boolean {
    const last = this.#last.get(key);
    if (last !== undefined && now - last < WARN_INTERVAL_MS) return false;
    this.#last.delete(key);
    for (const [old, at] of this.#last) {
      if (now - at < WARN_INTERVAL_MS) break;
      this.#last.delete(old);
    }
    if (this.#last.size >= MAX_WARNED_ADDRESSES) return false;
    this.#last.set(key, now);
    return true;
  }
}
