import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseRegistration } from './registry-file.js';

const file = 'identifier-registration.yaml';
const issuer = { issuer: 'https://meet.example' };
const devIssuer = { issuer: 'http://localhost:8777' };

function parse(text: string, context = issuer) {
  return parseRegistration(text, file, context);
}

/** One client entry from YAML lines (indented under `clients:`); the entry starts on line 2. */
function entry(...lines: string[]): string {
  return ['clients:', ...lines.map((l, i) => (i === 0 ? `  - ${l}` : `    ${l}`))].join('\n') + '\n';
}

describe('registration rules for redirect URIs (konnect-spec §2.1)', () => {
  type Rule = [what: string, lines: string[], refused: RegExp | null, context?: { issuer: string }];
  const rules: Rule[] = [
    ['web https', ['id: a', 'redirect_uris: [https://a.example/cb]'], null],
    ['web http refused', ['id: a', 'redirect_uris: [http://a.example/cb]'], /:3:21: .*must use https unless/],
    ['web http when insecure', ['id: a', 'insecure: yes', 'redirect_uris: [http://a.example/cb]'], null],
    [
      'web without redirect URIs',
      ['id: a'],
      /:2:5: skipped client "a": redirect_uris is required unless insecure/,
    ],
    ['web insecure without redirect URIs', ['id: a', 'insecure: yes'], null],
    [
      "web fragment (Kopano Meet's #oidc-callback)",
      ['id: a', 'redirect_uris: ["https://a.example/meet/#oidc-callback"]'],
      null,
    ],
    ['web custom scheme', ['id: a', 'redirect_uris: ["my://app/cb"]'], /must use https \(or http/],
    [
      'web javascript',
      ['id: a', 'insecure: yes', 'redirect_uris: ["javascript:alert(1)"]'],
      /javascript: scheme/,
    ],
    ['web not a URL', ['id: a', 'redirect_uris: ["/cb"]'], /is not an absolute URI/],
    ['web userinfo', ['id: a', 'redirect_uris: ["https://a.example@evil.example/cb"]'], /user information/],
    [
      'web localhost https (Konnect refuses only http there)',
      ['id: a', 'redirect_uris: [https://localhost/cb]'],
      null,
    ],
    [
      'web localhost http, insecure, https issuer',
      ['id: a', 'insecure: yes', 'redirect_uris: [http://localhost/cb]'],
      /loopback host .*unless the issuer/,
    ],
    [
      'web 127.0.0.1 insecure, https issuer',
      ['id: a', 'insecure: yes', 'redirect_uris: ["http://127.0.0.1:3000/cb"]'],
      /loopback host .*unless the issuer/,
    ],
    ['web [::1] https', ['id: a', 'redirect_uris: ["https://[::1]/cb"]'], null],
    [
      'dev allowance: localhost',
      ['id: a', 'insecure: yes', 'redirect_uris: ["http://localhost:3000/cb"]'],
      null,
      devIssuer,
    ],
    [
      'dev allowance: 127.0.0.1',
      ['id: a', 'insecure: yes', 'redirect_uris: ["http://127.0.0.1:3000/cb"]'],
      null,
      devIssuer,
    ],
    [
      'dev allowance needs insecure',
      ['id: a', 'redirect_uris: ["http://localhost:3000/cb"]'],
      /must use https/,
      devIssuer,
    ],
    [
      'dev allowance needs an http issuer',
      ['id: a', 'insecure: yes', 'redirect_uris: ["http://localhost:3000/cb"]'],
      /loopback/,
      { issuer: 'https://localhost:8777' },
    ],
    [
      'native loopback http',
      [
        'id: a',
        'application_type: native',
        'redirect_uris: ["http://127.0.0.1/cb", "http://[::1]/cb", "http://localhost/cb"]',
      ],
      null,
    ],
    [
      'native custom schemes',
      ['id: a', 'application_type: native', 'redirect_uris: ["com.example.app:/cb", "my://app"]'],
      null,
    ],
    [
      'native https refused',
      ['id: a', 'application_type: native', 'redirect_uris: ["https://a.example/cb"]'],
      /must not use https for a native/,
    ],
    [
      'native http elsewhere',
      ['id: a', 'application_type: native', 'redirect_uris: ["http://a.example/cb"]'],
      /must use a loopback host/,
    ],
    ['native fragment', ['id: a', 'application_type: native', 'redirect_uris: ["my://app#x"]'], null],
    [
      'post-logout checked too',
      [
        'id: a',
        'redirect_uris: [https://a.example/cb]',
        'post_logout_redirect_uris: ["http://a.example/bye"]',
      ],
      /:4:33: .*post_logout_redirect_uris: "http:\/\/a\.example\/bye" must use https/,
    ],
  ];
  for (const [what, lines, refused, context] of rules) {
    it(`${what}: ${refused === null ? 'registered' : 'skipped'}`, () => {
      const { clients, skipped } = parse(entry(...lines), context ?? issuer);
      if (refused === null) {
        assert.deepEqual(skipped, []);
        assert.equal(clients.length, 1);
      } else {
        assert.equal(clients.length, 0);
        assert.match(skipped[0] ?? '', refused);
      }
    });
  }
});
