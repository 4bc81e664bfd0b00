/**
 * Values the endpoint tests expect, computed independently of the modules under test, from
 * the published algorithms only (node:crypto and @noble/hashes), and small readers for what
 * the endpoints answer. Test support; imported only by `*.test.ts` files.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { blake2b } from '@noble/hashes/blake2.js';
import { createLocalJWKSet, jwtVerify, type JWTPayload } from 'jose';
import type { EndpointResponse } from '../types.js';
import type { TokenService } from '../../tokens/types.js';

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
const b64url = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');

/**
 * Konnect's public subject (konnect:identity/managers/subject.go getPublicSubject;
 * konnect-spec §5.1): base64url(BLAKE2b-512 keyed with "konnect-IDToken-v1" over
 * `<raw id> <namespace>`) + "@konnect".
 */
export function expectedSubject(rawId: string, namespace: string): string {
  const digest = blake2b(utf8(`${rawId} ${namespace}`), { key: utf8('konnect-IDToken-v1'), dkLen: 64 });
  return `${b64url(digest)}@konnect`;
}

/**
 * Konnect's browser state (konnect:oidc/provider/state.go makeBrowserState): unkeyed
 * BLAKE2b-256 over `<sub or " "> + " " + issuer + " " + "kopano-konnect-1"`, base64url.
 */
export function expectedBrowserState(sub: string | null, issuer: string): string {
  return b64url(blake2b(utf8(`${sub ?? ' '} ${issuer} kopano-konnect-1`), { dkLen: 32 }));
}

/** Konnect's session_state (state.go makeSessionState) for a given salt. */
export function expectedSessionState(
  clientId: string,
  origin: string,
  browserState: string,
  salt: string,
): string {
  const hex = createHash('sha256').update(`${clientId} ${origin} ${browserState} ${salt}`).digest('hex');
  return `${hex}.${salt}`;
}

/** OIDC Core §3.1.3.6 / §3.3.2.11 for ES256: base64url of the left half of SHA-256. */
export function expectedHalfHash(value: string): string {
  return createHash('sha256').update(value, 'ascii').digest().subarray(0, 16).toString('base64url');
}

/** The JOSE header and payload of a compact JWS, unverified. */
export function decodeJwt(token: string): {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
} {
  const [header, payload] = token.split('.');
  assert.ok(header !== undefined && payload !== undefined, 'a compact JWS');
  return {
    header: JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as Record<string, unknown>,
    payload: JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>,
  };
}

/** Verifies a token against the published JWKS and issuer, as a relying party would. */
export async function verifyWithJwks(
  token: string,
  tokens: TokenService,
  issuer: string,
  now: number,
): Promise<JWTPayload> {
  const jwks = createLocalJWKSet({ keys: tokens.jwks().keys.map((k) => ({ ...k })) });
  const { payload } = await jwtVerify(token, jwks, { issuer, currentDate: new Date(now) });
  return payload;
}

/**
 * The parameters appended to `base` in a fragment (or query) response, in order. The location
 * must be `base` followed by `separator` and the parameters: Meet's `…/meet/#oidc-callback&…`
 * keeps its own fragment, so the separator is `&` there.
 */
export function appendedParams(
  location: string,
  base: string,
  separator: '&' | '#' | '?',
): [string, string][] {
  assert.ok(
    location.startsWith(`${base}${separator}`),
    `expected ${location.slice(0, 200)} to start with ${base}${separator}`,
  );
  const rest = location.slice(base.length + 1);
  return [...new URLSearchParams(rest).entries()];
}

/** The parameters of a fragment response to a redirect URI without a fragment of its own. */
export function fragmentParams(location: string, redirectUri: string): Record<string, string> {
  return Object.fromEntries(appendedParams(location, redirectUri, '#'));
}

/** The hidden fields of a form_post page (OAuth 2.0 Form Post Response Mode §2). */
export function formPostFields(response: EndpointResponse): {
  action: string;
  fields: Record<string, string>;
} {
  assert.equal(response.kind, 'html');
  const body = response.kind === 'html' ? response.body : '';
  const action = /<form method="post" action="([^"]*)"/.exec(body)?.[1];
  assert.ok(action !== undefined, 'a form posting to the client');
  const fields: Record<string, string> = {};
  for (const match of body.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)"/g)) {
    fields[unescapeHtml(match[1] ?? '')] = unescapeHtml(match[2] ?? '');
  }
  return { action: unescapeHtml(action), fields };
}

function unescapeHtml(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&#96;/g, '`')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** A PKCE verifier and its S256 challenge (RFC 7636 §4.2). */
export const VERIFIER = 'dBjftJeZ4CVP-mJ92K1s-vHHWO4L6E5tPBq8eHCdW3U';
export const CHALLENGE = createHash('sha256').update(VERIFIER, 'ascii').digest('base64url');
