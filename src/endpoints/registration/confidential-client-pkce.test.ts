// RFC 7636 binds public clients; a confidential client registered dynamically (RFC 7591),
// whose secret Sesame keeps only as a hash, is not public and may use the code flow without
// PKCE, as the conformance suite's dynamic-client plans do.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeJwt } from 'jose';
import { ALICE } from '../authorize/test-parties.js';
import { paths } from '../paths.js';
import {
  HTTPS_REDIRECT,
  startRegistrationServer,
  WEB_METADATA,
  type RegistrationServer,
} from './test-fixture.js';

function hiddenFields(page: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [input] of page.matchAll(/<input[^>]*type="hidden"[^>]*>/g)) {
    const name = /name="([^"]*)"/.exec(input)?.[1];
    const value = /value="([^"]*)"/.exec(input)?.[1];
    if (name !== undefined) fields[name] = (value ?? '').replaceAll('&amp;', '&');
  }
  return fields;
}

/** Authorizes without code_challenge as signed-in Alice, consenting; where the browser ends. */
async function authorizeWithoutPkce(server: RegistrationServer, clientId: string): Promise<URL> {
  const cookies = new Map(Object.entries(await server.fx.signIn(ALICE)));
  const request = async (method: 'GET' | 'POST', url: string, form?: Record<string, string>) => {
    const response = await server.app.inject({
      method,
      url,
      headers: {
        cookie: [...cookies].map(([n, v]) => `${n}=${v}`).join('; '),
        ...(form === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }),
      },
      ...(form === undefined ? {} : { payload: new URLSearchParams(form).toString() }),
    });
    for (const cookie of response.cookies as { name: string; value: string }[])
      cookies.set(cookie.name, cookie.value);
    return response;
  };
  const query = new URLSearchParams({
    client_id: clientId,
    redirect_uri: HTTPS_REDIRECT,
    response_type: 'code',
    scope: 'openid',
    state: 'st',
  });
  const start = await request('GET', `${paths.authorize}?${query}`);
  assert.equal(start.statusCode, 302, start.body);
  const location = String(start.headers.location);
  if (!location.startsWith(`${paths.consent}?`)) return new URL(location);
  const page = await request('GET', location);
  const allowed = await request('POST', paths.consent, { ...hiddenFields(page.body), decision: 'allow' });
  assert.equal(allowed.statusCode, 302, allowed.body);
  return new URL(String(allowed.headers.location));
}

describe('PKCE for dynamically registered clients', () => {
  let server: RegistrationServer;
  before(async () => {
    server = await startRegistrationServer();
  });
  after(() => server.close());

  it('lets a confidential client (client_secret_basic) use the code flow without PKCE', async () => {
    const answer = await server.register(WEB_METADATA);
    assert.equal(answer.status, 201, answer.text);
    const id = String(answer.json?.['client_id']);
    const secret = String(answer.json?.['client_secret']);
    const callback = await authorizeWithoutPkce(server, id);
    assert.equal(
      callback.searchParams.get('error'),
      null,
      callback.searchParams.get('error_description') ?? '',
    );
    const code = callback.searchParams.get('code');
    assert.ok(code, callback.toString());
    const response = await server.app.inject({
      method: 'POST',
      url: paths.token,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`,
      },
      payload: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: HTTPS_REDIRECT,
      }).toString(),
    });
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(decodeJwt(String((JSON.parse(response.body) as { id_token: string }).id_token)).aud, id);
  });

  it('still holds a public client (token_endpoint_auth_method none) to PKCE', async () => {
    const answer = await server.register({ ...WEB_METADATA, token_endpoint_auth_method: 'none' });
    assert.equal(answer.status, 201, answer.text);
    const callback = await authorizeWithoutPkce(server, String(answer.json?.['client_id']));
    assert.equal(callback.searchParams.get('code'), null);
    assert.equal(callback.searchParams.get('error'), 'invalid_request');
  });
});
