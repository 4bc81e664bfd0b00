import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { decodeJwt } from 'jose';
import { ALICE, ISSUER, MEET, MEET_BASE, WEB, WEB_REDIRECT } from '../authorize/test-parties.js';
import { paths } from '../paths.js';
import {
  HTTPS_REDIRECT,
  startRegistrationServer,
  WEB_METADATA,
  type RegistrationServer,
} from './test-fixture.js';

const VERIFIER = 'dBjftJeZ4CVP-mJ92K1s-vHHWO4L6E5tPBq8eHCdW3U';
const CHALLENGE = createHash('sha256').update(VERIFIER).digest('base64url');

/** A browser signed in as Alice: the session cookie, and whatever cookies the pages set. */
class Browser {
  private readonly cookies = new Map<string, string>();
  constructor(private readonly server: RegistrationServer) {}

  async signIn(): Promise<this> {
    for (const [name, value] of Object.entries(await this.server.fx.signIn(ALICE)))
      this.cookies.set(name, value);
    return this;
  }

  async request(method: 'GET' | 'POST', url: string, form?: Record<string, string>) {
    const response = await this.server.app.inject({
      method,
      url,
      headers: {
        cookie: [...this.cookies].map(([n, v]) => `${n}=${v}`).join('; '),
        ...(form === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }),
      },
      ...(form === undefined ? {} : { payload: new URLSearchParams(form).toString() }),
    });
    for (const cookie of response.cookies as { name: string; value: string }[])
      this.cookies.set(cookie.name, cookie.value);
    return response;
  }
}

function authorizeUrl(clientId: string, extra: Record<string, string> = {}): string {
  const query = new URLSearchParams({
    client_id: clientId,
    redirect_uri: HTTPS_REDIRECT,
    response_type: 'code',
    scope: 'openid profile',
    state: 'st-1',
    nonce: 'n-1',
    code_challenge: CHALLENGE,
    code_challenge_method: 'S256',
    ...extra,
  });
  return `${paths.authorize}?${query}`;
}

function hiddenFields(page: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [input] of page.matchAll(/<input[^>]*type="hidden"[^>]*>/g)) {
    const name = /name="([^"]*)"/.exec(input)?.[1];
    const value = /value="([^"]*)"/.exec(input)?.[1];
    if (name !== undefined) fields[name] = (value ?? '').replaceAll('&amp;', '&');
  }
  return fields;
}

/** An authorization request URL without PKCE. */
function withoutPkce(url: string): string {
  const [path, query] = url.split('?') as [string, string];
  const params = new URLSearchParams(query);
  params.delete('code_challenge');
  params.delete('code_challenge_method');
  return `${path}?${params}`;
}

/** Authorize as signed-in Alice, see the consent page, allow, and return the code. */
async function codeThroughConsent(
  server: RegistrationServer,
  clientId: string,
  url: string = authorizeUrl(clientId),
): Promise<string> {
  const browser = await new Browser(server).signIn();
  const start = await browser.request('GET', url);
  assert.equal(start.statusCode, 302, start.body);
  const consentUrl = String(start.headers.location);
  assert.ok(
    consentUrl.startsWith(`${paths.consent}?`),
    `a dynamic client needs consent, went to ${consentUrl}`,
  );
  const page = await browser.request('GET', consentUrl);
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /Example RP/, 'the consent page names the client');
  const allowed = await browser.request('POST', paths.consent, {
    ...hiddenFields(page.body),
    decision: 'allow',
  });
  assert.equal(allowed.statusCode, 302, allowed.body);
  const callback = new URL(String(allowed.headers.location));
  assert.equal(`${callback.origin}${callback.pathname}`, HTTPS_REDIRECT);
  assert.equal(callback.searchParams.get('state'), 'st-1');
  assert.equal(callback.searchParams.get('iss'), ISSUER);
  return callback.searchParams.get('code')!;
}

async function token(
  server: RegistrationServer,
  form: Record<string, string>,
  basic?: readonly [string, string],
) {
  const response = await server.app.inject({
    method: 'POST',
    url: paths.token,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(basic === undefined
        ? {}
        : { authorization: `Basic ${Buffer.from(`${basic[0]}:${basic[1]}`).toString('base64')}` }),
    },
    payload: new URLSearchParams(form).toString(),
  });
  return { status: response.statusCode, json: JSON.parse(response.body) as Record<string, unknown> };
}

async function registerWeb(server: RegistrationServer, metadata: object = WEB_METADATA) {
  const answer = await server.register(metadata);
  assert.equal(answer.status, 201, answer.text);
  return { id: String(answer.json!['client_id']), secret: String(answer.json!['client_secret']) };
}

const exchange = (code: string) => ({
  grant_type: 'authorization_code',
  code,
  redirect_uri: HTTPS_REDIRECT,
  code_verifier: VERIFIER,
});

describe('a dynamically registered client in the code flow', () => {
  let server: RegistrationServer;
  before(async () => {
    server = await startRegistrationServer();
  });
  after(() => server.close());

  it('goes through consent, then redeems its code with client_secret_basic', async () => {
    const client = await registerWeb(server);
    const code = await codeThroughConsent(server, client.id);
    const tokens = await token(server, exchange(code), [client.id, client.secret]);
    assert.equal(tokens.status, 200, JSON.stringify(tokens.json));
    const idToken = decodeJwt(String(tokens.json['id_token']));
    assert.equal(idToken.aud, client.id);
    assert.equal(idToken.iss, ISSUER);
    assert.equal(idToken.nonce, 'n-1');
  });

  it('redeems its code with client_secret_post as well', async () => {
    const client = await registerWeb(server);
    const code = await codeThroughConsent(server, client.id);
    const tokens = await token(server, {
      ...exchange(code),
      client_id: client.id,
      client_secret: client.secret,
    });
    assert.equal(tokens.status, 200, JSON.stringify(tokens.json));
  });

  it('is refused at the token endpoint with a wrong secret, or with its secret’s hash', async () => {
    const client = await registerWeb(server);
    const code = await codeThroughConsent(server, client.id);
    const wrong = await token(server, exchange(code), [client.id, `${client.secret}x`]);
    assert.equal(wrong.status, 401);
    assert.equal(wrong.json['error'], 'invalid_client');
    const hash = server.deps.clients.get(client.id)!.secretHash!;
    const byHash = await token(server, exchange(code), [client.id, hash]);
    assert.equal(byHash.status, 401);
    const right = await token(server, exchange(code), [client.id, client.secret]);
    assert.equal(right.status, 200, 'the refusals did not spend the code');
  });

  it('answers consent_required to prompt=none before the user has consented', async () => {
    const client = await registerWeb(server);
    const browser = await new Browser(server).signIn();
    const answer = await browser.request('GET', authorizeUrl(client.id, { prompt: 'none' }));
    assert.equal(answer.statusCode, 302);
    assert.equal(new URL(String(answer.headers.location)).searchParams.get('error'), 'consent_required');
  });

  it('can no longer redeem codes or sign in once deleted', async () => {
    const answer = await server.register(WEB_METADATA);
    const client = { id: String(answer.json!['client_id']), secret: String(answer.json!['client_secret']) };
    const code = await codeThroughConsent(server, client.id);
    const uri = new URL(String(answer.json!['registration_client_uri'])).pathname;
    const token_ = String(answer.json!['registration_access_token']);
    assert.equal((await server.call('DELETE', uri, { token: token_ })).status, 204);
    const refused = await token(server, exchange(code), [client.id, client.secret]);
    assert.equal(refused.status, 401);
    assert.equal(refused.json['error'], 'invalid_client');
    const browser = await new Browser(server).signIn();
    const start = await browser.request('GET', authorizeUrl(client.id));
    assert.equal(start.statusCode, 400, 'an unknown client gets the error page, no redirect');
  });
});

describe('a dynamically registered client under Konnect compatibility', () => {
  let server: RegistrationServer;
  before(async () => {
    server = await startRegistrationServer({ compat: true });
  });
  after(() => server.close());

  it('is never trusted: it needs consent where a trusted file client does not', async () => {
    const browser = await new Browser(server).signIn();
    const meet = await browser.request(
      'GET',
      authorizeUrl(MEET.id, { redirect_uri: MEET_BASE, scope: 'openid profile kopano/kwm' }),
    );
    assert.ok(String(meet.headers.location).startsWith(MEET_BASE), 'the trusted file client skips consent');
    const client = await registerWeb(server);
    const code = await codeThroughConsent(server, client.id);
    const tokens = await token(server, exchange(code), [client.id, client.secret]);
    assert.equal(tokens.status, 200, JSON.stringify(tokens.json));
    assert.equal(tokens.json['scope'], 'openid profile');
  });

  it('is never replaced by an implicitly trusted client for a redirect URI on the issuer’s origin', async () => {
    const client = await registerWeb(server);
    const onIssuer = `${ISSUER}/meet/`;
    const browser = await new Browser(server).signIn();
    const dynamic = await browser.request('GET', authorizeUrl(client.id, { redirect_uri: onIssuer }));
    assert.equal(dynamic.statusCode, 400, 'its registered redirect URIs are the only ones it may use');
    assert.equal(dynamic.headers.location, undefined);
    const unregistered = await browser.request(
      'GET',
      authorizeUrl('unregistered-app', { redirect_uri: onIssuer }),
    );
    assert.equal(
      unregistered.statusCode,
      302,
      'an unregistered id on the issuer’s origin is implicitly trusted',
    );
    assert.ok(String(unregistered.headers.location).startsWith(onIssuer));
  });

  it('may not register a redirect URI on Sesame’s own endpoints', async () => {
    const answer = await server.register({ redirect_uris: [`${ISSUER}${paths.endSession}`] });
    assert.equal(answer.status, 400);
    assert.equal(answer.json?.['error'], 'invalid_redirect_uri');
  });

  it('must use PKCE when it is public, where a secretless file client need not', async () => {
    const browser = await new Browser(server).signIn();
    const meet = await browser.request(
      'GET',
      withoutPkce(authorizeUrl(MEET.id, { redirect_uri: MEET_BASE, scope: 'openid profile' })),
    );
    const meetAnswer = new URL(String(meet.headers.location));
    assert.ok(meetAnswer.searchParams.has('code'), `the file client gets a code: ${meetAnswer.href}`);
    const client = await registerWeb(server, { ...WEB_METADATA, token_endpoint_auth_method: 'none' });
    const refused = await browser.request('GET', withoutPkce(authorizeUrl(client.id)));
    assert.equal(refused.statusCode, 302, refused.body);
    const answer = new URL(String(refused.headers.location));
    assert.equal(`${answer.origin}${answer.pathname}`, HTTPS_REDIRECT);
    assert.equal(answer.searchParams.get('error'), 'invalid_request');
    assert.match(answer.searchParams.get('error_description') ?? '', /PKCE/);
    assert.equal(answer.searchParams.get('code'), null);
  });

  it('cannot redeem a code without PKCE once it has become public', async () => {
    const answer = await server.register(WEB_METADATA);
    assert.equal(answer.status, 201, answer.text);
    const id = String(answer.json!['client_id']);
    // A confidential client needs no PKCE at authorize; RFC 7592 then makes it public.
    const code = await codeThroughConsent(server, id, withoutPkce(authorizeUrl(id)));
    const update = await server.call(
      'PUT',
      new URL(String(answer.json!['registration_client_uri'])).pathname,
      {
        token: String(answer.json!['registration_access_token']),
        json: { ...WEB_METADATA, client_id: id, token_endpoint_auth_method: 'none' },
      },
    );
    assert.equal(update.status, 200, update.text);
    const refused = await token(server, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: HTTPS_REDIRECT,
      client_id: id,
    });
    assert.equal(refused.status, 400, JSON.stringify(refused.json));
    assert.equal(refused.json['error'], 'invalid_grant');
    assert.equal(refused.json['access_token'], undefined);
  });

  it('is refused when it sends a secret it was not given', async () => {
    const client = await registerWeb(server, { ...WEB_METADATA, token_endpoint_auth_method: 'none' });
    const code = await codeThroughConsent(server, client.id);
    const anySecret = await token(server, exchange(code), [client.id, 'any-secret']);
    assert.equal(anySecret.status, 401, JSON.stringify(anySecret.json));
    assert.equal(anySecret.json['error'], 'invalid_client');
    const inBody = await token(server, { ...exchange(code), client_id: client.id, client_secret: 'x' });
    assert.equal(inBody.status, 401, JSON.stringify(inBody.json));
    const right = await token(server, { ...exchange(code), client_id: client.id });
    assert.equal(right.status, 200, 'the refusals did not spend the code');
  });

  it('must use its registered redirect URI exactly, where a file client may add a query', async () => {
    const browser = await new Browser(server).signIn();
    const file = await browser.request(
      'GET',
      authorizeUrl(WEB.id, { redirect_uri: `${WEB_REDIRECT}?tenant=1` }),
    );
    assert.equal(file.statusCode, 302, 'the file client’s redirect URI matches ignoring the query');
    const client = await registerWeb(server);
    const evil = await browser.request(
      'GET',
      authorizeUrl(client.id, { redirect_uri: `${HTTPS_REDIRECT}?evil=1` }),
    );
    assert.equal(evil.statusCode, 400, 'the error page, not a redirect');
    assert.equal(evil.headers.location, undefined);
  });

  it('keeps the query of its registered redirect URI in every response (RFC 6749 §3.1.2)', async () => {
    const registeredUri = `${HTTPS_REDIRECT}?iss=tenant-a`;
    const client = await registerWeb(server, { ...WEB_METADATA, redirect_uris: [registeredUri] });
    const browser = await new Browser(server).signIn();
    const answer = await browser.request(
      'GET',
      authorizeUrl(client.id, { redirect_uri: registeredUri, prompt: 'none' }),
    );
    assert.equal(answer.statusCode, 302, answer.body);
    const location = String(answer.headers.location);
    assert.ok(location.startsWith(`${registeredUri}&`), location);
    assert.equal(new URL(location).searchParams.get('error'), 'consent_required');
  });

  it('must use its registered post-logout redirect URI exactly', async () => {
    const loggedOut = 'https://rp.example.org/logged-out';
    const client = await registerWeb(server, { ...WEB_METADATA, post_logout_redirect_uris: [loggedOut] });
    const endSession = (uri: string) =>
      server.app.inject({
        method: 'GET',
        url: `${paths.endSession}?${new URLSearchParams({ client_id: client.id, post_logout_redirect_uri: uri })}`,
      });
    const exact = await endSession(loggedOut);
    assert.notEqual(exact.statusCode, 400, exact.body);
    // The relaxation would accept a bare-word fragment the registration does not name.
    const evil = await endSession(`${loggedOut}#elsewhere`);
    assert.equal(evil.statusCode, 400, evil.body);
    assert.equal(evil.headers.location, undefined);
  });

  it('gets no lenient token requests: no parameters from the query, no Basic without its scheme', async () => {
    const client = await registerWeb(server);
    const code = await codeThroughConsent(server, client.id);
    const fromQuery = await server.app.inject({
      method: 'POST',
      url: `${paths.token}?${new URLSearchParams({ ...exchange(code), client_id: client.id, client_secret: client.secret })}`,
    });
    assert.equal(fromQuery.statusCode, 400, fromQuery.body);
    assert.equal((JSON.parse(fromQuery.body) as Record<string, unknown>)['error'], 'invalid_request');
    const schemeless = await server.app.inject({
      method: 'POST',
      url: paths.token,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: Buffer.from(`${client.id}:${client.secret}`).toString('base64'),
      },
      payload: new URLSearchParams(exchange(code)).toString(),
    });
    assert.equal(schemeless.statusCode, 401, schemeless.body);
    assert.equal((JSON.parse(schemeless.body) as Record<string, unknown>)['error'], 'invalid_client');
    const right = await token(server, exchange(code), [client.id, client.secret]);
    assert.equal(right.status, 200, 'the refusals did not spend the code');
  });
});
