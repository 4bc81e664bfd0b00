/**
 * A small, real environment for the browser-facing endpoint tests (authorize, sign-in, end
 * session, and the token and userinfo endpoints behind them), set up as Kopano Meet runs on
 * Cloudron: the issuer and Meet share `https://meet.example.com` (kopano-meet.md §Cloudron).
 *
 * Memory storage, the real token service with a generated ES256 key, a real ClientRegistry,
 * a ManualClock, a real SessionManager and LoginThrottle, and the in-test directory of
 * fixture-parties.ts. Nothing here computes an expected value for a test: tests do that
 * themselves (expected-values.ts).
 */
import { createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { WarningGate } from '../../lib/warning-gate.js';
import { StorageHealth } from '../health-check/storage-health.js';
import { pino } from 'pino';
import { ClientRegistry } from '../../clients/registry.js';
import type { Client } from '../../clients/types.js';
import type { AccessTokenFormat, CompatRelaxations, Config } from '../../config/types.js';
import type { Identity } from '../../identity/types.js';
import { ManualClock } from '../../lib/clock.js';
import { SessionManager, cookieName } from '../../sessions/session-manager.js';
import { createMemoryStorage } from '../../storage/memory/memory-storage.js';
import type { Storage } from '../../storage/types.js';
import { createTokenService } from '../../tokens/token-service.js';
import type { SigningKey, TokenService } from '../../tokens/types.js';
import { LoginThrottle } from '../signin/throttle.js';
import { paths } from '../paths.js';
import { handleToken } from '../token/handler.js';
import { TEST_CONFIG } from '../token/test-fixture.js';
import type { BrowserDeps, EndpointRequest, EndpointResponse } from '../types.js';
import { handleAuthorize } from './handler.js';
import { ISSUER, MEET, OPEN_GUESTS, TestDirectory, UNSIGNED, WEB } from './test-parties.js';

const KONNECT_COMPAT: CompatRelaxations = {
  anySecretForSecretlessClients: true,
  redirectUriIgnoresQuery: true,
  implicitTrustOnIssuerHost: true,
  lenientTokenRequests: true,
  trustedClientsGetAllScopes: true,
};

const STRICT: CompatRelaxations = {
  anySecretForSecretlessClients: false,
  redirectUriIgnoresQuery: false,
  implicitTrustOnIssuerHost: false,
  lenientTokenRequests: false,
  trustedClientsGetAllScopes: false,
};

export interface BrowserFixtureOptions {
  /** Konnect compatibility (konnectd, `compat: konnect`); default true. */
  readonly compat?: boolean;
  /** Default true. */
  readonly sessionManagement?: boolean;
  /** Default false. */
  readonly allowClientGuests?: boolean;
  /** Default `konnect`, as under konnectd. */
  readonly accessTokenFormat?: AccessTokenFormat;
  /** Default {@link ISSUER}. */
  readonly issuer?: string;
  /** Default: MEET, WEB, UNSIGNED, OPEN_GUESTS. */
  readonly clients?: readonly Client[];
  /** Default: a new memory storage. */
  readonly storage?: Storage;
}

export interface BrowserFixture {
  readonly deps: BrowserDeps;
  readonly clock: ManualClock;
  readonly storage: Storage;
  readonly tokens: TokenService;
  readonly directory: TestDirectory;
  /** The key our tokens are signed with. */
  readonly signingKey: SigningKey;
  /** The name of the session cookie for this issuer. */
  readonly sessionCookie: string;
  /** Starts a session for `user` now and returns the browser's cookies carrying it. */
  signIn(user: Identity): Promise<Record<string, string>>;
}

let signingKey: SigningKey | null = null;

/** One signing key per test process. */
function ourKey(): SigningKey {
  if (signingKey === null) {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    signingKey = {
      kid: 'sesame-test-es256',
      privateKey,
      publicKey: createPublicKey(privateKey),
      source: 'test',
    };
  }
  return signingKey;
}

export async function createBrowserFixture(options: BrowserFixtureOptions = {}): Promise<BrowserFixture> {
  const issuer = options.issuer ?? ISSUER;
  const config: Config = {
    ...TEST_CONFIG,
    issuer,
    compat: options.compat === false ? STRICT : KONNECT_COMPAT,
    accessTokenFormat: options.accessTokenFormat ?? 'konnect',
    sessionManagement: options.sessionManagement ?? true,
    allowClientGuests: options.allowClientGuests ?? false,
  };
  const clock = new ManualClock();
  const storage = options.storage ?? createMemoryStorage();
  const key = ourKey();
  const tokens = await createTokenService({
    issuer,
    keys: [key],
    alg: 'ES256',
    accessTokenFormat: config.accessTokenFormat ?? 'konnect',
    lifetimes: { accessToken: config.lifetimes.accessToken, idToken: config.lifetimes.idToken },
    clock,
  });
  const directory = new TestDirectory();
  const sessions = new SessionManager({
    storage,
    clock,
    idleSeconds: config.lifetimes.sessionIdle,
    absoluteSeconds: config.lifetimes.sessionAbsolute,
  });
  const deps: BrowserDeps = {
    config,
    storage,
    clients: ClientRegistry.fromClients([...(options.clients ?? [MEET, WEB, UNSIGNED, OPEN_GUESTS])]),
    tokens,
    identity: directory,
    clock,
    log: pino({ level: 'silent' }),
    sessions,
    throttle: new LoginThrottle({
      store: storage.throttle,
      limits: config.throttle,
      clock,
      log: pino({ level: 'silent' }),
    }),
    csrfKey: randomBytes(32),
    warnings: new WarningGate(),
    storageHealth: new StorageHealth({ storage, clock, log: pino({ level: 'silent' }) }),
  };
  const sessionCookie = cookieName(issuer.startsWith('https:'));
  return {
    deps,
    clock,
    storage,
    tokens,
    directory,
    signingKey: key,
    sessionCookie,
    async signIn(user) {
      const { cookieValue } = await sessions.create(user.id, clock.now());
      return { [sessionCookie]: cookieValue };
    },
  };
}

export type RawParams = Readonly<Record<string, string | readonly string[]>>;

/** `params` without the named parameters. */
export function without(params: RawParams, ...names: string[]): RawParams {
  return Object.fromEntries(Object.entries(params).filter(([name]) => !names.includes(name)));
}

function toParams(raw: RawParams): Map<string, string[]> {
  return new Map(
    Object.entries(raw).map(([name, value]) => [name, typeof value === 'string' ? [value] : [...value]]),
  );
}

/** A browser request as `http/` builds it: GET with a query, or POST with a form body. */
export function browserRequest(
  path: string,
  params: RawParams,
  options: {
    method?: 'GET' | 'POST';
    cookies?: Record<string, string>;
    headers?: Record<string, string>;
  } = {},
): EndpointRequest {
  const method = options.method ?? 'GET';
  return {
    method,
    path,
    query: method === 'GET' ? toParams(params) : new Map(),
    body: method === 'POST' ? toParams(params) : new Map(),
    headers: options.headers ?? {},
    cookies: options.cookies ?? {},
    clientAddress: '192.0.2.10',
  };
}

/** An API request (token, userinfo): POST form body, or the given method. */
export function apiRequest(
  path: string,
  body: RawParams,
  options: { method?: string; headers?: Record<string, string> } = {},
): EndpointRequest {
  return {
    method: options.method ?? 'POST',
    path,
    query: new Map(),
    body: toParams(body),
    headers: options.headers ?? {},
    cookies: {},
    clientAddress: '192.0.2.10',
  };
}

/** The `Location` of a redirect response; fails the test for anything else. */
export function locationOf(response: EndpointResponse): string {
  if (response.kind !== 'redirect') {
    const body = 'body' in response ? String(response.body).slice(0, 300) : '';
    throw new Error(
      `expected a redirect, got ${response.kind} ${'status' in response ? response.status : ''} ${body}`,
    );
  }
  return response.location;
}

/** GET (or POST) the authorization endpoint with `params`, as the browser with `cookies`. */
export function authorize(
  fx: BrowserFixture,
  params: RawParams,
  options: { cookies?: Record<string, string>; method?: 'GET' | 'POST' } = {},
): Promise<EndpointResponse> {
  return handleAuthorize(browserRequest(paths.authorize, params, options), fx.deps);
}

/** The JSON body of a successful token response (RFC 6749 §5.1). */
export interface TokenBody {
  readonly access_token: string;
  readonly token_type: string;
  readonly expires_in: number;
  readonly id_token?: string;
  readonly refresh_token?: string;
  readonly scope?: string;
}

/** POSTs `body` to the token endpoint and returns the successful answer's JSON. */
export async function tokenRequest(fx: BrowserFixture, body: RawParams): Promise<TokenBody> {
  const response = await handleToken(apiRequest(paths.token, body), fx.deps);
  if (response.kind !== 'json' || response.status !== 200) {
    throw new Error(`token request failed: ${JSON.stringify(response)}`);
  }
  return response.body as TokenBody;
}
