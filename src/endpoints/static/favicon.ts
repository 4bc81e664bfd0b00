import { lightPalette } from '../../views/index.js';
import type { EndpointRequest, EndpointResponse } from '../types.js';

/** Sesame's mark (the keyhole of the sign-in pages' header) as a standalone SVG document. */
export const faviconSvg =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 28 28" width="32" height="32">' +
  `<rect width="28" height="28" rx="7" fill="${lightPalette.primary}"/>` +
  '<path d="M14 15.5v4M17.5 11.5a3.5 3.5 0 1 1-7 0 3.5 3.5 0 0 1 7 0Z" fill="none" stroke="#fff" ' +
  'stroke-width="2.2" stroke-linecap="round" stroke-linejoin="round"/></svg>\n';

/**
 * `/favicon.ico`: a small icon, 200, cacheable for a day. kpop opens `<authority>/favicon.ico`
 * as the first URL of its sign-in popups when there is no check-session iframe
 * (kopano-meet.md req. 34), and browsers ask for it on every page of the issuer.
 */
export async function favicon(_req: EndpointRequest): Promise<EndpointResponse> {
  return {
    kind: 'text',
    status: 200,
    body: faviconSvg,
    contentType: 'image/svg+xml',
    headers: { 'cache-control': 'public, max-age=86400' },
  };
}
