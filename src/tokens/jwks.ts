import { exportJWK } from 'jose';
import { algsForKey } from './key-algs.js';
import type { PublicJwk, VerificationKey } from './types.js';

/**
 * The public JWK set for `/konnect/v1/jwks.json` (RFC 7517 §5, konnect-spec §3.2): one entry
 * per key with its `kid`, `use: "sig"` and `alg`. Only public parameters are ever included.
 * Signing keys and validation keys (`--validation-keys-path`) are published alike.
 *
 * `alg` is given for keys that serve exactly one algorithm (P-256: ES256, Ed25519: EdDSA). An
 * RSA key serves RS256 and PS256 — the configured one, and whichever a client registered with
 * `id_token_signed_response_alg` / `userinfo_signed_response_alg` — so, as Konnect did, it is
 * published without `alg`; a verifier that pins `alg` would otherwise refuse the other one.
 */
export async function buildJwks(
  keys: readonly VerificationKey[],
): Promise<{ readonly keys: readonly PublicJwk[] }> {
  const jwks = await Promise.all(
    keys.map(async (key): Promise<PublicJwk> => {
      const { kty, ...params } = await exportJWK(key.publicKey);
      if (kty === undefined || 'd' in params)
        throw new TypeError(`key ${key.kid} did not export as a public JWK`);
      const algs = algsForKey(key.publicKey);
      if (algs.length === 0) throw new TypeError(`key ${key.kid} suits no signing algorithm`);
      const only = algs.length === 1 ? { alg: algs[0] } : {};
      return Object.freeze({ kty, ...params, kid: key.kid, use: 'sig', ...only });
    }),
  );
  return Object.freeze({ keys: Object.freeze(jwks) });
}
