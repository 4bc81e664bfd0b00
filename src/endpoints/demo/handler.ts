import type { EndpointRequest, EndpointResponse } from '../types.js';
import { endpointUrl, paths } from '../paths.js';
import { demoCallbackPage, type Branding } from '../../views/index.js';
import { localeOf, pageResponse } from '../pages.js';

export interface DemoClient {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly redirectUri: string;
}

/**
 * The demo client's redirect target on a development instance: shows what came back and the
 * command that redeems the code, as an HTML page like every other, so a newcomer sees the whole flow without writing an app.
 */
export function demoCallback(
  issuer: string,
  client: DemoClient,
  branding?: Branding,
): (req: EndpointRequest) => Promise<EndpointResponse> {
  return async (req) => {
    const get = (name: string) => req.query.get(name)?.[0] ?? req.body.get(name)?.[0] ?? null;
    const code = get('code');
    const redeemCommand =
      code === null
        ? null
        : [
            `curl -s -u '${client.clientId}:${client.clientSecret}' \\`,
            `  -d grant_type=authorization_code -d 'code=${code}' \\`,
            `  --data-urlencode 'redirect_uri=${client.redirectUri}' \\`,
            `  ${endpointUrl(issuer, paths.token)}`,
          ].join('\n');
    const page = demoCallbackPage({
      locale: localeOf(req),
      code,
      state: get('state'),
      error: code === null ? (get('error') ?? 'no code') : null,
      errorDescription: get('error_description'),
      redeemCommand,
      ...(branding === undefined ? {} : { branding }),
    });
    return pageResponse(page);
  };
}
