import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formPostPage } from './form-post.js';
import { checkDocument, render, evil, evilEscaped } from './check-document.js';

describe('form_post response page', () => {
  const action = 'https://rp.example.com/cb?tenant=a&x=1';

  it('posts the response parameters to the redirect_uri with a visible button', () => {
    const out = checkDocument(formPostPage({ action, fields: { code: 'c1', state: 's&1' } }), 'en');
    assert.ok(out.includes('<form method="post" action="https://rp.example.com/cb?tenant=a&amp;x=1">'));
    assert.ok(out.includes('<input type="hidden" name="code" value="c1">'));
    assert.ok(out.includes('<input type="hidden" name="state" value="s&amp;1">'));
    assert.ok(out.includes('to return to rp.example.com.'));
    assert.ok(out.includes('<button type="submit" class="button button-primary">Continue</button>'));
    assert.ok(!out.includes('name="csrf"'), 'our CSRF token never goes to the client');
  });

  it('escapes hostile values', () => {
    const out = render(formPostPage({ action: `"${evil}`, fields: { [evil]: evil } }));
    assert.ok(out.includes(`name="${evilEscaped}" value="${evilEscaped}"`));
    assert.ok(out.includes(`action="&quot;${evilEscaped}"`));
    assert.doesNotMatch(out, /<script/);
  });

  it('speaks German', () => {
    const out = checkDocument(formPostPage({ action, fields: {}, locale: 'de' }), 'de');
    assert.ok(out.includes('>Weiter</button>') && out.includes('Zurück zur Anwendung'));
  });
});
