// The README's first command: with no configuration, `sesame serve` runs a development
// instance and prints a demo user, a demo client and a sign-in URL that work as printed.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort, waitUntilReady } from '../helpers/sesame-process.js';
import { CookieJar, signInThroughPages } from '../helpers/http-login.js';

const entry = join(resolve(import.meta.dirname, '../..'), 'test/helpers/run-sesame.ts');
const tsx = import.meta.resolve('tsx');

let dir: string;
let issuer: string;
let child: ChildProcess;
let stdout = '';

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sesame-demo-'));
  const port = await freePort();
  issuer = `http://localhost:${port}`;
  child = spawn(process.execPath, ['--import', tsx, entry, 'serve'], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, SESAME_ISSUER: issuer, SESAME_LISTEN: `127.0.0.1:${port}` },
  });
  let log = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  const exited = new Promise<number>((done) => child.on('exit', (c) => done(c ?? 1)));
  await waitUntilReady(issuer, exited, () => log);
  const deadline = Date.now() + 5000;
  while (!stdout.includes('Discovery:') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
});

after(async () => {
  child?.kill('SIGTERM');
  if (dir) await rm(dir, { recursive: true, force: true });
});

function printed(label: string): string {
  const value = new RegExp(`^\\s+${label}:\\s+(\\S+)$`, 'm').exec(stdout)?.[1];
  return value ?? assert.fail(`"${label}" not printed:\n${stdout}`);
}

describe('the development instance', () => {
  it('prints a sign-in URL that works with the printed demo user, and a code the printed client can redeem', async () => {
    const url = /^\s+(http:\/\/\S+\/signin\/v1\/identifier\/_\/authorize\?\S+)$/m.exec(stdout)?.[1];
    assert.ok(url, `no sign-in URL printed:\n${stdout}`);
    const landed = await signInThroughPages(
      new CookieJar(),
      issuer,
      url,
      printed('Demo user'),
      printed('Password'),
    );
    assert.match(landed.url, /\/demo\/callback\?code=/);
    assert.match(landed.body, /Sign-in worked/);
    const code = new URL(landed.url).searchParams.get('code')!;
    const basic = Buffer.from(`${printed('Demo client')}:${printed('Client secret')}`).toString('base64');
    const token = await fetch(`${issuer}/konnect/v1/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: printed('Redirect URI'),
      }),
    });
    assert.equal(token.status, 200);
    assert.ok(((await token.json()) as { id_token?: string }).id_token);
  });
});
