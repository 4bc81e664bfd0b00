/**
 * The colour palettes behind the stylesheet. Kept as data so a test can check every
 * text/background pair against WCAG 2.x AA (4.5:1 for text, 3:1 for UI boundaries).
 */
export interface Palette {
  /** Page background behind the card. */
  readonly canvas: string;
  /** Card and input background. */
  readonly surface: string;
  /** Subtle fill (account tile, code). */
  readonly subtle: string;
  readonly text: string;
  readonly muted: string;
  /** Decorative borders (card, dividers); not a required contrast boundary. */
  readonly border: string;
  /** Input and secondary-button borders: must reach 3:1 against surface. */
  readonly control: string;
  readonly primary: string;
  readonly primaryHover: string;
  readonly onPrimary: string;
  /** Focus outline: must reach 3:1 against surface and canvas. */
  readonly focus: string;
  readonly dangerBg: string;
  readonly dangerBorder: string;
  readonly dangerText: string;
  readonly avatarBg: string;
  readonly avatarText: string;
}

export const lightPalette: Palette = {
  canvas: '#f2f4f7',
  surface: '#ffffff',
  subtle: '#f6f7f9',
  text: '#161a21',
  muted: '#535b68',
  border: '#e1e4e9',
  control: '#868e9a',
  primary: '#1f4fd6',
  primaryHover: '#1a42b4',
  onPrimary: '#ffffff',
  focus: '#1f4fd6',
  dangerBg: '#fdeeee',
  dangerBorder: '#f1b8b8',
  dangerText: '#9a1b1b',
  avatarBg: '#e3ebff',
  avatarText: '#1a3c9e',
};

export const darkPalette: Palette = {
  canvas: '#0d1015',
  surface: '#161a21',
  subtle: '#1d222b',
  text: '#e8eaef',
  muted: '#a2aab7',
  border: '#2a303b',
  control: '#6f7886',
  primary: '#8cb0ff',
  primaryHover: '#a9c4ff',
  onPrimary: '#0a1633',
  focus: '#9dbcff',
  dangerBg: '#34161a',
  dangerBorder: '#6f2b31',
  dangerText: '#ffbcbc',
  avatarBg: '#243457',
  avatarText: '#cfdcff',
};

/** The palette as CSS custom property declarations (`--canvas: #…;`). */
export function paletteVariables(palette: Palette): string {
  return Object.entries(palette)
    .map(([name, value]) => `--${name.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())}: ${value};`)
    .join(' ');
}
