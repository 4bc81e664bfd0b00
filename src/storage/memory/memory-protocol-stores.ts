import { byCodeUnits } from '../rules.js';
import {
  StorageError,
  type BackchannelDeliveryRecord,
  type BackchannelDeliveryStore,
  type DynamicClientRecord,
  type DynamicClientStore,
  type OnceStore,
  type PushedRequestRecord,
  type PushedRequestStore,
} from '../types.js';

/** The memory engine's stores of `../protocol-stores.ts`, and the purge `purgeExpired` runs over them. */
export interface MemoryProtocolStores {
  readonly backchannelDeliveries: BackchannelDeliveryStore;
  readonly dynamicClients: DynamicClientStore;
  readonly once: OnceStore;
  readonly pushedRequests: PushedRequestStore;
  /** Drops expired deliveries, once-used values and pushed requests. */
  purge(now: number): void;
}

/**
 * The protocol stores in process memory. As in the rest of the memory engine, each method checks
 * and writes with no `await` in between, so `claimDue`, `use` and `take` are atomic within the
 * process; records are copied in and out.
 */
export function createMemoryProtocolStores(): MemoryProtocolStores {
  const deliveries = new Map<string, BackchannelDeliveryRecord>();
  const clients = new Map<string, DynamicClientRecord>();
  const onceExpiries = new Map<string, number>();
  const pushed = new Map<string, PushedRequestRecord>();

  function insert<T>(map: Map<string, T>, key: string, value: T, what: string): void {
    if (map.has(key)) throw new StorageError('conflict', `${what} already exists`);
    map.set(key, structuredClone(value));
  }

  const oldestFirst = (a: BackchannelDeliveryRecord, b: BackchannelDeliveryRecord): number =>
    a.createdAt - b.createdAt || byCodeUnits(a.id, b.id);

  return {
    backchannelDeliveries: {
      async enqueue(delivery) {
        insert(deliveries, delivery.id, delivery, 'back-channel logout delivery');
      },
      async claimDue(now, limit, leaseMs) {
        if (!(limit >= 1)) return [];
        const due = [...deliveries.values()]
          .filter((d) => d.nextAttemptAt <= now && now < d.expiresAt)
          .sort(oldestFirst)
          .slice(0, Math.floor(limit));
        return due.map((d) => {
          const leased = { ...d, nextAttemptAt: now + leaseMs };
          deliveries.set(d.id, leased);
          return structuredClone(leased);
        });
      },
      async reschedule(id, attempts, nextAttemptAt) {
        const delivery = deliveries.get(id);
        if (delivery !== undefined) deliveries.set(id, { ...delivery, attempts, nextAttemptAt });
      },
      async delete(id) {
        deliveries.delete(id);
      },
    },

    dynamicClients: {
      async create(client) {
        insert(clients, client.clientId, client, 'client');
      },
      async get(clientId) {
        const client = clients.get(clientId);
        return client === undefined ? null : structuredClone(client);
      },
      async list() {
        return [...clients.values()]
          .sort((a, b) => byCodeUnits(a.clientId, b.clientId))
          .map((c) => structuredClone(c));
      },
      async stamps() {
        return [...clients.values()]
          .sort((a, b) => byCodeUnits(a.clientId, b.clientId))
          .map(({ clientId, registrationTokenHash, updatedAt }) => ({
            clientId,
            registrationTokenHash,
            updatedAt,
          }));
      },
      async update(client, expectedTokenHash) {
        const stored = clients.get(client.clientId);
        if (stored?.registrationTokenHash !== expectedTokenHash) return false;
        clients.set(client.clientId, { ...structuredClone(client), createdAt: stored.createdAt });
        return true;
      },
      async delete(clientId, expectedTokenHash) {
        if (clients.get(clientId)?.registrationTokenHash !== expectedTokenHash) return false;
        return clients.delete(clientId);
      },
    },

    once: {
      async use(key, expiresAt, now) {
        const earlier = onceExpiries.get(key);
        if (earlier !== undefined && now < earlier) return false;
        onceExpiries.set(key, expiresAt);
        return true;
      },
    },

    pushedRequests: {
      async create(request) {
        insert(pushed, request.requestUriHash, request, 'pushed authorization request');
      },
      async take(requestUriHash, clientId, now) {
        const request = pushed.get(requestUriHash);
        if (request === undefined || request.clientId !== clientId || now >= request.expiresAt) return null;
        pushed.delete(requestUriHash);
        return request;
      },
      async countLive(now, clientId) {
        let live = 0;
        for (const request of pushed.values())
          if (now < request.expiresAt && (clientId === undefined || request.clientId === clientId)) live++;
        return live;
      },
    },

    purge(now) {
      for (const [id, delivery] of deliveries) if (now >= delivery.expiresAt) deliveries.delete(id);
      for (const [key, expiresAt] of onceExpiries) if (now >= expiresAt) onceExpiries.delete(key);
      for (const [hash, request] of pushed) if (now >= request.expiresAt) pushed.delete(hash);
    },
  };
}
