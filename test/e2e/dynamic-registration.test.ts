// End to end: a relying party that registers itself. panva's openid-client discovers a real
// `sesame serve` started with `allow_dynamic_client_registration: true`, registers a client at
// the advertised registration endpoint (RFC 7591), runs the code flow with it through Sesame's
// pages — consent included, since such a client is never trusted — and then manages and
// deletes its registration (RFC 7592).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import { startSesame, type RunningSesame } from '../helpers/sesame-process.js';
import { CookieJar, follow, submit } from '../helpers/http-login.js';

const REDIRECT = 'https://rp.example.test/callback';
const alice = {
  username: 'alice',
  password: 'correct horse battery',
  email: 'alice@example.com',
  name: 'Alice Liddell',
};

let sesame: RunningSesame;

before(async () => {
  sesame = await startSesame({
    registration: 'clients: []\n',
    users: [alice],
    extraConfig: 'allow_dynamic_client_registration: true',
  });
});
after(async () => {
  await sesame?.stop();
});

const insecure = { execute: [oidc.allowInsecureRequests] };

/** Registers a client through discovery, as an application would at its first start. */
function register(metadata: Partial<oidc.ClientMetadata>): Promise<oidc.Configuration> {
  return oidc.dynamicClientRegistration(
    new URL(sesame.issuer),
    { redirect_uris: [REDIRECT], client_name: 'Self-registered RP', ...metadata },
    undefined,
    insecure,
  );
}

/**
 * The code flow with PKCE and nonce, signing in and consenting through the pages; asserts the
 * consent page came. Returns the tokens.
 */
async function codeFlow(config: oidc.Configuration) {
  const verifier = oidc.randomPKCECodeVerifier();
  const nonce = oidc.randomNonce();
  const state = oidc.randomState();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT,
    scope: 'openid profile email',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    nonce,
    state,
  });
  const jar = new CookieJar();
  const signIn = await follow(jar, sesame.issuer, url.toString());
  assert.match(signIn.url, /\/signin\/v1\/identifier/);
  const consent = await submit(jar, sesame.issuer, signIn, {
    username: alice.username,
    password: alice.password,
  });
  assert.match(
    consent.url,
    /\/signin\/v1\/consent/,
    'a dynamically registered client always asks for consent',
  );
  assert.match(consent.body, /Self-registered RP/);
  const landed = await submit(jar, sesame.issuer, consent, { decision: 'allow' });
  assert.equal(
    landed.status,
    302,
    `expected a redirect to the client, got ${landed.status} at ${landed.url}`,
  );
  assert.ok(landed.url.startsWith(`${REDIRECT}?`), landed.url);
  return oidc.authorizationCodeGrant(config, new URL(landed.url), {
    pkceCodeVerifier: verifier,
    expectedNonce: nonce,
    expectedState: state,
    idTokenExpected: true,
  });
}

describe('dynamic client registration with openid-client', () => {
  it('registers through discovery, then signs in with the new client and its secret', async () => {
    const config = await register({ token_endpoint_auth_method: 'client_secret_post' });
    const client = config.clientMetadata();
    assert.match(client.client_id, /^dyn-[A-Za-z0-9_-]{22}$/);
    assert.equal(typeof client.client_secret, 'string');
    assert.equal(client['client_secret_expires_at'], 0);
    assert.equal(
      client['registration_client_uri'],
      `${sesame.issuer}/konnect/v1/register/${client.client_id}`,
    );

    const tokens = await codeFlow(config);
    const claims = tokens.claims();
    assert.ok(claims);
    assert.equal(claims.aud, client.client_id);
    assert.equal(claims.iss, sesame.issuer);
    const info = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
    assert.equal(info.email, alice.email);
  });

  it('authenticates a registered client with client_secret_basic', async () => {
    const registered = await register({ token_endpoint_auth_method: 'client_secret_basic' });
    const client = registered.clientMetadata();
    const config = new oidc.Configuration(
      registered.serverMetadata(),
      client.client_id,
      client,
      oidc.ClientSecretBasic(String(client.client_secret)),
    );
    oidc.allowInsecureRequests(config);
    const tokens = await codeFlow(config);
    assert.equal(tokens.claims()?.aud, client.client_id);
  });

  it('refuses a registration that breaks the rules, with the RFC 7591 error', async () => {
    await assert.rejects(
      register({ redirect_uris: ['http://rp.example.test/callback'] }),
      (error: unknown) => {
        const e = error as { error?: string; status?: number };
        assert.equal(e.status, 400);
        assert.equal(e.error, 'invalid_redirect_uri');
        return true;
      },
    );
  });

  it('reads and deletes the registration with its registration access token, which each read replaces; the client is gone', async () => {
    const config = await register({ token_endpoint_auth_method: 'client_secret_basic' });
    const client = config.clientMetadata();
    const uri = String(client['registration_client_uri']);
    const auth = { authorization: `Bearer ${String(client['registration_access_token'])}` };

    const read = await fetch(uri, { headers: auth });
    assert.equal(read.status, 200);
    const shown = (await read.json()) as Record<string, unknown>;
    assert.equal(shown['client_id'], client.client_id);
    assert.equal(shown['client_secret'], undefined, 'Sesame keeps only its hash');
    assert.deepEqual(shown['redirect_uris'], [REDIRECT]);
    assert.equal(shown['registration_client_uri'], uri);
    // RFC 7592 §2.1, §3: the answer carries a new registration access token, which replaces the old.
    const rotated = { authorization: `Bearer ${String(shown['registration_access_token'])}` };
    assert.notEqual(rotated.authorization, auth.authorization);
    assert.equal(
      (await fetch(uri, { method: 'DELETE', headers: auth })).status,
      401,
      'the old token is gone',
    );

    assert.equal((await fetch(uri, { method: 'DELETE', headers: rotated })).status, 204);
    assert.equal((await fetch(uri, { headers: rotated })).status, 401);
    const token = await fetch(`${sesame.issuer}/konnect/v1/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${client.client_id}:${String(client.client_secret)}`).toString('base64')}`,
      },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: 'x', redirect_uri: REDIRECT }),
    });
    assert.equal(token.status, 401, 'a deleted client cannot authenticate');
  });
});
