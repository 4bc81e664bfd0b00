import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
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

/** A slapd started with `tls: true`: it also speaks ldaps:// and StartTLS. */
export interface RunningTlsSlapd extends RunningSlapd {
  /** `ldaps://127.0.0.1:<tlsPort>/` */
  readonly ldapsUrl: string;
  readonly tlsPort: number;
  /** The PEM file of the throw-away CA that signed the server certificate. */
  readonly caFile: string;
}

export interface SlapdOptions {
  /** A path to an LDIF file, or LDIF text (anything with a newline). Default: test/fixtures/ldap/users.ldif. */
  readonly ldif?: string;
  /**
   * Also listen on ldaps:// and accept StartTLS on ldap://, with a server certificate for
   * 127.0.0.1 and localhost signed by a throw-away CA (see `RunningTlsSlapd.caFile`).
   */
  readonly tls?: boolean;
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
export function startSlapd(options: SlapdOptions & { readonly tls: true }): Promise<RunningTlsSlapd>;
export function startSlapd(options?: SlapdOptions): Promise<RunningSlapd>;
export async function startSlapd(options: SlapdOptions = {}): Promise<RunningSlapd | RunningTlsSlapd> {
  const dir = await mkdtemp(join(tmpdir(), 'sesame-slapd-'));
  const removeDir = (): void => rmSync(dir, { recursive: true, force: true });
  process.once('exit', removeDir);
  await mkdir(join(dir, 'db'));
  const tls = options.tls === true ? await makeCertificates(dir) : null;
  const configFile = join(dir, 'slapd.conf');
  await writeFile(configFile, slapdConf(dir, tls));
  await writeFile(
    join(dir, 'base.ldif'),
    `dn: ${BASE_DN}\nobjectClass: dcObject\nobjectClass: organization\ndc: cloudron\no: Cloudron\n`,
  );
  await run('/usr/sbin/slapadd', ['-f', configFile, '-l', join(dir, 'base.ldif')]);

  let port = 0;
  let tlsPort = 0;
  let child: ChildProcess | null = null;
  const killOnExit = (): void => void child?.kill('SIGKILL');
  process.once('exit', killOnExit);

  const launch = async (): Promise<void> => {
    const url = `ldap://127.0.0.1:${port}/`;
    const listeners = tls === null ? url : `${url} ldaps://127.0.0.1:${tlsPort}/`;
    const proc = spawn(SLAPD, ['-h', listeners, '-f', configFile, '-d', '0'], {
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
    if (tls !== null) {
      do tlsPort = await freePort();
      while (tlsPort === port);
    }
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

  const running: RunningSlapd = {
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
  if (tls === null) return running;
  return { ...running, ldapsUrl: `ldaps://127.0.0.1:${tlsPort}/`, tlsPort, caFile: tls.caFile };
}

/** Where `makeCertificates` put the PEM files. */
interface CertificateFiles {
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
}

/**
 * Creates, with the openssl command line, a throw-away CA (ca.pem) and a server certificate
 * (server.pem, key server.key) it signed for IP 127.0.0.1 and DNS localhost, valid for two days.
 * The keys are P-256, which is quick to generate; like everything else here they sit in the
 * private (0700) temporary directory of the current user, who also runs slapd.
 */
async function makeCertificates(dir: string): Promise<CertificateFiles> {
  const file = (name: string): string => join(dir, name);
  const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-noenc'];
  await run('openssl', [
    'req',
    '-x509',
    ...ecKey,
    '-keyout',
    file('ca.key'),
    '-out',
    file('ca.pem'),
    '-days',
    '2',
    '-subj',
    '/CN=Sesame throw-away test CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  await run('openssl', [
    'req',
    '-new',
    ...ecKey,
    '-keyout',
    file('server.key'),
    '-out',
    file('server.csr'),
    '-subj',
    '/CN=localhost',
  ]);
  await writeFile(
    file('server.ext'),
    [
      'basicConstraints = critical, CA:FALSE',
      'keyUsage = critical, digitalSignature, keyEncipherment',
      'extendedKeyUsage = serverAuth',
      'subjectAltName = IP:127.0.0.1, DNS:localhost',
      '',
    ].join('\n'),
  );
  await run('openssl', [
    'x509',
    '-req',
    '-in',
    file('server.csr'),
    '-CA',
    file('ca.pem'),
    '-CAkey',
    file('ca.key'),
    '-set_serial',
    `0x${randomBytes(8).toString('hex')}`,
    '-days',
    '2',
    '-extfile',
    file('server.ext'),
    '-out',
    file('server.pem'),
  ]);
  return { caFile: file('ca.pem'), certFile: file('server.pem'), keyFile: file('server.key') };
}

function slapdConf(dir: string, tls: CertificateFiles | null = null): string {
  return [
    ...['core', 'cosine', 'inetorgperson', 'nis'].map((name) => `include ${SCHEMA_DIR}/${name}.schema`),
    `modulepath ${MODULE_PATH}`,
    'moduleload back_mdb',
    'moduleload memberof',
    `pidfile ${join(dir, 'slapd.pid')}`,
    ...(tls === null
      ? []
      : [
          `TLSCACertificateFile ${tls.caFile}`,
          `TLSCertificateFile ${tls.certFile}`,
          `TLSCertificateKeyFile ${tls.keyFile}`,
        ]),
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
      phone: 'telephoneNumber',
      address: 'postalAddress',
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
