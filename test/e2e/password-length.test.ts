// One password limit (1,024 characters) for `sesame user add/passwd` and for sign-in: any
// password the CLI accepts signs in, and a longer one is refused by both — by the CLI with a
// message, at sign-in as a wrong password, never cut short to a prefix that could match.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sesameCli, startSesame, type RunningSesame } from '../helpers/sesame-process.js';
import { CookieJar, follow, submit, type Page } from '../helpers/http-login.js';

const LONGEST = 'p'.repeat(1020) + '-end';
/** 1,024 characters, each outside the BMP: 2,048 UTF-16 units, 4,096 UTF-8 bytes. */
const LONGEST_EMOJI = '🔑'.repeat(1024);

let sesame: RunningSesame;
before(async () => {
  assert.equal([...LONGEST].length, 1024);
  sesame = await startSesame({
    registration:
      'clients:\n  - id: app\n    secret: app-secret-123456\n    insecure: yes\n    redirect_uris: [http://127.0.0.1:9/cb]\n',
    users: [
      { username: 'alice', password: LONGEST, email: 'alice@example.com', name: 'Alice' },
      { username: 'emoji', password: LONGEST_EMOJI, email: 'emoji@example.com', name: 'Emoji' },
    ],
  });
});
after(async () => {
  await sesame?.stop();
});

async function signIn(username: string, password: string): Promise<Page> {
  const jar = new CookieJar();
  const page = await follow(jar, sesame.issuer, `${sesame.issuer}/signin/v1/identifier`);
  return submit(jar, sesame.issuer, page, { username, password });
}

describe('password length', () => {
  it('sesame user add and passwd refuse a password of 1,025 characters, saying the limit', async () => {
    const add = await sesameCli(
      [
        'user',
        'add',
        'bob',
        '--email',
        'bob@example.com',
        '--name',
        'Bob',
        '--password-stdin',
        '--config',
        sesame.configFile,
      ],
      `${'b'.repeat(1025)}\n`,
    );
    assert.equal(add.code, 1);
    assert.match(add.stderr, /longer than 1024 characters/);
    const passwd = await sesameCli(
      ['user', 'passwd', 'alice', '--password-stdin', '--config', sesame.configFile],
      `${LONGEST}x\n`,
    );
    assert.equal(passwd.code, 1);
    assert.match(passwd.stderr, /longer than 1024 characters/);
    const list = await sesameCli(['user', 'list', '--json', '--config', sesame.configFile]);
    assert.doesNotMatch(list.stdout, /"bob"/);
  });

  it('signs in with a password of 1,024 characters set by the CLI', async () => {
    const page = await signIn('alice', LONGEST);
    assert.equal(page.status, 200);
    assert.match(page.body, /<h1>Your account<\/h1>/);
  });

  it('signs in with 1,024 characters that take 4 bytes each', async () => {
    const page = await signIn('emoji', LONGEST_EMOJI);
    assert.equal(page.status, 200);
    assert.match(page.body, /<h1>Your account<\/h1>/);
  });

  it('refuses a 1,025-character password as a wrong one, even when its first 1,024 are right', async () => {
    // Had sign-in cut the field at 1,024 characters, this would sign Alice in.
    const page = await signIn('alice', `${LONGEST}x`);
    assert.equal(page.status, 401);
    assert.match(page.body, /The username or password is incorrect\./);
    const emoji = await signIn('emoji', `${LONGEST_EMOJI}🔑`);
    assert.equal(emoji.status, 401);
    assert.match(emoji.body, /The username or password is incorrect\./);
  });
});
