import { html, raw, type SafeHtml } from './html.js';

/**
 * Names of the fields the pages post. The sign-in, consent and end-session handlers parse
 * exactly these.
 */
export const formFields = {
  csrf: 'csrf',
  interaction: 'interaction',
  username: 'username',
  password: 'password',
  /** Consent: `allow` | `deny`; account chooser: `continue` | `switch`. */
  decision: 'decision',
} as const;

/** The brand mark: a rounded square with a keyhole. Decorative. */
export const brandMark = raw(
  '<svg viewBox="0 0 28 28" aria-hidden="true" focusable="false">' +
    '<rect class="mark-bg" width="28" height="28" rx="7"/>' +
    '<path class="mark-fg" d="M14 15.5v4M17.5 11.5a3.5 3.5 0 1 1-7 0 3.5 3.5 0 0 1 7 0Z"/></svg>',
);

/** Icons drawn with `stroke: currentColor`; decorative, hidden from assistive technology. */
export const icons = {
  alert: raw(
    '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><circle cx="12" cy="12" r="9"/><path d="M12 7.5v5.5M12 16.5v.01"/></svg>',
  ),
  check: raw(
    '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M5 12.5l4.5 4.5L19 7.5"/></svg>',
  ),
  signOut: raw(
    '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M15 4h3a2 2 0 0 1 2 2v12a2 2 0 0 1-2 2h-3M10 16l-4-4 4-4M6 12h10"/></svg>',
  ),
  arrow: raw(
    '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M5 12h14M13 6l6 6-6 6"/></svg>',
  ),
} as const;

/** A hidden input. */
export function hiddenField(name: string, value: string): SafeHtml {
  return html`<input type="hidden" name="${name}" value="${value}" />`;
}

/** The CSRF field every form of ours carries. */
export function csrfField(token: string): SafeHtml {
  return hiddenField(formFields.csrf, token);
}

/** An alert box announced by screen readers as soon as the page loads. */
export function alertBox(message: string): SafeHtml {
  return html`<div class="alert" role="alert">
    ${icons.alert}
    <p>${message}</p>
  </div>`;
}

/** The first letter of a name, upper-cased, for the avatar circle. */
function initial(name: string): string {
  const first = [...name.trim()][0];
  return first === undefined ? '?' : first.toLocaleUpperCase();
}

/** The signed-in user's tile: avatar initial, display name and an optional second line (username, status). */
export function accountTile(displayName: string, secondary?: string | null): SafeHtml {
  return html`<div class="account">
    <span class="avatar" aria-hidden="true">${initial(displayName)}</span>
    <span class="account-text"
      ><span class="account-name">${displayName}</span>${
        secondary && secondary !== displayName ? html`<span class="account-id">${secondary}</span>` : null
      }</span
    >
  </div>`;
}
