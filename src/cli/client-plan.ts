import type { ClientEntry } from '../clients/registration-edit.js';
import type { Config } from '../config/types.js';
import { endpointUrl, paths } from '../endpoints/paths.js';
import { offeredScopes } from '../oauth/scopes.js';
import type { AppAddress, Preset, PresetValues } from './presets/types.js';

/** What `sesame client add` was asked for, checked. */
export interface ClientRequest extends AppAddress {
  readonly id: string;
  readonly name: string;
  /** `--trusted` / `--consent`; undefined: the preset's default. */
  readonly trusted: boolean | undefined;
  readonly secret: string;
}

/** The registration entry to write and the values to tell the operator. */
export interface ClientPlan {
  readonly entry: ClientEntry;
  readonly values: PresetValues;
  readonly trusted: boolean;
  /** Worth telling the operator (printed to stderr). */
  readonly warnings: readonly string[];
}

/**
 * Derives a client from a preset and the configuration: its redirect URIs from the app's
 * address, its scopes (plus `groups` when the directory releases groups, `konnect/hashed_sub`
 * under Konnect compatibility, less any the configuration does not offer), and every endpoint
 * URL from the issuer at Konnect's paths (konnect-spec §3).
 */
export function planClient(preset: Preset, config: Config, request: ClientRequest): ClientPlan {
  const warnings: string[] = [];
  const redirectUris = [...preset.redirectUris(request)];
  const postLogoutRedirectUris = [...(preset.postLogoutRedirectUris?.(request) ?? [])];
  const scopes = scopesFor(preset, config, warnings);
  const trusted = request.trusted ?? preset.trusted;
  const insecure = [...redirectUris, ...postLogoutRedirectUris].some((uri) => uri.startsWith('http:'));
  if (insecure) {
    warnings.push(
      'the app is reached over plain http, so the client is registered with insecure: yes; use https outside a test setup',
    );
  }
  const url = (path: string) => endpointUrl(config.issuer, path);
  const endSession = url(paths.endSession);
  const firstPostLogout = postLogoutRedirectUris[0];
  const logoutUrl =
    firstPostLogout === undefined
      ? null
      : `${endSession}?${new URLSearchParams({ client_id: request.id, post_logout_redirect_uri: firstPostLogout })}`;
  const values: PresetValues = {
    url: request.url,
    providerName: request.providerName,
    redirectUris: request.redirectUris,
    issuer: config.issuer,
    endpoints: {
      discovery: url(paths.discovery),
      authorize: url(paths.authorize),
      token: url(paths.token),
      userinfo: url(paths.userinfo),
      endSession,
      jwks: url(paths.jwks),
    },
    origin: new URL(config.issuer).origin,
    paths: { authorize: paths.authorize, token: paths.token, userinfo: paths.userinfo },
    clientId: request.id,
    secret: request.secret,
    scopes,
    groupsClaim: scopes.includes('groups') ? 'groups' : null,
    registeredRedirectUris: redirectUris,
    postLogoutRedirectUris,
    logoutUrl,
  };
  const entry: ClientEntry = {
    id: request.id,
    name: request.name,
    secret: request.secret,
    trusted,
    ...(insecure ? { insecure: true } : {}),
    redirect_uris: redirectUris,
    ...(postLogoutRedirectUris.length > 0 ? { post_logout_redirect_uris: postLogoutRedirectUris } : {}),
    token_endpoint_auth_method: preset.tokenEndpointAuthMethod,
  };
  return { entry, values, trusted, warnings };
}

/** Whether any Konnect compatibility relaxation is on (`compat: konnect`, or `konnectd`). */
export function isKonnectCompatible(config: Config): boolean {
  return Object.values(config.compat).some(Boolean);
}

function scopesFor(preset: Preset, config: Config, warnings: string[]): string[] {
  const wanted = [...preset.scopes];
  const identity = config.identity;
  if (preset.groupsScope && identity.kind === 'ldap' && identity.ldap.groups.source !== 'none') {
    wanted.push('groups');
  }
  if (preset.konnectHashedSub && isKonnectCompatible(config)) wanted.push('konnect/hashed_sub');
  const offered = new Set(offeredScopes([], config.allowedScopes));
  const missing = wanted.filter((scope) => !offered.has(scope));
  if (missing.length > 0) {
    warnings.push(
      `the configuration does not offer the scope(s) ${missing.join(', ')} (allowed scopes), so the app is told not to ask for them`,
    );
  }
  return wanted.filter((scope) => offered.has(scope));
}
