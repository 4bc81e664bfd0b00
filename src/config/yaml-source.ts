import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';

/** A place in a file; line and column are 1-based. */
export interface Position {
  readonly line: number;
  readonly col: number;
}

/** A parsed YAML file that can say where a value or key was written. */
export interface YamlSource {
  /** The file name as the user gave it, used in messages. */
  readonly file: string;
  readonly value: unknown;
  /** Where the value at `path` (or its key, with `at: 'key'`) was written; 1-based. */
  locate(path: readonly PropertyKey[], at?: 'key' | 'value'): Position;
}

/**
 * Parses YAML text. Syntax errors (and duplicate keys) come back as `file:line:column: message`
 * problems; when there are any, `source` is null.
 */
export function parseYamlSource(
  file: string,
  text: string,
): { source: YamlSource | null; problems: string[]; warnings: string[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const where = (offset: number): Position => lineCounter.linePos(offset);
  const describe = (e: { pos: [number, number]; message: string }) => {
    const { line, col } = where(e.pos[0]);
    return `${file}:${line}:${col}: ${e.message.split('\n')[0] ?? ''}`;
  };
  const warnings = doc.warnings.map(describe);
  if (doc.errors.length > 0) return { source: null, problems: doc.errors.map(describe), warnings };
  return {
    source: {
      file,
      value: doc.toJS() as unknown,
      locate: (path, at = 'value') => where(offsetOf(doc, path, at)),
    },
    problems: [],
    warnings,
  };
}

/** Offset of the deepest node along `path` that exists in the document. */
function offsetOf(doc: Document, path: readonly PropertyKey[], at: 'key' | 'value'): number {
  let node: unknown = doc.contents;
  let offset = rangeStart(node) ?? 0;
  for (const [i, segment] of path.entries()) {
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === segment);
      if (!pair) break;
      const keyStart = rangeStart(pair.key);
      const valueStart = rangeStart(pair.value);
      offset = (last && at === 'key' ? keyStart : (valueStart ?? keyStart)) ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment];
      if (item === undefined) break;
      offset = rangeStart(item) ?? offset;
      node = item;
    } else {
      break;
    }
  }
  return offset;
}

function rangeStart(node: unknown): number | undefined {
  return (node as Node | null | undefined)?.range?.[0];
}
