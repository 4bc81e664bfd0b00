import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatLogfmt, formatValue, goQuote, levelName } from './logfmt.js';

describe('logfmt (konnect-spec §6)', () => {
  it('prints the registered-client line exactly as Konnect does', () => {
    const line = formatLogfmt({
      level: 'debug',
      msg: 'registered client',
      with_client_secret: false,
      trusted: true,
      redirect_uris: ['https://cloud.example.com/index.php/apps/sociallogin/custom_oidc/CloudronMeet'],
      origins: ['https://cloud.example.com'],
      insecure: false,
      client_id: 'cloud.example.com',
      application_type: 'web',
    });
    assert.equal(
      line,
      'level=debug msg="registered client" application_type=web client_id=cloud.example.com insecure=false ' +
        'origins="[https://cloud.example.com]" ' +
        'redirect_uris="[https://cloud.example.com/index.php/apps/sociallogin/custom_oidc/CloudronMeet]" ' +
        'trusted=true with_client_secret=false',
    );
  });

  it('starts with the time in RFC 3339 to the second, then level and msg', () => {
    assert.equal(
      formatLogfmt({ msg: 'serve start', level: 'info', time: '2021-05-06T10:00:00.123Z' }),
      'time="2021-05-06T10:00:00Z" level=info msg="serve start"',
    );
  });

  it('leaves out msg when it is empty, as logrus does', () => {
    assert.equal(formatLogfmt({ level: 'info', msg: '', a: 1 }), 'level=info a=1');
  });

  it('prints an err object as its message', () => {
    const err = {
      type: 'Error',
      message: 'connection refused',
      stack: 'Error: connection refused\n    at x',
    };
    assert.equal(
      formatLogfmt({ level: 'error', msg: 'failed', err }),
      'level=error msg=failed err="connection refused"',
    );
  });

  it('sorts fields by key, leaving undefined ones out', () => {
    assert.equal(
      formatLogfmt({ level: 'info', msg: 'x', b: 'two', a: 'one', c: undefined }),
      'level=info msg=x a=one b=two',
    );
  });
});

describe('logfmt values', () => {
  it('leaves [A-Za-z0-9-._/@^+] bare and quotes anything else', () => {
    assert.equal(formatValue('a-Z_0.9/x@y^z+w'), 'a-Z_0.9/x@y^z+w');
    assert.equal(formatValue('two words'), '"two words"');
    assert.equal(formatValue('ldap://host:389'), '"ldap://host:389"');
    assert.equal(formatValue('a=b'), '"a=b"');
    assert.equal(formatValue('ünïcode'), '"ünïcode"');
  });

  it('keeps the empty string bare (QuoteEmptyFields off)', () => {
    assert.equal(formatValue(''), '');
  });

  it('escapes quotes, backslashes and control characters Go %q style', () => {
    assert.equal(goQuote('say "hi"'), '"say \\"hi\\""');
    assert.equal(goQuote('C:\\dir'), '"C:\\\\dir"');
    assert.equal(goQuote('line1\nline2\ttab\r'), '"line1\\nline2\\ttab\\r"');
    assert.equal(goQuote('\x00\x1b\x7f'), '"\\x00\\x1b\\x7f"');
    assert.equal(goQuote('\u0085\u2028'), '"\\u0085\\u2028"');
    assert.equal(goQuote('née 日本'), '"née 日本"');
  });

  it('prints booleans and numbers bare, null as <nil>', () => {
    assert.equal(formatValue(true), 'true');
    assert.equal(formatValue(false), 'false');
    assert.equal(formatValue(42), '42');
    assert.equal(formatValue(-1.5), '-1.5');
    assert.equal(formatValue(null), '"<nil>"');
  });

  it('prints arrays Go-style, quoted because of the brackets', () => {
    assert.equal(formatValue(['a', 'b']), '"[a b]"');
    assert.equal(formatValue([]), '"[]"');
    assert.equal(formatValue([1, [2, 3]]), '"[1 [2 3]]"');
  });

  it('prints nested objects as quoted JSON', () => {
    assert.equal(formatValue({ a: 1, b: 'x' }), '"{\\"a\\":1,\\"b\\":\\"x\\"}"');
  });
});

describe('logfmt levels', () => {
  it('maps pino labels and numbers to logrus names; warn is warning', () => {
    assert.deepEqual(['trace', 'debug', 'info', 'warn', 'error', 'fatal'].map(levelName), [
      'trace',
      'debug',
      'info',
      'warning',
      'error',
      'fatal',
    ]);
    assert.deepEqual([10, 20, 30, 40, 50, 60].map(levelName), [
      'trace',
      'debug',
      'info',
      'warning',
      'error',
      'fatal',
    ]);
  });
});
