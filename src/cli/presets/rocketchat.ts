import type { Preset } from './types.js';

/**
 * Rocket.Chat, Administration → Workspace → Settings → OAuth → "Add custom OAuth"; the labels
 * are Rocket.Chat's English ones (`Accounts_OAuth_Custom_*` in its en.i18n.json).
 *
 * Redirect URI: `<workspace>/_oauth/<custom OAuth name, in lower case>`, as Rocket.Chat's custom
 * OAuth guide says ("the callback URL is https://test.rocket.chat/_oauth/testcustom").
 *
 * "Token Sent Via: Header" sends the id and secret as HTTP Basic credentials
 * (client_secret_basic) and the access token as a Bearer header to the Identity Path
 * (konnect-spec §9.2); Rocket.Chat sends no PKCE. The username comes from
 * `preferred_username`, which needs the `profile` scope.
 */
export const rocketchat: Preset = {
  name: 'rocketchat',
  app: 'Rocket.Chat, custom OAuth',
  docs: [
    'https://docs.rocket.chat/docs/custom-oauth-setup',
    'https://docs.rocket.chat/docs/oauth',
    'https://github.com/RocketChat/Rocket.Chat/blob/develop/packages/i18n/src/locales/en.i18n.json',
  ],
  clientId: 'rocketchat',
  clientName: 'Rocket.Chat',
  trusted: true,
  tokenEndpointAuthMethod: 'client_secret_basic',
  scopes: ['openid', 'profile', 'email'],
  redirectUris: ({ url, providerName }) => [`${url}/_oauth/${providerName.toLowerCase()}`],
  instructions: (v) => ({
    kind: 'form',
    where: `Administration → Workspace → Settings → OAuth → "Add custom OAuth", named "${v.providerName}", then in "Custom OAuth: ${v.providerName}"`,
    fields: [
      { label: 'Enable', value: 'True' },
      { label: 'URL', value: v.origin },
      { label: 'Token Path', value: v.paths.token },
      { label: 'Token Sent Via', value: 'Header' },
      { label: 'Identity Token Sent Via', value: 'Same as "Token Sent Via"' },
      { label: 'Identity Path', value: v.paths.userinfo },
      { label: 'Authorize Path', value: v.paths.authorize },
      { label: 'Scope', value: v.scopes.join(' ') },
      { label: 'Param Name for access token', value: 'access_token' },
      { label: 'Id', value: v.clientId },
      { label: 'Secret', value: v.secret },
      { label: 'Login Style', value: 'Redirect' },
      { label: 'Button Text', value: 'Sesame' },
      { label: 'Username field', value: 'preferred_username' },
      { label: 'Email field', value: 'email' },
      { label: 'Name field', value: 'name' },
      {
        label: 'Merge users',
        value: 'False',
        note: 'True links users who already have a Rocket.Chat account with the same username',
      },
    ],
    notes: [
      `Rocket.Chat shows its callback URL above the form; it must read ${v.registeredRedirectUris[0] ?? ''}.`,
    ],
  }),
};
