// One of several processes racing over one SQLite file, for across-processes.test.ts. Opens the
// storage at argv[2], prints "ready", waits for a line on stdin, then claims every due delivery
// it can, uses the once-keys k-0…k-{n-1} and takes the pushed requests h-0…h-{n-1} (n = argv[3]),
// and prints as JSON what it won: the deliveries it claimed, the keys it used, the requests it took.
import { createInterface } from 'node:readline';
import { T0 } from '../conformance/fixtures.js';
import { createSqliteStorage } from './sqlite-storage.js';

const [path, count] = process.argv.slice(2);
if (path === undefined || count === undefined) throw new Error('usage: test-race-worker <path> <n>');
const n = Number(count);
const storage = await createSqliteStorage(path);
process.stdout.write('ready\n');
await new Promise<void>((resolve) => createInterface({ input: process.stdin }).once('line', () => resolve()));

const claimed: string[] = [];
for (;;) {
  const batch = await storage.backchannelDeliveries.claimDue(T0, 3, 60 * 60_000);
  if (batch.length === 0) break;
  claimed.push(...batch.map((d) => d.id));
}
const used: string[] = [];
for (let i = 0; i < n; i++) if (await storage.once.use(`k-${i}`, T0 + 60_000, T0)) used.push(`k-${i}`);
const taken: string[] = [];
for (let i = 0; i < n; i++)
  if ((await storage.pushedRequests.take(`h-${i}`, 'client-1', T0)) !== null) taken.push(`h-${i}`);

await storage.close();
process.stdout.write(`${JSON.stringify({ claimed, used, taken })}\n`);
