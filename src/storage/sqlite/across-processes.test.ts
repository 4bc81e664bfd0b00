import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { aDelivery, aPushedRequest } from '../conformance/fixtures.js';
import { createSqliteStorage } from './sqlite-storage.js';

const tsx = import.meta.resolve('tsx');
const worker = fileURLToPath(new URL('./test-race-worker.ts', import.meta.url));
const WORKERS = 3;
const N = 150;

interface Winnings {
  readonly claimed: string[];
  readonly used: string[];
  readonly taken: string[];
}

/**
 * Starts `WORKERS` processes on `path`, lets them go at once when all have opened the database,
 * and returns what each won.
 */
async function race(path: string): Promise<Winnings[]> {
  const children = Array.from({ length: WORKERS }, () =>
    spawn(process.execPath, ['--import', tsx, worker, path, String(N)], {
      stdio: ['pipe', 'pipe', 'inherit'],
    }),
  );
  const lines = children.map((child) => createInterface({ input: child.stdout })[Symbol.asyncIterator]());
  const nextLine = async (i: number): Promise<string> => {
    const line = await lines[i]?.next();
    if (line === undefined || line.done === true) throw new Error(`worker ${i} ended early`);
    return line.value;
  };
  try {
    const ready = await Promise.all(children.map((_, i) => nextLine(i)));
    assert.deepEqual(ready, Array(WORKERS).fill('ready'));
    for (const child of children) child.stdin.write('go\n');
    return (await Promise.all(children.map((_, i) => nextLine(i)))).map(
      (line) => JSON.parse(line) as Winnings,
    );
  } finally {
    for (const child of children) child.kill();
  }
}

describe('SQLite storage shared by several processes', () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'sesame-race-'));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('hands every delivery, once-key and pushed request to exactly one process', async () => {
    const path = join(dir, 'sesame.db');
    const storage = await createSqliteStorage(path);
    try {
      for (let i = 0; i < N; i++) {
        await storage.backchannelDeliveries.enqueue(aDelivery({ id: `d-${i}` }));
        await storage.pushedRequests.create(aPushedRequest({ requestUriHash: `h-${i}` }));
      }
    } finally {
      await storage.close();
    }

    const winnings = await race(path);

    const exactlyOnce = (won: string[][], prefix: string): void => {
      const all = won.flat();
      assert.equal(new Set(all).size, all.length, `no ${prefix} won twice`);
      assert.deepEqual(
        all.sort(),
        Array.from({ length: N }, (_, i) => `${prefix}-${i}`).sort(),
        `every ${prefix} won`,
      );
    };
    exactlyOnce(
      winnings.map((w) => w.claimed),
      'd',
    );
    exactlyOnce(
      winnings.map((w) => w.used),
      'k',
    );
    exactlyOnce(
      winnings.map((w) => w.taken),
      'h',
    );
    // The race is only a race if more than one process won something.
    assert.ok(winnings.filter((w) => w.claimed.length + w.used.length + w.taken.length > 0).length > 1);
  });
});
