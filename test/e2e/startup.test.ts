// What an operator sees when Sesame cannot start: a clear message and an exit, never a hang.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, sesameCli } from '../helpers/sesame-process.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sesame-startup-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('starting sesame', () => {
  it('refuses a bad config file, naming every problem with file:line:column', async () => {
    const file = join(dir, 'bad.yaml');
    await writeFile(file, 'issuer: http://id.example.com\nsigning:\n  alg: HS256\nlifetime: 5\n');
    const result = await sesameCli(['serve', '--config', file]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /bad\.yaml:1:\d+: issuer: .*https/);
    assert.match(result.stderr, /bad\.yaml:3:\d+: signing\.alg/);
    assert.match(result.stderr, /bad\.yaml:4:\d+: .*lifetime/);
  });

  it('exits with an error when its port is taken instead of hanging', async () => {
    const port = await freePort();
    const blocker: Server = createServer();
    await new Promise<void>((done) => blocker.listen(port, '127.0.0.1', done));
    try {
      const file = join(dir, 'busy.yaml');
      await writeFile(
        file,
        `issuer: http://127.0.0.1:${port}\nlisten: 127.0.0.1:${port}\ndata_dir: ./data\ndemo: false\n`,
      );
      const started = Date.now();
      const result = await sesameCli(['serve', '--config', file]);
      assert.equal(result.code, 1);
      assert.match(result.stderr, /EADDRINUSE|address already in use/i);
      assert.ok(Date.now() - started < 30_000);
    } finally {
      blocker.close();
    }
  });
});
