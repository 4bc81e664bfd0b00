import type { Preset } from './types.js';

/**
 * Matrix Synapse's OpenID Connect login, an `oidc_providers` entry of homeserver.yaml, as
 * Synapse's "Configuring Synapse to authenticate against an OpenID Connect provider" describes.
 *
 * Redirect URI: `[synapse public baseurl]/_synapse/client/oidc/callback`, the callback that page
 * names for every provider.
 *
 * `client_auth_method: client_secret_basic` sends the secret as HTTP Basic credentials.
 * `user_profile_method: userinfo_endpoint` is needed: Synapse otherwise reads the profile from
 * the ID token, and Sesame's ID tokens carry no profile claims (they come from userinfo).
 * Synapse uses PKCE by itself, as discovery offers S256.
 */
export const matrixSynapse: Preset = {
  name: 'matrix-synapse',
  app: 'Matrix Synapse, OpenID Connect login',
  docs: ['https://element-hq.github.io/synapse/latest/openid.html'],
  clientId: 'matrix-synapse',
  clientName: 'Matrix',
  trusted: true,
  tokenEndpointAuthMethod: 'client_secret_basic',
  scopes: ['openid', 'profile', 'email'],
  redirectUris: ({ url }) => [`${url}/_synapse/client/oidc/callback`],
  instructions: (v) => ({
    kind: 'snippet',
    where: 'homeserver.yaml (then restart Synapse)',
    text: [
      'oidc_providers:',
      `  - idp_id: ${JSON.stringify(v.providerName)}`,
      '    idp_name: "Sesame"',
      '    discover: true',
      `    issuer: ${JSON.stringify(v.issuer)}`,
      `    client_id: ${JSON.stringify(v.clientId)}`,
      `    client_secret: ${JSON.stringify(v.secret)}`,
      '    client_auth_method: client_secret_basic',
      `    scopes: [${v.scopes.map((s) => JSON.stringify(s)).join(', ')}]`,
      '    user_profile_method: userinfo_endpoint',
      '    user_mapping_provider:',
      '      config:',
      '        localpart_template: "{{ user.preferred_username }}"',
      '        display_name_template: "{{ user.name }}"',
      '        email_template: "{{ user.email }}"',
    ].join('\n'),
    notes: [`public_baseurl must be ${v.url}/, so that Synapse sends the registered redirect URI.`],
  }),
};
