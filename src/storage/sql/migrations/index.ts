import type { Kysely } from 'kysely';
import { up as initial } from './0001-initial.js';
import { up as grantClaimsAndGuests } from './0002-grant-claims-and-guests.js';
import { up as interactionClientAddress } from './0003-interaction-client-address.js';
import { up as protocolCompleteness } from './0004-protocol-completeness.js';
import { up as generatedKeys } from './0005-generated-keys.js';
import { up as signingKeyRing } from './0006-signing-key-ring.js';

/** One schema change. `id`s are consecutive from 1; a migration never changes once released. */
export interface Migration {
  readonly id: number;
  readonly name: string;
  up(db: Kysely<unknown>): Promise<void>;
}

/** Every migration this code knows, in the order they run. */
export const migrations: readonly Migration[] = [
  { id: 1, name: '0001-initial', up: initial },
  { id: 2, name: '0002-grant-claims-and-guests', up: grantClaimsAndGuests },
  { id: 3, name: '0003-interaction-client-address', up: interactionClientAddress },
  { id: 4, name: '0004-protocol-completeness', up: protocolCompleteness },
  { id: 5, name: '0005-generated-keys', up: generatedKeys },
  { id: 6, name: '0006-signing-key-ring', up: signingKeyRing },
];
