import type { FastifyReply } from 'fastify';
import type { CookieInstruction } from '../endpoints/types.js';

/**
 * Writes cookies with Sesame's fixed flags: HttpOnly, SameSite=Lax, and Secure whenever the
 * issuer is https (the `__Host-` names chosen by sessions/ require it).
 */
export function writeCookies(
  reply: FastifyReply,
  cookies: readonly CookieInstruction[],
  https: boolean,
): void {
  for (const c of cookies) {
    const options = {
      path: c.path ?? '/',
      httpOnly: true,
      sameSite: 'lax' as const,
      secure: https,
    };
    if (c.value === null) reply.clearCookie(c.name, options);
    else
      reply.setCookie(c.name, c.value, c.maxAge === undefined ? options : { ...options, maxAge: c.maxAge });
  }
}
