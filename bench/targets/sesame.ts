import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { paths } from '../../src/endpoints/paths.js';
import { PROVIDER_SCENARIOS, type LoadTarget, type ScenarioId } from '../scenarios/plan.js';
import { CHEAP_HASH } from './cheap-hash.js';
import { createSchema, postgresUnreachable, type BenchSchema } from './postgres.js';
import { sesameCommand, startServe } from './sesame-process.js';
import { freePort } from './server-process.js';
import type { RunningTarget, ServerProcess, Target, TargetSettings } from './types.js';

const CLIENT_ID = 'bench-rp';
/** Never contacted: the load generator reads the code from the redirect itself. */
const REDIRECT_URI = 'http://127.0.0.1:9/callback';
const USERNAME = 'bench';
const INSTANCE_NAMES = ['A', 'B'] as const;

interface Layout {
  readonly storage: 'sqlite' | 'postgres';
  readonly instances: 1 | 2;
  /** Hash passwords with {@link CHEAP_HASH} instead of Sesame's defaults. */
  readonly cheapHash?: boolean;
}

/** Every scenario on SQLite; the two flows on PostgreSQL (issue 11), to bound the run's length. */
const ALL_SCENARIOS = PROVIDER_SCENARIOS;
const FLOWS: readonly ScenarioId[] = ['sso-flow', 'sign-in-flow'];
const SIGN_IN: readonly ScenarioId[] = ['sign-in-flow'];
const NOTES = {
  refresh: 'rotates (a new refresh token on every refresh, reuse detected)',
  signIn: 'argon2id verification of the stored hash',
};

const cheapHashNote =
  `argon2id verification at m=${CHEAP_HASH.memory_kib} KiB, t=${CHEAP_HASH.iterations}, ` +
  `p=${CHEAP_HASH.parallelism} (the cheap-hash setting)`;

/** Sesame on SQLite, on PostgreSQL, twice on one PostgreSQL schema, and on SQLite with a cheap hash. */
export const sesameTargets: readonly Target[] = [
  sesameTarget(
    'sqlite',
    'Sesame, SQLite',
    'one `sesame serve` with `storage: sqlite:<tmp>/sesame.db`',
    'every request to the one instance',
    { storage: 'sqlite', instances: 1 },
  ),
  sesameTarget(
    'postgres-1',
    'Sesame, PostgreSQL ×1',
    'one `sesame serve` on a fresh PostgreSQL schema',
    'every request to the one instance',
    { storage: 'postgres', instances: 1 },
  ),
  sesameTarget(
    'postgres-2',
    'Sesame, PostgreSQL ×2',
    'two `sesame serve` on one fresh PostgreSQL schema, sharing the issuer (instance A’s address), ' +
      'secret.key, signing key and registration file, as docs/deployment.md prescribes',
    'no proxy: flow n is authorized at instance n mod 2 and its code redeemed at the other one, ' +
      'so half the flows go A→B and half B→A; virtual users sign in alternately at A and B',
    { storage: 'postgres', instances: 2 },
  ),
  sesameTarget(
    'sqlite-cheap-hash',
    'Sesame, SQLite, cheap hash',
    'as `sqlite`, with `passwords: { memory_kib: 1024, iterations: 1, parallelism: 1 }`; ' +
      'the full flow with sign-in only',
    'every request to the one instance',
    { storage: 'sqlite', instances: 1, cheapHash: true },
  ),
];

function sesameTarget(
  id: string,
  label: string,
  description: string,
  spread: string,
  layout: Layout,
): Target {
  return {
    id,
    label,
    kind: 'sesame',
    scenarios: layout.cheapHash ? SIGN_IN : layout.storage === 'sqlite' ? ALL_SCENARIOS : FLOWS,
    notes: layout.cheapHash ? { ...NOTES, signIn: cheapHashNote } : NOTES,
    description,
    spread,
    usesPostgres: layout.storage === 'postgres',
    unavailable: (settings) =>
      layout.storage === 'postgres' ? postgresUnreachable(settings.postgresUrl) : Promise.resolve(null),
    start: (settings) => startSesameTarget(settings, layout),
  };
}

async function startSesameTarget(settings: TargetSettings, layout: Layout): Promise<RunningTarget> {
  const root = await mkdtemp(join(tmpdir(), 'sesame-bench-'));
  let schema: BenchSchema | null = null;
  const servers: ServerProcess[] = [];
  const stop = async () => {
    await Promise.all(servers.map((server) => server.stop()));
    await schema?.drop();
    await rm(root, { recursive: true, force: true });
  };
  try {
    if (layout.storage === 'postgres') schema = await createSchema(settings.postgresUrl);
    const names = INSTANCE_NAMES.slice(0, layout.instances);
    const ports = await Promise.all(names.map(() => freePort()));
    const issuer = `http://127.0.0.1:${ports[0]}`;
    const shared: SharedFiles = {
      issuer,
      alg: settings.alg,
      keyFile: settings.keyFile,
      storage: schema?.url ?? `sqlite:${join(root, 'sesame.db')}`,
      clientSecret: randomBytes(24).toString('base64url'),
      instanceSecret: randomBytes(32),
      cheapHash: layout.cheapHash === true,
    };
    const dirs = await Promise.all(names.map((name, i) => writeInstance(root, name, ports[i]!, shared)));
    const password = randomBytes(18).toString('base64url');
    // One user in the one database every instance reads.
    await sesameCommand(
      settings.serverCode,
      [
        'user',
        'add',
        USERNAME,
        '--email',
        'bench@example.com',
        '--name',
        'Bench User',
        '--password-stdin',
        '--config',
        join(dirs[0]!, 'sesame.yaml'),
      ],
      dirs[0]!,
      `${password}\n`,
    );
    const started = await Promise.allSettled(
      names.map((name, i) =>
        startServe({
          name,
          dir: dirs[i]!,
          configFile: join(dirs[i]!, 'sesame.yaml'),
          url: `http://127.0.0.1:${ports[i]}`,
          cpu: settings.serverCpu,
          code: settings.serverCode,
        }),
      ),
    );
    for (const result of started) if (result.status === 'fulfilled') servers.push(result.value);
    const failed = started.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
    const load: LoadTarget = {
      instances: names.map((name, i) => {
        const origin = `http://127.0.0.1:${ports[i]}`;
        return {
          name,
          urls: {
            discovery: `${origin}${paths.discovery}`,
            jwks: `${origin}${paths.jwks}`,
            authorize: `${origin}${paths.authorize}`,
            token: `${origin}${paths.token}`,
            userinfo: `${origin}${paths.userinfo}`,
          },
        };
      }),
      client: { id: CLIENT_ID, secret: shared.clientSecret, redirectUri: REDIRECT_URI },
      user: { username: USERNAME, password },
      offlineAccess: { scope: 'openid offline_access' },
    };
    return { load, servers, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** What every instance of one target has in common (docs/deployment.md, "What must be identical"). */
interface SharedFiles {
  readonly issuer: string;
  readonly alg: string;
  readonly keyFile: string;
  readonly storage: string;
  readonly clientSecret: string;
  readonly instanceSecret: Uint8Array;
  readonly cheapHash: boolean;
}

/** Writes `<root>/<name>/`: sesame.yaml, the registration file and data/secret.key; returns the directory. */
async function writeInstance(root: string, name: string, port: number, shared: SharedFiles): Promise<string> {
  const dir = join(root, name);
  await mkdir(join(dir, 'data'), { recursive: true, mode: 0o700 });
  await writeFile(join(dir, 'data', 'secret.key'), shared.instanceSecret, { mode: 0o600 });
  await writeFile(
    join(dir, 'identifier-registration.yaml'),
    [
      'clients:',
      `  - id: ${CLIENT_ID}`,
      '    name: Benchmark relying party',
      `    secret: ${shared.clientSecret}`,
      '    trusted: yes',
      '    insecure: yes',
      `    redirect_uris: [${REDIRECT_URI}]`,
      '    grant_types: [authorization_code, refresh_token, client_credentials]',
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  await writeFile(
    join(dir, 'sesame.yaml'),
    [
      `issuer: ${shared.issuer}`,
      `listen: 127.0.0.1:${port}`,
      'data_dir: ./data',
      `storage: '${shared.storage}'`,
      'registration: ./identifier-registration.yaml',
      'signing:',
      `  alg: ${shared.alg}`,
      `  keys: ['${shared.keyFile}']`,
      // Codes are made before the code-exchange run and redeemed after the wait for quiet: the
      // longest lifetime Sesame allows, and the peer is given the same.
      'lifetimes:',
      '  code: 120s',
      // The sign-in-flow scenario signs one account in from one address, many at a time; the
      // throttle counts attempts in flight and would take that for guessing. Raised, not off.
      'throttle:',
      '  max_failures_per_account_address: 1000000',
      '  max_failures_per_account: 1000000',
      '  max_failures_per_address: 1000000',
      ...(shared.cheapHash
        ? [
            'passwords:',
            `  memory_kib: ${CHEAP_HASH.memory_kib}`,
            `  iterations: ${CHEAP_HASH.iterations}`,
            `  parallelism: ${CHEAP_HASH.parallelism}`,
          ]
        : []),
      '',
    ].join('\n'),
  );
  return dir;
}
