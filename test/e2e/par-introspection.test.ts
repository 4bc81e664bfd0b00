// End to end with a real relying party: openid-client pushes its authorization requests
// (RFC 9126) and introspects its tokens (RFC 7662) against a real `sesame serve`, finding
// both endpoints through discovery.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import { startSesame, type RunningSesame } from '../helpers/sesame-process.js';
import { CookieJar, follow, signInThroughPages } from '../helpers/http-login.js';

const WIKI_REDIRECT = 'http://127.0.0.1:9/cb';
const VAULT_REDIRECT = 'http://127.0.0.1:9/vault';
const SPA_REDIRECT = 'http://127.0.0.1/spa';
const WIKI_SECRET = 'wiki-secret-0123456789';
const VAULT_SECRET = 'vault-secret-0123456789';
const alice = {
  username: 'alice',
  password: 'correct horse battery',
  email: 'alice@example.com',
  name: 'Alice',
};

const registration = `
clients:
  - id: wiki
    name: Team Wiki
    secret: ${WIKI_SECRET}
    insecure: yes
    trusted: yes
    redirect_uris: [${WIKI_REDIRECT}]
  - id: vault
    name: Vault, which must push its requests
    secret: ${VAULT_SECRET}
    insecure: yes
    trusted: yes
    require_pushed_authorization_requests: yes
    redirect_uris: [${VAULT_REDIRECT}]
  - id: spa
    name: Single-page app
    application_type: native
    trusted: yes
    redirect_uris: [${SPA_REDIRECT}]
`;

let sesame: RunningSesame;

before(async () => {
  sesame = await startSesame({ registration, users: [alice] });
});
after(async () => {
  await sesame?.stop();
});

function discover(clientId: string, auth: oidc.ClientAuth): Promise<oidc.Configuration> {
  return oidc.discovery(new URL(sesame.issuer), clientId, undefined, auth, {
    execute: [oidc.allowInsecureRequests],
  });
}

const wiki = () => discover('wiki', oidc.ClientSecretBasic(WIKI_SECRET));

interface Flow {
  readonly tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
  readonly authorizationUrl: URL;
}

/** The code flow with PKCE and nonce, the request pushed first, signing in through the pages. */
async function pushedCodeFlow(config: oidc.Configuration, redirectUri: string, scope: string): Promise<Flow> {
  const verifier = oidc.randomPKCECodeVerifier();
  const nonce = oidc.randomNonce();
  const state = oidc.randomState();
  const authorizationUrl = await oidc.buildAuthorizationUrlWithPAR(config, {
    redirect_uri: redirectUri,
    scope,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    nonce,
    state,
  });
  const jar = new CookieJar();
  const landed = await signInThroughPages(
    jar,
    sesame.issuer,
    authorizationUrl.toString(),
    alice.username,
    alice.password,
  );
  assert.equal(
    landed.status,
    302,
    `expected a redirect to the client, got ${landed.status} at ${landed.url}`,
  );
  const tokens = await oidc.authorizationCodeGrant(config, new URL(landed.url), {
    pkceCodeVerifier: verifier,
    expectedNonce: nonce,
    expectedState: state,
    idTokenExpected: true,
  });
  return { tokens, authorizationUrl };
}

describe('discovery', () => {
  it('publishes the PAR and introspection endpoints', async () => {
    const meta = (await wiki()).serverMetadata();
    assert.equal(meta.pushed_authorization_request_endpoint, `${sesame.issuer}/konnect/v1/par`);
    assert.equal(meta.introspection_endpoint, `${sesame.issuer}/konnect/v1/introspect`);
    assert.equal(meta.require_pushed_authorization_requests, false);
  });
});

describe('pushed authorization requests', () => {
  it('signs in with a pushed request: the browser carries only client_id and request_uri', async () => {
    const config = await wiki();
    const { tokens, authorizationUrl } = await pushedCodeFlow(config, WIKI_REDIRECT, 'openid profile');
    assert.deepEqual([...authorizationUrl.searchParams.keys()].sort(), ['client_id', 'request_uri']);
    assert.match(
      authorizationUrl.searchParams.get('request_uri') ?? '',
      /^urn:ietf:params:oauth:request_uri:/,
    );
    assert.equal(tokens.claims()?.aud, 'wiki');
    const info = await oidc.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub);
    assert.equal(info.name, alice.name);
  });

  it('lets a public client push its request with PKCE', async () => {
    const config = await discover('spa', oidc.None());
    const { tokens } = await pushedCodeFlow(config, SPA_REDIRECT, 'openid');
    assert.equal(tokens.claims()?.aud, 'spa');
  });

  it('refuses, as JSON at the PAR endpoint, a redirect_uri the client did not register', async () => {
    const config = await wiki();
    await assert.rejects(
      oidc.buildAuthorizationUrlWithPAR(config, {
        redirect_uri: 'http://127.0.0.1:9/elsewhere',
        scope: 'openid',
        code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()),
        code_challenge_method: 'S256',
      }),
      (error: unknown) => {
        assert.ok(error instanceof oidc.ResponseBodyError, String(error));
        assert.equal(error.error, 'invalid_request');
        assert.equal(error.status, 400);
        return true;
      },
    );
  });

  it('serves a request_uri once', async () => {
    const config = await wiki();
    const url = await oidc.buildAuthorizationUrlWithPAR(config, {
      redirect_uri: WIKI_REDIRECT,
      scope: 'openid',
      code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
    });
    const jar = new CookieJar();
    const first = await follow(jar, sesame.issuer, url.toString());
    assert.match(first.url, /\/signin\/v1\/identifier\?interaction=/);
    const second = await follow(jar, sesame.issuer, url.toString());
    assert.equal(second.status, 400);
    assert.match(second.body, /invalid_request_uri/);
  });

  it('makes a client registered with require_pushed_authorization_requests push', async () => {
    const config = await discover('vault', oidc.ClientSecretPost(VAULT_SECRET));
    const direct = oidc.buildAuthorizationUrl(config, {
      redirect_uri: VAULT_REDIRECT,
      scope: 'openid',
      state: 'direct',
      code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
    });
    const refused = await follow(new CookieJar(), sesame.issuer, direct.toString());
    assert.equal(refused.status, 302);
    const answer = new URL(refused.url);
    assert.equal(`${answer.origin}${answer.pathname}`, VAULT_REDIRECT);
    assert.equal(answer.searchParams.get('error'), 'invalid_request');
    assert.equal(answer.searchParams.get('state'), 'direct');

    const { tokens } = await pushedCodeFlow(config, VAULT_REDIRECT, 'openid');
    assert.equal(tokens.claims()?.aud, 'vault');
  });
});

describe('token introspection', () => {
  it("describes the client's own access and refresh tokens, and ends them with revocation", async () => {
    const config = await wiki();
    const { tokens } = await pushedCodeFlow(config, WIKI_REDIRECT, 'openid offline_access');
    const sub = tokens.claims()!.sub;
    assert.ok(tokens.refresh_token);

    const access = await oidc.tokenIntrospection(config, tokens.access_token);
    assert.equal(access.active, true);
    assert.equal(access.client_id, 'wiki');
    assert.equal(access.sub, sub);
    assert.equal(access.iss, sesame.issuer);
    assert.equal(access.aud, 'wiki');
    assert.equal(access.token_type, 'Bearer');
    assert.equal(access.scope, 'openid offline_access');
    assert.equal(typeof access.jti, 'string');
    assert.ok(typeof access.exp === 'number' && access.exp > Date.now() / 1000);

    const refresh = await oidc.tokenIntrospection(config, tokens.refresh_token, {
      token_type_hint: 'refresh_token',
    });
    assert.equal(refresh.active, true);
    assert.equal(refresh.token_type, 'refresh_token');
    assert.equal(refresh.sub, sub);

    await oidc.tokenRevocation(config, tokens.refresh_token);
    assert.deepEqual(await oidc.tokenIntrospection(config, tokens.access_token), { active: false });
    assert.deepEqual(await oidc.tokenIntrospection(config, tokens.refresh_token), { active: false });
  });

  it('tells another client nothing about a token, and refuses a public client', async () => {
    const { tokens } = await pushedCodeFlow(await wiki(), WIKI_REDIRECT, 'openid');
    const vault = await discover('vault', oidc.ClientSecretBasic(VAULT_SECRET));
    assert.deepEqual(await oidc.tokenIntrospection(vault, tokens.access_token), { active: false });

    const response = await fetch(`${sesame.issuer}/konnect/v1/introspect`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: tokens.access_token, client_id: 'spa' }),
    });
    assert.equal(response.status, 401);
    assert.equal(((await response.json()) as { error?: string }).error, 'invalid_client');
  });
});
