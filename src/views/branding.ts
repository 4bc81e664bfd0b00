/**
 * What an operator's `branding` config changes on the pages, in the form the pages use: the
 * product name, where the logo and the accent stylesheet are served, and optional links.
 * Every URL here is an absolute http(s) URL or one of Sesame's own paths (config/schema.ts).
 */
export interface Branding {
  /** Shown in titles and the card header. */
  readonly productName: string;
  /** The logo's URL on Sesame, shown as an `<img>`; null: Sesame's mark. */
  readonly logoHref: string | null;
  /** The stylesheet that sets the accent colour, loaded after the main one; null: none. */
  readonly accentHref: string | null;
  /** "Forgot password?" on the sign-in page; null: no link. */
  readonly forgotPasswordUrl: string | null;
  /** Footer links; null: not shown. */
  readonly imprintUrl: string | null;
  readonly privacyUrl: string | null;
}

/** Sesame's own look: no logo, no accent, no links. */
export const defaultBranding: Branding = {
  productName: 'Sesame',
  logoHref: null,
  accentHref: null,
  forgotPasswordUrl: null,
  imprintUrl: null,
  privacyUrl: null,
};
