import type { EndpointRequest, EndpointResponse } from '../types.js';
import { endpointUrl, paths } from '../paths.js';

export interface DemoClient {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly redirectUri: string;
}

/**
 * The demo client's redirect target on a development instance: shows what came back and the
 * command that redeems the code, so a newcomer sees the whole flow without writing an app.
 */
export function demoCallback(
  issuer: string,
  client: DemoClient,
): (req: EndpointRequest) => Promise<EndpointResponse> {
  return async (req) => {
    const get = (name: string) => req.query.get(name)?.[0] ?? req.body.get(name)?.[0];
    const code = get('code');
    const lines = ['Sesame demo client', ''];
    if (code === undefined) {
      lines.push(
        `The sign-in did not complete: ${get('error') ?? 'no code'} — ${get('error_description') ?? ''}`,
      );
    } else {
      lines.push(
        'Sign-in worked. The authorization code (valid for a minute, usable once):',
        '',
        `  ${code}`,
        '',
        'Redeem it for tokens:',
        '',
        `  curl -s -u '${client.clientId}:${client.clientSecret}' \\`,
        `    -d grant_type=authorization_code -d 'code=${code}' \\`,
        `    --data-urlencode 'redirect_uri=${client.redirectUri}' \\`,
        `    ${endpointUrl(issuer, paths.token)}`,
      );
    }
    return {
      kind: 'text',
      status: 200,
      body: lines.join('\n') + '\n',
      contentType: 'text/plain; charset=utf-8',
    };
  };
}
