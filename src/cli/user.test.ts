import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/types.js';
import { createBuiltinBackend } from '../identity/builtin/builtin-backend.js';
import { systemClock } from '../lib/clock.js';
import { openStorage } from '../storage/open.js';
import { userCommand } from './user.js';

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

let dir: string;
let configFile: string;

/** Runs `sesame user …` against the temp directory's config, with `stdin` as standard input. */
async function run(argv: string[], stdin = ''): Promise<Run> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on('data', (chunk: Buffer) => out.push(chunk.toString('utf8')));
  stderr.on('data', (chunk: Buffer) => err.push(chunk.toString('utf8')));
  const code = await userCommand([...argv, '--config', configFile], {
    stdin: Readable.from([stdin]),
    stdout,
    stderr,
    env: {},
    cwd: dir,
  });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

/** What the server would give the builtin backend under `config`. */
function backendOptions(config: Config) {
  return { hashing: config.passwords, log: pino({ enabled: false }), clock: systemClock };
}

const addAlice = [
  'add',
  'alice',
  '--email',
  'alice@example.org',
  '--name',
  'Alice Example',
  '--password-stdin',
];

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sesame-user-cli-'));
  configFile = join(dir, 'sesame.yaml');
  await writeFile(
    configFile,
    'issuer: https://id.example.org\nstorage: sqlite:./t.db\ndata_dir: .\ndemo: false\n',
  );
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('sesame user', () => {
  it('adds a user whose password comes from stdin', async () => {
    const result = await run(
      [...addAlice, '--given-name', 'Alice', '--family-name', 'Example', '--email-verified'],
      'first-password\n',
    );
    assert.equal(result.stderr, '');
    assert.equal(result.code, 0);
    assert.match(result.stdout, /Added user alice/);
  });

  it('lists the user in a table with username, name and email', async () => {
    const result = await run(['list']);
    assert.equal(result.code, 0);
    const lines = result.stdout.trimEnd().split('\n');
    assert.match(lines[0] ?? '', /^USERNAME\s+NAME\s+EMAIL$/);
    assert.match(lines[1] ?? '', /^alice\s+Alice Example\s+alice@example\.org$/);
  });

  it('lists users as JSON without their password hashes', async () => {
    const result = await run(['list', '--json']);
    assert.equal(result.code, 0);
    const users = JSON.parse(result.stdout) as Record<string, unknown>[];
    assert.equal(users.length, 1);
    assert.deepEqual(
      { ...users[0], id: undefined, createdAt: undefined, updatedAt: undefined },
      {
        id: undefined,
        username: 'alice',
        name: 'Alice Example',
        givenName: 'Alice',
        familyName: 'Example',
        email: 'alice@example.org',
        emailVerified: true,
        phoneNumber: null,
        address: null,
        createdAt: undefined,
        updatedAt: undefined,
      },
    );
    assert.doesNotMatch(result.stdout, /argon2|passwordHash/);
  });

  it('refuses to add a user that already exists, whatever the case', async () => {
    for (const username of ['alice', 'ALICE']) {
      const result = await run(['add', username, ...addAlice.slice(2)], 'another-password\n');
      assert.equal(result.code, 1);
      assert.match(result.stderr, /already exists/);
    }
  });

  it('changes the password so the builtin backend accepts only the new one', async () => {
    const result = await run(['passwd', 'alice', '--password-stdin'], 'second-password\r\nignored line\n');
    assert.equal(result.stderr, '');
    assert.equal(result.code, 0);
    const { config } = loadConfig({ file: configFile, env: {}, cwd: dir });
    const storage = await openStorage(config.storage);
    try {
      const backend = createBuiltinBackend(storage.users, backendOptions(config));
      const identity = await backend.authenticate('Alice', 'second-password');
      assert.equal(identity?.username, 'alice');
      assert.equal(identity?.email, 'alice@example.org');
      assert.equal(await backend.authenticate('alice', 'first-password'), null);
    } finally {
      await storage.close();
    }
  });

  it('refuses a password given on the command line, and adds nobody', async () => {
    for (const argv of [
      ['add', 'bob', '--email', 'bob@example.org', '--name', 'Bob', '--password', 'hunter2hunter2'],
      ['add', 'bob', '--email', 'bob@example.org', '--name', 'Bob', '--password=hunter2hunter2'],
      ['passwd', 'alice', '--password', 'hunter2hunter2'],
    ]) {
      const result = await run(argv, 'hunter2hunter2\n');
      assert.equal(result.code, 1);
      assert.match(result.stderr, /--password-stdin/);
      assert.doesNotMatch(result.stderr, /hunter2/);
    }
    assert.doesNotMatch((await run(['list'])).stdout, /bob/);
  });

  it('refuses an empty or short password from stdin', async () => {
    const bob = ['add', 'bob', '--email', 'bob@example.org', '--name', 'Bob', '--password-stdin'];
    const empty = await run(bob, '\n');
    assert.equal(empty.code, 1);
    assert.match(empty.stderr, /no password on standard input/);
    const short = await run(bob, 'seven77\n');
    assert.equal(short.code, 1);
    assert.match(short.stderr, /at least 8 characters/);
  });

  it('requires --password-stdin, --email and --name when adding', async () => {
    const noStdin = await run(['add', 'bob', '--email', 'bob@example.org', '--name', 'Bob'], 'long-enough\n');
    assert.match(noStdin.stderr, /missing option --password-stdin/);
    const noEmail = await run(['add', 'bob', '--name', 'Bob', '--password-stdin'], 'long-enough\n');
    assert.match(noEmail.stderr, /missing option --email/);
    const noName = await run(
      ['add', 'bob', '--email', 'bob@example.org', '--password-stdin'],
      'long-enough\n',
    );
    assert.match(noName.stderr, /missing option --name/);
    for (const result of [noStdin, noEmail, noName]) assert.equal(result.code, 1);
  });

  it('refuses usernames outside letters, digits and ._@-', async () => {
    for (const username of ['bad name', 'semi;colon', 'x'.repeat(65)]) {
      const result = await run(
        ['add', username, '--email', 'b@example.org', '--name', 'B', '--password-stdin'],
        'long-enough\n',
      );
      assert.equal(result.code, 1);
      assert.match(result.stderr, /invalid username/);
    }
  });

  it('refuses unknown options and commands', async () => {
    const option = await run(['list', '--verbose']);
    assert.equal(option.code, 1);
    assert.match(option.stderr, /unknown option --verbose/);
    const command = await run(['rename', 'alice']);
    assert.equal(command.code, 1);
    assert.match(command.stderr, /unknown command/);
  });

  it('removes a user, then reports them as unknown', async () => {
    const removed = await run(['remove', 'alice']);
    assert.equal(removed.code, 0);
    assert.match(removed.stdout, /Removed user alice/);
    assert.match((await run(['list'])).stdout, /No users/);
    assert.equal(JSON.parse((await run(['list', '--json'])).stdout).length, 0);
  });

  it('reports an unknown user for passwd and remove', async () => {
    const remove = await run(['remove', 'alice']);
    assert.equal(remove.code, 1);
    assert.match(remove.stderr, /no such user "alice"/);
    const passwd = await run(['passwd', 'nobody', '--password-stdin'], 'long-enough\n');
    assert.equal(passwd.code, 1);
    assert.match(passwd.stderr, /no such user "nobody"/);
  });

  it('reads a relative --config from the given working directory', async () => {
    const saved = configFile;
    configFile = 'sesame.yaml';
    try {
      const result = await run(['list']);
      assert.equal(result.stderr, '');
      assert.equal(result.code, 0);
    } finally {
      configFile = saved;
    }
  });

  it('prints usage for --help and for no command at all', async () => {
    const help = await run(['add', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /sesame user add <username>/);
    const nothing = await userCommand([], {
      stdin: Readable.from(['']),
      stdout: new PassThrough(),
      stderr: new PassThrough(),
      env: {},
      cwd: dir,
    });
    assert.equal(nothing, 1);
  });

  it('prints every problem of a bad configuration file', async () => {
    const saved = configFile;
    configFile = join(dir, 'bad.yaml');
    try {
      await writeFile(configFile, 'storage: floppy:/dev/fd0\ndata_dir: .\ndemo: maybe\n');
      const result = await run(['list']);
      assert.equal(result.code, 1);
      assert.match(result.stderr, /configuration is not valid/);
      const problems = result.stderr.split('\n').filter((line) => line.startsWith('  - '));
      assert.ok(problems.length >= 2, result.stderr);
    } finally {
      configFile = saved;
    }
  });
  it('revoke forgets a consent and ends the grants of that client', async () => {
    await run(
      ['add', 'carol', '--email', 'carol@example.org', '--name', 'Carol', '--password-stdin'],
      'carol-password-1\n',
    );
    const { config } = loadConfig({ file: configFile, env: {}, cwd: dir });
    let storage = await openStorage(config.storage);
    const carol = (await storage.users.getByUsername('carol'))!;
    const now = Date.now();
    await storage.consents.put({ userId: carol.id, clientId: 'wiki', scopes: ['openid'], createdAt: now });
    await storage.grants.create({
      id: 'g-carol',
      userId: carol.id,
      clientId: 'wiki',
      scopes: ['openid'],
      sessionId: null,
      authTime: now,
      createdAt: now,
      expiresAt: now + 60_000,
      revokedAt: null,
    });
    await storage.close();

    const result = await run(['revoke', 'carol', 'wiki']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Revoked wiki for carol/);

    storage = await openStorage(config.storage);
    try {
      assert.equal(await storage.consents.get(carol.id, 'wiki'), null, 'consent forgotten');
      assert.notEqual((await storage.grants.get('g-carol'))?.revokedAt ?? null, null, 'grant revoked');
    } finally {
      await storage.close();
    }
    assert.equal((await run(['revoke', 'nobody', 'wiki'])).code, 1);
  });
});

describe('sesame user: phone number and postal address', () => {
  /** Dave's identity as the builtin backend hands it out, so as userinfo sees it. */
  async function daveIdentity() {
    const { config } = loadConfig({ file: configFile, env: {}, cwd: dir });
    const storage = await openStorage(config.storage);
    try {
      return await createBuiltinBackend(storage.users, backendOptions(config)).authenticate(
        'dave',
        'dave-password-1',
      );
    } finally {
      await storage.close();
    }
  }

  it('adds a user with a phone number and an address, multi-line formatted', async () => {
    const result = await run(
      [
        'add',
        'dave',
        '--email',
        'dave@example.org',
        '--name',
        'Dave',
        '--phone',
        ' +49 30 1234567 ',
        '--address-formatted',
        'Hauptstraße 1\r\n10115 Berlin',
        '--address-locality=Berlin',
        '--address-postal-code',
        '10115',
        '--address-country',
        'DE',
        '--password-stdin',
      ],
      'dave-password-1\n',
    );
    assert.equal(result.stderr, '');
    assert.equal(result.code, 0);
    const dave = await daveIdentity();
    assert.equal(dave?.phoneNumber, '+49 30 1234567');
    assert.equal(dave?.phoneNumberVerified, false);
    assert.deepEqual(dave?.address, {
      formatted: 'Hauptstraße 1\n10115 Berlin',
      locality: 'Berlin',
      postal_code: '10115',
      country: 'DE',
    });
    const listed = (JSON.parse((await run(['list', '--json'])).stdout) as Record<string, unknown>[]).find(
      (user) => user['username'] === 'dave',
    );
    assert.equal(listed?.['phoneNumber'], '+49 30 1234567');
    assert.deepEqual(listed?.['address'], dave?.address);
  });

  it('update replaces the phone number and the whole address, and leaves out what it is not given', async () => {
    const phone = await run(['update', 'DAVE', '--phone', '+1 555 0100']);
    assert.equal(phone.stderr, '');
    assert.equal(phone.code, 0);
    assert.match(phone.stdout, /Updated dave/);
    let dave = await daveIdentity();
    assert.equal(dave?.phoneNumber, '+1 555 0100');
    assert.equal(dave?.address?.locality, 'Berlin', 'the address is kept');

    assert.equal(
      (await run(['update', 'dave', '--address-street', '1 Main St', '--address-country', 'US'])).code,
      0,
    );
    dave = await daveIdentity();
    assert.deepEqual(dave?.address, { street_address: '1 Main St', country: 'US' });
    assert.equal(dave?.phoneNumber, '+1 555 0100', 'the phone number is kept');
  });

  it('update --no-phone and --no-address clear them', async () => {
    assert.equal((await run(['update', 'dave', '--no-phone'])).code, 0);
    assert.equal((await daveIdentity())?.phoneNumber, null);
    assert.equal((await run(['update', 'dave', '--no-address', '--phone', '+1 555 0199'])).code, 0);
    const dave = await daveIdentity();
    assert.equal(dave?.address, null);
    assert.equal(dave?.phoneNumber, '+1 555 0199');
  });

  it('refuses empty, multi-line or contradicting values, and an update with nothing to change', async () => {
    const refusals: [string[], RegExp][] = [
      [['update', 'dave', '--phone', ''], /--phone needs a value/],
      [['update', 'dave', '--phone', '+1 555\n0100'], /--phone holds a line break/],
      [['update', 'dave', '--address-locality', 'Spring\nfield'], /--address-locality holds a line break/],
      [['update', 'dave', '--address-formatted', 'a\tb'], /control character other than a line break/],
      [['update', 'dave', '--phone', 'x'.repeat(65)], /longer than 64 characters/],
      [['update', 'dave', '--phone', '+1 555 0100', '--no-phone'], /contradict/],
      [['update', 'dave', '--address-country', 'US', '--no-address'], /contradict/],
      [['update', 'dave'], /nothing to change/],
      [['update', 'nobody', '--phone', '+1 555 0100'], /no such user "nobody"/],
    ];
    for (const [argv, message] of refusals) {
      const result = await run(argv);
      assert.equal(result.code, 1, argv.join(' '));
      assert.match(result.stderr, message);
    }
    assert.equal((await daveIdentity())?.phoneNumber, '+1 555 0199', 'nothing changed');
    const add = await run(
      ['add', 'erin', '--email', 'erin@example.org', '--name', 'Erin', '--phone', '', '--password-stdin'],
      'erin-password-1\n',
    );
    assert.equal(add.code, 1);
    assert.doesNotMatch((await run(['list'])).stdout, /erin/, 'no user added');
  });
});

describe('sesame user without --config', () => {
  it('works on the ./sesame.yaml that sesame serve would use from the same directory', async () => {
    const stdout = new PassThrough();
    const out: string[] = [];
    stdout.on('data', (chunk: Buffer) => out.push(chunk.toString('utf8')));
    const io = { stdin: Readable.from(['']), stdout, stderr: new PassThrough(), env: {}, cwd: dir };
    const withConfig = await run(['list']);
    assert.match(withConfig.stdout, /@example\.org/, 'the users of ./t.db');
    assert.equal(await userCommand(['list'], io), 0);
    assert.equal(out.join(''), withConfig.stdout);
  });
});

describe('sesame user: the argon2id cost of passwords.*', () => {
  const cheap = 'passwords:\n  memory_kib: 1024\n  iterations: 1\n';

  async function storedHash(file: string, username: string): Promise<string | undefined> {
    const { config } = loadConfig({ file, env: {}, cwd: dir });
    const storage = await openStorage(config.storage);
    try {
      return (await storage.users.getByUsername(username))?.passwordHash;
    } finally {
      await storage.close();
    }
  }

  it('add and passwd hash with the configured parameters, and say when they are weak', async () => {
    const saved = configFile;
    configFile = join(dir, 'cheap.yaml');
    try {
      await writeFile(configFile, `storage: sqlite:./cheap.db\ndata_dir: .\ndemo: false\n${cheap}`);
      const add = await run(
        ['add', 'erin', '--email', 'erin@example.org', '--name', 'Erin', '--password-stdin'],
        'erin-password-1\n',
      );
      assert.equal(add.code, 0, add.stderr);
      assert.match(
        add.stderr,
        /warning: passwords\.memory_kib 1024 with passwords\.iterations 1 meets none of OWASP/,
      );
      assert.match((await storedHash(configFile, 'erin')) ?? '', /^\$argon2id\$v=19\$m=1024,t=1,p=1\$/);

      await writeFile(
        configFile,
        `storage: sqlite:./cheap.db\ndata_dir: .\ndemo: false\npasswords:\n  memory_kib: 2048\n  iterations: 1\n`,
      );
      const passwd = await run(['passwd', 'erin', '--password-stdin'], 'erin-password-2\n');
      assert.equal(passwd.code, 0, passwd.stderr);
      assert.match((await storedHash(configFile, 'erin')) ?? '', /^\$argon2id\$v=19\$m=2048,t=1,p=1\$/);
    } finally {
      configFile = saved;
    }
  });
});
