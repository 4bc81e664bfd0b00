/**
 * English messages, the reference catalogue: its keys define {@link MessageKey}, and
 * every other catalogue must have the same keys with the same `{placeholders}`.
 */
export const en = {
  'signin.title': 'Sign in',
  'signin.subtitle.client': 'to continue to {client}',
  'signin.subtitle.generic': 'with your account',
  'signin.username': 'Username',
  'signin.password': 'Password',
  'signin.submit': 'Sign in',
  'signin.error.invalid_credentials': 'The username or password is incorrect.',
  'signin.error.throttled': 'Too many failed attempts. Please wait a few minutes and try again.',
  'signin.error.throttled_seconds': 'Too many failed attempts. Please wait {seconds} seconds and try again.',
  'signin.error.unavailable': 'Sign-in is temporarily unavailable. Please try again shortly.',

  'consent.title': '{client} wants to access your account',
  'consent.page_title': 'Allow access',
  'consent.signed_in': 'Signed in',
  'consent.intro': 'This will allow {client} to:',
  'consent.client_id': 'Client ID: {clientId}',
  'consent.trust': 'Only allow this if you trust {client}.',
  'consent.allow': 'Allow',
  'consent.cancel': 'Cancel',

  'scope.openid': 'Know who you are',
  'scope.profile': 'See your name and basic profile information',
  'scope.email': 'See your email address',
  'scope.address': 'See your postal address',
  'scope.phone': 'See your phone number',
  'scope.offline_access': 'Stay signed in and access your account while you are away',
  'scope.groups': 'See the groups you belong to',

  'choose.title': 'Choose an account',
  'choose.continue_as': 'Continue as {name}',
  'choose.switch': 'Use another account',

  'signout.title': 'Sign out?',
  'signout.body.client': '{client} asks to sign you out of your account.',
  'signout.body.generic': 'You will be signed out of your account on this device.',
  'signout.submit': 'Sign out',

  'signedout.title': 'You have been signed out.',
  'signedout.body': 'You can close this window now.',

  'welcome.title': 'You are signed in',
  'welcome.body': 'Signed in as {user}. There is nothing else to do here.',
  'welcome.sign_out': 'Sign out',

  'account.title': 'Your account',
  'account.signed_in_as': 'Signed in as {user}.',
  'account.notice.access_removed':
    'Access removed. The app has to ask you again before it can use your account.',
  'account.notice.password_changed':
    'Your password has been changed. You were signed out on your other devices.',
  'account.apps.title': 'Apps with access',
  'account.apps.none': 'No app has access to your account.',
  'account.apps.remove': 'Remove access',
  'account.password.title': 'Change password',
  'account.password.current': 'Current password',
  'account.password.new': 'New password',
  'account.password.confirm': 'Repeat the new password',
  'account.password.hint': 'At least {min} characters.',
  'account.password.submit': 'Change password',
  'account.password.managed_elsewhere':
    'Your password is managed by your organisation’s directory, not here.',
  'account.password.error.wrong_password': 'The current password is incorrect.',
  'account.password.error.mismatch': 'The new passwords do not match.',
  'account.password.error.too_short': 'The new password must be at least {min} characters long.',
  'account.password.error.too_long': 'The new password must be at most {max} characters long.',
  'account.sessions.title': 'Sign out',
  'account.sessions.everywhere': 'Sign out everywhere',
  'account.sessions.everywhere_hint': 'Ends your sessions in every browser and on every device.',

  'error.title.generic': 'Something went wrong',
  'error.title.access_denied': 'Access denied',
  'error.title.invalid_request': 'This request is not valid',
  'error.title.not_found': 'Page not found',
  'error.title.temporarily_unavailable': 'Temporarily unavailable',
  'error.lead.temporarily_unavailable':
    'The sign-in service cannot answer right now. Please try again in a few seconds.',
  'error.hint': 'Please return to the application and try again.',
  'error.code': 'Error code: {code}',

  'formpost.title': 'Continue',
  'formpost.heading': 'Return to the application',
  'formpost.body': 'Select “Continue” to return to {host}.',
  'formpost.submit': 'Continue',

  'error.situation.unknown_client':
    'The application that sent you here is not registered with this sign-in service.',
  'error.situation.client_gone': 'The application that sent you here is no longer registered.',
  'error.situation.redirect_uri_unregistered':
    'The address the application asked to return to is not registered for it.',
  'error.situation.redirect_uri_gone':
    'The address the application asked to return to is no longer registered for it.',
  'error.situation.post_logout_uri_unregistered':
    'The address to return to after signing out is not registered for this application.',
  'error.situation.request_expired':
    'This sign-in request has expired or was already used. Go back to the application and start again.',
  'error.situation.form_expired': 'This form has expired. Go back, reload the page and try again.',
  'error.situation.no_request': 'There is no sign-in request to continue.',
  'error.situation.choose_account': 'Choose an account.',
  'error.situation.choose_consent': 'Choose Allow or Cancel.',
  'error.situation.missing_parameter':
    'The application sent an incomplete request: a required detail is missing.',
  'error.situation.repeated_parameter': 'The application sent a request with a detail given twice.',
  'error.situation.request_too_large': 'The request is too large.',
  'error.situation.signout_hint_invalid': 'The application did not say correctly who is to be signed out.',
  'error.lead.generic': 'The sign-in could not be completed.',
  'error.lead.invalid_request': 'The application sent a request this sign-in service cannot accept.',
  'error.lead.invalid_scope': 'The application asked for access that this sign-in service does not offer.',
  'error.lead.unsupported_response_type':
    'The application asked to sign in in a way this sign-in service does not support.',
  'error.lead.unauthorized_client': 'The application is not allowed to sign in this way.',
  'error.lead.access_denied': 'Access was not granted.',
  'error.lead.invalid_request_uri':
    'This sign-in request has expired, was already used, or was made by another application.',
  'error.lead.invalid_request_object': 'The application sent a sign-in request that could not be verified.',
  'error.lead.not_supported': 'The application asked for something this sign-in service does not support.',
  'error.lead.login_required': 'You need to sign in again.',
  'error.lead.interaction_required': 'The sign-in needs your input, which is not possible here.',
  'error.lead.server_error': 'An unexpected error occurred in the sign-in service.',
  'error.lead.not_found': 'There is no page at this address.',

  'signin.error.throttled_one_minute': 'Too many failed attempts. Please wait about a minute and try again.',
  'signin.error.throttled_minutes':
    'Too many failed attempts. Please wait about {minutes} minutes and try again.',
  'signin.forgot_password': 'Forgot password?',

  'footer.imprint': 'Imprint',
  'footer.privacy': 'Privacy',

  'demo.title': 'Demo client',
  'demo.heading.success': 'Sign-in worked',
  'demo.success': 'Sign-in worked. The authorization code is valid for a minute and can be used once:',
  'demo.redeem': 'Redeem it for tokens:',
  'demo.heading.failure': 'The sign-in did not complete',
  'demo.failure': 'The application received an error instead of a code:',
  'demo.field.code': 'Code',
  'demo.field.error': 'Error',
  'demo.field.description': 'Description',
  'demo.field.state': 'State',
} as const satisfies Record<string, string>;

/** A message identifier; the English catalogue is the reference. */
export type MessageKey = keyof typeof en;
