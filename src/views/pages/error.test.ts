import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { errorPage } from './error.js';
import { checkDocument, render, evil, evilEscaped } from './check-document.js';

describe('error page', () => {
  it('names access_denied and invalid_request specifically', () => {
    const denied = checkDocument(
      errorPage({ locale: 'en', status: 403, error: 'access_denied', description: null }),
      'en',
    );
    assert.ok(denied.includes('<h1>Access denied</h1>'));
    const invalid = render(
      errorPage({
        locale: 'en',
        status: 400,
        error: 'invalid_request',
        description: 'Missing client_id.',
      }),
    );
    assert.ok(invalid.includes('<h1>This request is not valid</h1>'));
    assert.ok(!invalid.includes('Missing client_id.'), 'developer text stays in the log');
    assert.ok(invalid.includes('Error code: invalid_request') && invalid.includes('HTTP 400'));
  });

  it('falls back to a generic heading and hint', () => {
    const out = render(errorPage({ locale: 'en', status: 500, error: 'server_error', description: '' }));
    assert.ok(out.includes('<h1>Something went wrong</h1>'));
    assert.ok(out.includes('Please return to the application and try again.'));
  });

  it('escapes the code and never shows the description', () => {
    const out = render(errorPage({ locale: 'en', status: 400, error: evil, description: evil }));
    assert.ok(out.includes('<p class="lead">The sign-in could not be completed.</p>'));
    assert.ok(out.includes(`Error code: ${evilEscaped}`));
    assert.ok(!out.includes(`<p class="lead">${evilEscaped}</p>`));
    assert.doesNotMatch(out, /<script/);
  });

  it('asks to try again in a few seconds when the service is temporarily unavailable, in German too', () => {
    const en = render(
      errorPage({
        locale: 'en',
        status: 503,
        error: 'temporarily_unavailable',
        description: 'The service is temporarily unavailable; try again in a few seconds.',
      }),
    );
    assert.ok(en.includes('<h1>Temporarily unavailable</h1>'));
    assert.ok(en.includes('Please try again in a few seconds.'));
    const de = checkDocument(
      errorPage({ locale: 'de', status: 503, error: 'temporarily_unavailable', description: 'x' }),
      'de',
    );
    assert.ok(de.includes('<h1>Vorübergehend nicht verfügbar</h1>'));
    assert.ok(de.includes('Bitte versuchen Sie es in einigen Sekunden erneut.'));
    assert.ok(!de.includes('<p class="lead">x</p>'));
  });

  it('explains a missing parameter to a German user in German, with the code, without the English detail', () => {
    const out = checkDocument(
      errorPage({
        locale: 'de',
        status: 400,
        error: 'invalid_request',
        description: 'parameter redirect_uri is missing',
      }),
      'de',
    );
    assert.ok(out.includes('Eine erforderliche Angabe fehlt.'));
    assert.ok(out.includes('Fehlercode: invalid_request'));
    assert.doesNotMatch(out, /redirect_uri|is missing/);
  });

  it('translates the sentences written for users, such as an unknown application', () => {
    const description = 'The application that sent you here is not registered with this sign-in service.';
    const de = render(errorPage({ locale: 'de', status: 400, error: 'invalid_request', description }));
    assert.ok(de.includes('ist bei diesem Anmeldedienst nicht registriert.'));
    assert.ok(!de.includes(description));
    const en = render(errorPage({ locale: 'en', status: 400, error: 'invalid_request', description }));
    assert.ok(en.includes(description));
  });

  it('speaks German', () => {
    const out = checkDocument(
      errorPage({ locale: 'de', status: 400, error: 'access_denied', description: null }),
      'de',
    );
    assert.ok(out.includes('<h1>Zugriff verweigert</h1>') && out.includes('Fehlercode: access_denied'));
  });
});
