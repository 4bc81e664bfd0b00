import type { ClientLookup } from '../clients/types.js';

/**
 * A web origin as browsers send it in `Origin` and report it in `event.origin`
 * (RFC 6454 §6.1): `scheme://host[:port]`, lower-case, default port left out. Null for
 * anything that is not an absolute http(s) URL, so a registry entry like `*` or a typo never
 * widens who is allowed. A registered value with a path (`https://rp.example/app/`) stands
 * for its origin.
 */
export function webOrigin(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  return url.protocol === 'https:' || url.protocol === 'http:' ? url.origin : null;
}

/**
 * The issuer's origin and every registered client's `origins` (konnect-spec §2.1; a web
 * client without any has its first redirect URI's origin), normalised by {@link webOrigin}
 * and without duplicates. Read from `clients` at each call, so a reloaded registry applies
 * at once.
 */
export function trustedOrigins(issuer: string, clients: ClientLookup): string[] {
  const origins = new Set<string>();
  for (const value of [issuer, ...clients.all().flatMap((client) => client.origins)]) {
    const origin = webOrigin(value);
    if (origin !== null) origins.add(origin);
  }
  return [...origins];
}
