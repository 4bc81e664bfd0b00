import { watch as watchDirectory, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { pino, type Logger } from 'pino';
import type { CompatRelaxations } from '../config/types.js';
import type { Client, ClientLookup } from './types.js';
import { RegistrationFileError } from './registration-error.js';
import { parseRegistration, type ParsedRegistration } from './registry-file.js';
import { compatWarnings } from './compat-warnings.js';

export interface ClientRegistryOptions {
  /** Path of a Konnect `identifier-registration.yaml`, or null for no file clients. */
  readonly file: string | null;
  readonly issuer: string;
  readonly compat: CompatRelaxations;
  readonly log: Logger;
}

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
 * whole set at once, and a broken file never replaces the last good set.
 */
export class ClientRegistry implements ClientLookup {
  private clients: ReadonlyMap<string, Client> = new Map();
  private lastText: string | null = null;
  private watcher: FSWatcher | null = null;
  private timer: NodeJS.Timeout | null = null;
  private pending: Promise<boolean> = Promise.resolve(true);
  private listed: { readonly from: ReadonlyMap<string, Client>; readonly list: readonly Client[] } | null =
    null;

  private constructor(private readonly options: ClientRegistryOptions) {}

  /**
   * Loads the file once. A file that cannot be read or parsed throws
   * {@link RegistrationFileError}: Sesame refuses to start rather than run without clients.
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
      const text = await registry.read(options.file);
      registry.apply(registry.parse(text, options.file), text);
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
    });
    registry.clients = new Map(clients.map((c) => [c.id, c]));
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
   * Re-reads the file (on file change, and by the app on SIGHUP). Resolves true when the new
   * set is in force; on a broken file logs every problem with its `file:line:col`, keeps the
   * last good clients and resolves false. Never rejects. Reloads run one after another.
   */
  reload(): Promise<boolean> {
    return this.enqueue(false);
  }

  /**
   * Reloads whenever the file changes. Watches the file's directory, because editors and
   * config management replace files by rename; events are debounced by ~200 ms and an
   * unchanged file is not reloaded.
   */
  watch(): void {
    const file = this.options.file;
    if (file === null || this.watcher !== null) return;
    this.watcher = watchDirectory(dirname(file), () => {
      if (this.timer !== null) clearTimeout(this.timer);
      this.timer = setTimeout(() => {
        this.timer = null;
        void this.enqueue(true);
      }, debounceMs);
    });
    this.watcher.on('error', (error) => {
      this.options.log.error({ err: error, file }, 'cannot watch the identifier registration file');
    });
  }

  /** Stops watching. Idempotent. */
  close(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.watcher?.close();
    this.watcher = null;
  }

  private enqueue(onlyIfChanged: boolean): Promise<boolean> {
    this.pending = this.pending.then(() => this.reloadNow(onlyIfChanged));
    return this.pending;
  }

  private async reloadNow(onlyIfChanged: boolean): Promise<boolean> {
    const { file, log } = this.options;
    if (file === null) return true;
    try {
      const text = await this.read(file);
      if (onlyIfChanged && text === this.lastText) return true;
      this.apply(this.parse(text, file), text);
      log.info({ file, clients: this.clients.size }, 'reloaded identifier registration conf');
      return true;
    } catch (error) {
      const errors = error instanceof RegistrationFileError ? error.messages : [String(error)];
      log.error(
        { file, errors, kept_clients: this.clients.size },
        `identifier registration conf not reloaded, keeping the last good clients: ${errors.join('; ')}`,
      );
      return false;
    }
  }

  private async read(file: string): Promise<string> {
    try {
      return await readFile(file, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? String(error);
      throw new RegistrationFileError([`${file}: cannot read the registration file (${code})`]);
    }
  }

  private parse(text: string, file: string): ParsedRegistration {
    this.options.log.debug({ file }, `parsing identifier registration conf from ${file}`);
    return parseRegistration(text, file, { issuer: this.options.issuer });
  }

  private apply(parsed: ParsedRegistration, text: string): void {
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
    this.lastText = text;
  }
}
