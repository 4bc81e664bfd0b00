import type { BackchannelDeliveryRecord, DynamicClientRecord, PushedRequestRecord } from '../types.js';
import { parseObject, parseStringRecord } from './json-columns.js';
import { int } from './rows.js';
import type { BackchannelDeliveriesTable, DynamicClientsTable, PushedRequestsTable } from './schema.js';

/**
 * Conversions between the records of `../protocol-stores.ts` and their rows. A row that does not
 * decode is StorageError 'corrupt'.
 */

export function deliveryToRow(d: BackchannelDeliveryRecord): BackchannelDeliveriesTable {
  return {
    id: d.id,
    client_id: d.clientId,
    uri: d.uri,
    logout_token: d.logoutToken,
    attempts: d.attempts,
    next_attempt_at: d.nextAttemptAt,
    created_at: d.createdAt,
    expires_at: d.expiresAt,
  };
}

export function rowToDelivery(r: BackchannelDeliveriesTable): BackchannelDeliveryRecord {
  return {
    id: r.id,
    clientId: r.client_id,
    uri: r.uri,
    logoutToken: r.logout_token,
    attempts: int(r.attempts),
    nextAttemptAt: int(r.next_attempt_at),
    createdAt: int(r.created_at),
    expiresAt: int(r.expires_at),
  };
}

export function dynamicClientToRow(c: DynamicClientRecord): DynamicClientsTable {
  return {
    client_id: c.clientId,
    metadata: JSON.stringify(c.metadata),
    secret_hash: c.secretHash,
    registration_token_hash: c.registrationTokenHash,
    created_at: c.createdAt,
    updated_at: c.updatedAt,
  };
}

export function rowToDynamicClient(r: DynamicClientsTable): DynamicClientRecord {
  return {
    clientId: r.client_id,
    metadata: parseObject(r.metadata, 'client metadata'),
    secretHash: r.secret_hash,
    registrationTokenHash: r.registration_token_hash,
    createdAt: int(r.created_at),
    updatedAt: int(r.updated_at),
  };
}

export function pushedRequestToRow(p: PushedRequestRecord): PushedRequestsTable {
  return {
    request_uri_hash: p.requestUriHash,
    client_id: p.clientId,
    params: JSON.stringify(p.params),
    created_at: p.createdAt,
    expires_at: p.expiresAt,
  };
}

export function rowToPushedRequest(r: PushedRequestsTable): PushedRequestRecord {
  return {
    requestUriHash: r.request_uri_hash,
    clientId: r.client_id,
    params: parseStringRecord(r.params, 'pushed request parameters'),
    createdAt: int(r.created_at),
    expiresAt: int(r.expires_at),
  };
}
