/**
 * Error codes of the client registration endpoint (RFC 7591 §3.2.2) and of the client
 * configuration endpoint (RFC 7592 §2.2), which answers `invalid_request` for a request that
 * breaks its own rules (a `client_id` that is not the client's, fields it must not send).
 */
export type ClientMetadataErrorCode =
  'invalid_redirect_uri' | 'invalid_client_metadata' | 'unapproved_software_statement' | 'invalid_request';

/**
 * Refused client metadata (RFC 7591 §3.2.2): answered 400 with `error` and
 * `error_description`. The description is shown to the registering party, so it names the
 * field and the rule, never anything about other clients.
 */
export class ClientMetadataError extends Error {
  constructor(
    readonly code: ClientMetadataErrorCode,
    readonly description: string,
  ) {
    super(`${code}: ${description}`);
    this.name = 'ClientMetadataError';
  }

  /** The JSON body of RFC 7591 §3.2.2. */
  toJSON(): { error: ClientMetadataErrorCode; error_description: string } {
    return { error: this.code, error_description: this.description };
  }
}

/** `invalid_client_metadata` for one field. */
export function badMetadata(description: string): ClientMetadataError {
  return new ClientMetadataError('invalid_client_metadata', description);
}
