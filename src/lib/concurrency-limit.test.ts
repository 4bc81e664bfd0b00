import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConcurrencyLimit } from './concurrency-limit.js';

/** A task the test finishes by hand. */
function gate() {
  let open = (): void => undefined;
  let fail = (_: Error): void => undefined;
  const done = new Promise<void>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  return { done, open, fail };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('ConcurrencyLimit', () => {
  it('runs at most max tasks at once and starts the others in the order they came', async () => {
    const limit = new ConcurrencyLimit(2);
    const gates = [gate(), gate(), gate(), gate()];
    const started: number[] = [];
    const runs = gates.map((g, i) =>
      limit.run(async () => {
        started.push(i);
        await g.done;
        return i;
      }),
    );
    await tick();
    assert.deepEqual(started, [0, 1]);
    assert.deepEqual([limit.running, limit.waiting], [2, 2]);

    gates[1]!.open();
    await tick();
    assert.deepEqual(started, [0, 1, 2]);
    // A task arriving now waits behind the one already waiting.
    const late = gate();
    const lateRun = limit.run(async () => {
      started.push(4);
      await late.done;
    });
    gates[0]!.open();
    await tick();
    assert.deepEqual(started, [0, 1, 2, 3]);
    gates[2]!.open();
    gates[3]!.open();
    late.open();
    assert.deepEqual(await Promise.all(runs), [0, 1, 2, 3]);
    await lateRun;
    assert.deepEqual(started, [0, 1, 2, 3, 4]);
    assert.deepEqual([limit.running, limit.waiting], [0, 0]);
  });

  it('gives the place of a task that failed to the next one, and rejects as the task did', async () => {
    const limit = new ConcurrencyLimit(1);
    const first = gate();
    const failed = limit.run(() => first.done);
    const next = limit.run(() => Promise.resolve('next'));
    first.fail(new Error('boom'));
    await assert.rejects(failed, /boom/);
    assert.equal(await next, 'next');
    assert.equal(limit.running, 0);
  });

  it('keeps its queue bounded by what waits, even when the queue never empties', async () => {
    const limit = new ConcurrencyLimit(1);
    // Twenty thousand tasks pass through while about a hundred always wait.
    const running: Promise<void>[] = [];
    for (let i = 0; i < 100; i++)
      running.push(limit.run(() => new Promise((resolve) => setImmediate(resolve))));
    let largest = 0;
    for (let i = 0; i < 20_000; i++) {
      await running.shift();
      running.push(limit.run(() => new Promise((resolve) => setImmediate(resolve))));
      largest = Math.max(largest, limit.queueCapacity);
    }
    await Promise.all(running);
    assert.ok(largest < 2 * 1024 + 200, `the queue's array grew to ${largest} slots`);
    assert.deepEqual([limit.running, limit.waiting], [0, 0]);
  });

  it('refuses a max that is not a positive integer', () => {
    for (const max of [0, -1, 1.5, Number.NaN]) assert.throws(() => new ConcurrencyLimit(max), TypeError);
  });
});
