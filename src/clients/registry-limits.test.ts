// Item 3 of issue 7: a huge or deeply aliased registration file must not stall the server.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { RegistrationFileError } from './registration-error.js';
import { captureLog, clientsYaml, level, openRegistry } from './test-registry.js';

const MiB = 1024 * 1024;

/** The densest registration that fits in `bytes`: about 10,000 clients per MiB. */
function denseRegistration(bytes: number): { text: string; clients: number } {
  const entries = ['clients:\n'];
  let size = entries[0]!.length;
  for (;;) {
    const id = `c${entries.length - 1}`;
    const entry = `  - id: ${id}\n    redirect_uris: [https://${id}.example/cb]\n`;
    if (size + entry.length > bytes) return { text: entries.join(''), clients: entries.length - 1 };
    entries.push(entry);
    size += entry.length;
  }
}

describe('registration file limits (limits.registration_file_bytes, YAML aliases)', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sesame-registry-limits-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses to start on a file above the limit, naming its size and the setting that raises it', async () => {
    const file = join(dir, 'over.yaml');
    await writeFile(file, clientsYaml('a') + `# ${'x'.repeat(2000)}\n`);
    const { log } = captureLog();
    await assert.rejects(openRegistry(file, log, { maxFileBytes: 1024 }), (e: unknown) => {
      assert.ok(e instanceof RegistrationFileError);
      assert.match(
        e.message,
        /over\.yaml: the registration file is \d{4} bytes, more than the 1024 bytes accepted; raise limits\.registration_file_bytes/,
      );
      return true;
    });
  });

  it('refuses a 16 MB file by its size at once, and keeps the last good clients on reload', async () => {
    const file = join(dir, 'huge.yaml');
    await writeFile(file, clientsYaml('kept'));
    const { log, lines } = captureLog();
    const registry = await openRegistry(file, log);
    await writeFile(file, denseRegistration(16_000_000).text.padEnd(16_000_000, '\n'));

    const started = performance.now();
    assert.equal(await registry.reload(), false);
    const elapsed = performance.now() - started;
    assert.ok(elapsed < 1000, `refused in ${Math.round(elapsed)} ms`);
    assert.deepEqual(
      registry.all().map((c) => c.id),
      ['kept'],
    );
    const error = lines.find((l) => l.level === level.error);
    assert.match(
      error?.msg ?? '',
      /not reloaded, keeping the last good clients: .*huge\.yaml: the registration file is 16000000 bytes, more than the 1048576 bytes accepted; raise limits\.registration_file_bytes/,
    );
    await assert.rejects(openRegistry(file, log), /is 16000000 bytes/);
  });

  it('loads the largest file accepted (1 MiB, ~10,000 clients) while the event loop keeps turning', async () => {
    const file = join(dir, 'largest.yaml');
    const { text, clients } = denseRegistration(MiB);
    await writeFile(file, text);
    const { log } = captureLog();
    const busy = performance.eventLoopUtilization();
    const registry = await openRegistry(file, log);
    const { utilization, active, idle } = performance.eventLoopUtilization(busy);
    assert.equal(registry.all().length, clients);
    // Parsed in place, this holds the event loop for a second or more here (utilization ≈ 1);
    // parsed in a worker, the main thread only reads the file and receives the result.
    assert.ok(
      utilization < 0.5,
      `event loop busy ${Math.round(active)} of ${Math.round(active + idle)} ms while loading`,
    );
  });

  it('reloads a small file that is slow to parse (32 KB of nested [) without holding up the event loop', async () => {
    const file = join(dir, 'nested.yaml');
    await writeFile(file, clientsYaml('kept'));
    const { log, lines } = captureLog();
    const registry = await openRegistry(file, log);
    await writeFile(file, '['.repeat(32 * 1024 - 1));
    const busy = performance.eventLoopUtilization();
    assert.equal(await registry.reload(), false);
    const { utilization, active, idle } = performance.eventLoopUtilization(busy);
    assert.deepEqual(
      registry.all().map((c) => c.id),
      ['kept'],
    );
    assert.match(lines.find((l) => l.level === level.error)?.msg ?? '', /nested\.yaml:1:\d+: /);
    // Parsed in place, this text holds the event loop 300–700 ms here (utilization ≈ 1, and a
    // few such parses in one process can abort it in V8's regexp compiler); in a worker the
    // main thread only reads the file and starts the worker.
    assert.ok(
      utilization < 0.5,
      `event loop busy ${Math.round(active)} of ${Math.round(active + idle)} ms while reloading`,
    );
  });

  it('refuses a file within the limit whose parse would need hundreds of MB, and goes on serving', async () => {
    const file = join(dir, 'scalars.yaml');
    await writeFile(file, clientsYaml('kept'));
    const { log, lines } = captureLog();
    const registry = await openRegistry(file, log);
    // Half a million one-character values: within 1 MiB, but about 450 MB of parsed nodes.
    await writeFile(file, `values: [${'1,'.repeat(520_000)}]\n${clientsYaml('new')}`);
    assert.equal(await registry.reload(), false);
    assert.deepEqual(
      registry.all().map((c) => c.id),
      ['kept'],
    );
    assert.match(
      lines.find((l) => l.level === level.error)?.msg ?? '',
      /scalars\.yaml: parsing the registration file needed more than 256 MB of memory; it is refused/,
    );
  });

  it('refuses a billion-laughs file without expanding it', async () => {
    const file = join(dir, 'laughs.yaml');
    let text = 'lol: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n';
    for (let n = 1; n <= 9; n++)
      text += `l${n}: &l${n} [${Array(9)
        .fill(`*l${n - 1}`)
        .join(', ')}]\n`;
    await writeFile(file, text + clientsYaml('a'));
    const { log } = captureLog();
    const started = performance.now();
    await assert.rejects(
      openRegistry(file, log),
      /laughs\.yaml:2:\d+: YAML aliases expand this file too far/,
    );
    assert.ok(performance.now() - started < 1000);
  });
});
