import { OAuthError } from '../oauth/errors.js';
import type { Params } from './types.js';

/**
 * Refuses a request in which any of `names` occurs more than once (RFC 6749 §3.1: "Request
 * and response parameters MUST NOT be included more than once").
 */
export function rejectRepeatedParams(params: Params, names: readonly string[]): void {
  for (const name of names) {
    if ((params.get(name)?.length ?? 0) > 1) {
      throw new OAuthError('invalid_request', `parameter ${name} must not be repeated`);
    }
  }
}

/**
 * The single value of `name`, or undefined when absent. A parameter sent without a value is
 * treated as omitted (RFC 6749 §3.1).
 */
export function optionalParam(params: Params, name: string): string | undefined {
  const values = params.get(name);
  if (!values || values.length === 0) return undefined;
  if (values.length > 1) throw new OAuthError('invalid_request', `parameter ${name} must not be repeated`);
  return values[0] === '' ? undefined : values[0];
}

/** The single value of `name`; `invalid_request` when it is missing or empty. */
export function requiredParam(params: Params, name: string): string {
  const value = optionalParam(params, name);
  if (value === undefined) throw new OAuthError('invalid_request', `parameter ${name} is missing`);
  return value;
}
