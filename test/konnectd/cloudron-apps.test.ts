// The two relying parties of the Cloudron guide, exactly as they talk to Konnect
// (konnect-spec §9), against `konnectd serve --config konnectd.cfg ldap` over a real slapd.
// The expected `sub` is computed here from the DN, independently of Sesame's code.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { blake2b } from '@noble/hashes/blake2.js';
import { startSlapd, type RunningSlapd } from '../helpers/slapd.js';
import { freePort, waitUntilReady } from '../helpers/sesame-process.js';
import { CookieJar, follow, submit } from '../helpers/http-login.js';

const repo = resolve(import.meta.dirname, '../..');
const entry = join(repo, 'test/konnectd/run-konnectd.ts');
const tsx = import.meta.resolve('tsx');

const NEXTCLOUD_REDIRECT = 'https://cloud.example.com/index.php/apps/sociallogin/custom_oidc/CloudronMeet';
const ROCKETCHAT_REDIRECT = 'https://chat.example.com/_oauth/meet';
const TESTUSER_DN = 'cn=testuser,ou=users,dc=cloudron';

/** konnect-spec §5.1, written out here rather than imported from src/. */
function expectedSub(rawId: string): string {
  const mac = blake2b(new TextEncoder().encode(`${rawId} identifier-ldap`), {
    key: new TextEncoder().encode('konnect-IDToken-v1'),
    dkLen: 64,
  });
  return `${Buffer.from(mac).toString('base64url')}@konnect`;
}

/** What hybridauth does with an id_token: decode the payload, verify nothing (§9.1). */
function decodePayload(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
}

let slapd: RunningSlapd;
let dir: string;
let issuer: string;
let child: ChildProcess;
let log = '';

before(async () => {
  slapd = await startSlapd();
  dir = await mkdtemp(join(tmpdir(), 'sesame-cloudron-'));
  const port = await freePort();
  issuer = `http://127.0.0.1:${port}`;
  // The guide's entries: Nextcloud without a secret (any secret is then accepted), Rocket.Chat with one.
  await writeFile(
    join(dir, 'identifier-registration.yaml'),
    [
      'clients:',
      '  - id: cloud.example.com',
      '    application_type: web',
      '    name: Nextcloud Cloudron',
      '    trusted: yes',
      '    redirect_uris:',
      `      - ${NEXTCLOUD_REDIRECT}`,
      '  - id: rocketchat',
      '    name: Rocket.Chat',
      '    secret: rocket-secret',
      '    trusted: yes',
      `    redirect_uris: [${ROCKETCHAT_REDIRECT}]`,
      '  - id: meeting-app',
      '    name: Meeting App',
      '    secret: meeting-secret',
      '    redirect_uris: [https://meet.example.com/cb]',
      '',
    ].join('\n'),
  );
  await writeFile(
    join(dir, 'identifier-scopes.yaml'),
    'scopes:\n  kopano/kwm:\n    description: "Use the video meeting server"\n    priority: 5\n',
  );
  await writeFile(
    join(dir, 'konnectd.cfg'),
    [
      `oidc_issuer_identifier=${issuer}`,
      `listen = 127.0.0.1:${port}`,
      `identifier_registration_conf = ${join(dir, 'identifier-registration.yaml')}`,
      `identifier_scopes_conf = ${join(dir, 'identifier-scopes.yaml')}`,
      `data_dir=${join(dir, 'data')}`,
      'identity_manager=ldap',
      `ldap_uri=${slapd.url}`,
      'ldap_binddn=cn=sesame,ou=services,dc=cloudron',
      'ldap_bindpw="service secret"',
      'ldap_basedn=ou=users,dc=cloudron',
      'log_level=debug',
      '',
    ].join('\n'),
  );
  child = spawn(process.execPath, ['--import', tsx, entry, 'serve', '--config', join(dir, 'konnectd.cfg')], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LDAP_TIMEOUT: '2', LDAP_GROUPS: 'memberOf' },
  });
  child.stdout?.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  const exited = new Promise<number>((done) => child.on('exit', (c) => done(c ?? 1)));
  await waitUntilReady(issuer, exited, () => log);
});

after(async () => {
  child?.kill('SIGTERM');
  await slapd?.destroy();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Signs in through the pages; returns where the browser is sent afterwards. */
async function signIn(authorize: URL, username: string, password: string, jar = new CookieJar()) {
  const page = await follow(jar, issuer, authorize.toString());
  assert.match(page.url, /\/signin\/v1\/identifier\?/);
  return submit(jar, issuer, page, { username, password });
}

function authorizeUrl(params: Record<string, string>): URL {
  const url = new URL('/signin/v1/identifier/_/authorize', issuer);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return url;
}

describe('Nextcloud Social Login (custom OpenID Connect), as in the Cloudron guide', () => {
  it('signs in with client_secret_post, no nonce and no PKCE, and maps to the same sub as Konnect', async () => {
    const state = 'HA-0123456789abcdefghijklmnopqrstuvwxyz';
    const landed = await signIn(
      authorizeUrl({
        response_type: 'code',
        client_id: 'cloud.example.com',
        redirect_uri: NEXTCLOUD_REDIRECT,
        scope: 'openid profile email konnect/hashed_sub',
        state,
      }),
      'testuser',
      'test',
    );
    const callback = new URL(landed.url);
    assert.equal(`${callback.origin}${callback.pathname}`, NEXTCLOUD_REDIRECT);
    assert.equal(callback.searchParams.get('state'), state);
    const code = callback.searchParams.get('code');
    assert.ok(code, 'a code comes back');

    // hybridauth insists on a secret even though the registration has none.
    const token = await fetch(new URL('/konnect/v1/token', issuer), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: 'cloud.example.com',
        client_secret: 'whatever-the-admin-typed',
        grant_type: 'authorization_code',
        redirect_uri: NEXTCLOUD_REDIRECT,
        code,
      }),
    });
    assert.equal(token.status, 200);
    const tokens = (await token.json()) as Record<string, string>;
    assert.ok(tokens.access_token);
    assert.ok(tokens.id_token, 'Nextcloud fails with "No id_token was found" without it');
    const sub = decodePayload(tokens.id_token!).sub;
    assert.equal(sub, expectedSub(TESTUSER_DN));
    assert.equal(
      sub,
      'zCcbxlB0lfIZ2HuebqoravlIb5WVT9XLe8-pakfdjnKFC9oF8J4k2Xvcoe1wJMboF7elLtNuUrwSUJzXlkPMAg@konnect',
    );

    const userinfo = await fetch(new URL('/konnect/v1/userinfo', issuer), {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    assert.equal(userinfo.status, 200);
    const claims = (await userinfo.json()) as Record<string, unknown>;
    assert.equal(claims.sub, sub);
    assert.equal(claims.name, 'testuser');
    assert.equal(claims.given_name, 'Test');
    assert.equal(claims.family_name, 'User');
    assert.equal(claims.preferred_username, 'testuser');
    assert.equal(claims.email, 'testuser@cloudron.example');
    assert.equal(claims.email_verified, false);
  });
});

describe('Rocket.Chat custom OAuth, as in the Cloudron guide', () => {
  async function rocketCode(scope = 'openid profile email'): Promise<string> {
    const state = Buffer.from(
      JSON.stringify({ loginStyle: 'redirect', credentialToken: 'abc', isCordova: false }),
    ).toString('base64');
    const landed = await signIn(
      authorizeUrl({
        client_id: 'rocketchat',
        redirect_uri: ROCKETCHAT_REDIRECT,
        response_type: 'code',
        state,
        scope,
      }),
      'testuser',
      'test',
    );
    const callback = new URL(landed.url);
    assert.equal(callback.searchParams.get('state'), state);
    return callback.searchParams.get('code') ?? assert.fail(`no code in ${landed.url}`);
  }

  /** A plain Basic-authenticated code exchange, for tests about what the tokens carry. */
  async function rocketTokens(code: string): Promise<Record<string, string>> {
    const token = await fetch(new URL('/konnect/v1/token', issuer), {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from('rocketchat:rocket-secret').toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({
        code,
        redirect_uri: ROCKETCHAT_REDIRECT,
        grant_type: 'authorization_code',
      }),
    });
    assert.equal(token.status, 200);
    return (await token.json()) as Record<string, string>;
  }

  it('redeems with Basic auth, Accept: application/json and an extra state field, then reads preferred_username', async () => {
    const code = await rocketCode();
    const token = await fetch(new URL('/konnect/v1/token', issuer), {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from('rocketchat:rocket-secret').toString('base64')}`,
        accept: 'application/json',
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({
        code,
        redirect_uri: ROCKETCHAT_REDIRECT,
        grant_type: 'authorization_code',
        state: 'x',
      }),
    });
    assert.equal(token.status, 200);
    const tokens = (await token.json()) as Record<string, unknown>;
    assert.equal(typeof tokens.expires_in, 'number');
    const identity = await fetch(new URL('/konnect/v1/userinfo', issuer), {
      headers: { authorization: `Bearer ${String(tokens.access_token)}` },
    });
    const claims = (await identity.json()) as Record<string, unknown>;
    assert.equal(claims.preferred_username, 'testuser');
    assert.equal(claims.sub, expectedSub(TESTUSER_DN));
    assert.equal(claims.id, undefined, 'no numeric id unless konnect/id is asked for');
  });

  it("accepts the fetch-based variant: parameters in the query of an empty POST, credentials without 'Basic '", async () => {
    const code = await rocketCode();
    const url = new URL('/konnect/v1/token', issuer);
    url.search = new URLSearchParams({
      code,
      redirect_uri: ROCKETCHAT_REDIRECT,
      grant_type: 'authorization_code',
      state: 'x',
    }).toString();
    const token = await fetch(url, {
      method: 'POST',
      headers: {
        authorization: Buffer.from('rocketchat:rocket-secret').toString('base64'),
        accept: 'application/json',
      },
    });
    assert.equal(token.status, 200, await token.clone().text());
    assert.match(log, /lenient|Rocket\.Chat/i, 'the relaxation is logged');
  });

  it('offers and grants the scopes defined in identifier-scopes.yaml, as Konnect did', async () => {
    const discovery = (await (await fetch(new URL('/.well-known/openid-configuration', issuer))).json()) as {
      scopes_supported: string[];
    };
    assert.ok(discovery.scopes_supported.includes('kopano/kwm'));
    const code = await rocketCode('openid kopano/kwm');
    assert.equal((await rocketTokens(code)).scope, 'openid kopano/kwm');
  });

  it("shows identifier-scopes.yaml's description on the consent page of an untrusted client", async () => {
    const consent = await signIn(
      authorizeUrl({
        client_id: 'meeting-app',
        redirect_uri: 'https://meet.example.com/cb',
        response_type: 'code',
        scope: 'openid kopano/kwm',
        state: 's',
      }),
      'testuser',
      'test',
    );
    assert.match(consent.url, /\/signin\/v1\/consent\?/);
    assert.match(consent.body, /Use the video meeting server/);
  });

  it('releases the groups claim with the groups scope', async () => {
    const code = await rocketCode('openid profile groups');
    const tokens = await rocketTokens(code);
    const identity = await fetch(new URL('/konnect/v1/userinfo', issuer), {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    const claims = (await identity.json()) as Record<string, unknown>;
    assert.deepEqual(claims.groups, ['admins']);
  });
});

describe("implicit trust: an unregistered client on the issuer's origin (konnect-spec §2.3)", () => {
  it('signs in without registration or consent, redeems its code as a public client, and is logged', async () => {
    const redirectUri = `${issuer}/meet/`;
    const landed = await signIn(
      authorizeUrl({
        client_id: 'kpop-meet',
        redirect_uri: redirectUri,
        response_type: 'code',
        scope: 'openid',
        state: 'm',
      }),
      'testuser',
      'test',
    );
    assert.ok(landed.url.startsWith(redirectUri), `landed at ${landed.url}`);
    const code = new URL(landed.url).searchParams.get('code');
    assert.ok(code);
    const token = await fetch(new URL('/konnect/v1/token', issuer), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: 'kpop-meet',
        grant_type: 'authorization_code',
        redirect_uri: redirectUri,
        code,
      }),
    });
    assert.equal(token.status, 200);
    assert.match(log, /accepted an unregistered client/);
  });

  it('does not extend to a redirect URI on another origin', async () => {
    const page = await follow(
      new CookieJar(),
      issuer,
      authorizeUrl({
        client_id: 'kpop-meet',
        redirect_uri: 'https://evil.example/meet/',
        response_type: 'code',
        scope: 'openid',
      }).toString(),
    );
    assert.equal(page.status, 400);
    assert.match(page.body, /not registered/);
  });
});

describe('sign-in against LDAP: wrong input and a directory outage', () => {
  const nextcloud = () =>
    authorizeUrl({
      response_type: 'code',
      client_id: 'cloud.example.com',
      redirect_uri: NEXTCLOUD_REDIRECT,
      scope: 'openid',
      state: 's',
    });

  for (const [name, username, password] of [
    ['a wrong password', 'testuser', 'wrong'],
    ['an unknown user', 'nobody', 'whatever'],
    ['an LDAP-injection username', '*)(uid=*', 'test'],
    ['a wildcard username', '*', 'test'],
  ] as const) {
    it(`answers ${name} with the one generic message and no crash`, async () => {
      const page = await signIn(nextcloud(), username, password);
      assert.equal(page.status, 401);
      assert.match(page.body, /role="alert"/);
      assert.match(page.body, /The username or password is incorrect\./);
    });
  }

  it('says the service is temporarily unavailable while LDAP is down (503 on userinfo), and recovers by itself', async () => {
    // A token issued before the outage, to call userinfo with during it.
    const before = await signIn(nextcloud(), 'testuser', 'test');
    const code = new URL(before.url).searchParams.get('code')!;
    const token = await fetch(new URL('/konnect/v1/token', issuer), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: 'cloud.example.com',
        client_secret: 'x',
        grant_type: 'authorization_code',
        redirect_uri: NEXTCLOUD_REDIRECT,
        code,
      }),
    });
    const { access_token } = (await token.json()) as { access_token: string };

    await slapd.stop();
    try {
      const page = await signIn(nextcloud(), 'testuser', 'test');
      assert.equal(page.status, 503);
      assert.match(page.body, /temporarily unavailable/i);
      // Userinfo may answer from the user read of the last 2 s (DESIGN.md, "Where the hot paths
      // save work"); after that it says the directory is down.
      const deadline = Date.now() + 5000;
      let userinfo: Response;
      for (;;) {
        userinfo = await fetch(new URL('/konnect/v1/userinfo', issuer), {
          headers: { authorization: `Bearer ${access_token}` },
        });
        if (userinfo.status !== 200 || Date.now() > deadline) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      assert.equal(userinfo.status, 503);
      assert.equal(((await userinfo.json()) as { error: string }).error, 'temporarily_unavailable');
    } finally {
      await slapd.start();
    }
    const again = await signIn(nextcloud(), 'testuser', 'test');
    assert.ok(new URL(again.url).searchParams.get('code'), 'signs in again once the directory is back');
    assert.equal(child.exitCode, null, 'the server is still running');
  });
});
