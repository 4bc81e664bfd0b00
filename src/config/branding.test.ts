import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError } from './errors.js';
import { loadConfig } from './load.js';
import { LOGO_MAX_BYTES } from './logo.js';
import { tempDir } from './test-helpers.js';

const svg =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10"/></svg>';

function problemsOf(
  yaml: string,
  files: Record<string, string> = {},
  env: Record<string, string> = {},
): string[] {
  const dir = tempDir({ 'sesame.yaml': yaml, ...files });
  try {
    loadConfig({ file: join(dir, 'sesame.yaml'), env, cwd: dir });
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.problems;
  }
  assert.fail('expected a ConfigError');
}

describe('branding config', () => {
  it('reads product name, logo, accent colour and links, the logo relative to the file', () => {
    const dir = tempDir({ 'sesame.yaml': '', 'brand/logo.svg': svg });
    writeFileSync(
      join(dir, 'sesame.yaml'),
      [
        'branding:',
        '  product_name: Example Cloud',
        '  logo: brand/logo.svg',
        "  accent_color: '#AA3300'",
        '  forgot_password_url: https://accounts.example.com/reset',
        '  imprint_url: https://example.com/imprint',
        '  privacy_url: https://example.com/privacy',
      ].join('\n'),
    );
    const { config } = loadConfig({ file: join(dir, 'sesame.yaml'), env: {}, cwd: dir });
    assert.deepEqual(config.branding, {
      productName: 'Example Cloud',
      logo: join(dir, 'brand/logo.svg'),
      accentColor: '#aa3300',
      forgotPasswordUrl: 'https://accounts.example.com/reset',
      imprintUrl: 'https://example.com/imprint',
      privacyUrl: 'https://example.com/privacy',
    });
  });

  it('defaults to Sesame with no logo, colour or links', () => {
    const dir = tempDir({ 'sesame.yaml': '' });
    const { config } = loadConfig({ file: join(dir, 'sesame.yaml'), env: {}, cwd: dir });
    assert.deepEqual(config.branding, {
      productName: 'Sesame',
      logo: null,
      accentColor: null,
      forgotPasswordUrl: null,
      imprintUrl: null,
      privacyUrl: null,
    });
  });

  it('is set from SESAME_BRANDING_* variables too', () => {
    const dir = tempDir({ 'sesame.yaml': '' });
    const { config } = loadConfig({
      file: join(dir, 'sesame.yaml'),
      env: {
        SESAME_BRANDING_PRODUCT_NAME: 'Env Cloud',
        SESAME_BRANDING_FORGOT_PASSWORD_URL: 'https://x.example/r',
      },
      cwd: dir,
    });
    assert.equal(config.branding?.productName, 'Env Cloud');
    assert.equal(config.branding?.forgotPasswordUrl, 'https://x.example/r');
  });

  it('refuses javascript: and relative URLs, a bad colour and a missing or wrong logo, each at its line', () => {
    const problems = problemsOf(
      [
        'branding:',
        "  accent_color: 'blue'",
        '  forgot_password_url: javascript:alert(1)',
        '  imprint_url: /imprint',
        '  logo: logo.png',
        '  privacy_url: https://example.com/privacy',
      ].join('\n'),
      { 'logo.png': svg },
    );
    const text = problems.join('\n');
    assert.match(text, /sesame\.yaml:2:\d+: branding\.accent_color: "blue" is not a colour such as #1f4fd6/);
    assert.match(
      text,
      /:3:\d+: branding\.forgot_password_url: "javascript:alert\(1\)" is not an absolute http\(s\) URL/,
    );
    assert.match(text, /:4:\d+: branding\.imprint_url: "\/imprint" is not an absolute http\(s\) URL/);
    assert.match(text, /:5:\d+: branding\.logo: .*logo\.png is not a png image/);
    assert.equal(problems.length, 4);
  });

  it('refuses a logo of another type or too large', () => {
    assert.match(
      problemsOf('branding:\n  logo: logo.gif\n', { 'logo.gif': 'GIF89a' }).join(),
      /must be a \.png, \.svg/,
    );
    assert.match(
      problemsOf('branding:\n  logo: big.svg\n', { 'big.svg': svg + ' '.repeat(LOGO_MAX_BYTES) }).join(),
      /a logo may have at most/,
    );
    assert.match(problemsOf('branding:\n  logo: gone.svg\n').join(), /file not found/);
  });
});
