import assert from 'node:assert/strict';
import type { LookupAddress } from 'node:dns';
import { describe, it } from 'node:test';
import { InternalAddressError, publicAddressLookup, type ResolveAll } from './public-address-lookup.js';

/** A resolver that answers every name with `addresses`. */
function answering(addresses: LookupAddress[]) {
  const resolve: ResolveAll = (_hostname, options, callback) => {
    assert.equal(options.all, true, 'every address is asked for, to check them all');
    queueMicrotask(() => callback(null, addresses));
  };
  return { resolve };
}

function lookUp(resolve: ResolveAll, all: boolean) {
  return new Promise<{ err: NodeJS.ErrnoException | null; address: unknown; family?: number }>((done) =>
    publicAddressLookup(resolve)('rp.example.org', { all }, (err, address, family) =>
      done({ err, address, family }),
    ),
  );
}

const PUBLIC_V4 = { address: '93.184.215.14', family: 4 };
const PUBLIC_V6 = { address: '2606:2800:21f:cb07:6820:80da:af6b:8b2c', family: 6 };

describe('publicAddressLookup', () => {
  it('gives public addresses on, as one address or all of them', async () => {
    const { resolve } = answering([PUBLIC_V6, PUBLIC_V4]);
    assert.deepEqual(await lookUp(resolve, false), { err: null, address: PUBLIC_V6.address, family: 6 });
    assert.deepEqual(await lookUp(resolve, true), {
      err: null,
      address: [PUBLIC_V6, PUBLIC_V4],
      family: undefined,
    });
  });

  it('refuses a name with any address that is not public, even beside public ones', async () => {
    for (const internal of [
      { address: '127.0.0.1', family: 4 },
      { address: '169.254.169.254', family: 4 },
      { address: '10.0.0.7', family: 4 },
      { address: '::1', family: 6 },
      { address: '::ffff:192.168.0.1', family: 6 },
      { address: 'fd00::1', family: 6 },
    ]) {
      for (const all of [false, true]) {
        const { err } = await lookUp(answering([PUBLIC_V4, internal]).resolve, all);
        assert.ok(err instanceof InternalAddressError, internal.address);
        assert.equal(err.address, internal.address);
        assert.equal(
          err.message,
          `rp.example.org resolves to ${internal.address}, which is not a public address`,
        );
      }
    }
  });

  it('passes a resolution failure on, and treats no address as not found', async () => {
    const failing: ResolveAll = (_hostname, _options, callback) => {
      const error: NodeJS.ErrnoException = new Error('getaddrinfo ENOTFOUND rp.example.org');
      error.code = 'ENOTFOUND';
      callback(error, []);
    };
    assert.equal((await lookUp(failing, false)).err?.code, 'ENOTFOUND');
    assert.equal((await lookUp(answering([]).resolve, true)).err?.code, 'ENOTFOUND');
  });
});
