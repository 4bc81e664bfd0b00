import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { ManualClock } from '../../lib/clock.js';
import type { ThrottleTripLimit } from '../../metrics/metrics.js';
import { createMemoryStorage } from '../../storage/memory/memory-storage.js';
import { LoginThrottle } from './throttle.js';

describe('LoginThrottle metrics', () => {
  it('counts a trip once per limit and key within the window, not every refusal', async () => {
    const trips: ThrottleTripLimit[] = [];
    const clock = new ManualClock();
    const throttle = new LoginThrottle({
      store: createMemoryStorage().throttle,
      limits: {
        windowSeconds: 900,
        maxFailuresPerAccountAddress: 2,
        maxFailuresPerAccount: 10,
        accountIntervalSeconds: 10,
        maxFailuresPerAddress: 20,
      },
      clock,
      log: pino({ enabled: false }),
      metrics: { throttleTrip: (limit) => void trips.push(limit) },
    });
    const outcomes: boolean[] = [];
    for (let i = 0; i < 5; i++) outcomes.push((await throttle.begin('alice', '192.0.2.1')).blocked);
    assert.deepEqual(outcomes, [false, false, true, true, true]);
    assert.deepEqual(trips, ['account_address']);
    clock.advance(901_000);
    await throttle.begin('alice', '192.0.2.1');
    await throttle.begin('alice', '192.0.2.1');
    assert.equal((await throttle.begin('alice', '192.0.2.1')).blocked, true);
    assert.deepEqual(trips, ['account_address', 'account_address']);
  });
});
