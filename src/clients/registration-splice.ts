import { Document, isMap, isScalar, type Node, type YAMLSeq } from 'yaml';
import type { ClientEntry } from './registration-edit.js';

/**
 * Text edits of a registration file that leave every other byte as it was. Each returns null
 * when the file's layout is not one it handles; callers check what the edited text reads as
 * and fall back to re-rendering the document (registration-edit.ts).
 */

/**
 * Inserts `entry`, with `comment` above it, as the last entry of the `clients:` list: after
 * the last entry of a block list, in place of an empty `[]`, under a `clients:` key without a
 * value, or as a new `clients:` key at the end of the file.
 */
export function spliceAdd(
  text: string,
  doc: Document,
  clients: YAMLSeq | null,
  entry: ClientEntry,
  comment: string,
): string | null {
  if (clients !== null && !clients.flow) {
    const first = clients.items[0] as Node | undefined;
    const end = (clients.items.at(-1) as Node | undefined)?.range?.[1];
    const dash = first === undefined ? null : dashBefore(text, first);
    if (dash === null || end === undefined) return null;
    return insertAt(
      text,
      afterLine(text, end),
      entryLines(entry, comment, text.slice(lineStart(text, dash), dash)),
    );
  }
  const key = clientsKey(doc);
  if (clients !== null) {
    // An empty flow list, `clients: []`: the list goes on the lines below the key instead.
    const range = clients.range;
    if (clients.items.length > 0 || key?.range == null || range == null) return null;
    const emptied = text.slice(0, range[0]) + text.slice(range[1]);
    return insertAt(emptied, afterLine(emptied, key.range[1]), entryLines(entry, comment, '  '));
  }
  if (key?.range != null)
    return insertAt(text, afterLine(text, key.range[1]), entryLines(entry, comment, '  '));
  const root = doc.contents as Node | null;
  if (root !== null && !(isScalar(root) && root.value === null) && !isMap(root)) return null;
  const start = text === '' || text.endsWith('\n') ? text : `${text}\n`;
  return `${start}clients:\n${entryLines(entry, comment, '  ')}`;
}

/**
 * Cuts the entries at `indices` of a block `clients:` list, each with the comment lines
 * directly above it (no blank line between: they describe it).
 */
export function spliceRemove(text: string, clients: YAMLSeq, indices: readonly number[]): string | null {
  if (clients.flow) return null;
  let result = text;
  for (const index of [...indices].sort((a, b) => b - a)) {
    const item = clients.items[index] as Node;
    const dash = dashBefore(text, item);
    const end = item.range?.[1];
    if (dash === null || end === undefined) return null;
    let start = lineStart(text, dash);
    while (start > 0) {
      const previous = lineStart(text, start - 1);
      if (!/^[ \t]*#/.test(text.slice(previous, start))) break;
      start = previous;
    }
    result = result.slice(0, start) + result.slice(afterLine(text, end));
  }
  return result;
}

/** The entry as block YAML lines, each starting with `indent`, nested lists styled to match. */
function entryLines(entry: ClientEntry, comment: string, indent: string): string {
  const item = new Document([entry], { version: '1.1' });
  ((item.contents as YAMLSeq).items[0] as Node).commentBefore = ` ${comment}`;
  const lines = item
    .toString({ indentSeq: indent !== '', lineWidth: 0 })
    .trimEnd()
    .split('\n');
  return lines.map((line) => `${indent}${line}\n`).join('');
}

function insertAt(text: string, at: number, lines: string): string {
  const gap = at === text.length && text !== '' && !text.endsWith('\n') ? '\n' : '';
  return `${text.slice(0, at)}${gap}${lines}${text.slice(at)}`;
}

/** The top-level `clients` key node, when the document is a map that has one. */
function clientsKey(doc: Document): Node | null {
  const root = doc.contents as Node | null;
  if (!isMap(root)) return null;
  const pair = root.items.find((p) => isScalar(p.key) && p.key.value === 'clients');
  return (pair?.key as Node | undefined) ?? null;
}

/** The offset of the `-` opening a block list entry, or null when it is not on the entry's line. */
function dashBefore(text: string, item: Node): number | null {
  const start = item.range?.[0];
  if (start === undefined) return null;
  let at = start - 1;
  while (at >= 0 && (text[at] === ' ' || text[at] === '\t')) at--;
  return at >= 0 && text[at] === '-' && /^ *$/.test(text.slice(lineStart(text, at), at)) ? at : null;
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** The offset just after the line break ending the line that `end` (an exclusive end) closes. */
function afterLine(text: string, end: number): number {
  const newline = text.indexOf('\n', Math.max(end - 1, 0));
  return newline === -1 ? text.length : newline + 1;
}
