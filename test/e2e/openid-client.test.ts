// End to end with a real relying party: panva's openid-client drives every flow against a
// real Sesame process and validates what comes back (ID token signature, iss, aud, nonce,
// at_hash, state, iss in the authorization response).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import { startSesame, type RunningSesame } from '../helpers/sesame-process.js';
import { CookieJar, follow, signInThroughPages } from '../helpers/http-login.js';

const WEB_REDIRECT = 'http://127.0.0.1:9/cb';
const NATIVE_REDIRECT = 'http://127.0.0.1/callback';
const alice = {
  username: 'alice',
  password: 'correct horse battery',
  email: 'alice@example.com',
  name: 'Alice Liddell',
  givenName: 'Alice',
  familyName: 'Liddell',
};

const registration = `
clients:
  - id: wiki
    name: Team Wiki
    secret: wiki-secret-0123456789
    insecure: yes
    trusted: yes
    redirect_uris: [${WEB_REDIRECT}]
    post_logout_redirect_uris: [http://127.0.0.1:9/bye]
  - id: cli-tool
    name: Command line tool
    application_type: native
    trusted: yes
    redirect_uris: [${NATIVE_REDIRECT}]
`;

let sesame: RunningSesame;

before(async () => {
  sesame = await startSesame({
    registration,
    users: [alice],
    extraConfig: 'lifetimes:\n  refresh_grace: 1s',
  });
});
after(async () => {
  await sesame?.stop();
});

async function discover(clientId: string, auth: oidc.ClientAuth): Promise<oidc.Configuration> {
  return oidc.discovery(new URL(sesame.issuer), clientId, undefined, auth, {
    execute: [oidc.allowInsecureRequests],
  });
}

interface Flow {
  readonly tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
  readonly nonce: string;
  readonly callback: URL;
  readonly jar: CookieJar;
}

/** Authorization code flow with PKCE and nonce, signing in through Sesame's pages. */
async function codeFlow(
  config: oidc.Configuration,
  redirectUri: string,
  scope: string,
  jar = new CookieJar(),
): Promise<Flow> {
  const verifier = oidc.randomPKCECodeVerifier();
  const nonce = oidc.randomNonce();
  const state = oidc.randomState();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    nonce,
    state,
  });
  const landed = await signInThroughPages(jar, sesame.issuer, url.toString(), alice.username, alice.password);
  assert.equal(
    landed.status,
    302,
    `expected a redirect to the client, got ${landed.status} at ${landed.url}`,
  );
  const callback = new URL(landed.url);
  const tokens = await oidc.authorizationCodeGrant(config, callback, {
    pkceCodeVerifier: verifier,
    expectedNonce: nonce,
    expectedState: state,
    idTokenExpected: true,
  });
  return { tokens, nonce, callback, jar };
}

/** An authorization URL for the web client with a throw-away PKCE challenge, plus `extra`. */
async function webAuthorizationUrl(
  config: oidc.Configuration,
  extra: Record<string, string>,
): Promise<string> {
  const challenge = await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier());
  return oidc
    .buildAuthorizationUrl(config, {
      redirect_uri: WEB_REDIRECT,
      scope: 'openid',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      ...extra,
    })
    .toString();
}

/**
 * Matches an openid-client failure by OAuth error code: from the JSON body
 * (ResponseBodyError) or from a WWW-Authenticate challenge (401s).
 */
function oauthError(expected: string, status?: number) {
  return (err: unknown): boolean => {
    const e = err as { error?: string; status?: number; cause?: unknown };
    const challenges = Array.isArray(e.cause) ? (e.cause as { parameters?: { error?: string } }[]) : [];
    const code = e.error ?? challenges.find((c) => c.parameters?.error)?.parameters?.error;
    if (status !== undefined) assert.equal(e.status, status);
    if (code !== undefined || status === undefined) assert.equal(code, expected);
    return true;
  };
}

async function postToken(
  body: Record<string, string>,
  basic?: string,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (basic) headers.authorization = `Basic ${Buffer.from(basic).toString('base64')}`;
  const response = await fetch(`${sesame.issuer}/konnect/v1/token`, {
    method: 'POST',
    headers,
    body: new URLSearchParams(body),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

describe('discovery', () => {
  it('publishes Konnect endpoint paths and what Sesame supports', async () => {
    const config = await discover('wiki', oidc.ClientSecretBasic('wiki-secret-0123456789'));
    const meta = config.serverMetadata();
    assert.equal(meta.issuer, sesame.issuer);
    assert.equal(meta.authorization_endpoint, `${sesame.issuer}/signin/v1/identifier/_/authorize`);
    assert.equal(meta.token_endpoint, `${sesame.issuer}/konnect/v1/token`);
    assert.equal(meta.userinfo_endpoint, `${sesame.issuer}/konnect/v1/userinfo`);
    assert.equal(meta.end_session_endpoint, `${sesame.issuer}/signin/v1/identifier/_/endsession`);
    assert.equal(meta.jwks_uri, `${sesame.issuer}/konnect/v1/jwks.json`);
    assert.ok(meta.response_types_supported?.includes('code'));
    assert.deepEqual(meta.code_challenge_methods_supported, ['S256']);
    assert.ok(meta.scopes_supported?.includes('konnect/hashed_sub'));
    const jwks = await fetch(meta.jwks_uri!);
    assert.match(jwks.headers.get('content-type') ?? '', /^application\/jwk-set\+json/);
  });
});

describe('authorization code flow, confidential client', () => {
  it('signs in with client_secret_basic, PKCE and nonce, and the ID token validates', async () => {
    const config = await discover('wiki', oidc.ClientSecretBasic('wiki-secret-0123456789'));
    const { tokens, nonce } = await codeFlow(config, WEB_REDIRECT, 'openid profile email');
    const claims = tokens.claims();
    assert.ok(claims);
    assert.equal(claims.iss, sesame.issuer);
    assert.equal(claims.aud, 'wiki');
    assert.equal(claims.nonce, nonce);
    assert.match(claims.sub, /^[A-Za-z0-9_-]{86}@konnect$/);
    assert.equal(typeof claims.auth_time, 'number');
    assert.equal(typeof claims.sid, 'string');
    assert.equal(typeof claims.at_hash, 'string');
    assert.equal(tokens.token_type.toLowerCase(), 'bearer');
    assert.equal(tokens.refresh_token, undefined, 'no refresh token without offline_access');

    const info = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
    assert.deepEqual(info, {
      sub: claims.sub,
      name: alice.name,
      given_name: alice.givenName,
      family_name: alice.familyName,
      preferred_username: alice.username,
      email: alice.email,
      email_verified: false,
    });
  });

  it('authenticates with client_secret_post as well', async () => {
    const config = await discover('wiki', oidc.ClientSecretPost('wiki-secret-0123456789'));
    const { tokens } = await codeFlow(config, WEB_REDIRECT, 'openid konnect/hashed_sub');
    const info = await oidc.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub);
    assert.deepEqual(Object.keys(info), ['sub'], 'openid alone releases only sub');
  });

  it('gives the same sub to the same user on every sign-in', async () => {
    const config = await discover('wiki', oidc.ClientSecretBasic('wiki-secret-0123456789'));
    const first = await codeFlow(config, WEB_REDIRECT, 'openid');
    const second = await codeFlow(config, WEB_REDIRECT, 'openid');
    assert.equal(first.tokens.claims()!.sub, second.tokens.claims()!.sub);
  });

  it('refuses a reused authorization code and revokes the tokens it issued', async () => {
    const config = await discover('wiki', oidc.ClientSecretBasic('wiki-secret-0123456789'));
    const { tokens, callback } = await codeFlow(config, WEB_REDIRECT, 'openid profile');
    const code = callback.searchParams.get('code')!;
    const again = await postToken(
      { grant_type: 'authorization_code', code, redirect_uri: WEB_REDIRECT },
      'wiki:wiki-secret-0123456789',
    );
    assert.equal(again.status, 400);
    assert.equal(again.json.error, 'invalid_grant');
    await assert.rejects(
      oidc.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub),
      oauthError('invalid_token', 401),
    );
  });

  it('refuses a wrong client secret with invalid_client', async () => {
    const config = await discover('wiki', oidc.ClientSecretBasic('not-the-secret'));
    await assert.rejects(codeFlow(config, WEB_REDIRECT, 'openid'), oauthError('invalid_client', 401));
  });
});

describe('refresh tokens', () => {
  it('issues a refresh token for offline_access and rotates it on every use', async () => {
    const config = await discover('wiki', oidc.ClientSecretBasic('wiki-secret-0123456789'));
    const { tokens } = await codeFlow(config, WEB_REDIRECT, 'openid profile offline_access');
    assert.ok(tokens.refresh_token);
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token);
    assert.ok(refreshed.refresh_token);
    assert.notEqual(refreshed.refresh_token, tokens.refresh_token);
    assert.equal(refreshed.claims()?.sub, tokens.claims()?.sub);
    const info = await oidc.fetchUserInfo(config, refreshed.access_token, tokens.claims()!.sub);
    assert.equal(info.preferred_username, alice.username);
  });

  it('accepts a retry of the same refresh within the grace window, and the answer it replaced is dead', async () => {
    const config = await discover('wiki', oidc.ClientSecretBasic('wiki-secret-0123456789'));
    const { tokens } = await codeFlow(config, WEB_REDIRECT, 'openid offline_access');
    const lost = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    const retry = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    const next = await oidc.refreshTokenGrant(config, retry.refresh_token!);
    assert.ok(next.access_token);
    assert.notEqual(lost.refresh_token, retry.refresh_token);
    // Whoever holds the withdrawn answer is not the client that retried: reuse, family revoked.
    await assert.rejects(
      oidc.refreshTokenGrant(config, lost.refresh_token!),
      oauthError('invalid_grant', 400),
    );
    await assert.rejects(
      oidc.refreshTokenGrant(config, next.refresh_token!),
      oauthError('invalid_grant', 400),
    );
  });

  it('detects reuse of a rotated refresh token and revokes the whole family', async () => {
    const config = await discover('wiki', oidc.ClientSecretBasic('wiki-secret-0123456789'));
    const { tokens } = await codeFlow(config, WEB_REDIRECT, 'openid offline_access');
    const rotated = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    await new Promise((r) => setTimeout(r, 1500)); // past the 1 s grace window
    await assert.rejects(
      oidc.refreshTokenGrant(config, tokens.refresh_token!),
      oauthError('invalid_grant', 400),
    );
    // The successor and its access token are revoked with the family.
    await assert.rejects(
      oidc.refreshTokenGrant(config, rotated.refresh_token!),
      oauthError('invalid_grant', 400),
    );
    await assert.rejects(
      oidc.fetchUserInfo(config, rotated.access_token, tokens.claims()!.sub),
      oauthError('invalid_token', 401),
    );
  });
});

describe('public client', () => {
  it('signs in a native app with PKCE and no secret', async () => {
    const config = await discover('cli-tool', oidc.None());
    const { tokens } = await codeFlow(
      config,
      NATIVE_REDIRECT.replace('127.0.0.1', '127.0.0.1:53117'),
      'openid email',
    );
    const info = await oidc.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub);
    assert.equal(info.email, alice.email);
  });

  it('refuses a secret sent by a public client', async () => {
    const result = await postToken({
      grant_type: 'authorization_code',
      code: 'x',
      redirect_uri: NATIVE_REDIRECT,
      client_id: 'cli-tool',
      client_secret: 'guess',
    });
    assert.equal(result.status, 401);
    assert.equal(result.json.error, 'invalid_client');
  });
});

describe('end session', () => {
  it('ends the session with id_token_hint and returns to the registered URI with state', async () => {
    const config = await discover('wiki', oidc.ClientSecretBasic('wiki-secret-0123456789'));
    const { tokens, jar } = await codeFlow(config, WEB_REDIRECT, 'openid');
    const url = oidc.buildEndSessionUrl(config, {
      id_token_hint: tokens.id_token!,
      post_logout_redirect_uri: 'http://127.0.0.1:9/bye',
      state: 'bye-state',
    });
    const landed = await follow(jar, sesame.issuer, url.toString());
    assert.equal(landed.url, 'http://127.0.0.1:9/bye?state=bye-state');

    // The session is gone on the server: prompt=none now reports login_required.
    const silent = await webAuthorizationUrl(config, { prompt: 'none', state: 's' });
    const after = await follow(jar, sesame.issuer, silent);
    assert.equal(new URL(after.url).searchParams.get('error'), 'login_required');
  });

  it('keeps the session while signed in when prompt=none is used', async () => {
    const config = await discover('wiki', oidc.ClientSecretBasic('wiki-secret-0123456789'));
    const { jar } = await codeFlow(config, WEB_REDIRECT, 'openid');
    const silent = await webAuthorizationUrl(config, { prompt: 'none', state: 's' });
    const landed = await follow(jar, sesame.issuer, silent);
    assert.ok(new URL(landed.url).searchParams.get('code'));
  });

  it('refuses an unregistered post_logout_redirect_uri with a page, not a redirect', async () => {
    const config = await discover('wiki', oidc.ClientSecretBasic('wiki-secret-0123456789'));
    const { tokens, jar } = await codeFlow(config, WEB_REDIRECT, 'openid');
    const url = oidc.buildEndSessionUrl(config, {
      id_token_hint: tokens.id_token!,
      post_logout_redirect_uri: 'https://evil.example/',
    });
    const page = await follow(jar, sesame.issuer, url.toString());
    assert.equal(page.status, 400);
    assert.ok(page.url.startsWith(sesame.issuer));
  });
});

describe('response modes', () => {
  it('answers response_mode=form_post with a page that posts the code to the redirect URI', async () => {
    const config = await discover('wiki', oidc.ClientSecretBasic('wiki-secret-0123456789'));
    const jar = new CookieJar();
    await codeFlow(config, WEB_REDIRECT, 'openid', jar); // signed in now
    const url = await webAuthorizationUrl(config, { state: 'fp-state', response_mode: 'form_post' });
    const page = await follow(jar, sesame.issuer, url);
    assert.equal(page.status, 200);
    assert.match(
      page.body,
      new RegExp(
        `<form[^>]*method="post"[^>]*action="${WEB_REDIRECT}"|<form[^>]*action="${WEB_REDIRECT}"[^>]*method="post"`,
        'i',
      ),
    );
    assert.match(page.body, /name="code" value="[A-Za-z0-9_-]{43}"/);
    assert.match(page.body, /name="state" value="fp-state"/);
  });

  it('answers response_mode=fragment with the code after #', async () => {
    const config = await discover('wiki', oidc.ClientSecretBasic('wiki-secret-0123456789'));
    const jar = new CookieJar();
    await codeFlow(config, WEB_REDIRECT, 'openid', jar);
    const url = await webAuthorizationUrl(config, { state: 'frag', response_mode: 'fragment' });
    const landed = await follow(jar, sesame.issuer, url);
    const fragment = new URLSearchParams(new URL(landed.url).hash.slice(1));
    assert.ok(fragment.get('code'));
    assert.equal(fragment.get('state'), 'frag');
    assert.equal(new URL(landed.url).search, '');
  });
});

describe('client registry hot reload', () => {
  it('picks up a client added to the registration file after SIGHUP, and keeps the last good file when an edit is broken', async () => {
    const { readFile, writeFile } = await import('node:fs/promises');
    const original = await readFile(sesame.registrationFile, 'utf8');
    const discoverNew = () => discover('added-later', oidc.ClientSecretBasic('added-secret-123456'));
    const added = `${original}  - id: added-later\n    secret: added-secret-123456\n    insecure: yes\n    trusted: yes\n    redirect_uris: [${WEB_REDIRECT}]\n`;
    await writeFile(sesame.registrationFile, added);
    sesame.signal('SIGHUP');
    const deadline = Date.now() + 5000;
    let landed;
    while (Date.now() < deadline) {
      const config = await discoverNew();
      const url = await webAuthorizationUrl(config, { state: 'x' });
      landed = await follow(new CookieJar(), sesame.issuer, url);
      if (landed.url.includes('/signin/v1/identifier')) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.ok(landed?.url.includes('/signin/v1/identifier'), 'the new client is accepted');

    await writeFile(sesame.registrationFile, `${added}  - id: [broken\n`);
    sesame.signal('SIGHUP');
    // The broken file is reported, with its line, once the reload has parsed it.
    const reported = Date.now() + 15_000;
    while (!/identifier-registration\.yaml:\d+:\d+/.test(sesame.logs()) && Date.now() < reported)
      await new Promise((r) => setTimeout(r, 100));
    const config = await discoverNew();
    const url = await webAuthorizationUrl(config, { state: 'x' });
    const still = await follow(new CookieJar(), sesame.issuer, url);
    assert.ok(still.url.includes('/signin/v1/identifier'), 'the last good registry is still in use');
    assert.match(sesame.logs(), /identifier-registration\.yaml:\d+:\d+/);
    await writeFile(sesame.registrationFile, original);
  });
});
