// contrib/'s Dockerfile and systemd units are examples that cannot run here (no Docker daemon,
// no systemd as init; contrib/README.md says so). What can be checked without them is: the
// paths, commands and settings they name are Sesame's, systemd accepts the units, and the
// container's health check command works against a server.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { paths } from '../../src/endpoints/paths.js';

const repo = resolve(import.meta.dirname, '../..');
const contrib = join(repo, 'contrib');

async function packageBins(): Promise<Record<string, string>> {
  const pkg = JSON.parse(await readFile(join(repo, 'package.json'), 'utf8')) as {
    bin: Record<string, string>;
  };
  return pkg.bin;
}

/** A unit file's `[Service]` settings: each key with its values in order (keys may repeat). */
async function serviceSettings(unit: string): Promise<Map<string, string[]>> {
  const settings = new Map<string, string[]>();
  let section = '';
  for (const line of (await readFile(join(contrib, unit), 'utf8')).split('\n')) {
    const text = line.trim();
    if (text === '' || text.startsWith('#')) continue;
    const header = /^\[(.+)\]$/.exec(text);
    if (header) {
      section = header[1] ?? '';
      continue;
    }
    const eq = text.indexOf('=');
    assert.ok(eq > 0, `${unit}: not a setting: ${text}`);
    if (section !== 'Service') continue;
    const key = text.slice(0, eq);
    settings.set(key, [...(settings.get(key) ?? []), text.slice(eq + 1)]);
  }
  return settings;
}

/** The Dockerfile's instructions, continuation lines joined, comments dropped. */
async function dockerInstructions(): Promise<{ op: string; args: string }[]> {
  const text = (await readFile(join(contrib, 'Dockerfile'), 'utf8'))
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#'))
    .join('\n')
    .replace(/\\\n/g, ' ');
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [op = '', ...rest] = line.split(/\s+/);
      return { op: op.toUpperCase(), args: rest.join(' ') };
    });
}

const units = [
  { unit: 'sesame.service', command: 'sesame', dataDirVariable: 'SESAME_DATA_DIR' },
  { unit: 'konnectd.service', command: 'konnectd', dataDirVariable: 'KONNECTD_DATA_DIR' },
] as const;

describe('contrib systemd units', () => {
  for (const { unit, command, dataDirVariable } of units) {
    it(`${unit} runs the package's ${command} serve as a dynamic user, data in its state directory`, async () => {
      const service = await serviceSettings(unit);
      const bins = await packageBins();
      const [execStart = ''] = service.get('ExecStart') ?? [];
      const [binary = '', subcommand] = execStart.split(/\s+/);
      assert.ok(binary.endsWith(`/${command}`) && command in bins, `ExecStart runs ${binary}`);
      assert.equal(subcommand, 'serve');
      assert.deepEqual(service.get('DynamicUser'), ['yes']);
      assert.deepEqual(service.get('StateDirectory'), ['sesame']);
      assert.ok(service.get('Environment')?.includes(`${dataDirVariable}=/var/lib/sesame`));
      // Sesame re-reads its client registration file on SIGHUP (src/cli/run-server.ts).
      assert.deepEqual(service.get('ExecReload'), ['/bin/kill -HUP $MAINPID']);
    });

    it(`${unit} keeps the hardening, without MemoryDenyWriteExecute (V8's JIT needs it off)`, async () => {
      const service = await serviceSettings(unit);
      const expected: Record<string, string> = {
        NoNewPrivileges: 'yes',
        ProtectSystem: 'strict',
        ProtectHome: 'yes',
        PrivateTmp: 'yes',
        PrivateDevices: 'yes',
        ProtectKernelTunables: 'yes',
        ProtectKernelModules: 'yes',
        ProtectKernelLogs: 'yes',
        ProtectControlGroups: 'yes',
        RestrictAddressFamilies: 'AF_INET AF_INET6 AF_UNIX',
        CapabilityBoundingSet: '',
        SystemCallErrorNumber: 'EPERM',
      };
      for (const [key, value] of Object.entries(expected)) {
        assert.deepEqual(service.get(key), [value], key);
      }
      assert.ok(service.get('SystemCallFilter')?.includes('@system-service'));
      assert.equal(service.get('MemoryDenyWriteExecute'), undefined);
    });

    it(`${unit} passes systemd-analyze verify`, async (t) => {
      const probe = spawnSync('systemd-analyze', ['--version'], { stdio: 'ignore' });
      if (probe.error || probe.status !== 0) {
        t.skip('systemd-analyze is not installed (Debian: apt-get install systemd)');
        return;
      }
      // verify wants ExecStart's program to exist: this checkout's, not an installed one.
      const bins = await packageBins();
      const dir = await mkdtemp(join(tmpdir(), 'sesame-unit-'));
      try {
        const text = (await readFile(join(contrib, unit), 'utf8')).replace(
          `/usr/local/bin/${command} `,
          `${join(repo, bins[command] ?? '')} `,
        );
        await writeFile(join(dir, unit), text);
        const result = spawnSync('systemd-analyze', ['verify', '--man=no', join(dir, unit)], {
          cwd: dir,
          encoding: 'utf8',
        });
        assert.equal(result.status, 0, `${result.stdout}${result.stderr}`);
        assert.equal(result.stderr.trim(), '', result.stderr);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  }
});

describe('contrib Dockerfile', () => {
  it('copies files that exist and that its .dockerignore keeps in the context', async () => {
    const ignored = (await readFile(join(contrib, 'Dockerfile.dockerignore'), 'utf8'))
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'));
    const sources = (await dockerInstructions())
      .filter(({ op, args }) => op === 'COPY' && !args.startsWith('--from'))
      .flatMap(({ args }) => args.split(/\s+/).slice(0, -1));
    assert.ok(sources.includes('src') && sources.includes('package-lock.json'));
    for (const source of sources) {
      assert.ok(await stat(join(repo, source)), `${source} does not exist`);
      assert.ok(!ignored.includes(source), `${source} is in Dockerfile.dockerignore`);
    }
  });

  it('runs sesame serve as a non-root user on node 20 slim, data in the /data volume', async () => {
    const instructions = await dockerInstructions();
    const all = (op: string) => instructions.filter((i) => i.op === op).map((i) => i.args);
    for (const from of all('FROM')) assert.match(from, /^node:20-slim\b/);
    assert.deepEqual(all('USER'), ['node']);
    assert.deepEqual(all('VOLUME'), ['/data']);
    const env = all('ENV').join(' ');
    assert.match(env, /\bSESAME_DATA_DIR=\/data\b/);
    const port = /\bSESAME_LISTEN=0\.0\.0\.0:(\d+)\b/.exec(env)?.[1];
    assert.deepEqual(all('EXPOSE'), [port]);
    assert.deepEqual(all('CMD'), ['["sesame", "serve"]']);
    // The commands on PATH are the package's bin entries, from where the build put the package.
    const bins = await packageBins();
    const run = all('RUN').join(' ');
    for (const [name, path] of Object.entries(bins)) {
      assert.ok(run.includes(`ln -s /opt/sesame/${path} /usr/local/bin/${name}`), name);
    }
  });

  it('has a HEALTHCHECK that exits 0 while /health-check answers 200, else 1', async () => {
    const healthcheck = (await dockerInstructions()).find(({ op }) => op === 'HEALTHCHECK');
    const exec = /\bCMD (\[.*\])$/.exec(healthcheck?.args ?? '')?.[1];
    assert.ok(exec, 'HEALTHCHECK has no exec-form CMD');
    const [program, ...args] = JSON.parse(exec) as string[];
    assert.equal(program, 'node', 'slim images have no curl');
    let status = 200;
    const asked: string[] = [];
    const server = createServer((req, res) => {
      asked.push(req.url ?? '');
      res.writeHead(status).end();
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const { port } = server.address() as AddressInfo;
    const check = () =>
      new Promise<number>((done) => {
        const child = spawn(process.execPath, args, {
          env: { PATH: process.env.PATH, SESAME_LISTEN: `0.0.0.0:${port}` },
          stdio: 'ignore',
        });
        child.on('close', (code) => done(code ?? 1));
      });
    try {
      assert.equal(await check(), 0);
      status = 503;
      assert.equal(await check(), 1);
      assert.deepEqual(asked, [paths.healthCheck, paths.healthCheck]);
    } finally {
      server.close();
    }
  });
});
