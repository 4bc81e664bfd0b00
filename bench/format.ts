/** Markdown cells: a missing figure is a dash. */

export function num(value: number | null, digits: number): string {
  return value === null ? '—' : value.toFixed(digits);
}

export function ratio(value: number | null): string {
  return value === null ? '—' : value.toFixed(2);
}

/** RSS per instance: `A 96, B 97`, or the one figure of a single instance. */
export function rss(byName: Readonly<Record<string, number | null>>): string {
  const entries = Object.entries(byName);
  if (entries.length === 0) return '—';
  return entries
    .map(([name, mib]) => (entries.length > 1 ? `${name} ${num(mib, 0)}` : num(mib, 0)))
    .join(', ');
}
