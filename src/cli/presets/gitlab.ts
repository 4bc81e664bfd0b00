import type { Preset } from './types.js';

/**
 * GitLab (self-managed, Linux package) with its OpenID Connect OmniAuth provider, configured in
 * `/etc/gitlab/gitlab.rb` as GitLab's "Use OpenID Connect as an authentication provider" page
 * shows.
 *
 * Redirect URI: `<GitLab URL>/users/auth/openid_connect/callback`, the `redirect_uri` of that
 * page's example for the provider named `openid_connect`.
 *
 * `client_auth_method: "basic"` sends the secret as HTTP Basic credentials
 * (client_secret_basic); `pkce: true` adds PKCE; the user is keyed on `sub` (stable, unlike a
 * username or an e-mail address). GitLab reads the profile from the userinfo endpoint, which
 * discovery names.
 */
export const gitlab: Preset = {
  name: 'gitlab',
  app: 'GitLab, OpenID Connect OmniAuth provider',
  docs: ['https://docs.gitlab.com/administration/auth/oidc/'],
  clientId: 'gitlab',
  clientName: 'GitLab',
  trusted: true,
  tokenEndpointAuthMethod: 'client_secret_basic',
  scopes: ['openid', 'profile', 'email'],
  redirectUris: ({ url }) => [`${url}/users/auth/openid_connect/callback`],
  instructions: (v) => ({
    kind: 'snippet',
    where: '/etc/gitlab/gitlab.rb (then run: sudo gitlab-ctl reconfigure)',
    text: [
      "gitlab_rails['omniauth_allow_single_sign_on'] = ['openid_connect']",
      "gitlab_rails['omniauth_providers'] = [",
      '  {',
      '    name: "openid_connect", # do not change this parameter',
      '    label: "Sesame",',
      '    args: {',
      '      name: "openid_connect",',
      `      scope: [${v.scopes.map(ruby).join(', ')}],`,
      '      response_type: "code",',
      `      issuer: ${ruby(v.issuer)},`,
      '      discovery: true,',
      '      client_auth_method: "basic",',
      '      uid_field: "sub",',
      '      send_scope_to_token_endpoint: "false",',
      '      pkce: true,',
      '      client_options: {',
      `        identifier: ${ruby(v.clientId)},`,
      `        secret: ${ruby(v.secret)},`,
      `        redirect_uri: ${ruby(v.registeredRedirectUris[0] ?? '')}`,
      '      }',
      '    }',
      '  }',
      ']',
    ].join('\n'),
    notes: [
      "New users are blocked until an administrator approves them unless gitlab_rails['omniauth_block_auto_created_users'] = false.",
    ],
  }),
};

/** A Ruby double-quoted string literal: `\`, `"` and `#` (interpolation) escaped. */
function ruby(text: string): string {
  return `"${text.replace(/[\\"#]/g, (c) => `\\${c}`)}"`;
}
