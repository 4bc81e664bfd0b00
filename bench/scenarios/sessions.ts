import { CookieJar, type HttpClient } from '../load/http-client.js';
import { signInThroughForms } from './form-sign-in.js';
import { authorizationUrl, newRequest, readCode, redeemCode, type TokenAnswer } from './oauth-steps.js';
import type { LoadTarget, TargetInstance } from './plan.js';

/** The origins of every instance: the sign-in follows redirects among them. */
export function originsOf(target: LoadTarget): string[] {
  return target.instances.flatMap((instance) =>
    Object.values(instance.urls).map((url) => new URL(url).origin),
  );
}

export function userOf(target: LoadTarget): NonNullable<LoadTarget['user']> {
  if (target.user === null) throw new TypeError('this target has no user');
  return target.user;
}

/**
 * One whole code flow from a browser without a session: authorize → the sign-in form →
 * redirect with the code → token. Resolves to the tokens; the session is left in `jar`.
 */
export async function signInFlow(
  http: HttpClient,
  target: LoadTarget,
  jar: CookieJar,
  at: TargetInstance,
  redeemAt: TargetInstance,
  extra: Readonly<Record<string, string>> = {},
): Promise<TokenAnswer> {
  const request = newRequest();
  const landed = await signInThroughForms(
    http,
    jar,
    authorizationUrl(target, at, request, extra),
    originsOf(target),
    userOf(target),
  );
  return redeemCode(http, target, redeemAt, readCode(target, landed, request.state), request);
}

/**
 * Signs `count` virtual users in, one after the other (user v at instance v mod N); resolves to
 * their cookie jars. One after the other because they are one account at one address: a
 * provider's sign-in throttle may take a burst of them for a guessing attack.
 */
export async function signInUsers(http: HttpClient, target: LoadTarget, count: number): Promise<CookieJar[]> {
  const jars: CookieJar[] = [];
  for (let v = 0; v < count; v++) {
    const jar = new CookieJar();
    const instance = target.instances[v % target.instances.length]!;
    await signInFlow(http, target, jar, instance, instance);
    jars.push(jar);
  }
  return jars;
}
