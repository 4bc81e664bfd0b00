import { exportJWK } from 'jose';
import type { SigningAlg } from '../config/types.js';
import { algsForKey, keyFitsAlg } from './key-algs.js';
import type { PublicJwk, VerificationKey } from './types.js';

/**
 * The public JWK set for `/konnect/v1/jwks.json` (RFC 7517 §5, konnect-spec §3.2): one entry
 * per key with its `kid`, `use: "sig"` and `alg`. Only public parameters are ever included.
 * Signing keys and validation keys (`--validation-keys-path`) are published alike.
 *
 * `alg` is the configured algorithm when the key suits it, else the key's own first
 * algorithm (an RSA key under ES256 config is published as RS256). Konnect publishes no
 * `alg`; including it lets strict verifiers refuse algorithm substitution.
 */
export async function buildJwks(
  keys: readonly VerificationKey[],
  alg: SigningAlg,
): Promise<{ readonly keys: readonly PublicJwk[] }> {
  const jwks = await Promise.all(
    keys.map(async (key): Promise<PublicJwk> => {
      const { kty, ...params } = await exportJWK(key.publicKey);
      if (kty === undefined || 'd' in params)
        throw new TypeError(`key ${key.kid} did not export as a public JWK`);
      const keyAlg = keyFitsAlg(key.publicKey, alg) ? alg : algsForKey(key.publicKey)[0];
      if (keyAlg === undefined) throw new TypeError(`key ${key.kid} suits no signing algorithm`);
      return Object.freeze({ kty, ...params, kid: key.kid, use: 'sig', alg: keyAlg });
    }),
  );
  return Object.freeze({ keys: Object.freeze(jwks) });
}
