import { OAuthError } from '../../oauth/errors.js';
import type { AccountNotice } from '../../views/pages/account.js';
import { rejectRepeatedParams, requiredParam } from '../params.js';
import type { Params } from '../types.js';

/** Longest value read from a field that is not a password; client ids are far shorter. */
const MAX_FIELD = 1024;

/** The "Remove access" form: which app. */
export interface RemoveAccessForm {
  readonly clientId: string;
}

/** The password form, as typed: nothing trimmed, nothing cut short. */
export interface ChangePasswordForm {
  readonly current: string;
  readonly next: string;
  readonly confirmation: string;
}

export function parseRemoveAccess(body: Params): RemoveAccessForm {
  const clientId = requiredParam(body, 'client_id');
  if (clientId.length > MAX_FIELD) throw new OAuthError('invalid_request', 'client_id is too long.');
  return { clientId };
}

export function parseChangePassword(body: Params): ChangePasswordForm {
  rejectRepeatedParams(body, ['current_password', 'new_password', 'confirm_password']);
  const field = (name: string): string => body.get(name)?.[0] ?? '';
  return {
    current: field('current_password'),
    next: field('new_password'),
    confirmation: field('confirm_password'),
  };
}

const NOTICES: readonly AccountNotice[] = ['access_removed', 'password_changed'];

/**
 * The confirmation the account page shows after a redirect from one of its forms (`done`);
 * anything else shows none.
 */
export function parseNotice(query: Params): AccountNotice | null {
  const done = query.get('done');
  const value = done?.length === 1 ? done[0] : undefined;
  return NOTICES.find((notice) => notice === value) ?? null;
}
