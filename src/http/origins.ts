import type { Client, ClientLookup } from '../clients/types.js';

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

/** Per client list (the registry hands out one array per load): the origins derived from it. */
const derived = new WeakMap<
  readonly Client[],
  { readonly issuer: string; readonly origins: readonly string[] }
>();

/**
 * The issuer's origin and every registered client's `origins` (konnect-spec §2.1; a web
 * client without any has its first redirect URI's origin), normalised by {@link webOrigin}
 * and without duplicates. Computed once per registry load (a reload hands out a new client
 * list), so the CORS check on every API request does not walk the registry.
 */
export function trustedOrigins(issuer: string, clients: ClientLookup): readonly string[] {
  const list = clients.all();
  const cached = derived.get(list);
  if (cached?.issuer === issuer) return cached.origins;
  const origins = new Set<string>();
  for (const value of [issuer, ...list.flatMap((client) => client.origins)]) {
    const origin = webOrigin(value);
    if (origin !== null) origins.add(origin);
  }
  const result = Object.freeze([...origins]);
  derived.set(list, { issuer, origins: result });
  return result;
}
