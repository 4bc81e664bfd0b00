import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Entry } from 'ldapts';
import type { LdapConfig } from '../../config/types.js';
import {
  firstText,
  formatPostalAddress,
  formatUuid,
  parseNumericId,
  textValues,
  toIdentity,
  userAttributes,
} from './entry.js';

describe('reading LDAP entries', () => {
  const entry: Entry = {
    dn: 'uid=a,dc=x',
    Mail: ['', 'a@x.org', 'b@x.org'],
    cn: 'A',
    jpegPhoto: Buffer.from([1, 2]),
  };

  it('finds attributes whatever their case and uses the first non-empty value', () => {
    assert.equal(firstText(entry, 'mail'), 'a@x.org');
    assert.deepEqual(textValues(entry, 'MAIL'), ['', 'a@x.org', 'b@x.org']);
    assert.equal(firstText(entry, 'CN'), 'A');
    assert.equal(firstText(entry, 'sn'), null);
    assert.equal(firstText(entry, 'dn'), null);
  });

  it('formats the uuid attribute per LDAP_UUID_ATTRIBUTE_TYPE', () => {
    const bytes = Buffer.from('6ba7b8109dad11d180b400c04fd430c8', 'hex');
    assert.equal(formatUuid(bytes, 'uuid'), '6ba7b810-9dad-11d1-80b4-00c04fd430c8');
    assert.equal(formatUuid(bytes, 'binary'), 'a6e4EJ2tEdGAtADAT9QwyA==');
    assert.equal(formatUuid(Buffer.from('some-text-id'), 'text'), 'some-text-id');
    assert.equal(formatUuid(Buffer.from([1, 2, 3]), 'uuid'), null);
    assert.equal(formatUuid(null, 'text'), null);
  });

  it('reads numeric ids as safe integers only', () => {
    assert.equal(parseNumericId('1001'), 1001);
    assert.equal(parseNumericId(' -5 '), -5);
    assert.equal(parseNumericId('10a'), null);
    assert.equal(parseNumericId('99999999999999999999'), null);
    assert.equal(parseNumericId(null), null);
  });

  it('reads a postalAddress as lines: $ separates them, \\24 and \\5C are a $ and a backslash', () => {
    assert.equal(
      formatPostalAddress('1 Main Street $ Springfield, IL 62704$USA'),
      '1 Main Street\nSpringfield, IL 62704\nUSA',
    );
    assert.equal(
      formatPostalAddress('Cost \\2410 Lane$Back\\5cslash \\5C24 Road'),
      'Cost $10 Lane\nBack\\slash \\24 Road',
    );
    assert.equal(formatPostalAddress('One line only'), 'One line only');
    assert.equal(formatPostalAddress(' $ $'), null);
    assert.equal(formatPostalAddress(null), null);
  });
});

describe('mapping a user entry onto an identity', () => {
  const config = {
    attributes: {
      login: 'uid',
      email: 'mail',
      name: 'cn',
      familyName: 'sn',
      givenName: 'givenName',
      uuid: 'uuid',
      uuidType: 'text',
      uidNumber: null,
      sub: [],
      phone: 'telephoneNumber',
      address: 'postalAddress',
    },
    groups: { source: 'none', baseDn: null, filter: '(objectClass=groupOfNames)', nameAttribute: 'cn' },
  } as const satisfies Pick<LdapConfig, 'attributes' | 'groups'>;
  const ldap = config as unknown as LdapConfig;

  it('asks the directory for the phone and address attributes', () => {
    const names = userAttributes(ldap);
    assert.ok(names.includes('telephoneNumber') && names.includes('postalAddress'));
    const renamed = {
      ...ldap,
      attributes: { ...ldap.attributes, phone: 'mobile', address: 'homePostalAddress' },
    };
    assert.ok(
      userAttributes(renamed).includes('mobile') && userAttributes(renamed).includes('homePostalAddress'),
    );
  });

  it('maps the phone number and the postal address, which LDAP never marks verified', () => {
    const identity = toIdentity(
      {
        dn: 'uid=a,dc=x',
        uid: 'a',
        TelephoneNumber: ['', '+1 555 0100', '+1 555 0199'],
        postaladdress: 'Elm St 5$Springfield',
      },
      'uid=a,dc=x',
      ldap,
      null,
    );
    assert.equal(identity.phoneNumber, '+1 555 0100');
    assert.equal(identity.phoneNumberVerified, undefined);
    assert.deepEqual(identity.address, { formatted: 'Elm St 5\nSpringfield' });
  });

  it('leaves phone and address out for an entry without them', () => {
    const identity = toIdentity(
      { dn: 'uid=a,dc=x', uid: 'a', postalAddress: ' $ ' },
      'uid=a,dc=x',
      ldap,
      null,
    );
    assert.ok(!('phoneNumber' in identity) && !('address' in identity));
  });
});
