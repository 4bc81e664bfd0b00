import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'ldapts';
import { pino, type Logger } from 'pino';
import type { LdapConfig } from '../../src/config/types.js';

const SLAPD = '/usr/sbin/slapd';
const MODULE_PATH = '/usr/lib/ldap';
const SCHEMA_DIR = '/etc/ldap/schema';
const DEFAULT_LDIF = resolve(import.meta.dirname, '../fixtures/ldap/users.ldif');

/** A throw-away OpenLDAP server, see `startSlapd`. */
export interface RunningSlapd {
  /** `ldap://127.0.0.1:<port>/` */
  readonly url: string;
  readonly port: number;
  /** `dc=cloudron` */
  readonly baseDn: string;
  /** The rootdn, allowed everything. */
  readonly adminDn: string;
  readonly adminPassword: string;
  /** Kills the server; its data stays, so `start` brings the same directory back. */
  stop(): Promise<void>;
  /** Starts the server again on the same port and data after `stop`. */
  start(): Promise<void>;
  /** Stops the server and deletes its data. */
  destroy(): Promise<void>;
}

export interface SlapdOptions {
  /** A path to an LDIF file, or LDIF text (anything with a newline). Default: test/fixtures/ldap/users.ldif. */
  readonly ldif?: string;
}

const BASE_DN = 'dc=cloudron';
const ADMIN_DN = 'cn=admin,dc=cloudron';
const ADMIN_PASSWORD = 'admin secret';

/**
 * Starts a private slapd (old-style `slapd.conf`, mdb, schemas core/cosine/inetorgperson/nis,
 * the memberof overlay) in a temporary directory on a free loopback port, as the current user.
 * The suffix entry is created with slapadd; the LDIF is then added over LDAP with ldapadd so
 * that the memberof overlay maintains `memberOf` for groupOfNames members. Resolves once an
 * anonymous bind works. Passwords are readable only for binding (`by anonymous auth`).
 */
export async function startSlapd(options: SlapdOptions = {}): Promise<RunningSlapd> {
  const dir = await mkdtemp(join(tmpdir(), 'sesame-slapd-'));
  const removeDir = (): void => rmSync(dir, { recursive: true, force: true });
  process.once('exit', removeDir);
  await mkdir(join(dir, 'db'));
  const configFile = join(dir, 'slapd.conf');
  await writeFile(configFile, slapdConf(dir));
  await writeFile(
    join(dir, 'base.ldif'),
    `dn: ${BASE_DN}\nobjectClass: dcObject\nobjectClass: organization\ndc: cloudron\no: Cloudron\n`,
  );
  await run('/usr/sbin/slapadd', ['-f', configFile, '-l', join(dir, 'base.ldif')]);

  let port = 0;
  let child: ChildProcess | null = null;
  const killOnExit = (): void => void child?.kill('SIGKILL');
  process.once('exit', killOnExit);

  const launch = async (): Promise<void> => {
    const url = `ldap://127.0.0.1:${port}/`;
    const proc = spawn(SLAPD, ['-h', url, '-f', configFile, '-d', '0'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child = proc;
    let stderr = '';
    proc.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<never>((_, fail) =>
      proc.once('exit', (code) => fail(new Error(`slapd exited with ${code}: ${stderr.trim()}`))),
    );
    exited.catch(() => {});
    await Promise.race([waitForBind(url), exited]);
  };

  let lastError: unknown = null;
  for (let attempt = 0; attempt < 3 && child === null; attempt++) {
    port = await freePort();
    try {
      await launch();
    } catch (error) {
      lastError = error;
      child = null;
    }
  }
  if (child === null) throw lastError;

  const ldif = options.ldif ?? DEFAULT_LDIF;
  const text = ldif.includes('\n') ? ldif : await readFile(ldif, 'utf8');
  await writeFile(join(dir, 'data.ldif'), text);
  const url = `ldap://127.0.0.1:${port}/`;
  await run('ldapadd', ['-x', '-H', url, '-D', ADMIN_DN, '-w', ADMIN_PASSWORD, '-f', join(dir, 'data.ldif')]);

  const stop = async (): Promise<void> => {
    const proc = child;
    child = null;
    if (proc === null || proc.exitCode !== null) return;
    const exited = new Promise<void>((done) => proc.once('exit', () => done()));
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 2000);
    await exited;
    clearTimeout(timer);
  };

  return {
    url,
    port,
    baseDn: BASE_DN,
    adminDn: ADMIN_DN,
    adminPassword: ADMIN_PASSWORD,
    stop,
    async start() {
      if (child !== null) return;
      await launch();
    },
    async destroy() {
      await stop();
      process.removeListener('exit', killOnExit);
      process.removeListener('exit', removeDir);
      removeDir();
    },
  };
}

function slapdConf(dir: string): string {
  return [
    ...['core', 'cosine', 'inetorgperson', 'nis'].map((name) => `include ${SCHEMA_DIR}/${name}.schema`),
    `modulepath ${MODULE_PATH}`,
    'moduleload back_mdb',
    'moduleload memberof',
    `pidfile ${join(dir, 'slapd.pid')}`,
    'database mdb',
    `suffix "${BASE_DN}"`,
    `rootdn "${ADMIN_DN}"`,
    `rootpw "${ADMIN_PASSWORD}"`,
    `directory ${join(dir, 'db')}`,
    'maxsize 16777216',
    'overlay memberof',
    'access to attrs=userPassword by anonymous auth by self write by * none',
    'access to * by * read',
    '',
  ].join('\n');
}

async function waitForBind(url: string): Promise<void> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const client = new Client({ url, connectTimeout: 500, timeout: 500 });
    try {
      await client.bind('', '');
      await client.unbind();
      return;
    } catch (error) {
      await client.unbind().catch(() => {});
      if (Date.now() > deadline) throw error;
      await new Promise((done) => setTimeout(done, 20));
    }
  }
}

function run(command: string, args: readonly string[]): Promise<void> {
  return new Promise((done, fail) => {
    execFile(command, args, (error, _stdout, stderr) => {
      if (error) fail(new Error(`${command} failed: ${stderr || error.message}`));
      else done();
    });
  });
}

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => done(port));
    });
  });
}

/** Overrides for `testLdapConfig`; `attributes` and `groups` merge into the defaults. */
export type LdapConfigOverrides = Partial<Omit<LdapConfig, 'attributes' | 'groups'>> & {
  readonly attributes?: Partial<LdapConfig['attributes']>;
  readonly groups?: Partial<LdapConfig['groups']>;
};

/**
 * An LdapConfig for the fixture directory: Konnect's defaults, users under ou=users, the
 * service account cn=sesame, groups from memberOf, a 2 s timeout.
 */
export function testLdapConfig(
  slapd: Pick<RunningSlapd, 'url'>,
  overrides: LdapConfigOverrides = {},
): LdapConfig {
  const { attributes, groups, ...rest } = overrides;
  return {
    uri: slapd.url.replace(/\/$/, ''),
    bindDn: 'cn=sesame,ou=services,dc=cloudron',
    bindPassword: 'service secret',
    baseDn: 'ou=users,dc=cloudron',
    scope: 'sub',
    filter: '(objectClass=inetOrgPerson)',
    startTls: false,
    insecureTls: false,
    timeoutSeconds: 2,
    ...rest,
    attributes: {
      login: 'uid',
      email: 'mail',
      name: 'cn',
      familyName: 'sn',
      givenName: 'givenName',
      uuid: 'uuid',
      uuidType: 'text',
      uidNumber: null,
      sub: [],
      ...attributes,
    },
    groups: {
      source: 'memberOf',
      baseDn: null,
      filter: '(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames)(objectClass=posixGroup))',
      nameAttribute: 'cn',
      ...groups,
    },
  };
}

/** A pino logger that keeps what it logs, for asserting on log levels. */
export function captureLogger(): { log: Logger; lines: { level: string; msg: string }[] } {
  const lines: { level: string; msg: string }[] = [];
  const log = pino(
    { level: 'debug', formatters: { level: (label) => ({ level: label }) } },
    { write: (line: string) => void lines.push(JSON.parse(line) as { level: string; msg: string }) },
  );
  return { log, lines };
}
