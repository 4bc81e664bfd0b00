import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { css, cssHref, cssPath, cssVersion } from './style.js';
import { darkPalette, lightPalette, type Palette } from './theme.js';

/** WCAG 2.x relative luminance of a #rrggbb colour. */
function luminance(hex: string): number {
  const channels = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255);
  const [r = 0, g = 0, b = 0] = channels.map((c) =>
    c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4,
  );
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

function checkPalette(p: Palette): void {
  const text: [keyof Palette, keyof Palette][] = [
    ['text', 'surface'],
    ['text', 'canvas'],
    ['text', 'subtle'],
    ['muted', 'surface'],
    ['muted', 'subtle'],
    ['onPrimary', 'primary'],
    ['onPrimary', 'primaryHover'],
    ['dangerText', 'dangerBg'],
    ['avatarText', 'avatarBg'],
  ];
  for (const [fg, bg] of text) {
    assert.ok(contrast(p[fg], p[bg]) >= 4.5, `${fg} on ${bg}: ${contrast(p[fg], p[bg]).toFixed(2)}`);
  }
  const ui: [keyof Palette, keyof Palette][] = [
    ['control', 'surface'],
    ['focus', 'surface'],
    ['focus', 'canvas'],
    ['primary', 'surface'],
  ];
  for (const [fg, bg] of ui) {
    assert.ok(contrast(p[fg], p[bg]) >= 3, `${fg} on ${bg}: ${contrast(p[fg], p[bg]).toFixed(2)}`);
  }
}

describe('stylesheet', () => {
  it('meets WCAG AA contrast in the light palette', () => checkPalette(lightPalette));
  it('meets WCAG AA contrast in the dark palette', () => checkPalette(darkPalette));

  it('supports dark mode, focus outlines and phones', () => {
    assert.match(css, /@media \(prefers-color-scheme: dark\)/);
    assert.match(css, /:focus-visible \{ outline: 3px solid/);
    assert.match(css, /@media \(max-width: 480px\)/);
  });

  it('loads nothing the CSP would block', () => {
    assert.doesNotMatch(css, /url\(|@import/);
  });

  it('is versioned by content for cache-busting', () => {
    assert.match(cssVersion, /^[0-9a-f]{12}$/);
    assert.equal(cssHref, `${cssPath}?v=${cssVersion}`);
    assert.equal(cssPath, '/signin/v1/static/sesame.css');
  });
});

describe('accent stylesheet', () => {
  it('sets the primary colour, with readable button text, in light and dark mode', async () => {
    const { accentCss, accentCssHref } = await import('./style.js');
    const dark = accentCss('#1F4FD6');
    assert.match(dark, /--primary: #1f4fd6;.*--on-primary: #ffffff;/);
    assert.match(dark, /prefers-color-scheme: dark/);
    assert.match(accentCss('#ffd400'), /--on-primary: #000000;/);
    assert.equal(accentCssHref('#FFD400'), '/signin/v1/static/accent.css?v=ffd400');
    assert.throws(() => accentCss('red; } body { x: y'), TypeError);
  });
});
