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
  healthCheck: '/health-check',
  signIn: '/signin/v1/identifier',
  consent: '/signin/v1/consent',
  chooseAccount: '/signin/v1/chooseaccount',
  signedOut: '/signin/v1/goodbye',
  welcome: '/signin/v1/welcome',
  stylesheet: '/signin/v1/static/sesame.css',
  favicon: '/favicon.ico',
} as const;

/** The absolute URL of a path at the issuer's origin (konnect-spec §3: the issuer's own path is dropped). */
export function endpointUrl(issuer: string, path: string): string {
  return new URL(path, issuer).toString();
}
