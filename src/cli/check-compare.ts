import { z } from 'zod';
import type { RegistrySummary } from '../clients/registry-digest.js';
import { endpointUrl, paths } from '../endpoints/paths.js';
import { ArgsError } from './args.js';

/** How long one instance may take to answer its `/health-check`, body included. */
export const compareTimeoutMs = 5000;
/** The most of a `/health-check` body that is read; Sesame's is a few hundred bytes. */
const maxBodyBytes = 64 * 1024;

/** What one running instance said about its registry, or why it said nothing usable. */
export interface InstanceRegistry {
  /** The URL the operator gave. */
  readonly instance: string;
  /** null when the instance could not be reached or reports no digest. */
  readonly summary: RegistrySummary | null;
  /** Why the answer is missing or doubtful (no answer, a 503, no digest); null when none. */
  readonly problem: string | null;
}

/** How the instances compare with the local file, ready to print. */
export interface Comparison {
  /** True when every instance answered with the local digest. */
  readonly agreed: boolean;
  readonly lines: readonly string[];
}

/** The part of a `/health-check` answer compared (endpoints/static/handler.ts). */
const healthBody = z.object({
  registry: z.object({
    digest: z.string().regex(/^hmac-sha256:[0-9a-f]{64}$/),
    clients: z.number().int().nonnegative(),
  }),
});

/**
 * Checks the operator's `--compare` arguments: each an instance's base URL (its issuer), http
 * or https. Throws {@link ArgsError} naming the first one that is not.
 */
export function checkInstanceUrls(urls: readonly string[]): readonly string[] {
  for (const url of urls) {
    if (!URL.canParse(url) || !['http:', 'https:'].includes(new URL(url).protocol)) {
      throw new ArgsError(`--compare takes http(s) URLs of running instances, not ${url}`);
    }
  }
  return urls;
}

/**
 * Asks each instance for its `/health-check` (at the origin of the URL given, as every Sesame
 * endpoint is; konnect-spec §3), all at once, each within {@link compareTimeoutMs}. Never
 * rejects: an instance that does not answer usably gets a `problem`.
 */
export function loadInstanceRegistries(urls: readonly string[]): Promise<InstanceRegistry[]> {
  return Promise.all(urls.map((url) => loadInstanceRegistry(url)));
}

/**
 * The table (instance, digest, clients, agrees) and the verdict: what differs and what to do.
 * `local` is this configuration's registration file as `sesame check` loaded it.
 */
export function compareRegistries(
  local: { readonly label: string; readonly file: string | null; readonly summary: RegistrySummary },
  instances: readonly InstanceRegistry[],
): Comparison {
  const rows: string[][] = [['instance', 'digest', 'clients', 'agrees']];
  rows.push([local.label, local.summary.digest, String(local.summary.clients), '(local)']);
  let differing = 0;
  let unknown = 0;
  for (const { instance, summary, problem } of instances) {
    const agrees = summary !== null && summary.digest === local.summary.digest;
    if (summary === null) unknown++;
    else if (!agrees) differing++;
    const verdict = agrees ? 'yes' : 'no';
    rows.push([
      instance,
      summary?.digest ?? '-',
      summary === null ? '-' : String(summary.clients),
      problem === null ? verdict : `${verdict} (${problem})`,
    ]);
  }
  const lines = table(rows);
  const file = local.file ?? 'the registration file';
  if (differing > 0) {
    lines.push(
      `✗ registry: ${differing} of ${instances.length} instance(s) loaded other clients than ${file}: the registration files differ. Copy the same file to every instance; each reloads it when it changes (if one holds it back as suspect, run \`sesame clients reload --force\` there).`,
    );
  }
  if (unknown > 0) {
    lines.push(
      `✗ registry: ${unknown} of ${instances.length} instance(s) could not be compared: check that the URL is the instance's base URL (its issuer) and that it is running Sesame.`,
    );
  }
  if (differing === 0 && unknown === 0) {
    lines.push(`✓ registry: all ${instances.length} instance(s) loaded the same clients as ${file}`);
  }
  return { agreed: differing === 0 && unknown === 0, lines };
}

async function loadInstanceRegistry(instance: string): Promise<InstanceRegistry> {
  const url = endpointUrl(instance, paths.healthCheck);
  let status: number;
  let text: string;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(compareTimeoutMs), redirect: 'manual' });
    status = response.status;
    if (status >= 300 && status < 400) {
      await response.body?.cancel();
      const location = response.headers.get('location');
      return unanswered(instance, `${url} redirects${location === null ? '' : ` to ${location}`}`);
    }
    text = await readBounded(response);
  } catch (error) {
    return unanswered(instance, `${url}: ${fetchFailure(error)}`);
  }
  const parsed = healthBody.safeParse(parseJson(text));
  const answered = status === 200 ? null : `answered HTTP ${status}`;
  if (!parsed.success) {
    return unanswered(
      instance,
      answered ?? `${url} reports no registry digest (not Sesame, or an older one)`,
    );
  }
  return { instance, summary: parsed.data.registry, problem: answered };
}

function unanswered(instance: string, problem: string): InstanceRegistry {
  return { instance, summary: null, problem };
}

/** The body as text, refused past {@link maxBodyBytes}. */
async function readBounded(response: Response): Promise<string> {
  if (response.body === null) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    size += chunk.byteLength;
    if (size > maxBodyBytes) throw new Error(`its answer is larger than ${maxBodyBytes} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** Why a request failed, in the words an operator acts on. */
function fetchFailure(error: unknown): string {
  if (error instanceof Error && error.name === 'TimeoutError') {
    return `no answer within ${compareTimeoutMs / 1000} s`;
  }
  const code = (error as { cause?: { code?: unknown } }).cause?.code;
  if (typeof code === 'string') return `cannot connect (${code})`;
  return error instanceof Error ? error.message : String(error);
}

/** Left-aligned columns, two spaces apart. */
function table(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) =>
    row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  '),
  );
}
