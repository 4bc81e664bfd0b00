import { StorageError, type UserRecord, type UserStore } from '../../storage/types.js';
import { IdentityUnavailableError, type Identity, type IdentityBackend } from '../types.js';
import { verifyPassword } from './passwords.js';

/**
 * An argon2id hash (same parameters as `hashPassword`) of a random value nobody knows. Checked
 * when the username is unknown so that the response time does not reveal whether it exists.
 */
const DUMMY_HASH =
  '$argon2id$v=19$m=19456,t=2,p=1$A4dK5hnvIfogMce84PloNw$8VDDmalJioHEztsL+iPEr9P9pFLJ+s0GUvE3A0tuO2w';

/**
 * The built-in identity backend: users kept in Sesame's own storage with argon2id password
 * hashes. The raw subject is the user's stable id. Usernames are matched case-insensitively
 * (the `UserStore` contract). Storage outages surface as `IdentityUnavailableError`.
 *
 * `close` does nothing: the storage belongs to the caller.
 */
export function createBuiltinBackend(users: UserStore): IdentityBackend {
  return {
    subjectNamespace: 'identifier-builtin',
    async authenticate(username, password) {
      if (password === '' || username === '') return null;
      const user = await guard(() => users.getByUsername(username));
      if (user === null) {
        await verifyPassword(DUMMY_HASH, password);
        return null;
      }
      return (await verifyPassword(user.passwordHash, password)) ? toIdentity(user) : null;
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
