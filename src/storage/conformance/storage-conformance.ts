import { describe } from 'node:test';
import type { Storage } from '../types.js';
import { describeAccountCases } from './account-cases.js';
import { describeAccountListingCases } from './account-listing-cases.js';
import { describeBackchannelCases } from './backchannel-cases.js';
import { describeClaimsAndGuestCases } from './claims-and-guest-cases.js';
import { describeGeneratedKeyCases } from './generated-key-cases.js';
import { describeHardeningCases } from './hardening-cases.js';
import { describePasswordHashCases } from './password-hash-cases.js';
import { describeRegistrationAndParCases } from './registration-and-par-cases.js';
import { describeTokenCases } from './token-cases.js';
import { describeUserContactCases } from './user-contact-cases.js';

/**
 * The one test suite every `Storage` engine runs (DESIGN.md "Small interfaces with conformance
 * suites"): each invariant of `../types.ts`, including that `codes.consume`,
 * `refreshTokens.rotate`, `once.use`, `pushedRequests.take` and `users.replacePasswordHash` let
 * exactly one of several concurrent callers succeed, and that `backchannelDeliveries.claimDue`
 * never hands one delivery to two of them, and that concurrent `generatedKeys.insertIfAbsent`
 * calls all get one key.
 * `factory` must return a fresh, empty storage on every call; the suite closes each one after
 * its test.
 */
export function runStorageConformance(name: string, factory: () => Promise<Storage>): void {
  describe(`${name} storage conformance`, () => {
    describeAccountCases(factory);
    describeAccountListingCases(factory);
    describeTokenCases(factory);
    describeClaimsAndGuestCases(factory);
    describeHardeningCases(factory);
    describeUserContactCases(factory);
    describePasswordHashCases(factory);
    describeBackchannelCases(factory);
    describeRegistrationAndParCases(factory);
    describeGeneratedKeyCases(factory);
  });
}
