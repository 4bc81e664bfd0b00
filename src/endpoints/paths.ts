/** Konnect's endpoint paths (konnect-spec §3), canonical in discovery. */
export const paths = {
  discovery: '/.well-known/openid-configuration',
  jwks: '/konnect/v1/jwks.json',
  authorize: '/signin/v1/identifier/_/authorize',
  token: '/konnect/v1/token',
  userinfo: '/konnect/v1/userinfo',
  endSession: '/signin/v1/identifier/_/endsession',
  revocation: '/konnect/v1/revoke',
  /** Token introspection (RFC 7662); Sesame's own, Konnect had none. */
  introspection: '/konnect/v1/introspect',
  /** Dynamic client registration (RFC 7591) at Konnect's path; RFC 7592 management below it. */
  registration: '/konnect/v1/register',
  /** Pushed authorization requests (RFC 9126); Sesame's own. */
  pushedAuthorization: '/konnect/v1/par',
  checkSession: '/konnect/v1/session/check-session.html',
  /** Readiness: 503 while storage or the directory does not answer. */
  healthCheck: '/health-check',
  /** Liveness: 200 while the process serves HTTP; Sesame's own, Konnect had none. */
  healthCheckLive: '/health-check/live',
  signIn: '/signin/v1/identifier',
  consent: '/signin/v1/consent',
  chooseAccount: '/signin/v1/chooseaccount',
  signedOut: '/signin/v1/goodbye',
  /** The account page; `/` leads browsers here. */
  welcome: '/signin/v1/welcome',
  /** The account page's forms (Sesame's own; Konnect had none). */
  removeAccess: '/signin/v1/welcome/remove-access',
  signOutEverywhere: '/signin/v1/welcome/sign-out-everywhere',
  changePassword: '/signin/v1/welcome/password',
  stylesheet: '/signin/v1/static/sesame.css',
  /** The operator's logo (`branding.logo`) and accent colour (`branding.accent_color`), when set. */
  logo: '/signin/v1/static/logo',
  accentStylesheet: '/signin/v1/static/accent.css',
  favicon: '/favicon.ico',
} as const;

/** The absolute URL of a path at the issuer's origin (konnect-spec §3: the issuer's own path is dropped). */
export function endpointUrl(issuer: string, path: string): string {
  return new URL(path, issuer).toString();
}
