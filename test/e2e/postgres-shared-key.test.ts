// Two Sesame processes on one PostgreSQL schema with NO signing key files (docs/deployment.md,
// "Several instances, PostgreSQL"): each has its own data directory holding the same
// secret.key, and they sign with the one generated key kept in the database, sealed with that
// secret. A third instance with another secret refuses to start, saying why.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import { openTestSchemas } from '../../src/storage/postgres/test-database.js';
import { freePort, sesameCli, startSesame, type RunningSesame } from '../helpers/sesame-process.js';

const SECRET = 'reports-secret-0123456789';
const registration = `
clients:
  - id: reports
    name: Reports service
    secret: ${SECRET}
    redirect_uris: [https://reports.example.com/cb]
    grant_types: [client_credentials]
`;

const schemas = await openTestSchemas();

if ('skip' in schemas) {
  describe(
    'two Sesame instances sharing a generated signing key through PostgreSQL',
    { skip: schemas.skip },
    () => {},
  );
} else {
  describe('two Sesame instances sharing a generated signing key through PostgreSQL', () => {
    let url: string;
    let issuer: string;
    const secretKey = randomBytes(32);
    const started: RunningSesame[] = [];
    let a: RunningSesame;
    let b: RunningSesame;

    const start = async (key: Uint8Array): Promise<RunningSesame> => {
      const instance = await startSesame({
        issuer,
        registration,
        secretKey: key,
        extraConfig: [`storage: '${url}'`, 'storage_pool_size: 2'].join('\n'),
      });
      started.push(instance);
      return instance;
    };

    before(async () => {
      url = (await schemas.create()).url;
      // One issuer for both, as behind one address; each is reached at its own port here.
      issuer = `http://127.0.0.1:${await freePort()}`;
      [a, b] = await Promise.all([start(secretKey), start(secretKey)]);
    });

    after(async () => {
      for (const instance of started) await instance.stop();
      await schemas.dropAll();
    });

    const jwks = async (instance: RunningSesame): Promise<JSONWebKeySet> =>
      (
        await fetch(`http://127.0.0.1:${instance.port}/konnect/v1/jwks.json`)
      ).json() as Promise<JSONWebKeySet>;

    /** An access token minted by `instance` for the reports service (RFC 6749 §4.4). */
    const mintAt = async (instance: RunningSesame): Promise<string> => {
      const response = await fetch(`http://127.0.0.1:${instance.port}/konnect/v1/token`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`reports:${SECRET}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ grant_type: 'client_credentials' }),
      });
      const body = (await response.json()) as { access_token?: string };
      assert.equal(response.status, 200, JSON.stringify(body));
      assert.ok(body.access_token);
      return body.access_token;
    };

    it('publish the same JWKS, the key kept in the database and not in either data directory', async () => {
      const [fromA, fromB] = [await jwks(a), await jwks(b)];
      assert.equal(fromA.keys.length, 1);
      assert.deepEqual(fromB, fromA, 'A and B publish the same JWKS');
      const kid = fromA.keys[0]?.kid;
      for (const [name, instance] of [
        ['A', a],
        ['B', b],
      ] as const) {
        assert.match(
          instance.logs(),
          /signing key shared through storage/,
          `${name} logs where its key lives`,
        );
        assert.ok(instance.logs().includes(kid!), `${name} logs the kid ${kid}`);
        await assert.rejects(access(join(instance.dir, 'data', 'keys')), `${name} wrote no key file`);
      }
    });

    it('verify at either instance a token minted at the other', async () => {
      for (const [minter, checker] of [
        [a, b],
        [b, a],
      ] as const) {
        const token = await mintAt(minter);
        const published = await jwks(checker);
        const { payload } = await jwtVerify(token, createLocalJWKSet(published), { issuer });
        assert.equal(decodeProtectedHeader(token).kid, published.keys[0]?.kid);
        assert.equal(payload.sub, 'reports');
      }
    });

    it('both follow a rotation made with sesame keys at one of them, with no restart', async () => {
      const [first] = (await jwks(a)).keys.map((k) => k.kid);
      const rotated = await sesameCli(['keys', 'rotate', '--delay', '0', '--config', a.configFile]);
      assert.equal(rotated.code, 0, rotated.stderr);
      const newKid = /key (\S+): published/.exec(rotated.stdout)?.[1];
      assert.ok(newKid, rotated.stdout);
      const deadline = Date.now() + 10_000;
      const signsWithNew = async (instance: RunningSesame) =>
        decodeProtectedHeader(await mintAt(instance)).kid === newKid;
      while (!((await signsWithNew(a)) && (await signsWithNew(b)))) {
        assert.ok(Date.now() < deadline, 'both instances sign with the new key within 10 s');
        await new Promise((r) => setTimeout(r, 200));
      }
      for (const instance of [a, b]) {
        assert.deepEqual(
          (await jwks(instance)).keys.map((k) => k.kid),
          [first, newKid],
          'the old key stays published for the tokens it signed',
        );
      }
    });

    it('refuse to start a third instance whose secret differs, saying every instance needs the same', async () => {
      await assert.rejects(start(randomBytes(32)), (error: unknown) => {
        assert.match(String(error), /exited before it was ready/);
        assert.match(String(error), /encryption secret differs from the one that stored the key/);
        assert.match(String(error), /Every instance sharing the storage needs the same secret/);
        return true;
      });
    });
  });
}
