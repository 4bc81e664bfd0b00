import { editDistance } from '../lib/edit-distance.js';

/**
 * Hints for the operator when an authorization request is refused for its client_id or its
 * redirect_uri: what was probably meant. Only ever logged, never shown to the browser, which
 * must not learn which clients or URIs exist. Bounded: long values are compared by their first
 * {@link COMPARED_LENGTH} characters and at most {@link MAX_CANDIDATES} candidates are weighed,
 * so a flood of made-up values costs little.
 */
const COMPARED_LENGTH = 64;
/** Redirect URIs are longer, and a client registers a few: the first 20 are compared further. */
const COMPARED_URI_LENGTH = 300;
const MAX_URI_CANDIDATES = 20;
const MAX_CANDIDATES = 2_000;

/**
 * Up to three known client ids closest to `wanted` (case-insensitively), nearest first; only
 * those within a third of its length (at least 2 edits), or that contain it or are contained.
 */
export function closestClientIds(wanted: string, known: readonly string[]): string[] {
  const target = wanted.slice(0, COMPARED_LENGTH).toLowerCase();
  const limit = Math.max(2, Math.floor(target.length / 3));
  const scored: { id: string; distance: number }[] = [];
  for (const id of known.slice(0, MAX_CANDIDATES)) {
    const candidate = id.slice(0, COMPARED_LENGTH).toLowerCase();
    const related = target.length > 0 && (candidate.includes(target) || target.includes(candidate));
    // The edit distance is at least the difference in length: most candidates end here.
    if (!related && Math.abs(candidate.length - target.length) > limit) continue;
    const distance = editDistance(target, candidate);
    if (distance <= limit || related) scored.push({ id, distance });
  }
  return scored
    .sort((a, b) => a.distance - b.distance)
    .slice(0, 3)
    .map((s) => s.id);
}

export interface RedirectUriHint {
  /** The registered URI nearest to the one sent. */
  readonly closest: string;
  /** How the sent URI differs from it, in a few words. */
  readonly difference: string;
}

/** The registered redirect URI nearest to `sent`, and how they differ; null when none is registered. */
export function closestRedirectUri(sent: string, registered: readonly string[]): RedirectUriHint | null {
  let best: { uri: string; distance: number } | null = null;
  for (const uri of registered.slice(0, MAX_URI_CANDIDATES)) {
    const distance = editDistance(sent.slice(0, COMPARED_URI_LENGTH), uri.slice(0, COMPARED_URI_LENGTH));
    if (best === null || distance < best.distance) best = { uri, distance };
  }
  return best === null ? null : { closest: best.uri, difference: describeDifference(sent, best.uri) };
}

/**
 * How `sent` differs from `registered`: "differs only by `/index.php`" when one is the other
 * with a piece added; else the first URL part that differs (scheme, host, port, path, query,
 * fragment); else where they part.
 */
export function describeDifference(sent: string, registered: string): string {
  if (sent === registered) return 'identical';
  let start = 0;
  while (start < sent.length && start < registered.length && sent[start] === registered[start]) start++;
  let end = 0;
  while (
    end < sent.length - start &&
    end < registered.length - start &&
    sent[sent.length - 1 - end] === registered[registered.length - 1 - end]
  ) {
    end++;
  }
  const sentPart = sent.slice(start, sent.length - end);
  const registeredPart = registered.slice(start, registered.length - end);
  if (registeredPart === '') {
    return `differs only by \`${clip(readableInsertion(sent, start, sentPart))}\`, which the registered one lacks`;
  }
  if (sentPart === '') {
    return `differs only by \`${clip(readableInsertion(registered, start, registeredPart))}\`, which the sent one lacks`;
  }
  const part = firstDifferingPart(sent, registered);
  const at = `\`${clip(sentPart)}\` where the registered one has \`${clip(registeredPart)}\``;
  return part === null ? `differs at ${at}` : `differs in its ${part}: ${at}`;
}

/**
 * An inserted piece can often be placed in several spots (`/index.php` or `index.php/` in
 * `…/index.php/apps`): the spot where it starts with `/` reads as the path segment it is.
 */
function readableInsertion(text: string, start: number, piece: string): string {
  let at = start;
  let shifted = piece;
  while (!shifted.startsWith('/') && at > 0 && text[at - 1] === shifted[shifted.length - 1]) {
    at--;
    shifted = text.slice(at, at + piece.length);
  }
  return shifted.startsWith('/') ? shifted : piece;
}

function firstDifferingPart(a: string, b: string): string | null {
  let x: URL;
  let y: URL;
  try {
    x = new URL(a);
    y = new URL(b);
  } catch {
    return null;
  }
  if (x.protocol !== y.protocol) return 'scheme';
  if (x.hostname !== y.hostname) return 'host';
  if (x.port !== y.port) return 'port';
  if (x.pathname !== y.pathname) return 'path';
  if (x.search !== y.search) return 'query';
  if (x.hash !== y.hash) return 'fragment';
  return null;
}

function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}
