import { badMetadata } from './dynamic-metadata-error.js';

/** A JSON object as a client sent it; values not yet checked. */
export type MetadataInput = Readonly<Record<string, unknown>>;

/** Longest string value accepted in client metadata (a URI, a name, a contact). */
const MAX_STRING = 2000;

/**
 * Readers for RFC 7591 §2 metadata fields. A field that is absent or JSON `null` is absent
 * (RFC 7592 §2.2: omitted fields are treated as null); a value of the wrong type is
 * `invalid_client_metadata` naming the field.
 */
export const field = {
  string(input: MetadataInput, name: string, max = MAX_STRING): string | undefined {
    const value = input[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') throw badMetadata(`${name} must be a string`);
    checkText(name, value, max);
    return value;
  },

  /** A list of strings without repeats, in the order sent; `maxItems` bounds it. */
  stringList(input: MetadataInput, name: string, maxItems: number): string[] | undefined {
    const value = input[name];
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
      throw badMetadata(`${name} must be an array of strings`);
    }
    const items = [...new Set(value as string[])];
    if (items.length > maxItems) throw badMetadata(`${name} may hold at most ${maxItems} values`);
    for (const item of items) checkText(name, item, MAX_STRING);
    return items;
  },

  boolean(input: MetadataInput, name: string): boolean | undefined {
    const value = input[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'boolean') throw badMetadata(`${name} must be true or false`);
    return value;
  },

  /** The field is present with a value other than null. */
  present(input: MetadataInput, name: string): boolean {
    return input[name] !== undefined && input[name] !== null;
  },
};

/** Control characters could forge lines in logs and pages; empty values mean nothing. */
function checkText(name: string, value: string, max: number): void {
  if (value === '') throw badMetadata(`${name} must not be empty`);
  if (value.length > max) throw badMetadata(`${name} is longer than ${max} characters`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value)) throw badMetadata(`${name} must not contain control characters`);
}
