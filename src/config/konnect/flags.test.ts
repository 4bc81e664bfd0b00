import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseFlags, SERVE_FLAGS, UsageError } from './flags.js';

describe('konnectd serve flags', () => {
  it('reads --flag value, --flag=value and Go-style -flag value alike', () => {
    for (const argv of [
      ['--iss', 'https://id.example.com', 'ldap'],
      ['--iss=https://id.example.com', 'ldap'],
      ['-iss', 'https://id.example.com', 'ldap'],
      ['-iss=https://id.example.com', 'ldap'],
    ]) {
      const parsed = parseFlags(argv);
      assert.equal(parsed.flags.get('iss'), 'https://id.example.com', argv.join(' '));
      assert.deepEqual(parsed.positionals, ['ldap']);
    }
  });

  it('collects every value of a repeatable flag in order', () => {
    const parsed = parseFlags([
      '--signing-private-key',
      'a.pem',
      '--signing-private-key=b.pem',
      '--trusted-proxy',
      '10.0.0.1',
      'ldap',
    ]);
    assert.deepEqual(parsed.flags.get('signing-private-key'), ['a.pem', 'b.pem']);
    assert.deepEqual(parsed.flags.get('trusted-proxy'), ['10.0.0.1']);
  });

  it('sets booleans by their bare name or =true/=false and never eats the next argument', () => {
    const parsed = parseFlags(['--insecure', 'ldap', '--log-timestamp=false', '--with-metrics=0']);
    assert.equal(parsed.flags.get('insecure'), true);
    assert.equal(parsed.flags.get('log-timestamp'), false);
    assert.equal(parsed.flags.get('with-metrics'), false);
    assert.deepEqual(parsed.positionals, ['ldap']);
    assert.throws(() => parseFlags(['--insecure=maybe']), /invalid boolean "maybe" for --insecure/);
  });

  it('accepts flags after the identity manager and stops at --', () => {
    const parsed = parseFlags(['ldap', 'extra', '--listen', '0.0.0.0:8777', '--', '--not-a-flag']);
    assert.equal(parsed.flags.get('listen'), '0.0.0.0:8777');
    assert.deepEqual(parsed.positionals, ['ldap', 'extra', '--not-a-flag']);
  });

  it('refuses an unknown flag and suggests the one meant', () => {
    assert.throws(
      () => parseFlags(['--signing-privte-key', 'x.pem']),
      (error: unknown) => {
        assert.ok(error instanceof UsageError);
        assert.match(
          error.message,
          /unknown flag: --signing-privte-key \(did you mean --signing-private-key\?\)/,
        );
        return true;
      },
    );
    assert.throws(() => parseFlags(['--frobnicate']), /^UsageError: unknown flag: --frobnicate$/);
  });

  it('refuses a flag given without its value', () => {
    assert.throws(() => parseFlags(['ldap', '--iss']), /flag needs an argument: --iss/);
  });

  it('notices -h and --help', () => {
    assert.equal(parseFlags(['-h']).help, true);
    assert.equal(parseFlags(['--help']).help, true);
  });

  it('knows every flag of the Konnect command line', () => {
    const konnect = [
      'iss',
      'listen',
      'identifier-registration-conf',
      'identifier-scopes-conf',
      'signing-private-key',
      'signing-kid',
      'signing-method',
      'validation-keys-path',
      'encryption-secret',
      'trusted-proxy',
      'allow-scope',
      'allow-client-guests',
      'allow-dynamic-client-registration',
      'access-token-expiration',
      'id-token-expiration',
      'refresh-token-expiration',
      'dynamic-client-secret-expiration',
      'log-level',
      'log-timestamp',
      'insecure',
      'uri-base-path',
      'identifier-client-path',
      'sign-in-uri',
      'signed-out-uri',
      'authorization-endpoint-uri',
      'endsession-endpoint-uri',
      'disable-identifier-client',
      'with-metrics',
      'metrics-listen',
      'with-pprof',
      'pprof-listen',
    ];
    for (const flag of konnect) assert.ok(SERVE_FLAGS[flag], flag);
  });
});
