import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { IdentityUnavailableError, type IdentityBackend } from '../../identity/types.js';
import { ManualClock } from '../../lib/clock.js';
import { IdentityHealth, identityHealthFor } from './identity-health.js';

/** A probe the test opens and fails by hand, counting its runs. */
class ScriptedProbe {
  runs = 0;
  failWith: string | null = null;
  #release: (() => void) | null = null;
  #held = false;

  /** Makes the next runs wait until `release`. */
  hold(): void {
    this.#held = true;
  }

  release(): void {
    this.#held = false;
    this.#release?.();
  }

  readonly probe = async (): Promise<void> => {
    this.runs++;
    if (this.#held) await new Promise<void>((done) => (this.#release = done));
    if (this.failWith !== null) throw new IdentityUnavailableError(this.failWith);
  };
}

describe('IdentityHealth', () => {
  it('probes at most once a second, however many checks come', async () => {
    const clock = new ManualClock();
    const probe = new ScriptedProbe();
    const health = new IdentityHealth({ name: 'ldap', probe: probe.probe, clock });
    for (let i = 0; i < 20; i++) assert.deepEqual(await health.check(), { ok: true });
    assert.equal(probe.runs, 1);
    clock.advance(999);
    await health.check();
    assert.equal(probe.runs, 1);
    clock.advance(1);
    await health.check();
    assert.equal(probe.runs, 2);
  });

  it('shares one probe among concurrent checks', async () => {
    const clock = new ManualClock();
    const probe = new ScriptedProbe();
    const health = new IdentityHealth({ name: 'ldap', probe: probe.probe, clock });
    probe.hold();
    probe.failWith = 'the LDAP search base ou=x does not exist: check LDAP_BASEDN';
    const checks = Array.from({ length: 50 }, () => health.check());
    probe.release();
    const results = await Promise.all(checks);
    assert.equal(probe.runs, 1);
    for (const result of results) {
      assert.deepEqual(result, {
        ok: false,
        reason: 'the LDAP search base ou=x does not exist: check LDAP_BASEDN',
      });
    }
  });

  it('reports the directory back at the first check after a second', async () => {
    const clock = new ManualClock();
    const probe = new ScriptedProbe();
    const health = new IdentityHealth({ name: 'ldap', probe: probe.probe, clock });
    probe.failWith = 'cannot connect to the LDAP server';
    assert.equal((await health.check()).ok, false);
    probe.failWith = null;
    assert.equal((await health.check()).ok, false, 'the failure is reused within the second');
    clock.advance(1000);
    assert.deepEqual(await health.check(), { ok: true });
  });

  it('logs once when the directory cannot serve, again for another reason, and once when it is back', async () => {
    const clock = new ManualClock();
    const probe = new ScriptedProbe();
    const lines: { level: number; msg: string; reason?: string }[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
    const health = new IdentityHealth({ name: 'ldap', probe: probe.probe, clock, log });
    const checkLater = async () => {
      clock.advance(1000);
      await health.check();
    };
    await checkLater();
    assert.equal(lines.length, 0, 'nothing while it serves');
    probe.failWith = 'the LDAP search base ou=x does not exist: check LDAP_BASEDN';
    await checkLater();
    await checkLater();
    probe.failWith = 'the LDAP server refused the service bind: check LDAP_BINDPW';
    await checkLater();
    probe.failWith = null;
    await checkLater();
    await checkLater();
    assert.deepEqual(
      lines.map((l) => [l.level, l.msg]),
      [
        [40, 'ldap cannot serve sign-ins: the LDAP search base ou=x does not exist: check LDAP_BASEDN'],
        [40, 'ldap cannot serve sign-ins: the LDAP server refused the service bind: check LDAP_BINDPW'],
        [30, 'ldap serves again'],
      ],
    );
  });

  it('exists only for a backend with a probe: built-in users have no dependency but storage', () => {
    const clock = new ManualClock();
    const builtin: IdentityBackend = {
      subjectNamespace: 'identifier-builtin',
      authenticate: async () => null,
      getUser: async () => null,
      close: async () => {},
    };
    assert.equal(identityHealthFor(builtin, 'ldap', clock), null);
    const ldap: IdentityBackend = { ...builtin, probe: async () => {} };
    assert.equal(identityHealthFor(ldap, 'ldap', clock)?.name, 'ldap');
  });
});
