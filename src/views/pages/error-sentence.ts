import { t, type Locale, type MessageKey } from '../i18n/index.js';

/**
 * Situations whose public description (`OAuthError.description`) a page explains with a
 * sentence of its own, matched by the exact text the endpoints throw or by its pattern.
 */
const situations: readonly (readonly [RegExp | string, MessageKey])[] = [
  [
    'The application that sent you here is not registered with this sign-in service.',
    'error.situation.unknown_client',
  ],
  ['The application that sent you here is no longer registered.', 'error.situation.client_gone'],
  [
    'The address the application asked to return to is not registered for it.',
    'error.situation.redirect_uri_unregistered',
  ],
  [
    'The address the application asked to return to is no longer registered for it.',
    'error.situation.redirect_uri_gone',
  ],
  [
    'The address to return to after signing out is not registered for this application.',
    'error.situation.post_logout_uri_unregistered',
  ],
  [
    'This sign-in request has expired or was already used. Go back to the application and start again.',
    'error.situation.request_expired',
  ],
  ['This form has expired. Go back, reload the page and try again.', 'error.situation.form_expired'],
  ['There is no sign-in request to continue.', 'error.situation.no_request'],
  ['There is no sign-in request to consent to.', 'error.situation.no_request'],
  ['Choose an account.', 'error.situation.choose_account'],
  ['Choose Allow or Cancel.', 'error.situation.choose_consent'],
  ['The request body is too large.', 'error.situation.request_too_large'],
  ['the authorization request is too large', 'error.situation.request_too_large'],
  [/^id_token_hint is not a valid ID token/, 'error.situation.signout_hint_invalid'],
  [/^parameter \S+ is missing$/, 'error.situation.missing_parameter'],
  [/^parameter \S+ must not be repeated$/, 'error.situation.repeated_parameter'],
];

/** A sentence for each error code that a page may show; codes not listed get `error.lead.generic`. */
const byCode: Readonly<Record<string, MessageKey>> = {
  invalid_request: 'error.lead.invalid_request',
  invalid_scope: 'error.lead.invalid_scope',
  unsupported_response_type: 'error.lead.unsupported_response_type',
  unauthorized_client: 'error.lead.unauthorized_client',
  access_denied: 'error.lead.access_denied',
  invalid_request_uri: 'error.lead.invalid_request_uri',
  invalid_request_object: 'error.lead.invalid_request_object',
  request_not_supported: 'error.lead.not_supported',
  request_uri_not_supported: 'error.lead.not_supported',
  registration_not_supported: 'error.lead.not_supported',
  login_required: 'error.lead.login_required',
  interaction_required: 'error.lead.interaction_required',
  consent_required: 'error.lead.interaction_required',
  account_selection_required: 'error.lead.interaction_required',
  server_error: 'error.lead.server_error',
  temporarily_unavailable: 'error.lead.temporarily_unavailable',
  not_found: 'error.lead.not_found',
};

/**
 * The message key explaining an error to the person in front of the page: the sentence of a
 * known situation, else the one for the error code. Never the description itself, which is
 * written for developers (it stays in the log and in the JSON of API endpoints).
 */
export function errorSentenceKey(code: string, description: string | null): MessageKey {
  // A temporary failure always asks to try again soon, whatever caused it.
  if (code !== 'temporarily_unavailable' && description) {
    for (const [match, key] of situations) {
      if (typeof match === 'string' ? match === description : match.test(description)) return key;
    }
  }
  return Object.hasOwn(byCode, code) ? (byCode[code] as MessageKey) : 'error.lead.generic';
}

/** {@link errorSentenceKey} in `locale`. */
export function errorSentence(locale: Locale, code: string, description: string | null): string {
  return t(locale, errorSentenceKey(code, description));
}
