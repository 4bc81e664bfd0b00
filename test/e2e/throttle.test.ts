// The sign-in throttle as a user meets it: after the limit, the form says to wait — for an
// account that exists and for one that does not, alike.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startSesame, type RunningSesame } from '../helpers/sesame-process.js';
import { CookieJar, follow, submit } from '../helpers/http-login.js';

let sesame: RunningSesame;
before(async () => {
  sesame = await startSesame({
    registration:
      'clients:\n  - id: app\n    secret: app-secret-123456\n    insecure: yes\n    redirect_uris: [http://127.0.0.1:9/cb]\n',
    users: [{ username: 'alice', password: 'alice password', email: 'alice@example.com', name: 'Alice' }],
    extraConfig: 'throttle:\n  max_failures_per_account: 2\n  max_failures_per_address: 100',
  });
});
after(async () => {
  await sesame?.stop();
});

async function attempt(username: string, password: string) {
  const jar = new CookieJar();
  const page = await follow(jar, sesame.issuer, `${sesame.issuer}/signin/v1/identifier`);
  return submit(jar, sesame.issuer, page, { username, password });
}

describe('sign-in throttle', () => {
  for (const username of ['alice', 'ghost']) {
    it(`after two wrong passwords for ${username === 'alice' ? 'an existing' : 'an unknown'} account, asks to wait`, async () => {
      for (let i = 0; i < 2; i++) {
        const page = await attempt(username, 'wrong password');
        assert.equal(page.status, 401);
        assert.match(page.body, /The username or password is incorrect\./);
      }
      const blocked = await attempt(username, username === 'alice' ? 'alice password' : 'wrong password');
      assert.equal(blocked.status, 429);
      assert.match(blocked.body, /Too many failed attempts/);
    });
  }
});
