import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { accountPage, type AccountProps } from './account.js';
import { checkDocument, evil, evilEscaped } from './check-document.js';

const base: AccountProps = {
  locale: 'en',
  displayName: 'Jane Doe',
  accountId: 'jane',
  notice: null,
  apps: [
    { clientId: 'wiki', name: 'Team Wiki', scopes: [{ id: 'openid' }, { id: 'email' }] },
    { clientId: 'chat', name: null, scopes: [{ id: 'custom/scope', description: 'Read your chats' }] },
  ],
  revoke: { action: '/signin/v1/welcome/remove-access', csrfToken: 'c-revoke' },
  password: {
    kind: 'form',
    action: '/signin/v1/welcome/password',
    csrfToken: 'c-password',
    minLength: 8,
    maxLength: 1024,
    error: null,
  },
  signOut: { action: '/signin/v1/identifier/_/endsession', csrfToken: 'c-signout' },
  signOutEverywhere: { action: '/signin/v1/welcome/sign-out-everywhere', csrfToken: 'c-everywhere' },
};

describe('account page', () => {
  it('says who is signed in and lists each app with its scopes in words and a Remove access form', () => {
    const out = checkDocument(accountPage(base), 'en');
    assert.ok(out.includes('<h1>Your account</h1>'));
    assert.ok(out.includes('Signed in as Jane Doe.'));
    assert.ok(out.includes('<span class="account-id">jane</span>'));
    assert.ok(out.includes('<h2 id="apps-title">Apps with access</h2>'));
    assert.ok(out.includes('>Team Wiki</p>') && out.includes('>chat</p>'), 'name, else the client id');
    assert.ok(out.includes('<li>Know who you are</li><li>See your email address</li>'));
    assert.ok(out.includes('<li>Read your chats</li>'), 'a configured scope description');
    assert.equal(out.match(/action="\/signin\/v1\/welcome\/remove-access"/g)?.length, 2);
    assert.ok(out.includes('<input type="hidden" name="client_id" value="wiki">'));
    assert.ok(out.includes('<input type="hidden" name="csrf" value="c-revoke">'));
    assert.ok(out.includes('aria-describedby="app-0">Remove access</button>'), 'the button names its app');
  });

  it('says when no app has access', () => {
    const out = checkDocument(accountPage({ ...base, apps: [] }), 'en');
    assert.ok(out.includes('No app has access to your account.'));
    assert.doesNotMatch(out, /remove-access/);
  });

  it('offers the password form with the current password and the new one twice, labelled', () => {
    const out = checkDocument(accountPage(base), 'en');
    assert.ok(out.includes('action="/signin/v1/welcome/password"'));
    assert.ok(out.includes('autocomplete="current-password"'));
    assert.equal(out.match(/autocomplete="new-password"/g)?.length, 2);
    assert.ok(out.includes('At least 8 characters.'));
    assert.doesNotMatch(out, /role="alert"/);
  });

  it('shows why a password change was refused, and the real wait when throttled', () => {
    const withError = (error: 'wrong_password' | 'mismatch' | 'too_short' | 'throttled', wait?: number) =>
      checkDocument(
        accountPage({
          ...base,
          password: { ...base.password, kind: 'form', error, retryAfterSeconds: wait ?? null },
        } as AccountProps),
        'en',
      );
    assert.ok(withError('wrong_password').includes('The current password is incorrect.'));
    assert.ok(withError('wrong_password').includes('aria-invalid="true"'));
    assert.ok(withError('mismatch').includes('The new passwords do not match.'));
    assert.ok(withError('too_short').includes('at least 8 characters long'));
    assert.ok(withError('throttled', 41.2).includes('Please wait 42 seconds'));
  });

  it('tells a directory user that the password is managed elsewhere, with no form', () => {
    const out = checkDocument(accountPage({ ...base, password: { kind: 'managed_elsewhere' } }), 'en');
    assert.ok(out.includes('managed by your organisation’s directory'));
    assert.doesNotMatch(out, /type="password"/);
  });

  it('offers signing out here and everywhere', () => {
    const out = checkDocument(accountPage(base), 'en');
    assert.ok(out.includes('action="/signin/v1/identifier/_/endsession"'));
    assert.ok(out.includes('<input type="hidden" name="csrf" value="c-signout">'));
    assert.ok(out.includes('action="/signin/v1/welcome/sign-out-everywhere"'));
    assert.ok(out.includes('>Sign out everywhere</button>'));
  });

  it('confirms a finished action as a status message', () => {
    const out = checkDocument(accountPage({ ...base, notice: 'access_removed' }), 'en');
    assert.ok(out.includes('<div class="notice" role="status">'));
    assert.ok(out.includes('Access removed.'));
  });

  it('escapes names and speaks German', () => {
    const page = accountPage({
      ...base,
      displayName: evil,
      apps: [{ clientId: 'x', name: evil, scopes: [] }],
    }).toString();
    assert.ok(page.includes(`Signed in as ${evilEscaped}.`));
    assert.ok(!page.includes(evil));
    const out = checkDocument(accountPage({ ...base, locale: 'de' }), 'de');
    assert.ok(out.includes('<h1>Ihr Konto</h1>') && out.includes('>Zugriff entfernen</button>'));
    assert.ok(out.includes('>Überall abmelden</button>') && out.includes('>Abmelden</button>'));
  });

  it("carries the operator's branding like the other pages", () => {
    const out = checkDocument(
      accountPage({
        ...base,
        branding: {
          productName: 'Example Cloud',
          logoHref: '/signin/v1/static/logo',
          accentHref: '/signin/v1/static/accent.css?v=aa3300',
          forgotPasswordUrl: null,
          imprintUrl: 'https://example.com/imprint',
          privacyUrl: null,
        },
      }),
      'en',
    );
    assert.ok(out.includes('<title>Your account · Example Cloud</title>'), out.slice(0, 400));
    assert.ok(out.includes('<img class="brand-logo" src="/signin/v1/static/logo" alt="">'));
    assert.ok(out.includes('<a href="https://example.com/imprint">Imprint</a>'));
    assert.ok(!out.includes('Sesame'));
  });
});
