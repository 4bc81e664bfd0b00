import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import type { App } from '../app.js';
import type { Config } from '../config/types.js';
import { ConfigError } from '../config/errors.js';
import { TEST_CONFIG } from '../endpoints/token/test-fixture.js';
import { StorageError } from '../storage/types.js';
import { startApp } from './start-app.js';

interface LogLine {
  readonly level: number;
  readonly msg: string;
}

const POSTGRES: Config = {
  ...TEST_CONFIG,
  storage: { kind: 'postgres', url: 'postgres://db.internal/sesame' },
};
const SQLITE: Config = { ...TEST_CONFIG, storage: { kind: 'sqlite', path: '/nonexistent/sesame.db' } };
const REFUSED = new StorageError(
  'unavailable',
  'cannot migrate PostgreSQL database db.internal:5432/sesame: connect ECONNREFUSED 10.0.0.5:5432',
);

/** A stand-in for createApp that fails with `failures` in turn, then builds an app. */
function scripted(failures: unknown[]) {
  let attempts = 0;
  let closed = 0;
  const app = {
    close: async () => {
      closed++;
    },
  } as unknown as App;
  const create = async (): Promise<App> => {
    const failure = failures[attempts++];
    if (failure !== undefined) throw failure;
    return app;
  };
  return { app, create, attempts: () => attempts, closed: () => closed };
}

function capture() {
  const lines: LogLine[] = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => lines.push(JSON.parse(line) as LogLine) });
  return { log, lines };
}

describe('startApp', () => {
  it('waits for a PostgreSQL database that cannot be reached yet, saying why and what to check', async () => {
    const { log, lines } = capture();
    const script = scripted([REFUSED, REFUSED, REFUSED]);
    const app = await startApp(POSTGRES, log, {
      signal: new AbortController().signal,
      create: script.create,
      delaysMs: [1, 2],
    });
    assert.equal(app, script.app);
    assert.equal(script.attempts(), 4);
    const said = lines.map((line) => [line.level, line.msg]);
    assert.equal(said[0]?.[0], 50, 'the first failure is an error');
    assert.match(
      String(said[0]?.[1]),
      /^storage unavailable at start: cannot migrate PostgreSQL database db\.internal:5432\/sesame: connect ECONNREFUSED .*; check that PostgreSQL is running and accepts connections, and the storage setting \(`storage`, SESAME_STORAGE, konnectd --storage\); trying again in 1 ms$/,
    );
    // The same reason again is routine; the wait grows to the last delay and stays there.
    assert.deepEqual(said.slice(1, 3), [
      [30, `storage still unavailable (attempt 2): ${REFUSED.message}; trying again in 2 ms`],
      [30, `storage still unavailable (attempt 3): ${REFUSED.message}; trying again in 2 ms`],
    ]);
    assert.deepEqual(said[3], [40, 'storage answers; starting (attempt 4)']);
  });

  it('ends the waiting at once when the process is told to stop', async () => {
    const { log } = capture();
    const stopping = new AbortController();
    const script = scripted(Array.from({ length: 1000 }, () => REFUSED));
    const started = Date.now();
    const waiting = startApp(POSTGRES, log, {
      signal: stopping.signal,
      create: script.create,
      delaysMs: [60_000],
    });
    await new Promise((done) => setTimeout(done, 20));
    stopping.abort();
    assert.equal(await waiting, null);
    assert.ok(Date.now() - started < 1000);
    assert.equal(script.attempts(), 1);
  });

  it('closes an app that was still being built when the stop came', async () => {
    const { log } = capture();
    const stopping = new AbortController();
    let finish: (app: App) => void = () => {};
    let closed = 0;
    const app = { close: async () => void closed++ } as unknown as App;
    const waiting = startApp(POSTGRES, log, {
      signal: stopping.signal,
      create: () => new Promise<App>((done) => (finish = done)),
    });
    stopping.abort();
    assert.equal(await waiting, null);
    finish(app);
    await new Promise((done) => setImmediate(done));
    assert.equal(closed, 1);
  });

  it('does not wait on a configuration error, nor on a SQLite file it cannot open', async () => {
    const { log } = capture();
    const badKey = new ConfigError(['signing.keys: cannot read /etc/sesame/signing.pem']);
    await assert.rejects(
      startApp(POSTGRES, log, { signal: new AbortController().signal, create: scripted([badKey]).create }),
      ConfigError,
    );
    const unopenable = new StorageError('unavailable', 'cannot open SQLite database: EACCES');
    await assert.rejects(
      startApp(SQLITE, log, { signal: new AbortController().signal, create: scripted([unopenable]).create }),
      /EACCES/,
    );
    const corrupt = new StorageError('corrupt', 'migrated by a newer Sesame');
    await assert.rejects(
      startApp(POSTGRES, log, { signal: new AbortController().signal, create: scripted([corrupt]).create }),
      /newer Sesame/,
    );
  });
});
