// End to end: openid-client authenticates with private_key_jwt and client_secret_jwt (RFC 7523,
// OIDC Core §9) and uses the client_credentials grant (RFC 6749 §4.4) against a real Sesame
// process, whose registration file gives the clients their keys and methods.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import * as oidc from 'openid-client';
import { startSesame, type RunningSesame } from '../helpers/sesame-process.js';
import { CookieJar, signInThroughPages } from '../helpers/http-login.js';

const WEB_REDIRECT = 'http://127.0.0.1:9/cb';
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const HMAC_SECRET = 'reports-hmac-secret-0123456789';
const alice = {
  username: 'alice',
  password: 'correct horse battery',
  email: 'alice@example.com',
  name: 'Alice Liddell',
};

let sesame: RunningSesame;
let scopesDir: string;
let es256: CryptoKey;
let ed25519: CryptoKey;

before(async () => {
  const ec = await generateKeyPair('ES256', { extractable: true });
  const ed = await generateKeyPair('Ed25519', { extractable: true });
  es256 = ec.privateKey;
  ed25519 = ed.privateKey;
  const jwks = {
    keys: [
      { ...(await exportJWK(ec.publicKey)), kid: 'ec-1', use: 'sig' },
      { ...(await exportJWK(ed.publicKey)), kid: 'ed-1', use: 'sig' },
    ],
  };
  scopesDir = await mkdtemp(join(tmpdir(), 'sesame-scopes-'));
  const scopesFile = join(scopesDir, 'identifier-scopes.yaml');
  await writeFile(scopesFile, 'scopes:\n  reports/read:\n    description: Read the reports\n');
  sesame = await startSesame({
    users: [alice],
    extraConfig: `identifier_scopes: ${scopesFile}`,
    registration: `
clients:
  - id: wiki-keyed
    name: Wiki signing its token requests
    insecure: yes
    trusted: yes
    redirect_uris: [${WEB_REDIRECT}]
    token_endpoint_auth_method: private_key_jwt
    jwks: ${JSON.stringify(jwks)}
  - id: reports
    name: Reports service
    secret: ${HMAC_SECRET}
    redirect_uris: [https://reports.example.com/cb]
    token_endpoint_auth_method: client_secret_jwt
    grant_types: [client_credentials]
  - id: indexer
    name: Search indexer
    redirect_uris: [https://indexer.example.com/cb]
    token_endpoint_auth_method: private_key_jwt
    grant_types: [client_credentials]
    jwks: ${JSON.stringify(jwks)}
  - id: plain
    name: A client with a secret and no grant types
    secret: plain-secret-0123456789
    redirect_uris: [https://plain.example.com/cb]
`,
  });
});
after(async () => {
  await sesame?.stop();
  if (scopesDir) await rm(scopesDir, { recursive: true, force: true });
});

async function discover(clientId: string, auth: oidc.ClientAuth): Promise<oidc.Configuration> {
  return oidc.discovery(new URL(sesame.issuer), clientId, undefined, auth, {
    execute: [oidc.allowInsecureRequests],
  });
}

/**
 * Awaits an openid-client call that must fail with the OAuth error `expected` and `status`.
 * The code comes from the JSON body (ResponseBodyError), a Bearer challenge, or — for a 401
 * whose challenge is Basic and carries no error — the body of the response it kept.
 */
async function rejectsWith(
  call: Promise<unknown>,
  expected: string,
  status: number,
  description?: RegExp,
): Promise<void> {
  let failure: unknown;
  try {
    await call;
  } catch (error) {
    failure = error;
  }
  assert.ok(failure, `expected ${expected}, but the call succeeded`);
  const e = failure as {
    error?: string;
    error_description?: string;
    status?: number;
    cause?: unknown;
    response?: Response;
  };
  assert.equal(e.status, status, String(failure));
  const challenges = Array.isArray(e.cause) ? (e.cause as { parameters?: { error?: string } }[]) : [];
  let code = e.error ?? challenges.find((c) => c.parameters?.error)?.parameters?.error;
  let text = e.error_description;
  if (code === undefined && e.response !== undefined) {
    const body = (await e.response.json()) as { error?: string; error_description?: string };
    code = body.error;
    text = body.error_description;
  }
  if (description !== undefined) assert.match(String(text), description);
  assert.equal(code, expected);
}

async function postForm(
  path: string,
  body: Record<string, string>,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${sesame.issuer}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(body),
  });
  const text = await response.text();
  return { status: response.status, json: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
}

describe('private_key_jwt (OIDC Core §9)', () => {
  it('runs the code flow, refreshes and revokes with assertions signed by ES256 and Ed25519 keys', async () => {
    for (const [key, kid] of [
      [es256, 'ec-1'],
      [ed25519, 'ed-1'],
    ] as const) {
      const config = await discover('wiki-keyed', oidc.PrivateKeyJwt({ key, kid }));
      const verifier = oidc.randomPKCECodeVerifier();
      const nonce = oidc.randomNonce();
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: WEB_REDIRECT,
        scope: 'openid offline_access',
        prompt: 'consent',
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        nonce,
      });
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
        `expected a redirect to the client, got ${landed.status} at ${landed.url}`,
      );
      const tokens = await oidc.authorizationCodeGrant(config, new URL(landed.url), {
        pkceCodeVerifier: verifier,
        expectedNonce: nonce,
        idTokenExpected: true,
      });
      assert.equal(tokens.claims()?.aud, 'wiki-keyed');
      assert.ok(tokens.refresh_token, `a refresh token (${kid})`);

      const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token);
      assert.ok(refreshed.access_token);
      await oidc.tokenRevocation(config, refreshed.refresh_token!);
      await rejectsWith(oidc.refreshTokenGrant(config, refreshed.refresh_token!), 'invalid_grant', 400);
    }
  });

  it('refuses an assertion presented twice (jti replay), and one from a key the client never registered', async () => {
    const now = Math.floor(Date.now() / 1000);
    const assertion = await new SignJWT({ jti: `replay-${now}` })
      .setProtectedHeader({ alg: 'ES256', kid: 'ec-1' })
      .setIssuer('indexer')
      .setSubject('indexer')
      .setAudience(`${sesame.issuer}/konnect/v1/token`)
      .setIssuedAt(now)
      .setExpirationTime(now + 60)
      .sign(es256);
    const body = {
      grant_type: 'client_credentials',
      client_assertion_type: ASSERTION_TYPE,
      client_assertion: assertion,
    };
    assert.equal((await postForm('/konnect/v1/token', body)).status, 200);
    const replay = await postForm('/konnect/v1/token', body);
    assert.equal(replay.status, 401);
    assert.equal(replay.json.error, 'invalid_client');
    assert.equal(replay.json.error_description, 'client assertion has already been used');

    const stranger = (await generateKeyPair('ES256')).privateKey;
    const config = await discover('indexer', oidc.PrivateKeyJwt({ key: stranger, kid: 'ec-1' }));
    await rejectsWith(oidc.clientCredentialsGrant(config), 'invalid_client', 401, /signature is invalid/);
  });

  it('holds a client registered for private_key_jwt to it', async () => {
    const config = await discover('wiki-keyed', oidc.None());
    await rejectsWith(
      oidc.clientCredentialsGrant(config),
      'invalid_client',
      401,
      /must authenticate with private_key_jwt/,
    );
  });
});

describe('client_credentials (RFC 6749 §4.4)', () => {
  it('issues an access token alone to a client that authenticates with client_secret_jwt', async () => {
    const config = await discover('reports', oidc.ClientSecretJwt(HMAC_SECRET));
    const tokens = await oidc.clientCredentialsGrant(config, { scope: 'reports/read openid profile' });
    assert.equal(tokens.scope, 'reports/read');
    assert.equal(tokens.token_type.toLowerCase(), 'bearer');
    assert.equal(tokens.refresh_token, undefined);
    assert.equal(tokens.id_token, undefined);
    const payload = JSON.parse(
      Buffer.from(tokens.access_token.split('.')[1]!, 'base64url').toString(),
    ) as Record<string, unknown>;
    assert.equal(payload.sub, 'reports');
    assert.equal(payload.client_id, 'reports');
  });

  it('refuses client_secret_jwt made with a wrong secret, and the right secret sent as such', async () => {
    const wrong = await discover('reports', oidc.ClientSecretJwt(`${HMAC_SECRET}!`));
    await rejectsWith(oidc.clientCredentialsGrant(wrong), 'invalid_client', 401, /signature is invalid/);
    const basic = await discover('reports', oidc.ClientSecretBasic(HMAC_SECRET));
    await rejectsWith(
      oidc.clientCredentialsGrant(basic),
      'invalid_client',
      401,
      /must authenticate with client_secret_jwt/,
    );
  });

  it('refuses a client that did not register the grant with unauthorized_client', async () => {
    const config = await discover('plain', oidc.ClientSecretBasic('plain-secret-0123456789'));
    await rejectsWith(oidc.clientCredentialsGrant(config), 'unauthorized_client', 400);
  });

  it('userinfo refuses the token (no user); once revoked, it is refused as invalid', async () => {
    const config = await discover('indexer', oidc.PrivateKeyJwt({ key: es256, kid: 'ec-1' }));
    const tokens = await oidc.clientCredentialsGrant(config, { scope: 'reports/read' });
    await rejectsWith(
      oidc.fetchUserInfo(config, tokens.access_token, oidc.skipSubjectCheck),
      'insufficient_scope',
      403,
    );
    await oidc.tokenRevocation(config, tokens.access_token);
    await rejectsWith(
      oidc.fetchUserInfo(config, tokens.access_token, oidc.skipSubjectCheck),
      'invalid_token',
      401,
    );
  });
});
