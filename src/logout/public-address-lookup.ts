import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { isInternalAddress } from '../lib/internal-address.js';

/** A connection refused because its host resolved to an address that is not public. */
export class InternalAddressError extends Error {
  readonly code = 'ERR_SESAME_INTERNAL_ADDRESS';

  constructor(
    readonly host: string,
    readonly address: string,
  ) {
    super(`${host} resolves to ${address}, which is not a public address`);
    this.name = 'InternalAddressError';
  }
}

/** How host names are resolved: `dns.lookup`'s signature with `all: true`. */
export type ResolveAll = (
  hostname: string,
  options: LookupAllOptions,
  callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

/**
 * A `lookup` for `net.connect` (and so for `http.request`) that resolves every address of the
 * host and fails with {@link InternalAddressError} if any of them is not public
 * (`isInternalAddress`), so a host name that points at loopback, a private network or the
 * cloud metadata service is never connected to. The connection goes to the addresses checked
 * — there is no second resolution an attacker's DNS server could answer differently (DNS
 * rebinding). Node does not call `lookup` for an IP address literal: check those first.
 */
export function publicAddressLookup(resolve: ResolveAll = dnsLookup): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, { ...options, all: true }, (err, addresses) => {
      if (err !== null) return callback(err, '', 0);
      const internal = addresses.find((a) => isInternalAddress(a.address));
      if (internal !== undefined)
        return callback(new InternalAddressError(hostname, internal.address), '', 0);
      const [first] = addresses;
      if (first === undefined) {
        const error: NodeJS.ErrnoException = new Error(`${hostname} has no address`);
        error.code = 'ENOTFOUND';
        return callback(error, '', 0);
      }
      if (options.all === true) return callback(null, addresses);
      return callback(null, first.address, first.family);
    });
  };
}
