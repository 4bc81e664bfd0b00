/**
 * The longest password Sesame accepts, in characters (Unicode code points), for every identity
 * backend: `sesame user add` and `passwd` refuse a longer one, and sign-in treats a longer one
 * as a wrong password. Never cut short: no prefix of a password may stand in for it.
 */
export const MAX_PASSWORD_LENGTH = 1024;

/** Whether `password` has more than {@link MAX_PASSWORD_LENGTH} characters. */
export function passwordTooLong(password: string): boolean {
  // A string has at least as many UTF-16 units as code points: most need no counting.
  return password.length > MAX_PASSWORD_LENGTH && [...password].length > MAX_PASSWORD_LENGTH;
}

/**
 * The shortest password Sesame sets for a built-in user, in characters (Unicode code points):
 * `sesame user add` and `passwd` and the account page's password form refuse a shorter one.
 */
export const MIN_PASSWORD_LENGTH = 8;

/** Whether `password` has fewer than {@link MIN_PASSWORD_LENGTH} characters. */
export function passwordTooShort(password: string): boolean {
  return [...password].length < MIN_PASSWORD_LENGTH;
}
