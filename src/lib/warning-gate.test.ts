import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WarningGate } from './warning-gate.js';

describe('WarningGate', () => {
  it('allows a key once per interval, each key on its own', () => {
    const gate = new WarningGate(60_000);
    assert.equal(gate.allows('a', 0), true);
    assert.equal(gate.allows('a', 59_999), false);
    assert.equal(gate.allows('b', 59_999), true);
    assert.equal(gate.allows('a', 60_000), true);
  });

  it('remembers a bounded number of keys, forgetting those whose interval has passed', () => {
    const gate = new WarningGate(1000, 2);
    assert.equal(gate.allows('a', 0), true);
    assert.equal(gate.allows('b', 0), true);
    assert.equal(gate.allows('c', 500), false, 'full within the interval');
    assert.equal(gate.allows('c', 1000), true, 'a and b aged out');
  });
});
