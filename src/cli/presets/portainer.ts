import type { Preset } from './types.js';

/**
 * Portainer, Settings → Authentication → OAuth, provider "Custom"; the labels are those of
 * Portainer's "Authenticate via OAuth" page.
 *
 * Redirect URI: Portainer sends whatever its "Redirect URL" field holds, which that page says
 * "should be set to your Portainer instance URL"; the value printed for that field is exactly
 * the one registered.
 *
 * Portainer tries HTTP Basic credentials first (client_secret_basic). It names users by the
 * "User identifier" claim: `preferred_username`, since the `sub` is a long opaque hash.
 */
export const portainer: Preset = {
  name: 'portainer',
  app: 'Portainer, OAuth authentication (Custom provider)',
  docs: ['https://docs.portainer.io/admin/settings/authentication/oauth'],
  clientId: 'portainer',
  clientName: 'Portainer',
  trusted: true,
  tokenEndpointAuthMethod: 'client_secret_basic',
  scopes: ['openid', 'profile', 'email'],
  redirectUris: ({ url }) => [`${url}/`],
  postLogoutRedirectUris: ({ url }) => [`${url}/`],
  instructions: (v) => ({
    kind: 'form',
    where: 'Settings → Authentication → Authentication method "OAuth" → Provider "Custom"',
    fields: [
      { label: 'Client ID', value: v.clientId },
      { label: 'Client secret', value: v.secret },
      { label: 'Authorization URL', value: v.endpoints.authorize },
      { label: 'Access token URL', value: v.endpoints.token },
      { label: 'Resource URL', value: v.endpoints.userinfo },
      { label: 'Redirect URL', value: v.registeredRedirectUris[0] ?? '' },
      { label: 'Logout URL', value: v.logoutUrl ?? '' },
      { label: 'User identifier', value: 'preferred_username' },
      { label: 'Scopes', value: v.scopes.join(' ') },
    ],
    notes: [
      'Turn on "Automatic user provisioning" to let users sign in without a Portainer account made first.',
    ],
  }),
};
