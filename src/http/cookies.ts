import type { FastifyReply } from 'fastify';
import type { CookieInstruction } from '../endpoints/types.js';

/**
 * Writes cookies. Unless an instruction says otherwise they are HttpOnly and SameSite=Lax;
 * all are Secure whenever the issuer is https (the `__Host-` and `__Secure-` names chosen
 * elsewhere require it). `SameSite=None` is written only with Secure: over http it becomes
 * Lax, which browsers accept, instead of a cookie they would drop (RFC 6265bis §5.4.7).
 * A cleared cookie carries the same path and flags, so it replaces the one that was set.
 */
export function writeCookies(
  reply: FastifyReply,
  cookies: readonly CookieInstruction[],
  https: boolean,
): void {
  for (const c of cookies) {
    const sameSite = c.sameSite === 'none' && !https ? 'lax' : (c.sameSite ?? 'lax');
    const options = {
      path: c.path ?? '/',
      httpOnly: c.httpOnly ?? true,
      sameSite,
      secure: https,
    };
    if (c.value === null) reply.clearCookie(c.name, options);
    else
      reply.setCookie(c.name, c.value, c.maxAge === undefined ? options : { ...options, maxAge: c.maxAge });
  }
}
