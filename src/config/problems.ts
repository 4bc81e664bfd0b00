import type { z } from 'zod';
import { CONFIG_KEYS } from './defaults.js';
import type { EnvOverride } from './env.js';
import { suggestKey } from './suggest.js';
import type { Position, YamlSource } from './yaml-source.js';

/** One problem, with where it came from so problems can be listed in file order. */
export interface Problem {
  readonly position: Position | null;
  readonly text: string;
}

/**
 * Turns a path and a message into a `Problem` that names where the value came from:
 * `file:line:column: key: message` for the file, `env SESAME_X: message` for an override,
 * `key: message` for a built-in default.
 */
export class ProblemReporter {
  constructor(
    private readonly source: YamlSource | null,
    private readonly overrides: ReadonlyMap<string, EnvOverride>,
  ) {}

  /** A problem with the value at `path` (or its key, with `at: 'key'`). */
  at(path: readonly PropertyKey[], message: string, at: 'key' | 'value' = 'value'): Problem {
    const override = this.overrideFor(path);
    if (override !== undefined) return { position: null, text: `env ${override.name}: ${message}` };
    const label = keyLabel(path);
    if (this.source === null || !this.fromFile(path)) {
      return { position: null, text: `${label}: ${message}` };
    }
    const position = this.source.locate(path, at);
    return {
      position,
      text: `${this.source.file}:${position.line}:${position.col}: ${label}: ${message}`,
    };
  }

  /** Problems for one schema issue; an unknown-keys issue gives one problem per key. */
  fromIssue(issue: z.core.$ZodIssue): Problem[] {
    if (issue.code !== 'unrecognized_keys') return [this.at(issue.path, issue.message)];
    const siblings = childKeys(issue.path);
    return issue.keys.map((key) => {
      const hint = suggestKey(key, siblings, allPaths);
      const message = `unknown key${hint === null ? '' : `; did you mean "${hint}"?`}`;
      return this.at([...issue.path, key], message, 'key');
    });
  }

  /** The override that set the key at `path` (or the list holding the item at `path`). */
  private overrideFor(path: readonly PropertyKey[]): EnvOverride | undefined {
    const dotted = path.filter((s) => typeof s === 'string').join('.');
    const key = allPaths.find((p) => dotted === p);
    return key === undefined ? undefined : this.overrides.get(key);
  }

  private fromFile(path: readonly PropertyKey[]): boolean {
    let value = this.source?.value;
    for (const segment of path) {
      if (value === null || typeof value !== 'object') return path.length === 0;
      value = (value as Record<PropertyKey, unknown>)[segment];
    }
    return value !== undefined && value !== null;
  }
}

/** Problems in file order, then the rest in the order found. */
export function sortProblems(problems: readonly Problem[]): string[] {
  const rank = (p: Problem) => (p.position === null ? [Infinity, 0] : [p.position.line, p.position.col]);
  return [...problems]
    .map((p, i) => ({ p, i, r: rank(p) }))
    .sort((a, b) => (a.r[0] ?? 0) - (b.r[0] ?? 0) || (a.r[1] ?? 0) - (b.r[1] ?? 0) || a.i - b.i)
    .map(({ p }) => p.text);
}

const allPaths = CONFIG_KEYS.map((key) => key.path);

/** `trusted_proxies[2]`, `signing.alg`, or `(top level)` for the empty path. */
function keyLabel(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(top level)';
  return path
    .map((s, i) => (typeof s === 'number' ? `[${s}]` : `${i === 0 ? '' : '.'}${String(s)}`))
    .join('');
}

/** Names of the known keys directly under `path`. */
function childKeys(path: readonly PropertyKey[]): string[] {
  const prefix = path.length === 0 ? '' : `${path.join('.')}.`;
  const names = allPaths
    .filter((p) => p.startsWith(prefix))
    .map((p) => p.slice(prefix.length).split('.')[0] ?? '');
  return [...new Set(names)];
}
