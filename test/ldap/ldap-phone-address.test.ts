// Scopes `phone` and `address` (OpenID Connect Core §5.4) from a real directory: the LDAP_*
// environment names the attributes, slapd holds them, and the claims come out of the backend.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ldapConfigFromEnv } from '../../src/config/ldap-env.js';
import { createLdapBackend } from '../../src/identity/ldap/index.js';
import type { IdentityBackend } from '../../src/identity/types.js';
import { claimsForScopes } from '../../src/oauth/claims.js';
import { captureLogger, startSlapd, type RunningSlapd } from '../helpers/slapd.js';

let slapd: RunningSlapd;
const opened: IdentityBackend[] = [];

before(async () => {
  slapd = await startSlapd();
});
after(async () => {
  for (const backend of opened) await backend.close();
  await slapd?.destroy();
});

/** A backend configured as `sesame serve` would configure it from this environment. */
function backendFromEnv(extra: Record<string, string> = {}): IdentityBackend {
  const { config } = ldapConfigFromEnv(
    {
      LDAP_URI: slapd.url,
      LDAP_BINDDN: 'cn=sesame,ou=services,dc=cloudron',
      LDAP_BINDPW: 'service secret',
      LDAP_BASEDN: 'ou=users,dc=cloudron',
      LDAP_TIMEOUT: '2',
      ...extra,
    },
    { insecureTls: false },
  );
  const backend = createLdapBackend(config, captureLogger().log);
  opened.push(backend);
  return backend;
}

describe('LDAP phone number and postal address', () => {
  it('releases telephoneNumber and postalAddress by default, the address lines as formatted', async () => {
    const bob = await backendFromEnv().authenticate('bob', 'bob secret');
    assert.ok(bob);
    assert.deepEqual(claimsForScopes(bob, ['openid', 'phone', 'address'], 'SUB'), {
      sub: 'SUB',
      address: { formatted: "1 Builder's Yard\nBobsville, BB 12345\nBuilderland" },
      phone_number: '+1 555 0100',
      phone_number_verified: false,
    });
    const again = await backendFromEnv().getUser(bob.id);
    assert.deepEqual(again, bob, 'the same claims when the user is looked up by id (refresh, userinfo)');
  });

  it('releases nothing for a user without them', async () => {
    const alice = await backendFromEnv().authenticate('alice', 'alice password');
    assert.ok(alice);
    assert.deepEqual(claimsForScopes(alice, ['phone', 'address'], 'SUB'), {});
  });

  it('reads the attributes LDAP_PHONE_ATTRIBUTE and LDAP_ADDRESS_ATTRIBUTE name', async () => {
    const renamed = backendFromEnv({ LDAP_PHONE_ATTRIBUTE: 'uidNumber', LDAP_ADDRESS_ATTRIBUTE: 'cn' });
    const bob = await renamed.authenticate('bob', 'bob secret');
    assert.ok(bob);
    assert.deepEqual(claimsForScopes(bob, ['phone', 'address'], 'SUB'), {
      address: { formatted: 'Bob Builder' },
      phone_number: '1001',
      phone_number_verified: false,
    });
    const unmapped = backendFromEnv({
      LDAP_PHONE_ATTRIBUTE: 'mobile',
      LDAP_ADDRESS_ATTRIBUTE: 'homePostalAddress',
    });
    assert.deepEqual(
      claimsForScopes((await unmapped.authenticate('bob', 'bob secret'))!, ['phone', 'address'], 'SUB'),
      {},
    );
  });
});
