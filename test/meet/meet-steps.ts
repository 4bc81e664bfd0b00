// What a Meet user does in the browser, as steps for the tests in test/meet/: the calls into
// the Meet-like app (test/meet/meet-app.js) and Sesame's sign-in page.
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { en } from '../../src/views/i18n/en.js';
import type { MeetPage } from './harness.js';

/** oidc-client 1.9.1's stored user (User.toStorageString). */
export interface OidcUser {
  readonly id_token: string;
  readonly access_token: string;
  readonly token_type: string;
  readonly scope: string;
  readonly session_state?: string | null;
  readonly refresh_token?: string;
  readonly expires_at: number;
  readonly profile: Record<string, unknown>;
}

export type MeetResult =
  | { readonly ok: true; readonly user: OidcUser }
  | { readonly ok: false; readonly error: string | null; readonly message: string };

export interface MeetEvent {
  readonly type: string;
  readonly detail: unknown;
  readonly at: number;
}

export interface MeetMessage {
  readonly origin: string;
  readonly data: string;
  readonly at: number;
}

/**
 * Evaluates `expression` in the Meet page and returns its (awaited) value. Browser code is
 * passed as text: the tests are compiled for Node, and tsx would wrap functions in helpers
 * the page does not have.
 */
export function inMeet<T>(meet: MeetPage | Page, expression: string): Promise<T> {
  const page = 'page' in meet ? meet.page : meet;
  return page.evaluate(expression) as Promise<T>;
}

/**
 * `promise`, marked as handled: a wait started before a step that then fails would otherwise
 * reject unhandled when the browser closes, hiding the step's own failure.
 */
export function watched<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

/** Waits until the app at the current URL has loaded its metadata. */
export async function appReady(meet: MeetPage): Promise<void> {
  await meet.page.waitForFunction('window.meet !== undefined && window.meet.isReady === true');
}

/** The user from a result, or a failure naming the error and what the browser saw. */
export function userOf(result: MeetResult, meet: MeetPage): OidcUser {
  if (!result.ok) assert.fail(`oidc-client failed: ${result.error} ${result.message}\n${meet.diagnostics()}`);
  return result.user;
}

/**
 * kpop's signinRedirect, then Sesame's sign-in page as a person fills it in, until the browser
 * is back at `<appBaseURL>#oidc-callback…` with the app ready.
 */
export async function signInThroughSesame(
  meet: MeetPage,
  appBaseURL: string,
  username: string,
  password: string,
): Promise<void> {
  await inMeet(meet, 'meet.signinRedirect()');
  await meet.page.waitForURL((url) => url.pathname === '/signin/v1/identifier', { timeout: 10_000 });
  await meet.page.getByLabel(en['signin.username']).fill(username);
  await meet.page.getByLabel(en['signin.password']).fill(password);
  await meet.page.getByRole('button', { name: en['signin.submit'] }).click();
  try {
    await meet.page.waitForURL((url) => url.href.startsWith(`${appBaseURL}#oidc-callback`), {
      timeout: 10_000,
    });
  } catch {
    assert.fail(`the browser did not come back to ${appBaseURL}#oidc-callback\n${meet.diagnostics()}`);
  }
  await appReady(meet);
}

/** The app's recorded events of `type`. */
export async function eventsOf(meet: MeetPage, type?: string): Promise<MeetEvent[]> {
  const events = await inMeet<MeetEvent[]>(meet, 'meet.events');
  return type === undefined ? events : events.filter((e) => e.type === type);
}

/** The check-session iframe's answers the app received from `origin` (changed/unchanged/error). */
export async function checkSessionAnswers(meet: MeetPage, origin: string): Promise<MeetMessage[]> {
  const messages = await inMeet<MeetMessage[]>(meet, 'meet.messages');
  return messages.filter((m) => m.origin === origin && ['changed', 'unchanged', 'error'].includes(m.data));
}

/**
 * Opens a second check-session iframe (`url`) in the Meet page, as a probe the test drives
 * itself, and waits until it has loaded.
 */
export async function openProbeFrame(meet: MeetPage, url: string): Promise<void> {
  await inMeet(
    meet,
    `new Promise((resolve, reject) => {
      const frame = document.createElement('iframe');
      frame.id = 'probe';
      frame.style.display = 'none';
      frame.onload = () => resolve(true);
      frame.onerror = () => reject(new Error('probe frame failed to load'));
      frame.src = ${JSON.stringify(url)};
      document.body.appendChild(frame);
    })`,
  );
}

/**
 * Posts `message` to the probe frame (OpenID Connect Session Management 1.0 §3.1) and returns
 * its answer, or null after `waitMs`.
 */
export function askProbe(
  meet: MeetPage,
  message: string,
  targetOrigin: string,
  waitMs = 3000,
): Promise<string | null> {
  const args = JSON.stringify({ message, targetOrigin, waitMs });
  return inMeet(
    meet,
    `new Promise((resolve) => {
      const { message, targetOrigin, waitMs } = ${args};
      const frame = document.getElementById('probe').contentWindow;
      const timer = setTimeout(() => resolve(null), waitMs);
      const onMessage = (event) => {
        if (event.source !== frame) return;
        window.removeEventListener('message', onMessage);
        clearTimeout(timer);
        resolve(String(event.data));
      };
      window.addEventListener('message', onMessage);
      frame.postMessage(message, targetOrigin);
    })`,
  );
}
