import type { Preset } from './types.js';

/**
 * Outline's OIDC authentication, configured with environment variables (docker.env or .env)
 * as Outline's hosting guide "OIDC" lists them, with the endpoints given by hand so that it
 * works with every Outline version.
 *
 * Redirect URI: `<URL>/auth/oidc.callback`, the `callbackURL` Outline's OIDC plugin gives
 * passport (`${env.URL}/auth/${config.id}.callback`, plugins/oidc/server/auth/oidcRouter.ts).
 *
 * Outline sends the secret in the token request's body (client_secret_post) and refreshes its
 * tokens, so it asks for `offline_access` too. `OIDC_LOGOUT_URI` signs the user out of Sesame
 * as well and returns to Outline.
 */
export const outline: Preset = {
  name: 'outline',
  app: 'Outline, OIDC authentication',
  docs: [
    'https://docs.getoutline.com/s/hosting/doc/oidc-8CPBm6uC0I',
    'https://github.com/outline/outline/blob/main/plugins/oidc/server/auth/oidcRouter.ts',
  ],
  clientId: 'outline',
  clientName: 'Outline',
  trusted: true,
  tokenEndpointAuthMethod: 'client_secret_post',
  scopes: ['openid', 'profile', 'email', 'offline_access'],
  redirectUris: ({ url }) => [`${url}/auth/oidc.callback`],
  postLogoutRedirectUris: ({ url }) => [`${url}/`],
  instructions: (v) => ({
    kind: 'snippet',
    where: "Outline's environment (docker.env or .env), then restart Outline",
    text: [
      `OIDC_CLIENT_ID=${v.clientId}`,
      `OIDC_CLIENT_SECRET=${v.secret}`,
      `OIDC_AUTH_URI=${v.endpoints.authorize}`,
      `OIDC_TOKEN_URI=${v.endpoints.token}`,
      `OIDC_USERINFO_URI=${v.endpoints.userinfo}`,
      ...(v.logoutUrl === null ? [] : [`OIDC_LOGOUT_URI=${v.logoutUrl}`]),
      'OIDC_USERNAME_CLAIM=preferred_username',
      'OIDC_DISPLAY_NAME=Sesame',
      `OIDC_SCOPES=${v.scopes.join(' ')}`,
    ].join('\n'),
    notes: [`URL must be ${v.url}, so that Outline sends the registered redirect URI.`],
  }),
};
