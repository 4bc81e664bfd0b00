import type { Clock } from '../lib/clock.js';
import { hashToken, randomId, randomToken } from '../lib/ids.js';
import type { SessionRecord, Storage } from '../storage/types.js';

export interface SessionManagerOptions {
  readonly storage: Pick<Storage, 'sessions'>;
  readonly clock: Clock;
  /** A session unused for longer than this ends, seconds. */
  readonly idleSeconds: number;
  /** A session ends this long after it began, however busy, seconds. */
  readonly absoluteSeconds: number;
}

/** `lastSeenAt` is written at most this often, so busy sessions do not write on every request. */
const TOUCH_INTERVAL_MS = 60_000;

/**
 * Browser sessions (DESIGN.md "sessions/"): an opaque secret in a cookie, a record in storage
 * keyed by the secret's hash, ended by an absolute lifetime, an idle lifetime, or sign-out.
 * The public session id (the ID token `sid`, OpenID Connect Front-Channel Logout §2) is a
 * separate random id, so it can be shown to clients without granting the session.
 */
export class SessionManager {
  readonly #storage: Pick<Storage, 'sessions'>;
  readonly #clock: Clock;
  readonly #idleMs: number;
  readonly #absoluteMs: number;

  /** @throws TypeError when a lifetime is not a positive number of seconds. */
  constructor(options: SessionManagerOptions) {
    for (const [name, value] of [
      ['idleSeconds', options.idleSeconds],
      ['absoluteSeconds', options.absoluteSeconds],
    ] as const) {
      if (!Number.isFinite(value) || value <= 0) throw new TypeError(`${name} must be a positive number`);
    }
    this.#storage = options.storage;
    this.#clock = options.clock;
    this.#idleMs = options.idleSeconds * 1000;
    this.#absoluteMs = options.absoluteSeconds * 1000;
  }

  /**
   * Starts a session for `userId`, who authenticated at `authTime` (ms, OIDC `auth_time`).
   * Returns the record and the secret for the cookie; only the secret's hash is stored.
   */
  async create(userId: string, authTime: number): Promise<{ session: SessionRecord; cookieValue: string }> {
    const now = this.#clock.now();
    const cookieValue = randomToken();
    const session: SessionRecord = {
      id: randomId(),
      secretHash: hashToken(cookieValue),
      userId,
      authTime,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: now + this.#absoluteMs,
    };
    await this.#storage.sessions.create(session);
    return { session, cookieValue };
  }

  /**
   * The live session behind a cookie value, or null when the cookie is missing, unknown,
   * past its absolute end, or idle for longer than the idle lifetime (an idle session is
   * also deleted). Records use, writing `lastSeenAt` at most once a minute.
   */
  async resolve(cookieValue: string | undefined): Promise<SessionRecord | null> {
    if (cookieValue === undefined || cookieValue === '') return null;
    const now = this.#clock.now();
    const session = await this.#storage.sessions.getBySecretHash(hashToken(cookieValue), now);
    const live = await this.#checkLive(session, now);
    if (live === null || now - live.lastSeenAt < TOUCH_INTERVAL_MS) return live;
    await this.#storage.sessions.touch(live.id, now);
    return { ...live, lastSeenAt: now };
  }

  /**
   * The live session with public id `sessionId` (e.g. one recorded in an interaction), under
   * the same rules as {@link resolve}, without recording use.
   */
  async get(sessionId: string): Promise<SessionRecord | null> {
    const now = this.#clock.now();
    return this.#checkLive(await this.#storage.sessions.get(sessionId, now), now);
  }

  /**
   * The same user authenticated again in `session` (at `authTime`): the session keeps its
   * public id — the `sid` its clients hold, and under which they are told when it ends — but
   * gets a new cookie secret (no session fixation), the new `auth_time` and a new absolute end.
   */
  async renew(
    session: SessionRecord,
    authTime: number,
  ): Promise<{ session: SessionRecord; cookieValue: string }> {
    const now = this.#clock.now();
    const cookieValue = randomToken();
    const renewed: SessionRecord = {
      ...session,
      secretHash: hashToken(cookieValue),
      authTime,
      lastSeenAt: now,
      expiresAt: now + this.#absoluteMs,
    };
    await this.#storage.sessions.delete(session.id);
    await this.#storage.sessions.create(renewed);
    return { session: renewed, cookieValue };
  }

  /** Ends the session (sign-out, OpenID Connect RP-Initiated Logout §2). Idempotent. */
  async end(sessionId: string): Promise<void> {
    await this.#storage.sessions.delete(sessionId);
  }

  async #checkLive(session: SessionRecord | null, now: number): Promise<SessionRecord | null> {
    if (session === null) return null;
    if (now >= session.expiresAt) return null;
    if (now - session.lastSeenAt > this.#idleMs) {
      await this.#storage.sessions.delete(session.id);
      return null;
    }
    return session;
  }
}

/** Attributes of the session and CSRF cookies, for `http/` to apply. */
export interface SessionCookieOptions {
  readonly httpOnly: true;
  readonly sameSite: 'lax';
  readonly path: '/';
  readonly secure: boolean;
}

/**
 * The session cookie's name. Over https the `__Host-` prefix (RFC 6265bis §4.1.3.2) makes
 * the browser refuse the cookie unless it is Secure, host-only and on Path=/, so a sibling
 * subdomain cannot plant or shadow it. Plain http (development) cannot use the prefix.
 */
export function cookieName(issuerIsHttps: boolean): string {
  return issuerIsHttps ? '__Host-sesame_session' : 'sesame_session';
}

/**
 * Session cookie attributes: HttpOnly (no script access), SameSite=Lax (sent on a relying
 * party's top-level redirect to authorize, not on cross-site POSTs), Path=/, Secure over
 * https. No Domain, as `__Host-` requires.
 *
 * No Max-Age and no Expires: the session cookie is a browser-session cookie, and only the
 * server-side record decides how long a session may live (`lifetimes.session_idle`,
 * `lifetimes.session_absolute`, sign-out). Chosen over a persistent cookie because closing the
 * browser then signs the user out, which is what a shared computer needs, while persistence
 * would buy little: a session unused for `session_idle` (8 h by default) has ended anyway, so
 * a persistent cookie would only help across a browser restart within that time. Kopano
 * Konnect's logon cookie was a browser-session cookie too. A browser that restores its session
 * keeps the cookie; the record's limits still end the session.
 */
export function cookieOptions(issuerIsHttps: boolean): SessionCookieOptions {
  return { httpOnly: true, sameSite: 'lax', path: '/', secure: issuerIsHttps };
}
