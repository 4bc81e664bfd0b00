import { isKeptAddress } from '../rules.js';
import { StorageError, type GuestRecord, type PostalAddress } from '../types.js';

/**
 * Encoding and decoding of the JSON text columns (see `schema.ts`). A stored value that does
 * not decode to what was written is StorageError 'corrupt'.
 */

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw new StorageError('corrupt', `stored ${what} is not valid JSON`, { cause });
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function parseScopes(text: string): string[] {
  const value = parseJson(text, 'scope list');
  if (!Array.isArray(value) || !value.every((s) => typeof s === 'string')) {
    throw new StorageError('corrupt', 'stored scope list is not a list of strings');
  }
  return value;
}

/** Decodes a column that holds a JSON object (an interaction request, a claims request). */
export function parseObject(text: string, what: string): Record<string, unknown> {
  const value = parseJson(text, what);
  if (!isObject(value)) throw new StorageError('corrupt', `stored ${what} is not an object`);
  return value;
}

export function guestToJson(guest: GuestRecord): string {
  const { id, name, email, emailVerified, givenName, familyName } = guest;
  return JSON.stringify({ id, name, email, emailVerified, givenName, familyName });
}

export function parseGuest(text: string): GuestRecord {
  const value = parseObject(text, 'guest');
  const { id, name, email, emailVerified, givenName, familyName } = value;
  const stringOrNull = (v: unknown): v is string | null => v === null || typeof v === 'string';
  if (
    typeof id !== 'string' ||
    typeof emailVerified !== 'boolean' ||
    !stringOrNull(name) ||
    !stringOrNull(email) ||
    !stringOrNull(givenName) ||
    !stringOrNull(familyName)
  ) {
    throw new StorageError('corrupt', 'stored guest is not a guest record');
  }
  return { id, name, email, emailVerified, givenName, familyName };
}

/** Decodes a user's address: an object of the string members `PostalAddress` names. */
export function parseAddress(text: string): PostalAddress {
  const value = parseObject(text, 'address');
  if (!isKeptAddress(value)) throw new StorageError('corrupt', 'stored address is not a postal address');
  return value;
}

/** Decodes a column that holds an object of strings (a pushed request's parameters). */
export function parseStringRecord(text: string, what: string): Record<string, string> {
  const value = parseObject(text, what);
  if (!Object.values(value).every((v) => typeof v === 'string')) {
    throw new StorageError('corrupt', `stored ${what} has a value that is not a string`);
  }
  return value as Record<string, string>;
}
