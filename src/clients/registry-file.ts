import { isMap, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml';
import type { Client } from './types.js';
import { knownClientKeys, mythicalClientKeys, readClientEntry } from './client-entry.js';
import { EntryRejected, RegistrationFileError } from './registration-error.js';
import { isLoopbackHttpIssuer } from './registration-rules.js';
import { FieldReader } from './yaml-fields.js';

export { RegistrationFileError } from './registration-error.js';

/**
 * How far YAML aliases may expand, in yaml's `maxAliasCount` measure (an anchored value and
 * each alias of it, weighted by the aliases nested inside it): enough for sharing a few
 * values, far too little for a "billion laughs" file, which is refused before it expands.
 */
const maxYamlAliasCount = 100;

/** What a usable registration file yields. Every message reads `file:line:col: text`. */
export interface ParsedRegistration {
  readonly clients: Client[];
  /** Everything worth a warning: unknown keys, and (also listed in `skipped`) skipped entries. */
  readonly warnings: string[];
  /** The subset of `warnings` about entries that were skipped, with the reason. */
  readonly skipped: string[];
  /** Informational notes, e.g. that `authorities:` is accepted and ignored. */
  readonly notes: string[];
}

/**
 * Parses Konnect's `identifier-registration.yaml` (konnect-spec §2, §2.1) as YAML 1.1, as
 * go-yaml v2 does (`yes/no/on/off` are booleans). Entries that break the registration rules
 * are skipped with a warning, as Konnect does; unknown keys give a warning (Konnect ignored
 * them silently). Throws {@link RegistrationFileError} when the file is not YAML, has
 * duplicate keys, is not a map, or its `clients` is not a list, or when its aliases would
 * expand beyond `maxYamlAliasCount` (100). An empty file has no clients.
 *
 * @param context.issuer decides the development allowance for loopback redirect URIs.
 */
export function parseRegistration(
  text: string,
  file: string,
  context: { issuer: string },
): ParsedRegistration {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, version: '1.1', prettyErrors: false });
  const at = (offset: number): string => {
    const { line, col } = lineCounter.linePos(offset);
    return `${file}:${line}:${col}`;
  };
  if (doc.errors.length > 0) {
    throw new RegistrationFileError(doc.errors.map((e) => `${at(e.pos[0])}: ${e.message}`));
  }
  checkAliases(doc, at);
  const result: ParsedRegistration = { clients: [], warnings: [], skipped: [], notes: [] };
  for (const w of doc.warnings) result.warnings.push(`${at(w.pos[0])}: ${w.message}`);

  const root = doc.contents as Node | null;
  if (root === null || (isScalar(root) && root.value === null)) return result;
  if (!isMap(root)) {
    throw new RegistrationFileError([`${at(root.range?.[0] ?? 0)}: expected a map with a clients: list`]);
  }

  let clientsNode: Node | null = null;
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    const offset = (pair.key as Node | null)?.range?.[0] ?? 0;
    if (key === 'clients') clientsNode = (pair.value as Node | null) ?? null;
    else if (key === 'authorities') {
      result.notes.push(
        `${at(offset)}: authorities: is accepted and ignored (Sesame does not sign in through upstream providers)`,
      );
    } else result.warnings.push(`${at(offset)}: unknown top-level key "${key}" ignored`);
  }
  if (clientsNode === null || (isScalar(clientsNode) && clientsNode.value === null)) return result;
  if (!isSeq(clientsNode)) {
    throw new RegistrationFileError([`${at(clientsNode.range?.[0] ?? 0)}: clients must be a list`]);
  }

  const ruleContext = { loopbackIssuer: isLoopbackHttpIssuer(context.issuer) };
  const firstSeen = new Map<string, string>();
  for (const item of clientsNode.items) {
    const node = item as Node | null;
    const offset = node?.range?.[0] ?? clientsNode.range?.[0] ?? 0;
    const skip = (id: string | null, reason: string, where = offset): void => {
      const what = id === null ? 'client entry' : `client "${id}"`;
      const message = `${at(where)}: skipped ${what}: ${reason}`;
      result.skipped.push(message);
      result.warnings.push(message);
    };
    if (!isMap(node)) {
      skip(null, 'not a map of client settings');
      continue;
    }
    let fields: FieldReader;
    try {
      fields = new FieldReader(node);
    } catch (e) {
      if (!(e instanceof EntryRejected)) throw e;
      skip(null, e.message, e.offset);
      continue;
    }
    const id = safeId(fields);
    for (const key of fields.keys()) {
      if (knownClientKeys.has(key.value)) continue;
      const why = mythicalClientKeys.has(key.value) ? ' (not a Konnect setting either)' : '';
      result.warnings.push(
        `${at(key.offset)}: unknown key "${key.value}" in client ${id === null ? 'entry' : `"${id}"`} ignored${why}`,
      );
    }
    let client: Client;
    try {
      client = readClientEntry(fields, ruleContext, `${file}:${lineCounter.linePos(offset).line}`);
    } catch (e) {
      if (!(e instanceof EntryRejected)) throw e;
      skip(id, e.message, e.offset);
      continue;
    }
    const earlier = firstSeen.get(client.id);
    if (earlier !== undefined) {
      skip(client.id, `duplicate client id (first registered at ${earlier})`);
      continue;
    }
    firstSeen.set(client.id, client.source);
    result.clients.push(client);
  }
  return result;
}

/**
 * Refuses a document whose aliases expand too far. yaml counts while it resolves and stops at
 * the limit, so a billion-laughs file costs a few hundred resolutions, not its expansion.
 */
function checkAliases(doc: Document, at: (offset: number) => string): void {
  const aliases: Node[] = [];
  visit(doc, {
    Alias(_key, node) {
      aliases.push(node);
      return visit.BREAK;
    },
  });
  const first = aliases[0];
  if (first === undefined) return;
  try {
    doc.toJS({ maxAliasCount: maxYamlAliasCount });
  } catch (error) {
    if (!(error instanceof ReferenceError)) throw error;
    throw new RegistrationFileError([
      `${at(first.range?.[0] ?? 0)}: YAML aliases expand this file too far ` +
        `(more than ${maxYamlAliasCount} aliased values); it is refused rather than expanded`,
    ]);
  }
}

/** The entry's id for messages, if it has a usable one. */
function safeId(fields: FieldReader): string | null {
  try {
    const id = fields.string('id')?.value ?? '';
    return id === '' ? null : id;
  } catch {
    return null;
  }
}
