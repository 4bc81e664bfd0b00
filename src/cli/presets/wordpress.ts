import type { Preset } from './types.js';

/**
 * WordPress with the "OpenID Connect Generic Client" plugin (daggerhart-openid-connect-generic),
 * Settings → OpenID Connect Client; the labels are the plugin's.
 *
 * Redirect URI: `<WordPress URL>/wp-admin/admin-ajax.php?action=openid-connect-authorize`, as
 * the plugin's FAQ ("What is the client's Redirect URI?") gives it; with the plugin's
 * "Alternate Redirect URI" setting it would be `<WordPress URL>/openid-connect-authorize`, so
 * that setting stays off.
 *
 * The plugin sends the secret in the token request's body (client_secret_post). It reads the
 * user's identity from the ID token, which carries `sub` but no profile claims, so the
 * Identity Key is `sub`; nickname, e-mail and display name come from the userinfo endpoint.
 * Its "End Session Endpoint URL" is left empty: the plugin would return to a WordPress
 * address that depends on where the user signed out, which cannot be registered in advance.
 */
export const wordpress: Preset = {
  name: 'wordpress',
  app: 'WordPress, OpenID Connect Generic Client plugin',
  docs: [
    'https://wordpress.org/plugins/daggerhart-openid-connect-generic/',
    'https://github.com/oidc-wp/openid-connect-generic#readme',
  ],
  clientId: 'wordpress',
  clientName: 'WordPress',
  trusted: true,
  tokenEndpointAuthMethod: 'client_secret_post',
  scopes: ['openid', 'profile', 'email'],
  redirectUris: ({ url }) => [`${url}/wp-admin/admin-ajax.php?action=openid-connect-authorize`],
  instructions: (v) => ({
    kind: 'form',
    where: 'Settings → OpenID Connect Client',
    fields: [
      { label: 'Login Type', value: 'OpenID Connect button on login form' },
      { label: 'Client ID', value: v.clientId },
      { label: 'Client Secret Key', value: v.secret },
      { label: 'OpenID Scope', value: v.scopes.join(' ') },
      { label: 'Login Endpoint URL', value: v.endpoints.authorize },
      { label: 'Userinfo Endpoint URL', value: v.endpoints.userinfo },
      { label: 'Token Validation Endpoint URL', value: v.endpoints.token },
      { label: 'End Session Endpoint URL', value: '' },
      { label: 'Identity Key', value: 'sub' },
      { label: 'Nickname Key', value: 'preferred_username' },
      { label: 'Email Formatting', value: '{email}' },
      { label: 'Display Name Formatting', value: '{name}' },
      { label: 'Identify with User Name', value: 'unchecked' },
      { label: 'Alternate Redirect URI', value: 'unchecked' },
      { label: 'Create user if does not exist', value: 'checked' },
    ],
  }),
};
