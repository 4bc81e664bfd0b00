import { createHash } from 'node:crypto';
import { escapeHtml } from '../../views/index.js';

/**
 * The OP iframe's script (OpenID Connect Session Management 1.0 §3.3; behaviour of Konnect's
 * html.go, kopano-meet.md req. 33). It answers a message `"<client_id> <session_state>"` from
 * the embedding relying party with:
 * - `unchanged` when hex(SHA-256(client_id + " " + event.origin + " " + browser state + " " +
 *   salt)) equals the hash part of `session_state` (`<hash>.<salt>`), the browser state being
 *   the value of the cookie named by the `data-browser-state-cookie` attribute;
 * - `changed` when it differs;
 * - `error` for a malformed message, when the browser offers no Web Crypto (an insecure
 *   context: the relying party is itself not https), and — Konnect's rule — for a second
 *   `changed` in a row while the cookie has stayed the same: the relying party's
 *   re-authentication evidently did not give it a state that matches, and `error` ends its
 *   monitoring instead of a loop of silent sign-ins.
 * Only messages from `window.parent` are answered (lico's check; Konnect also accepted windows
 * sharing our parent), and only to the sender's origin. Answers are computed one after
 * another, so the "second changed" rule sees messages in the order they came.
 *
 * It is written without any library and runs under `script-src 'sha256-…'`.
 */
export const CHECK_SESSION_SCRIPT = `
(function () {
  'use strict';
  var cookieName = document.documentElement.getAttribute('data-browser-state-cookie');
  if (!cookieName || window.parent === window) return;
  var subtle = window.crypto && window.crypto.subtle;
  var last = { browserState: null, status: null };
  var queue = Promise.resolve();

  function readCookie(name) {
    var pairs = document.cookie ? document.cookie.split('; ') : [];
    for (var i = 0; i < pairs.length; i++) {
      var eq = pairs[i].indexOf('=');
      if (eq > 0 && pairs[i].slice(0, eq) === name) return pairs[i].slice(eq + 1);
    }
    return '';
  }

  function parse(data) {
    if (typeof data !== 'string') return null;
    var space = data.lastIndexOf(' ');
    if (space <= 0) return null;
    var state = data.slice(space + 1).split('.');
    if (state.length !== 2 || !state[0] || !state[1]) return null;
    return { clientId: data.slice(0, space), hash: state[0], salt: state[1] };
  }

  function hex(buffer) {
    var bytes = new Uint8Array(buffer);
    var out = '';
    for (var i = 0; i < bytes.length; i++) out += (bytes[i] < 16 ? '0' : '') + bytes[i].toString(16);
    return out;
  }

  function answer(origin, message) {
    if (!message || !subtle) return Promise.resolve('error');
    var browserState = readCookie(cookieName);
    var input = message.clientId + ' ' + origin + ' ' + browserState + ' ' + message.salt;
    return subtle.digest('SHA-256', new TextEncoder().encode(input)).then(function (digest) {
      var status = hex(digest) === message.hash ? 'unchanged' : 'changed';
      if (status === 'changed' && last.status === 'changed' && last.browserState === browserState) {
        return 'error';
      }
      last = { browserState: browserState, status: status };
      return status;
    });
  }

  window.addEventListener('message', function (event) {
    if (event.source !== window.parent || !event.origin || event.origin === 'null') return;
    var source = event.source;
    var origin = event.origin;
    var message = parse(event.data);
    var result = queue.then(function () {
      return answer(origin, message);
    }).then(null, function () {
      return 'error';
    });
    queue = result;
    result.then(function (status) {
      source.postMessage(status, origin);
    });
  }, false);
})();
`;

/** The CSP source expression allowing exactly {@link CHECK_SESSION_SCRIPT} (CSP Level 3 §8.4). */
export const CHECK_SESSION_SCRIPT_SOURCE = `'sha256-${createHash('sha256').update(CHECK_SESSION_SCRIPT, 'utf8').digest('base64')}'`;

/**
 * The check-session iframe document: no content to see, the name of the browser-state cookie
 * in an attribute, and {@link CHECK_SESSION_SCRIPT} inline, byte for byte, so its hash holds.
 */
export function checkSessionPage(cookieName: string): string {
  return [
    '<!doctype html>',
    `<html lang="en" data-browser-state-cookie="${escapeHtml(cookieName)}">`,
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="robots" content="noindex, nofollow">',
    '<title>Session check</title>',
    '</head>',
    '<body>',
    `<script>${CHECK_SESSION_SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/**
 * The page's Content-Security-Policy: nothing may load, only the page's own script runs, and
 * only the issuer and the given relying-party origins may frame it (CSP Level 3
 * `frame-ancestors`), so no other site can probe a user's session through it.
 */
export function checkSessionCsp(frameAncestors: readonly string[]): string {
  return [
    "default-src 'none'",
    `script-src ${CHECK_SESSION_SCRIPT_SOURCE}`,
    `frame-ancestors ${["'self'", ...new Set(frameAncestors)].join(' ')}`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}
