import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import type { PasswordHashing } from '../../config/types.js';
import { ManualClock } from '../../lib/clock.js';
import { createMemoryStorage } from '../../storage/memory/memory-storage.js';
import { StorageError, type UserStore } from '../../storage/types.js';
import { createBuiltinBackend } from './builtin-backend.js';
import { hashPassword } from './passwords.js';

/** Far below OWASP's, so that the tests hash quickly: the configured parameters. */
const CONFIGURED: PasswordHashing = { memoryKib: 1024, iterations: 1, parallelism: 1 };
/** What older hashes were made with. */
const EARLIER: PasswordHashing = { memoryKib: 2048, iterations: 1, parallelism: 1 };
const PASSWORD = 'correct horse battery';
const CONFIGURED_PREFIX = /^\$argon2id\$v=19\$m=1024,t=1,p=1\$/;

interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly [field: string]: unknown;
}

/** A backend over memory storage holding `erin` with `passwordHash`; `users` may wrap the store. */
async function setUp(passwordHash: string, wrap: (users: UserStore) => UserStore = (users) => users) {
  const storage = createMemoryStorage();
  const clock = new ManualClock();
  await storage.users.create({
    id: 'user-erin',
    username: 'erin',
    email: null,
    emailVerified: false,
    name: 'Erin',
    givenName: null,
    familyName: null,
    passwordHash,
    createdAt: clock.now(),
    updatedAt: clock.now(),
  });
  clock.advance(60_000);
  const lines: LogLine[] = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => lines.push(JSON.parse(line) as LogLine) });
  const backend = createBuiltinBackend(wrap(storage.users), { hashing: CONFIGURED, log, clock });
  const stored = async () => (await storage.users.getById('user-erin')) ?? assert.fail('erin is gone');
  return { storage, clock, lines, backend, stored };
}

/** Wraps the store so that `replacePasswordHash` runs `replace`, given the store wrapped. */
function withReplace(
  replace: (users: UserStore, ...args: Parameters<UserStore['replacePasswordHash']>) => Promise<boolean>,
): (users: UserStore) => UserStore {
  return (users) => ({ ...users, replacePasswordHash: (...args) => replace(users, ...args) });
}

describe('the builtin backend and the configured argon2id parameters', () => {
  it('checks unknown usernames against a hash made once with the configured parameters', async () => {
    const { backend, lines } = await setUp(await hashPassword(PASSWORD, CONFIGURED));
    assert.equal(await backend.authenticate('nobody', PASSWORD), null);
    assert.equal(await backend.authenticate('nobody-else', 'another password'), null);
    const made = lines.filter((line) => line.msg.includes('unknown usernames'));
    assert.equal(made.length, 1, 'made once');
    assert.equal(made[0]?.parameters, 'm=1024,t=1,p=1');
  });

  it('makes that hash once for unknown usernames arriving together, and refuses them all', async () => {
    const { backend, lines } = await setUp(await hashPassword(PASSWORD, CONFIGURED));
    const answers = await Promise.all(
      ['a', 'b', 'c', 'd'].map((name) => backend.authenticate(name, PASSWORD)),
    );
    assert.deepEqual(answers, [null, null, null, null]);
    assert.equal(lines.filter((line) => line.msg.includes('unknown usernames')).length, 1);
  });

  it('refuses an unknown username when that hash cannot be made, and tries again next time', async () => {
    const storage = createMemoryStorage();
    const lines: LogLine[] = [];
    const log = pino(
      { level: 'debug' },
      { write: (line: string) => lines.push(JSON.parse(line) as LogLine) },
    );
    // argon2 refuses less than 8 KiB per lane: the configuration's bounds rule this out.
    const broken: PasswordHashing = { memoryKib: 1, iterations: 1, parallelism: 1 };
    const backend = createBuiltinBackend(storage.users, { hashing: broken, log, clock: new ManualClock() });
    assert.equal(await backend.authenticate('nobody', PASSWORD), null);
    assert.equal(await backend.authenticate('nobody', PASSWORD), null);
    assert.equal(
      lines.filter((line) => line.level === 40 && line.msg.includes('unknown usernames')).length,
      2,
    );
  });

  it('rehashes the password of a user hashed with other parameters, who then signs in with it again', async () => {
    const earlier = await hashPassword(PASSWORD, EARLIER);
    const { backend, lines, clock, stored } = await setUp(earlier);
    assert.equal((await backend.authenticate('erin', PASSWORD))?.id, 'user-erin');
    const rehashed = await stored();
    assert.match(rehashed.passwordHash, CONFIGURED_PREFIX);
    assert.equal(rehashed.updatedAt, clock.now());

    assert.equal((await backend.authenticate('ERIN', PASSWORD))?.id, 'user-erin');
    assert.equal((await stored()).passwordHash, rehashed.passwordHash, 'rehashed once only');
    assert.equal(await backend.authenticate('erin', `${PASSWORD}!`), null);

    const infos = lines.filter((line) => line.level === 30);
    assert.equal(infos.length, 1);
    assert.equal(infos[0]?.userId, 'user-erin');
    assert.equal(infos[0]?.from, 'm=2048,t=1,p=1');
    assert.equal(infos[0]?.to, 'm=1024,t=1,p=1');
    const logged = JSON.stringify(lines);
    for (const secret of [PASSWORD, earlier, rehashed.passwordHash]) assert.ok(!logged.includes(secret));
  });

  it('rehashes a password stored with another argon2 variant as argon2id', async () => {
    const { hash } = await import('@node-rs/argon2');
    const argon2i = await hash(PASSWORD, { algorithm: 1, memoryCost: 1024, timeCost: 1, parallelism: 1 });
    assert.match(argon2i, /^\$argon2i\$/);
    const { backend, lines, stored } = await setUp(argon2i);
    assert.equal((await backend.authenticate('erin', PASSWORD))?.id, 'user-erin');
    assert.match((await stored()).passwordHash, CONFIGURED_PREFIX);
    assert.equal(lines.find((line) => line.level === 30)?.from, 'not argon2id v=19');
  });

  it('leaves a hash made with the configured parameters as it is', async () => {
    let replaced = 0;
    const current = await hashPassword(PASSWORD, CONFIGURED);
    const { backend, stored } = await setUp(
      current,
      withReplace((users, ...args) => {
        replaced += 1;
        return users.replacePasswordHash(...args);
      }),
    );
    assert.equal((await backend.authenticate('erin', PASSWORD))?.id, 'user-erin');
    assert.equal(replaced, 0);
    assert.equal((await stored()).passwordHash, current);
  });

  it('never rehashes on a wrong password', async () => {
    let replaced = 0;
    const earlier = await hashPassword(PASSWORD, EARLIER);
    const { backend, stored, lines } = await setUp(
      earlier,
      withReplace((users, ...args) => {
        replaced += 1;
        return users.replacePasswordHash(...args);
      }),
    );
    assert.equal(await backend.authenticate('erin', 'a wrong password'), null);
    assert.equal(replaced, 0);
    assert.equal((await stored()).passwordHash, earlier);
    assert.equal(lines.filter((line) => line.level >= 30).length, 0);
  });

  it('keeps a password changed while the sign-in was being checked', async () => {
    const earlier = await hashPassword(PASSWORD, EARLIER);
    const changed = await hashPassword('a newer password', EARLIER);
    const { backend, stored, lines } = await setUp(
      earlier,
      withReplace(async (users, id, expectedHash, newHash, now) => {
        // The owner changes the password between the check and the rehash.
        await users.update(id, { passwordHash: changed }, now);
        return users.replacePasswordHash(id, expectedHash, newHash, now);
      }),
    );
    assert.equal((await backend.authenticate('erin', PASSWORD))?.id, 'user-erin');
    assert.equal((await stored()).passwordHash, changed);
    assert.equal(lines.filter((line) => line.level === 30).length, 0, 'no rehash to report');
  });

  it('signs the user in when the new hash cannot be stored, and logs a warning', async () => {
    const earlier = await hashPassword(PASSWORD, EARLIER);
    const { backend, stored, lines } = await setUp(
      earlier,
      withReplace(() => Promise.reject(new StorageError('unavailable', 'database is down'))),
    );
    assert.equal((await backend.authenticate('erin', PASSWORD))?.id, 'user-erin');
    assert.equal((await stored()).passwordHash, earlier);
    const warnings = lines.filter((line) => line.level === 40);
    assert.equal(warnings.length, 1);
    assert.equal(warnings[0]?.userId, 'user-erin');
    assert.ok(!JSON.stringify(lines).includes(PASSWORD));
  });
});
