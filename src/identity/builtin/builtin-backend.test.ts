import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import type { PasswordHashing } from '../../config/types.js';
import { systemClock } from '../../lib/clock.js';
import { randomId } from '../../lib/ids.js';
import { createMemoryStorage } from '../../storage/memory/memory-storage.js';
import { StorageError, type Storage, type UserRecord, type UserStore } from '../../storage/types.js';
import { runIdentityConformance } from '../conformance/identity-conformance.js';
import { IdentityUnavailableError } from '../types.js';
import { createBuiltinBackend } from './builtin-backend.js';
import { hashPassword } from './passwords.js';

/** Far below OWASP's, so that the tests hash quickly. */
const FAST: PasswordHashing = { memoryKib: 1024, iterations: 1, parallelism: 1 };
const OPTIONS = { hashing: FAST, log: pino({ enabled: false }), clock: systemClock };

const FIXTURE_USERS = [
  { username: 'Alice', password: 'correct horse battery', name: 'Alice Example', email: 'alice@example.org' },
  { username: 'bob.smith', password: 'Tr0ub4dor&3', name: 'Bob Smith', email: 'bob@example.org' },
];

async function addUser(storage: Storage, user: (typeof FIXTURE_USERS)[number]): Promise<void> {
  const now = Date.UTC(2026, 0, 1);
  await storage.users.create({
    id: randomId(),
    username: user.username,
    email: user.email,
    emailVerified: true,
    name: user.name,
    givenName: null,
    familyName: null,
    passwordHash: await hashPassword(user.password, FAST),
    createdAt: now,
    updatedAt: now,
  });
}

runIdentityConformance('builtin (memory storage)', async () => {
  const storage = createMemoryStorage();
  for (const user of FIXTURE_USERS) await addUser(storage, user);
  const backend = createBuiltinBackend(storage.users, OPTIONS);
  return {
    backend,
    users: FIXTURE_USERS,
    async close() {
      await backend.close();
      await storage.close();
    },
  };
});

describe('builtin backend', () => {
  it('hands out the built-in subject namespace', () => {
    const storage = createMemoryStorage();
    assert.equal(createBuiltinBackend(storage.users, OPTIONS).subjectNamespace, 'identifier-builtin');
  });

  it('maps every profile field and never exposes the password hash', async () => {
    const storage = createMemoryStorage();
    const record: UserRecord = {
      id: randomId(),
      username: 'carol',
      email: 'carol@example.org',
      emailVerified: false,
      name: 'Carol Q. Example',
      givenName: 'Carol',
      familyName: 'Example',
      passwordHash: await hashPassword('carol-password', FAST),
      createdAt: 1,
      updatedAt: 1,
    };
    await storage.users.create(record);
    const identity = await createBuiltinBackend(storage.users, OPTIONS).authenticate(
      'carol',
      'carol-password',
    );
    assert.deepEqual(identity, {
      id: record.id,
      username: 'carol',
      name: 'Carol Q. Example',
      givenName: 'Carol',
      familyName: 'Example',
      email: 'carol@example.org',
      emailVerified: false,
      phoneNumber: null,
      phoneNumberVerified: false,
      address: null,
    });
  });

  it('hands out the stored phone number and postal address, the number never verified', async () => {
    const storage = createMemoryStorage();
    const address = { formatted: '5 Elm St\nSpringfield', locality: 'Springfield', country: 'US' };
    const record: UserRecord = {
      id: randomId(),
      username: 'dave',
      email: null,
      emailVerified: false,
      name: 'Dave',
      givenName: null,
      familyName: null,
      passwordHash: await hashPassword('dave-password', FAST),
      createdAt: 1,
      updatedAt: 1,
      phoneNumber: '+1 555 0100',
      address,
    };
    await storage.users.create(record);
    const backend = createBuiltinBackend(storage.users, OPTIONS);
    const identity = await backend.authenticate('dave', 'dave-password');
    assert.equal(identity?.phoneNumber, '+1 555 0100');
    assert.equal(identity?.phoneNumberVerified, false);
    assert.deepEqual(identity?.address, address);
    assert.deepEqual(await backend.getUser(record.id), identity);
  });

  it('reports a storage outage as IdentityUnavailableError', async () => {
    const down = (): Promise<never> => Promise.reject(new StorageError('unavailable', 'database is down'));
    const users = { getByUsername: down, getById: down } as unknown as UserStore;
    const backend = createBuiltinBackend(users, OPTIONS);
    await assert.rejects(backend.authenticate('alice', 'password'), IdentityUnavailableError);
    await assert.rejects(backend.getUser('some-id'), IdentityUnavailableError);
  });

  it('does not look anyone up for an empty password', async () => {
    let lookups = 0;
    const users = {
      getByUsername: () => {
        lookups += 1;
        return Promise.resolve(null);
      },
    } as unknown as UserStore;
    assert.equal(await createBuiltinBackend(users, OPTIONS).authenticate('alice', ''), null);
    assert.equal(lookups, 0);
  });
});
