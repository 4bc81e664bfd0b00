import type { GeneratedKeyRecord } from '../storage/types.js';
import { LOGOUT_TOKEN_LIFETIME_SECONDS } from './logout-token.js';

/**
 * What a ring of generated keys (issue 10, `key-ring.ts`) means at one moment. Pure: the same
 * records and time always give the same answer, on every instance.
 *
 * - A key is **retired** once `retiredAt` is set: never published, never trusted.
 * - A live key **signs** when it is the live key of highest `seq` whose `signsFrom` has come.
 * - A live key whose `signsFrom` is still ahead is **pending**: published, so relying parties
 *   that cache the JWKS learn it before any token it signs, but not signing.
 * - A key that signed and was then **superseded** — a key after it began signing — stays
 *   published while a token it signed may still be valid: until `supersededAt + keepFor`.
 *   After that it is **due** for retirement, which the instances carry out in storage.
 */
export interface RingState {
  /** The key to sign with now; null when no live key has reached its `signsFrom`. */
  readonly signer: GeneratedKeyRecord | null;
  /** The live keys to publish and trust now: the signer, pending keys, superseded keys in grace. */
  readonly published: readonly GeneratedKeyRecord[];
  /** Live keys whose grace has ended, to be retired in storage. */
  readonly due: readonly GeneratedKeyRecord[];
  /** Per kid of a superseded live key: when it is retired (epoch ms). */
  readonly retiresAt: ReadonlyMap<string, number>;
  /** The next moment the state changes by the clock alone (epoch ms); null: none ahead. */
  readonly nextChangeAt: number | null;
}

/**
 * The state of `records` (one algorithm's ring, any order) at `now`. `keepForMs` is how long
 * after a key stops signing a token it signed can still be valid: the longest token lifetime
 * (`longestTokenLifetimeMs`).
 *
 * A key after the signer counts as superseding it only from its `signsFrom`, and only if it
 * actually signed: a pending key retired before its `signsFrom` (a cancelled rotation)
 * supersedes nothing.
 */
export function ringState(records: readonly GeneratedKeyRecord[], now: number, keepForMs: number): RingState {
  const bySeq = [...records].sort((a, b) => a.seq - b.seq);
  const live = bySeq.filter((r) => r.retiredAt === null);
  const started = live.filter((r) => r.signsFrom <= now);
  const signer = started.at(-1) ?? null;
  /** Keys that began signing at some time up to now, retired since or not. */
  const signedAt = bySeq.filter(
    (r) => r.signsFrom <= now && (r.retiredAt === null || r.retiredAt > r.signsFrom),
  );
  const retiresAt = new Map<string, number>();
  const published: GeneratedKeyRecord[] = [];
  const due: GeneratedKeyRecord[] = [];
  const changes: number[] = [];
  for (const record of live) {
    if (record === signer) {
      // The signer is never superseded, whatever a later key did: a later key that began
      // signing and was then retired gives the signing back to it.
      published.push(record);
      continue;
    }
    if (record.signsFrom > now) {
      published.push(record);
      changes.push(record.signsFrom);
      continue;
    }
    const successor = signedAt.find((r) => r.seq > record.seq);
    if (successor === undefined) {
      published.push(record);
      continue;
    }
    const retireAt = successor.signsFrom + keepForMs;
    retiresAt.set(record.kid, retireAt);
    if (now < retireAt) {
      published.push(record);
      changes.push(retireAt);
    } else {
      due.push(record);
    }
  }
  return {
    signer,
    published,
    due,
    retiresAt,
    nextChangeAt: changes.length === 0 ? null : Math.min(...changes),
  };
}

/** Margin for verifiers' clock skew, added to the longest token lifetime. */
const SKEW_MARGIN_SECONDS = 60;

/**
 * How long a key stays published after it stops signing, in ms: while a token it signed may
 * still be presented — the longest lifetime of a signed token (access token, ID token, logout
 * token) or `reverifyMs`, how long Sesame itself reads back a token it signed (a logout token
 * whose back-channel delivery is retried, `deliveryPolicy.lifetimeMs`), whichever is longer —
 * plus a minute of clock skew. Userinfo JWTs carry no `exp`; they are answers, not credentials.
 */
export function keyGraceMs(
  lifetimes: { readonly accessToken: number; readonly idToken: number },
  reverifyMs: number,
): number {
  const longest = Math.max(lifetimes.accessToken, lifetimes.idToken, LOGOUT_TOKEN_LIFETIME_SECONDS) * 1000;
  return Math.max(longest, reverifyMs) + SKEW_MARGIN_SECONDS * 1000;
}
