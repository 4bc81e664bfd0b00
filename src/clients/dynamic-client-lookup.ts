import type { Client, ClientLookup } from './types.js';

/**
 * The clients of the registration file with the dynamically registered ones beneath them: a
 * file client wins on an id clash (dynamic ids are random, `dyn-…`, so a clash means the
 * operator chose that id). A dynamically registered client is a registered client, so Konnect's
 * implicit trust, which only ever applies to unregistered ids (implicit-trust.ts), never
 * replaces it. `all()` keeps the promise of {@link ClientLookup}: the same array until either
 * side changes.
 */
export function withDynamicClients(file: ClientLookup, dynamic: ClientLookup): ClientLookup {
  const catchUp = dynamic.catchUp?.bind(dynamic);
  let listed: {
    readonly file: readonly Client[];
    readonly dynamic: readonly Client[];
    readonly all: readonly Client[];
  } | null = null;
  return {
    get: (clientId) => file.get(clientId) ?? dynamic.get(clientId),
    async catchUp(clientId) {
      if (file.get(clientId) === null) await catchUp?.(clientId);
    },
    all() {
      const fileClients = file.all();
      const dynamicClients = dynamic.all();
      if (listed?.file !== fileClients || listed.dynamic !== dynamicClients) {
        const fileIds = new Set(fileClients.map((client) => client.id));
        const all = [...fileClients, ...dynamicClients.filter((client) => !fileIds.has(client.id))];
        listed = { file: fileClients, dynamic: dynamicClients, all: Object.freeze(all) };
      }
      return listed.all;
    },
  };
}
