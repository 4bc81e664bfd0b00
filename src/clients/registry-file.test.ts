import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseRegistration, RegistrationFileError } from './registry-file.js';

const file = 'identifier-registration.yaml';
const issuer = { issuer: 'https://meet.example' };

function parse(text: string, context = issuer) {
  return parseRegistration(text, file, context);
}

/** One client entry from YAML lines (indented under `clients:`); the entry starts on line 2. */
function entry(...lines: string[]): string {
  return ['clients:', ...lines.map((l, i) => (i === 0 ? `  - ${l}` : `    ${l}`))].join('\n') + '\n';
}

function throwsFileError(text: string, pattern: RegExp): void {
  assert.throws(
    () => parse(text),
    (e: unknown) => e instanceof RegistrationFileError && e.messages.some((m) => pattern.test(m)),
  );
}

describe('parseRegistration (konnect-spec §2.1)', () => {
  it('reads the Cloudron Nextcloud entry the way Konnect does', () => {
    const { clients, warnings } = parse(
      entry(
        'id: cloud.example.com',
        'name: Nextcloud',
        'application_type: web',
        'trusted: yes',
        'redirect_uris: [https://cloud.example.com/index.php/apps/sociallogin/custom_oidc/CloudronMeet]',
      ),
    );
    assert.deepEqual(warnings, []);
    assert.equal(clients.length, 1);
    const c = clients[0]!;
    assert.equal(c.id, 'cloud.example.com');
    assert.equal(c.name, 'Nextcloud');
    assert.equal(c.trusted, true);
    assert.equal(c.secret, null);
    assert.deepEqual(c.origins, ['https://cloud.example.com']);
    assert.deepEqual(c.codeChallengeMethods, ['S256']);
    assert.equal(c.source, `${file}:2`);
  });

  it('defaults name to the id, and origins keep the port of the first redirect URI', () => {
    const [c] = parse(
      entry('id: a', 'redirect_uris: ["https://a.example:8443/cb", "https://b.example/cb"]'),
    ).clients;
    assert.equal(c!.name, 'a');
    assert.deepEqual(c!.origins, ['https://a.example:8443']);
  });

  it('keeps explicit origins, all listed fields, and an empty secret as "no secret"', () => {
    const [c] = parse(
      entry(
        'id: 0123',
        'secret: ""',
        'origins: [https://x.example]',
        'redirect_uris: [https://a.example/cb]',
        'post_logout_redirect_uris: [https://a.example/bye]',
        'trusted_scopes: [konnect/guestok]',
        'jwks: { keys: [ { kty: EC, crv: P-256, x: abc, y: def } ] }',
        'request_object_signing_alg: ES256',
        'id_token_signed_response_alg: RS256',
        'userinfo_signed_response_alg: PS256',
        'token_endpoint_auth_method: client_secret_post',
        'token_endpoint_auth_signing_alg: ES256',
        'grant_types: [authorization_code, refresh_token]',
        'contacts: [ops@example.com]',
        'uri: https://a.example/',
      ),
    ).clients;
    assert.equal(c!.id, '0123', 'a numeric-looking id stays as written');
    assert.equal(c!.secret, null);
    assert.deepEqual(c!.origins, ['https://x.example']);
    assert.deepEqual(c!.postLogoutRedirectUris, ['https://a.example/bye']);
    assert.deepEqual(c!.trustedScopes, ['konnect/guestok']);
    assert.equal(c!.jwks?.keys[0]?.['crv'], 'P-256');
    assert.equal(c!.requestObjectSigningAlg, 'ES256');
    assert.equal(c!.idTokenSignedResponseAlg, 'RS256');
    assert.equal(c!.userinfoSignedResponseAlg, 'PS256');
    assert.equal(c!.tokenEndpointAuthMethod, 'client_secret_post');
    assert.equal(c!.tokenEndpointAuthSigningAlg, 'ES256');
    assert.deepEqual(c!.grantTypes, ['authorization_code', 'refresh_token']);
    assert.deepEqual(c!.contacts, ['ops@example.com']);
    assert.equal(c!.uri, 'https://a.example/');
  });

  it('reads YAML 1.1 booleans in any case, and string fields as written', () => {
    const cases: [string, boolean][] = [
      ['yes', true],
      ['Yes', true],
      ['YES', true],
      ['yEs', true],
      ['on', true],
      ['ON', true],
      ['true', true],
      ['True', true],
      ['no', false],
      ['No', false],
      ['off', false],
      ['OFF', false],
      ['false', false],
      ['FALSE', false],
      ['"yes"', true],
    ];
    for (const [text, expected] of cases) {
      const { clients } = parse(
        entry('id: a', `trusted: ${text}`, `insecure: ${text}`, 'redirect_uris: [https://a.example/cb]'),
      );
      assert.equal(clients[0]?.trusted, expected, `trusted: ${text}`);
      assert.equal(clients[0]?.insecure, expected, `insecure: ${text}`);
    }
    const [c] = parse(
      entry('id: yes', 'name: on', 'secret: 0x1F', 'redirect_uris: [https://a.example/cb]'),
    ).clients;
    assert.deepEqual([c!.id, c!.name, c!.secret], ['yes', 'on', '0x1F']);
  });

  it('skips an entry whose boolean is not a boolean, naming the line', () => {
    const { clients, skipped } = parse(
      entry('id: a', 'redirect_uris: [https://a.example/cb]', 'trusted: maybe'),
    );
    assert.equal(clients.length, 0);
    assert.match(skipped[0]!, /:4:14: skipped client "a": trusted must be a boolean/);
  });

  it('warns about an unknown key with its line, and still registers the client', () => {
    const text = [
      '# comment',
      'clients:',
      '  - id: a',
      '    name: A',
      '    redirect_uris:',
      '      - https://a.example/cb',
      '    implicit_trusted: yes',
      '    colour: blue',
    ].join('\n');
    const { clients, warnings, skipped } = parse(text);
    assert.equal(clients.length, 1);
    assert.equal(skipped.length, 0);
    assert.equal(warnings.length, 2);
    assert.match(
      warnings[0]!,
      /^identifier-registration\.yaml:7:5: unknown key "implicit_trusted" in client "a" ignored \(not a Konnect setting/,
    );
    assert.match(warnings[1]!, /:8:5: unknown key "colour"/);
  });

  it('accepts authorities: with one note, and warns about unknown top-level keys', () => {
    const { notes, warnings } = parse('authorities:\n  - name: up\nclients: []\nextra: 1\n');
    assert.equal(notes.length, 1);
    assert.match(notes[0]!, /:1:1: authorities: is accepted and ignored/);
    assert.match(warnings[0]!, /:4:1: unknown top-level key "extra"/);
  });

  it('treats an empty file or an empty clients: as no clients', () => {
    assert.equal(parse('').clients.length, 0);
    assert.equal(parse('# nothing\n').clients.length, 0);
    assert.equal(parse('clients:\n').clients.length, 0);
  });

  it('fails the whole file on a YAML syntax error, with its line', () => {
    throwsFileError(
      'clients:\n  - id: a\n    redirect_uris: [https://a.example/cb\n  - id: b\n',
      /^identifier-registration\.yaml:\d+:\d+: /,
    );
    throwsFileError('clients:\n  - id: a\n\tname: tab\n', /:3:\d+: /);
  });

  it('fails the whole file when clients is not a list, or the file is not a map', () => {
    throwsFileError('clients:\n  id: a\n', /:2:3: clients must be a list/);
    throwsFileError('clients: yes\n', /:1:10: clients must be a list/);
    throwsFileError('- id: a\n', /:1:1: expected a map/);
  });

  it('fails the whole file on duplicate keys in an entry', () => {
    throwsFileError(entry('id: a', 'id: b', 'redirect_uris: [https://a.example/cb]'), /:3:\d+: .*unique/i);
  });

  it('skips the later of two entries with the same id', () => {
    const { clients, skipped } = parse(
      entry('id: a', 'name: first', 'redirect_uris: [https://a.example/cb]') +
        '  - id: a\n    name: second\n    redirect_uris: [https://b.example/cb]\n',
    );
    assert.deepEqual(
      clients.map((c) => c.name),
      ['first'],
    );
    assert.match(
      skipped[0]!,
      /:5:5: skipped client "a": duplicate client id \(first registered at identifier-registration\.yaml:2\)/,
    );
  });

  it('skips entries without an id, or that are not maps, and keeps the rest', () => {
    const text =
      'clients:\n  - name: nameless\n    redirect_uris: [https://a.example/cb]\n  - just-a-string\n  - id: ok\n    redirect_uris: [https://a.example/cb]\n';
    const { clients, skipped } = parse(text);
    assert.deepEqual(
      clients.map((c) => c.id),
      ['ok'],
    );
    assert.match(skipped[0]!, /:2:5: skipped client entry: id is missing/);
    assert.match(skipped[1]!, /:4:5: skipped client entry: not a map/);
  });

  it('skips entries whose fields have the wrong shape', () => {
    const shapes: [string[], RegExp][] = [
      [
        ['id: a', 'redirect_uris: https://a.example/cb'],
        /:3:20: skipped client "a": redirect_uris must be a list/,
      ],
      [
        ['id: a', 'redirect_uris: [https://a.example/cb]', 'application_type: spa'],
        /:4:23: .*application_type must be web or native, not "spa"/,
      ],
      [
        ['id: a', 'redirect_uris: [https://a.example/cb]', 'name: [x]'],
        /:4:11: .*name must be a single value/,
      ],
      [['id: a', 'redirect_uris: [https://a.example/cb]', 'jwks: [x]'], /:4:11: .*jwks must be a JWK set/],
      [
        ['id: a', 'redirect_uris: [https://a.example/cb]', 'code_challenge_methods: [S256, S512]'],
        /:4:36: .*"S512" is not S256 or plain/,
      ],
    ];
    for (const [lines, pattern] of shapes) {
      const { clients, skipped } = parse(entry(...lines));
      assert.equal(clients.length, 0, lines.join('; '));
      assert.match(skipped[0]!, pattern);
    }
  });

  it('allows plain PKCE only when listed', () => {
    const [c] = parse(
      entry('id: a', 'redirect_uris: [https://a.example/cb]', 'code_challenge_methods: [plain]'),
    ).clients;
    assert.deepEqual(c!.codeChallengeMethods, ['S256', 'plain']);
  });

  it('refuses a billion-laughs file at once instead of expanding its aliases', () => {
    // Nine levels of nine aliases each: 9^9 ≈ 387 million values if expanded.
    let text = 'lol: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n';
    for (let level = 1; level <= 9; level++) {
      text += `l${level}: &l${level} [${Array(9)
        .fill(`*l${level - 1}`)
        .join(', ')}]\n`;
    }
    text += entry('id: a', 'redirect_uris: [https://a.example/cb]', 'jwks: { keys: [*l9] }');
    const started = performance.now();
    throwsFileError(text, /^identifier-registration\.yaml:2:\d+: YAML aliases expand this file too far/);
    assert.ok(performance.now() - started < 1000, 'refused within a second');
  });

  it('accepts a file that shares a value through a few aliases', () => {
    const text =
      'shared: &cb https://a.example/cb\n' +
      'clients:\n' +
      Array.from({ length: 50 }, (_, i) => `  - { id: c${i}, uri: *cb }\n`).join('');
    assert.doesNotThrow(() => parse(text));
  });
});
