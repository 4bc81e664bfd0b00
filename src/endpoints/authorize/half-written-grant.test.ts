import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import SqliteDatabase from 'better-sqlite3';
import { TestOutageStorage } from '../health-check/test-outage-storage.js';
import type { EndpointResponse } from '../types.js';
import { ALICE, MEET_ID, MEET_SILENT } from './test-parties.js';
import {
  authorize,
  createBrowserFixture,
  locationOf,
  tokenRequest,
  type RawParams,
} from './test-browser-fixture.js';
import { CHALLENGE, VERIFIER, appendedParams } from './test-expected-values.js';

// Issue 9: no half-written grant survives a failed authorization. The grant is stored before
// its code; when what follows fails, the grant must not be left usable.

const databases: TestOutageStorage[] = [];
after(async () => {
  for (const database of databases) await database.remove();
});

function codeRequest(overrides: RawParams = {}): RawParams {
  return {
    client_id: MEET_ID,
    redirect_uri: MEET_SILENT,
    response_type: 'code',
    response_mode: 'fragment',
    scope: 'openid profile',
    state: 'st-1',
    code_challenge: CHALLENGE,
    code_challenge_method: 'S256',
    ...overrides,
  };
}

function answer(response: EndpointResponse): Map<string, string> {
  return new Map(appendedParams(locationOf(response), MEET_SILENT, '&'));
}

/** The stored grants and codes, read from the database file directly. */
function stored(path: string): {
  grants: { id: string; revoked_at: number | null }[];
  codes: { grant_id: string }[];
} {
  const db = new SqliteDatabase(path, { readonly: true });
  try {
    return {
      grants: db.prepare('select id, revoked_at from grants').all() as {
        id: string;
        revoked_at: number | null;
      }[],
      codes: db.prepare('select grant_id from authorization_codes').all() as { grant_id: string }[],
    };
  } finally {
    db.close();
  }
}

/** Runs SQL on the database file over a connection of its own, as an operator would. */
function execute(path: string, statement: string): void {
  const db = new SqliteDatabase(path);
  try {
    db.exec(statement);
  } finally {
    db.close();
  }
}

describe('a grant whose authorization fails after it was stored', () => {
  it('is revoked when the code cannot be stored, and the client gets temporarily_unavailable without a code', async () => {
    const database = await TestOutageStorage.create();
    databases.push(database);
    const fx = await createBrowserFixture({ storage: database.storage });
    const cookies = await fx.signIn(ALICE);
    // The database refuses to write codes: a real failure of the insert, after the grant's.
    execute(
      database.path,
      `create trigger refuse_codes before insert on authorization_codes
       begin select raise(abort, 'disk I/O error'); end`,
    );

    const refused = answer(await authorize(fx, codeRequest(), { cookies }));
    assert.equal(refused.get('error'), 'temporarily_unavailable');
    assert.equal(refused.get('code'), undefined);
    assert.equal(refused.get('state'), 'st-1');
    const after = stored(database.path);
    assert.equal(after.codes.length, 0);
    assert.equal(after.grants.length, 1);
    assert.notEqual(after.grants[0]?.revoked_at, null, 'the grant left behind is revoked');

    // The database writes again: the next authorization is served, its code redeemed.
    execute(database.path, 'drop trigger refuse_codes');
    const served = answer(await authorize(fx, codeRequest({ state: 'st-2' }), { cookies }));
    const code = served.get('code');
    assert.ok(code, `no code in ${JSON.stringify([...served])}`);
    const tokens = await tokenRequest(fx, {
      grant_type: 'authorization_code',
      client_id: MEET_ID,
      code,
      redirect_uri: MEET_SILENT,
      code_verifier: VERIFIER,
    });
    assert.ok(tokens.access_token);
  });

  it('is revoked, with the code stored for it, when minting fails afterwards (hybrid flow)', async () => {
    const database = await TestOutageStorage.create();
    databases.push(database);
    const fx = await createBrowserFixture({ storage: database.storage });
    const cookies = await fx.signIn(ALICE);
    fx.directory.down = true;

    const refused = answer(
      await authorize(fx, codeRequest({ response_type: 'code id_token', nonce: 'n-1' }), { cookies }),
    );
    assert.equal(refused.get('error'), 'temporarily_unavailable');
    assert.equal(refused.get('code'), undefined);
    const after = stored(database.path);
    assert.equal(after.grants.length, 1);
    assert.equal(after.codes.length, 1);
    assert.equal(after.codes[0]?.grant_id, after.grants[0]?.id);
    assert.notEqual(after.grants[0]?.revoked_at, null, 'the code left behind redeems nothing');
  });
});
