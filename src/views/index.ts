export { html, raw, escapeHtml, SafeHtml, type HtmlValue } from './html.js';
export * from './i18n/index.js';
export { css, cssHref, cssPath, cssVersion, accentCss, accentCssHref, accentCssPath } from './style.js';
export { lightPalette, darkPalette, type Palette } from './theme.js';
export { layout, productName, type LayoutProps } from './layout.js';
export { defaultBranding, type Branding } from './branding.js';
export { formFields } from './parts.js';
export { signInPage, type SignInProps, type SignInError } from './pages/sign-in.js';
export { consentPage, scopeDescription, type ConsentProps, type ConsentScope } from './pages/consent.js';
export { chooseAccountPage, type ChooseAccountProps } from './pages/choose-account.js';
export { signOutConfirmPage, type SignOutConfirmProps } from './pages/sign-out-confirm.js';
export { signedOutPage, type SignedOutProps } from './pages/signed-out.js';
export {
  accountPage,
  type AccountProps,
  type AccountApp,
  type AccountNotice,
  type PasswordFormError,
  type PasswordSection,
} from './pages/account.js';
export { errorPage, type ErrorPageProps } from './pages/error.js';
export { errorSentence, errorSentenceKey } from './pages/error-sentence.js';
export { demoCallbackPage, type DemoCallbackProps } from './pages/demo-callback.js';
export { formPostPage, type FormPostProps } from './pages/form-post.js';
