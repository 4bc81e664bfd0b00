import { createHash, randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import { pino, type Logger } from 'pino';
import type { CompatRelaxations } from '../config/types.js';
import type { Client, ClientLookup } from './types.js';
import { RegistrationFileError } from './registration-error.js';
import type { ParsedRegistration } from './registry-file.js';
import { compatWarnings } from './compat-warnings.js';
import { summarizeRegistry, type RegistrySummary } from './registry-digest.js';
import { parseRegistrationOnce } from './load-registration.js';
import { parseRegistrationInWorker } from './parse-in-worker.js';
import { readRegistrationFile } from './read-registration-file.js';
import { suspectLoss, type ClientLoss } from './suspect-reload.js';
import { watchFile, type FileWatch } from './watch-file.js';
import type { Metrics } from '../metrics/metrics.js';

export interface ClientRegistryOptions {
  /** Path of a Konnect `identifier-registration.yaml`, or null for no file clients. */
  readonly file: string | null;
  readonly issuer: string;
  readonly compat: CompatRelaxations;
  readonly log: Logger;
  /** The largest file accepted, bytes (`limits.registration_file_bytes`). */
  readonly maxFileBytes: number;
  /**
   * The server's pid file (`<data_dir>/sesame.pid`), named with the commands that signal the
   * server in the error about a file held back; absent, the error names SIGHUP alone.
   */
  readonly pidFile?: string;
  /**
   * The key of the registry digest (`registryDigest`): the instance secret, so that instances
   * sharing it can compare digests. Absent, a random key: the digest is then comparable only
   * with itself (tests).
   */
  readonly digestKey?: Uint8Array;
  /** Counts reloads by outcome and the clients in force; absent, nothing is counted. */
  readonly metrics?: Pick<Metrics, 'registryReload' | 'registryClients'>;
}

/** What started a reload: the file watcher, or the operator (SIGHUP). */
type Trigger = 'watch' | 'explicit';

/** How long file events are collected before one reload (editors write, rename, chmod…). */
const debounceMs = 200;

const noCompat: CompatRelaxations = {
  anySecretForSecretlessClients: false,
  redirectUriIgnoresQuery: false,
  implicitTrustOnIssuerHost: false,
  lenientTokenRequests: false,
  trustedClientsGetAllScopes: false,
};

/**
 * The clients of the registration file (konnect-spec §2.1), read-only and hot-reloaded.
 * Invariants: `get`/`all` always answer from one complete, valid load — a reload swaps the
 * whole set at once, and a broken file never replaces the last good set. `get`/`all` never
 * touch the file: it is read and parsed only at `open` (in place when small: nothing is served
 * yet), by the file watcher and by `reload` (SIGHUP) — every reload parses in a worker
 * thread, so no request waits for a parse, however slow the text.
 */
export class ClientRegistry implements ClientLookup {
  private clients: ReadonlyMap<string, Client> = new Map();
  private current: RegistrySummary;
  /** SHA-256 of the text in force. */
  private appliedHash: string | null = null;
  /** What the last refusal was about (a text's hash, or a read error), so it is logged once. */
  private lastRefusal: string | null = null;
  private watcher: FileWatch | null = null;
  private readonly closing = new AbortController();
  private pending: Promise<boolean> = Promise.resolve(true);
  private listed: { readonly from: ReadonlyMap<string, Client>; readonly list: readonly Client[] } | null =
    null;

  private readonly digestKey: Uint8Array;

  private constructor(private readonly options: ClientRegistryOptions) {
    this.digestKey = options.digestKey ?? randomBytes(32);
    this.current = summarizeRegistry([], this.digestKey);
  }

  /**
   * Loads the file once. A file that cannot be read, is larger than `maxFileBytes`, or cannot
   * be parsed throws {@link RegistrationFileError}: Sesame refuses to start rather than run
   * without clients.
   */
  static async open(options: ClientRegistryOptions): Promise<ClientRegistry> {
    const registry = new ClientRegistry(options);
    if (options.compat.implicitTrustOnIssuerHost) {
      options.log.warn(
        { relaxation: 'implicitTrustOnIssuerHost' },
        "Konnect compatibility: an unregistered client_id whose redirect URI is on the issuer's origin is accepted as a trusted public client; each use is logged — register those clients and turn compatibility off to require registration",
      );
    }
    if (options.file !== null) {
      const text = await readRegistrationFile(options.file, options.maxFileBytes);
      options.log.debug({ file: options.file }, `parsing identifier registration conf from ${options.file}`);
      const parsed = await parseRegistrationOnce(text, options.file, {
        issuer: options.issuer,
        maxFileBytes: options.maxFileBytes,
      });
      registry.apply(parsed, hashOf(text));
    }
    return registry;
  }

  /** A registry over fixed clients, for tests and the demo instance; `reload()` does nothing. */
  static fromClients(clients: readonly Client[]): ClientRegistry {
    const registry = new ClientRegistry({
      file: null,
      issuer: '',
      compat: noCompat,
      log: pino({ enabled: false }),
      maxFileBytes: 0,
    });
    registry.clients = new Map(clients.map((c) => [c.id, c]));
    registry.current = summarizeRegistry(registry.all(), registry.digestKey);
    return registry;
  }

  get(clientId: string): Client | null {
    return this.clients.get(clientId) ?? null;
  }

  /** The same array until the next reload, so callers may cache what they derive from it. */
  all(): readonly Client[] {
    if (this.listed?.from !== this.clients) {
      this.listed = { from: this.clients, list: Object.freeze([...this.clients.values()]) };
    }
    return this.listed.list;
  }

  /**
   * The digest (`registryDigest`) and number of the clients in force, replaced with
   * them on every reload that applies a file: instances that loaded the same clients report the
   * same digest, whatever their files' comments and layout.
   */
  get summary(): RegistrySummary {
    return this.current;
  }

  /** The `sha256:…` digest of {@link summary}. */
  get digest(): string {
    return this.current.digest;
  }

  /**
   * The operator's reload (SIGHUP, `sesame clients reload --force`): re-reads the file and
   * applies whatever parses, even a file that removes most clients — that is how such a file
   * is confirmed. Resolves true when the new set is in force; on a broken file logs every
   * problem with its `file:line:col`, keeps the last good clients and resolves false. Never
   * rejects. Reloads run one after another.
   */
  reload(): Promise<boolean> {
    return this.enqueue('explicit');
  }

  /**
   * Reloads when the file changes (see {@link watchFile}: the file's own name, renames
   * included; other files in its directory are ignored), ~200 ms after events settle. Such a
   * reload skips an unchanged text, logs a refused text once however often it is saved, and
   * never applies a suspect file (see {@link suspectLoss}): it keeps the last good clients and
   * logs at error how to confirm the file.
   */
  watch(): void {
    const { file, log } = this.options;
    if (file === null || this.watcher !== null) return;
    this.watcher = watchFile(file, () => void this.enqueue('watch'), {
      debounceMs,
      onError: (error) => log.error({ err: error, file }, 'cannot watch the identifier registration file'),
    });
  }

  /** Stops watching and ends a parse under way. Idempotent. */
  close(): void {
    this.watcher?.close();
    this.watcher = null;
    this.closing.abort(new Error('the client registry is closed'));
  }

  private enqueue(trigger: Trigger): Promise<boolean> {
    this.pending = this.pending.then(() => this.reloadNow(trigger));
    return this.pending;
  }

  private async reloadNow(trigger: Trigger): Promise<boolean> {
    const { file, log } = this.options;
    if (file === null) return true;
    if (this.closing.signal.aborted) return false;
    let text: string;
    try {
      text = await readRegistrationFile(file, this.options.maxFileBytes);
    } catch (error) {
      return this.refuse(trigger, `read: ${describe(error).join('; ')}`, describe(error));
    }
    const hash = hashOf(text);
    if (trigger === 'watch') {
      if (hash === this.appliedHash) {
        this.lastRefusal = null;
        return true;
      }
      if (this.lastRefusal === `text: ${hash}`) return false;
    }
    let parsed: ParsedRegistration;
    try {
      parsed = await this.parseInWorker(text, file);
    } catch (error) {
      if (this.closing.signal.aborted) return false;
      return this.refuse(trigger, `text: ${hash}`, describe(error));
    }
    const loss = suspectLoss(
      this.clients.keys(),
      parsed.clients.map((c) => c.id),
    );
    if (loss !== null && trigger === 'watch') {
      this.options.metrics?.registryReload('held_back', trigger);
      return this.holdBack(loss, hash);
    }
    if (loss !== null) {
      log.warn(
        { file, removed_clients: loss.removed.slice(0, 20) },
        `applying the identifier registration conf as requested, although it ${lossText(loss)}`,
      );
    }
    this.apply(parsed, hash);
    this.options.metrics?.registryReload('applied', trigger);
    log.info({ file, clients: this.clients.size }, 'reloaded identifier registration conf');
    return true;
  }

  /** A serving registry parses in a worker, whatever the size: no text can hold up requests. */
  private parseInWorker(text: string, file: string): Promise<ParsedRegistration> {
    this.options.log.debug({ file }, `parsing identifier registration conf from ${file}`);
    return parseRegistrationInWorker(text, file, {
      issuer: this.options.issuer,
      maxFileBytes: this.options.maxFileBytes,
      signal: this.closing.signal,
    });
  }

  /** Keeps the clients in force instead of a suspect file, saying how to confirm it. */
  private holdBack(loss: ClientLoss, hash: string): false {
    this.lastRefusal = `text: ${hash}`;
    this.options.log.error(
      {
        file: this.options.file,
        kept_clients: loss.before,
        clients_in_file: loss.after,
        removed_clients: loss.removed.slice(0, 20),
        pid_file: this.options.pidFile,
      },
      `identifier registration conf not applied: it ${lossText(loss)}, which looks like an emptied or truncated file; keeping the last good clients. If it is intended, apply it: ${confirmText(this.options.pidFile)}`,
    );
    return false;
  }

  /** Logs a refused reload — the operator's always, the watcher's once per distinct cause. */
  private refuse(trigger: Trigger, cause: string, errors: readonly string[]): false {
    this.options.metrics?.registryReload('refused', trigger);
    if (trigger === 'watch' && cause === this.lastRefusal) return false;
    this.lastRefusal = cause;
    this.options.log.error(
      { file: this.options.file, errors, kept_clients: this.clients.size },
      `identifier registration conf not reloaded, keeping the last good clients: ${errors.join('; ')}`,
    );
    return false;
  }

  private apply(parsed: ParsedRegistration, hash: string): void {
    const { log, compat } = this.options;
    const skipped = new Set(parsed.skipped);
    for (const note of parsed.notes) log.info(note);
    for (const warning of parsed.warnings) {
      if (skipped.has(warning)) log.warn({ error: warning }, 'skipped registration of invalid client');
      else log.warn(warning);
    }
    for (const c of parsed.clients) {
      // Konnect's line, field for field (konnect-spec §6).
      log.debug(
        {
          application_type: c.applicationType,
          client_id: c.id,
          insecure: c.insecure,
          origins: c.origins,
          redirect_uris: c.redirectUris,
          trusted: c.trusted,
          with_client_secret: c.secret !== null,
        },
        'registered client',
      );
      for (const w of compatWarnings(c, compat)) {
        log.warn({ client_id: c.id, relaxation: w.relaxation, source: c.source }, w.message);
      }
    }
    this.clients = new Map(parsed.clients.map((c) => [c.id, c]));
    this.current = summarizeRegistry(this.all(), this.digestKey);
    this.options.metrics?.registryClients(this.clients.size);
    this.appliedHash = hash;
    this.lastRefusal = null;
  }
}

function hashOf(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}

function describe(error: unknown): readonly string[] {
  return error instanceof RegistrationFileError ? error.messages : [String(error)];
}

/** How the operator makes the server apply a held-back file, with the server's pid file when known. */
function confirmText(pidFile: string | undefined): string {
  if (pidFile === undefined) return 'send the server SIGHUP, or run `sesame clients reload --force`';
  const dataDir = dirname(pidFile);
  return `\`kill -HUP $(cat ${shellWord(pidFile)})\`, or \`sesame clients reload --force --data-dir ${shellWord(dataDir)}\``;
}

/** `text` as one shell word, quoted when it needs to be. */
function shellWord(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`;
}

function lossText(loss: ClientLoss): string {
  const all = loss.removed.length === loss.before ? ' (all of them)' : '';
  return `removes ${loss.removed.length} of the ${loss.before} clients in force${all}, leaving ${loss.after}`;
}
