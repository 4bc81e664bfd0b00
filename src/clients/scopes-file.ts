import { readFile } from 'node:fs/promises';
import { isMap, isScalar, LineCounter, parseDocument, type Node } from 'yaml';
import { RegistrationFileError } from './registration-error.js';

/** A scope defined in identifier-scopes.yaml. */
export interface ScopeDefinition {
  readonly id: string;
  /** Shown on the consent page; null: the scope id is shown. */
  readonly description: string | null;
  readonly priority: number;
}

/** What identifier-scopes.yaml adds (konnect-spec §2.6). */
export interface ScopeDefinitions {
  /** Every scope under `scopes:`, which Konnect offered and advertised. */
  readonly scopes: readonly ScopeDefinition[];
  /** `mapping:` — scope → the alias it is shown as; kept for display only. */
  readonly mapping: ReadonlyMap<string, string>;
  readonly warnings: readonly string[];
}

export const noScopeDefinitions: ScopeDefinitions = { scopes: [], mapping: new Map(), warnings: [] };

/** Reads identifier-scopes.yaml; a missing or broken file throws, naming file:line:col. */
export async function loadScopeDefinitions(file: string): Promise<ScopeDefinitions> {
  return parseScopeDefinitions(await readFile(file, 'utf8'), file);
}

/**
 * Parses Konnect's identifier-scopes.yaml: `scopes: { <id>: { description, priority } }` and
 * `mapping: { <scope>: <alias> }` (YAML 1.1, as Konnect read it). Unknown keys are warnings.
 *
 * @throws RegistrationFileError for YAML errors or a wrongly shaped document.
 */
export function parseScopeDefinitions(text: string, file: string): ScopeDefinitions {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, version: '1.1', prettyErrors: false });
  const at = (node: Node | null | undefined): string => {
    const { line, col } = lineCounter.linePos(node?.range?.[0] ?? 0);
    return `${file}:${line}:${col}`;
  };
  if (doc.errors.length > 0) {
    throw new RegistrationFileError(
      doc.errors.map((e) => `${file}:${lineCounter.linePos(e.pos[0]).line}: ${e.message}`),
    );
  }
  const warnings: string[] = [];
  const scopes: ScopeDefinition[] = [];
  const mapping = new Map<string, string>();
  const root = doc.contents;
  if (root === null) return { scopes, mapping, warnings };
  if (!isMap(root))
    throw new RegistrationFileError([`${at(root)}: the file must be a mapping with scopes: and mapping:`]);
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    const value = pair.value as Node | null;
    if (key === 'scopes' && isMap(value)) {
      for (const entry of value.items) {
        const id = isScalar(entry.key) ? String(entry.key.value) : '';
        const fields = entry.value as Node | null;
        const read = (name: string): unknown => (isMap(fields) ? fields.get(name) : undefined);
        const description = read('description');
        const priority = read('priority');
        if (!/^[\x21\x23-\x5b\x5d-\x7e]+$/.test(id)) {
          warnings.push(`${at(entry.key as Node)}: "${id}" is not a valid scope name; skipped`);
          continue;
        }
        scopes.push({
          id,
          description: typeof description === 'string' && description !== '' ? description : null,
          priority: typeof priority === 'number' ? priority : 0,
        });
      }
    } else if (key === 'mapping' && isMap(value)) {
      for (const entry of value.items) {
        if (isScalar(entry.key) && isScalar(entry.value))
          mapping.set(String(entry.key.value), String(entry.value.value));
      }
    } else if (key === 'scopes' || key === 'mapping') {
      throw new RegistrationFileError([`${at(value)}: ${key} must be a mapping`]);
    } else {
      warnings.push(`${at(pair.key as Node)}: unknown key ${key}; ignored`);
    }
  }
  return { scopes, mapping, warnings };
}
