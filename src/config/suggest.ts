/**
 * A "did you mean" hint for an unknown key: a sibling spelled nearly the same (ignoring case,
 * dashes and camelCase), or the same key name under another section. Null when nothing is close.
 */
export function suggestKey(
  unknown: string,
  siblings: readonly string[],
  allPaths: readonly string[],
): string | null {
  const wanted = normalise(unknown);
  let best: string | null = null;
  let bestDistance = Math.max(1, Math.floor(wanted.length / 3)) + 1;
  for (const sibling of siblings) {
    const d = distance(wanted, sibling);
    if (d < bestDistance) [best, bestDistance] = [sibling, d];
  }
  if (best !== null) return best;
  return allPaths.find((path) => path.endsWith(`.${wanted}`) || path === wanted) ?? null;
}

function normalise(key: string): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[-\s]/g, '_');
}

/** Levenshtein edit distance. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
