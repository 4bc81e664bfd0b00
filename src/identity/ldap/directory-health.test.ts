import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { ManualClock } from '../../lib/clock.js';
import { DirectoryHealth, formatDuration } from './directory-health.js';

function setup() {
  const clock = new ManualClock(Date.UTC(2026, 2, 1, 8, 0, 0));
  const lines: { level: string; msg: string }[] = [];
  const log = pino(
    {
      level: 'trace',
      base: undefined,
      timestamp: false,
      formatters: { level: (label) => ({ level: label }) },
    },
    { write: (line: string) => void lines.push(JSON.parse(line) as { level: string; msg: string }) },
  );
  return { clock, lines, health: new DirectoryHealth(log, clock) };
}

describe('DirectoryHealth', () => {
  it('logs an outage once when it starts and once when it ends, whatever fails in between', () => {
    const { clock, lines, health } = setup();
    health.answered();
    for (let i = 0; i < 1000; i++) {
      health.failed('unreachable', 'connect ECONNREFUSED 127.0.0.1:389');
      clock.advance(50);
    }
    health.answered();
    health.answered();
    assert.deepEqual(lines, [
      {
        level: 'warn',
        since: '2026-03-01T08:00:00.000Z',
        reason: 'connect ECONNREFUSED 127.0.0.1:389',
        msg: 'LDAP directory unreachable since 2026-03-01T08:00:00.000Z: connect ECONNREFUSED 127.0.0.1:389',
      },
      {
        level: 'warn',
        downMs: 50_000,
        msg: 'LDAP directory back after 50 s',
      },
    ]);
  });

  it('reports a rejected service account as an error, and a change of trouble as a new line', () => {
    const { clock, lines, health } = setup();
    health.failed('unreachable', 'connect ECONNREFUSED');
    clock.advance(125_000);
    health.failed('service-bind-rejected', 'cn=sesame: Invalid Credentials');
    health.failed('service-bind-rejected', 'cn=sesame: Invalid Credentials');
    clock.advance(60_000);
    health.answered();
    assert.deepEqual(
      lines.map((line) => [line.level, line.msg]),
      [
        ['warn', 'LDAP directory unreachable since 2026-03-01T08:00:00.000Z: connect ECONNREFUSED'],
        [
          'error',
          'LDAP service bind rejected since 2026-03-01T08:02:05.000Z: check LDAP_BINDDN and LDAP_BINDPW (cn=sesame: Invalid Credentials)',
        ],
        ['warn', 'LDAP directory back after 3 min 5 s'],
      ],
    );
  });

  it('writes durations people read at a glance', () => {
    assert.equal(formatDuration(850), '850 ms');
    assert.equal(formatDuration(42_400), '42 s');
    assert.equal(formatDuration(185_000), '3 min 5 s');
    assert.equal(formatDuration(7_260_000), '2 h 1 min');
  });
});
