import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { claimsForScopes, idTokenUserClaims } from '../../oauth/claims.js';
import { parseClaimsParameter, readClaimsRequest, type ClaimsRequest } from '../../oauth/claims-request.js';
import { OAuthError } from '../../oauth/errors.js';
import type { GuestRecord } from '../../storage/types.js';
import {
  approveGuestScopes,
  GUEST_NAMESPACE,
  GUEST_SCOPE,
  guestFromRequest,
  guestIdentity,
} from './guest.js';

/** The claims of the request object kwmserver signs for a guest (kwmserver signaling/guest/http.go). */
const kwmserverClaims: ClaimsRequest = readClaimsRequest({
  id_token: {
    guest: { essential: true, value: 'p2Qx8tVw4mZbR7nK1sLc9dHf3jGy6aEu@1.kwmguest' },
    name: { value: '(Guest) Bob' },
  },
  passthru: { 'kopano/kwm/guest': { type: '1', path: 'group/public/standup' } },
});
const meetScopes = ['openid', 'profile', 'email', 'kopano/kwm', GUEST_SCOPE];

function refuses(run: () => unknown, code: string, description: RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof OAuthError);
    assert.equal(error.code, code);
    assert.equal(error.redirectable, false);
    assert.match(error.description, description);
    return true;
  });
}

describe('guestFromRequest (kopano-meet.md req. 38)', () => {
  it("signs in Kopano Meet's guest from kwmserver's signed request object", () => {
    assert.deepEqual(guestFromRequest({ scopes: meetScopes, claims: kwmserverClaims, signed: true }), {
      id: 'p2Qx8tVw4mZbR7nK1sLc9dHf3jGy6aEu@1.kwmguest',
      name: '(Guest) Bob',
      email: null,
      emailVerified: false,
      givenName: null,
      familyName: null,
    });
  });

  it('takes e-mail, verified flag and names from the signed claim values', () => {
    const claims = readClaimsRequest({
      id_token: {
        guest: { value: 'g1' },
        name: { value: 'Bob Builder' },
        email: { value: 'bob@example.org' },
        email_verified: { value: true },
        given_name: { value: 'Bob' },
        family_name: { value: 'Builder' },
      },
    });
    assert.deepEqual(guestFromRequest({ scopes: meetScopes, claims, signed: true }), {
      id: 'g1',
      name: 'Bob Builder',
      email: 'bob@example.org',
      emailVerified: true,
      givenName: 'Bob',
      familyName: 'Builder',
    });
  });

  it('ignores values of the wrong type, empty strings, and values meant for userinfo', () => {
    const claims = readClaimsRequest({
      id_token: {
        guest: { value: 'g1' },
        name: { value: ['Bob'] },
        email: { value: '' },
        email_verified: { value: 'true' },
        given_name: null,
        family_name: { values: ['Builder'] },
      },
      userinfo: { name: { value: 'Admin' }, email: { value: 'ceo@example.org' } },
    });
    assert.deepEqual(guestFromRequest({ scopes: meetScopes, claims, signed: true }), {
      id: 'g1',
      name: null,
      email: null,
      emailVerified: false,
      givenName: null,
      familyName: null,
    });
  });

  it('is not a guest request without the konnect/guestok scope or the guest claim', () => {
    const withoutGuestScope = meetScopes.filter((scope) => scope !== GUEST_SCOPE);
    assert.equal(
      guestFromRequest({ scopes: withoutGuestScope, claims: kwmserverClaims, signed: true }),
      null,
    );
    assert.equal(guestFromRequest({ scopes: meetScopes, claims: null, signed: true }), null);
    const noGuestClaim = parseClaimsParameter('{"id_token":{"name":{"value":"Bob"}}}');
    assert.equal(guestFromRequest({ scopes: meetScopes, claims: noGuestClaim, signed: true }), null);
    const guestInUserinfo = parseClaimsParameter('{"userinfo":{"guest":{"value":"g1"}}}');
    assert.equal(guestFromRequest({ scopes: meetScopes, claims: guestInUserinfo, signed: false }), null);
  });

  it('refuses a guest asked for in the query or an unsigned request object', () => {
    const fromQuery = parseClaimsParameter('{"id_token":{"guest":{"value":"g1"},"name":{"value":"Admin"}}}');
    refuses(
      () => guestFromRequest({ scopes: meetScopes, claims: fromQuery, signed: false }),
      'invalid_request_object',
      /signed request object/,
    );
  });

  it('refuses a guest claim without a string value, or with an empty one', () => {
    for (const guest of [null, {}, { value: 42 }, { values: ['g1'] }, { value: null }]) {
      const claims = readClaimsRequest({ id_token: { guest } });
      refuses(
        () => guestFromRequest({ scopes: meetScopes, claims, signed: true }),
        'invalid_request',
        /needs a string value/,
      );
    }
    const empty = readClaimsRequest({ id_token: { guest: { value: '' } } });
    refuses(
      () => guestFromRequest({ scopes: meetScopes, claims: empty, signed: true }),
      'invalid_request',
      /empty/,
    );
  });
});

const meet = { trusted: true, trustedScopes: ['konnect/guestok', 'kopano/kwm'] };
const meetRequest = ['openid', 'profile', 'email', 'kopano/kwm', 'kopano/gc', 'konnect/guestok'];

describe('approveGuestScopes (kopano-meet.md req. 38)', () => {
  it("gives Meet's guest the standard scopes and the client's trusted scopes, in request order", () => {
    assert.deepEqual(approveGuestScopes(meetRequest, meet, []), [
      'openid',
      'profile',
      'email',
      'kopano/kwm',
      'konnect/guestok',
    ]);
  });

  it('also grants konnect/id, but never a scope of the backend or only users have', () => {
    assert.deepEqual(
      approveGuestScopes(
        ['konnect/guestok', 'konnect/id', 'groups', 'konnect/raw_sub', 'kopano/gc', 'openid'],
        { trusted: true, trustedScopes: [] },
        ['groups', 'kopano/gc'],
      ),
      ['konnect/guestok', 'konnect/id', 'openid'],
    );
  });

  it('applies the same rule to an untrusted client', () => {
    assert.deepEqual(
      approveGuestScopes(meetRequest, { trusted: false, trustedScopes: ['konnect/guestok'] }, []),
      ['openid', 'profile', 'email', 'konnect/guestok'],
    );
  });

  it('gives a trusted client without trusted_scopes every requested scope', () => {
    assert.deepEqual(approveGuestScopes(meetRequest, { trusted: true, trustedScopes: [] }, []), meetRequest);
  });

  it('never grants address or phone to a guest, who has neither', () => {
    const requested = ['openid', 'address', 'phone', 'konnect/guestok'];
    assert.deepEqual(approveGuestScopes(requested, { trusted: true, trustedScopes: [] }, []), [
      'openid',
      'konnect/guestok',
    ]);
  });

  it('never grants offline_access to a guest', () => {
    const requested = ['openid', 'offline_access', 'konnect/guestok'];
    assert.deepEqual(approveGuestScopes(requested, { trusted: true, trustedScopes: [] }, []), [
      'openid',
      'konnect/guestok',
    ]);
    assert.deepEqual(
      approveGuestScopes(
        requested,
        { trusted: true, trustedScopes: ['konnect/guestok', 'offline_access'] },
        [],
      ),
      ['openid', 'konnect/guestok'],
    );
  });

  it('lists a scope requested twice once', () => {
    assert.deepEqual(approveGuestScopes(['openid', 'konnect/guestok', 'openid'], meet, []), [
      'openid',
      'konnect/guestok',
    ]);
  });

  it('refuses guests for a client that does not allow konnect/guestok', () => {
    for (const client of [
      { trusted: true, trustedScopes: ['kopano/kwm'] },
      { trusted: false, trustedScopes: [] },
    ]) {
      assert.throws(
        () => approveGuestScopes(meetRequest, client, []),
        (error: unknown) =>
          error instanceof OAuthError &&
          error.code === 'invalid_request' &&
          !error.redirectable &&
          /konnect\/guestok/.test(error.description),
      );
    }
  });

  it('refuses when konnect/guestok was not requested', () => {
    assert.throws(
      () => approveGuestScopes(['openid', 'profile'], { trusted: true, trustedScopes: [] }, []),
      OAuthError,
    );
  });
});

const bob: GuestRecord = {
  id: 'p2Qx8tVw4mZbR7nK1sLc9dHf3jGy6aEu@1.kwmguest',
  name: '(Guest) Bob',
  email: 'bob@example.org',
  emailVerified: true,
  givenName: 'Bob',
  familyName: null,
};

describe('guestIdentity', () => {
  it('names the namespace and scope as Konnect does', () => {
    assert.equal(GUEST_NAMESPACE, 'guest');
    assert.equal(GUEST_SCOPE, 'konnect/guestok');
  });

  it('presents a guest as a user with no login', () => {
    assert.deepEqual(guestIdentity(bob), {
      id: 'p2Qx8tVw4mZbR7nK1sLc9dHf3jGy6aEu@1.kwmguest',
      username: '',
      name: '(Guest) Bob',
      givenName: 'Bob',
      familyName: null,
      email: 'bob@example.org',
      emailVerified: true,
    });
  });

  it("gives the guest's ID token the name kwmserver signed (kopano-meet.md req. 38)", () => {
    const claims = parseClaimsParameter(
      JSON.stringify({ id_token: { guest: { essential: true, value: bob.id }, name: { value: 'ignored' } } }),
    );
    assert.deepEqual(
      idTokenUserClaims(guestIdentity(bob), ['openid', 'profile', 'kopano/kwm', GUEST_SCOPE], claims, {
        allScopeClaims: false,
      }),
      { name: '(Guest) Bob' },
    );
  });

  it('releases the guest id neither as username nor as any other claim', () => {
    const claims = claimsForScopes(guestIdentity(bob), ['openid', 'profile', 'email', 'konnect/id'], 'SUB');
    assert.equal(claims['username'], 'SUB');
    assert.ok(!('preferred_username' in claims));
    assert.ok(!JSON.stringify(claims).includes(bob.id));
  });
});
