import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { deliveryPolicy, nextAttemptAt } from './delivery-policy.js';

const T0 = Date.UTC(2026, 0, 1);
const DAY = 24 * 3600 * 1000;

describe('the retry schedule of back-channel logout deliveries', () => {
  it('waits 2 s after the first failure, then twice as long each time', () => {
    const waits = [1, 2, 3, 4, 5].map((failed) => (nextAttemptAt(failed, T0, T0 + DAY) ?? NaN) - T0);
    assert.deepEqual(waits, [2_000, 4_000, 8_000, 16_000, 32_000]);
  });

  it('never waits more than an hour between attempts', () => {
    assert.equal(nextAttemptAt(12, T0, T0 + DAY), T0 + 3_600_000);
    assert.equal(nextAttemptAt(29, T0, T0 + DAY), T0 + 3_600_000);
  });

  it(`gives up after ${deliveryPolicy.maxAttempts} failed attempts`, () => {
    assert.equal(nextAttemptAt(deliveryPolicy.maxAttempts, T0, T0 + DAY), null);
  });

  it('gives up when the next attempt would come after the delivery expires', () => {
    assert.equal(nextAttemptAt(3, T0, T0 + 8_000), null, 'due exactly at the expiry');
    assert.equal(nextAttemptAt(3, T0, T0 + 8_001), T0 + 8_000);
  });

  it('keeps retrying for most of a day before the attempts run out', () => {
    let now = T0;
    let failed = 1;
    for (let next = nextAttemptAt(failed, now, T0 + DAY); next !== null; failed++) {
      now = next;
      next = nextAttemptAt(failed + 1, now, T0 + DAY);
    }
    assert.equal(failed, deliveryPolicy.maxAttempts);
    assert.ok(now - T0 > 12 * 3600 * 1000, `the last attempt is ${(now - T0) / 3600_000} h after the first`);
  });

  it('refuses a count that is not a positive integer', () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      assert.throws(() => nextAttemptAt(bad, T0, T0 + DAY), TypeError);
    }
  });
});
