import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import type { Config } from './config/types.js';
import { createLogger } from './log.js';

function capture(): { stream: Writable; lines: () => string[] } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      text += chunk.toString();
      callback();
    },
  });
  return { stream, lines: () => text.split('\n').filter((line) => line !== '') };
}

function logConfig(log: Partial<Config['log']>): Pick<Config, 'log'> {
  return { log: { level: 'debug', format: 'json', ...log } };
}

describe('createLogger', () => {
  it('writes Konnect text lines with the time first when the format is text', () => {
    const out = capture();
    const log = createLogger(logConfig({ format: 'text' }), out.stream);
    log.info('serve start');
    log.warn({ client_id: 'rocket', origins: ['https://chat.example.com'] }, 'lenient token request');
    const [first, second] = out.lines();
    assert.match(first ?? '', /^time="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ" level=info msg="serve start"$/);
    assert.match(
      second ?? '',
      /^time="[^"]+" level=warning msg="lenient token request" client_id=rocket origins="\[https:\/\/chat\.example\.com\]"$/,
    );
  });

  it('omits time= when the timestamp is switched off (--log-timestamp=false)', () => {
    const out = capture();
    const log = createLogger(logConfig({ format: 'text', timestamp: false }), out.stream);
    log.debug({ trusted: true }, 'registered client');
    log.error({ err: new Error('boom "x"') }, 'failed');
    assert.deepEqual(out.lines(), [
      'level=debug msg="registered client" trusted=true',
      'level=error msg=failed err="boom \\"x\\""',
    ]);
  });

  it('honours the level in text format', () => {
    const out = capture();
    const log = createLogger(logConfig({ format: 'text', level: 'warn', timestamp: false }), out.stream);
    log.info('hidden');
    log.fatal('shown');
    assert.deepEqual(out.lines(), ['level=fatal msg=shown']);
  });

  it('keeps JSON lines for the json format, with or without the time', () => {
    const out = capture();
    createLogger(logConfig({}), out.stream).info({ a: 1 }, 'hello');
    createLogger(logConfig({ timestamp: false }), out.stream).warn('bye');
    const [withTime, withoutTime] = out.lines().map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.equal(withTime?.['level'], 'info');
    assert.equal(withTime?.['msg'], 'hello');
    assert.equal(typeof withTime?.['time'], 'string');
    assert.deepEqual(withoutTime, { level: 'warn', msg: 'bye' });
  });
});
