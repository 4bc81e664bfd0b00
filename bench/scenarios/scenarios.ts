import { CookieJar, type HttpClient } from '../load/http-client.js';
import { makeMany, runLoop, type Observed } from './loop.js';
import { signInThroughForms } from './form-sign-in.js';
import {
  authorizationUrl,
  authorizeWithSession,
  checkTokens,
  cut,
  newRequest,
  readCode,
  redeemCode,
  tokenRequest,
  urlOf,
  type AuthorizationRequest,
} from './oauth-steps.js';
import { FLOW_SCENARIOS, type LoadBounds, type LoadTarget, type RunResult, type ScenarioId } from './plan.js';
import { originsOf, signInFlow, signInUsers, userOf } from './sessions.js';

/** A scenario made ready against a target: `run` measures (or warms up) `count` operations. */
export interface PreparedScenario {
  run(count: number, seconds: number): Promise<RunResult>;
}

/** The operation of request n for virtual user v; resolves when the answer was checked. */
type Operation = (user: number, n: number) => Promise<Observed | void>;

/**
 * Prepares `scenario` against `target`: signs the virtual users in where it needs sessions,
 * fetches the tokens it needs, makes the codes a code-exchange run redeems (`warmup` + the
 * run's bound, so that only the token requests are measured). None of this is measured.
 */
export async function prepareScenario(
  http: HttpClient,
  target: LoadTarget,
  scenario: ScenarioId,
  bounds: LoadBounds,
): Promise<PreparedScenario> {
  const users = bounds.concurrency;
  const operation = await prepareOperation(http, target, scenario, bounds);
  return { run: (count, seconds) => runLoop(users, { count, seconds }, operation) };
}

/** The measured bound of `scenario`'s runs. */
export function countOf(scenario: ScenarioId, bounds: LoadBounds): number {
  return FLOW_SCENARIOS.has(scenario) ? bounds.flows : bounds.requests;
}

async function prepareOperation(
  http: HttpClient,
  target: LoadTarget,
  scenario: ScenarioId,
  bounds: LoadBounds,
): Promise<Operation> {
  const users = bounds.concurrency;
  const instances = target.instances;
  const at = (n: number) => instances[n % instances.length]!;
  switch (scenario) {
    case 'discovery':
    case 'jwks':
    case 'hello':
      return (_user, n) => getOk(http, urlOf(at(n), scenario), scenario === 'jwks' ? '"keys"' : '{');
    case 'client-credentials':
      return async (_user, n) => {
        const answer = await tokenRequest(http, target, at(n), { grant_type: 'client_credentials' });
        return { signatures: checkTokens(target, answer.body, null, false).signatures };
      };
    case 'userinfo': {
      const tokens = await tokensPerUser(http, target, users, {});
      return async (user, n) => {
        await getOk(http, urlOf(at(n), 'userinfo'), '"sub"', { authorization: `Bearer ${tokens[user]!}` });
      };
    }
    case 'refresh': {
      const current = await tokensPerUser(http, target, users, target.offlineAccess, true);
      return async (user, n) => {
        const presented = current[user]!;
        const answer = await tokenRequest(http, target, at(n), {
          grant_type: 'refresh_token',
          refresh_token: presented,
        });
        const tokens = checkTokens(target, answer.body, null);
        if (tokens.refreshToken !== null) current[user] = tokens.refreshToken;
        return { signatures: tokens.signatures, rotated: (tokens.refreshToken ?? presented) !== presented };
      };
    }
    case 'code-exchange': {
      const jars = await signInUsers(http, target, users);
      const count = bounds.warmup + bounds.flows;
      const codes = await makeMany(users, count, async (n) => {
        const request = newRequest();
        const code = await authorizeWithSession(http, target, at(n), jars[n % users]!, request);
        return { code, request };
      });
      let next = 0;
      return async () => {
        const made = codes[next++];
        if (made === undefined) throw new Error('no code left to redeem');
        const tokens = await redeemCode(http, target, at(next), made.code, made.request);
        return { signatures: tokens.signatures };
      };
    }
    case 'sso-flow': {
      const jars = await signInUsers(http, target, users);
      // Flow n: authorized at instance n mod N, redeemed at instance n+1 mod N.
      return async (user, n) => {
        const request = newRequest();
        const code = await authorizeWithSession(http, target, at(n), jars[user]!, request);
        await redeemCode(http, target, at(n + 1), code, request);
      };
    }
    case 'sign-in-flow':
      return async (_user, n) => {
        await signInFlow(http, target, new CookieJar(), at(n), at(n + 1));
      };
  }
}

/** Per virtual user, the tokens of one flow with a fresh session; `refresh` yields the refresh tokens. */
async function tokensPerUser(
  http: HttpClient,
  target: LoadTarget,
  users: number,
  extra: Readonly<Record<string, string>>,
  refresh = false,
): Promise<string[]> {
  const jars = await signInUsers(http, target, users);
  const instance = target.instances[0]!;
  return makeMany(users, users, async (user) => {
    const request: AuthorizationRequest = newRequest();
    // Through whatever pages the provider shows on the way (the peer's consent for offline_access).
    const landed = await signInThroughForms(
      http,
      jars[user]!,
      authorizationUrl(target, instance, request, extra),
      originsOf(target),
      userOf(target),
    );
    const tokens = await redeemCode(http, target, instance, readCode(target, landed, request.state), request);
    if (!refresh) return tokens.accessToken;
    if (tokens.refreshToken === null) throw new Error('the code was redeemed without a refresh token');
    return tokens.refreshToken;
  });
}

async function getOk(
  http: HttpClient,
  url: string,
  expected: string,
  headers: Record<string, string> = {},
): Promise<void> {
  const answer = await http.send('GET', url, headers);
  if (answer.status !== 200)
    throw new Error(`GET ${new URL(url).pathname} answered ${answer.status}: ${cut(answer.body)}`);
  if (!answer.body.includes(expected))
    throw new Error(`GET ${new URL(url).pathname} without ${expected}: ${cut(answer.body)}`);
}
