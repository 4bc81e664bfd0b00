import type { SigningAlg } from '../config/types.js';
import { buildJwks } from './jwks.js';
import { keyFitsAlg } from './key-algs.js';
import type { PublicJwk, SigningKey, VerificationKey } from './types.js';

/** The keys an instance uses at one moment. */
export interface KeySnapshot {
  /** The key every token is signed with now. */
  readonly signer: SigningKey;
  /** Every key published and trusted now, the signer included; kids are unique. */
  readonly verification: readonly VerificationKey[];
  /** The public JWK set of `verification`, rendered once per snapshot. */
  readonly jwks: { readonly keys: readonly PublicJwk[] };
}

/**
 * Where the token service gets its keys. Fixed for key files; a ring of generated keys
 * (`key-ring.ts`) changes while the instance runs, and each call sees the keys of that moment.
 * `current` is synchronous and cheap: it is called for every token minted or verified.
 */
export interface KeySource {
  current(): KeySnapshot;
}

/**
 * The keys files configure (`loadConfiguredKeys`), fixed while the instance runs: the first
 * signing key that suits `alg` signs; every signing key and every validation key verifies and is
 * published. Throws TypeError when no key suits `alg`.
 */
export async function fixedKeySource(
  signing: readonly SigningKey[],
  validation: readonly VerificationKey[],
  alg: SigningAlg,
): Promise<KeySource> {
  const signer = signing.find((key) => keyFitsAlg(key.privateKey, alg));
  if (signer === undefined) throw new TypeError(`no signing key suits ${alg}`);
  const verification = [...signing, ...validation];
  const snapshot: KeySnapshot = { signer, verification, jwks: await buildJwks(verification) };
  return { current: () => snapshot };
}
