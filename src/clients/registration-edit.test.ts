import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseRegistration } from './registry-file.js';
import { addClientEntry, entryIds, RegistrationEditError, removeClientEntries } from './registration-edit.js';

const entry = {
  id: 'new',
  name: 'yes',
  secret: '-starts-with-a-dash_0123456789',
  trusted: true,
  redirect_uris: ['https://new.example.com/cb'],
};

function clientsOf(text: string) {
  return parseRegistration(text, 'test.yaml', { issuer: 'https://id.example.com' }).clients;
}

describe('addClientEntry', () => {
  it('appends after the last entry, indented like the others, touching nothing else', () => {
    const text = 'clients:\n- id: a   # first\n  secret: 0123\n  redirect_uris: [https://a.example.com/cb]\n';
    const after = addClientEntry(text, entry, 'added');
    assert.ok(after.startsWith(text));
    assert.equal(
      after.slice(text.length),
      '# added\n- id: new\n  name: "yes"\n  secret: -starts-with-a-dash_0123456789\n  trusted: true\n  redirect_uris:\n  - https://new.example.com/cb\n',
    );
    const [a, added] = clientsOf(after);
    assert.equal(a?.secret, '0123', 'a YAML 1.1 octal-looking secret stays as written');
    assert.equal(added?.name, 'yes', 'a name YAML 1.1 would read as a boolean stays a string');
    assert.equal(added?.secret, entry.secret);
  });

  it('fills an empty flow list, a key without a value, and a file without the key', () => {
    for (const text of ['clients: []  # none yet\n', 'clients:\n# none yet\n', '# none yet\n', '']) {
      const after = addClientEntry(text, entry, 'added');
      assert.deepEqual(
        clientsOf(after).map((c) => c.id),
        ['new'],
        text,
      );
      if (text !== '') assert.match(after, /# none yet/);
    }
  });

  it('keeps other top-level keys where they are', () => {
    const text =
      'authorities: []   # not used\nclients:\n  - id: a\n    secret: s\n    redirect_uris: [https://a.example.com/cb]\nextra: 1\n';
    const after = addClientEntry(text, entry, 'added');
    assert.match(after, /^authorities: \[\] {3}# not used\n/);
    assert.match(after, /\nextra: 1\n$/);
    assert.deepEqual(
      clientsOf(after).map((c) => c.id),
      ['a', 'new'],
    );
  });

  it('re-renders a flow list with entries through the Document API, comments kept', () => {
    const text = '# head\nclients: [{id: a, secret: s, redirect_uris: [https://a.example.com/cb]}] # flow\n';
    const after = addClientEntry(text, entry, 'added');
    assert.match(after, /^# head\n/);
    assert.match(after, /# flow/);
    assert.deepEqual(
      clientsOf(after).map((c) => c.id),
      ['a', 'new'],
    );
  });

  it('refuses a file that is not a registration file', () => {
    assert.throws(() => addClientEntry('clients: {a: 1}\n', entry, 'x'), RegistrationEditError);
    assert.throws(() => addClientEntry('- a\n', entry, 'x'), RegistrationEditError);
    assert.throws(() => addClientEntry('clients: [\n', entry, 'x'), /line \d+, column \d+/);
  });
});

describe('removeClientEntries', () => {
  const text = [
    '# Clients.',
    'clients:',
    '  # About a.',
    '  - id: a',
    '    secret: s',
    '    redirect_uris: [https://a.example.com/cb]',
    '',
    '  # Separate note.',
    '',
    '  # About b.',
    '  - id: b',
    '    secret: s',
    '    redirect_uris:',
    '      - https://b.example.com/cb',
    '  - id: c   # c',
    '    secret: s',
    '    redirect_uris: [https://c.example.com/cb]',
    '# Tail.',
    '',
  ].join('\n');

  it('cuts the entry and the comment lines right above it, nothing else', () => {
    const { text: after, removed } = removeClientEntries(text, 'b');
    assert.equal(removed, 1);
    assert.equal(
      after,
      text.replace(
        '  # About b.\n  - id: b\n    secret: s\n    redirect_uris:\n      - https://b.example.com/cb\n',
        '',
      ),
    );
    assert.deepEqual(
      clientsOf(after).map((c) => c.id),
      ['a', 'c'],
    );
  });

  it('removes the first and the last entries as cleanly', () => {
    const first = removeClientEntries(text, 'a').text;
    assert.ok(first.startsWith('# Clients.\nclients:\n\n  # Separate note.\n'));
    const last = removeClientEntries(text, 'c').text;
    assert.ok(last.endsWith('      - https://b.example.com/cb\n# Tail.\n'));
  });

  it('removes every entry with the id, and nothing when there is none', () => {
    const twice = `${text}  - id: a\n    secret: t\n    redirect_uris: [https://a.example.com/cb]\n`.replace(
      '# Tail.\n',
      '',
    );
    assert.equal(removeClientEntries(twice, 'a').removed, 2);
    assert.deepEqual(removeClientEntries(text, 'zzz'), { text, removed: 0 });
  });

  it('finds ids as written, including entries the loader would skip', () => {
    assert.deepEqual(
      entryIds('clients:\n  - id: 0123\n  - id: x\n    redirect_uris: [http://x]\n  - name: no id\n'),
      ['0123', 'x'],
    );
    assert.deepEqual(entryIds(''), []);
  });
});
