/**
 * Who takes part in the browser-facing endpoint tests (see browser-fixture.ts): the issuer
 * Kopano Meet shares on Cloudron, two directory users, the registered clients with the keys
 * they sign request objects with, and the in-test directory.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { testClient } from '../../clients/test-client.js';
import type { Client } from '../../clients/types.js';
import { IdentityUnavailableError, type Identity, type IdentityBackend } from '../../identity/types.js';

export const ISSUER = 'https://meet.example.com';
/** kpop's default client id when Meet's config.json has none (kopano-meet.md req. 11). */
export const MEET_ID = 'kpop-https://meet.example.com/meet/';
/** What registrations list for Meet (kopano-meet.md req. 10). */
export const MEET_BASE = 'https://meet.example.com/meet/';
/** What Meet sends (kopano-meet.md req. 9). */
export const MEET_CALLBACK = 'https://meet.example.com/meet/#oidc-callback';
export const MEET_SILENT = 'https://meet.example.com/meet/#oidc-silent-refresh';
export const MEET_SCOPE = 'openid profile email kopano/kwm kopano/gc kopano/kvs';
/** Meet's `claims` parameter (meet:src/Main.js:87-93). */
export const MEET_CLAIMS = '{"id_token":{"name":null}}';
/** A relying party on another site. */
export const WEB_REDIRECT = 'https://rp.example.com/callback';
export const NAMESPACE = 'identifier-ldap';

export const ALICE: Identity = {
  id: 'uid=alice,ou=people,dc=example,dc=com',
  username: 'alice',
  name: 'Alice Liddell',
  givenName: 'Alice',
  familyName: 'Liddell',
  email: 'alice@example.com',
  emailVerified: true,
  groups: ['staff'],
};
export const BOB: Identity = {
  id: 'uid=bob,ou=people,dc=example,dc=com',
  username: 'bob',
  name: 'Bob Builder',
  givenName: 'Bob',
  familyName: 'Builder',
  email: 'bob@example.com',
  emailVerified: true,
};
export const PASSWORDS: Readonly<Record<string, string>> = { alice: 'alice-password', bob: 'bob-password' };

/** An ES256 key pair and its JWK forms. */
export interface TestKeyPair {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** The private JWK with `kid`, as kwmserver and Konnect share it in the registration file. */
  readonly privateJwk: Record<string, unknown>;
  readonly publicJwk: Record<string, unknown>;
}

/** A fresh P-256 key pair whose JWKs carry `kid`. */
export function ecKeyPair(kid: string): TestKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    privateKey,
    publicKey,
    privateJwk: { ...privateKey.export({ format: 'jwk' }), kid },
    publicJwk: { ...publicKey.export({ format: 'jwk' }), kid },
  };
}

/** The key Meet's registration carries for kwmserver's guest request objects (req. 35, 37). */
export const MEET_GUEST_KEY = ecKeyPair('meet-guest-1');

/** Kopano Meet, registered as kopano-docker's wrapper.sh registers it (req. 11, 35, 38). */
export const MEET: Client = testClient({
  id: MEET_ID,
  name: 'Kopano Meet',
  redirectUris: [MEET_BASE],
  origins: [ISSUER],
  trusted: true,
  trustedScopes: ['konnect/guestok', 'kopano/kwm'],
  jwks: { keys: [MEET_GUEST_KEY.privateJwk] },
  requestObjectSigningAlg: 'ES256',
});

/** A confidential relying party on another site; not trusted, so it needs consent. */
export const WEB: Client = testClient({ id: 'web-app', secret: 'web-secret', redirectUris: [WEB_REDIRECT] });

/** A client that registered `request_object_signing_alg: none`. */
export const UNSIGNED: Client = testClient({
  id: 'unsigned-objects',
  secret: 'unsigned-secret',
  trusted: true,
  redirectUris: ['https://unsigned.example.com/cb'],
  requestObjectSigningAlg: 'none',
});

/** A trusted client with a signing key and no `trusted_scopes`. */
export const OPEN_GUESTS_KEY = ecKeyPair('open-guests-1');
export const OPEN_GUESTS: Client = testClient({
  id: 'open-guests',
  trusted: true,
  redirectUris: ['https://guests.example.com/cb'],
  jwks: { keys: [OPEN_GUESTS_KEY.publicJwk] },
  requestObjectSigningAlg: 'ES256',
});

/** The in-test directory: two users with passwords and switches for failures. */
export class TestDirectory implements IdentityBackend {
  readonly subjectNamespace = NAMESPACE;
  readonly users = new Map<string, Identity>([
    [ALICE.id, ALICE],
    [BOB.id, BOB],
  ]);
  /** Throws IdentityUnavailableError from every call. */
  down = false;
  /** Throws this from every call (an unexpected failure). */
  broken: Error | null = null;

  async authenticate(username: string, password: string): Promise<Identity | null> {
    this.check();
    const user = [...this.users.values()].find((u) => u.username === username);
    return user !== undefined && PASSWORDS[username] === password ? user : null;
  }

  async getUser(id: string): Promise<Identity | null> {
    this.check();
    return this.users.get(id) ?? null;
  }

  async close(): Promise<void> {}

  private check(): void {
    if (this.broken !== null) throw this.broken;
    if (this.down) throw new IdentityUnavailableError('directory offline');
  }
}
