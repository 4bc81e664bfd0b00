// SESAME_CONFIG names the configuration file when there is no --config (issue 7, review of
// items 3, 9, 10): set, with no ./sesame.yaml where Sesame starts, it used to start a demo.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, sesameCli } from '../helpers/sesame-process.js';
import { serveIn } from '../helpers/serve-process.js';

let root: string;
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'sesame-config-env-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('SESAME_CONFIG', () => {
  it('is the configuration sesame serve loads without --config: no demo, and the log names the file', async () => {
    const etc = join(root, 'etc');
    const workDir = join(root, 'elsewhere');
    await mkdir(etc);
    await mkdir(workDir);
    const port = await freePort();
    const issuer = `http://127.0.0.1:${port}`;
    const configFile = join(etc, 'sesame.yaml');
    await writeFile(configFile, `issuer: ${issuer}\nlisten: 127.0.0.1:${port}\ndata_dir: ./state\n`);
    const run = await serveIn(workDir, { issuer, env: { SESAME_CONFIG: configFile } });
    try {
      assert.ok(run.ready, `it started at the issuer of the file SESAME_CONFIG names:\n${run.stderr()}`);
      assert.ok(await run.waitFor('ready to handle requests'));
      assert.match(run.stderr(), /loaded configuration file named by SESAME_CONFIG/);
      assert.ok(run.stderr().includes(configFile), 'the log names the file');
      assert.doesNotMatch(run.stdout(), /Demo user/);
    } finally {
      await run.stop();
    }
    assert.equal(existsSync(join(etc, 'state', 'secret.key')), true, 'data_dir is relative to the file');
    assert.equal(existsSync(join(etc, 'state', 'demo-credentials.json')), false);
    assert.equal(existsSync(join(workDir, 'data')), false, 'nothing was written where it started');

    const users = await sesameCli(['user', 'list', '--json'], '', workDir, { SESAME_CONFIG: configFile });
    assert.equal(users.code, 0, users.stderr);
    assert.ok(existsSync(join(etc, 'state', 'sesame.db')), 'user commands use the same database');
  });

  it('naming a missing file, stops sesame serve rather than start without it', async () => {
    const workDir = await mkdtemp(join(root, 'missing-'));
    const port = await freePort();
    const missing = join(root, 'nowhere', 'sesame.yaml');
    const run = await serveIn(workDir, {
      issuer: `http://127.0.0.1:${port}`,
      env: { SESAME_CONFIG: missing },
    });
    try {
      assert.equal(run.ready, false);
      assert.match(
        run.stderr(),
        new RegExp(`${missing.replaceAll('/', '\\/')}: cannot read the config file \\(ENOENT\\)`),
      );
      assert.doesNotMatch(run.stdout(), /Demo user/);
    } finally {
      await run.stop();
    }
  });
});
