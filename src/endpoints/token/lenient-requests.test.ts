import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { pino } from 'pino';
import { isOAuthError } from '../../oauth/errors.js';
import type { Deps, EndpointResponse } from '../types.js';
import { handleToken } from './handler.js';
import { REDIRECT_URI, WEB, basic, createFixture, request, seedCode, type Fixture } from './test-fixture.js';

/** Rocket.Chat's fetch-based variant sent `Authorization: <base64(id:secret)>` (konnect-spec §9.2). */
const bareBasic = (id: string, secret: string): string => Buffer.from(`${id}:${secret}`).toString('base64');

interface Logged {
  readonly level: number;
  readonly msg: string;
  readonly relaxation?: string;
  readonly clientId?: string;
  readonly remedy?: string;
}

function withCompat(fx: Fixture, lenientTokenRequests: boolean): { deps: Deps; warnings: Logged[] } {
  const logged: Logged[] = [];
  const log = pino(
    { level: 'warn' },
    { write: (line: string) => void logged.push(JSON.parse(line) as Logged) },
  );
  const config = { ...fx.deps.config, compat: { ...fx.deps.config.compat, lenientTokenRequests } };
  return { deps: { ...fx.deps, config, log }, warnings: logged };
}

function status(response: EndpointResponse): number {
  return response.kind === 'json' ? response.status : 0;
}

function rejectsWith(promise: Promise<unknown>, code: string, description?: RegExp): Promise<void> {
  return assert.rejects(promise, (error: unknown) => {
    assert.ok(isOAuthError(error), `expected an OAuthError, got ${String(error)}`);
    assert.equal(error.code, code);
    if (description) assert.match(error.description, description);
    return true;
  });
}

describe('token endpoint: lenient token requests (compat on)', () => {
  let fx: Fixture;
  let code: string;
  beforeEach(async () => {
    fx = await createFixture();
    ({ code } = await seedCode(fx));
  });

  const query = () => ({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI });

  it('takes the parameters from the query of an empty POST and warns naming the client', async () => {
    const { deps, warnings } = withCompat(fx, true);
    const response = await handleToken(
      request({}, { query: { ...query(), client_id: WEB.id, client_secret: 'web-secret' } }),
      deps,
    );
    assert.equal(status(response), 200);
    assert.equal(warnings.length, 1);
    const [warning] = warnings;
    assert.equal(warning?.relaxation, 'lenientTokenRequests');
    assert.equal(warning?.clientId, WEB.id);
    assert.match(warning?.msg ?? '', /URL query of an empty POST/);
    assert.match(warning?.remedy ?? '', /Rocket\.Chat.*turn Konnect compatibility off/);
  });

  it("accepts Rocket.Chat's fetch variant: bare base64 credentials and query parameters", async () => {
    const { deps, warnings } = withCompat(fx, true);
    const response = await handleToken(
      request({}, { query: query(), headers: { authorization: bareBasic(WEB.id, 'web-secret') } }),
      deps,
    );
    assert.equal(status(response), 200);
    assert.deepEqual(
      warnings.map((w) => [w.relaxation, w.clientId]),
      [
        ['lenientTokenRequests', WEB.id],
        ['lenientTokenRequests', WEB.id],
      ],
    );
    assert.match(warnings[1]?.msg ?? '', /without the Basic scheme/);
  });

  it('reads bare base64 credentials beside a proper form body', async () => {
    const { deps, warnings } = withCompat(fx, true);
    const response = await handleToken(
      request(query(), { headers: { authorization: bareBasic(WEB.id, 'web-secret') } }),
      deps,
    );
    assert.equal(status(response), 200);
    assert.equal(warnings.length, 1);
  });

  it('ignores the query when the body is not empty: the two are never merged', async () => {
    const { deps, warnings } = withCompat(fx, true);
    await rejectsWith(
      handleToken(request({ client_id: WEB.id, client_secret: 'web-secret' }, { query: query() }), deps),
      'invalid_request',
      /grant_type/,
    );
    assert.equal(warnings.length, 0);
  });

  it('still refuses a wrong secret in a bare header with a 401 Basic challenge', async () => {
    const { deps } = withCompat(fx, true);
    const response = await handleToken(
      request({}, { query: query(), headers: { authorization: bareBasic(WEB.id, 'wrong') } }),
      deps,
    );
    assert.equal(status(response), 401);
    assert.match(response.headers?.['WWW-Authenticate'] ?? '', /^Basic /);
  });

  it('logs nothing for an ordinary request', async () => {
    const { deps, warnings } = withCompat(fx, true);
    const response = await handleToken(
      request(query(), { headers: { authorization: basic(WEB.id, 'web-secret') } }),
      deps,
    );
    assert.equal(status(response), 200);
    assert.equal(warnings.length, 0);
  });
});

describe('token endpoint: lenient token requests (compat off)', () => {
  let fx: Fixture;
  let code: string;
  beforeEach(async () => {
    fx = await createFixture();
    ({ code } = await seedCode(fx));
  });

  it('ignores query parameters of an empty POST, so grant_type is missing', async () => {
    const { deps } = withCompat(fx, false);
    await rejectsWith(
      handleToken(
        request(
          {},
          {
            query: {
              grant_type: 'authorization_code',
              code,
              redirect_uri: REDIRECT_URI,
              client_id: WEB.id,
              client_secret: 'web-secret',
            },
          },
        ),
        deps,
      ),
      'invalid_request',
      /grant_type/,
    );
  });

  it('refuses an Authorization header without the Basic scheme as invalid_client', async () => {
    const { deps, warnings } = withCompat(fx, false);
    const response = await handleToken(
      request(
        { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI },
        { headers: { authorization: bareBasic(WEB.id, 'web-secret') } },
      ),
      deps,
    );
    assert.equal(status(response), 401);
    assert.equal(response.kind === 'json' && (response.body as { error?: string }).error, 'invalid_client');
    assert.equal(warnings.length, 0);
  });
});
