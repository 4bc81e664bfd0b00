import type { PasswordHashing } from '../../config/types.js';
import type { UserStore } from '../../storage/types.js';
import { passwordTooLong, passwordTooShort } from '../password-length.js';
import { hashPassword, verifyPassword } from './passwords.js';

/** Why a built-in user's password was not changed. */
export type PasswordChangeRefusal =
  /** The current password given is not the user's (or the user no longer exists). */
  | 'wrong_password'
  /** The new password is shorter than `MIN_PASSWORD_LENGTH` or longer than `MAX_PASSWORD_LENGTH`. */
  | 'weak_password';

/**
 * Sets a new password for the built-in user `userId` after checking the current one, under the
 * rules `sesame user add` applies (identity/password-length.ts); the new one is stored as an
 * argon2id hash made with `hashing` (`passwords.*`). The caller throttles the attempts: this
 * checks a password. Resolves with `changed`, or with why nothing was changed.
 */
export async function changeBuiltinPassword(
  users: UserStore,
  hashing: PasswordHashing,
  userId: string,
  current: string,
  next: string,
  now: number,
): Promise<'changed' | PasswordChangeRefusal> {
  const user = await users.getById(userId);
  if (user === null || current === '' || !(await verifyPassword(user.passwordHash, current))) {
    return 'wrong_password';
  }
  if (passwordTooShort(next) || passwordTooLong(next)) return 'weak_password';
  const passwordHash = await hashPassword(next, hashing);
  return (await users.update(userId, { passwordHash }, now)) ? 'changed' : 'wrong_password';
}
