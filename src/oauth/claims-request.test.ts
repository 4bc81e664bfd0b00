import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CLAIMS_REQUEST_LIMITS,
  parseClaimsParameter,
  readClaimsRequest,
  requestedClaimNames,
  requestedStringValue,
  requestedSubject,
  withoutPassthru,
  type ClaimsRequest,
} from './claims-request.js';
import { OAuthError } from './errors.js';

function rejects(run: () => unknown, description: RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof OAuthError);
    assert.equal(error.code, 'invalid_request');
    assert.equal(error.redirectable, false);
    assert.match(error.description, description);
    // RFC 6749 §5.2: error_description is printable ASCII without `"` and `\`.
    assert.match(error.description, /^[\x20\x21\x23-\x5B\x5D-\x7E]+$/);
    return true;
  });
}

describe('parseClaimsParameter (OpenID Connect Core §5.5)', () => {
  it("accepts Kopano Meet's request with a JSON null claim", () => {
    const claims = parseClaimsParameter('{"id_token":{"name":null}}');
    assert.deepEqual(claims, { id_token: { name: null } });
    assert.ok(requestedClaimNames(claims, 'id_token').includes('name'));
    assert.ok(!requestedClaimNames(claims, 'userinfo').includes('name'));
  });

  it('keeps essential, value and values as given', () => {
    const claims = parseClaimsParameter(
      JSON.stringify({
        userinfo: {
          given_name: { essential: true },
          nickname: null,
          email: { essential: false },
          'http://example.info/claims/groups': null,
        },
        id_token: {
          auth_time: { essential: true },
          acr: { values: ['urn:mace:incommon:iap:silver'] },
          sub: { value: '248289761001' },
          nothing: { value: null },
          nested: { value: { a: [1, { b: 'c' }] } },
        },
      }),
    );
    assert.deepEqual(claims, {
      userinfo: {
        given_name: { essential: true },
        nickname: null,
        email: { essential: false },
        'http://example.info/claims/groups': null,
      },
      id_token: {
        auth_time: { essential: true },
        acr: { values: ['urn:mace:incommon:iap:silver'] },
        sub: { value: '248289761001' },
        nothing: { value: null },
        nested: { value: { a: [1, { b: 'c' }] } },
      },
    });
  });

  it('accepts an empty request and empty members', () => {
    assert.deepEqual(parseClaimsParameter('{}'), {});
    assert.deepEqual(parseClaimsParameter('{"id_token":{},"userinfo":{}}'), { id_token: {}, userinfo: {} });
  });

  it('ignores unknown top-level members and unknown members of a claim, but keeps passthru', () => {
    const claims = readClaimsRequest({
      id_token: { name: { essential: true, purpose: 'greeting' } },
      other: 1,
      passthru: { 'kopano/kwm/guest': { type: '1' } },
    });
    assert.deepEqual(claims, {
      id_token: { name: { essential: true } },
      passthru: { 'kopano/kwm/guest': { type: '1' } },
    });
  });

  it('can be stored as a plain JSON record and read back unchanged', () => {
    const claims = parseClaimsParameter(
      '{"id_token":{"name":null,"email":{"essential":true}},"passthru":[1]}',
    );
    const stored: Readonly<Record<string, unknown>> = claims;
    const roundTripped = JSON.parse(JSON.stringify(stored)) as unknown;
    assert.deepEqual(readClaimsRequest(roundTripped), claims);
  });

  it('cannot be mutated by the code that receives it', () => {
    const claims = parseClaimsParameter('{"id_token":{"name":{"essential":true}}}');
    assert.ok(Object.isFrozen(claims));
    assert.ok(Object.isFrozen(claims.id_token));
    assert.ok(Object.isFrozen(claims.id_token?.['name']));
  });

  it('keeps a claim named __proto__ as an ordinary claim', () => {
    const claims = parseClaimsParameter('{"id_token":{"__proto__":{"value":"x"},"name":null}}');
    const member = claims.id_token;
    assert.ok(member !== undefined);
    assert.equal(Object.getPrototypeOf(member), Object.prototype);
    assert.deepEqual(requestedClaimNames(claims, 'id_token'), ['__proto__', 'name']);
    assert.equal(requestedStringValue(member, '__proto__'), 'x');
    assert.equal(requestedStringValue(member, 'toString'), null);
  });

  it('refuses text that is not JSON', () => {
    rejects(() => parseClaimsParameter(''), /not valid JSON/);
    rejects(() => parseClaimsParameter('{"id_token":{"name":null}'), /not valid JSON/);
    rejects(() => parseClaimsParameter("{'id_token':{}}"), /not valid JSON/);
  });

  it('refuses a request that is not a JSON object', () => {
    for (const text of ['null', '[]', '"claims"', '42', 'true']) {
      rejects(() => parseClaimsParameter(text), /claims must be a JSON object/);
    }
  });

  it('refuses an id_token or userinfo member that is not an object', () => {
    for (const value of ['null', '[]', '"name"', '1']) {
      rejects(() => parseClaimsParameter(`{"id_token":${value}}`), /claims\.id_token must be a JSON object/);
      rejects(() => parseClaimsParameter(`{"userinfo":${value}}`), /claims\.userinfo must be a JSON object/);
    }
  });

  it('refuses a claim that is neither null nor an object', () => {
    for (const value of ['true', '"essential"', '[]', '0']) {
      rejects(
        () => parseClaimsParameter(`{"userinfo":{"email":${value}}}`),
        /each claim in claims\.userinfo must be null or a JSON object/,
      );
    }
  });

  it('refuses a non-boolean essential and a values that is not an array', () => {
    rejects(
      () => parseClaimsParameter('{"id_token":{"name":{"essential":"yes"}}}'),
      /essential in claims\.id_token must be true or false/,
    );
    rejects(
      () => parseClaimsParameter('{"id_token":{"name":{"essential":null}}}'),
      /essential in claims\.id_token must be true or false/,
    );
    rejects(
      () => parseClaimsParameter('{"userinfo":{"acr":{"values":"urn:x"}}}'),
      /values in claims\.userinfo must be an array/,
    );
  });

  it('refuses empty and over-long claim names', () => {
    rejects(
      () => parseClaimsParameter('{"id_token":{"":null}}'),
      /claim name that is empty or longer than 256/,
    );
    const long = 'x'.repeat(CLAIMS_REQUEST_LIMITS.maxNameLength + 1);
    rejects(() => parseClaimsParameter(`{"id_token":{"${long}":null}}`), /longer than 256 characters/);
    const longest = 'x'.repeat(CLAIMS_REQUEST_LIMITS.maxNameLength);
    assert.ok(
      requestedClaimNames(parseClaimsParameter(`{"id_token":{"${longest}":null}}`), 'id_token').includes(
        longest,
      ),
    );
  });

  it('accepts 64 claims in a member and refuses 65', () => {
    const member = (count: number) =>
      JSON.stringify(Object.fromEntries(Array.from({ length: count }, (_, i) => [`c${i}`, null])));
    assert.equal(
      requestedClaimNames(parseClaimsParameter(`{"userinfo":${member(64)}}`), 'userinfo').length,
      64,
    );
    rejects(
      () => parseClaimsParameter(`{"userinfo":${member(65)}}`),
      /claims\.userinfo requests more than 64/,
    );
  });

  it('accepts 8 KiB of text and refuses more, counting UTF-8 bytes', () => {
    const padded = (bytes: number) => {
      const prefix = '{"id_token":{"name":{"value":"';
      const suffix = '"}}}';
      return prefix + 'a'.repeat(bytes - prefix.length - suffix.length) + suffix;
    };
    assert.ok(requestedClaimNames(parseClaimsParameter(padded(8192)), 'id_token').includes('name'));
    rejects(() => parseClaimsParameter(padded(8193)), /larger than 8 KiB/);
    // 3000 characters, 9000 bytes.
    rejects(() => parseClaimsParameter(`{"passthru":"${'€'.repeat(3000)}"}`), /larger than 8 KiB/);
  });
});

describe('readClaimsRequest (request object claims, OpenID Connect Core §6.1)', () => {
  it("reads kwmserver's guest claims request", () => {
    const claims = readClaimsRequest({
      id_token: {
        guest: { essential: true, value: 'abc@1.kwmguest' },
        name: { value: '(Guest) Bob' },
      },
      passthru: { 'kopano/kwm/guest': { type: '1', path: 'group/public/room' } },
    });
    assert.deepEqual(claims, {
      id_token: {
        guest: { essential: true, value: 'abc@1.kwmguest' },
        name: { value: '(Guest) Bob' },
      },
      passthru: { 'kopano/kwm/guest': { type: '1', path: 'group/public/room' } },
    });
  });

  it('applies the same rules and limits as the parameter', () => {
    rejects(() => readClaimsRequest('{"id_token":{}}'), /claims must be a JSON object/);
    rejects(() => readClaimsRequest({ id_token: { name: { essential: 1 } } }), /essential/);
    rejects(() => readClaimsRequest({ passthru: 'x'.repeat(9000) }), /larger than 8 KiB/);
  });

  it('refuses values that are not JSON data', () => {
    rejects(() => readClaimsRequest(undefined), /not JSON data/);
    rejects(() => readClaimsRequest({ passthru: 1n }), /not JSON data/);
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    rejects(() => readClaimsRequest({ passthru: cyclic }), /not JSON data/);
  });
});

describe('withoutPassthru (kopano-meet.md req. 37)', () => {
  it('drops passthru and keeps the claims', () => {
    const claims = parseClaimsParameter(
      '{"id_token":{"name":null},"userinfo":{"email":null},"passthru":{"kopano/kwm/guest":{"type":"1"}}}',
    );
    assert.deepEqual(withoutPassthru(claims), { id_token: { name: null }, userinfo: { email: null } });
    assert.deepEqual(withoutPassthru(parseClaimsParameter('{"passthru":null}')), {});
  });

  it('returns a request without passthru as it is', () => {
    const claims = parseClaimsParameter('{"id_token":{"name":null}}');
    assert.equal(withoutPassthru(claims), claims);
  });
});

describe('requestedSubject (OpenID Connect Core §3.1.2.2)', () => {
  const subject = (text: string) => requestedSubject(parseClaimsParameter(text));

  it('finds a sub value requested for the ID token or for userinfo', () => {
    assert.equal(subject('{"id_token":{"sub":{"value":"S1"}}}'), 'S1');
    assert.equal(subject('{"userinfo":{"sub":{"value":"S2","essential":true}}}'), 'S2');
    assert.equal(subject('{"id_token":{"sub":{"value":"S3"}},"userinfo":{"sub":{"value":"S3"}}}'), 'S3');
    assert.equal(subject('{"id_token":{"sub":{"value":"S4"}},"userinfo":{"sub":null}}'), 'S4');
  });

  it('asks for nobody in particular without a string sub value', () => {
    assert.equal(requestedSubject(null), null);
    assert.equal(subject('{}'), null);
    assert.equal(subject('{"id_token":{"sub":null,"name":{"value":"S"}}}'), null);
    assert.equal(subject('{"id_token":{"sub":{"essential":true}}}'), null);
    assert.equal(subject('{"id_token":{"sub":{"value":42}}}'), null);
    assert.equal(subject('{"id_token":{"sub":{"values":["S1","S2"]}}}'), null);
  });

  it('refuses a request that asks for two different subjects', () => {
    rejects(
      () => subject('{"id_token":{"sub":{"value":"S1"}},"userinfo":{"sub":{"value":"S2"}}}'),
      /two different sub values/,
    );
  });
});

describe('requestedStringValue', () => {
  const claims: ClaimsRequest = parseClaimsParameter(
    '{"id_token":{"name":{"value":"Bob"},"email_verified":{"value":true},"nickname":null,"given_name":{}}}',
  );

  it('gives the string value of a requested claim, and null for anything else', () => {
    assert.equal(requestedStringValue(claims.id_token, 'name'), 'Bob');
    assert.equal(requestedStringValue(claims.id_token, 'email_verified'), null);
    assert.equal(requestedStringValue(claims.id_token, 'nickname'), null);
    assert.equal(requestedStringValue(claims.id_token, 'given_name'), null);
    assert.equal(requestedStringValue(claims.id_token, 'family_name'), null);
    assert.equal(requestedStringValue(claims.userinfo, 'name'), null);
  });
});
