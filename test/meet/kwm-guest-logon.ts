// kwmserver 2.0.0's guest logon (`POST /api/kwm/v2/guest/logon`), which signs the OIDC request
// object a Meet guest then takes to the authorization endpoint (kopano-meet.md "Konnect guest
// flow" 2–3, req. 37–39). Written from Kopano-dev/kwmserver @ 521e7c1: signaling/guest/http.go
// (MakeHTTPLogonHandler), guest.go (the claims structs), utils.go (guestDisplayName),
// clients/models.go (ClientRegistration, Private, findKeyByKid) and api-v1/guest.go.
import { randomInt } from 'node:crypto';
import { importJWK, SignJWT, type JWK } from 'jose';
import { parse } from 'yaml';

/** One entry of the registration file as kwmserver reads it (clients/models.go). */
interface ClientRegistration {
  readonly id?: string;
  readonly jwks?: { readonly keys?: readonly (JWK & { kid?: string; use?: string })[] };
  readonly request_object_signing_alg?: string;
}

/** What kwmserver's guest logon signs, field for field (guest.go RequestObjectClaims). */
export interface GuestRequestObject {
  readonly clientId: string;
  /** `response_type`; Meet does not send one, so kwmserver omits it (`omitempty`). */
  readonly responseType?: string;
  readonly scope: string;
  /** `<32 random letters and digits>@1.kwmguest` (http.go:150). */
  readonly guestId: string;
  /** `(Guest)` + the name (utils.go guestDisplayName). */
  readonly name: string;
  /** The public group path, e.g. `group/public/room`. */
  readonly path: string;
}

/**
 * The request object's JSON as Go's encoding/json writes kwmserver's structs: `client_id`,
 * `response_type` and `scope` (both omitted when empty), then `claims` with `id_token`
 * (a map, so its keys sorted: `guest` before `name`) and `passthru`.
 */
export function guestRequestClaims(request: GuestRequestObject): Record<string, unknown> {
  return {
    client_id: request.clientId,
    ...(request.responseType ? { response_type: request.responseType } : {}),
    ...(request.scope ? { scope: request.scope } : {}),
    claims: {
      id_token: {
        guest: { essential: true, value: request.guestId },
        name: { value: request.name },
      },
      passthru: { 'kopano/kwm/guest': { type: '1', path: request.path } },
    },
  };
}

/**
 * Signs `claims` as jwt-go does for kwmserver (http.go:166-173): header `alg`, the key's
 * `kid`, `typ: JWT`; no `iat`, `exp`, `iss` or `aud` are added.
 */
export async function signRequestObject(
  claims: Record<string, unknown>,
  key: JWK & { kid?: string },
  alg: string,
): Promise<string> {
  const privateKey = await importJWK(key, alg);
  return new SignJWT(claims).setProtectedHeader({ alg, kid: key.kid ?? '', typ: 'JWT' }).sign(privateKey);
}

/** `rndm.GenerateRandomString(32)`: letters and digits. */
export function randomGuestId(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let id = '';
  for (let i = 0; i < 32; i++) id += alphabet[randomInt(alphabet.length)];
  return `${id}@1.kwmguest`;
}

/** The answer of the logon handler, and what it signed (for the tests). */
export interface GuestLogonResult {
  readonly status: number;
  readonly body: string;
  readonly contentType: string;
  readonly signed?: { readonly request: string; readonly claims: Record<string, unknown> };
}

/**
 * kwmserver's guest logon for one form-encoded request, with `--public-guest-access-regexp`
 * `publicPathPattern` and `--registration-conf` given as the file's text. Refusals answer as
 * http.go does (plain-text errors); success is `{"ok":true,"eqp":{"request":…},"id":…,"name":…}`.
 */
export async function kwmGuestLogon(
  method: string,
  form: URLSearchParams,
  registrationYaml: string,
  publicPathPattern: RegExp,
): Promise<GuestLogonResult> {
  const refuse = (status: number, text: string): GuestLogonResult => ({
    status,
    body: `${text}\n`,
    contentType: 'text/plain; charset=utf-8',
  });
  if (method !== 'POST') return refuse(405, '');
  const clientId = form.get('client_id') ?? '';
  const responseType = form.get('response_type') ?? '';
  const scope = form.get('scope') ?? '';
  if (clientId === '') return refuse(400, 'client_id is empty');
  const guest = form.get('guest') ?? '';
  const name = form.get('name') ?? '';
  if (guest !== '1') return refuse(400, 'unknown guest type');
  const path = (form.get('path') ?? '').trim();
  if (path === '') return refuse(400, 'empty path');
  if ((form.get('token') ?? '') !== '') return refuse(501, 'token validation not implemented');
  if (!publicPathPattern.test(path)) return refuse(403, 'guest access denied');

  const registry = parse(registrationYaml) as { clients?: ClientRegistration[] } | null;
  const client = registry?.clients?.find((c) => c.id === clientId);
  if (client === undefined) return refuse(403, 'guest access denied');
  const alg = client.request_object_signing_alg ?? '';
  if (!/^(?:[RPE]S|HS)(?:256|384|512)$/.test(alg)) return refuse(403, 'guest access denied');
  // findKeyByKid(nil): the one and only key, else the one with kid "default"; use must be sig.
  const keys = client.jwks?.keys ?? [];
  const key = keys.length === 1 ? keys[0] : keys.find((k) => k.kid === 'default');
  if (key === undefined || key.use !== 'sig' || key.d === undefined)
    return refuse(403, 'guest access denied');

  const guestId = randomGuestId();
  // utils.go guestDisplayName also strips HTML and invents a name for an empty one; the tests
  // use plain, non-empty names, where neither changes anything.
  const displayName = `(Guest)${name.trim()}`;
  const claims = guestRequestClaims({ clientId, responseType, scope, guestId, name: displayName, path });
  const request = await signRequestObject(claims, key, alg);
  return {
    status: 200,
    contentType: 'application/json',
    body: `${JSON.stringify({ ok: true, eqp: { request }, id: guestId, name })}\n`,
    signed: { request, claims },
  };
}
