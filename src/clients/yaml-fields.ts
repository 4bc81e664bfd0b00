import { isMap, isScalar, isSeq, Scalar, type Node, type YAMLMap } from 'yaml';
import { EntryRejected } from './registration-error.js';

/** A value together with the file offset it was read from, for `file:line:col` messages. */
export interface Located<T> {
  readonly value: T;
  readonly offset: number;
}

/** YAML 1.1 booleans as go-yaml v2 reads them, but in any letter case (konnect-spec §2). */
const yaml11True = new Set(['y', 'yes', 'on', 'true']);
const yaml11False = new Set(['n', 'no', 'off', 'false']);

/**
 * Typed, positioned access to the keys of one `clients:` entry. Type mismatches throw
 * {@link EntryRejected} pointing at the offending value, so the entry is skipped.
 * Absent keys and explicit nulls (`key:` / `key: ~`) read as "not set".
 */
export class FieldReader {
  readonly offset: number;
  private readonly fields = new Map<string, { node: Node | null; keyOffset: number }>();
  private readonly keyOrder: Located<string>[] = [];

  constructor(map: YAMLMap) {
    this.offset = offsetOf(map, 0);
    for (const pair of map.items) {
      const keyNode = pair.key as Node | null;
      const keyOffset = offsetOf(keyNode, this.offset);
      if (!isScalar(keyNode)) throw new EntryRejected('a key is not a plain name', keyOffset);
      const key = scalarText(keyNode);
      this.fields.set(key, { node: (pair.value as Node | null) ?? null, keyOffset });
      this.keyOrder.push({ value: key, offset: keyOffset });
    }
  }

  /** Every key of the entry, in file order. */
  keys(): readonly Located<string>[] {
    return this.keyOrder;
  }

  /** Offset of a key's value (or of the key when the value is empty), else of the entry. */
  offsetOf(key: string): number {
    const field = this.fields.get(key);
    if (field === undefined) return this.offset;
    return offsetOf(field.node, field.keyOffset);
  }

  /** A scalar as written (`secret: 0123` stays "0123", `name: yes` stays "yes"). */
  string(key: string): Located<string> | null {
    const node = this.present(key);
    if (node === null) return null;
    if (!isScalar(node)) throw this.reject(key, 'must be a single value');
    return { value: scalarText(node), offset: offsetOf(node, this.offset) };
  }

  /** `yes/no/on/off/true/false/y/n` in any case; false when absent. */
  boolean(key: string): boolean {
    const node = this.present(key);
    if (node === null) return false;
    if (isScalar(node)) {
      if (typeof node.value === 'boolean') return node.value;
      const text = scalarText(node).toLowerCase();
      if (yaml11True.has(text)) return true;
      if (yaml11False.has(text)) return false;
    }
    throw this.reject(key, 'must be a boolean (yes/no, true/false, on/off)');
  }

  /** A list of scalars; `[]` when absent. */
  stringList(key: string): Located<string>[] {
    const node = this.present(key);
    if (node === null) return [];
    if (!isSeq(node)) throw this.reject(key, 'must be a list');
    return node.items.map((item) => {
      const itemNode = item as Node | null;
      if (!isScalar(itemNode) || itemNode.value === null) {
        throw new EntryRejected(
          `${key}: every item must be a single value`,
          offsetOf(itemNode, this.offsetOf(key)),
        );
      }
      return { value: scalarText(itemNode), offset: offsetOf(itemNode, this.offset) };
    });
  }

  /** A JWK set `{ keys: [ {...}, ... ] }` (RFC 7517 §5), or null when absent. */
  jwks(key: string): { keys: Record<string, unknown>[] } | null {
    const node = this.present(key);
    if (node === null) return null;
    const value: unknown = isMap(node) ? node.toJSON() : null;
    const keys = (value as { keys?: unknown } | null)?.keys;
    if (
      !Array.isArray(keys) ||
      !keys.every((k) => typeof k === 'object' && k !== null && !Array.isArray(k))
    ) {
      throw this.reject(key, 'must be a JWK set: a map with a "keys" list of JWKs');
    }
    return { keys: keys as Record<string, unknown>[] };
  }

  private present(key: string): Node | null {
    const node = this.fields.get(key)?.node ?? null;
    if (node === null || (isScalar(node) && node.value === null)) return null;
    return node;
  }

  private reject(key: string, why: string): EntryRejected {
    return new EntryRejected(`${key} ${why}`, this.offsetOf(key));
  }
}

/** Plain scalars keep their source text, so the YAML 1.1 schema does not turn ids into numbers. */
function scalarText(node: Scalar): string {
  if (node.type === Scalar.PLAIN && typeof node.source === 'string') return node.source;
  return String(node.value);
}

function offsetOf(node: Node | null | undefined, fallback: number): number {
  return node?.range?.[0] ?? fallback;
}
