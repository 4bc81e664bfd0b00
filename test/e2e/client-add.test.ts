// Connect an app in one command (issue 10): `sesame client add <preset>` against a running
// server's configuration; the server picks the client up by itself (it watches the file), and
// panva's openid-client, acting as that app with the printed id, secret, redirect URI and
// scope, signs a user in through the pages and gets tokens — the same way the app would send
// its secret (Nextcloud in the body, Rocket.Chat in a Basic header).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import { sesameCli, startSesame, type RunningSesame } from '../helpers/sesame-process.js';
import { CookieJar, signInThroughPages } from '../helpers/http-login.js';
import { presets } from '../../src/cli/presets/all.js';

const alice = {
  username: 'alice',
  password: 'correct horse battery',
  email: 'alice@example.com',
  name: 'Alice Liddell',
};

/** The app's address: nothing listens there; the browser's last redirect is only read. */
const APP = 'http://127.0.0.1:9';

let sesame: RunningSesame;
before(async () => {
  sesame = await startSesame({
    registration: '# Apps connected with sesame client add\nclients:\n',
    users: [alice],
  });
});
after(async () => {
  await sesame?.stop();
});

/** The values `sesame client add` printed, read back as an operator would copy them. */
interface Printed {
  readonly clientId: string;
  readonly secret: string;
  readonly redirectUris: readonly string[];
  /** The value printed under `label` in the app's form. */
  field(label: string): string;
}

function readPrinted(stdout: string): Printed {
  const value = (label: string): string => {
    const match = new RegExp(`^ {2}${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} +(\\S.*)$`, 'm').exec(
      stdout,
    );
    assert.ok(match, `printed a value for "${label}":\n${stdout}`);
    return match[1] as string;
  };
  const block = /^ {2}Redirect URIs +(.*)\n((?: {5,}\S.*\n)*)/m.exec(stdout);
  assert.ok(block, 'printed the redirect URIs');
  const more = (block[2] ?? '').split('\n').map((line) => line.trim());
  return {
    clientId: value('Client id'),
    secret: value('Client secret'),
    redirectUris: [block[1] as string, ...more.filter((line) => line !== '' && !line.startsWith('('))],
    field: value,
  };
}

async function clientAdd(args: readonly string[]): Promise<Printed> {
  const result = await sesameCli(['client', 'add', ...args, '--config', sesame.configFile]);
  assert.equal(result.code, 0, result.stderr);
  return readPrinted(result.stdout);
}

/** Whether the server takes an authorization request from the client (on to the sign-in page). */
async function accepts(clientId: string, redirectUri: string): Promise<boolean> {
  const url = new URL('/signin/v1/identifier/_/authorize', sesame.issuer);
  url.search = new URLSearchParams({
    client_id: clientId,
    redirect_uri: redirectUri,
    response_type: 'code',
    scope: 'openid',
    state: 's',
  }).toString();
  const response = await fetch(url, { redirect: 'manual' });
  await response.body?.cancel();
  return response.status >= 300 && response.status < 400;
}

async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  const until = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > until) assert.fail(`${what}: not in time\n${sesame.logs().slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * The authorization code flow as the app runs it: its redirect URI and scope, its way of
 * sending the secret, PKCE and nonce only where the app uses them. Returns the userinfo.
 */
async function signInAs(
  app: Printed,
  redirectUri: string,
  scope: string,
  auth: oidc.ClientAuth,
  withPkce: boolean,
): Promise<oidc.UserInfoResponse> {
  const config = await oidc.discovery(new URL(sesame.issuer), app.clientId, undefined, auth, {
    execute: [oidc.allowInsecureRequests],
  });
  const state = oidc.randomState();
  const verifier = oidc.randomPKCECodeVerifier();
  const nonce = oidc.randomNonce();
  const extra: Record<string, string> = withPkce
    ? {
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        nonce,
      }
    : {};
  const url = oidc.buildAuthorizationUrl(config, { redirect_uri: redirectUri, scope, state, ...extra });
  const landed = await signInThroughPages(
    new CookieJar(),
    sesame.issuer,
    url.toString(),
    alice.username,
    alice.password,
  );
  assert.equal(
    landed.status,
    302,
    `a redirect to the app (no consent page: trusted), got ${landed.status} at ${landed.url}`,
  );
  // The registered URI, its own query kept (WordPress's has one), with the response appended.
  const expected = new URL(redirectUri);
  const got = new URL(landed.url);
  assert.equal(`${got.origin}${got.pathname}`, `${expected.origin}${expected.pathname}`, landed.url);
  for (const [key, value] of expected.searchParams)
    assert.equal(got.searchParams.get(key), value, landed.url);
  if (expected.search !== '') return redeemByHand(config, got, redirectUri, auth, withPkce ? verifier : null);
  const tokens = await oidc.authorizationCodeGrant(config, got, {
    expectedState: state,
    idTokenExpected: true,
    ...(withPkce ? { pkceCodeVerifier: verifier, expectedNonce: nonce } : {}),
  });
  const sub = tokens.claims()?.sub;
  assert.ok(sub, 'the ID token names the user');
  return oidc.fetchUserInfo(config, tokens.access_token, sub);
}

/**
 * The token request and userinfo as an app whose redirect URI has a query of its own sends
 * them (WordPress: `admin-ajax.php?action=…`), by hand: openid-client derives the token
 * request's redirect_uri from the callback URL without its query.
 */
async function redeemByHand(
  config: oidc.Configuration,
  callback: URL,
  redirectUri: string,
  auth: oidc.ClientAuth,
  verifier: string | null,
): Promise<oidc.UserInfoResponse> {
  const meta = config.serverMetadata();
  const form = new URLSearchParams({
    grant_type: 'authorization_code',
    code: callback.searchParams.get('code') ?? '',
    redirect_uri: redirectUri,
    ...(verifier === null ? {} : { code_verifier: verifier }),
  });
  const headers = new Headers({ 'content-type': 'application/x-www-form-urlencoded' });
  await auth(meta, config.clientMetadata(), form, headers);
  const response = await fetch(String(meta.token_endpoint), { method: 'POST', headers, body: form });
  const tokens = (await response.json()) as Record<string, unknown>;
  assert.equal(response.status, 200, JSON.stringify(tokens));
  assert.equal(typeof tokens.id_token, 'string', 'an ID token');
  const userinfo = await fetch(String(meta.userinfo_endpoint), {
    headers: { authorization: `Bearer ${String(tokens.access_token)}` },
  });
  assert.equal(userinfo.status, 200);
  return (await userinfo.json()) as oidc.UserInfoResponse;
}

describe('sesame client add, against a running server', () => {
  it('nextcloud: the printed Social Login values sign a user in, with or without /index.php', async () => {
    const app = await clientAdd(['nextcloud', '--url', `${APP}/cloud`]);
    assert.deepEqual(app.redirectUris, [
      `${APP}/cloud/index.php/apps/sociallogin/custom_oidc/sesame`,
      `${APP}/cloud/apps/sociallogin/custom_oidc/sesame`,
    ]);
    assert.equal(app.field('Client Secret'), app.secret);
    assert.equal(app.field('Token url'), `${sesame.issuer}/konnect/v1/token`);
    for (const uri of app.redirectUris) {
      await eventually(() => accepts(app.clientId, uri), `the server serves ${app.clientId} at ${uri}`);
    }
    const user = await signInAs(
      app,
      app.redirectUris[1] as string,
      app.field('Scope'),
      oidc.ClientSecretPost(app.field('Client Secret')),
      false,
    );
    assert.equal(user.email, alice.email);
    assert.equal(user.name, alice.name);
  });

  it('rocketchat: the printed custom OAuth values sign a user in, the secret in a Basic header', async () => {
    const app = await clientAdd(['rocketchat', '--url', APP]);
    assert.deepEqual(app.redirectUris, [`${APP}/_oauth/sesame`]);
    assert.equal(app.field('Token Sent Via'), 'Header');
    assert.equal(
      new URL(app.field('Token Path'), app.field('URL')).toString(),
      `${sesame.issuer}/konnect/v1/token`,
    );
    await eventually(
      () => accepts(app.clientId, app.redirectUris[0] as string),
      'the server serves rocketchat',
    );
    const user = await signInAs(
      app,
      app.redirectUris[0] as string,
      app.field('Scope'),
      oidc.ClientSecretBasic(app.field('Secret')),
      false,
    );
    assert.equal(user[app.field('Username field')], alice.username);
    assert.equal(user[app.field('Email field')], alice.email);
  });

  it('generic: the given redirect URI and the printed values work for a relying party with PKCE', async () => {
    const app = await clientAdd([
      'generic',
      '--redirect-uri',
      `${APP}/oidc/callback`,
      '--id',
      'tool',
      '--trusted',
    ]);
    assert.equal(app.field('Discovery URL'), `${sesame.issuer}/.well-known/openid-configuration`);
    await eventually(() => accepts('tool', `${APP}/oidc/callback`), 'the server serves tool');
    const user = await signInAs(
      app,
      `${APP}/oidc/callback`,
      app.field('Scopes'),
      oidc.ClientSecretBasic(app.field('Client secret')),
      true,
    );
    assert.equal(user.preferred_username, alice.username);
  });

  // The presets that print a config snippet or a form of their own: the written client, with
  // the preset's scopes and its way of sending the secret, signs a user in as that app would.
  for (const name of ['gitlab', 'grafana', 'wordpress', 'matrix-synapse', 'outline', 'portainer']) {
    it(`${name}: the written client signs a user in with the preset's scopes and secret method`, async () => {
      const preset = presets.get(name);
      assert.ok(preset, name);
      const app = await clientAdd([name, '--url', `${APP}/${name}`]);
      const [redirectUri] = app.redirectUris;
      assert.ok(redirectUri?.startsWith(`${APP}/${name}/`), `printed ${String(redirectUri)}`);
      await eventually(() => accepts(app.clientId, redirectUri), `the server serves ${name}`);
      const auth =
        preset.tokenEndpointAuthMethod === 'client_secret_post'
          ? oidc.ClientSecretPost(app.secret)
          : oidc.ClientSecretBasic(app.secret);
      const user = await signInAs(app, redirectUri, preset.scopes.join(' '), auth, true);
      assert.equal(user.preferred_username, alice.username);
      assert.equal(user.email, alice.email);
    });
  }

  it('sesame client remove: the server drops the client by itself', async () => {
    const result = await sesameCli(['client', 'remove', 'tool', '--config', sesame.configFile]);
    assert.equal(result.code, 0, result.stderr);
    await eventually(async () => !(await accepts('tool', `${APP}/oidc/callback`)), 'the server drops tool');
    assert.equal(await accepts('rocketchat', `${APP}/_oauth/sesame`), true, 'the other clients stay');
  });
});
