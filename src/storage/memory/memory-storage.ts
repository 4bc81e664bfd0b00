import { byCodeUnits, keptAddress, planRotation, refuseConsume, usernameKey } from '../rules.js';
import {
  StorageError,
  type AuthorizationCodeRecord,
  type ConsentRecord,
  type GrantRecord,
  type InteractionRecord,
  type RefreshTokenRecord,
  type SessionRecord,
  type Storage,
  type StoredGrantRecord,
  type StoredInteractionRecord,
  type StoredUserRecord,
  type UserRecord,
} from '../types.js';
import { createMemoryGeneratedKeyStore } from './memory-generated-keys.js';
import { createMemoryProtocolStores } from './memory-protocol-stores.js';
import { createMemoryThrottle } from './memory-throttle.js';

/**
 * A `Storage` held in process memory, for tests and single-process development. Every method
 * does its check and its write with no `await` in between, so `codes.consume` and
 * `refreshTokens.rotate` are atomic within the process. Records are copied in and out, so
 * callers cannot mutate stored state. Nothing survives `close()` or a restart.
 */
export function createMemoryStorage(): Storage {
  const users = new Map<string, StoredUserRecord>();
  const userIdByKey = new Map<string, string>();
  const sessions = new Map<string, SessionRecord>();
  const sessionIdBySecret = new Map<string, string>();
  const interactions = new Map<string, StoredInteractionRecord>();
  const codes = new Map<string, AuthorizationCodeRecord>();
  const grants = new Map<string, StoredGrantRecord>();
  const refreshTokens = new Map<string, RefreshTokenRecord>();
  const consents = new Map<string, ConsentRecord>();
  const throttle = createMemoryThrottle();
  const protocol = createMemoryProtocolStores();

  const consentKey = (userId: string, clientId: string): string => JSON.stringify([userId, clientId]);

  function insert<T>(map: Map<string, T>, key: string, value: T, what: string): void {
    if (map.has(key)) throw new StorageError('conflict', `${what} already exists`);
    map.set(key, structuredClone(value));
  }

  function out<T>(value: T | undefined): T | null {
    return value === undefined ? null : structuredClone(value);
  }

  function live<T extends { expiresAt: number }>(value: T | undefined, now: number): T | null {
    return value !== undefined && now < value.expiresAt ? structuredClone(value) : null;
  }

  function deleteSession(id: string): void {
    const session = sessions.get(id);
    if (session === undefined) return;
    sessions.delete(id);
    sessionIdBySecret.delete(session.secretHash);
  }

  function endRefreshTokensOfGrant(grantId: string): void {
    for (const [hash, token] of refreshTokens) if (token.grantId === grantId) refreshTokens.delete(hash);
  }

  function deleteGrant(id: string): void {
    grants.delete(id);
    endRefreshTokensOfGrant(id);
  }

  function revokeGrant(grant: StoredGrantRecord, now: number): void {
    if (grant.revokedAt === null) grants.set(grant.id, { ...grant, revokedAt: now });
    endRefreshTokensOfGrant(grant.id);
  }

  /** The optional fields of a grant, made present as null: what `grants.get` promises. */
  function stored(grant: GrantRecord): StoredGrantRecord {
    return { ...grant, claims: grant.claims ?? null, guest: grant.guest ?? null };
  }

  /** The optional fields of a user, made present as null and the address as kept: what `users.get*` promise. */
  function storedUser(user: UserRecord): StoredUserRecord {
    const address = user.address == null ? null : keptAddress(user.address);
    return { ...user, phoneNumber: user.phoneNumber ?? null, address };
  }

  /** The optional field of an interaction, made present as null: what `interactions.get` promises. */
  function storedInteraction(interaction: InteractionRecord): StoredInteractionRecord {
    return { ...interaction, clientAddress: interaction.clientAddress ?? null };
  }

  return {
    users: {
      async create(user) {
        const key = usernameKey(user.username);
        if (userIdByKey.has(key)) throw new StorageError('conflict', 'username is taken');
        insert(users, user.id, storedUser(user), 'user');
        userIdByKey.set(key, user.id);
      },
      async getById(id) {
        return out(users.get(id));
      },
      async getByUsername(username) {
        const id = userIdByKey.get(usernameKey(username));
        return id === undefined ? null : out(users.get(id));
      },
      async list() {
        const byKey = (u: StoredUserRecord): string => usernameKey(u.username);
        return [...users.values()]
          .sort((a, b) => (byKey(a) < byKey(b) ? -1 : byKey(a) > byKey(b) ? 1 : 0))
          .map((u) => structuredClone(u));
      },
      async update(id, changes, now) {
        const user = users.get(id);
        if (user === undefined) return false;
        const defined = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
        users.set(id, storedUser({ ...user, ...structuredClone(defined), updatedAt: now }));
        return true;
      },
      async replacePasswordHash(id, expectedHash, newHash, now) {
        const user = users.get(id);
        if (user === undefined || user.passwordHash !== expectedHash) return false;
        users.set(id, { ...user, passwordHash: newHash, updatedAt: now });
        return true;
      },
      async remove(id) {
        const user = users.get(id);
        if (user === undefined) return false;
        users.delete(id);
        userIdByKey.delete(usernameKey(user.username));
        for (const session of [...sessions.values()]) if (session.userId === id) deleteSession(session.id);
        for (const [key, consent] of consents) if (consent.userId === id) consents.delete(key);
        for (const grant of [...grants.values()]) if (grant.userId === id) deleteGrant(grant.id);
        for (const [hash, token] of refreshTokens) if (token.userId === id) refreshTokens.delete(hash);
        return true;
      },
    },

    sessions: {
      async create(session) {
        if (sessionIdBySecret.has(session.secretHash))
          throw new StorageError('conflict', 'session already exists');
        insert(sessions, session.id, session, 'session');
        sessionIdBySecret.set(session.secretHash, session.id);
      },
      async getBySecretHash(secretHash, now) {
        const id = sessionIdBySecret.get(secretHash);
        return id === undefined ? null : live(sessions.get(id), now);
      },
      async get(id, now) {
        return live(sessions.get(id), now);
      },
      async touch(id, now) {
        const session = sessions.get(id);
        if (session !== undefined) sessions.set(id, { ...session, lastSeenAt: now });
      },
      async delete(id) {
        deleteSession(id);
      },
      async listByUser(userId, now) {
        return [...sessions.values()]
          .filter((session) => session.userId === userId && now < session.expiresAt)
          .sort((a, b) => byCodeUnits(a.id, b.id))
          .map((session) => structuredClone(session));
      },
    },

    interactions: {
      async create(interaction) {
        insert(interactions, interaction.id, storedInteraction(interaction), 'interaction');
      },
      async get(id, now) {
        return live(interactions.get(id), now);
      },
      async setSession(id, sessionId) {
        const interaction = interactions.get(id);
        if (interaction !== undefined) interactions.set(id, { ...interaction, sessionId });
      },
      async delete(id) {
        interactions.delete(id);
      },
      async countLive(now, clientAddress) {
        let live = 0;
        for (const interaction of interactions.values()) {
          if (now >= interaction.expiresAt) continue;
          if (clientAddress === undefined || interaction.clientAddress === clientAddress) live++;
        }
        return live;
      },
    },

    codes: {
      async create(code) {
        insert(codes, code.codeHash, code, 'authorization code');
      },
      async consume(codeHash, now) {
        const code = out(codes.get(codeHash));
        const refused = refuseConsume(code, now);
        if (refused !== null || code === null) return refused ?? { kind: 'not_found' };
        const consumed = { ...code, consumedAt: now };
        codes.set(codeHash, consumed);
        return { kind: 'consumed', code: structuredClone(consumed) };
      },
      async get(codeHash) {
        return out(codes.get(codeHash));
      },
    },

    grants: {
      async create(grant) {
        insert(grants, grant.id, stored(grant), 'grant');
      },
      async get(id) {
        return out(grants.get(id));
      },
      async revoke(id, now) {
        const grant = grants.get(id);
        if (grant !== undefined) revokeGrant(grant, now);
      },
      async revokeForUserClient(userId, clientId, now) {
        for (const grant of [...grants.values()]) {
          if (grant.userId === userId && grant.clientId === clientId) revokeGrant(grant, now);
        }
      },
      async clientsOfSession(sessionId) {
        const clientIds = new Set<string>();
        for (const grant of grants.values()) if (grant.sessionId === sessionId) clientIds.add(grant.clientId);
        return [...clientIds].sort(byCodeUnits);
      },
    },

    refreshTokens: {
      async create(token) {
        if (!grants.has(token.grantId))
          throw new StorageError('conflict', 'refresh token names an unknown grant');
        insert(refreshTokens, token.tokenHash, token, 'refresh token');
      },
      async get(tokenHash) {
        return out(refreshTokens.get(tokenHash));
      },
      async rotate(tokenHash, next, now, graceMs) {
        const token = out(refreshTokens.get(tokenHash));
        const grant = token === null ? null : out(grants.get(token.grantId));
        const successor = token?.replacedBy == null ? null : out(refreshTokens.get(token.replacedBy));
        const plan = planRotation(token, grant, successor, now, graceMs);
        if (plan.kind === 'answer') return plan.result;
        if (refreshTokens.has(next.tokenHash))
          throw new StorageError('conflict', 'refresh token already exists');
        const earlier =
          plan.kind === 'grace' && plan.previous.replacedBy !== null
            ? refreshTokens.get(plan.previous.replacedBy)
            : undefined;
        if (earlier) refreshTokens.set(earlier.tokenHash, { ...earlier, withdrawnAt: now });
        const rotatedAt = plan.kind === 'rotate' ? now : plan.previous.rotatedAt;
        refreshTokens.set(tokenHash, { ...plan.previous, rotatedAt, replacedBy: next.tokenHash });
        refreshTokens.set(next.tokenHash, structuredClone(next));
        return { kind: plan.kind === 'rotate' ? 'rotated' : 'grace', previous: plan.previous };
      },
    },

    consents: {
      async get(userId, clientId) {
        return out(consents.get(consentKey(userId, clientId)));
      },
      async put(consent) {
        consents.set(consentKey(consent.userId, consent.clientId), structuredClone(consent));
      },
      async delete(userId, clientId) {
        consents.delete(consentKey(userId, clientId));
      },
      async listByUser(userId) {
        return [...consents.values()]
          .filter((consent) => consent.userId === userId)
          .sort((a, b) => byCodeUnits(a.clientId, b.clientId))
          .map((consent) => structuredClone(consent));
      },
    },

    throttle: throttle.store,
    backchannelDeliveries: protocol.backchannelDeliveries,
    dynamicClients: protocol.dynamicClients,
    once: protocol.once,
    pushedRequests: protocol.pushedRequests,
    generatedKeys: createMemoryGeneratedKeyStore(),

    async purgeExpired(now) {
      for (const session of [...sessions.values()]) if (now >= session.expiresAt) deleteSession(session.id);
      for (const [id, interaction] of interactions) if (now >= interaction.expiresAt) interactions.delete(id);
      for (const [hash, code] of codes) if (now >= code.expiresAt) codes.delete(hash);
      for (const [hash, token] of refreshTokens) if (now >= token.expiresAt) refreshTokens.delete(hash);
      for (const grant of [...grants.values()]) if (now >= grant.expiresAt) deleteGrant(grant.id);
      throttle.purge(now);
      protocol.purge(now);
    },

    async close() {},
  };
}
