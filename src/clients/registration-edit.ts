import { isDeepStrictEqual } from 'node:util';
import {
  isMap,
  isScalar,
  isSeq,
  Lexer,
  LineCounter,
  parseDocument,
  stringify,
  type Document,
  type Node,
  type YAMLSeq,
} from 'yaml';
import { EntryRejected } from './registration-error.js';
import { spliceAdd, spliceRemove } from './registration-splice.js';
import { FieldReader } from './yaml-fields.js';

/** The file cannot be edited as asked; `message` says why and is fit to show an operator. */
export class RegistrationEditError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RegistrationEditError';
  }
}

/**
 * A `clients:` entry to write, keys in the order they are to appear (konnect-spec §2.1 names;
 * `true`/`false` for booleans, lists of strings for URI lists).
 */
export type ClientEntry = Readonly<Record<string, string | boolean | readonly string[]>>;

/** Aliases are expanded no further than the registration loader allows. */
const maxAliasCount = 100;

/**
 * The `id` of every entry of the `clients:` list as written (`id: 0123` stays "0123"), in file
 * order, including entries the loader would skip; entries without a readable id are left out.
 *
 * @throws RegistrationEditError when the text is not YAML of the registration file's shape.
 */
export function entryIds(text: string): string[] {
  const { clients } = open(text);
  return (clients?.items ?? []).map(rawId).filter((id): id is string => id !== null);
}

/**
 * Appends `entry`, with `comment` as a comment line above it, to the `clients:` list of a
 * registration file's text, creating the list when there is none. Every comment, every other
 * entry and every other key stay as they were: the entry's lines are inserted and nothing
 * else is touched, unless the file's layout is unusual (a flow list with entries), when the
 * document is re-rendered with the yaml package's Document API, comments included. Either
 * way the result is parsed again and refused unless it reads as the old file plus the entry,
 * with every comment still there.
 *
 * @throws RegistrationEditError when the text is not YAML of the registration file's shape,
 *   or the edit cannot be made without changing something else.
 */
export function addClientEntry(text: string, entry: ClientEntry, comment: string): string {
  const { doc, clients } = open(text);
  const before = toJS(doc);
  const expected = { ...(before ?? {}), clients: [...listOf(before), plain(entry)] };
  const keepsComments = (after: string) => isSubset(comments(text), comments(after));
  const spliced = spliceAdd(text, doc, clients, entry, comment);
  if (spliced !== null && reads(spliced, expected) && keepsComments(spliced)) return spliced;

  const node = doc.createNode(entry) as Node;
  if (clients === null) {
    const list = doc.createNode([entry]) as YAMLSeq;
    (list.items[0] as Node).commentBefore = ` ${comment}`;
    if (isMap(doc.contents)) doc.set('clients', list);
    else doc.contents = doc.createNode({ clients: list }) as Node as typeof doc.contents;
  } else {
    if (!clients.flow) node.commentBefore = ` ${comment}`;
    clients.items.push(node);
  }
  const after = render(doc, text);
  if (!reads(after, expected) || !keepsComments(after)) {
    throw new RegistrationEditError(
      'this file cannot be edited here without changing the rest of it (its YAML cannot be written back as it was); ' +
        `add the client by hand instead:\n${stringify({ clients: [entry] })}`,
    );
  }
  return after;
}

/**
 * Removes every entry of the `clients:` list whose `id` is `id`, with the comment lines
 * directly above it (no blank line between: they describe it); nothing else is touched, as
 * for {@link addClientEntry}, and the result is checked likewise.
 *
 * @returns the new text and how many entries were removed (0: the text is returned as is).
 * @throws RegistrationEditError as {@link addClientEntry} does.
 */
export function removeClientEntries(text: string, id: string): { text: string; removed: number } {
  const { doc, clients } = open(text);
  const indices = (clients?.items ?? []).flatMap((item, index) => (rawId(item) === id ? [index] : []));
  if (clients === null || indices.length === 0) return { text, removed: 0 };
  const before = toJS(doc);
  const remaining = listOf(before).filter((_, index) => !indices.includes(index));
  const expected = { ...(before ?? {}), clients: remaining };
  // A block list left without entries reads as `clients:` without a value: no clients either.
  const emptied = { ...(before ?? {}), clients: null };
  const fine = (after: string) =>
    (reads(after, expected) || (remaining.length === 0 && reads(after, emptied))) &&
    isSubset(comments(after), comments(text));
  const spliced = spliceRemove(text, clients, indices);
  if (spliced !== null && fine(spliced)) return { text: spliced, removed: indices.length };

  for (const index of [...indices].reverse()) clients.items.splice(index, 1);
  const first = clients.items[0] as Node | undefined;
  // A blank line kept above what is now the first entry would follow the list's own comment.
  if (first !== undefined && indices.includes(0)) first.spaceBefore = false;
  const after = render(doc, text);
  if (!fine(after)) {
    throw new RegistrationEditError(
      `this file cannot be edited here without changing the rest of it (its YAML cannot be written back as it was); remove client "${id}" by hand`,
    );
  }
  return { text: after, removed: indices.length };
}

interface Opened {
  readonly doc: Document;
  /** The `clients:` list; null when the document, the key or its value is absent. */
  readonly clients: YAMLSeq | null;
}

/** Parses as the loader does (YAML 1.1, konnect-spec §2) and finds the `clients:` list. */
function open(text: string): Opened {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { version: '1.1', lineCounter, prettyErrors: false });
  const first = doc.errors[0];
  if (first !== undefined) {
    const { line, col } = lineCounter.linePos(first.pos[0]);
    throw new RegistrationEditError(`line ${line}, column ${col}: ${first.message}`);
  }
  const root = doc.contents as Node | null;
  if (root === null || (isScalar(root) && root.value === null)) return { doc, clients: null };
  if (!isMap(root)) throw new RegistrationEditError('the file is not a map with a clients: list');
  const clients = root.get('clients', true) as Node | undefined;
  if (clients === undefined || (isScalar(clients) && clients.value === null)) return { doc, clients: null };
  if (!isSeq(clients)) throw new RegistrationEditError('clients: is not a list');
  return { doc, clients };
}

/**
 * The document as text, keeping the list style of the file: entries at the column of their
 * key (`clients:` then `- id: …`) stay there rather than being indented.
 */
function render(doc: Document, original: string): string {
  const indentSeq = !/^clients:[ \t]*(#.*)?\r?\n(?:[ \t]*(?:#.*)?\r?\n)*-/m.test(original);
  return doc.toString({ indentSeq, lineWidth: 0 });
}

function rawId(item: unknown): string | null {
  if (!isMap(item)) return null;
  try {
    return new FieldReader(item).string('id')?.value ?? null;
  } catch (error) {
    if (error instanceof EntryRejected) return null;
    throw error;
  }
}

function toJS(doc: Document): Record<string, unknown> | null {
  return (doc.toJS({ maxAliasCount }) ?? null) as Record<string, unknown> | null;
}

function listOf(value: Record<string, unknown> | null): unknown[] {
  const list = value?.['clients'];
  return Array.isArray(list) ? list : [];
}

function plain(entry: ClientEntry): unknown {
  return JSON.parse(JSON.stringify(entry)) as unknown;
}

/** Whether `text` reads back as `expected` (YAML 1.1, aliases bounded as the loader bounds them). */
function reads(text: string, expected: unknown): boolean {
  const reread = parseDocument(text, { version: '1.1' });
  return reread.errors.length === 0 && isDeepStrictEqual(reread.toJS({ maxAliasCount }), expected);
}

/** Every comment of a YAML text, as written. */
function comments(text: string): string[] {
  return [...new Lexer().lex(text)].filter((token) => token.startsWith('#')).map((token) => token.trimEnd());
}

/** Whether every item of `part` occurs in `whole` at least as often. */
function isSubset(part: readonly string[], whole: readonly string[]): boolean {
  const counts = new Map<string, number>();
  for (const item of whole) counts.set(item, (counts.get(item) ?? 0) + 1);
  return part.every((item) => {
    const left = counts.get(item) ?? 0;
    counts.set(item, left - 1);
    return left > 0;
  });
}
