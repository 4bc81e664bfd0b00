import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROVIDER_SCENARIOS, type LoadTarget } from '../scenarios/plan.js';
import { freePort, startServer } from './server-process.js';
import type { RunningTarget, Target, TargetSettings } from './types.js';

const SERVER = join(import.meta.dirname, 'oidc-provider-server.mjs');
const CLIENT_ID = 'bench-rp';
/** Never contacted: the load generator reads the code from the redirect itself. */
const REDIRECT_URI = 'http://127.0.0.1:9/callback';
const USERNAME = 'bench';

/** The installed oidc-provider's version; null when it is not installed. */
export function oidcProviderVersion(): string | null {
  try {
    const require = createRequire(import.meta.url);
    return (require('oidc-provider/package.json') as { version: string }).version;
  } catch {
    return null;
  }
}

/**
 * The peer (issue 11): panva's oidc-provider (a devDependency used only here), one process, the
 * in-memory adapter, the same alg and key, one confidential client; see oidc-provider-server.mjs.
 */
export const oidcProviderTarget: Target = {
  id: 'oidc-provider',
  label: 'oidc-provider',
  kind: 'peer',
  scenarios: PROVIDER_SCENARIOS,
  notes: {
    refresh: 'does not rotate for a confidential client (its default `rotateRefreshToken`)',
    signIn:
      'a minimal interaction handler of the benchmark’s own, comparing the password as it is (hashes nothing)',
  },
  description:
    'one node process running oidc-provider with its in-memory adapter, consent skipped by `loadExistingGrant`, ' +
    'opaque access tokens (its default)',
  spread: 'every request to the one instance',
  usesPostgres: false,
  unavailable: () =>
    Promise.resolve(oidcProviderVersion() === null ? 'oidc-provider is not installed (npm install)' : null),
  start,
};

async function start(settings: TargetSettings): Promise<RunningTarget> {
  const dir = await mkdtemp(join(tmpdir(), 'sesame-bench-peer-'));
  try {
    const port = await freePort();
    const issuer = `http://127.0.0.1:${port}`;
    const clientSecret = randomBytes(24).toString('base64url');
    const password = randomBytes(18).toString('base64url');
    const options = {
      port,
      issuer,
      alg: settings.alg,
      keyFile: settings.keyFile,
      clientId: CLIENT_ID,
      clientSecret,
      redirectUri: REDIRECT_URI,
      username: USERNAME,
      password,
    };
    const server = await startServer({
      name: 'A',
      dir,
      nodeArgs: [SERVER, JSON.stringify(options)],
      readyUrl: `${issuer}/.well-known/openid-configuration`,
      cpu: settings.serverCpu,
    });
    const load: LoadTarget = {
      instances: [
        {
          name: 'A',
          urls: {
            discovery: `${issuer}/.well-known/openid-configuration`,
            jwks: `${issuer}/jwks`,
            authorize: `${issuer}/auth`,
            token: `${issuer}/token`,
            userinfo: `${issuer}/me`,
          },
        },
      ],
      client: { id: CLIENT_ID, secret: clientSecret, redirectUri: REDIRECT_URI },
      user: { username: USERNAME, password },
      // oidc-provider drops offline_access unless consent is prompted for (OIDC Core §11).
      offlineAccess: { scope: 'openid offline_access', prompt: 'consent' },
    };
    return {
      load,
      servers: [server],
      async stop() {
        await server.stop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
