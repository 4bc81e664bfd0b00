import { createRequire } from 'node:module';
import { ConfigError } from './errors.js';
import type { LdapConfig } from './types.js';

type Env = Readonly<Record<string, string | undefined>>;

/** Konnect's default user filter (konnect-spec §1.4). */
export const DEFAULT_LDAP_FILTER = '(objectClass=inetOrgPerson)';
/** Sesame's default group filter for `LDAP_GROUPS=search`. */
export const DEFAULT_GROUPS_FILTER =
  '(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames)(objectClass=posixGroup))';
/** Per-request timeout when `LDAP_TIMEOUT` is not set, in seconds. */
export const DEFAULT_LDAP_TIMEOUT = 10;

/** The defaults that differ between a Konnect-style and a Cloudron-style environment. */
interface Flavour {
  readonly uri: string;
  readonly bindDn: string;
  readonly bindPassword: string;
  readonly baseDn: string;
  readonly groupsBaseDn: string | null;
  readonly filter: string;
  readonly login: string;
  readonly name: string;
  readonly groupsFilter: string;
}

const KONNECT: Flavour = {
  uri: 'LDAP_URI',
  bindDn: 'LDAP_BINDDN',
  bindPassword: 'LDAP_BINDPW',
  baseDn: 'LDAP_BASEDN',
  groupsBaseDn: null,
  filter: DEFAULT_LDAP_FILTER,
  login: 'uid',
  name: 'cn',
  groupsFilter: DEFAULT_GROUPS_FILTER,
};

/**
 * Cloudron's directory (konnect-spec §8, attribute names [unconfirmed] there): users have
 * `objectclass=user`, log in with `username` and carry `displayname`; groups may be
 * `objectclass=group`, so the group filter accepts those as well as the standard classes.
 */
const CLOUDRON: Flavour = {
  uri: 'CLOUDRON_LDAP_URL',
  bindDn: 'CLOUDRON_LDAP_BIND_DN',
  bindPassword: 'CLOUDRON_LDAP_BIND_PASSWORD',
  baseDn: 'CLOUDRON_LDAP_USERS_BASE_DN',
  groupsBaseDn: 'CLOUDRON_LDAP_GROUPS_BASE_DN',
  filter: '(objectclass=user)',
  login: 'username',
  name: 'displayname',
  groupsFilter:
    '(|(objectclass=group)(objectClass=groupOfNames)(objectClass=groupOfUniqueNames)(objectClass=posixGroup))',
};

const KNOWN = new Set([
  'LDAP_URI',
  'LDAP_BINDDN',
  'LDAP_BINDPW',
  'LDAP_BASEDN',
  'LDAP_SCOPE',
  'LDAP_FILTER',
  'LDAP_LOGIN_ATTRIBUTE',
  'LDAP_EMAIL_ATTRIBUTE',
  'LDAP_NAME_ATTRIBUTE',
  'LDAP_FAMILY_NAME_ATTRIBUTE',
  'LDAP_GIVEN_NAME_ATTRIBUTE',
  'LDAP_UUID_ATTRIBUTE',
  'LDAP_UUID_ATTRIBUTE_TYPE',
  'LDAP_UIDNUMBER_ATTRIBUTE',
  'LDAP_SUB_ATTRIBUTES',
  'LDAP_PHONE_ATTRIBUTE',
  'LDAP_ADDRESS_ATTRIBUTE',
  'LDAP_STARTTLS',
  'LDAP_TIMEOUT',
  'LDAP_GROUPS',
  'LDAP_GROUPS_BASEDN',
  'LDAP_GROUPS_FILTER',
  'LDAP_GROUPS_NAME_ATTRIBUTE',
]);

/**
 * Builds the LDAP backend's configuration from the environment, as konnectd reads it
 * (konnect-spec §1.4), plus Sesame's additions. Empty variables count as unset. Every problem
 * is collected and thrown together as a `ConfigError` (`env LDAP_X: message`); `warnings` are
 * for the start-up log (unknown `LDAP_*` names, settings that have no effect).
 *
 * | variable | meaning | default |
 * |---|---|---|
 * | `LDAP_URI` | `ldap://host[:389]` or `ldaps://host[:636]`; no scheme means `ldap://` | required |
 * | `LDAP_BINDDN` / `LDAP_BINDPW` | service account; a password without a DN is an error | anonymous |
 * | `LDAP_BASEDN` | where users are searched | required |
 * | `LDAP_SCOPE` | `sub`, `one` or `base` | `sub` |
 * | `LDAP_FILTER` | user filter (RFC 4515), outer parentheses optional | `(objectClass=inetOrgPerson)` |
 * | `LDAP_LOGIN_ATTRIBUTE` | the username | `uid` |
 * | `LDAP_EMAIL_ATTRIBUTE` | `email` | `mail` |
 * | `LDAP_NAME_ATTRIBUTE` | `name` | `cn` |
 * | `LDAP_FAMILY_NAME_ATTRIBUTE` | `family_name` | `sn` |
 * | `LDAP_GIVEN_NAME_ATTRIBUTE` | `given_name` | `givenName` |
 * | `LDAP_UUID_ATTRIBUTE` | `kc.uuid` (scope `konnect/uuid`) | `uuid` |
 * | `LDAP_UUID_ATTRIBUTE_TYPE` | `text`, `binary` (base64) or `uuid` (16 bytes, canonical form) | `text` |
 * | `LDAP_UIDNUMBER_ATTRIBUTE` | numeric `id`; enables scope `konnect/id` | unset |
 * | `LDAP_SUB_ATTRIBUTES` | space-separated attributes forming the raw subject instead of the DN (§5.1) | unset (DN) |
 * | `LDAP_PHONE_ATTRIBUTE` | Sesame: `phone_number` (scope `phone`) | `telephoneNumber` |
 * | `LDAP_ADDRESS_ATTRIBUTE` | Sesame: the `address` claim's `formatted` (scope `address`), `$` separating lines | `postalAddress` |
 * | `LDAP_STARTTLS` | Sesame: upgrade `ldap://` with StartTLS (`yes`/`no`) | `no` |
 * | `LDAP_TIMEOUT` | Sesame: seconds allowed for each directory request | `10` |
 * | `LDAP_GROUPS` | Sesame: `groups` claim from `none`, `memberOf` (the user's memberOf attribute) or `search` | `search` with a groups base DN, else `memberOf` |
 * | `LDAP_GROUPS_BASEDN` | Sesame: where `search` looks for groups | Cloudron's groups base DN, else `LDAP_BASEDN` |
 * | `LDAP_GROUPS_FILTER` | Sesame: which entries are groups | `(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames)(objectClass=posixGroup))` |
 * | `LDAP_GROUPS_NAME_ATTRIBUTE` | Sesame: the group name in the claim | `cn` |
 *
 * Cloudron: when `LDAP_URI` is not set but `CLOUDRON_LDAP_URL` is, the directory is Cloudron's
 * (konnect-spec §8): `CLOUDRON_LDAP_URL`, `CLOUDRON_LDAP_BIND_DN`, `CLOUDRON_LDAP_BIND_PASSWORD`,
 * `CLOUDRON_LDAP_USERS_BASE_DN` and `CLOUDRON_LDAP_GROUPS_BASE_DN` take the place of URI, bind
 * DN, password, base DN and groups base DN, and the defaults become Cloudron's schema: filter
 * `(objectclass=user)`, login `username`, name `displayname` (email `mail`, given name
 * `givenName`, family name `sn` as before), groups by `search` also matching `objectclass=group`.
 * Any `LDAP_*` variable set alongside still overrides its single setting.
 *
 * @param options.insecureTls skip TLS certificate checks (konnectd `--insecure`)
 */
export function ldapConfigFromEnv(
  env: Env,
  options: { insecureTls: boolean },
): { config: LdapConfig; warnings: string[] } {
  const problems: string[] = [];
  const warnings: string[] = [];
  const get = (name: string | null): string | null => {
    const value = name === null ? undefined : env[name]?.trim();
    return value === undefined || value === '' ? null : value;
  };
  const flavour = get('LDAP_URI') === null && get('CLOUDRON_LDAP_URL') !== null ? CLOUDRON : KONNECT;
  /** An `LDAP_*` value, else the flavour's variable, with the name it came from. */
  const pick = (name: string, fallback: string | null): { name: string; value: string | null } => {
    const own = get(name);
    if (own !== null || fallback === null) return { name, value: own };
    return { name: fallback, value: get(fallback) };
  };
  const problem = (name: string, message: string): void => void problems.push(`env ${name}: ${message}`);

  for (const name of Object.keys(env)) {
    if (name.startsWith('LDAP_') && !KNOWN.has(name))
      warnings.push(`env ${name}: not an LDAP setting, ignored`);
  }

  const uriSource =
    flavour === CLOUDRON ? { name: flavour.uri, value: get(flavour.uri) } : pick('LDAP_URI', null);
  const uri = parseUri(uriSource.value, (message) => problem(uriSource.name, message));

  const bindDn = pick('LDAP_BINDDN', flavour === CLOUDRON ? flavour.bindDn : null);
  const bindPassword = pick('LDAP_BINDPW', flavour === CLOUDRON ? flavour.bindPassword : null);
  if (bindPassword.value !== null && bindDn.value === null)
    problem(bindPassword.name, `set without ${bindDn.name}`);
  if (bindDn.value !== null && bindPassword.value === null) {
    warnings.push(
      `env ${bindDn.name}: set without a password; the directory will most likely refuse the bind`,
    );
  }

  const baseDn = pick('LDAP_BASEDN', flavour === CLOUDRON ? flavour.baseDn : null);
  if (baseDn.value === null) problem(baseDn.name, 'required: the DN under which users are searched');

  const scope = oneOf(get('LDAP_SCOPE') ?? 'sub', ['sub', 'one', 'base'] as const, (message) =>
    problem('LDAP_SCOPE', message),
  );
  const filter = parseFilter(get('LDAP_FILTER') ?? flavour.filter, (message) =>
    problem('LDAP_FILTER', message),
  );
  const uuidType = oneOf(
    get('LDAP_UUID_ATTRIBUTE_TYPE') ?? 'text',
    ['text', 'binary', 'uuid'] as const,
    (message) => problem('LDAP_UUID_ATTRIBUTE_TYPE', message),
  );

  let startTls = parseYesNo(get('LDAP_STARTTLS') ?? 'no', (message) => problem('LDAP_STARTTLS', message));
  if (startTls && uri?.startsWith('ldaps:')) {
    warnings.push('env LDAP_STARTTLS: ignored for an ldaps:// URI, which is TLS already');
    startTls = false;
  }
  const timeoutSeconds = parseTimeout(get('LDAP_TIMEOUT'), (message) => problem('LDAP_TIMEOUT', message));

  const groupsBaseDn = pick('LDAP_GROUPS_BASEDN', flavour.groupsBaseDn);
  const groupsSource = parseGroupsSource(get('LDAP_GROUPS'), groupsBaseDn.value !== null, (message) =>
    problem('LDAP_GROUPS', message),
  );
  const groupsFilter = parseFilter(get('LDAP_GROUPS_FILTER') ?? flavour.groupsFilter, (message) =>
    problem('LDAP_GROUPS_FILTER', message),
  );

  if (problems.length > 0) throw new ConfigError(problems);
  const config: LdapConfig = {
    uri: uri!,
    bindDn: bindDn.value,
    bindPassword: bindDn.value === null ? null : (bindPassword.value ?? ''),
    baseDn: baseDn.value!,
    scope: scope!,
    filter: filter!,
    attributes: {
      login: get('LDAP_LOGIN_ATTRIBUTE') ?? flavour.login,
      email: get('LDAP_EMAIL_ATTRIBUTE') ?? 'mail',
      name: get('LDAP_NAME_ATTRIBUTE') ?? flavour.name,
      familyName: get('LDAP_FAMILY_NAME_ATTRIBUTE') ?? 'sn',
      givenName: get('LDAP_GIVEN_NAME_ATTRIBUTE') ?? 'givenName',
      uuid: get('LDAP_UUID_ATTRIBUTE') ?? 'uuid',
      uuidType: uuidType!,
      uidNumber: get('LDAP_UIDNUMBER_ATTRIBUTE'),
      sub: (get('LDAP_SUB_ATTRIBUTES') ?? '').split(/\s+/).filter((name) => name !== ''),
      phone: get('LDAP_PHONE_ATTRIBUTE') ?? 'telephoneNumber',
      address: get('LDAP_ADDRESS_ATTRIBUTE') ?? 'postalAddress',
    },
    groups: {
      source: groupsSource!,
      baseDn: groupsSource === 'search' ? (groupsBaseDn.value ?? baseDn.value) : groupsBaseDn.value,
      filter: groupsFilter!,
      nameAttribute: get('LDAP_GROUPS_NAME_ATTRIBUTE') ?? 'cn',
    },
    startTls,
    insecureTls: options.insecureTls,
    timeoutSeconds: timeoutSeconds!,
  };
  return { config, warnings };
}

/** `host[:port]` gets `ldap://`; only ldap and ldaps with a host are accepted. */
function parseUri(value: string | null, report: (message: string) => void): string | null {
  if (value === null) {
    report('required: the LDAP server, e.g. ldap://ldap.example.org:389');
    return null;
  }
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `ldap://${value}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    report(`"${value}" is not an LDAP URL`);
    return null;
  }
  const scheme = url.protocol.toLowerCase();
  if (scheme !== 'ldap:' && scheme !== 'ldaps:') {
    report(`"${value}": the scheme must be ldap:// or ldaps://`);
    return null;
  }
  if (url.hostname === '') {
    report(`"${value}" names no host`);
    return null;
  }
  return `${scheme}//${url.host}`;
}

/**
 * ldapts, loaded when a filter is checked: configuration is read synchronously, and a server
 * without LDAP starts without the LDAP client (issue 11).
 */
function ldapts(): typeof import('ldapts') {
  return createRequire(import.meta.url)('ldapts') as typeof import('ldapts');
}

function parseFilter(value: string, report: (message: string) => void): string | null {
  const trimmed = value.trim();
  const filter = trimmed.startsWith('(') && trimmed.endsWith(')') ? trimmed : `(${trimmed})`;
  try {
    if (!isOneParenthesized(filter)) throw new Error('unbalanced parentheses');
    ldapts().FilterParser.parseString(filter);
    return filter;
  } catch (error) {
    report(
      `"${value}" is not an LDAP filter (RFC 4515): ${error instanceof Error ? error.message : String(error)}`,
    );
    return null;
  }
}

/** Whether the whole text is one parenthesized filter (values escape parentheses, RFC 4515 §3). */
function isOneParenthesized(filter: string): boolean {
  let depth = 0;
  for (let i = 0; i < filter.length; i++) {
    if (filter[i] === '(') depth += 1;
    else if (filter[i] === ')') depth -= 1;
    if (depth < 0 || (depth === 0 && i < filter.length - 1)) return false;
  }
  return depth === 0;
}

function oneOf<T extends string>(
  value: string,
  allowed: readonly T[],
  report: (message: string) => void,
): T | null {
  const found = allowed.find((item) => item === value.toLowerCase());
  if (found === undefined) report(`"${value}" must be one of ${allowed.join(', ')}`);
  return found ?? null;
}

function parseYesNo(value: string, report: (message: string) => void): boolean {
  const lower = value.toLowerCase();
  if (['yes', 'true', '1', 'on'].includes(lower)) return true;
  if (['no', 'false', '0', 'off'].includes(lower)) return false;
  report(`"${value}" must be yes or no`);
  return false;
}

function parseTimeout(value: string | null, report: (message: string) => void): number | null {
  if (value === null) return DEFAULT_LDAP_TIMEOUT;
  const seconds = /^\d+(\.\d+)?$/.test(value) ? Number(value) : NaN;
  if (!(seconds > 0 && seconds <= 3600)) {
    report(`"${value}" must be a number of seconds between 0 and 3600`);
    return null;
  }
  return seconds;
}

function parseGroupsSource(
  value: string | null,
  haveGroupsBase: boolean,
  report: (message: string) => void,
): LdapConfig['groups']['source'] | null {
  if (value === null) return haveGroupsBase ? 'search' : 'memberOf';
  const found = (['none', 'memberOf', 'search'] as const).find(
    (item) => item.toLowerCase() === value.toLowerCase(),
  );
  if (found === undefined) report(`"${value}" must be one of none, memberOf, search`);
  return found ?? null;
}
