import {
  createCipheriv,
  createDecipheriv,
  createPrivateKey,
  hkdfSync,
  randomBytes,
  type KeyObject,
} from 'node:crypto';

export type SealedKeyErrorCode = 'wrong_secret' | 'malformed';

/**
 * A sealed signing key that cannot be opened. `wrong_secret`: authentication failed — the
 * encryption secret is not the one that sealed it, or the sealed text, its alg or its kid was
 * altered (AES-GCM cannot tell these apart). `malformed`: not a sealed key this Sesame reads.
 */
export class SealedKeyError extends Error {
  readonly code: SealedKeyErrorCode;

  constructor(code: SealedKeyErrorCode, message: string) {
    super(message);
    this.name = 'SealedKeyError';
    this.code = code;
  }
}

/** What a sealed key is bound to: opening it under another alg or kid fails. */
export interface SealedKeyBinding {
  readonly alg: string;
  readonly kid: string;
}

const VERSION = 'v1';
/** HKDF `info` (RFC 5869 §2.3): keeps this key apart from the secret's other uses. */
const HKDF_INFO = 'sesame signing key sealing v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * Seals `privateKey` with the 32-byte instance secret, for storage:
 * `v1.<iv>.<ciphertext>.<tag>`, each part base64url. AES-256-GCM under a key derived from the
 * secret with HKDF-SHA256, a random 96-bit IV, the PKCS#8 DER of the key as plaintext, and
 * `binding` (alg and kid) as additional authenticated data.
 *
 * @throws TypeError when `secret` is not 32 bytes.
 */
export function sealPrivateKey(privateKey: KeyObject, binding: SealedKeyBinding, secret: Uint8Array): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', sealingKey(secret), iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(additionalData(binding));
  const der = privateKey.export({ type: 'pkcs8', format: 'der' });
  const ciphertext = Buffer.concat([cipher.update(der), cipher.final()]);
  const encoded = [iv, ciphertext, cipher.getAuthTag()].map((part) => part.toString('base64url'));
  return [VERSION, ...encoded].join('.');
}

/**
 * Opens what `sealPrivateKey` sealed with the same `binding` and `secret`.
 *
 * @throws SealedKeyError `wrong_secret` when authentication fails, with a message saying that
 *   every instance sharing the storage needs the same encryption secret; `malformed` when
 *   `sealed` is not a v1 sealed key.
 * @throws TypeError when `secret` is not 32 bytes.
 */
export function openSealedKey(sealed: string, binding: SealedKeyBinding, secret: Uint8Array): KeyObject {
  const key = sealingKey(secret);
  const { iv, ciphertext, tag } = parse(sealed, binding);
  const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(additionalData(binding));
  decipher.setAuthTag(tag);
  let der: Buffer;
  try {
    der = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch {
    throw new SealedKeyError(
      'wrong_secret',
      `${describe(binding)} cannot be opened: the encryption secret differs from the one that stored ` +
        'the key (or the stored key was altered). Every instance sharing the storage needs the same ' +
        'secret: the same --encryption-secret file, or the same <data_dir>/secret.key',
    );
  }
  try {
    return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  } catch {
    throw new SealedKeyError('malformed', `${describe(binding)} does not hold a PKCS#8 private key`);
  }
}

function sealingKey(secret: Uint8Array): Buffer {
  if (secret.length !== 32) throw new TypeError(`the instance secret must be 32 bytes, not ${secret.length}`);
  return Buffer.from(hkdfSync('sha256', secret, new Uint8Array(0), HKDF_INFO, 32));
}

/** Unambiguous whatever the alg and kid hold. */
function additionalData(binding: SealedKeyBinding): Buffer {
  return Buffer.from(JSON.stringify([VERSION, binding.alg, binding.kid]), 'utf8');
}

function parse(sealed: string, binding: SealedKeyBinding): { iv: Buffer; ciphertext: Buffer; tag: Buffer } {
  const [version = '', ...encoded] = sealed.split('.');
  if (version !== VERSION || encoded.length !== 3 || !encoded.every((part) => BASE64URL.test(part))) {
    const newer =
      /^v\d+$/.test(version) && version !== VERSION ? `; found ${version}, from a newer Sesame?` : '';
    throw new SealedKeyError(
      'malformed',
      `${describe(binding)} is not a sealed key this Sesame can read (expected ${VERSION}.<iv>.<ciphertext>.<tag>${newer})`,
    );
  }
  const [iv, ciphertext, tag] = encoded.map((part) => Buffer.from(part, 'base64url')) as [
    Buffer,
    Buffer,
    Buffer,
  ];
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
    throw new SealedKeyError('malformed', `${describe(binding)} has an IV or tag of the wrong length`);
  }
  return { iv, ciphertext, tag };
}

function describe(binding: SealedKeyBinding): string {
  return `the stored ${binding.alg} signing key (kid ${binding.kid})`;
}
