import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { errorSentence, errorSentenceKey } from './error-sentence.js';

describe('error sentences for pages', () => {
  it('names known situations, whatever the parameter', () => {
    assert.equal(
      errorSentenceKey('invalid_request', 'parameter client_id is missing'),
      'error.situation.missing_parameter',
    );
    assert.equal(
      errorSentenceKey('invalid_request', 'parameter scope must not be repeated'),
      'error.situation.repeated_parameter',
    );
    assert.equal(
      errorSentenceKey(
        'invalid_request',
        'The address the application asked to return to is not registered for it.',
      ),
      'error.situation.redirect_uri_unregistered',
    );
    assert.equal(
      errorSentenceKey(
        'invalid_request',
        'This sign-in request has expired or was already used. Go back to the application and start again.',
      ),
      'error.situation.request_expired',
    );
  });

  it('falls back to a sentence for the code, never to the description', () => {
    assert.equal(
      errorSentenceKey('unsupported_response_type', 'response_type must be code, …'),
      'error.lead.unsupported_response_type',
    );
    assert.equal(errorSentenceKey('server_error', 'An internal error occurred.'), 'error.lead.server_error');
    assert.equal(errorSentenceKey('made_up', 'whatever'), 'error.lead.generic');
    assert.equal(errorSentenceKey('toString', null), 'error.lead.generic');
    const de = errorSentence('de', 'invalid_scope', 'the scope must include openid');
    assert.ok(!de.includes('openid') && de.startsWith('Die Anwendung'));
  });

  it('asks to try again soon when temporarily unavailable, whatever the description', () => {
    assert.equal(
      errorSentenceKey('temporarily_unavailable', 'Choose an account.'),
      'error.lead.temporarily_unavailable',
    );
  });
});
