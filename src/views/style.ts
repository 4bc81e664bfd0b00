import { createHash } from 'node:crypto';
import { darkPalette, lightPalette, paletteVariables } from './theme.js';

/** Where the app serves {@link css}; cache it for a long time, the href carries the version. */
export const cssPath = '/signin/v1/static/sesame.css';

/**
 * The one stylesheet of all pages. Centred card on wide screens, full width below 480px,
 * system fonts, AA contrast (see theme.ts), visible focus, dark mode through
 * `prefers-color-scheme`, 48px tap targets. Contains no `url()` — the CSP allows no images
 * or fonts.
 */
export const css = `:root {
  color-scheme: light dark;
  ${paletteVariables(lightPalette)}
  --radius: 10px;
  --font: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif;
  --mono: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace;
}
@media (prefers-color-scheme: dark) {
  :root { ${paletteVariables(darkPalette)} }
}
*, *::before, *::after { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body {
  margin: 0; min-height: 100vh; min-height: 100dvh;
  display: flex; flex-direction: column; align-items: center;
  padding: clamp(24px, 10vh, 96px) 16px 32px;
  background: var(--canvas); color: var(--text);
  font: 400 16px/1.5 var(--font);
}
.card {
  width: 100%; max-width: 416px; padding: 36px 40px 32px;
  background: var(--surface); border: 1px solid var(--border); border-radius: 16px;
  box-shadow: 0 1px 2px rgb(16 24 40 / 0.04), 0 12px 32px -8px rgb(16 24 40 / 0.12);
}
.brand { display: flex; align-items: center; gap: 8px; margin: 0 0 28px; color: var(--text); font-weight: 600; font-size: 15px; letter-spacing: 0.01em; }
.brand svg { width: 28px; height: 28px; flex: none; }
.brand-logo { display: block; height: 28px; width: auto; max-width: 160px; flex: none; object-fit: contain; }
.link-row { margin: -6px 0 0; font-size: 14px; }
a { color: var(--primary); text-underline-offset: 2px; }
.site-links { display: flex; gap: 20px; justify-content: center; margin: 20px 0 0; font-size: 14px; }
.site-links a { color: var(--muted); }
pre { margin: 0 0 16px; padding: 10px 12px; font-family: var(--mono); font-size: 13px; white-space: pre-wrap; overflow-wrap: anywhere; background: var(--subtle); border: 1px solid var(--border); border-radius: 6px; }
dl.fields { margin: 0 0 16px; }
dl.fields dt { font-size: 14px; font-weight: 600; }
dl.fields dd { margin: 0 0 10px; overflow-wrap: anywhere; }
.brand .mark-bg { fill: var(--primary); }
.brand .mark-fg { fill: none; stroke: var(--on-primary); stroke-width: 2.2; stroke-linecap: round; stroke-linejoin: round; }
h1 { margin: 0 0 6px; font-size: 24px; line-height: 1.3; font-weight: 650; letter-spacing: -0.01em; overflow-wrap: anywhere; }
.lead { margin: 0 0 24px; color: var(--muted); overflow-wrap: anywhere; }
p { margin: 0 0 16px; overflow-wrap: anywhere; }
.muted { color: var(--muted); }
.small { font-size: 14px; }
form { margin: 0; }
.field { margin: 0 0 18px; }
label { display: block; margin: 0 0 6px; font-size: 14px; font-weight: 600; }
input[type="text"], input[type="password"] {
  display: block; width: 100%; min-height: 48px; padding: 10px 14px;
  font: inherit; font-size: 16px; color: var(--text); background: var(--surface);
  border: 1px solid var(--control); border-radius: var(--radius);
  transition: border-color 0.15s, box-shadow 0.15s;
}
input[type="text"]:hover, input[type="password"]:hover { border-color: var(--text); }
input:focus { outline: none; border-color: var(--focus); box-shadow: 0 0 0 3px var(--focus); }
input[aria-invalid="true"] { border-color: var(--danger-text); }
.actions { display: flex; flex-direction: column; gap: 12px; margin-top: 24px; }
.button {
  display: inline-flex; align-items: center; justify-content: center; width: 100%; min-height: 48px;
  padding: 10px 20px; margin: 0; font: inherit; font-weight: 600; line-height: 1.25; text-align: center;
  border-radius: var(--radius); border: 1px solid transparent; cursor: pointer; overflow-wrap: anywhere;
  transition: background-color 0.15s, border-color 0.15s;
}
.button-primary { background: var(--primary); color: var(--on-primary); border-color: var(--primary); }
.button-primary:hover { background: var(--primary-hover); border-color: var(--primary-hover); }
.button-secondary { background: var(--surface); color: var(--text); border-color: var(--control); }
.button-secondary:hover { background: var(--subtle); }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
input:focus-visible { outline: none; }
.alert {
  display: flex; gap: 10px; align-items: flex-start; margin: 0 0 20px; padding: 12px 14px;
  background: var(--danger-bg); color: var(--danger-text);
  border: 1px solid var(--danger-border); border-radius: var(--radius); font-size: 15px;
}
.alert svg { width: 20px; height: 20px; flex: none; margin-top: 1px; fill: none; stroke: currentColor; stroke-width: 2; stroke-linecap: round; }
.alert p { margin: 0; }
.account {
  display: flex; align-items: center; gap: 12px; margin: 0 0 20px; padding: 12px 14px;
  background: var(--subtle); border: 1px solid var(--border); border-radius: var(--radius);
}
.avatar {
  display: inline-flex; align-items: center; justify-content: center; flex: none;
  width: 40px; height: 40px; border-radius: 50%;
  background: var(--avatar-bg); color: var(--avatar-text); font-weight: 650; font-size: 17px;
}
h1 + .account { margin-top: 20px; }
.account-text { min-width: 0; }
.account-name { display: block; font-weight: 600; overflow-wrap: anywhere; }
.account-id { display: block; color: var(--muted); font-size: 14px; overflow-wrap: anywhere; }
.scopes { list-style: none; margin: 0 0 20px; padding: 0; border-top: 1px solid var(--border); }
.scopes li { position: relative; padding: 12px 0 12px 32px; border-bottom: 1px solid var(--border); overflow-wrap: anywhere; }
.scopes li::before {
  content: ""; position: absolute; left: 7px; top: 16px; width: 6px; height: 11px;
  border: solid var(--primary); border-width: 0 2px 2px 0; transform: rotate(45deg);
}
.icon-circle {
  display: flex; align-items: center; justify-content: center; width: 48px; height: 48px;
  margin: 0 0 20px; border-radius: 50%; background: var(--avatar-bg); color: var(--avatar-text);
}
.icon-circle svg { width: 24px; height: 24px; fill: none; stroke: currentColor; stroke-width: 2; stroke-linecap: round; stroke-linejoin: round; }
.icon-circle.danger { background: var(--danger-bg); color: var(--danger-text); }
code { font-family: var(--mono); font-size: 13px; padding: 2px 6px; background: var(--subtle); border: 1px solid var(--border); border-radius: 6px; overflow-wrap: anywhere; }
.meta { margin: 24px 0 0; padding-top: 16px; border-top: 1px solid var(--border); color: var(--muted); font-size: 14px; }
.meta p { margin: 0; }
.section { margin: 28px 0 0; padding-top: 20px; border-top: 1px solid var(--border); }
h2 { margin: 0 0 12px; font-size: 18px; line-height: 1.35; font-weight: 650; overflow-wrap: anywhere; }
.notice {
  display: flex; gap: 10px; align-items: flex-start; margin: 0 0 20px; padding: 12px 14px;
  background: var(--subtle); color: var(--text); border: 1px solid var(--border); border-radius: var(--radius); font-size: 15px;
}
.notice svg { width: 20px; height: 20px; flex: none; margin-top: 1px; fill: none; stroke: currentColor; stroke-width: 2; stroke-linecap: round; }
.notice p { margin: 0; }
.apps { list-style: none; margin: 0; padding: 0; }
.app { padding: 14px 0; border-bottom: 1px solid var(--border); }
.app:first-child { padding-top: 0; }
.app-name { margin: 0 0 4px; font-weight: 600; overflow-wrap: anywhere; }
.app-scopes { margin: 0 0 12px; padding-left: 20px; color: var(--muted); font-size: 14px; }
.app .actions { margin-top: 0; }
@media (max-width: 480px) {
  body { padding: 0; background: var(--surface); }
  .card { max-width: none; min-height: 100vh; min-height: 100dvh; padding: 28px 20px 24px; border: 0; border-radius: 0; box-shadow: none; }
}
@media (prefers-reduced-motion: reduce) {
  * { transition: none !important; }
}
@media (forced-colors: active) {
  .button, .alert, .notice, .account { border: 1px solid CanvasText; }
  :focus-visible { outline-color: Highlight; }
}
`;

/** Content hash of {@link css}; changes whenever the stylesheet does. */
export const cssVersion = createHash('sha256').update(css).digest('hex').slice(0, 12);

/** The stylesheet link target, versioned so browsers never use a stale copy. */
export const cssHref = `${cssPath}?v=${cssVersion}`;

/** Where the app serves {@link accentCss} when `branding.accent_color` is set. */
export const accentCssPath = '/signin/v1/static/accent.css';

/**
 * The stylesheet that replaces the primary colour with an operator's accent (`#rrggbb`), in
 * light and dark mode, with button text black or white, whichever contrasts more. A stylesheet
 * of its own rather than inline style, which the pages' CSP forbids.
 * @throws TypeError when `accent` is not `#rrggbb` (config/schema.ts checks it first).
 */
export function accentCss(accent: string): string {
  if (!/^#[0-9a-f]{6}$/i.test(accent)) throw new TypeError(`accent colour ${accent} is not #rrggbb`);
  const color = accent.toLowerCase();
  const onPrimary = contrast(color, '#ffffff') >= contrast(color, '#000000') ? '#ffffff' : '#000000';
  const hover = mix(color, onPrimary === '#ffffff' ? '#000000' : '#ffffff', 0.15);
  const vars = `--primary: ${color}; --primary-hover: ${hover}; --on-primary: ${onPrimary}; --focus: ${color};`;
  return `:root { ${vars} }\n@media (prefers-color-scheme: dark) {\n  :root { ${vars} }\n}\n`;
}

/** The accent stylesheet's link target, versioned by the colour. */
export function accentCssHref(accent: string): string {
  return `${accentCssPath}?v=${accent.slice(1).toLowerCase()}`;
}

function channels(hex: string): [number, number, number] {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
}

/** WCAG 2.x relative luminance contrast ratio. */
function contrast(a: string, b: string): number {
  const luminance = (hex: string) => {
    const [r, g, b] = channels(hex).map((c) => {
      const s = c / 255;
      return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    }) as [number, number, number];
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

function mix(a: string, b: string, weight: number): string {
  const [ca, cb] = [channels(a), channels(b)];
  return `#${ca
    .map((c, i) =>
      Math.round(c * (1 - weight) + (cb[i] ?? 0) * weight)
        .toString(16)
        .padStart(2, '0'),
    )
    .join('')}`;
}
