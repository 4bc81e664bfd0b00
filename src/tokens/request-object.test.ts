import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { exportJWK, SignJWT } from 'jose';
import type { Client } from '../clients/types.js';
import { OAuthError } from '../oauth/errors.js';
import {
  MAX_REQUEST_OBJECT_LENGTH,
  REQUEST_OBJECT_SIGNING_ALGS,
  verifyRequestObject,
} from './request-object.js';

const issuer = 'https://meet.example.com';
const clientId = 'kpop-https://meet.example.com/meet/';
const now = Date.UTC(2026, 0, 1);
const ctx = { issuer, now };

type Registration = Pick<Client, 'id' | 'jwks' | 'requestObjectSigningAlg'>;

function keyPair(kind: 'ec' | 'rsa' | 'ed25519'): KeyObject {
  if (kind === 'ec') return generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  if (kind === 'rsa') return generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  return generateKeyPairSync('ed25519').privateKey;
}

/** The client's key as kwmserver's registration file holds it: the PRIVATE JWK, `use: sig`. */
async function registeredJwk(privateKey: KeyObject, extra: Record<string, unknown> = {}) {
  return { ...(await exportJWK(privateKey)), use: 'sig', ...extra };
}

function client(keys: Record<string, unknown>[] | null, alg: string | null): Registration {
  return { id: clientId, jwks: keys === null ? null : { keys }, requestObjectSigningAlg: alg };
}

/** kwmserver signaling/guest/http.go:149-177: these four claims only, header alg, kid, typ. */
const guestRequest = {
  client_id: clientId,
  response_type: 'id_token token',
  scope: 'openid profile kopano/kwm konnect/guestok',
  claims: {
    id_token: { guest: { essential: true, value: 'Zx1@1.kwmguest' }, name: { value: '(Guest)Bob' } },
    passthru: { 'kopano/kwm/guest': { type: '1', path: 'group/public/room' } },
  },
};

function sign(payload: Record<string, unknown>, key: KeyObject, alg: string, kid?: string): Promise<string> {
  return new SignJWT(payload)
    .setProtectedHeader({ alg, typ: 'JWT', ...(kid === undefined ? {} : { kid }) })
    .sign(key);
}

function unsigned(payload: unknown, signature = ''): string {
  const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
  return `${header}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${signature}`;
}

function refused(pattern: RegExp) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof OAuthError, String(error));
    assert.equal(error.code, 'invalid_request_object');
    assert.equal(error.status, 400);
    assert.equal(error.redirectable, false);
    assert.match(error.description, pattern);
    return true;
  };
}

describe('verifyRequestObject', () => {
  it("accepts kwmserver's ES256 guest request signed with the private key it registered", async () => {
    const key = keyPair('ec');
    const registration = client([await registeredJwk(key, { kid: 'meet-guest' })], 'ES256');
    const jwt = await sign(guestRequest, key, 'ES256', 'meet-guest');
    assert.deepEqual(await verifyRequestObject(jwt, registration, ctx), {
      payload: guestRequest,
      alg: 'ES256',
      signed: true,
    });
  });

  it('uses the only registered key whatever kid the header names, as Konnect does', async () => {
    const key = keyPair('ec');
    const registration = client([await registeredJwk(key, { kid: 'a' })], 'ES256');
    for (const kid of ['b', undefined, '']) {
      const result = await verifyRequestObject(
        await sign(guestRequest, key, 'ES256', kid),
        registration,
        ctx,
      );
      assert.equal(result.signed, true);
    }
  });

  for (const [alg, kind] of [
    ['RS256', 'rsa'],
    ['PS256', 'rsa'],
    ['PS512', 'rsa'],
    ['EdDSA', 'ed25519'],
  ] as const) {
    it(`accepts ${alg} from a client that registered no alg`, async () => {
      const key = keyPair(kind);
      const registration = client([await registeredJwk(key, { kid: 'k' })], null);
      const result = await verifyRequestObject(
        await sign({ scope: 'openid' }, key, alg, 'k'),
        registration,
        ctx,
      );
      assert.deepEqual(result, { payload: { scope: 'openid' }, alg, signed: true });
    });
  }

  it('picks the key by kid among several, an absent kid meaning "default"', async () => {
    const [one, two] = [keyPair('ec'), keyPair('ec')];
    const registration = client(
      [await registeredJwk(one, { kid: 'one' }), await registeredJwk(two, { kid: 'default' })],
      null,
    );
    assert.equal(
      (await verifyRequestObject(await sign({}, one, 'ES256', 'one'), registration, ctx)).signed,
      true,
    );
    assert.equal((await verifyRequestObject(await sign({}, two, 'ES256'), registration, ctx)).signed, true);
    await assert.rejects(
      verifyRequestObject(await sign({}, one, 'ES256', 'three'), registration, ctx),
      refused(/key is unknown/),
    );
    // The kid names key "one", but key "default" signed: the signature does not hold.
    await assert.rejects(
      verifyRequestObject(await sign({}, two, 'ES256', 'one'), registration, ctx),
      refused(/signature is invalid/),
    );
  });

  it('refuses an alg other than the registered request_object_signing_alg', async () => {
    const key = keyPair('rsa');
    const registration = client([await registeredJwk(key)], 'RS256');
    await assert.rejects(
      verifyRequestObject(await sign({}, key, 'PS256'), registration, ctx),
      refused(/does not match the client registration/),
    );
  });

  it('refuses algs outside the supported list, even when registered', async () => {
    assert.equal(REQUEST_OBJECT_SIGNING_ALGS.includes('HS256'), false);
    const registration = client(
      [{ kty: 'oct', k: Buffer.from('secret'.repeat(6)).toString('base64url') }],
      'HS256',
    );
    const jwt = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .sign(Buffer.from('secret'.repeat(6)));
    await assert.rejects(verifyRequestObject(jwt, registration, ctx), refused(/alg is not supported/));
  });

  it('refuses a key registered for another alg or another use', async () => {
    const key = keyPair('rsa');
    const jwt = await sign({}, key, 'PS256');
    await assert.rejects(
      verifyRequestObject(jwt, client([await registeredJwk(key, { alg: 'RS256' })], null), ctx),
      refused(/does not match the signing key/),
    );
    await assert.rejects(
      verifyRequestObject(jwt, client([await registeredJwk(key, { use: 'enc' })], null), ctx),
      refused(/not a signing key/),
    );
    // An EC key cannot verify RSA signatures.
    await assert.rejects(
      verifyRequestObject(jwt, client([await registeredJwk(keyPair('ec'))], null), ctx),
      refused(/cannot verify this alg/),
    );
  });

  it('refuses a signed object from a client with no registered keys', async () => {
    const jwt = await sign({}, keyPair('ec'), 'ES256');
    for (const registration of [client(null, null), client([], 'ES256')]) {
      await assert.rejects(verifyRequestObject(jwt, registration, ctx), refused(/no registered keys/));
    }
  });

  it('accepts an unsigned object only from a client that registered alg none', async () => {
    assert.deepEqual(await verifyRequestObject(unsigned({ scope: 'openid' }), client(null, 'none'), ctx), {
      payload: { scope: 'openid' },
      alg: 'none',
      signed: false,
    });
    const withKeys = client([await registeredJwk(keyPair('ec'))], null);
    for (const registration of [client(null, null), client(null, 'ES256'), withKeys]) {
      await assert.rejects(
        verifyRequestObject(unsigned({ scope: 'openid' }), registration, ctx),
        refused(/unsigned request objects are not allowed/),
      );
    }
    await assert.rejects(
      verifyRequestObject(unsigned({}, 'c2ln'), client(null, 'none'), ctx),
      refused(/carries a signature/),
    );
  });

  it('refuses a tampered object', async () => {
    const key = keyPair('ec');
    const registration = client([await registeredJwk(key)], 'ES256');
    const [header, , signature] = (await sign(guestRequest, key, 'ES256')).split('.');
    const forged = Buffer.from(JSON.stringify({ ...guestRequest, scope: 'openid admin' })).toString(
      'base64url',
    );
    await assert.rejects(
      verifyRequestObject(`${header}.${forged}.${signature}`, registration, ctx),
      refused(/signature is invalid/),
    );
  });

  it('checks iss, aud and client_id when the object has them', async () => {
    const key = keyPair('ec');
    const registration = client([await registeredJwk(key)], 'ES256');
    const verify = async (claims: Record<string, unknown>) =>
      verifyRequestObject(await sign(claims, key, 'ES256'), registration, ctx);
    assert.equal((await verify({ iss: clientId, aud: issuer })).signed, true);
    assert.equal((await verify({ aud: ['https://other.example', issuer] })).signed, true);
    await assert.rejects(verify({ iss: 'someone-else' }), refused(/issuer is not the client/));
    await assert.rejects(verify({ aud: 'https://other.example' }), refused(/audience/));
    await assert.rejects(verify({ aud: [`${issuer}/`] }), refused(/audience/));
    await assert.rejects(verify({ client_id: 'someone-else' }), refused(/client_id does not match/));
  });

  it('refuses an expired or not yet valid object, allowing 30 s of clock skew', async () => {
    const key = keyPair('ec');
    const registration = client([await registeredJwk(key)], 'ES256');
    const verify = async (claims: Record<string, unknown>) =>
      verifyRequestObject(await sign(claims, key, 'ES256'), registration, ctx);
    const t = now / 1000;
    assert.equal((await verify({ exp: t - 29, nbf: t + 29 })).signed, true);
    await assert.rejects(verify({ exp: t - 30 }), refused(/expired/));
    await assert.rejects(verify({ nbf: t + 31 }), refused(/not yet valid/));
    await assert.rejects(verify({ exp: String(t + 60) }), refused(/exp is not a number/));
  });

  it('refuses an object over 16 KiB before looking at it', async () => {
    const key = keyPair('ec');
    const registration = client([await registeredJwk(key)], 'ES256');
    const big = await sign({ pad: 'x'.repeat(MAX_REQUEST_OBJECT_LENGTH) }, key, 'ES256');
    await assert.rejects(verifyRequestObject(big, registration, ctx), refused(/too large/));
    const fits = await sign({ pad: 'x'.repeat(MAX_REQUEST_OBJECT_LENGTH / 2) }, key, 'ES256');
    assert.equal((await verifyRequestObject(fits, registration, ctx)).signed, true);
  });

  it('refuses garbage, encrypted objects and payloads that are not JSON objects', async () => {
    const registration = client(null, 'none');
    const cases: [string, RegExp][] = [
      ['', /empty/],
      ['abc', /not a compact JWS/],
      ['a.b', /not a compact JWS/],
      ['a.b.c.d', /not a compact JWS/],
      ['a b.c.d', /not a compact JWS/],
      ['eyJhbGciOiJSU0EtT0FFUCJ9.a.b.c.d', /encrypted request objects are not supported/],
      ['a.b.c', /header is malformed/],
      [`${Buffer.from('{"typ":"JWT"}').toString('base64url')}.e30.`, /no alg/],
      [unsigned([1, 2]), /not a JSON object/],
      [unsigned('text'), /not a JSON object/],
      [`${unsigned({}).split('.')[0]}.bm90IGpzb24.`, /not JSON/],
    ];
    for (const [jwt, pattern] of cases) {
      await assert.rejects(verifyRequestObject(jwt, registration, ctx), refused(pattern), jwt);
    }
  });
});
