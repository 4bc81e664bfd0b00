import { editDistance } from '../lib/edit-distance.js';

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
    const d = editDistance(wanted, sibling);
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
