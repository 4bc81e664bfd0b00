import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chooseAccountPage, type ChooseAccountProps } from './choose-account.js';
import { signOutConfirmPage, type SignOutConfirmProps } from './sign-out-confirm.js';
import { signedOutPage } from './signed-out.js';
import { checkDocument, render, evil, evilEscaped } from './check-document.js';

describe('choose-account page', () => {
  const base: ChooseAccountProps = {
    locale: 'en',
    action: '/signin/v1/identifier/_/select',
    csrfToken: 'c3',
    interactionId: 'i3',
    clientName: 'Acme Mail',
    userDisplayName: 'Jane Doe',
    username: 'jdoe',
  };

  it('offers to continue as the signed-in user or to switch', () => {
    const out = checkDocument(chooseAccountPage(base), 'en');
    assert.ok(out.includes('action="/signin/v1/identifier/_/select"'));
    assert.ok(out.includes('<input type="hidden" name="csrf" value="c3">'));
    assert.ok(out.includes('<input type="hidden" name="interaction" value="i3">'));
    assert.ok(out.includes('name="decision" value="continue">Continue as Jane Doe</button>'));
    assert.ok(out.includes('name="decision" value="switch">Use another account</button>'));
    assert.ok(out.includes('to continue to Acme Mail') && out.includes('>jdoe</span>'));
  });

  it('escapes the client and user names', () => {
    const out = render(chooseAccountPage({ ...base, clientName: evil, userDisplayName: evil }));
    assert.ok(out.includes(`to continue to ${evilEscaped}`));
    assert.ok(out.includes(`Continue as ${evilEscaped}</button>`));
    assert.doesNotMatch(out, /<script/);
  });

  it('speaks German', () => {
    const out = checkDocument(chooseAccountPage({ ...base, locale: 'de' }), 'de');
    assert.ok(out.includes('<h1>Konto auswählen</h1>') && out.includes('Weiter als Jane Doe'));
    assert.ok(out.includes('Anderes Konto verwenden'));
  });
});

describe('sign-out confirmation page', () => {
  const base: SignOutConfirmProps = {
    locale: 'en',
    action: '/signin/v1/identifier/_/endsession',
    csrfToken: 'c4',
    hiddenFields: { post_logout_redirect_uri: 'https://rp.example/bye?a=1&b=2', state: 's"1' },
    clientName: 'Acme Mail',
  };

  it('asks to sign out and carries the end-session parameters', () => {
    const out = checkDocument(signOutConfirmPage(base), 'en');
    assert.ok(out.includes('<h1>Sign out?</h1>') && out.includes('Acme Mail asks to sign you out'));
    assert.ok(out.includes('action="/signin/v1/identifier/_/endsession"'));
    assert.ok(out.includes('<input type="hidden" name="csrf" value="c4">'));
    assert.ok(out.includes('name="post_logout_redirect_uri" value="https://rp.example/bye?a=1&amp;b=2"'));
    assert.ok(out.includes('name="state" value="s&quot;1"'));
    assert.ok(out.includes('<button type="submit" class="button button-primary">Sign out</button>'));
  });

  it('escapes the client name and field names', () => {
    const out = render(signOutConfirmPage({ ...base, clientName: evil, hiddenFields: { [evil]: 'v' } }));
    assert.ok(out.includes(`${evilEscaped} asks to sign you out`));
    assert.ok(out.includes(`name="${evilEscaped}"`));
  });

  it('works without a client and refuses a hidden field named csrf', () => {
    const out = render(signOutConfirmPage({ ...base, clientName: null }));
    assert.ok(out.includes('You will be signed out of your account on this device.'));
    assert.throws(() => signOutConfirmPage({ ...base, hiddenFields: { csrf: 'x' } }), TypeError);
  });

  it('speaks German', () => {
    const out = checkDocument(signOutConfirmPage({ ...base, locale: 'de' }), 'de');
    assert.ok(out.includes('<h1>Abmelden?</h1>') && out.includes('>Abmelden</button>'));
  });
});

describe('signed-out page', () => {
  it('confirms the sign-out in English and German', () => {
    assert.ok(
      checkDocument(signedOutPage({ locale: 'en' }), 'en').includes('<h1>You have been signed out.</h1>'),
    );
    assert.ok(
      checkDocument(signedOutPage({ locale: 'de' }), 'de').includes('<h1>Sie wurden abgemeldet.</h1>'),
    );
  });
});
