import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../../lib/clock.js';
import { subjectForUser } from '../grant-subject.js';
import type { Deps } from '../types.js';
import { ALICE } from '../token/test-fixture.js';
import { UserCache, type CachedUser } from './user-cache.js';

const deps = { identity: { subjectNamespace: 'identifier-test' } } as Deps;

function user(id: string, name = 'Alice'): CachedUser {
  return { subject: subjectForUser({ ...ALICE, id, name }, deps), publicSub: `pub-${id}` };
}

/** A directory read that counts how often it was asked. */
function reader(answer: () => CachedUser | null | Error) {
  const counted = { reads: 0 };
  const read = async (): Promise<CachedUser | null> => {
    counted.reads++;
    const result = answer();
    if (result instanceof Error) throw result;
    return result;
  };
  return { counted, read };
}

describe('the user cache of userinfo', () => {
  it('serves a user read within the TTL without asking the directory again', async () => {
    const clock = new ManualClock();
    const cache = new UserCache({ clock, ttlMs: 2000 });
    const { counted, read } = reader(() => user('u1'));
    await cache.get('u1', read);
    clock.advance(1999);
    assert.equal((await cache.get('u1', read))?.publicSub, 'pub-u1');
    assert.equal(counted.reads, 1);
  });

  it('shows a change in the directory once the TTL has passed', async () => {
    const clock = new ManualClock();
    const cache = new UserCache({ clock, ttlMs: 2000 });
    let name = 'Alice';
    const { counted, read } = reader(() => user('u1', name));
    await cache.get('u1', read);
    name = 'Alice Liddell';
    assert.equal((await cache.get('u1', read))?.subject.identity.name, 'Alice');
    clock.advance(2000);
    assert.equal((await cache.get('u1', read))?.subject.identity.name, 'Alice Liddell');
    assert.equal(counted.reads, 2);
  });

  it('refuses a removed user once the TTL has passed', async () => {
    const clock = new ManualClock();
    const cache = new UserCache({ clock, ttlMs: 2000 });
    let present = true;
    const { read } = reader(() => (present ? user('u1') : null));
    await cache.get('u1', read);
    present = false;
    clock.advance(2000);
    assert.equal(await cache.get('u1', read), null);
  });

  it('keeps neither a missing user nor a failed read', async () => {
    const clock = new ManualClock();
    const cache = new UserCache({ clock });
    const missing = reader(() => null);
    assert.equal(await cache.get('gone', missing.read), null);
    assert.equal(await cache.get('gone', missing.read), null);
    assert.equal(missing.counted.reads, 2);
    const down = reader(() => new Error('directory offline'));
    await assert.rejects(cache.get('u1', down.read), /directory offline/);
    await assert.rejects(cache.get('u1', down.read), /directory offline/);
    assert.equal(down.counted.reads, 2);
    assert.equal(cache.size, 0);
  });

  it('reads a user once for concurrent requests', async () => {
    const cache = new UserCache({ clock: new ManualClock() });
    const { counted, read } = reader(() => user('u1'));
    const answers = await Promise.all([cache.get('u1', read), cache.get('u1', read), cache.get('u1', read)]);
    assert.deepEqual(
      answers.map((a) => a?.publicSub),
      ['pub-u1', 'pub-u1', 'pub-u1'],
    );
    assert.equal(counted.reads, 1);
  });

  it('keeps at most maxEntries users, dropping the oldest read first', async () => {
    const cache = new UserCache({ clock: new ManualClock(), maxEntries: 2 });
    const reads: string[] = [];
    const readOf = (id: string) => async () => {
      reads.push(id);
      return user(id);
    };
    for (const id of ['u1', 'u2', 'u3']) await cache.get(id, readOf(id));
    assert.equal(cache.size, 2);
    await cache.get('u3', readOf('u3'));
    await cache.get('u2', readOf('u2'));
    await cache.get('u1', readOf('u1'));
    assert.deepEqual(reads, ['u1', 'u2', 'u3', 'u1']);
    assert.equal(cache.size, 2);
  });

  it('reads again after forget', async () => {
    const cache = new UserCache({ clock: new ManualClock() });
    const { counted, read } = reader(() => user('u1'));
    await cache.get('u1', read);
    cache.forget('u1');
    await cache.get('u1', read);
    assert.equal(counted.reads, 2);
  });

  it('keeps nothing with a TTL of 0', async () => {
    const cache = new UserCache({ clock: new ManualClock(), ttlMs: 0 });
    const { counted, read } = reader(() => user('u1'));
    await cache.get('u1', read);
    await cache.get('u1', read);
    assert.equal(counted.reads, 2);
    assert.equal(cache.size, 0);
  });

  it('refuses a bound that is not one', () => {
    assert.throws(() => new UserCache({ clock: new ManualClock(), maxEntries: 0 }), TypeError);
    assert.throws(() => new UserCache({ clock: new ManualClock(), ttlMs: Number.NaN }), TypeError);
  });
});
