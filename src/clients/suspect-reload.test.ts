import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { suspectLoss } from './suspect-reload.js';

const ids = (n: number, prefix = 'c'): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe('suspectLoss', () => {
  it('holds back a file that would leave no clients, however few there were', () => {
    assert.deepEqual(suspectLoss(['a'], []), { removed: ['a'], before: 1, after: 0 });
    assert.deepEqual(suspectLoss(ids(5), [])?.removed, ids(5));
  });

  it('holds back a file that removes more than half of the clients, and at least 3', () => {
    assert.deepEqual(suspectLoss(ids(5), ['c0']), { removed: ['c1', 'c2', 'c3', 'c4'], before: 5, after: 1 });
    assert.deepEqual(suspectLoss(ids(5), ['c0', 'c1'])?.removed, ['c2', 'c3', 'c4']);
    assert.ok(suspectLoss(ids(4), ids(4, 'new')), 'renaming every client counts as removing them');
  });

  it('lets ordinary edits through', () => {
    assert.equal(suspectLoss(ids(5), ['c0', 'c1', 'c2']), null, '2 of 5 removed');
    assert.equal(suspectLoss(ids(6), ['c0', 'c1', 'c2']), null, 'exactly half');
    assert.equal(suspectLoss(ids(2), ['c0']), null, 'fewer than 3 removed');
    assert.equal(suspectLoss(ids(3), [...ids(3), 'extra']), null, 'a client added');
    assert.equal(suspectLoss([], []), null, 'nothing before');
    assert.equal(suspectLoss([], ['c0']), null, 'first clients');
  });
});
