import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseScopeDefinitions } from './scopes-file.js';
import { RegistrationFileError } from './registration-error.js';

describe('identifier-scopes.yaml (konnect-spec §2.6)', () => {
  it('reads scope definitions, their descriptions and priorities, and the display mapping', () => {
    const parsed = parseScopeDefinitions(
      [
        'mapping:',
        '  kopano/gc: basic',
        'scopes:',
        '  kopano/kwm:',
        '    description: "Use the video meeting server"',
        '    priority: 5',
        '  kopano/gc: {}',
        'colour: blue',
        '',
      ].join('\n'),
      'scopes.yaml',
    );
    assert.deepEqual(parsed.scopes, [
      { id: 'kopano/kwm', description: 'Use the video meeting server', priority: 5 },
      { id: 'kopano/gc', description: null, priority: 0 },
    ]);
    assert.equal(parsed.mapping.get('kopano/gc'), 'basic');
    assert.deepEqual(parsed.warnings, ['scopes.yaml:8:1: unknown key colour; ignored']);
  });

  it('refuses a broken file, naming the line', () => {
    assert.throws(
      () => parseScopeDefinitions('scopes:\n  a: [oops\n', 'scopes.yaml'),
      (error: unknown) =>
        error instanceof RegistrationFileError && /scopes\.yaml:\d+/.test(error.messages[0] ?? ''),
    );
    assert.throws(() => parseScopeDefinitions('scopes: [a, b]\n', 'scopes.yaml'), /scopes must be a mapping/);
  });

  it('skips a scope whose name has characters a scope may not have', () => {
    const parsed = parseScopeDefinitions('scopes:\n  "bad scope": {}\n  good: {}\n', 'scopes.yaml');
    assert.deepEqual(
      parsed.scopes.map((s) => s.id),
      ['good'],
    );
    assert.match(parsed.warnings[0] ?? '', /scopes\.yaml:2:\d+: "bad scope" is not a valid scope name/);
  });

  it('accepts an empty file', () => {
    assert.deepEqual(parseScopeDefinitions('', 'scopes.yaml').scopes, []);
  });
});
