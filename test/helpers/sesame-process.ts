import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, writeFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const repo = resolve(import.meta.dirname, '../..');
const entry = join(repo, 'test/helpers/run-sesame.ts');
/** tsx, resolved here so that processes started in other directories find it. */
const tsx = import.meta.resolve('tsx');

export interface TestUser {
  readonly username: string;
  readonly password: string;
  readonly email: string;
  readonly name: string;
  readonly givenName?: string;
  readonly familyName?: string;
  /** More `sesame user add` options, such as `--phone`. */
  readonly extraArgs?: readonly string[];
}

export interface SesameOptions {
  /** identifier-registration.yaml contents; `{issuer}` is replaced by the issuer URL. */
  readonly registration: string;
  readonly users?: readonly TestUser[];
  /** Extra sesame.yaml lines. */
  readonly extraConfig?: string;
  readonly env?: Record<string, string>;
  /** The instance secret (32 bytes) to put in data/secret.key, as instances behind one address share it. */
  readonly secretKey?: Uint8Array;
  /**
   * The issuer URL, when it is not the instance's own address: instances behind one address
   * (a proxy) share it. Readiness is still checked at the instance's own port.
   */
  readonly issuer?: string;
  /**
   * What `startSesame` waits for: `healthy` (the default), a 200 from `/health-check`; `live`,
   * a 200 from `/health-check/live` — it listens, whether or not its dependencies answer;
   * `nothing`: it returns once the process is spawned (the caller watches its log).
   */
  readonly waitFor?: 'healthy' | 'live' | 'nothing';
}

export interface RunningSesame {
  readonly issuer: string;
  readonly port: number;
  readonly dir: string;
  readonly configFile: string;
  readonly registrationFile: string;
  /** Everything the process wrote to stderr (its log) so far. */
  logs(): string;
  /** Sends a signal to the process. */
  signal(name: NodeJS.Signals): void;
  /** The exit code once the process has exited (null for a signal), else undefined. */
  exitCode(): number | null | undefined;
  stop(): Promise<void>;
}

/** A free TCP port on loopback. */
export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => done(port));
    });
  });
}

/** Runs `sesame <args>` from the sources; resolves with its exit code and output. */
export async function sesameCli(
  args: readonly string[],
  stdin = '',
  cwd = repo,
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', tsx, entry, ...args], {
    cwd,
    stdio: 'pipe',
    env: { ...process.env, ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.end(stdin);
  const code = await new Promise<number>((done) => child.on('close', (c) => done(c ?? 1)));
  return { code, stdout, stderr };
}

/**
 * Starts a real Sesame process on a free loopback port with a throw-away data directory, a
 * registration file and built-in users, and waits until it answers /health-check (or what
 * `options.waitFor` says).
 */
export async function startSesame(options: SesameOptions): Promise<RunningSesame> {
  const dir = await mkdtemp(join(tmpdir(), 'sesame-e2e-'));
  const port = await freePort();
  const issuer = options.issuer ?? `http://127.0.0.1:${port}`;
  const registrationFile = join(dir, 'identifier-registration.yaml');
  await writeFile(registrationFile, options.registration.replaceAll('{issuer}', issuer));
  const configFile = join(dir, 'sesame.yaml');
  await writeFile(
    configFile,
    [
      `issuer: ${issuer}`,
      `listen: 127.0.0.1:${port}`,
      'data_dir: ./data',
      'registration: ./identifier-registration.yaml',
      'log:',
      '  level: debug',
      options.extraConfig ?? '',
    ].join('\n'),
  );
  if (options.secretKey) {
    await mkdir(join(dir, 'data'), { recursive: true, mode: 0o700 });
    await writeFile(join(dir, 'data', 'secret.key'), options.secretKey, { mode: 0o600 });
  }
  for (const user of options.users ?? []) {
    const args = [
      'user',
      'add',
      user.username,
      '--email',
      user.email,
      '--name',
      user.name,
      '--password-stdin',
      '--config',
      configFile,
    ];
    if (user.givenName) args.push('--given-name', user.givenName);
    if (user.familyName) args.push('--family-name', user.familyName);
    if (user.extraArgs) args.push(...user.extraArgs);
    const result = await sesameCli(args, `${user.password}\n`);
    if (result.code !== 0) throw new Error(`adding user ${user.username} failed: ${result.stderr}`);
  }
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', tsx, entry, 'serve', '--config', configFile],
    {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...options.env },
    },
  );
  let log = '';
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  child.stdout?.on('data', (d: Buffer) => (log += d.toString()));
  const exited = new Promise<number>((done) => child.on('exit', (c) => done(c ?? 1)));
  const waitFor = options.waitFor ?? 'healthy';
  if (waitFor !== 'nothing') {
    const path = waitFor === 'live' ? '/health-check/live' : '/health-check';
    await waitUntilReady(`http://127.0.0.1:${port}`, exited, () => log, path);
  }
  return {
    issuer,
    port,
    dir,
    configFile,
    registrationFile,
    logs: () => log,
    signal: (name) => child.kill(name),
    exitCode: () => (child.exitCode === null && child.signalCode === null ? undefined : child.exitCode),
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export async function waitUntilReady(
  issuer: string,
  exited: Promise<number>,
  logs: () => string,
  path = '/health-check',
): Promise<void> {
  let done = false;
  void exited.then(() => (done = true));
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (done) throw new Error(`sesame exited before it was ready:\n${logs()}`);
    try {
      const response = await fetch(`${issuer}${path}`);
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`sesame did not become ready in time:\n${logs()}`);
}
