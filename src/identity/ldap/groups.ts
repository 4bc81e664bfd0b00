import { NoSuchObjectError, ResultCodeError, type Entry } from 'ldapts';
import type { Logger } from 'pino';
import type { LdapConfig } from '../../config/types.js';
import type { ServiceConnection } from './connection.js';
import { refused } from './connection.js';
import { firstRdnValue } from './dn.js';
import { MEMBER_OF, firstText, textValues } from './entry.js';
import { andFilter, equalityFilter, orFilter, parenthesize } from './filter.js';

/**
 * The names of a user's groups for the `groups` claim, sorted and without duplicates; null when
 * groups are switched off (`groups.source` `none`). Konnect had no groups (konnect-spec §1.4);
 * this is Sesame's addition.
 *
 * - `memberOf`: the first RDN value of each DN in the user's `memberOf` attribute (maintained
 *   by OpenLDAP's memberof overlay or Active Directory for groupOfNames-style groups).
 * - `search`: groups under `groups.baseDn` matching the groups filter that list the user as
 *   `member` or `uniqueMember` (by DN) or `memberUid` (by login name), named by
 *   `groups.nameAttribute`. Values are escaped (RFC 4515).
 */
export async function lookupGroups(
  entry: Entry,
  config: LdapConfig,
  service: ServiceConnection,
  log: Logger,
): Promise<readonly string[] | null> {
  switch (config.groups.source) {
    case 'none':
      return null;
    case 'memberOf':
      return tidy(textValues(entry, MEMBER_OF).map(firstRdnValue));
    case 'search':
      return tidy(await searchGroups(entry, config, service, log));
  }
}

async function searchGroups(
  entry: Entry,
  config: LdapConfig,
  service: ServiceConnection,
  log: Logger,
): Promise<(string | null)[]> {
  const { groups } = config;
  const baseDn = groups.baseDn ?? config.baseDn;
  const login = firstText(entry, config.attributes.login);
  const membership = [equalityFilter('member', entry.dn), equalityFilter('uniqueMember', entry.dn)];
  if (login !== null) membership.push(equalityFilter('memberUid', login));
  const filter = andFilter([parenthesize(groups.filter), orFilter(membership)]);
  try {
    const result = await service.use('LDAP group search', (client) =>
      client.search(baseDn, { scope: 'sub', filter, attributes: [groups.nameAttribute], paged: true }),
    );
    return result.searchEntries.map((group) => firstText(group, groups.nameAttribute));
  } catch (error) {
    if (error instanceof NoSuchObjectError) {
      log.warn({ baseDn }, 'LDAP groups base DN does not exist; no groups');
      return [];
    }
    if (error instanceof ResultCodeError) throw refused(error, log, 'LDAP group search failed');
    throw error;
  }
}

function tidy(names: readonly (string | null)[]): string[] {
  const unique = new Set(names.filter((name): name is string => name !== null && name !== ''));
  return [...unique].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
