/** base64url without padding (RFC 4648 §5), as used throughout JOSE and OAuth. */
export function base64url(data: Uint8Array | string): string {
  return Buffer.from(data).toString('base64url');
}

export function fromBase64url(text: string): Buffer {
  return Buffer.from(text, 'base64url');
}
