// An operator who types `sesame serve` and forgets `--config` (issue 7, item 9): Sesame uses
// the sesame.yaml in the working directory, and never puts a demo account into a real
// instance's database.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, sesameCli } from '../helpers/sesame-process.js';
import { serveIn } from '../helpers/serve-process.js';

let root: string;
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'sesame-forgotten-config-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

/** `sesame user list --json` run in `cwd`: the usernames. */
async function usernames(cwd: string, args: string[] = []): Promise<string[]> {
  const result = await sesameCli(['user', 'list', '--json', ...args], '', cwd);
  assert.equal(result.code, 0, result.stderr);
  return (JSON.parse(result.stdout) as { username: string }[]).map((u) => u.username);
}

describe('sesame serve without --config', () => {
  it('uses ./sesame.yaml when there is one, says so, and creates no demo user', async () => {
    const dir = await mkdtemp(join(root, 'configured-'));
    const port = await freePort();
    const issuer = `http://127.0.0.1:${port}`;
    await writeFile(
      join(dir, 'clients.yaml'),
      `clients:\n  - id: app\n    secret: app-secret\n    insecure: yes\n    redirect_uris: [${issuer}/cb]\n`,
    );
    await writeFile(
      join(dir, 'sesame.yaml'),
      `issuer: ${issuer}\nlisten: 127.0.0.1:${port}\ndata_dir: ./state\nregistration: ./clients.yaml\n`,
    );
    const run = await serveIn(dir, { issuer });
    try {
      assert.ok(run.ready, `it started at the issuer of sesame.yaml:\n${run.stderr()}`);
      assert.ok(await run.waitFor('ready to handle requests'));
      assert.match(run.stderr(), /loaded configuration file from the working directory/);
      assert.ok(run.stderr().includes(join(dir, 'sesame.yaml')), 'the log names the file');
      assert.doesNotMatch(run.stdout(), /Demo user/);
    } finally {
      await run.stop();
    }
    assert.deepEqual(await usernames(dir, ['--config', 'sesame.yaml']), []);
    assert.equal(existsSync(join(dir, 'state', 'demo-credentials.json')), false);
  });

  it('refuses a demo on a database that holds a real user, says what it found and what to do', async () => {
    const dir = await mkdtemp(join(root, 'real-user-'));
    const added = await sesameCli(
      ['user', 'add', 'alice', '--email', 'alice@example.com', '--name', 'Alice', '--password-stdin'],
      'a long passphrase\n',
      dir,
    );
    assert.equal(added.code, 0, added.stderr);
    const port = await freePort();
    const issuer = `http://127.0.0.1:${port}`;
    const run = await serveIn(dir, {
      issuer,
      env: { SESAME_ISSUER: issuer, SESAME_LISTEN: `127.0.0.1:${port}` },
    });
    await run.stop();
    assert.equal(run.ready, false, `it must not serve:\n${run.stdout()}`);
    assert.equal(run.exitCode(), 1);
    const message = run.stderr();
    assert.match(message, /not starting a demo instance/);
    assert.ok(
      message.includes(`1 user other than the demo user in ${join(dir, 'data', 'sesame.db')} (alice)`),
      message,
    );
    assert.match(message, /sesame serve --config <file>/);
    assert.match(message, /SESAME_DEMO=false/);
    assert.deepEqual(await usernames(dir), ['alice']);
    assert.equal(existsSync(join(dir, 'data', 'demo-credentials.json')), false);
  });
});
