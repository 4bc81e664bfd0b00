import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { signInPage, type SignInProps } from './sign-in.js';
import { checkDocument, render, evil, evilEscaped } from './check-document.js';

const base: SignInProps = {
  locale: 'en',
  action: '/signin/v1/identifier/_/login?x=1&y=2',
  csrfToken: 'csrf-token-1',
  interactionId: 'int-42',
  clientName: 'Acme Mail',
  username: '',
  error: null,
};

describe('sign-in page', () => {
  it('renders a complete accessible document with its form', () => {
    const out = checkDocument(signInPage(base), 'en');
    assert.ok(out.includes('<h1>Sign in</h1>'));
    assert.ok(out.includes('to continue to Acme Mail'));
    assert.ok(out.includes('action="/signin/v1/identifier/_/login?x=1&amp;y=2"'));
    assert.ok(out.includes('<input type="hidden" name="csrf" value="csrf-token-1">'));
    assert.ok(out.includes('<input type="hidden" name="interaction" value="int-42">'));
    assert.match(
      out,
      /<input type="text" id="username" name="username" value="" autocomplete="username" autocapitalize="none" autocorrect="off" spellcheck="false" required autofocus>/,
    );
    assert.match(
      out,
      /<input type="password" id="password" name="password" autocomplete="current-password" required>/,
    );
    assert.doesNotMatch(out, /role="alert"/);
  });

  it('focuses the password when the username is prefilled from login_hint', () => {
    const out = render(signInPage({ ...base, username: 'jdoe' }));
    assert.match(out, /name="username" value="jdoe"[^>]*required>/);
    assert.match(out, /autocomplete="current-password" required autofocus>/);
  });

  it('escapes a hostile client name, username, action and tokens', () => {
    const out = render(
      signInPage({
        ...base,
        clientName: evil,
        username: '" onfocus="x',
        action: '"><script>',
        csrfToken: '"><b>',
        interactionId: evil,
      }),
    );
    assert.ok(out.includes(`to continue to ${evilEscaped}`));
    assert.ok(out.includes('value="&quot; onfocus=&quot;x"'));
    assert.ok(out.includes('action="&quot;&gt;&lt;script&gt;"'));
    assert.ok(out.includes('name="csrf" value="&quot;&gt;&lt;b&gt;"'));
    assert.doesNotMatch(out, /<script/);
  });

  it('works without a client', () => {
    assert.ok(
      signInPage({ ...base, clientName: null })
        .toString()
        .includes('with your account'),
    );
  });

  it('shows each error in an alert', () => {
    const cases = {
      invalid_credentials: 'The username or password is incorrect.',
      throttled: 'Too many failed attempts. Please wait a few minutes and try again.',
      unavailable: 'Sign-in is temporarily unavailable. Please try again shortly.',
    } as const;
    for (const [error, message] of Object.entries(cases)) {
      const out = render(signInPage({ ...base, error: error as keyof typeof cases }));
      assert.ok(out.includes(`role="alert"`) && out.includes(`<p>${message}</p>`), error);
    }
  });

  it('gives the same invalid-credentials message whatever the user typed', () => {
    const alertOf = (username: string): string =>
      /<div class="alert" role="alert">[\s\S]*?<\/div>/.exec(
        render(signInPage({ ...base, username, error: 'invalid_credentials' })),
      )?.[0] ?? '';
    const known = alertOf('jdoe');
    assert.ok(known.includes('The username or password is incorrect.'));
    assert.equal(alertOf('no-such-user'), known);
    assert.equal(alertOf(''), known);
    assert.equal(alertOf(evil), known);
  });

  it('speaks German', () => {
    const out = checkDocument(signInPage({ ...base, locale: 'de', error: 'invalid_credentials' }), 'de');
    assert.ok(out.includes('<h1>Anmelden</h1>'));
    assert.ok(out.includes('Weiter zu Acme Mail'));
    assert.ok(out.includes('>Benutzername</label>') && out.includes('>Passwort</label>'));
    assert.ok(out.includes('Benutzername oder Passwort ist falsch.'));
  });
});

describe('sign-in page: the real wait and branding', () => {
  it('says the wait in seconds under a minute, else in about-minutes, in both languages', () => {
    const page = (locale: 'en' | 'de', seconds: number) =>
      render(signInPage({ ...base, locale, error: 'throttled', retryAfterSeconds: seconds }));
    assert.ok(page('en', 9.2).includes('Please wait 10 seconds'));
    assert.ok(page('en', 60).includes('Please wait about a minute'));
    assert.ok(page('en', 150).includes('Please wait about 3 minutes'));
    assert.ok(page('de', 150).includes('Bitte warten Sie etwa 3 Minuten'));
    assert.ok(page('de', 30).includes('Bitte warten Sie 30 Sekunden'));
  });

  it('shows the product name, the logo and the forgot-password link of the branding', () => {
    const out = checkDocument(
      signInPage({
        ...base,
        branding: {
          productName: 'Example Cloud',
          logoHref: '/signin/v1/static/logo',
          accentHref: '/signin/v1/static/accent.css?v=aa3300',
          forgotPasswordUrl: 'https://accounts.example.com/reset?a=1&b=2',
          imprintUrl: 'https://example.com/imprint',
          privacyUrl: null,
        },
      }),
      'en',
    );
    assert.ok(out.includes('<title>Sign in · Example Cloud</title>'));
    assert.ok(out.includes('<img class="brand-logo" src="/signin/v1/static/logo" alt="">'));
    assert.ok(out.includes('<link rel="stylesheet" href="/signin/v1/static/accent.css?v=aa3300">'));
    assert.ok(out.includes('<a href="https://accounts.example.com/reset?a=1&amp;b=2">Forgot password?</a>'));
    assert.ok(
      out.includes('<footer class="site-links"><a href="https://example.com/imprint">Imprint</a></footer>'),
    );
    assert.ok(!out.includes('Sesame'));
  });

  it('has no forgot-password link or footer without branding', () => {
    const out = render(signInPage(base));
    assert.ok(!out.includes('Forgot password?') && !out.includes('<footer'));
    assert.ok(out.includes('<span>Sesame</span>'));
  });
});
