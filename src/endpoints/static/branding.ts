import { readLogo } from '../../config/logo.js';
import { accentCss } from '../../views/index.js';
import type { EndpointResponse } from '../types.js';

/**
 * The operator's logo (`branding.logo`), read once when the routes are built: its own content
 * type, cacheable for an hour (the URL has no version, and a new file arrives with a restart).
 * An SVG is shown through `<img>`, where it runs nothing; should anyone open it directly, its
 * CSP forbids scripts and sandboxes it.
 * @throws Error when the file is no longer a valid logo (the config loader checked it).
 */
export function logoHandler(path: string): () => Promise<EndpointResponse> {
  const logo = readLogo(path);
  if (typeof logo === 'string') throw new Error(`branding.logo: ${logo}`);
  const response: EndpointResponse = {
    kind: 'text',
    status: 200,
    body: logo.bytes,
    contentType: logo.contentType,
    headers: {
      'cache-control': 'public, max-age=3600',
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; sandbox",
    },
  };
  return async () => response;
}

/** The accent stylesheet (`branding.accent_color`); its URL is versioned by the colour. */
export function accentStylesheetHandler(accent: string): () => Promise<EndpointResponse> {
  const response: EndpointResponse = {
    kind: 'text',
    status: 200,
    body: accentCss(accent),
    contentType: 'text/css; charset=utf-8',
    headers: { 'cache-control': 'public, max-age=31536000, immutable' },
  };
  return async () => response;
}
