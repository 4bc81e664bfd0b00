import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  formatScope,
  grantableScopes,
  parseScope,
  scopesCovered,
  SUPPORTED_SCOPES,
  offeredScopes,
  supportedScopes,
} from './scopes.js';
import { OAuthError } from './errors.js';

describe('parseScope', () => {
  it('splits on spaces, tolerating repeated, leading and trailing ones', () => {
    assert.deepEqual(parseScope('openid  profile email '), ['openid', 'profile', 'email']);
    assert.deepEqual(parseScope(' openid'), ['openid']);
  });

  it('gives an empty list for an absent or blank scope', () => {
    assert.deepEqual(parseScope(undefined), []);
    assert.deepEqual(parseScope(''), []);
    assert.deepEqual(parseScope('   '), []);
  });

  it('drops duplicates, keeping the first occurrence', () => {
    assert.deepEqual(parseScope('email openid email'), ['email', 'openid']);
  });

  it('accepts every RFC 6749 scope-token character, including konnect/ names', () => {
    assert.deepEqual(parseScope('konnect/hashed_sub !#[]{}~'), ['konnect/hashed_sub', '!#[]{}~']);
  });

  it('refuses quotes, backslashes, tabs and non-ASCII with invalid_scope', () => {
    for (const value of ['openid "x"', 'open\\id', 'openid\tprofile', 'profil\u00e9', 'openid\nemail']) {
      assert.throws(
        () => parseScope(value),
        (error: unknown) =>
          error instanceof OAuthError && error.code === 'invalid_scope' && !error.redirectable,
        value,
      );
    }
  });
});

describe('supportedScopes', () => {
  it('lists the built-in scopes, konnect/hashed_sub among them', () => {
    assert.deepEqual(supportedScopes(), SUPPORTED_SCOPES);
    assert.ok(SUPPORTED_SCOPES.includes('konnect/hashed_sub'));
    assert.ok(!SUPPORTED_SCOPES.includes('konnect/raw_sub'));
  });

  it('offers the standard claim scopes of OpenID Connect Core §5.4, address and phone included', () => {
    for (const scope of ['profile', 'email', 'address', 'phone'])
      assert.ok(SUPPORTED_SCOPES.includes(scope), scope);
  });

  it('adds extra scopes once, after the built-in ones', () => {
    assert.deepEqual(supportedScopes(['konnect/raw_sub', 'openid', 'konnect/raw_sub']), [
      ...SUPPORTED_SCOPES,
      'konnect/raw_sub',
    ]);
  });

  it('rejects an invalid extra scope name as a programming error', () => {
    assert.throws(() => supportedScopes(['bad scope']), TypeError);
  });
});

describe('offeredScopes', () => {
  it("lists openid and offline_access first, as Konnect's discovery does", () => {
    assert.deepEqual(offeredScopes().slice(0, 2), ['openid', 'offline_access']);
  });

  it("adds the backend's Konnect scopes, so konnect/id only when the backend offers it", () => {
    const ldap = offeredScopes(['konnect/uuid', 'konnect/raw_sub', 'konnect/id']);
    for (const scope of ['konnect/uuid', 'konnect/raw_sub', 'konnect/id', 'konnect/hashed_sub', 'groups'])
      assert.ok(ldap.includes(scope), scope);
    assert.ok(!offeredScopes(['konnect/uuid', 'konnect/raw_sub']).includes('konnect/id'));
    assert.ok(!offeredScopes().includes('konnect/raw_sub'));
  });

  it('narrows to openid plus the allowed list (--allow-scope), ignoring unknown ones', () => {
    assert.deepEqual(offeredScopes(['konnect/id'], ['profile', 'konnect/id', 'made/up']), [
      'openid',
      'profile',
      'konnect/id',
    ]);
    assert.deepEqual(offeredScopes([], []), SUPPORTED_SCOPES);
    assert.deepEqual(offeredScopes([], null), SUPPORTED_SCOPES);
  });
});

describe('grantableScopes', () => {
  const supported = supportedScopes();

  it('drops unknown scopes silently and keeps request order', () => {
    assert.deepEqual(
      grantableScopes(['email', 'openid', 'unknown', 'profile'], supported, { responseType: 'code' }),
      ['email', 'openid', 'profile'],
    );
  });

  it('keeps offline_access for response types with code', () => {
    assert.deepEqual(grantableScopes(['openid', 'offline_access'], supported, { responseType: 'code' }), [
      'openid',
      'offline_access',
    ]);
    assert.deepEqual(
      grantableScopes(['openid', 'offline_access'], supported, { responseType: 'code id_token' }),
      ['openid', 'offline_access'],
    );
  });

  it('drops offline_access for implicit response types', () => {
    assert.deepEqual(
      grantableScopes(['openid', 'offline_access'], supported, { responseType: 'id_token token' }),
      ['openid'],
    );
  });

  it('accepts a set of supported scopes', () => {
    assert.deepEqual(grantableScopes(['openid', 'x'], new Set(['x']), { responseType: 'code' }), ['x']);
  });
});

describe('scopesCovered and formatScope', () => {
  it('tells whether granted scopes cover a request', () => {
    assert.equal(scopesCovered(['openid', 'email'], ['email', 'profile', 'openid']), true);
    assert.equal(scopesCovered(['openid', 'email'], ['openid']), false);
    assert.equal(scopesCovered([], []), true);
  });

  it('joins scopes with single spaces', () => {
    assert.equal(formatScope(['openid', 'profile']), 'openid profile');
  });
});
