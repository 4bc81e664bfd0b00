import { createHash, createHmac } from 'node:crypto';
import type { Client } from './types.js';

/** What an instance tells about the clients of its registration file (`/health-check`). */
export interface RegistrySummary {
  /** {@link registryDigest} of the clients in force. */
  readonly digest: string;
  /** How many clients are in force. */
  readonly clients: number;
}

/**
 * A digest of the clients in force, `hmac-sha256:<hex>`, for telling whether instances run the
 * same registration (issue 9). It covers what was loaded, not the file's bytes: comments,
 * whitespace, key order, the order of the entries and the file's name do not change it; any
 * effective setting of any client does. Clients are taken sorted by id, each as canonical JSON
 * (keys sorted) without its `source` (`file:line`), its secret only as the SHA-256 of the
 * secret. Instances of different Sesame versions may disagree over the same file when a
 * version reads a client into different settings.
 *
 * The digest is public (`/health-check`), so it is an HMAC keyed with the instance secret
 * (`secret.key`, which instances behind one address share anyway): without the key, nobody
 * can test guesses of a client secret against it. Digests made with different keys never agree.
 */
export function registryDigest(clients: readonly Client[], key: Uint8Array): string {
  const entries = [...clients].sort((a, b) => compareStrings(a.id, b.id)).map(effectiveSettings);
  const mac = createHmac('sha256', key)
    .update(canonicalJson({ clients: entries }))
    .digest('hex');
  return `hmac-sha256:${mac}`;
}

/** The summary of a set of clients: its {@link registryDigest} and its size. */
export function summarizeRegistry(clients: readonly Client[], key: Uint8Array): RegistrySummary {
  return { digest: registryDigest(clients, key), clients: clients.length };
}

/** Every setting of the client, so that a field added to `Client` is covered without a change here. */
function effectiveSettings(client: Client): Record<string, unknown> {
  const settings: Record<string, unknown> = {
    ...client,
    secret: client.secret === null ? null : `sha256:${sha256Hex(client.secret)}`,
  };
  delete settings.source;
  return settings;
}

/** JSON with every object's keys sorted; `undefined` members are left out, as JSON does. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, member: unknown) =>
    member !== null && typeof member === 'object' && !Array.isArray(member)
      ? Object.fromEntries(Object.entries(member).sort(([a], [b]) => compareStrings(a, b)))
      : member,
  );
}

/** Code-unit order, the same in every locale. */
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
