/**
 * The `passwords` setting of the `sqlite-cheap-hash` target: argon2id at 1 MiB and one pass,
 * about a fortieth of the default's cost and far below OWASP's recommendations (Sesame logs a
 * warning). Issue 11 compares the full flow with it against the peer's sign-in handler, which
 * hashes nothing.
 */
export const CHEAP_HASH = { memory_kib: 1024, iterations: 1, parallelism: 1 } as const;
