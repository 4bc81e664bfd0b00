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
} as const satisfies Record<string, string>;

/** A message identifier; the English catalogue is the reference. */
export type MessageKey = keyof typeof en;
