import { InvalidDNSyntaxError, NoSuchObjectError, ResultCodeError, type Entry } from 'ldapts';
import type { Logger } from 'pino';
import type { LdapConfig } from '../../config/types.js';
import { IdentityUnavailableError, type Identity, type IdentityBackend } from '../types.js';
import { systemClock, type Clock } from '../../lib/clock.js';
import { checkPassword, refused, ServiceConnection } from './connection.js';
import { describeResultCode } from './result-codes.js';
import { DirectoryHealth } from './directory-health.js';
import { noMetrics, type Metrics } from '../../metrics/metrics.js';
import { isWithinScope } from './dn.js';
import { binaryAttributes, textValues, toIdentity, userAttributes } from './entry.js';
import { andFilter, equalityFilter, parenthesize } from './filter.js';
import { lookupGroups } from './groups.js';
import { decodeRawSubject, encodeRawSubject } from './raw-subject.js';

/**
 * The LDAP identity backend, Konnect's `identifier-ldap` (konnect-spec §1.4, §5.1).
 *
 * Sign-in: an empty username or password is refused without asking the directory. Otherwise
 * the service account searches `baseDn`/`scope` for `(&<filter>(<login>=<username>))` with the
 * username escaped (RFC 4515); exactly one entry must match and one of its login values must
 * equal the typed username case-insensitively; then a bind as that entry's DN with the password,
 * on a connection of its own, decides. Rejected credentials give null.
 *
 * The raw id is the entry DN exactly as the server returns it or, with `attributes.sub`, the
 * query encoding of those attributes (`raw-subject.ts`). `getUser` finds the entry again by
 * either form, under the same base, scope and filter; anything else is null.
 *
 * Every directory call is limited to `timeoutSeconds`. Unreachable servers, timeouts, answers
 * that the directory cannot serve now (busy, unavailable, unwilling to perform, a limit
 * exceeded: `result-codes.ts`) and unexpected directory errors throw `IdentityUnavailableError`;
 * the next call tries again. An outage is logged when it starts and when it ends, with at most
 * a summary a minute while the directory flaps (`directory-health.ts`), not per call; `clock`
 * dates those lines. Unexpected result codes are logged at warn per call, with the code.
 *
 * `probe` reads the search base itself (a base-scope search asking for no attributes) through
 * the service connection, so the service bind, the directory and LDAP_BASEDN are all checked
 * and any outage is reported to the same `DirectoryHealth`. A missing base fails the probe
 * (sign-ins would find nobody), though the directory itself answered.
 */
/** The LDAP backend, with a lookup by username for operators (`sesame ldap whois`). */
export interface LdapBackend extends IdentityBackend {
  /** The one entry whose login attribute is `username` (case-insensitively), without a password check. */
  findByUsername(username: string): Promise<Identity | null>;
  /** Always there for LDAP: the service bind and the search base, see above. */
  probe(): Promise<void>;
}

export function createLdapBackend(
  config: LdapConfig,
  log: Logger,
  clock: Clock = systemClock,
  metrics: Pick<Metrics, 'ldapOperation'> = noMetrics,
): LdapBackend {
  const health = new DirectoryHealth(log, clock);
  const service = new ServiceConnection(config, log, health, metrics);
  const userFilter = parenthesize(config.filter);
  const attributes = userAttributes(config);
  const explicitBufferAttributes = binaryAttributes(config);
  const login = config.attributes.login;
  const subAttributes = config.attributes.sub;

  /** Up to two entries (enough to tell "exactly one"); [] when the base does not exist. */
  async function findUsers(baseDn: string, scope: LdapConfig['scope'], filter: string): Promise<Entry[]> {
    try {
      const result = await service.use('LDAP user search', (client) =>
        client.search(baseDn, { scope, filter, attributes, explicitBufferAttributes, sizeLimit: 2 }),
      );
      return result.searchEntries;
    } catch (error) {
      if (error instanceof NoSuchObjectError || error instanceof InvalidDNSyntaxError) return [];
      if (error instanceof ResultCodeError) throw refused(error, log, 'LDAP user search failed');
      throw error;
    }
  }

  function rawIdOf(entry: Entry): string {
    if (subAttributes.length === 0) return entry.dn;
    return encodeRawSubject(new Map(subAttributes.map((name) => [name, textValues(entry, name)])));
  }

  async function identify(entry: Entry): Promise<Identity | null> {
    const id = rawIdOf(entry);
    if (id === '') {
      log.warn(
        { dn: entry.dn, attributes: subAttributes },
        'LDAP entry has none of the subject attributes; refused',
      );
      return null;
    }
    return toIdentity(entry, id, config, await lookupGroups(entry, config, service, log));
  }

  async function findBySubAttributes(id: string): Promise<Entry | null> {
    const pairs = decodeRawSubject(id);
    const known = new Set(subAttributes.map((name) => name.toLowerCase()));
    if (pairs === null || pairs.some(([name]) => !known.has(name.toLowerCase()))) return null;
    const filter = andFilter([userFilter, ...pairs.map(([name, value]) => equalityFilter(name, value))]);
    const entries = await findUsers(config.baseDn, config.scope, filter);
    // The filter matches supersets of the values too; only the exact encoding names the user.
    return entries.length === 1 && rawIdOf(entries[0]!) === id ? entries[0]! : null;
  }

  /** Exactly one entry under the filter whose login attribute equals `username`; else null. */
  async function findEntryByLogin(username: string): Promise<Entry | null> {
    const filter = andFilter([userFilter, equalityFilter(login, username)]);
    const entries = await findUsers(config.baseDn, config.scope, filter);
    if (entries.length !== 1) return null;
    const entry = entries[0]!;
    const typed = username.toLowerCase();
    return textValues(entry, login).some((value) => value.toLowerCase() === typed) ? entry : null;
  }

  return {
    subjectNamespace: 'identifier-ldap',
    extraScopes: [
      'konnect/uuid',
      'konnect/raw_sub',
      ...(config.attributes.uidNumber === null ? [] : ['konnect/id']),
    ],

    async authenticate(username, password) {
      if (username === '' || password === '') return null;
      const entry = await findEntryByLogin(username);
      if (entry === null) {
        // Bind anyway, as a DN that cannot exist, so an unknown username costs what a wrong
        // password costs and the response time does not tell which accounts exist.
        // Whatever the server says to that bind, the answer is "no such user".
        await checkPassword(
          config,
          `cn=sesame-no-such-user,${config.baseDn}`,
          password,
          health,
          log,
          metrics,
        ).catch(() => false);
        return null;
      }
      if (!(await checkPassword(config, entry.dn, password, health, log, metrics))) return null;
      return identify(entry);
    },

    async findByUsername(username) {
      if (username === '') return null;
      const entry = await findEntryByLogin(username);
      return entry === null ? null : identify(entry);
    },

    async getUser(id) {
      if (subAttributes.length > 0) {
        const entry = await findBySubAttributes(id);
        return entry === null ? null : identify(entry);
      }
      if (id === '' || !isWithinScope(id, config.baseDn, config.scope)) return null;
      const entries = await findUsers(id, 'base', userFilter);
      return entries.length === 1 ? identify(entries[0]!) : null;
    },

    async probe() {
      try {
        await service.use('LDAP search base check', (client) =>
          client.search(config.baseDn, { scope: 'base', filter: '(objectClass=*)', attributes: ['1.1'] }),
        );
      } catch (error) {
        throw probeFailure(error, config);
      }
    },

    async close() {
      await service.close();
    },
  };
}

/**
 * Why the search base check failed, with what to check: a missing or malformed base names
 * LDAP_BASEDN; a directory that does not answer names LDAP_URI; a rejected service bind already
 * names LDAP_BINDDN and LDAP_BINDPW (`ServiceConnection`); any other refusal is quoted. All of
 * them are `IdentityUnavailableError`; anything else (a programming error) is returned unchanged.
 */
function probeFailure(error: unknown, config: LdapConfig): unknown {
  if (error instanceof NoSuchObjectError || error instanceof InvalidDNSyntaxError) {
    const problem = error instanceof NoSuchObjectError ? 'does not exist' : 'is not a valid DN';
    return new IdentityUnavailableError(
      `the LDAP search base ${config.baseDn} ${problem}: check LDAP_BASEDN (${describeResultCode(error)})`,
      { cause: error },
    );
  }
  if (error instanceof ResultCodeError) {
    return new IdentityUnavailableError(
      `the LDAP search of the base ${config.baseDn} (LDAP_BASEDN) was refused: ${describeResultCode(error)}`,
      { cause: error },
    );
  }
  // No answer at all (refused, reset, timed out): where Sesame looks for the directory may be wrong.
  if (error instanceof IdentityUnavailableError && isNoAnswer(error.cause)) {
    return new IdentityUnavailableError(
      `${error.message}: check LDAP_URI (${config.uri}) and that the directory is running`,
      { cause: error.cause },
    );
  }
  return error;
}

/** A network failure or timeout behind an `IdentityUnavailableError`, not a directory's answer. */
function isNoAnswer(cause: unknown): boolean {
  return cause !== undefined && !(cause instanceof ResultCodeError);
}
