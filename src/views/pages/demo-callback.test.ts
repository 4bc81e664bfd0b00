import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { demoCallbackPage } from './demo-callback.js';
import { checkDocument, evil, evilEscaped } from './check-document.js';

describe('demo callback page', () => {
  it('shows the code and the command that redeems it, escaped, as a page like every other', () => {
    const out = checkDocument(
      demoCallbackPage({
        locale: 'en',
        code: evil,
        state: 's1',
        error: null,
        errorDescription: null,
        redeemCommand: `curl -d 'code=${evil}' https://id.example.com/konnect/v1/token`,
      }),
      'en',
    );
    assert.ok(out.includes('<h1>Sign-in worked</h1>'));
    assert.ok(out.includes(`<pre>${evilEscaped}</pre>`));
    assert.ok(out.includes(`curl -d &#39;code=${evilEscaped}&#39;`));
    assert.ok(out.includes('<dd><code>s1</code></dd>'));
  });

  it('shows an error that came back instead, in German too', () => {
    const out = checkDocument(
      demoCallbackPage({
        locale: 'de',
        code: null,
        state: null,
        error: 'access_denied',
        errorDescription: 'the user declined the request',
        redeemCommand: null,
      }),
      'de',
    );
    assert.ok(out.includes('<h1>Die Anmeldung wurde nicht abgeschlossen</h1>'));
    assert.ok(out.includes('<dd><code>access_denied</code></dd>'));
  });
});
