// `sesame keys list|rotate|retire` against a running `sesame serve` on SQLite with no key files
// (issue 10): a rotated key is published first and signs only after the delay, while tokens of
// the old key keep verifying; the old key is retired early only with --force, and then its
// tokens stop verifying. The server follows the ring in storage with no restart.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pino } from 'pino';
import { loadOrGenerateSigningKeys } from '../../src/tokens/keys.js';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import { sesameCli, startSesame, type RunningSesame } from '../helpers/sesame-process.js';

const SECRET = 'reports-secret-0123456789';
const registration = `
clients:
  - id: reports
    name: Reports service
    secret: ${SECRET}
    redirect_uris: [https://reports.example.com/cb]
    grant_types: [client_credentials]
`;

describe('sesame keys on a running instance', () => {
  let sesame: RunningSesame;

  before(async () => {
    sesame = await startSesame({ registration });
  });
  after(() => sesame.stop());

  const keys = (...args: string[]) => sesameCli(['keys', ...args, '--config', sesame.configFile]);

  const jwks = async (): Promise<JSONWebKeySet> =>
    (await fetch(`${sesame.issuer}/konnect/v1/jwks.json`)).json() as Promise<JSONWebKeySet>;
  const kids = async () => (await jwks()).keys.map((k) => k.kid);

  const basic = `Basic ${Buffer.from(`reports:${SECRET}`).toString('base64')}`;
  const form = { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' };

  const mint = async (): Promise<string> => {
    const response = await fetch(`${sesame.issuer}/konnect/v1/token`, {
      method: 'POST',
      headers: form,
      body: new URLSearchParams({ grant_type: 'client_credentials' }),
    });
    const body = (await response.json()) as { access_token?: string };
    assert.equal(response.status, 200, JSON.stringify(body));
    return body.access_token!;
  };

  /** Whether Sesame itself still takes `token` as active (RFC 7662). */
  const active = async (token: string): Promise<boolean> => {
    const response = await fetch(`${sesame.issuer}/konnect/v1/introspect`, {
      method: 'POST',
      headers: form,
      body: new URLSearchParams({ token }),
    });
    assert.equal(response.status, 200);
    return ((await response.json()) as { active: boolean }).active;
  };

  const waitFor = async (what: string, check: () => Promise<boolean>, ms = 8000): Promise<void> => {
    const deadline = Date.now() + ms;
    while (!(await check())) {
      if (Date.now() > deadline) assert.fail(`timed out waiting until ${what}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  it('rotates: the new key is published first, signs after the delay, and old tokens keep verifying', async () => {
    const [first] = await kids();
    const listed = await keys('list', '--json');
    assert.equal(listed.code, 0, listed.stderr);
    const before = JSON.parse(listed.stdout) as { kid: string; status: string }[];
    assert.deepEqual(
      before.map((k) => [k.kid, k.status]),
      [[first, 'signing']],
    );
    const oldToken = await mint();

    const rotated = await keys('rotate', '--delay', '15s');
    assert.equal(rotated.code, 0, rotated.stderr);
    const newKid = /key (\S+): published/.exec(rotated.stdout)?.[1];
    assert.ok(newKid, rotated.stdout);

    const table = await keys('list');
    assert.match(table.stdout, new RegExp(`${newKid}\\s+pending`));
    await waitFor('the new key is published', async () => (await kids()).includes(newKid));
    assert.deepEqual(await kids(), [first, newKid]);
    const duringDelay = await mint();
    assert.equal(
      decodeProtectedHeader(duringDelay).kid,
      first,
      'the old key signs while the new one waits (if this fails, the 15 s delay passed: the machine was slow)',
    );

    await waitFor(
      'the new key signs',
      async () => decodeProtectedHeader(await mint()).kid === newKid,
      30_000,
    );
    const newToken = await mint();
    const set = createLocalJWKSet(await jwks());
    for (const token of [oldToken, duringDelay, newToken]) {
      await jwtVerify(token, set, { issuer: sesame.issuer });
      assert.equal(await active(token), true);
    }
    assert.match((await keys('list')).stdout, new RegExp(`${first}\\s+superseded`));
    assert.match(sesame.logs(), /signing with a new key/);

    // The old key's tokens may still be valid: retiring it needs --force, which then ends them.
    const refused = await keys('retire', first!);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /may be valid until .*--force/);
    const signing = await keys('retire', newKid);
    assert.equal(signing.code, 1);
    assert.match(signing.stderr, /is signing: run sesame keys rotate first/);

    const forced = await keys('retire', first!, '--force');
    assert.equal(forced.code, 0, forced.stderr);
    await waitFor('the old key is gone from the JWKS', async () => !(await kids()).includes(first!));
    assert.equal(await active(oldToken), false, 'a token of a retired key is no longer trusted');
    assert.equal(await active(newToken), true);
    assert.match((await keys('list')).stdout, new RegExp(`${first}\\s+retired`));
  });

  it('exports a key to a file that, listed in signing.keys, keeps its kid', async () => {
    const listed = JSON.parse((await keys('list', '--json')).stdout) as { kid: string; status: string }[];
    const signing = listed.find((k) => k.status === 'signing')!;
    const retired = listed.find((k) => k.status === 'retired')!;
    const out = join(sesame.dir, 'signing-RS256.pem');
    const exported = await keys('export', signing.kid, '--out', out);
    assert.equal(exported.code, 0, exported.stderr);
    assert.match(exported.stdout, /it keeps its kid/);
    assert.equal((await stat(out)).mode & 0o777, 0o600);
    const [fromFile] = await loadOrGenerateSigningKeys({
      alg: 'RS256',
      keyFiles: [out],
      dataDir: sesame.dir,
      log: pino({ level: 'silent' }),
    });
    assert.equal(fromFile?.kid, signing.kid);

    const again = await keys('export', signing.kid, '--out', out);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /exists already/);
    const erased = await keys('export', retired.kid, '--out', join(sesame.dir, 'old.pem'));
    assert.equal(erased.code, 1);
    assert.match(erased.stderr, /is retired: its private key was erased/);
  });

  it('says what is wrong with a command line, and refuses key files', async () => {
    const bad = await keys('rotate', '--delay', 'soon');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--delay "soon" is not a duration/);
    const unknown = await keys('spin');
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown command "keys spin"/);

    const withFiles = await sesameCli(['keys', 'list'], '', sesame.dir, {
      SESAME_SIGNING_KEYS: sesame.configFile, // any existing file: the refusal comes first
    });
    assert.equal(withFiles.code, 1, withFiles.stdout);
    assert.match(withFiles.stderr, /the signing keys are files .*rotate those by hand/);
  });
});
