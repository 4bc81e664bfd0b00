import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { consentPage, scopeDescription, type ConsentProps } from './consent.js';
import { checkDocument, render, evil, evilEscaped } from './check-document.js';

const base: ConsentProps = {
  locale: 'en',
  action: '/signin/v1/identifier/_/consent',
  csrfToken: 'csrf-2',
  interactionId: 'int-7',
  clientName: 'Acme Mail',
  clientId: 'acme-mail',
  userDisplayName: 'Jane Doe',
  userDetail: 'jane',
  scopes: [{ id: 'openid' }, { id: 'profile' }, { id: 'email' }, { id: 'offline_access' }],
};

describe('consent page', () => {
  it('asks on behalf of the client, shows the user and each scope', () => {
    const out = checkDocument(consentPage(base), 'en');
    assert.ok(out.includes('<h1>Acme Mail wants to access your account</h1>'));
    assert.ok(out.includes('<span class="account-name">Jane Doe</span>'));
    assert.ok(out.includes('<li>Know who you are</li>'));
    assert.ok(out.includes('<li>See your email address</li>'));
    assert.ok(out.includes('<li>Stay signed in and access your account while you are away</li>'));
    assert.ok(out.includes('Client ID: acme-mail'));
  });

  it('shows under the name which account it is (username or e-mail), not a fixed "Signed in"', () => {
    const out = render(consentPage(base));
    assert.ok(out.includes('<span class="account-id">jane</span>'));
    assert.doesNotMatch(out, />Signed in</);
    const mail = render(consentPage({ ...base, locale: 'de', userDetail: 'jane@example.com' }));
    assert.ok(mail.includes('<span class="account-id">jane@example.com</span>'));
    assert.doesNotMatch(mail, />Angemeldet</);
  });

  it('posts csrf, interaction and an allow/deny decision, Allow first and primary', () => {
    const out = render(consentPage(base));
    assert.ok(out.includes('action="/signin/v1/identifier/_/consent"'));
    assert.ok(out.includes('<input type="hidden" name="csrf" value="csrf-2">'));
    assert.ok(out.includes('<input type="hidden" name="interaction" value="int-7">'));
    const allow = out.indexOf('class="button button-primary" name="decision" value="allow">Allow<');
    const deny = out.indexOf('class="button button-secondary" name="decision" value="deny">Cancel<');
    assert.ok(allow > 0 && deny > allow);
  });

  it('shows an unknown scope by its id, or by its configured description', () => {
    assert.equal(scopeDescription('en', { id: 'kopano/gc' }), 'kopano/gc');
    assert.equal(scopeDescription('en', { id: 'x', description: 'Read mail' }), 'Read mail');
    assert.equal(scopeDescription('de', { id: 'groups' }), 'Sehen, welchen Gruppen Sie angehören');
    const out = render(consentPage({ ...base, scopes: [{ id: evil }] }));
    assert.ok(out.includes(`<li>${evilEscaped}</li>`));
  });

  it('escapes the client name, client id and user name', () => {
    const out = render(
      consentPage({
        ...base,
        clientName: evil,
        clientId: evil,
        userDisplayName: evil,
      }),
    );
    assert.ok(out.includes(`<h1>${evilEscaped} wants to access your account</h1>`));
    assert.ok(out.includes(`<span class="account-name">${evilEscaped}</span>`));
    assert.doesNotMatch(out, /<script/);
  });

  it('falls back to the client id when the client has no name', () => {
    const out = render(consentPage({ ...base, clientName: null }));
    assert.ok(out.includes('<h1>acme-mail wants to access your account</h1>'));
  });

  it('speaks German', () => {
    const out = checkDocument(consentPage({ ...base, locale: 'de' }), 'de');
    assert.ok(out.includes('<h1>Acme Mail möchte auf Ihr Konto zugreifen</h1>'));
    assert.ok(out.includes('<li>Wissen, wer Sie sind</li>'));
    assert.ok(out.includes('value="allow">Erlauben<') && out.includes('value="deny">Abbrechen<'));
  });
});
