import { createHash, randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { CookieJar, type HttpClient } from '../load/http-client.js';
import { signInThroughForms } from './sesame-sign-in.js';
import type { FlowInstance, FlowRunResult, SsoTarget } from './sso-flow-plan.js';

/**
 * The SSO flow a relying party runs for a user who is already signed in at the provider:
 * GET the authorization endpoint with the session cookie (response_type=code, PKCE S256,
 * state, nonce, scope openid) → 302 to the redirect URI with the code → POST the token endpoint
 * (client_secret_basic) → an access token and an ID token. OIDC Core §3.1.
 */

/** How many distinct failure messages a run keeps. */
const KEPT_FAILURES = 5;

/**
 * Signs `count` virtual users in, one after the other (user v at instance v mod N); resolves to
 * their cookie jars. One after the other because they are one account at one address: the
 * sign-in throttle counts attempts in flight, and a burst would be held back as a guessing attack.
 */
export async function signInUsers(http: HttpClient, target: SsoTarget, count: number): Promise<CookieJar[]> {
  const origins = target.instances.map((instance) => new URL(instance.authorize).origin);
  const jars: CookieJar[] = [];
  for (let v = 0; v < count; v++) {
    const jar = new CookieJar();
    const request = newRequest();
    const instance = target.instances[v % target.instances.length]!;
    const url = authorizationUrl(target, instance, request);
    const landed = await signInThroughForms(http, jar, url, origins, target.user);
    // The first code proves the sign-in worked; it is left to expire.
    readCode(target, landed, request.state);
    jars.push(jar);
  }
  return jars;
}

/**
 * Runs flows with every jar as one virtual user (one flow at a time each) until `flows` have
 * been started or `seconds` have passed, and counts those that got valid tokens.
 */
export async function runFlows(
  http: HttpClient,
  target: SsoTarget,
  jars: readonly CookieJar[],
  bounds: { readonly flows: number; readonly seconds: number },
): Promise<FlowRunResult> {
  const failures = new Map<string, number>();
  let next = 0;
  let succeeded = 0;
  let failed = 0;
  const started = performance.now();
  const deadline = started + bounds.seconds * 1000;
  await Promise.all(
    jars.map(async (jar) => {
      while (next < bounds.flows && performance.now() < deadline) {
        const n = next++;
        try {
          await oneFlow(http, target, jar, n);
          succeeded++;
        } catch (error) {
          failed++;
          const message = error instanceof Error ? error.message : String(error);
          if (failures.has(message) || failures.size < KEPT_FAILURES)
            failures.set(message, (failures.get(message) ?? 0) + 1);
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return {
    succeeded,
    failed,
    seconds: Math.round(seconds * 1000) / 1000,
    flowsPerSecond: seconds > 0 ? Math.round((succeeded / seconds) * 10) / 10 : 0,
    failures: [...failures].map(([message, count]) => ({ message, count })),
  };
}

/** Flow n: authorized at instance n mod N, redeemed at instance n+1 mod N. */
async function oneFlow(http: HttpClient, target: SsoTarget, jar: CookieJar, n: number): Promise<void> {
  const count = target.instances.length;
  const at = target.instances[n % count]!;
  const redeemAt = target.instances[(n + 1) % count]!;
  const request = newRequest();
  const authorized = await http.send('GET', authorizationUrl(target, at, request), { cookie: jar.header() });
  jar.store(authorized);
  const location = authorized.headers.location;
  if (authorized.status !== 302 || location === undefined) {
    throw new Error(
      `authorize at ${at.name} answered ${authorized.status}${location ? ` to ${cut(location)}` : ''}`,
    );
  }
  const code = readCode(target, location, request.state);
  const { id, secret, redirectUri } = target.client;
  const basic = Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64');
  const answer = await http.send(
    'POST',
    redeemAt.token,
    { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
    new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri,
      code_verifier: request.verifier,
    }).toString(),
  );
  if (answer.status !== 200)
    throw new Error(`token at ${redeemAt.name} answered ${answer.status}: ${cut(answer.body)}`);
  checkTokens(target, answer.body, request.nonce);
}

interface AuthorizationRequest {
  readonly state: string;
  readonly nonce: string;
  readonly verifier: string;
}

function newRequest(): AuthorizationRequest {
  return {
    state: randomBytes(12).toString('base64url'),
    nonce: randomBytes(12).toString('base64url'),
    verifier: randomBytes(32).toString('base64url'),
  };
}

function authorizationUrl(target: SsoTarget, instance: FlowInstance, request: AuthorizationRequest): string {
  const query = new URLSearchParams({
    client_id: target.client.id,
    redirect_uri: target.client.redirectUri,
    response_type: 'code',
    scope: 'openid',
    state: request.state,
    nonce: request.nonce,
    code_challenge: createHash('sha256').update(request.verifier).digest('base64url'),
    code_challenge_method: 'S256',
  });
  return `${instance.authorize}?${query}`;
}

/** The code from a redirect to the client, whose state must be ours (RFC 6749 §4.1.2). */
function readCode(target: SsoTarget, location: string, state: string): string {
  if (!location.startsWith(`${target.client.redirectUri}?`))
    throw new Error(`redirected to ${cut(location)}`);
  const query = new URL(location).searchParams;
  const error = query.get('error');
  if (error !== null)
    throw new Error(`authorization refused: ${error} ${query.get('error_description') ?? ''}`);
  const code = query.get('code');
  if (code === null) throw new Error('redirect without a code');
  if (query.get('state') !== state) throw new Error('redirect with another state');
  return code;
}

/** An access token and an ID token for this client and nonce (OIDC Core §3.1.3.3); signatures are not checked. */
function checkTokens(target: SsoTarget, body: string, nonce: string): void {
  const tokens = JSON.parse(body) as { access_token?: unknown; id_token?: unknown; token_type?: unknown };
  if (typeof tokens.access_token !== 'string' || tokens.access_token === '')
    throw new Error('no access_token');
  if (typeof tokens.token_type !== 'string' || tokens.token_type.toLowerCase() !== 'bearer')
    throw new Error('token_type is not Bearer');
  if (typeof tokens.id_token !== 'string') throw new Error('no id_token');
  const payload = tokens.id_token.split('.')[1];
  if (payload === undefined) throw new Error('id_token is not a JWT');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as {
    nonce?: unknown;
    aud?: unknown;
  };
  if (claims.nonce !== nonce) throw new Error('id_token with another nonce');
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!audiences.includes(target.client.id)) throw new Error('id_token for another audience');
}

function cut(text: string): string {
  return text.length > 160 ? `${text.slice(0, 160)}…` : text;
}
