import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../../http/test-fixture.js';
import { hashToken } from '../../lib/ids.js';
import { routes } from '../../routes.js';
import { InterferingStorage } from '../../storage/sql/test-interfering-storage.js';
import { StorageError, type Storage } from '../../storage/types.js';
import { paths } from '../paths.js';
import { CHALLENGE, REDIRECT_URI, VERIFIER, basic, obtainTokens, seedCode } from './test-fixture.js';

// A request that loses the race for its code or refresh token to concurrent ones is refused
// like any other spent credential — invalid_grant — and is not taken for a database outage.

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

describe('token endpoint: a request that loses a race', () => {
  let database: InterferingStorage;
  let server: TestServer;
  /** Set by a test: what the next `codes.consume` throws instead of consuming. */
  let consumeFails: StorageError | null = null;

  before(async () => {
    database = await InterferingStorage.create();
    const { storage } = database;
    const racing: Storage = {
      ...storage,
      codes: {
        ...storage.codes,
        consume: (codeHash, now) => {
          const failure = consumeFails;
          consumeFails = null;
          return failure === null ? storage.codes.consume(codeHash, now) : Promise.reject(failure);
        },
      },
    };
    server = await startTestServer({ routes: (deps) => routes(deps, null), storage: racing });
  });
  after(async () => {
    await server.close();
    await database.storage.close();
  });

  function tokenRequest(params: Record<string, string>) {
    return server.app.inject({
      method: 'POST',
      url: paths.token,
      headers: { ...FORM, authorization: basic('web-app', 'web-secret') },
      payload: new URLSearchParams(params).toString(),
    });
  }

  /** No outage was reported: one would be remembered, and reported by the health check, for a second. */
  async function assertNoOutage(): Promise<void> {
    assert.deepEqual(await server.deps.storageHealth.check(), { ok: true });
  }

  it('gets invalid_grant, not 503, when concurrent refreshes keep rotating its refresh token first; the token still works afterwards', async () => {
    const tokens = await obtainTokens(server.fixture, { challenge: CHALLENGE });
    const refreshToken = tokens.refresh_token;
    assert.ok(refreshToken, 'a refresh token was issued');
    database.interfere({
      before: /^update "refresh_tokens"/,
      // Another request rotates the token between this one's read and its write, every time.
      write: (db) =>
        db
          .updateTable('refresh_tokens')
          .set({ rotated_at: server.fixture.clock.now(), replaced_by: 'a-concurrent-successor' })
          .where('token_hash', '=', hashToken(refreshToken)),
      times: 100,
    });
    const lost = await tokenRequest({ grant_type: 'refresh_token', refresh_token: refreshToken });
    database.stopInterfering();
    assert.equal(lost.statusCode, 400, lost.body);
    assert.equal(lost.json<{ error: string }>().error, 'invalid_grant');
    assert.equal(lost.headers['retry-after'], undefined);
    await assertNoOutage();

    // Losing was not reuse: the grant stands and the token was not spent.
    const refreshed = await tokenRequest({ grant_type: 'refresh_token', refresh_token: refreshToken });
    assert.equal(refreshed.statusCode, 200, refreshed.body);
  });

  it('gets invalid_grant, not 503, when redeeming its code keeps losing to concurrent transactions', async () => {
    const { code } = await seedCode(server.fixture, { challenge: CHALLENGE });
    // What PostgreSQL's deadlock check (40P01) becomes once the transaction kept losing it.
    consumeFails = new StorageError('contended', 'storage failed: deadlock detected');
    const lost = await tokenRequest({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
      code_verifier: VERIFIER,
    });
    assert.equal(lost.statusCode, 400, lost.body);
    assert.equal(lost.json<{ error: string }>().error, 'invalid_grant');
    assert.equal(lost.headers['retry-after'], undefined);
    await assertNoOutage();
  });
});
