import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  claimsForScopes,
  idTokenUserClaims,
  KONNECT_CLAIMS_SUPPORTED,
  SCOPE_CLAIMS,
  supportedClaims,
} from './claims.js';
import { parseClaimsParameter } from './claims-request.js';
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

describe('claimsForScopes: address and phone (OpenID Connect Core §5.4, §5.1.1)', () => {
  const reachable: Identity = {
    ...alice,
    phoneNumber: '+49 30 1234567',
    address: {
      formatted: 'Hauptstraße 1\n10115 Berlin\nGermany',
      street_address: 'Hauptstraße 1',
      locality: 'Berlin',
      postal_code: '10115',
      country: 'Germany',
    },
  };

  it('releases the address as a JSON object for the address scope', () => {
    assert.deepEqual(claimsForScopes(reachable, ['openid', 'address'], 'SUB'), {
      sub: 'SUB',
      address: {
        formatted: 'Hauptstraße 1\n10115 Berlin\nGermany',
        street_address: 'Hauptstraße 1',
        locality: 'Berlin',
        postal_code: '10115',
        country: 'Germany',
      },
    });
  });

  it('keeps only the non-empty members §5.1.1 names, and no address when none is left', () => {
    const odd = {
      formatted: '',
      region: 'Bavaria',
      street: 'not a claim member',
      country: 7,
    } as unknown as NonNullable<Identity['address']>;
    assert.deepEqual(claimsForScopes({ ...alice, address: odd }, ['address'], 'SUB'), {
      address: { region: 'Bavaria' },
    });
    assert.deepEqual(claimsForScopes({ ...alice, address: { formatted: '' } }, ['address'], 'SUB'), {});
    assert.deepEqual(claimsForScopes({ ...alice, address: null }, ['address'], 'SUB'), {});
    assert.deepEqual(claimsForScopes(alice, ['address'], 'SUB'), {});
  });

  it('releases phone_number with phone_number_verified, false unless the backend verified it', () => {
    assert.deepEqual(claimsForScopes(reachable, ['openid', 'phone'], 'SUB'), {
      sub: 'SUB',
      phone_number: '+49 30 1234567',
      phone_number_verified: false,
    });
    assert.deepEqual(claimsForScopes({ ...reachable, phoneNumberVerified: true }, ['phone'], 'SUB'), {
      phone_number: '+49 30 1234567',
      phone_number_verified: true,
    });
  });

  it('releases neither phone_number nor phone_number_verified for a user without a number', () => {
    assert.deepEqual(
      claimsForScopes({ ...alice, phoneNumber: '', phoneNumberVerified: true }, ['phone'], 'SUB'),
      {},
    );
    assert.deepEqual(claimsForScopes(alice, ['phone'], 'SUB'), {});
  });

  it('releases no address or phone claim without its scope', () => {
    const claims = claimsForScopes(reachable, ['openid', 'profile', 'email', 'groups'], 'SUB');
    for (const name of ['address', 'phone_number', 'phone_number_verified'])
      assert.ok(!(name in claims), name);
  });

  it('puts the requested address and phone claims into the ID token when their scopes are granted', () => {
    const claims = parseClaimsParameter('{"id_token":{"address":null,"phone_number":{"essential":true}}}');
    assert.deepEqual(
      idTokenUserClaims(reachable, ['openid', 'address', 'phone'], claims, { allScopeClaims: false }),
      {
        address: claimsForScopes(reachable, ['address'], 'SUB')['address'],
        phone_number: '+49 30 1234567',
      },
    );
    assert.deepEqual(
      idTokenUserClaims(reachable, ['openid', 'profile'], claims, { allScopeClaims: false }),
      {},
    );
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
    assert.deepEqual(supportedClaims(['address', 'phone']), [
      'address',
      'phone_number',
      'phone_number_verified',
    ]);
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

describe('idTokenUserClaims (OpenID Connect Core §5.4, §5.5)', () => {
  const meetScopes = ['openid', 'profile', 'email', 'kopano/kwm'];

  it("gives Kopano Meet's code-flow ID token the requested name and nothing else", () => {
    const claims = parseClaimsParameter('{"id_token":{"name":null}}');
    assert.deepEqual(idTokenUserClaims(alice, meetScopes, claims, { allScopeClaims: false }), {
      name: 'Alice Liddell',
    });
  });

  it('puts no user claims into an ID token that comes with an access token unless requested', () => {
    assert.deepEqual(idTokenUserClaims(alice, meetScopes, null, { allScopeClaims: false }), {});
    assert.deepEqual(
      idTokenUserClaims(alice, meetScopes, parseClaimsParameter('{"userinfo":{"name":null}}'), {
        allScopeClaims: false,
      }),
      {},
    );
  });

  it('puts every claim of the granted scopes into an ID token issued without an access token', () => {
    assert.deepEqual(
      idTokenUserClaims(alice, ['openid', 'profile', 'email', 'groups'], null, { allScopeClaims: true }),
      {
        name: 'Alice Liddell',
        given_name: 'Alice',
        family_name: 'Liddell',
        preferred_username: 'alice',
        email: 'alice@example.org',
        email_verified: true,
        groups: ['staff', 'admins'],
      },
    );
  });

  it('never sets sub, even when it is requested', () => {
    const claims = parseClaimsParameter('{"id_token":{"sub":{"value":"someone"},"email":null}}');
    assert.deepEqual(idTokenUserClaims(alice, ['openid', 'email'], claims, { allScopeClaims: false }), {
      email: 'alice@example.org',
    });
    assert.ok(!('sub' in idTokenUserClaims(alice, ['openid'], null, { allScopeClaims: true })));
  });

  it('releases a requested claim only when a granted scope covers it', () => {
    const claims = parseClaimsParameter(
      '{"id_token":{"email":{"essential":true},"groups":null,"given_name":null,"id":null}}',
    );
    assert.deepEqual(idTokenUserClaims(alice, ['openid', 'profile'], claims, { allScopeClaims: false }), {
      given_name: 'Alice',
    });
    assert.deepEqual(
      idTokenUserClaims({ ...alice, numericId: 7 }, ['openid', 'groups', 'konnect/id'], claims, {
        allScopeClaims: false,
      }),
      { groups: ['staff', 'admins'], id: 7 },
    );
  });

  it('omits a requested claim the user does not have', () => {
    const claims = parseClaimsParameter('{"id_token":{"name":null,"email":null,"kc.uuid":null}}');
    const sparse: Identity = { ...alice, name: null, email: null };
    assert.deepEqual(
      idTokenUserClaims(sparse, ['openid', 'profile', 'email', 'konnect/uuid'], claims, {
        allScopeClaims: false,
      }),
      {},
    );
  });

  it('has no username fallback to sub under konnect/id for an empty login', () => {
    assert.deepEqual(
      idTokenUserClaims({ ...alice, username: '', numericId: 3 }, ['openid', 'konnect/id'], null, {
        allScopeClaims: true,
      }),
      { id: 3 },
    );
  });

  it('treats claim names that look like object internals as unknown claims', () => {
    const claims = parseClaimsParameter('{"id_token":{"__proto__":null,"constructor":null,"toString":null}}');
    const released = idTokenUserClaims(alice, ['openid', 'profile'], claims, { allScopeClaims: false });
    assert.deepEqual(released, {});
    assert.equal(Object.getPrototypeOf(released), Object.prototype);
  });
});

describe('claim injection through the claims parameter is closed (konnect-spec §4.4 [sec])', () => {
  const injection = parseClaimsParameter(
    JSON.stringify({
      userinfo: {
        groups: { value: ['admins'] },
        email: { value: 'ceo@evil' },
        roles: { value: ['root'] },
        name: { values: ['Root'] },
      },
      id_token: {
        name: { value: 'Admin' },
        email_verified: { value: true },
        groups: { values: [['admins']] },
        roles: { value: 'root', essential: true },
      },
    }),
  );
  const injected = ['admins', 'ceo@evil', 'root', 'Root', 'Admin'];
  const lacking: Identity = {
    id: 'uid=mallory,ou=users,dc=example',
    username: 'mallory',
    name: null,
    givenName: null,
    familyName: null,
    email: null,
    emailVerified: false,
  };
  const having: Identity = { ...alice, name: 'Alice Liddell', groups: ['staff'], emailVerified: false };
  const scopeSets = [
    ['openid'],
    ['openid', 'kopano/kwm', 'roles'],
    ['openid', 'profile', 'email', 'groups'],
    ['openid', 'profile', 'email', 'groups', 'konnect/id', 'konnect/uuid'],
  ];

  for (const [label, user] of [
    ['a user lacking those attributes', lacking],
    ['a user having them', having],
  ] as const) {
    for (const scopes of scopeSets) {
      it(`never releases requested values, for ${label}, scopes ${scopes.join(' ')}`, () => {
        const results = [
          claimsForScopes(user, scopes, 'SUB'),
          idTokenUserClaims(user, scopes, injection, { allScopeClaims: false }),
          idTokenUserClaims(user, scopes, injection, { allScopeClaims: true }),
        ];
        for (const result of results) {
          const text = JSON.stringify(result);
          for (const value of injected) assert.ok(!text.includes(value), `${value} leaked into ${text}`);
          assert.ok(!('roles' in result));
          // email_verified may only be the user's own flag, and only for a user with an e-mail.
          if ('email_verified' in result) {
            assert.equal(result['email_verified'], user.emailVerified);
            assert.notEqual(user.email, null);
          }
          // Whatever is released is exactly what the scopes alone release.
          const byScopes = claimsForScopes(user, scopes, 'SUB');
          for (const [name, value] of Object.entries(result)) assert.deepEqual(value, byScopes[name], name);
        }
      });
    }
  }

  it('leaves the user with no groups, e-mail or name when they have none, whatever is requested', () => {
    const all = ['openid', 'profile', 'email', 'groups'];
    assert.deepEqual(claimsForScopes(lacking, all, 'SUB'), {
      sub: 'SUB',
      preferred_username: 'mallory',
    });
    assert.deepEqual(idTokenUserClaims(lacking, all, injection, { allScopeClaims: false }), {});
  });

  it("releases the user's own values for the requested claims when the scopes cover them", () => {
    const all = ['openid', 'profile', 'email', 'groups'];
    assert.deepEqual(idTokenUserClaims(having, all, injection, { allScopeClaims: false }), {
      name: 'Alice Liddell',
      email_verified: false,
      groups: ['staff'],
    });
    const userinfo = claimsForScopes(having, all, 'SUB');
    assert.equal(userinfo['email'], 'alice@example.org');
    assert.deepEqual(userinfo['groups'], ['staff']);
    assert.equal(userinfo['name'], 'Alice Liddell');
  });
});
