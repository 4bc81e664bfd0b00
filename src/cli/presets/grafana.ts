import type { Preset } from './types.js';

/**
 * Grafana's Generic OAuth authentication, the `[auth.generic_oauth]` section of grafana.ini
 * (or the matching `GF_AUTH_GENERIC_OAUTH_*` variables), as Grafana's "Configure Generic OAuth
 * authentication" page describes it.
 *
 * Redirect URI: "the full HTTP address that you use in your browser to access Grafana, but with
 * the suffixed path of /login/generic_oauth" — Grafana builds it from `[server] root_url`.
 *
 * `auth_style = InHeader` sends the secret as HTTP Basic credentials (client_secret_basic);
 * `use_pkce = true` adds PKCE. Login, name and e-mail are read from the userinfo endpoint
 * (`api_url`) with the `*_attribute_path` JMESPath settings.
 */
export const grafana: Preset = {
  name: 'grafana',
  app: 'Grafana, Generic OAuth',
  docs: [
    'https://grafana.com/docs/grafana/latest/setup-grafana/configure-access/configure-authentication/generic-oauth/',
  ],
  clientId: 'grafana',
  clientName: 'Grafana',
  trusted: true,
  tokenEndpointAuthMethod: 'client_secret_basic',
  scopes: ['openid', 'profile', 'email'],
  groupsScope: true,
  redirectUris: ({ url }) => [`${url}/login/generic_oauth`],
  postLogoutRedirectUris: ({ url }) => [`${url}/login`],
  instructions: (v) => ({
    kind: 'snippet',
    where: 'grafana.ini (e.g. /etc/grafana/grafana.ini), then restart Grafana',
    text: [
      '[auth.generic_oauth]',
      'enabled = true',
      'name = Sesame',
      'allow_sign_up = true',
      `client_id = ${v.clientId}`,
      `client_secret = ${v.secret}`,
      `scopes = ${v.scopes.join(' ')}`,
      `auth_url = ${v.endpoints.authorize}`,
      `token_url = ${v.endpoints.token}`,
      `api_url = ${v.endpoints.userinfo}`,
      'auth_style = InHeader',
      'use_pkce = true',
      'login_attribute_path = preferred_username',
      'name_attribute_path = name',
      'email_attribute_path = email',
      ...(v.groupsClaim === null ? [] : [`groups_attribute_path = ${v.groupsClaim}`]),
      ...(v.logoutUrl === null ? [] : [`signout_redirect_url = ${v.logoutUrl}`]),
    ].join('\n'),
    notes: [`[server] root_url must be ${v.url}/, so that Grafana sends the registered redirect URI.`],
  }),
};
