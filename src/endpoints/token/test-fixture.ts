/**
 * A small, real environment for the token, userinfo and revocation endpoint tests: memory
 * storage, the real token service with a generated key, a registry of three clients, a
 * manual clock and an in-test identity backend holding one user.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { ClientRegistry } from '../../clients/registry.js';
import type { Client } from '../../clients/types.js';
import type { Config } from '../../config/types.js';
import { IdentityUnavailableError, type Identity, type IdentityBackend } from '../../identity/types.js';
import { ManualClock } from '../../lib/clock.js';
import { hashToken, randomId, randomToken } from '../../lib/ids.js';
import { createMemoryStorage } from '../../storage/memory/memory-storage.js';
import type { GrantRecord, Storage } from '../../storage/types.js';
import { loadOrGenerateSigningKeys } from '../../tokens/keys.js';
import { createTokenService } from '../../tokens/token-service.js';
import type { SigningKey, TokenService } from '../../tokens/types.js';
import type { Deps, EndpointRequest } from '../types.js';
import { handleToken } from './handler.js';
import { testClient } from '../../clients/test-client.js';

export const ISSUER = 'https://sso.example.com';
export const REDIRECT_URI = 'https://rp.example.com/callback';
export const SPA_REDIRECT_URI = 'https://spa.example.com/cb';
/** RFC 7636 Appendix B. */
export const VERIFIER = 'dBjftJeZ4CVP-mJ92K1s-vHHWO4L6E5tPBq8eHCdW3U';
export const CHALLENGE = createHash('sha256').update(VERIFIER).digest('base64url');
export const NAMESPACE = 'identifier-test';

export const ALICE: Identity = {
  id: 'uid=alice,ou=users,dc=example',
  username: 'alice',
  name: 'Alice Liddell',
  givenName: 'Alice',
  familyName: 'Liddell',
  email: 'alice@example.com',
  emailVerified: true,
};

function aClient(overrides: Partial<Client> & Pick<Client, 'id'>): Client {
  return testClient({ redirectUris: [REDIRECT_URI], ...overrides });
}

export const WEB = aClient({ id: 'web-app', secret: 'web-secret' });
export const OTHER = aClient({ id: 'other-app', secret: 'other-secret' });
export const SPA = aClient({ id: 'spa', redirectUris: [SPA_REDIRECT_URI] });
/** A client registered with `userinfo_signed_response_alg` (OIDC Core §5.3.2). */
export const SIGNED = aClient({
  id: 'signed-app',
  secret: 'signed-secret',
  userinfoSignedResponseAlg: 'ES256',
});

/** The configuration of the endpoint tests: memory storage, ES256, strict (no compat). */
export const TEST_CONFIG: Config = {
  issuer: ISSUER,
  listen: { host: '127.0.0.1', port: 0 },
  dataDir: '/nonexistent',
  storage: { kind: 'memory' },
  identity: { kind: 'builtin' },
  registration: null,
  signing: { alg: 'ES256', keys: [] },
  lifetimes: {
    accessToken: 600,
    idToken: 3600,
    refreshToken: 30 * 86400,
    code: 60,
    interaction: 600,
    sessionIdle: 3600,
    sessionAbsolute: 86400,
    refreshGrace: 10,
  },
  compat: {
    anySecretForSecretlessClients: false,
    redirectUriIgnoresQuery: false,
    implicitTrustOnIssuerHost: false,
    lenientTokenRequests: false,
    trustedClientsGetAllScopes: false,
  },
  accessTokenFormat: 'rfc9068',
  sessionManagement: false,
  allowClientGuests: false,
  allowDynamicClientRegistration: false,
  log: { level: 'error', format: 'json' },
  demo: false,
  trustedProxies: [],
  throttle: {
    windowSeconds: 900,
    maxFailuresPerAccountAddress: 5,
    maxFailuresPerAccount: 10,
    accountIntervalSeconds: 10,
    maxFailuresPerAddress: 100,
  },
  // Far below OWASP's, so that tests hash quickly.
  passwords: { memoryKib: 1024, iterations: 1, parallelism: 1 },
  http: {
    requestTimeoutSeconds: 30,
    headersTimeoutSeconds: 10,
    keepAliveTimeoutSeconds: 5,
    maxConnections: 1000,
  },
  limits: { pendingSignIns: 10000, pendingSignInsPerAddress: 100, registrationFileBytes: 1048576 },
};

let keys: Promise<SigningKey[]> | null = null;

/** One generated key per test process; its temporary directory is removed at once. */
function signingKeys(): Promise<SigningKey[]> {
  keys ??= (async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'sesame-token-test-'));
    try {
      return await loadOrGenerateSigningKeys({
        alg: 'ES256',
        keyFiles: [],
        dataDir,
        log: pino({ level: 'silent' }),
      });
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  })();
  return keys;
}

/** The in-test identity backend: a map of users and a switch to take it offline. */
export class TestDirectory implements IdentityBackend {
  readonly subjectNamespace = NAMESPACE;
  readonly users = new Map<string, Identity>([[ALICE.id, ALICE]]);
  down = false;
  async authenticate(): Promise<Identity | null> {
    return null;
  }
  async getUser(id: string): Promise<Identity | null> {
    if (this.down) throw new IdentityUnavailableError('directory offline');
    return this.users.get(id) ?? null;
  }
  async close(): Promise<void> {}
}

export interface Fixture {
  readonly deps: Deps;
  readonly clock: ManualClock;
  readonly storage: Storage;
  readonly tokens: TokenService;
  readonly directory: TestDirectory;
}

export async function createFixture(): Promise<Fixture> {
  const clock = new ManualClock();
  const storage = createMemoryStorage();
  const tokens = await createTokenService({
    issuer: ISSUER,
    keys: await signingKeys(),
    alg: 'ES256',
    lifetimes: { accessToken: TEST_CONFIG.lifetimes.accessToken, idToken: TEST_CONFIG.lifetimes.idToken },
    clock,
  });
  const directory = new TestDirectory();
  const deps: Deps = {
    config: TEST_CONFIG,
    storage,
    clients: ClientRegistry.fromClients([WEB, OTHER, SPA, SIGNED]),
    tokens,
    identity: directory,
    clock,
    log: pino({ level: 'silent' }),
  };
  return { deps, clock, storage, tokens, directory };
}

export interface SeedOptions {
  readonly client?: Client;
  readonly scopes?: readonly string[];
  readonly redirectUri?: string;
  readonly nonce?: string | null;
  readonly challenge?: string | null;
  readonly userId?: string;
}

/** A grant and its authorization code, as the authorize endpoint would leave them. */
export async function seedCode(
  fx: Fixture,
  options: SeedOptions = {},
): Promise<{ code: string; grant: GrantRecord }> {
  const now = fx.clock.now();
  const client = options.client ?? WEB;
  const scopes = options.scopes ?? ['openid', 'profile', 'email', 'offline_access'];
  const challenge = options.challenge === undefined ? null : options.challenge;
  const grant: GrantRecord = {
    id: randomId(),
    userId: options.userId ?? ALICE.id,
    clientId: client.id,
    scopes,
    sessionId: 'session-1',
    authTime: now - 5000,
    createdAt: now,
    expiresAt: now + (TEST_CONFIG.lifetimes.code + TEST_CONFIG.lifetimes.refreshToken) * 1000,
    revokedAt: null,
  };
  await fx.storage.grants.create(grant);
  const code = randomToken();
  await fx.storage.codes.create({
    codeHash: hashToken(code),
    clientId: client.id,
    redirectUri: options.redirectUri ?? client.redirectUris[0] ?? REDIRECT_URI,
    userId: grant.userId,
    sessionId: 'session-1',
    grantId: grant.id,
    scopes,
    nonce: options.nonce === undefined ? 'n-0S6_WzA2Mj' : options.nonce,
    codeChallenge: challenge,
    codeChallengeMethod: challenge === null ? null : 'S256',
    authTime: grant.authTime,
    createdAt: now,
    expiresAt: now + TEST_CONFIG.lifetimes.code * 1000,
    consumedAt: null,
  });
  return { code, grant };
}

export type RawParams = Readonly<Record<string, string | readonly string[]>>;

function toParams(raw: RawParams): Map<string, string[]> {
  return new Map(
    Object.entries(raw).map(([name, value]) => [name, typeof value === 'string' ? [value] : [...value]]),
  );
}

/** A request as `http/` would build it. */
export function request(
  body: RawParams,
  options: { method?: string; headers?: Record<string, string>; query?: RawParams } = {},
): EndpointRequest {
  return {
    method: options.method ?? 'POST',
    path: '/konnect/v1/token',
    query: toParams(options.query ?? {}),
    body: toParams(body),
    headers: options.headers ?? {},
    cookies: {},
    clientAddress: '192.0.2.1',
  };
}

/** `Authorization: Basic` for RFC 6749 §2.3.1 (form-encoded id and secret). */
export function basic(id: string, secret: string): string {
  const enc = (s: string): string => encodeURIComponent(s).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${enc(id)}:${enc(secret)}`).toString('base64')}`;
}

/** The JSON body of a successful token response (RFC 6749 §5.1). */
export interface TokenBody {
  readonly access_token: string;
  readonly token_type: string;
  readonly expires_in: number;
  readonly id_token?: string;
  readonly refresh_token?: string;
  readonly scope: string;
}

/** Runs a code through the token endpoint, as a relying party would after authorize. */
export async function obtainTokens(fx: Fixture, options: SeedOptions = {}): Promise<TokenBody> {
  const client = options.client ?? WEB;
  const { code } = await seedCode(fx, options);
  const response = await handleToken(
    request({
      grant_type: 'authorization_code',
      code,
      redirect_uri: options.redirectUri ?? client.redirectUris[0] ?? REDIRECT_URI,
      client_id: client.id,
      ...(client.secret === null ? {} : { client_secret: client.secret }),
      ...(options.challenge ? { code_verifier: VERIFIER } : {}),
    }),
    fx.deps,
  );
  if (response.kind !== 'json' || response.status !== 200)
    throw new Error(`token request failed: ${JSON.stringify(response)}`);
  return response.body as TokenBody;
}
