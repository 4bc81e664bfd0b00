import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { raw, type SafeHtml } from '../html.js';
import { FORM_POST_SCRIPT, FORM_POST_SCRIPT_SOURCE, formPostPage } from './form-post.js';
import { checkDocument, render, evil, evilEscaped } from './check-document.js';

/** The page without its one known script, for the checks every page must pass. */
function withoutAutoSubmit(page: SafeHtml): SafeHtml {
  const text = page.toString();
  assert.equal(text.split(`<script>${FORM_POST_SCRIPT}</script>`).length, 2, 'the auto-submit script, once');
  return raw(text.replace(`<script>${FORM_POST_SCRIPT}</script>`, ''));
}

describe('form_post response page', () => {
  const action = 'https://rp.example.com/cb?tenant=a&x=1';

  it('posts the response parameters to the redirect_uri with a visible button', () => {
    const out = checkDocument(
      withoutAutoSubmit(formPostPage({ action, fields: { code: 'c1', state: 's&1' } })),
      'en',
    );
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
    assert.equal(out.match(/<script/g)?.length, 1, 'no script but the auto-submit one');
    assert.ok(out.includes(`<script>${FORM_POST_SCRIPT}</script>`));
  });

  it('speaks German', () => {
    const out = checkDocument(withoutAutoSubmit(formPostPage({ action, fields: {}, locale: 'de' })), 'de');
    assert.ok(out.includes('>Weiter</button>') && out.includes('Zurück zur Anwendung'));
  });

  it('submits itself with one inline script after the form, the one FORM_POST_SCRIPT_SOURCE allows', () => {
    const page = formPostPage({ action, fields: { code: 'c1' } }).toString();
    const scripts = [...page.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((match) => match[1]);
    assert.deepEqual(scripts, [FORM_POST_SCRIPT]);
    assert.equal(
      FORM_POST_SCRIPT_SOURCE,
      `'sha256-${createHash('sha256')
        .update(scripts[0] ?? '', 'utf8')
        .digest('base64')}'`,
      'the CSP hash is of exactly the text between the tags',
    );
    assert.ok(page.indexOf('</form>') < page.indexOf('<script>'), 'the form exists when the script runs');
    assert.match(FORM_POST_SCRIPT, /^HTMLFormElement\.prototype\.submit\.call\(document\.forms\[0\]\);$/);
  });
});
