import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ArgsError, parseArgs } from './args.js';

const spec = { email: 'string', name: 'string', json: 'boolean' } as const;

describe('parseArgs', () => {
  it('reads --x value, --x=value, flags and positionals in any order', () => {
    const parsed = parseArgs(
      ['alice', '--email', 'a@example.org', '--name=Alice A', '--json', 'extra'],
      spec,
    );
    assert.deepEqual(parsed.options, { email: 'a@example.org', name: 'Alice A', json: true });
    assert.deepEqual(parsed.positionals, ['alice', 'extra']);
  });

  it('leaves options that were not given undefined', () => {
    assert.deepEqual(parseArgs(['x'], spec).options, {});
  });

  it('keeps an empty value given with =', () => {
    assert.equal(parseArgs(['--name='], spec).options.name, '');
  });

  it('treats everything after -- as positionals', () => {
    assert.deepEqual(parseArgs(['--', '--json', '-x'], spec).positionals, ['--json', '-x']);
  });

  it('refuses unknown long and short options', () => {
    assert.throws(() => parseArgs(['--nope'], spec), new ArgsError('unknown option --nope'));
    assert.throws(() => parseArgs(['--nope=1'], spec), new ArgsError('unknown option --nope'));
    assert.throws(() => parseArgs(['-j'], spec), new ArgsError('unknown option -j'));
    assert.throws(() => parseArgs(['--constructor'], spec), ArgsError);
  });

  it('refuses a string option without a value', () => {
    assert.throws(() => parseArgs(['--email'], spec), new ArgsError('option --email needs a value'));
    assert.throws(
      () => parseArgs(['--email', '--json'], spec),
      new ArgsError('option --email needs a value'),
    );
  });

  it('refuses a value on a flag and an option given twice', () => {
    assert.throws(() => parseArgs(['--json=yes'], spec), new ArgsError('option --json takes no value'));
    assert.throws(
      () => parseArgs(['--json', '--json'], spec),
      new ArgsError('option --json given more than once'),
    );
  });
});
