import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { ManualClock } from '../../lib/clock.js';
import { DirectoryHealth, formatDuration } from './directory-health.js';

interface Line {
  readonly level: string;
  readonly msg: string;
}

function setup() {
  const clock = new ManualClock(Date.UTC(2026, 2, 1, 8, 0, 0));
  const lines: Line[] = [];
  const log = pino(
    {
      level: 'trace',
      base: undefined,
      timestamp: false,
      formatters: { level: (label) => ({ level: label }) },
    },
    { write: (line: string) => void lines.push(JSON.parse(line) as Line) },
  );
  return { clock, lines, health: new DirectoryHealth(log, clock) };
}

/** `[level, msg]` of each line, for comparing whole logs. */
function read(lines: readonly Line[]): [string, string][] {
  return lines.map((line) => [line.level, line.msg]);
}

function answerTimes(health: DirectoryHealth, times: number): void {
  for (let i = 0; i < times; i++) health.answered();
}

describe('DirectoryHealth', () => {
  it('logs a steady outage once when it starts and once when it ends, whatever fails in between', () => {
    const { clock, lines, health } = setup();
    health.answered();
    for (let i = 0; i < 1000; i++) {
      health.failed('unreachable', 'connect ECONNREFUSED 127.0.0.1:389');
      clock.advance(50);
    }
    answerTimes(health, 3);
    answerTimes(health, 3);
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

  it('calls the directory back only after three answers in a row, timed from the first of them', () => {
    const { clock, lines, health } = setup();
    health.failed('unreachable', 'connect ECONNREFUSED');
    clock.advance(10_000);
    health.answered();
    health.answered();
    assert.equal(lines.length, 1, 'two answers are not yet evidence');
    clock.advance(5_000);
    health.answered();
    assert.deepEqual(read(lines), [
      ['warn', 'LDAP directory unreachable since 2026-03-01T08:00:00.000Z: connect ECONNREFUSED'],
      ['warn', 'LDAP directory back after 10 s'],
    ]);
  });

  it('reports a rejected service account as an error, and a new kind of trouble as a new line', () => {
    const { clock, lines, health } = setup();
    health.failed('unreachable', 'connect ECONNREFUSED');
    clock.advance(125_000);
    health.failed('service-bind-rejected', 'cn=sesame: Invalid Credentials');
    health.failed('service-bind-rejected', 'cn=sesame: Invalid Credentials');
    clock.advance(60_000);
    answerTimes(health, 3);
    assert.deepEqual(read(lines), [
      ['warn', 'LDAP directory unreachable since 2026-03-01T08:00:00.000Z: connect ECONNREFUSED'],
      [
        'error',
        'LDAP service bind rejected since 2026-03-01T08:02:05.000Z: check LDAP_BINDDN and LDAP_BINDPW (cn=sesame: Invalid Credentials)',
      ],
      ['warn', 'LDAP directory back after 3 min 5 s'],
    ]);
  });

  it('names a busy directory unavailable and a refused service bind without blaming the password', () => {
    const { clock, lines, health } = setup();
    health.failed('unavailable', 'LDAP user search failed: Busy Code: 0x33');
    clock.advance(1_000);
    health.failed('service-bind-refused', 'cn=sesame: confidentiality required Code: 0xd');
    assert.deepEqual(read(lines), [
      [
        'warn',
        'LDAP directory unavailable since 2026-03-01T08:00:00.000Z: LDAP user search failed: Busy Code: 0x33',
      ],
      [
        'error',
        'LDAP service bind refused since 2026-03-01T08:00:01.000Z: cn=sesame: confidentiality required Code: 0xd',
      ],
    ]);
  });

  it('logs each kind of trouble once per outage, however the kinds alternate', () => {
    const { clock, lines, health } = setup();
    for (let i = 0; i < 1000; i++) {
      if (i % 2 === 0) health.failed('unreachable', 'connect ECONNRESET');
      else health.failed('unavailable', 'LDAP user search failed: Busy Code: 0x33');
      clock.advance(100);
    }
    assert.deepEqual(
      lines.map((line) => line.msg.split(' since ')[0]),
      ['LDAP directory unreachable', 'LDAP directory unavailable'],
    );
  });

  it('summarises a directory that fails every other request once a minute, then says when it is back', () => {
    const { clock, lines, health } = setup();
    // 3,000 requests, 100 ms apart, every other one failing: five minutes of flapping.
    for (let i = 0; i < 3000; i++) {
      if (i % 2 === 0) health.failed('unavailable', `LDAP user search failed: Busy (request ${i})`);
      else health.answered();
      clock.advance(100);
    }
    const flapping = read(lines);
    // Then it holds: one answer a second.
    for (let i = 0; i < 70; i++) {
      health.answered();
      clock.advance(1000);
    }
    assert.deepEqual(flapping, [
      [
        'warn',
        'LDAP directory unavailable since 2026-03-01T08:00:00.000Z: LDAP user search failed: Busy (request 0)',
      ],
      [
        'warn',
        'LDAP directory unstable: 301 failures, 300 successes in the last 1 min: LDAP user search failed: Busy (request 600)',
      ],
      [
        'warn',
        'LDAP directory unstable: 300 failures, 300 successes in the last 1 min: LDAP user search failed: Busy (request 1200)',
      ],
      [
        'warn',
        'LDAP directory unstable: 300 failures, 300 successes in the last 1 min: LDAP user search failed: Busy (request 1800)',
      ],
      [
        'warn',
        'LDAP directory unstable: 300 failures, 300 successes in the last 1 min: LDAP user search failed: Busy (request 2400)',
      ],
    ]);
    assert.deepEqual(read(lines.slice(flapping.length)), [
      [
        'warn',
        'LDAP directory unstable: 299 failures, 301 successes in the last 1 min: LDAP user search failed: Busy (request 2998)',
      ],
      // Back once a minute passed without a failure; down until the first answer of that minute.
      ['warn', 'LDAP directory back after 5 min'],
    ]);
  });

  it('logs a directory that fails every ten seconds about once a minute, not once per failure', () => {
    const { clock, lines, health } = setup();
    // Ten minutes: one request a second, the one at each tenth second failing.
    for (let second = 0; second < 600; second++) {
      if (second % 10 === 0) health.failed('unreachable', 'read ECONNRESET');
      else health.answered();
      clock.advance(1000);
    }
    const msgs = lines.map((line) => line.msg.replace(/ since .*| after .*|:.*/, ''));
    // The first outage looked steady and ended after three answers; the relapse 7 s later made
    // the directory unstable, and unstable it stays: one summary a minute.
    assert.deepEqual(msgs.slice(0, 3), [
      'LDAP directory unreachable',
      'LDAP directory back',
      'LDAP directory unreachable',
    ]);
    assert.ok(msgs.slice(3).every((msg) => msg === 'LDAP directory unstable'));
    assert.ok(lines.length <= 3 + 10, `${lines.length} lines in ten minutes`);
  });

  it('stops logging two lines per failure for a directory that fails once every 70 seconds', () => {
    const { clock, lines, health } = setup();
    // Twenty minutes: one request a second, the one at each 70th second failing.
    for (let second = 0; second < 1200; second++) {
      if (second % 70 === 0) health.failed('unreachable', 'read ECONNRESET');
      else health.answered();
      clock.advance(1000);
    }
    const msgs = lines.map((line) => line.msg.replace(/ since .*| after .*|:.*/, ''));
    // The first relapse waits a quiet minute and gets one; the next must wait two, never gets
    // them, and is summarised once a minute from then on.
    assert.deepEqual(msgs.slice(0, 5), [
      'LDAP directory unreachable',
      'LDAP directory back',
      'LDAP directory unreachable',
      'LDAP directory back',
      'LDAP directory unreachable',
    ]);
    assert.ok(msgs.slice(5).every((msg) => msg === 'LDAP directory unstable'));
    assert.ok(lines.length <= 5 + 18, `${lines.length} lines for 18 failures`);
    assert.match(
      lines.at(-1)?.msg ?? '',
      /^LDAP directory unstable: 1 failure, 69 successes in the last 1 min 10 s/,
    );
  });

  it('waits a quiet minute before calling back a directory that failed again soon after it was back', () => {
    const { clock, lines, health } = setup();
    health.failed('unreachable', 'connect ECONNREFUSED');
    clock.advance(1_000);
    answerTimes(health, 3);
    clock.advance(10_000);
    health.failed('unreachable', 'connect ECONNREFUSED');
    clock.advance(1_000);
    answerTimes(health, 5);
    assert.equal(lines.length, 3, 'a relapse needs more than a few answers');
    clock.advance(59_000);
    health.answered();
    assert.deepEqual(read(lines), [
      ['warn', 'LDAP directory unreachable since 2026-03-01T08:00:00.000Z: connect ECONNREFUSED'],
      ['warn', 'LDAP directory back after 1 s'],
      ['warn', 'LDAP directory unreachable since 2026-03-01T08:00:11.000Z: connect ECONNREFUSED'],
      ['warn', 'LDAP directory back after 1 s'],
    ]);
  });

  it('writes durations people read at a glance', () => {
    assert.equal(formatDuration(850), '850 ms');
    assert.equal(formatDuration(42_400), '42 s');
    assert.equal(formatDuration(60_200), '1 min');
    assert.equal(formatDuration(185_000), '3 min 5 s');
    assert.equal(formatDuration(7_200_000), '2 h');
    assert.equal(formatDuration(7_260_000), '2 h 1 min');
  });
});
