import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { hashToken } from '../../lib/ids.js';
import { paths } from '../paths.js';
import {
  HTTPS_REDIRECT,
  pathOf,
  startRegistrationServer,
  WEB_METADATA,
  type RegistrationServer,
} from './test-fixture.js';

/** `body` without the named fields. */
function without(body: Record<string, unknown>, ...names: string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(body).filter(([name]) => !names.includes(name)));
}

interface Registered {
  readonly id: string;
  readonly secret: string | undefined;
  readonly token: string;
  readonly path: string;
  readonly body: Record<string, unknown>;
}

async function registered(server: RegistrationServer, metadata: object = WEB_METADATA): Promise<Registered> {
  const answer = await server.register(metadata);
  assert.equal(answer.status, 201, answer.text);
  const body = answer.json!;
  return {
    id: String(body['client_id']),
    secret: body['client_secret'] === undefined ? undefined : String(body['client_secret']),
    token: String(body['registration_access_token']),
    path: pathOf(body['registration_client_uri']),
    body,
  };
}

describe('client configuration endpoint (RFC 7592)', () => {
  let server: RegistrationServer;
  before(async () => {
    server = await startRegistrationServer();
  });
  after(() => server.close());

  it('reads, updates and deletes a registration with its registration access token', async () => {
    const client = await registered(server);

    const read = await server.call('GET', client.path, { token: client.token });
    assert.equal(read.status, 200, read.text);
    assert.equal(read.headers['cache-control'], 'no-store');
    const shown = without(client.body, 'client_secret', 'registration_access_token');
    assert.deepEqual(
      without(read.json!, 'registration_access_token'),
      shown,
      'the registration, without the secret',
    );
    const readToken = String(read.json!['registration_access_token']);

    const update = await server.call('PUT', client.path, {
      token: readToken,
      json: {
        client_id: client.id,
        redirect_uris: ['https://rp.example.org/new-callback'],
        client_name: 'Renamed RP',
      },
    });
    assert.equal(update.status, 200, update.text);
    assert.deepEqual(update.json!['redirect_uris'], ['https://rp.example.org/new-callback']);
    assert.equal(update.json!['client_name'], 'Renamed RP');
    assert.equal(update.json!['client_secret'], undefined, 'the secret is kept, so not shown');
    assert.equal(update.json!['client_secret_expires_at'], 0);
    assert.equal(update.json!['client_id_issued_at'], client.body['client_id_issued_at']);
    const served = server.deps.clients.get(client.id);
    assert.deepEqual(served?.redirectUris, ['https://rp.example.org/new-callback']);
    assert.equal(served?.name, 'Renamed RP');
    assert.equal(served?.secretHash, hashToken(client.secret!), 'the same secret still works');

    const reread = await server.call('GET', client.path, {
      token: String(update.json!['registration_access_token']),
    });
    assert.deepEqual(reread.json!['redirect_uris'], ['https://rp.example.org/new-callback']);
    const latest = String(reread.json!['registration_access_token']);

    const deleted = await server.call('DELETE', client.path, { token: latest });
    assert.equal(deleted.status, 204);
    assert.equal(deleted.text, '');
    assert.equal(server.deps.clients.get(client.id), null);
    assert.equal(await server.fx.storage.dynamicClients.get(client.id), null);
    const gone = await server.call('GET', client.path, { token: latest });
    assert.equal(gone.status, 401);
    assert.equal(gone.json?.['error'], 'invalid_token');
  });

  it('answers a read with a new registration access token and its registration_client_uri; the old token stops working (RFC 7592 §2.1, §3)', async () => {
    const client = await registered(server);
    const read = await server.call('GET', client.path, { token: client.token });
    assert.equal(read.status, 200, read.text);
    const token = read.json!['registration_access_token'];
    assert.match(String(token), /^[A-Za-z0-9_-]{43}$/);
    assert.notEqual(token, client.token);
    assert.equal(read.json!['registration_client_uri'], client.body['registration_client_uri']);
    assert.equal(
      (await server.fx.storage.dynamicClients.get(client.id))?.registrationTokenHash,
      hashToken(String(token)),
      'only the new token’s hash is kept',
    );

    const old = await server.call('GET', client.path, { token: client.token });
    assert.equal(old.status, 401, old.text);
    assert.equal(old.json?.['error'], 'invalid_token');
    const oldDelete = await server.call('DELETE', client.path, { token: client.token });
    assert.equal(oldDelete.status, 401, 'the old token deletes nothing');
    assert.ok(server.deps.clients.get(client.id), 'the client is still served');
    const again = await server.call('GET', client.path, { token: String(token) });
    assert.equal(again.status, 200, again.text);
  });

  it('answers an update with a new registration access token; the old token stops working (RFC 7592 §2.2, §3)', async () => {
    const client = await registered(server);
    const update = await server.call('PUT', client.path, {
      token: client.token,
      json: { ...WEB_METADATA, client_id: client.id, client_name: 'Renamed' },
    });
    assert.equal(update.status, 200, update.text);
    const token = String(update.json!['registration_access_token']);
    assert.match(token, /^[A-Za-z0-9_-]{43}$/);
    assert.notEqual(token, client.token);
    assert.equal(update.json!['registration_client_uri'], client.body['registration_client_uri']);

    const old = await server.call('PUT', client.path, {
      token: client.token,
      json: { ...WEB_METADATA, client_id: client.id, client_name: 'With the old token' },
    });
    assert.equal(old.status, 401, old.text);
    assert.equal(server.deps.clients.get(client.id)?.name, 'Renamed');
    assert.equal((await server.call('GET', client.path, { token })).status, 200);
  });

  it('lets only one of two concurrent requests with one token through; the other gets 401', async () => {
    for (const second of ['GET', 'PUT', 'DELETE']) {
      const client = await registered(server);
      const request = (method: string) =>
        server.call(method, client.path, {
          token: client.token,
          ...(method === 'PUT' ? { json: { ...WEB_METADATA, client_id: client.id } } : {}),
        });
      const answers = await Promise.all([request('GET'), request(second)]);
      const statuses = answers.map((answer) => answer.status);
      const detail = `GET and ${second}: ${answers.map((answer) => answer.text).join(' | ')}`;
      assert.equal(statuses.filter((status) => status === 401).length, 1, detail);
      assert.equal(statuses.filter((status) => status === 200 || status === 204).length, 1, detail);
      const stored = await server.fx.storage.dynamicClients.get(client.id);
      const winner = answers.find((answer) => answer.status === 200);
      if (winner === undefined) {
        assert.equal(stored, null, 'the DELETE won');
      } else {
        assert.equal(
          stored?.registrationTokenHash,
          hashToken(String(winner.json!['registration_access_token'])),
        );
      }
    }
  });

  it('drops the fields an update leaves out (RFC 7592 §2.2)', async () => {
    const client = await registered(server, { ...WEB_METADATA, contacts: ['ops@rp.example.org'] });
    const update = await server.call('PUT', client.path, {
      token: client.token,
      json: { client_id: client.id, redirect_uris: [HTTPS_REDIRECT] },
    });
    assert.equal(update.status, 200, update.text);
    assert.equal(update.json!['contacts'], undefined);
    assert.equal(update.json!['client_name'], undefined);
    assert.equal(server.deps.clients.get(client.id)?.name, client.id, 'without a name, the id is shown');
  });

  it('accepts the current client_secret in an update', async () => {
    const client = await registered(server);
    const update = await server.call('PUT', client.path, {
      token: client.token,
      json: { ...WEB_METADATA, client_id: client.id, client_secret: client.secret },
    });
    assert.equal(update.status, 200, update.text);
  });

  it('issues a secret, shown once, when a public client moves to client_secret_basic', async () => {
    const client = await registered(server, { ...WEB_METADATA, token_endpoint_auth_method: 'none' });
    const update = await server.call('PUT', client.path, {
      token: client.token,
      json: { ...WEB_METADATA, client_id: client.id, token_endpoint_auth_method: 'client_secret_basic' },
    });
    assert.equal(update.status, 200, update.text);
    const secret = String(update.json!['client_secret']);
    assert.match(secret, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(server.deps.clients.get(client.id)?.secretHash, hashToken(secret));
    assert.equal((await server.fx.storage.dynamicClients.get(client.id))?.secretHash, hashToken(secret));
  });

  it('discards the secret when a client moves to none', async () => {
    const client = await registered(server);
    const update = await server.call('PUT', client.path, {
      token: client.token,
      json: { ...WEB_METADATA, client_id: client.id, token_endpoint_auth_method: 'none' },
    });
    assert.equal(update.status, 200, update.text);
    assert.equal(update.json!['client_secret_expires_at'], undefined);
    assert.equal(server.deps.clients.get(client.id)?.secretHash, null);
  });

  const refusedUpdates: readonly (readonly [string, (c: Registered) => object, string, RegExp])[] = [
    ['without client_id', () => ({ ...WEB_METADATA }), 'invalid_request', /client_id must be sent/],
    [
      'naming another client',
      () => ({ ...WEB_METADATA, client_id: 'web-app' }),
      'invalid_request',
      /client_id must be sent and be this client/,
    ],
    [
      'with a client_secret of its choosing',
      (c) => ({ ...WEB_METADATA, client_id: c.id, client_secret: 'my-own-secret' }),
      'invalid_request',
      /cannot choose its secret/,
    ],
    [
      'with the registration access token',
      (c) => ({ ...WEB_METADATA, client_id: c.id, registration_access_token: c.token }),
      'invalid_request',
      /registration_access_token is set by the server/,
    ],
    [
      'with client_id_issued_at',
      (c) => ({ ...WEB_METADATA, client_id: c.id, client_id_issued_at: 1 }),
      'invalid_request',
      /client_id_issued_at is set by the server/,
    ],
    [
      'with an http redirect URI',
      (c) => ({ client_id: c.id, redirect_uris: ['http://rp.example.org/cb'] }),
      'invalid_redirect_uri',
      /must use https/,
    ],
    [
      'with client_secret_jwt',
      (c) => ({ ...WEB_METADATA, client_id: c.id, token_endpoint_auth_method: 'client_secret_jwt' }),
      'invalid_client_metadata',
      /keeps only a hash/,
    ],
  ];
  for (const [name, body, error, description] of refusedUpdates) {
    it(`refuses an update ${name} and keeps the registration`, async () => {
      const client = await registered(server);
      const update = await server.call('PUT', client.path, { token: client.token, json: body(client) });
      assert.equal(update.status, 400, update.text);
      assert.equal(update.json?.['error'], error);
      assert.match(String(update.json?.['error_description']), description);
      const stored = await server.fx.storage.dynamicClients.get(client.id);
      assert.deepEqual(stored?.metadata['redirect_uris'], [HTTPS_REDIRECT]);
      assert.equal(stored?.secretHash, hashToken(client.secret!));
    });
  }

  it('answers 401 invalid_token alike for a missing, wrong or foreign token and an unknown client', async () => {
    const mine = await registered(server);
    const other = await registered(server);
    const missing = await server.call('GET', mine.path);
    const wrong = await server.call('GET', mine.path, { token: 'wrong-token' });
    const foreign = await server.call('GET', mine.path, { token: other.token });
    const unknown = await server.call('GET', `${paths.registration}/dyn-doesnotexist000000000`, {
      token: mine.token,
    });
    const fileClient = await server.call('GET', `${paths.registration}/web-app`, { token: mine.token });
    const basic = await server.call('GET', mine.path, {
      headers: { authorization: 'Basic d2ViLWFwcDp3ZWItc2VjcmV0' },
    });
    for (const answer of [missing, wrong, foreign, unknown, fileClient, basic]) {
      assert.equal(answer.status, 401, answer.text);
      assert.deepEqual(answer.json, {
        error: 'invalid_token',
        error_description: 'a valid registration access token for this client is required',
      });
    }
    assert.equal(missing.headers['www-authenticate'], 'Bearer realm="sesame"');
    for (const answer of [wrong, foreign, unknown, fileClient]) {
      assert.equal(answer.headers['www-authenticate'], 'Bearer realm="sesame", error="invalid_token"');
    }
  });

  it('changes and deletes nothing without the right token', async () => {
    const mine = await registered(server);
    const other = await registered(server);
    const update = await server.call('PUT', mine.path, {
      token: other.token,
      json: { client_id: mine.id, redirect_uris: ['https://evil.example.net/cb'] },
    });
    assert.equal(update.status, 401);
    const deleted = await server.call('DELETE', mine.path, { token: other.token });
    assert.equal(deleted.status, 401);
    assert.deepEqual(server.deps.clients.get(mine.id)?.redirectUris, [HTTPS_REDIRECT]);
    assert.ok(await server.fx.storage.dynamicClients.get(mine.id));
  });

  it('manages a client another process registered in the shared database, and serves it from then on', async () => {
    const token = 'registration-token-of-another-process';
    await server.fx.storage.dynamicClients.create({
      clientId: 'dyn-fromanotherprocess00',
      metadata: {
        redirect_uris: [HTTPS_REDIRECT],
        response_types: ['code'],
        grant_types: ['authorization_code'],
        application_type: 'web',
        token_endpoint_auth_method: 'none',
      },
      secretHash: null,
      registrationTokenHash: hashToken(token),
      createdAt: 0,
      updatedAt: 0,
    });
    assert.equal(server.deps.clients.get('dyn-fromanotherprocess00'), null, 'not loaded at start');
    const read = await server.call('GET', `${paths.registration}/dyn-fromanotherprocess00`, { token });
    assert.equal(read.status, 200, read.text);
    assert.equal(read.json!['client_id'], 'dyn-fromanotherprocess00');
    assert.ok(server.deps.clients.get('dyn-fromanotherprocess00'));
  });

  it('stops serving a client another process deleted once its configuration is read', async () => {
    const client = await registered(server);
    await server.fx.storage.dynamicClients.delete(client.id, hashToken(client.token));
    assert.ok(server.deps.clients.get(client.id), 'this process still has its copy');
    assert.equal((await server.call('GET', client.path, { token: client.token })).status, 401);
    assert.equal(server.deps.clients.get(client.id), null);
  });
});
