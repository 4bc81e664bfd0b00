import { ResultCodeError } from 'ldapts';
import { secondsSince, type LdapOperation, type Metrics } from '../../metrics/metrics.js';
import { isDirectoryUnavailable } from './result-codes.js';

/**
 * "LDAP user search" → `user_search`. `what` is a literal at every call site of
 * `ServiceConnection.use`, never input, so the label's values are bounded.
 */
export function operationLabel(what: string): LdapOperation {
  return what
    .replace(/^LDAP /, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_');
}

/**
 * Runs `operation`, reporting its time and how it failed: `refused` for a directory answer
 * (a result code that is not an outage), `unavailable` for everything else — unreachable,
 * timed out, cannot serve now, or already reported as `IdentityUnavailableError`.
 */
export async function timedLdapOperation<T>(
  metrics: Pick<Metrics, 'ldapOperation'>,
  name: LdapOperation,
  operation: () => Promise<T>,
): Promise<T> {
  const started = performance.now();
  try {
    const result = await operation();
    metrics.ldapOperation(name, secondsSince(started), null);
    return result;
  } catch (error) {
    const refused = error instanceof ResultCodeError && !isDirectoryUnavailable(error);
    metrics.ldapOperation(name, secondsSince(started), refused ? 'refused' : 'unavailable');
    throw error;
  }
}
