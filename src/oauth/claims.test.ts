import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { claimsForScopes, KONNECT_CLAIMS_SUPPORTED, SCOPE_CLAIMS, supportedClaims } from './claims.js';
import type { Identity } from '../identity/types.js';

const alice: Identity = {
  id: 'uid=alice,ou=users,dc=example',
  username: 'alice',
  name: 'Alice Liddell',
  givenName: 'Alice',
  familyName: 'Liddell',
  email: 'alice@example.org',
  emailVerified: true,
  groups: ['staff', 'admins'],
};

describe('claimsForScopes', () => {
  it('releases only sub for openid', () => {
    assert.deepEqual(claimsForScopes(alice, ['openid'], 'SUB'), { sub: 'SUB' });
  });

  it('releases profile claims with the username as preferred_username', () => {
    assert.deepEqual(claimsForScopes(alice, ['openid', 'profile'], 'SUB'), {
      sub: 'SUB',
      name: 'Alice Liddell',
      given_name: 'Alice',
      family_name: 'Liddell',
      preferred_username: 'alice',
    });
  });

  it('releases email with email_verified', () => {
    assert.deepEqual(claimsForScopes(alice, ['openid', 'email'], 'SUB'), {
      sub: 'SUB',
      email: 'alice@example.org',
      email_verified: true,
    });
    assert.deepEqual(claimsForScopes({ ...alice, emailVerified: false }, ['email'], 'SUB'), {
      email: 'alice@example.org',
      email_verified: false,
    });
  });

  it('releases groups for the groups scope, as a copy', () => {
    const claims = claimsForScopes(alice, ['openid', 'groups'], 'SUB');
    assert.deepEqual(claims, { sub: 'SUB', groups: ['staff', 'admins'] });
    assert.notEqual(claims['groups'], alice.groups);
  });

  it('reports an empty group list, but no groups claim when the backend has no groups', () => {
    assert.deepEqual(claimsForScopes({ ...alice, groups: [] }, ['groups'], 'SUB'), { groups: [] });
    const withoutGroups: Identity = { ...alice };
    delete (withoutGroups as { groups?: readonly string[] }).groups;
    assert.deepEqual(claimsForScopes(withoutGroups, ['groups'], 'SUB'), {});
  });

  it('omits null and empty values, and email_verified without an email', () => {
    const sparse: Identity = { ...alice, name: null, givenName: '', familyName: null, email: null };
    assert.deepEqual(claimsForScopes(sparse, ['openid', 'profile', 'email'], 'SUB'), {
      sub: 'SUB',
      preferred_username: 'alice',
    });
  });

  it('releases nothing for scopes that carry no claims, and never the raw id', () => {
    const claims = claimsForScopes(alice, ['offline_access', 'konnect/hashed_sub', 'unknown'], 'SUB');
    assert.deepEqual(claims, {});
    const all = claimsForScopes(alice, ['openid', 'profile', 'email', 'groups'], 'SUB');
    assert.ok(!JSON.stringify(all).includes(alice.id));
  });
});

describe('claimsForScopes: Konnect scopes (konnect-spec §5.2)', () => {
  const konnectAlice: Identity = { ...alice, numericId: 1001, uuid: '5a3e0c1e-8f4b-4b7e-9a43-5d2c2b6b3f10' };

  it('releases id and username for konnect/id', () => {
    assert.deepEqual(claimsForScopes(konnectAlice, ['openid', 'konnect/id'], 'SUB'), {
      sub: 'SUB',
      id: 1001,
      username: 'alice',
    });
  });

  it('falls back to sub for username when the login is empty, and omits a missing id', () => {
    assert.deepEqual(claimsForScopes({ ...alice, username: '' }, ['konnect/id'], 'SUB'), { username: 'SUB' });
    assert.deepEqual(claimsForScopes({ ...alice, numericId: null }, ['konnect/id'], 'SUB'), {
      username: 'alice',
    });
  });

  it('releases kc.uuid for konnect/uuid, and nothing when the backend has no uuid', () => {
    assert.deepEqual(claimsForScopes(konnectAlice, ['konnect/uuid'], 'SUB'), {
      'kc.uuid': '5a3e0c1e-8f4b-4b7e-9a43-5d2c2b6b3f10',
    });
    assert.deepEqual(claimsForScopes(alice, ['konnect/uuid'], 'SUB'), {});
  });

  it('releases no Konnect claim without its scope', () => {
    const claims = claimsForScopes(
      konnectAlice,
      ['openid', 'profile', 'email', 'groups', 'konnect/raw_sub'],
      'SUB',
    );
    for (const name of ['id', 'username', 'kc.uuid']) assert.ok(!(name in claims), name);
  });
});

describe('supportedClaims', () => {
  it('lists every claim of every scope once', () => {
    const claims = supportedClaims();
    assert.equal(new Set(claims).size, claims.length);
    for (const list of Object.values(SCOPE_CLAIMS))
      for (const claim of list) assert.ok(claims.includes(claim));
  });

  it('lists only the claims of the given scopes', () => {
    assert.deepEqual(supportedClaims(['openid', 'konnect/uuid', 'offline_access']), ['sub', 'kc.uuid']);
    assert.ok(!supportedClaims(['openid', 'profile']).includes('id'));
    assert.deepEqual(supportedClaims(['konnect/id']), ['id', 'username']);
  });

  it("knows Konnect's discovery list", () => {
    assert.deepEqual(KONNECT_CLAIMS_SUPPORTED, [
      'iss',
      'sub',
      'aud',
      'exp',
      'iat',
      'name',
      'family_name',
      'given_name',
      'email',
      'email_verified',
    ]);
  });
});
