/**
 * An access-token check that behaves like kwmserver 2.0.0's `POST /api/kwm/v2/rtm/connect`:
 * libkcoidc v0.7.2 `ValidateTokenString` on the access token and on the ID token, then
 * kwmserver's own checks (kopano-meet.md req. 3–5, 21–23). Used by tests to show that a token
 * Sesame issues would be accepted by Kopano Meet's servers, without running Go.
 *
 * Sources (citations are file:line at these revisions):
 * - libkcoidc v0.7.2 (openkop/libkcoidc tag v0.7.2): provider.go, claims.go, errors.go,
 *   signing_method.go, utils.go;
 * - jwt-go v3.2.0 (dgrijalva/jwt-go, pinned by kwmserver go.mod): parser.go, claims.go,
 *   errors.go, rsa.go, rsa_pss.go, ecdsa.go, hmac.go, none.go, token.go;
 * - oidc-go v0.1.0 (Kopano-dev/oidc-go): provider.go, http.go, well-known.go;
 * - go-jose v2.4.1 (square/go-jose, from kwmserver go.sum): jwk.go;
 * - kwmserver 2.0.0 (Kopano-dev/kwmserver @ 521e7c1): signaling/rtm/http.go,
 *   signaling/guest/manager.go, signaling/guest/guest.go.
 *
 * Not reproduced: Go's JSON decoder accepting trailing data after the first value, matching
 * struct fields case-insensitively and refusing a discovery document whose other fields
 * have the wrong type; Go's base64 decoder skipping CR/LF; go-jose refusing a private JWK
 * with missing members; HTTP caching of the discovery document and JWKS (oidc-go
 * http.go:72-87).
 */
import {
  constants,
  createHmac,
  createPublicKey,
  timingSafeEqual,
  verify,
  type JsonWebKey,
  type KeyObject,
} from 'node:crypto';

/** libkcoidc's status codes (errors.go:32-48): `(1 << 8) | iota`. */
export const kcoidcStatusCodes = {
  ErrStatusUnknown: 0x101,
  ErrStatusInvalidIss: 0x102,
  ErrStatusAlreadyInitialized: 0x103,
  ErrStatusNotInitialized: 0x104,
  ErrStatusTimeout: 0x105,
  ErrStatusTokenUnexpectedSigningMethod: 0x106,
  ErrStatusTokenMalformed: 0x107,
  ErrStatusTokenExpiredOrNotValidYet: 0x108,
  ErrStatusTokenUnknownKey: 0x109,
  ErrStatusTokenInvalidSignature: 0x10a,
  ErrStatusTokenValidationFailed: 0x10b,
  ErrStatusClosed: 0x10c,
  ErrStatusWrongInitialization: 0x10d,
  ErrStatusMissingRequiredScope: 0x10e,
} as const;

export type KcoidcStatus = keyof typeof kcoidcStatusCodes;

/**
 * kwmserver's own refusals after libkcoidc accepted the token, named for its log messages
 * (signaling/rtm/http.go, signaling/guest/*.go).
 */
export type KwmRefusal =
  /** http.go:66-70 "missing access token claim" */
  | 'KwmMissingAccessTokenClaim'
  /** http.go:92-93 "id token does not match access token" */
  | 'KwmIdTokenDoesNotMatch'
  /** http.go:134-136 "unsupported auth mode" */
  | 'KwmUnsupportedAuthMode'
  /** http.go:150-152 "rtm connect as guest but guest support is disabled" */
  | 'KwmGuestSupportDisabled'
  /** guest/manager.go:91-106, guest/guest.go:104-106: unusable guest pass-through claims */
  | 'KwmGuestClaimsInvalid'
  /** A Go runtime panic, e.g. libkcoidc claims.go:109 `scope.(string)` on a non-string. */
  | 'KwmPanic';

/** A refusal: `status` is libkcoidc's (or kwmserver's), `inner` jwt-go's wrapped reason. */
export class KcoidcError extends Error {
  readonly status: KcoidcStatus | KwmRefusal;
  readonly inner: string;
  constructor(status: KcoidcStatus | KwmRefusal, inner = '') {
    super(inner === '' ? status : `${status}: ${inner}`);
    this.name = 'KcoidcError';
    this.status = status;
    this.inner = inner;
  }
}

/** jwt-go StandardClaims (claims.go:18-26) as libkcoidc fills it (claims.go:66-78). */
export interface StandardClaims {
  readonly aud: string;
  readonly exp: number;
  readonly jti: string;
  readonly iat: number;
  readonly iss: string;
  readonly nbf: number;
  readonly sub: string;
}

export interface ValidateResult {
  /** `kc.identity["kc.i.id"]`, else `sub` (provider.go:241-248). */
  readonly authenticatedUserId: string;
  readonly standardClaims: StandardClaims;
  /** The other claims, with the standard ones popped (claims.go:66-78). */
  readonly claims: Record<string, unknown>;
  /** libkcoidc returns its values and the error together (provider.go:250). */
  readonly error: KcoidcError | null;
}

export interface KcoidcProviderInput {
  /** kwmserver's `--iss`. */
  readonly issuer: string;
  /** The discovery document: its response body, or the parsed JSON. */
  readonly discovery: string | object;
  /** The document at its `jwks_uri`: the response body, or the parsed JSON. */
  readonly jwks: string | object;
}

/** jwt-go ValidationError flags (errors.go:15-27). */
const flag = {
  malformed: 1 << 0,
  unverifiable: 1 << 1,
  signatureInvalid: 1 << 2,
  expired: 1 << 4,
  issuedAt: 1 << 5,
  notValidYet: 1 << 7,
} as const;

class ValidationError {
  constructor(
    readonly errors: number,
    readonly inner: string,
  ) {}
}

interface ParsedKey {
  readonly kid: string;
  /** go-jose gives *rsa.PublicKey, *ecdsa.PublicKey, ed25519 keys, private keys or []byte. */
  readonly kind: 'public' | 'private' | 'symmetric';
  readonly key: KeyObject | Buffer;
}

interface Method {
  readonly family: 'HS' | 'RS' | 'PS' | 'ES' | 'none';
  readonly hash: 'sha256' | 'sha384' | 'sha512';
  /** ES: the bytes of r and of s (ecdsa.go:33-50). */
  readonly keySize?: number;
  /** PS: libkcoidc forces salt length = hash length for "PS256" and "PS512" only: its list
   * says "PS386" (signing_method.go:31-38), so PS384 keeps jwt-go's PSSSaltLengthAuto
   * (rsa_pss.go:40-53). */
  readonly saltEqualsHash?: boolean;
}

/** jwt-go's registered signing methods (hmac.go, rsa.go, rsa_pss.go, ecdsa.go, none.go). */
const methods: Readonly<Record<string, Method>> = {
  HS256: { family: 'HS', hash: 'sha256' },
  HS384: { family: 'HS', hash: 'sha384' },
  HS512: { family: 'HS', hash: 'sha512' },
  RS256: { family: 'RS', hash: 'sha256' },
  RS384: { family: 'RS', hash: 'sha384' },
  RS512: { family: 'RS', hash: 'sha512' },
  PS256: { family: 'PS', hash: 'sha256', saltEqualsHash: true },
  PS384: { family: 'PS', hash: 'sha384', saltEqualsHash: false },
  PS512: { family: 'PS', hash: 'sha512', saltEqualsHash: true },
  ES256: { family: 'ES', hash: 'sha256', keySize: 32 },
  ES384: { family: 'ES', hash: 'sha384', keySize: 48 },
  ES512: { family: 'ES', hash: 'sha512', keySize: 66 },
  none: { family: 'none', hash: 'sha256' },
};

/**
 * libkcoidc's Provider once initialized and ready (provider.go:71-130, oidc-go
 * provider.go:184-297). Throws `ErrStatusInvalidIss` for an issuer that is not https with a
 * host (provider.go:73-75), and `ErrStatusNotInitialized` when the provider would never
 * become ready: a discovery document whose `issuer` differs (oidc-go provider.go:260-265),
 * that has no `jwks_uri` (provider.go:230-232), or that or the JWKS failing to decode.
 */
export class KcoidcProvider {
  readonly issuer: string;
  private readonly algs: readonly string[];
  private readonly keys: readonly ParsedKey[];

  constructor(input: KcoidcProviderInput) {
    this.issuer = goIssuer(input.issuer);
    const discovery = decodeDiscovery(input.discovery);
    if (discovery.issuer !== this.issuer) {
      throw new KcoidcError(
        'ErrStatusNotInitialized',
        `issuer mismatch: ${discovery.issuer} != ${this.issuer}`,
      );
    }
    if (discovery.jwksUri === '') throw new KcoidcError('ErrStatusNotInitialized', 'no jwks_uri');
    this.algs = discovery.algs;
    this.keys = decodeJwks(input.jwks);
  }

  /** provider.go:175-251, at `now` (ms; jwt-go reads `time.Now().Unix()`). */
  validateTokenString(token: string, now: number): ValidateResult {
    const claims: Record<string, unknown> = {};
    let error = this.parse(token, claims);
    const standardClaims = splitStandardClaims(claims);
    if (error === null) error = validStandardClaims(standardClaims, Math.floor(now / 1000));
    const authenticatedUserId = authenticatedUserIdFromClaims(claims) ?? standardClaims.sub;
    return { authenticatedUserId, standardClaims, claims, error: error === null ? null : mapError(error) };
  }

  /** jwt-go parser.go:23-148 with libkcoidc's key func (provider.go:185-213). */
  private parse(token: string, claims: Record<string, unknown>): ValidationError | null {
    const parts = token.split('.');
    if (parts.length !== 3) {
      return new ValidationError(flag.malformed, 'token contains an invalid number of segments');
    }
    const [headerPart, claimsPart, signature] = parts as [string, string, string];
    const header = decodeJsonSegment(headerPart);
    if (header instanceof ValidationError) return header;
    const body = decodeJsonSegment(claimsPart);
    if (body instanceof ValidationError) return body;
    Object.assign(claims, body);
    const alg = header.alg;
    if (typeof alg !== 'string')
      return new ValidationError(flag.unverifiable, 'signing method (alg) is unspecified.');
    const method = Object.hasOwn(methods, alg) ? methods[alg] : undefined;
    if (method === undefined)
      return new ValidationError(flag.unverifiable, 'signing method (alg) is unavailable.');

    // provider.go:190-199: the alg must be listed in id_token_signing_alg_values_supported.
    // A key func error that is not a *ValidationError is wrapped as Unverifiable (parser.go:51-57).
    if (!this.algs.includes(alg)) {
      return new ValidationError(flag.unverifiable, 'ErrStatusTokenUnexpectedSigningMethod');
    }
    // provider.go:201-207: the first JWKS key with the header's kid ("" when absent); no refetch.
    const kid = typeof header.kid === 'string' ? header.kid : '';
    const key = this.keys.find((k) => k.kid === kid);
    if (key === undefined) return new ValidationError(flag.unverifiable, 'ErrStatusTokenUnknownKey');

    // parser.go:62-73: ExtraClaimsWithType.Valid() is always nil (claims.go:48-50).
    const failure = verifySignature(method, `${headerPart}.${claimsPart}`, signature, key);
    return failure === null ? null : new ValidationError(flag.signatureInvalid, failure);
  }
}

export interface KwmConnectInput extends KcoidcProviderInput {
  /** The bearer token of the `Authorization` header. */
  readonly accessToken: string;
  /** The `id_token` form field; absent or empty: not checked (http.go:86). */
  readonly idToken?: string | null;
  /** Milliseconds since the epoch. */
  readonly now: number;
  /** kwmserver `--rtm-required-scope` (http.go:73-76). */
  readonly requiredScopes?: readonly string[];
  /** The `auth` form field: "" or "0" (user id), "1" (`kc.i.un`; Meet's useIdentifiedUser). */
  readonly authMode?: string;
  /** kwmserver `--enable-guest-api` (http.go:143-153). Absent: true. */
  readonly guestsEnabled?: boolean;
}

export interface KwmConnectResult {
  /** What libkcoidc returns: `kc.i.id`, else `sub`. */
  readonly authenticatedUserId: string;
  /** The kwm user after the auth mode (http.go:116-140). */
  readonly user: string;
  readonly isGuest: boolean;
  /** `kc.authorizedScopes` as libkcoidc reads it (claims.go:105-116); null when not an array. */
  readonly authorizedScopes: readonly string[] | null;
  /** `kc.authorizedClaims` when it is an object (claims.go:120-124), else null. */
  readonly authorizedClaims: Readonly<Record<string, unknown>> | null;
  /** The ID token's non-standard claims (kwmserver reads `name` from them), or null. */
  readonly userClaims: Readonly<Record<string, unknown>> | null;
  /** For guests, the group paths they are restricted to (guest/manager.go:80-112). */
  readonly groupRestriction: readonly string[];
  readonly standardClaims: StandardClaims;
}

/**
 * kwmserver's bearer authentication for rtm connect (signaling/rtm/http.go:61-156). Throws
 * `KcoidcError` named after libkcoidc's status or kwmserver's refusal.
 */
export function kwmConnect(input: KwmConnectInput): KwmConnectResult {
  const provider = new KcoidcProvider(input);
  const access = provider.validateTokenString(input.accessToken, input.now);
  if (access.error !== null) throw access.error;
  const { claims } = access;
  if (claims['kc.isAccessToken'] !== true) {
    // http.go:66-70 with libkcoidc claims.go:53-62 (a bool true, nothing else).
    throw new KcoidcError('KwmMissingAccessTokenClaim', 'missing access token claim');
  }
  const scopeList = claims['kc.authorizedScopes'];
  const requiredScopes = input.requiredScopes ?? [];
  if (requiredScopes.length > 0) {
    // claims.go:128-145; a non-string in the array panics at claims.go:109.
    if (Array.isArray(scopeList) && scopeList.some((s) => typeof s !== 'string')) {
      throw new KcoidcError('KwmPanic', 'interface conversion: interface {} is not string');
    }
    const granted = Array.isArray(scopeList) ? (scopeList as string[]) : [];
    const missing = requiredScopes.filter((s) => !granted.includes(s));
    if (missing.length > 0) throw new KcoidcError('ErrStatusMissingRequiredScope', missing.join(' '));
  }

  let userClaims: Record<string, unknown> | null = null;
  if (input.idToken !== undefined && input.idToken !== null && input.idToken !== '') {
    const id = provider.validateTokenString(input.idToken, input.now);
    // http.go:88-91: an expired (or not yet valid) ID token is fine; its signature was checked.
    if (id.error !== null && id.error.status !== 'ErrStatusTokenExpiredOrNotValidYet') throw id.error;
    if (
      id.standardClaims.sub !== access.standardClaims.sub ||
      id.standardClaims.iss !== access.standardClaims.iss
    ) {
      throw new KcoidcError('KwmIdTokenDoesNotMatch', 'id token does not match access token');
    }
    userClaims = id.claims;
  }

  let user = access.authenticatedUserId;
  switch (input.authMode ?? '') {
    case '':
    case '0':
      break;
    case '1': {
      const identity = asObject(claims['kc.identity']);
      const username = identity?.['kc.i.un'];
      if (typeof username === 'string' && username !== '') user = username;
      break;
    }
    default:
      throw new KcoidcError('KwmUnsupportedAuthMode', String(input.authMode));
  }

  const isGuest = asObject(claims['kc.identity'])?.['kc.i.guest'] === true; // claims.go:94-101
  const groupRestriction: string[] = [];
  if (isGuest) {
    if (input.guestsEnabled === false) {
      throw new KcoidcError('KwmGuestSupportDisabled', 'rtm connect as guest but guest support is disabled');
    }
    groupRestriction.push(...guestRestrictions(claims));
  }

  return {
    authenticatedUserId: access.authenticatedUserId,
    user,
    isGuest,
    authorizedScopes: Array.isArray(scopeList)
      ? scopeList.filter((s): s is string => typeof s === 'string')
      : null,
    authorizedClaims: asObject(claims['kc.authorizedClaims']),
    userClaims,
    groupRestriction,
    standardClaims: access.standardClaims,
  };
}

/** guest/manager.go:80-112 with guest.go:99-109. */
function guestRestrictions(claims: Readonly<Record<string, unknown>>): string[] {
  const passthru = asObject(asObject(claims['kc.authorizedClaims'])?.passthru);
  const guest = asObject(passthru?.['kopano/kwm/guest']);
  if (guest === null) return [];
  const type = typeof guest.type === 'string' ? guest.type : '';
  const path = typeof guest.path === 'string' ? guest.path : '';
  if (type === '') throw new KcoidcError('KwmGuestClaimsInvalid', 'no type in guest claims');
  if (type !== '1') throw new KcoidcError('KwmGuestClaimsInvalid', 'unknown guest type in guest claims');
  return [path];
}

/**
 * provider.go:227-239: the jwt-go flags, in this order, become libkcoidc statuses. An
 * unexpected signing method or an unknown kid is thus reported as an invalid signature, and
 * an `iat` in the future (ValidationErrorIssuedAt) as a failed validation.
 */
function mapError(error: ValidationError): KcoidcError {
  if (error.errors & flag.malformed) return new KcoidcError('ErrStatusTokenMalformed', error.inner);
  if (error.errors & (flag.signatureInvalid | flag.unverifiable)) {
    return new KcoidcError('ErrStatusTokenInvalidSignature', error.inner);
  }
  if (error.errors & (flag.expired | flag.notValidYet)) {
    return new KcoidcError('ErrStatusTokenExpiredOrNotValidYet', error.inner);
  }
  return new KcoidcError('ErrStatusTokenValidationFailed', error.inner);
}

/** jwt-go claims.go:32-59 and 104-134: no leeway; a zero (absent) claim is not checked. */
function validStandardClaims(c: StandardClaims, now: number): ValidationError | null {
  let errors = 0;
  let inner = '';
  if (c.exp !== 0 && !(now <= c.exp)) {
    errors |= flag.expired;
    inner = `token is expired by ${now - c.exp}s`;
  }
  if (c.iat !== 0 && !(now >= c.iat)) {
    errors |= flag.issuedAt;
    inner = 'Token used before issued';
  }
  if (c.nbf !== 0 && !(now >= c.nbf)) {
    errors |= flag.notValidYet;
    inner = 'token is not valid yet';
  }
  return errors === 0 ? null : new ValidationError(errors, inner);
}

/** libkcoidc claims.go:66-78 with utils.go:24-57: popped, wrong types read as "" or 0. */
function splitStandardClaims(claims: Record<string, unknown>): StandardClaims {
  const popString = (name: string): string => {
    const value = claims[name];
    delete claims[name];
    return typeof value === 'string' ? value : '';
  };
  const popInt = (name: string): number => {
    const value = claims[name];
    delete claims[name];
    return typeof value === 'number' ? Math.trunc(value) : 0;
  };
  return {
    aud: popString('aud'),
    exp: popInt('exp'),
    jti: popString('jti'),
    iat: popInt('iat'),
    iss: popString('iss'),
    nbf: popInt('nbf'),
    sub: popString('sub'),
  };
}

/** claims.go:82-90. */
function authenticatedUserIdFromClaims(claims: Readonly<Record<string, unknown>>): string | null {
  const id = asObject(claims['kc.identity'])?.['kc.i.id'];
  return typeof id === 'string' && id !== '' ? id : null;
}

/** The reason jwt-go's Method.Verify fails, or null when the signature holds. */
function verifySignature(
  method: Method,
  signingInput: string,
  signature: string,
  key: ParsedKey,
): string | null {
  const sig = decodeSegment(signature);
  if (sig === null) return 'illegal base64 data';
  const data = Buffer.from(signingInput);
  switch (method.family) {
    case 'none':
      // none.go:29-45: the key is never UnsafeAllowNoneSignatureType here.
      return "'none' signature type is not allowed";
    case 'HS': {
      if (key.kind !== 'symmetric') return 'key is of invalid type';
      const mac = createHmac(method.hash, key.key as Buffer)
        .update(data)
        .digest();
      return mac.length === sig.length && timingSafeEqual(mac, sig) ? null : 'signature is invalid';
    }
    case 'RS':
    case 'PS': {
      const publicKey = key.key as KeyObject;
      if (key.kind !== 'public' || publicKey.asymmetricKeyType !== 'rsa') {
        return method.family === 'RS' ? 'key is of invalid type' : 'key is invalid';
      }
      const options =
        method.family === 'RS'
          ? { key: publicKey }
          : {
              key: publicKey,
              padding: constants.RSA_PKCS1_PSS_PADDING,
              saltLength: method.saltEqualsHash
                ? constants.RSA_PSS_SALTLEN_DIGEST
                : constants.RSA_PSS_SALTLEN_AUTO,
            };
      return safeVerify(method.hash, data, options, sig) ? null : 'crypto/rsa: verification error';
    }
    case 'ES': {
      const publicKey = key.key as KeyObject;
      if (key.kind !== 'public' || publicKey.asymmetricKeyType !== 'ec') return 'key is of invalid type';
      if (sig.length !== 2 * (method.keySize ?? 0)) return 'crypto/ecdsa: verification error';
      const ok = safeVerify(method.hash, data, { key: publicKey, dsaEncoding: 'ieee-p1363' }, sig);
      return ok ? null : 'crypto/ecdsa: verification error';
    }
  }
}

function safeVerify(
  hash: string,
  data: Buffer,
  key: Parameters<typeof verify>[2],
  signature: Buffer,
): boolean {
  try {
    return verify(hash, data, key, signature);
  } catch {
    return false;
  }
}

/**
 * jwt-go token.go:102-108: pad to a multiple of four, then base64.URLEncoding, which refuses
 * characters outside the URL-safe alphabet and misplaced padding.
 */
function decodeSegment(segment: string): Buffer | null {
  const padded = segment.length % 4 === 0 ? segment : segment + '='.repeat(4 - (segment.length % 4));
  if (!/^(?:[A-Za-z0-9_-]{4})*(?:[A-Za-z0-9_-]{2}==|[A-Za-z0-9_-]{3}=)?$/.test(padded)) return null;
  return Buffer.from(padded, 'base64url');
}

/**
 * A header or claims segment as parser.go:104-136 decodes it into a map: JSON `null` gives an
 * empty map; anything but an object is malformed.
 */
function decodeJsonSegment(segment: string): Record<string, unknown> | ValidationError {
  const bytes = decodeSegment(segment);
  if (bytes === null) return new ValidationError(flag.malformed, 'illegal base64 data');
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    return new ValidationError(flag.malformed, String(error));
  }
  if (value === null) return {};
  const object = asObject(value);
  return object === null ? new ValidationError(flag.malformed, 'cannot unmarshal into map') : { ...object };
}

/**
 * libkcoidc provider.go:73-75 on Go's url.Parse, which lowercases the scheme and has a host
 * only after "//"; oidc-go then keeps `issuer.String()` (provider.go:104).
 */
function goIssuer(raw: string): string {
  const match = /^([A-Za-z][A-Za-z0-9+.-]*):(.*)$/s.exec(raw);
  const scheme = match?.[1]?.toLowerCase();
  const rest = match?.[2] ?? '';
  const authority = rest.startsWith('//') ? (rest.slice(2).split(/[/?#]/)[0] ?? '') : '';
  const host = authority.slice(authority.lastIndexOf('@') + 1);
  if (scheme !== 'https' || host === '') throw new KcoidcError('ErrStatusInvalidIss', raw);
  return `${scheme}:${rest}`;
}

/** oidc-go well-known.go: the fields read, each of the declared Go type or the decode fails. */
function decodeDiscovery(body: string | object): { issuer: string; jwksUri: string; algs: string[] } {
  const doc = asObject(parseBody(body, 'discovery document'));
  if (doc === null) throw new KcoidcError('ErrStatusNotInitialized', 'discovery document is not an object');
  const text = (name: string): string => {
    const value = doc[name];
    if (value === undefined || value === null) return '';
    if (typeof value !== 'string')
      throw new KcoidcError('ErrStatusNotInitialized', `discovery ${name} is not a string`);
    return value;
  };
  const algs = doc.id_token_signing_alg_values_supported ?? [];
  if (!Array.isArray(algs) || !algs.every((a) => typeof a === 'string')) {
    throw new KcoidcError(
      'ErrStatusNotInitialized',
      'discovery id_token_signing_alg_values_supported is not a string list',
    );
  }
  return { issuer: text('issuer'), jwksUri: text('jwks_uri'), algs };
}

/** go-jose jwk.go:111-164: every key must decode, or the whole set is refused. */
function decodeJwks(body: string | object): ParsedKey[] {
  const set = asObject(parseBody(body, 'JWKS'));
  if (set === null) throw new KcoidcError('ErrStatusNotInitialized', 'JWKS is not an object');
  const keys = set.keys ?? [];
  if (!Array.isArray(keys)) throw new KcoidcError('ErrStatusNotInitialized', 'JWKS keys is not a list');
  return keys.map((entry, i): ParsedKey => {
    const jwk = asObject(entry);
    if (jwk === null) throw new KcoidcError('ErrStatusNotInitialized', `JWKS key ${i} is not an object`);
    const kid = typeof jwk.kid === 'string' ? jwk.kid : '';
    try {
      switch (jwk.kty) {
        case 'RSA':
        case 'EC':
          if (jwk.kty === 'EC' && !['P-256', 'P-384', 'P-521'].includes(String(jwk.crv)))
            throw new Error('unsupported curve');
          return { kid, kind: jwk.d === undefined ? 'public' : 'private', key: importPublic(jwk) };
        case 'OKP':
          if (jwk.crv !== 'Ed25519' || jwk.x === undefined)
            throw new Error(`unknown curve ${String(jwk.crv)}`);
          return { kid, kind: jwk.d === undefined ? 'public' : 'private', key: importPublic(jwk) };
        case 'oct':
          return { kid, kind: 'symmetric', key: Buffer.from(String(jwk.k ?? ''), 'base64url') };
        default:
          throw new Error(`unknown json web key type '${String(jwk.kty)}'`);
      }
    } catch (error) {
      throw new KcoidcError('ErrStatusNotInitialized', `JWKS key ${i}: ${(error as Error).message}`);
    }
  });
}

function importPublic(jwk: Record<string, unknown>): KeyObject {
  const publicJwk: Record<string, unknown> = {};
  for (const name of ['kty', 'crv', 'n', 'e', 'x', 'y'])
    if (jwk[name] !== undefined) publicJwk[name] = jwk[name];
  return createPublicKey({ key: publicJwk as JsonWebKey, format: 'jwk' });
}

function parseBody(body: string | object, what: string): unknown {
  if (typeof body !== 'string') return body;
  try {
    return JSON.parse(body);
  } catch {
    throw new KcoidcError('ErrStatusNotInitialized', `${what} is not JSON`);
  }
}

function asObject(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}
