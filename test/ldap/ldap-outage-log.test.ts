// An LDAP outage as the operator reads it in the log of a real Sesame process: one line when
// the directory goes away and one when it is back — not an error with a stack per request.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CookieJar, follow, request, signInThroughPages, submit } from '../helpers/http-login.js';
import { startSesame, type RunningSesame } from '../helpers/sesame-process.js';
import { startSlapd, type RunningSlapd } from '../helpers/slapd.js';

const REDIRECT = 'http://127.0.0.1:9/cb';
const BASIC = `Basic ${Buffer.from('app:app-secret-123456').toString('base64')}`;

interface LogLine {
  /** Sesame logs level labels. */
  readonly level: string;
  readonly msg: string;
  readonly reason?: string;
  readonly stack?: string;
}

let slapd: RunningSlapd;
let sesame: RunningSesame;

before(async () => {
  slapd = await startSlapd();
  sesame = await startSesame({
    registration: `clients:\n  - id: app\n    secret: app-secret-123456\n    insecure: yes\n    trusted: yes\n    redirect_uris: [${REDIRECT}]\n`,
    extraConfig: 'identity: ldap\ndemo: false\n',
    env: {
      LDAP_URI: slapd.url,
      LDAP_BINDDN: 'cn=sesame,ou=services,dc=cloudron',
      LDAP_BINDPW: 'service secret',
      LDAP_BASEDN: 'ou=users,dc=cloudron',
      LDAP_TIMEOUT: '2',
    },
  });
});
after(async () => {
  await sesame?.stop();
  await slapd?.destroy();
});

/** The log lines written after `from` characters of the log, once it has settled. */
async function linesSince(from: number): Promise<LogLine[]> {
  await new Promise((done) => setTimeout(done, 300));
  return sesame
    .logs()
    .slice(from)
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine);
}

function isLoud(line: LogLine): boolean {
  return ['warn', 'error', 'fatal'].includes(line.level);
}

function authorizeUrl(scope: string): string {
  const url = new URL('/signin/v1/identifier/_/authorize', sesame.issuer);
  url.search = new URLSearchParams({
    client_id: 'app',
    redirect_uri: REDIRECT,
    response_type: 'code',
    scope,
    state: 's',
  }).toString();
  return url.toString();
}

async function tokenRequest(form: Record<string, string>): Promise<Response> {
  return fetch(`${sesame.issuer}/konnect/v1/token`, {
    method: 'POST',
    headers: { authorization: BASIC, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form),
  });
}

describe('LDAP outage in the log', () => {
  it('logs one line when the directory goes away and one when it is back, however many requests fail', async () => {
    // Before the outage: a signed-in browser, an access token and a refresh token for alice.
    const jar = new CookieJar();
    const landed = await signInThroughPages(
      jar,
      sesame.issuer,
      authorizeUrl('openid offline_access'),
      'alice',
      'alice password',
    );
    const code = new URL(landed.url).searchParams.get('code');
    assert.ok(code, landed.url);
    const tokens = (await (
      await tokenRequest({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT })
    ).json()) as { access_token: string; refresh_token: string };
    assert.ok(tokens.access_token && tokens.refresh_token);

    await slapd.stop();
    const outageStart = sesame.logs().length;
    let requests = 0;
    for (let i = 0; i < 20; i++) {
      const fresh = new CookieJar();
      const page = await follow(fresh, sesame.issuer, `${sesame.issuer}/signin/v1/identifier`);
      const answer = await submit(fresh, sesame.issuer, page, {
        username: 'alice',
        password: 'alice password',
      });
      assert.equal(answer.status, 503);
      requests++;
    }
    for (let i = 0; i < 10; i++) {
      const userinfo = await fetch(`${sesame.issuer}/konnect/v1/userinfo`, {
        headers: { authorization: `Bearer ${tokens.access_token}` },
      });
      assert.equal(userinfo.status, 503);
      requests++;
    }
    for (let i = 0; i < 10; i++) {
      const refreshed = await tokenRequest({
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token,
      });
      assert.equal(refreshed.status, 503);
      requests++;
    }
    for (let i = 0; i < 5; i++) {
      const welcome = await request(jar, `${sesame.issuer}/signin/v1/identifier`);
      assert.equal(welcome.status, 503);
      requests++;
    }
    for (let i = 0; i < 5; i++) {
      // The session suffices for a code; redeeming it needs the user.
      const redirect = await request(jar, authorizeUrl('openid'));
      const issued = new URL(redirect.headers.get('location') ?? '').searchParams.get('code') ?? '';
      const exchanged = await tokenRequest({
        grant_type: 'authorization_code',
        code: issued,
        redirect_uri: REDIRECT,
      });
      assert.equal(exchanged.status, 503);
      requests++;
    }
    assert.equal(requests, 50);

    const during = await linesSince(outageStart);
    const loud = during.filter(isLoud);
    assert.equal(loud.length, 1, JSON.stringify(loud, null, 1));
    assert.equal(loud[0]?.level, 'warn');
    assert.match(
      loud[0]?.msg ?? '',
      /^LDAP directory unreachable since \d{4}-\d\d-\d\dT[\d:.]+Z: .*ECONNREFUSED/,
    );
    // Besides that line, one quiet line per failed request, saying where and why.
    const quiet = during.filter((line) => !isLoud(line) && /unavailable|LDAP/.test(line.msg));
    assert.equal(quiet.length, requests, JSON.stringify(quiet.slice(0, 3), null, 1));
    assert.ok(quiet.every((line) => line.level === 'debug' && /ECONNREFUSED/.test(line.reason ?? '')));
    assert.ok(
      during.every((line) => line.stack === undefined && !JSON.stringify(line).includes('\\n    at ')),
    );

    await slapd.start();
    const recoveryStart = sesame.logs().length;
    const jarAfter = new CookieJar();
    const page = await follow(jarAfter, sesame.issuer, `${sesame.issuer}/signin/v1/identifier`);
    const signedIn = await submit(jarAfter, sesame.issuer, page, {
      username: 'alice',
      password: 'alice password',
    });
    assert.equal(signedIn.status, 200);
    // The directory counts as back after three answers in a row; these give one each.
    for (let i = 0; i < 3; i++) {
      const userinfo = await fetch(`${sesame.issuer}/konnect/v1/userinfo`, {
        headers: { authorization: `Bearer ${tokens.access_token}` },
      });
      assert.equal(userinfo.status, 200);
    }

    const recovery = (await linesSince(recoveryStart)).filter(isLoud);
    assert.equal(recovery.length, 1, JSON.stringify(recovery, null, 1));
    assert.match(recovery[0]?.msg ?? '', /^LDAP directory back after \d+ (ms|s)/);
  });
});
