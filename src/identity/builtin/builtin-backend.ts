import type { Logger } from 'pino';
import type { PasswordHashing } from '../../config/types.js';
import type { Clock } from '../../lib/clock.js';
import { randomToken } from '../../lib/ids.js';
import { StorageError, type StoredUserRecord, type UserRecord, type UserStore } from '../../storage/types.js';
import { IdentityUnavailableError, type Identity, type IdentityBackend } from '../types.js';
import { formatParameters, hashParameters, hashPassword, hashedWith, verifyPassword } from './passwords.js';

export interface BuiltinBackendOptions {
  /** argon2id's parameters for new hashes (`passwords.*`). */
  readonly hashing: PasswordHashing;
  readonly log: Logger;
  /** Stamps `updatedAt` of a rehashed user. */
  readonly clock: Clock;
}

/**
 * The built-in identity backend: users kept in Sesame's own storage with argon2id password
 * hashes. The raw subject is the user's stable id. Usernames are matched case-insensitively
 * (the `UserStore` contract). Storage outages surface as `IdentityUnavailableError`.
 *
 * An unknown username costs what a known one whose hash has the configured parameters does,
 * so the response time does not reveal whether it exists: its password is checked against a
 * hash, made with `hashing`, of a random value nobody knows. The first unknown username makes
 * that hash, which costs what checking it would, and those arriving meanwhile wait for it; if
 * making it fails, they are refused all the same and the next one tries again. A known user
 * whose hash was made with other parameters takes another time until their next sign-in
 * replaces it (docs/security.md, "Password hashes").
 *
 * When a user signs in and their stored hash was made with other parameters (or is not
 * argon2id version 19), the password just verified is hashed again with `hashing` and stored
 * only if the stored hash is still the one verified (`UserStore.replacePasswordHash`), so a
 * concurrent password change wins. A failure to do so is logged and never fails the sign-in.
 *
 * `close` does nothing: the storage belongs to the caller.
 */
export function createBuiltinBackend(users: UserStore, options: BuiltinBackendOptions): IdentityBackend {
  const { hashing, log, clock } = options;
  let dummyHash: string | null = null;
  let makingDummy: Promise<void> | null = null;

  /** Spends on an unknown username what checking a known user's password costs. */
  async function checkDummy(password: string): Promise<void> {
    if (dummyHash !== null) {
      await verifyPassword(dummyHash, password);
      return;
    }
    makingDummy ??= makeDummy().finally(() => (makingDummy = null));
    await makingDummy;
  }

  async function makeDummy(): Promise<void> {
    try {
      dummyHash = await hashPassword(randomToken(), hashing);
      const made = hashParameters(dummyHash);
      log.debug(
        { parameters: made === null ? null : formatParameters(made) },
        'made the password hash that unknown usernames are checked against',
      );
    } catch (err) {
      log.warn({ err }, 'could not make the password hash unknown usernames are checked against');
    }
  }

  /** Replaces the user's hash with one of `password` made with `hashing`; never throws. */
  async function rehash(user: StoredUserRecord, password: string): Promise<void> {
    const stored = hashParameters(user.passwordHash);
    const from = stored === null ? 'not argon2id v=19' : formatParameters(stored);
    try {
      const next = await hashPassword(password, hashing);
      if (await users.replacePasswordHash(user.id, user.passwordHash, next, clock.now())) {
        log.info(
          { userId: user.id, from, to: formatParameters(hashing) },
          'rehashed a password with the configured argon2id parameters',
        );
      }
    } catch (err) {
      log.warn({ err, userId: user.id, from }, 'rehashing a password at sign-in failed; the old hash stays');
    }
  }

  return {
    subjectNamespace: 'identifier-builtin',
    async authenticate(username, password) {
      if (password === '' || username === '') return null;
      const user = await guard(() => users.getByUsername(username));
      if (user === null) {
        await checkDummy(password);
        return null;
      }
      if (!(await verifyPassword(user.passwordHash, password))) return null;
      if (!hashedWith(user.passwordHash, hashing)) await rehash(user, password);
      return toIdentity(user);
    },
    async getUser(id) {
      const user = await guard(() => users.getById(id));
      return user === null ? null : toIdentity(user);
    },
    async close() {},
  };
}

/**
 * The identity a backend hands out for a stored user; never includes the password hash. The
 * phone number is never marked verified: Sesame does not verify phone numbers.
 */
export function toIdentity(user: UserRecord): Identity {
  return {
    id: user.id,
    username: user.username,
    name: user.name,
    givenName: user.givenName,
    familyName: user.familyName,
    email: user.email,
    emailVerified: user.emailVerified,
    phoneNumber: user.phoneNumber ?? null,
    phoneNumberVerified: false,
    address: user.address ?? null,
  };
}

async function guard<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (error instanceof StorageError && error.kind === 'unavailable') {
      throw new IdentityUnavailableError('user storage is unavailable', { cause: error });
    }
    throw error;
  }
}
