import type { Preset } from './types.js';

/**
 * Nextcloud with the Social Login app (zorn-v/nextcloud-social-login), provider type "Custom
 * OpenID Connect"; the labels are those of the app's settings form
 * (src/components/settings/provider-types.js).
 *
 * Redirect URI: the app's callback is the route `apps/sociallogin/custom_oidc/<Internal name>`
 * (its README: "copy link of certain login button to get proper redirect url"), which Nextcloud
 * writes as `/index.php/apps/…` unless pretty URLs are enabled (`htaccess.RewriteBase`, Nextcloud
 * admin manual), then as `/apps/…`. Which one the app sends depends on the web server's rewrite
 * setup, which Sesame cannot see, and it changes when pretty URLs are switched on later — the
 * commonest "works, then fails with nothing in the log" of Nextcloud logins. Both name the same
 * route of the same app on the same origin, so both are registered.
 *
 * The app sends the secret in the token request's body (client_secret_post), no PKCE, and
 * needs an ID token; profile claims come from the User info URL. The Nextcloud user id is
 * `<Internal name>-<hash of sub>`: keep the internal name an installation already uses
 * (`--provider-name`), or its users get new accounts.
 */
export const nextcloud: Preset = {
  name: 'nextcloud',
  app: 'Nextcloud, Social Login app',
  docs: [
    'https://github.com/zorn-v/nextcloud-social-login#readme',
    'https://docs.nextcloud.com/server/latest/admin_manual/installation/source_installation.html#pretty-urls',
  ],
  clientId: 'nextcloud',
  clientName: 'Nextcloud',
  trusted: true,
  tokenEndpointAuthMethod: 'client_secret_post',
  scopes: ['openid', 'profile', 'email'],
  groupsScope: true,
  konnectHashedSub: true,
  redirectUris: ({ url, providerName }) => [
    `${url}/index.php/apps/sociallogin/custom_oidc/${providerName}`,
    `${url}/apps/sociallogin/custom_oidc/${providerName}`,
  ],
  postLogoutRedirectUris: ({ url }) => [`${url}/`],
  instructions: (v) => ({
    kind: 'form',
    where: 'Administration settings → Social login → Custom OpenID Connect → "+"',
    fields: [
      {
        label: 'Internal name',
        value: v.providerName,
        note: 'part of every Nextcloud user id: keep it once users have signed in',
      },
      { label: 'Title', value: 'Sesame', note: 'the text of the login button' },
      { label: 'Authorize url', value: v.endpoints.authorize },
      { label: 'Token url', value: v.endpoints.token },
      { label: 'Display name claim (optional)', value: 'name' },
      {
        label: 'User info URL (optional)',
        value: v.endpoints.userinfo,
        note: 'needed: e-mail and name come from it',
      },
      { label: 'Logout URL (optional)', value: v.logoutUrl ?? '' },
      { label: 'Client Id', value: v.clientId },
      { label: 'Client Secret', value: v.secret },
      { label: 'Scope', value: v.scopes.join(' ') },
      v.groupsClaim === null
        ? { label: 'Groups claim (optional)', value: '', note: 'this directory releases no groups' }
        : { label: 'Groups claim (optional)', value: v.groupsClaim },
    ],
    notes: [
      'Both redirect URIs are registered, with and without /index.php, so the login keeps working when pretty URLs are switched on or off.',
    ],
  }),
};
