import type { Client } from '../clients/types.js';
import type { ClientPlan } from './client-plan.js';
import type { FormField, Preset } from './presets/types.js';

/**
 * What `sesame client add` prints: the client as registered (its secret, once), then what to
 * enter in the app — each form field under the app's own label, or the configuration snippet
 * to paste — then notes and the documentation the values come from.
 */
export function formatAdded(preset: Preset, plan: ClientPlan, file: string): string {
  const { values } = plan;
  const lines = [
    `Added client "${values.clientId}" (${String(plan.entry['name'])}) to ${file}.`,
    'A running Sesame server applies it by itself within a second or two: it watches that file.',
    '',
    ...table([
      { label: 'Client id', value: values.clientId },
      {
        label: 'Client secret',
        value: values.secret,
        note: 'shown only now: sesame client show leaves it out',
      },
      { label: 'Redirect URIs', value: values.registeredRedirectUris.join('\n') },
      {
        label: 'Consent page',
        value: plan.trusted ? 'skipped (trusted: yes)' : 'shown to each user once (trusted: no)',
      },
    ]),
    '',
  ];
  const instructions = preset.instructions(values);
  if (instructions.kind === 'form') {
    lines.push(`In ${preset.app}: ${instructions.where}`, '', ...table(instructions.fields), '');
  } else {
    lines.push(`In ${preset.app}, add to ${instructions.where}:`, '', instructions.text, '');
  }
  const notes = instructions.notes ?? [];
  if (notes.length > 0) lines.push('Notes:', ...notes.map((note) => `  - ${note}`), '');
  lines.push(`Documentation: ${preset.docs.join('\n               ')}`);
  return `${lines.join('\n')}\n`;
}

/** `sesame client list`: id, name and redirect URIs of every client, in file order. */
export function formatList(clients: readonly Client[], file: string): string {
  if (clients.length === 0) return `No clients in ${file}.\n`;
  const idWidth = Math.max(2, ...clients.map((c) => c.id.length));
  const nameWidth = Math.max(4, ...clients.map((c) => c.name.length));
  const row = (id: string, name: string, uri: string) =>
    `${id.padEnd(idWidth)}  ${name.padEnd(nameWidth)}  ${uri}`.trimEnd();
  const lines = [row('ID', 'NAME', 'REDIRECT URIS')];
  for (const client of clients) {
    const [first = '', ...more] = client.redirectUris;
    lines.push(row(client.id, client.name, first), ...more.map((uri) => row('', '', uri)));
  }
  return `${lines.join('\n')}\n`;
}

/** `sesame client show`: one client's settings under the registration file's key names, never its secret. */
export function formatShow(client: Client): string {
  return `${table(showFields(client)).join('\n')}\n`;
}

/** `sesame client show --json` and `list --json`: the same fields, secret left out. */
export function clientJson(client: Client): Record<string, unknown> {
  return {
    id: client.id,
    name: client.name,
    has_secret: client.secret !== null,
    application_type: client.applicationType,
    trusted: client.trusted,
    ...(client.trustedScopes.length > 0 ? { trusted_scopes: client.trustedScopes } : {}),
    insecure: client.insecure,
    redirect_uris: client.redirectUris,
    post_logout_redirect_uris: client.postLogoutRedirectUris,
    origins: client.origins,
    ...(client.tokenEndpointAuthMethod ? { token_endpoint_auth_method: client.tokenEndpointAuthMethod } : {}),
    ...(client.grantTypes ? { grant_types: client.grantTypes } : {}),
    ...(client.backchannelLogoutUri ? { backchannel_logout_uri: client.backchannelLogoutUri } : {}),
    source: client.source,
  };
}

function showFields(client: Client): FormField[] {
  const yesNo = (value: boolean) => (value ? 'yes' : 'no');
  const list = (values: readonly string[]) => values.join('\n');
  const fields: FormField[] = [
    { label: 'id', value: client.id },
    { label: 'name', value: client.name },
    {
      label: 'secret',
      value: client.secret === null ? 'none (a public client: PKCE required)' : 'set (not shown)',
    },
    { label: 'application_type', value: client.applicationType },
    { label: 'trusted', value: yesNo(client.trusted) },
  ];
  if (client.trustedScopes.length > 0)
    fields.push({ label: 'trusted_scopes', value: list(client.trustedScopes) });
  if (client.insecure) fields.push({ label: 'insecure', value: 'yes' });
  fields.push({ label: 'redirect_uris', value: list(client.redirectUris) });
  if (client.postLogoutRedirectUris.length > 0) {
    fields.push({ label: 'post_logout_redirect_uris', value: list(client.postLogoutRedirectUris) });
  }
  fields.push({ label: 'origins', value: list(client.origins) });
  if (client.tokenEndpointAuthMethod) {
    fields.push({ label: 'token_endpoint_auth_method', value: client.tokenEndpointAuthMethod });
  }
  if (client.grantTypes) fields.push({ label: 'grant_types', value: list(client.grantTypes) });
  if (client.backchannelLogoutUri)
    fields.push({ label: 'backchannel_logout_uri', value: client.backchannelLogoutUri });
  fields.push({ label: 'defined at', value: client.source });
  return fields;
}

/**
 * Label and value columns; a multi-line value continues under itself, an empty one reads
 * "(leave empty)", and a note follows its value in parentheses on a line of its own.
 */
function table(fields: readonly FormField[]): string[] {
  const width = Math.max(...fields.map((f) => f.label.length)) + 2;
  const pad = ' '.repeat(width + 2);
  const lines: string[] = [];
  for (const field of fields) {
    const empty = field.value === '';
    const [first = '', ...more] = (
      empty ? `(leave empty${field.note ? `: ${field.note}` : ''})` : field.value
    ).split('\n');
    lines.push(`  ${field.label.padEnd(width)}${first}`, ...more.map((line) => `${pad}${line}`));
    if (field.note && !empty) lines.push(`${pad}(${field.note})`);
  }
  return lines;
}
