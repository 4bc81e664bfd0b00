import { html, type SafeHtml } from '../html.js';
import { t, type Locale, type MessageKey } from '../i18n/index.js';
import { layout, type Branding } from '../layout.js';
import { accountTile, csrfField, formFields, hiddenField } from '../parts.js';

/** A requested scope. */
export interface ConsentScope {
  readonly id: string;
  /**
   * Description configured for this scope (e.g. Konnect's identifier-scopes.yaml); used
   * when there is no built-in translation for it.
   */
  readonly description?: string;
}

export interface ConsentProps {
  readonly locale: Locale;
  readonly action: string;
  readonly csrfToken: string;
  readonly interactionId: string;
  /** Display name of the client; null shows its client_id instead. */
  readonly clientName: string | null;
  readonly clientId: string;
  readonly userDisplayName: string;
  /**
   * Shown under the name so users with the same name can tell which account they use: the
   * username, or the e-mail address when the name is the username. '' shows nothing.
   */
  readonly userDetail: string;
  readonly scopes: readonly ConsentScope[];
  readonly branding?: Branding;
}

const describedScopes = new Set([
  'openid',
  'profile',
  'email',
  'address',
  'phone',
  'offline_access',
  'groups',
]);

/** Human-readable description of a scope: built-in text, else configured text, else its id. */
export function scopeDescription(locale: Locale, scope: ConsentScope): string {
  if (describedScopes.has(scope.id)) return t(locale, `scope.${scope.id}` as MessageKey);
  return scope.description ?? scope.id;
}

/**
 * The consent page (OpenID Connect Core §3.1.2.4): who asks, as which user, for what.
 * Posts `csrf`, `interaction` and `decision` = `allow` (the default button) or `deny`.
 */
export function consentPage(props: ConsentProps): SafeHtml {
  const { locale } = props;
  const client = props.clientName ?? props.clientId;
  return layout({
    locale,
    title: t(locale, 'consent.page_title'),
    ...(props.branding === undefined ? {} : { branding: props.branding }),
    body: html`<h1>${t(locale, 'consent.title', { client })}</h1>
      ${accountTile(props.userDisplayName, props.userDetail)}
      <p>${t(locale, 'consent.intro', { client })}</p>
      <ul class="scopes">
        ${props.scopes.map((scope) => html`<li>${scopeDescription(locale, scope)}</li>`)}
      </ul>
      <p class="muted small">${t(locale, 'consent.trust', { client })}</p>
      <form method="post" action="${props.action}">
        ${csrfField(props.csrfToken)} ${hiddenField(formFields.interaction, props.interactionId)}
        <div class="actions">
          <button type="submit" class="button button-primary" name="${formFields.decision}" value="allow">
            ${t(locale, 'consent.allow')}
          </button>
          <button type="submit" class="button button-secondary" name="${formFields.decision}" value="deny">
            ${t(locale, 'consent.cancel')}
          </button>
        </div>
      </form>
      <div class="meta"><p>${t(locale, 'consent.client_id', { clientId: props.clientId })}</p></div>`,
  });
}
