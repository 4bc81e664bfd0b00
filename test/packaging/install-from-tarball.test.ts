// The published package runs as an operator installs it (issue 10): `npm pack` on a clean copy
// of this checkout, then `npm install -g <tarball>` into a temporary prefix, then the installed
// `sesame` and `konnectd` commands — without this checkout, its devDependencies or tsx.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { after, before, describe, it } from 'node:test';
import semver from 'semver';
import { freePort, waitUntilReady } from '../helpers/sesame-process.js';

const repo = resolve(import.meta.dirname, '../..');
/** What the copy leaves out: build output, installed and generated files, local state. */
const notCopied = new Set(['node_modules', 'dist', 'data', '.git', '.test-tmp', '.test-results']);

interface Result {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The environment for the commands: this one without what `npm test` sets for its own
 * package (it would point npm at this checkout) and without Sesame's and Konnect's settings.
 */
function commandEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) =>
        !/^(npm_package_|npm_lifecycle_|npm_config_(global_|local_)?prefix$|SESAME_|KONNECTD_)/i.test(name) &&
        name !== 'INIT_CWD',
    ),
  );
  return { ...env, ...extra };
}

function runCommand(
  command: string,
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; stdin?: string },
): Promise<Result> {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? commandEnv(),
    stdio: 'pipe',
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.end(options.stdin ?? '');
  return new Promise((done, fail) => {
    child.on('error', fail);
    child.on('close', (code) => done({ code: code ?? 1, stdout, stderr }));
  });
}

async function mustRun(
  command: string,
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; stdin?: string },
): Promise<string> {
  const result = await runCommand(command, args, options);
  assert.equal(
    result.code,
    0,
    `${command} ${args.join(' ')} exited ${result.code}:\n${result.stdout}\n${result.stderr}`,
  );
  return result.stdout;
}

async function packageJson(dir: string): Promise<{ version: string; engines: { node: string } }> {
  return JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as {
    version: string;
    engines: { node: string };
  };
}

/**
 * better-sqlite3's install script (prebuild-install) downloads a prebuilt binary, else compiles
 * SQLite, which takes minutes. Where the download is out of reach, hand it the binary this
 * checkout already built, as the local prebuild it looks for first; a version that differs
 * from the one npm installs is not used, and the script compiles as usual.
 */
async function seedSqlitePrebuild(dir: string): Promise<Record<string, string>> {
  const pkg = join(repo, 'node_modules', 'better-sqlite3');
  const binary = join('build', 'Release', 'better_sqlite3.node');
  if (!(await stat(join(pkg, binary)).catch(() => null))) return {};
  const { version } = await packageJson(pkg);
  const name = `better-sqlite3-v${version}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`;
  await mkdir(dir, { recursive: true });
  await mustRun('tar', ['-czf', join(dir, name), '-C', pkg, binary], { cwd: dir });
  return { npm_config_better_sqlite3_local_prebuilds: dir };
}

describe('the package from npm pack, installed with npm install -g', () => {
  let tmp: string;
  let tarball: string;
  let packed: string[];
  let prefix: string;

  before(
    async () => {
      tmp = await mkdtemp(join(tmpdir(), 'sesame-pack-'));
      // A copy, so that packing neither replaces this checkout's dist/ under other tests nor
      // ships files a build from the sources would not make.
      const checkout = join(tmp, 'checkout');
      await cp(repo, checkout, {
        recursive: true,
        filter: (source) => {
          const path = relative(repo, source);
          return !notCopied.has(path.split(sep)[0] ?? '') && !path.endsWith('.tgz');
        },
      });
      await symlink(join(repo, 'node_modules'), join(checkout, 'node_modules'), 'dir');
      // Runs prepack (clears dist/) and prepare (compiles src/), as a release would.
      await mustRun('npm', ['pack', '--pack-destination', tmp], { cwd: checkout });
      const name = (await readdir(tmp)).find((file) => file.endsWith('.tgz'));
      assert.ok(name, `npm pack left no tarball in ${tmp}`);
      tarball = join(tmp, name);
      packed = (await mustRun('tar', ['-tzf', tarball], { cwd: tmp })).split('\n').filter(Boolean);

      prefix = join(tmp, 'prefix');
      const prebuild = await seedSqlitePrebuild(join(tmp, 'prebuilds'));
      await mustRun(
        'npm',
        [
          'install',
          '--global',
          '--prefix',
          prefix,
          '--no-audit',
          '--no-fund',
          '--prefer-offline',
          // npm 11 reviews install scripts: better-sqlite3's builds its native module.
          '--allow-scripts=better-sqlite3',
          tarball,
        ],
        { cwd: tmp, env: commandEnv(prebuild) },
      );
    },
    { timeout: 300_000 },
  );

  after(async () => {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('holds the compiled build, the commands, README and LICENSE, and no tests, bench, docs or sources', () => {
    const top = new Set(packed.map((path) => path.replace(/^package\//, '').split('/')[0]));
    assert.deepEqual([...top].sort(), ['LICENSE', 'README.md', 'bin', 'dist', 'package.json']);
    for (const file of [
      'bin/sesame.js',
      'bin/konnectd.js',
      'dist/main.js',
      'dist/konnectd.js',
      'dist/clients/parse-worker.js',
    ]) {
      assert.ok(packed.includes(`package/${file}`), `${file} is not in the tarball`);
    }
    const unwanted = packed.filter((path) =>
      /(\.test\.|\/test-[^/]*$|\/conformance\/|\.ts$|\.map$|^package\/(test|bench|docs|scripts|src)\/)/.test(
        path,
      ),
    );
    assert.deepEqual(unwanted, []);
  });

  it('installs the production dependencies only', async () => {
    const modules = join(prefix, 'lib', 'node_modules', 'sesame', 'node_modules');
    assert.ok(await stat(join(modules, 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node')));
    for (const dev of ['tsx', 'typescript', 'openid-client']) {
      assert.equal(await stat(join(modules, dev)).catch(() => null), null, `${dev} is installed`);
    }
  });

  it('installs only packages that accept the oldest Node engines.node names (the shrinkwrap travels)', async () => {
    const { engines } = await packageJson(repo);
    const oldest = semver.minVersion(engines.node);
    assert.ok(oldest);
    const refusing: string[] = [];
    const visit = async (dir: string): Promise<void> => {
      for (const name of await readdir(dir).catch(() => [] as string[])) {
        if (name.startsWith('.')) continue;
        if (name.startsWith('@')) {
          await visit(join(dir, name));
          continue;
        }
        const manifest = await readFile(join(dir, name, 'package.json'), 'utf8').catch(() => null);
        if (manifest === null) continue;
        const { version, engines: wants } = JSON.parse(manifest) as {
          version: string;
          engines?: { node?: string };
        };
        if (typeof wants?.node === 'string' && !semver.satisfies(oldest, wants.node)) {
          refusing.push(`${name}@${version} wants node ${wants.node}`);
        }
        await visit(join(dir, name, 'node_modules'));
      }
    };
    await visit(join(prefix, 'lib', 'node_modules', 'sesame', 'node_modules'));
    assert.deepEqual(refusing, []);
  });

  it('installs sesame and konnectd commands that print the version', async () => {
    const { version } = await packageJson(repo);
    assert.equal(
      await mustRun(join(prefix, 'bin', 'sesame'), ['--version'], { cwd: tmp }),
      `sesame ${version}\n`,
    );
    assert.equal(
      await mustRun(join(prefix, 'bin', 'konnectd'), ['version'], { cwd: tmp }),
      `konnectd (Sesame ${version})\n`,
    );
  });

  it('adds a user, then serves discovery, the JWKS and /health-check until SIGTERM', async () => {
    const sesame = join(prefix, 'bin', 'sesame');
    const dir = join(tmp, 'run');
    await mkdir(dir);
    const port = await freePort();
    const issuer = `http://127.0.0.1:${port}`;
    const config = join(dir, 'sesame.yaml');
    await writeFile(
      config,
      [
        `issuer: ${issuer}`,
        `listen: 127.0.0.1:${port}`,
        'data_dir: ./data',
        'registration: ./identifier-registration.yaml',
      ].join('\n'),
    );
    await writeFile(
      join(dir, 'identifier-registration.yaml'),
      [
        'clients:',
        '  - id: packaged',
        '    secret: a-long-random-secret-for-the-packaging-test',
        '    redirect_uris: [https://rp.example.com/callback]',
      ].join('\n'),
    );
    await mustRun(
      sesame,
      [
        'user',
        'add',
        'alice',
        '--email',
        'alice@example.com',
        '--name',
        'Alice',
        '--password-stdin',
        '--config',
        config,
      ],
      { cwd: dir, stdin: 'a long passphrase\n' },
    );

    const child = spawn(sesame, ['serve', '--config', config], {
      cwd: dir,
      env: commandEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    child.stdout.on('data', (d: Buffer) => (log += d.toString()));
    child.stderr.on('data', (d: Buffer) => (log += d.toString()));
    const exited = new Promise<number>((done) => child.on('close', (code) => done(code ?? 1)));
    try {
      await waitUntilReady(issuer, exited, () => log);
      const discovery = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as {
        issuer: string;
        jwks_uri: string;
      };
      assert.equal(discovery.issuer, issuer);
      const jwks = (await (await fetch(discovery.jwks_uri)).json()) as { keys: unknown[] };
      assert.equal(jwks.keys.length, 1);
      const health = await fetch(`${issuer}/health-check`);
      assert.equal(health.status, 200);
      const body = (await health.json()) as { registry?: { clients?: number } };
      assert.equal(body.registry?.clients, 1, `the registration file was not loaded:\n${log}`);
      // It answers as soon as it listens, and takes over SIGTERM when it logs "ready".
      const deadline = Date.now() + 10_000;
      while (!log.includes('ready to handle requests') && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      child.kill('SIGTERM');
    }
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    assert.equal(await exited, 0, log);
    clearTimeout(timer);
  });
});
