import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import type { FailingDependency } from '../endpoints/health-check/dependencies.js';
import { reportReadiness } from './readiness.js';

interface LogLine {
  readonly level: number;
  readonly msg: string;
}

const ERROR = 50;
const WARN = 40;

/** A reportReadiness run whose dependencies answer as `answers` says, one entry per check. */
function run(answers: (readonly FailingDependency[])[]) {
  const lines: LogLine[] = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => lines.push(JSON.parse(line) as LogLine) });
  let checks = 0;
  let readyCalls = 0;
  let whenReady: () => void = () => {};
  const ready = new Promise<void>((done) => (whenReady = done));
  const report = reportReadiness({
    failing: async () => answers[Math.min(checks++, answers.length - 1)] ?? [],
    log,
    address: 'http://127.0.0.1:8777',
    onReady: () => {
      readyCalls++;
      whenReady();
    },
    retryMs: 5,
  });
  return { lines, ready, report, checks: () => checks, readyCalls: () => readyCalls };
}

const rejected: FailingDependency = {
  name: 'ldap',
  reason:
    'the LDAP service bind as cn=sesame was rejected: check LDAP_BINDDN and LDAP_BINDPW (invalid credentials (code 49))',
};

describe('reportReadiness', () => {
  it('is ready at once, logging nothing of its own, when every dependency answers', async () => {
    const { lines, ready, readyCalls } = run([[]]);
    await ready;
    assert.equal(readyCalls(), 1);
    assert.deepEqual(lines, []);
  });

  it('says at error why it is not ready, checks again, and logs the recovery once', async () => {
    const { lines, ready, checks, readyCalls } = run([[rejected], [rejected], [rejected], []]);
    await ready;
    assert.equal(checks(), 4);
    assert.equal(readyCalls(), 1);
    const said = lines.map((line) => [line.level, line.msg]);
    assert.deepEqual(said, [
      [
        ERROR,
        `listening on http://127.0.0.1:8777, but not ready: ldap: ${rejected.reason}; checking again every 5 ms`,
      ],
      [WARN, 'LDAP directory answers again; ready'],
    ]);
  });

  it('logs again when what fails changes, and adds what to check when the reason does not say', async () => {
    const storage: FailingDependency = { name: 'storage', reason: 'storage failed: connection refused' };
    const { lines, ready } = run([[storage, rejected], [rejected], []]);
    await ready;
    const said = lines.map((line) => line.msg);
    assert.match(
      said[0] ?? '',
      /not ready: storage: storage failed: connection refused \(check that the database is running and the `storage` setting\); ldap: the LDAP service bind/,
    );
    assert.match(said[1] ?? '', /^still not ready: ldap: the LDAP service bind/);
    assert.equal(said[2], 'LDAP directory answers again; ready');
    assert.equal(said.length, 3);
  });

  it('stops checking when stopped, and is then never ready', async () => {
    const { report, checks, readyCalls } = run([[rejected]]);
    await new Promise((done) => setTimeout(done, 20));
    report.stop();
    const after = checks();
    await new Promise((done) => setTimeout(done, 30));
    assert.ok(checks() - after <= 1, 'at most the check under way finishes');
    assert.equal(readyCalls(), 0);
  });
});
