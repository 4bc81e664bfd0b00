import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { Client, InappropriateAuthError, InvalidCredentialsError, ResultCodeError } from 'ldapts';
import type { Logger } from 'pino';
import type { LdapConfig } from '../../config/types.js';
import { IdentityUnavailableError } from '../types.js';
import type { DirectoryHealth } from './directory-health.js';
import { noMetrics, type Metrics } from '../../metrics/metrics.js';
import { operationLabel, timedLdapOperation } from './operation-metrics.js';
import { describeResultCode, isDirectoryUnavailable, serviceBindTrouble } from './result-codes.js';

/** What opening a connection needs from the configuration. */
export type ConnectionConfig = Pick<LdapConfig, 'uri' | 'startTls' | 'insecureTls' | 'timeoutSeconds'>;

/**
 * Opens a connection and binds (simple bind; anonymous when `dn` is null). ldaps:// is TLS from
 * the start; ldap:// is upgraded with StartTLS when `startTls` is set (RFC 4513 §3). Certificates
 * are verified unless `insecureTls`. Connecting, TLS and the bind together take at most
 * `timeoutSeconds`; every later operation on the client has the same limit. Throws what
 * ldapts throws; the socket is closed on failure.
 */
export async function openConnection(
  config: ConnectionConfig,
  dn: string | null,
  password: string | null,
): Promise<Client> {
  const timeout = config.timeoutSeconds * 1000;
  const url = new URL(config.uri);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const tlsOptions: ConnectionOptions = {
    rejectUnauthorized: !config.insecureTls,
    host,
    ...(isIP(host) === 0 ? { servername: host } : {}),
  };
  // ldapts treats any tlsOptions as "connect with TLS", so pass them only for ldaps://.
  const client = new Client({
    url: config.uri,
    timeout,
    connectTimeout: timeout,
    ...(url.protocol === 'ldaps:' ? { tlsOptions } : {}),
  });
  const establish = async (): Promise<void> => {
    if (config.startTls && url.protocol === 'ldap:') await client.startTLS(tlsOptions);
    await client.bind(dn ?? '', password ?? '');
  };
  try {
    await withDeadline(establish(), timeout, 'LDAP connect and bind');
    return client;
  } catch (error) {
    await closeQuietly(client);
    throw error;
  }
}

/**
 * Checks a user's password by binding as their DN on a connection of its own (konnect-spec
 * §1.4). Returns false for rejected credentials (invalidCredentials, inappropriateAuthentication).
 * Throws `IdentityUnavailableError` when the directory cannot be reached or answers that it
 * cannot serve now (`result-codes.ts`), both reported to `health`, or refuses for another reason
 * (logged at warn, with the code).
 */
export async function checkPassword(
  config: ConnectionConfig,
  dn: string,
  password: string,
  health: DirectoryHealth,
  log: Logger,
  metrics: Pick<Metrics, 'ldapOperation'> = noMetrics,
): Promise<boolean> {
  return timedLdapOperation(metrics, 'user_bind', () => bindAsUser(config, dn, password, health, log));
}

async function bindAsUser(
  config: ConnectionConfig,
  dn: string,
  password: string,
  health: DirectoryHealth,
  log: Logger,
): Promise<boolean> {
  let client: Client | null = null;
  try {
    client = await openConnection(config, dn, password);
    health.answered();
    return true;
  } catch (error) {
    if (!(error instanceof ResultCodeError) || isDirectoryUnavailable(error)) {
      throw unavailable(error, health, 'LDAP user bind failed');
    }
    health.answered();
    if (error instanceof InvalidCredentialsError || error instanceof InappropriateAuthError) return false;
    throw refused(error, log, 'LDAP user bind failed');
  } finally {
    if (client !== null) await closeQuietly(client);
  }
}

/**
 * The service account's connection (`LDAP_BINDDN`), shared by all requests and opened on first
 * use. A connection that fails is dropped and the next call opens a new one, so the backend
 * recovers by itself when the directory comes back. An operation that fails on a connection
 * reused from earlier is tried once more on a fresh one (the server may have closed it while
 * idle). Result codes that say the directory cannot serve now (busy, unavailable, unwilling,
 * limits exceeded: `result-codes.ts`) become `IdentityUnavailableError`, like network failures;
 * other directory result codes (`ResultCodeError`) reach the caller unchanged. Whether the
 * directory can be used is reported to `health`, which logs when that changes.
 *
 * A rejected service bind is told apart from a directory that cannot serve
 * (`serviceBindTrouble`): only the first asks the operator to check LDAP_BINDDN and LDAP_BINDPW.
 */
export class ServiceConnection {
  #client: Client | null = null;
  #opening: Promise<Client> | null = null;
  /** Connections that have completed an operation, so a failure on them may be staleness. */
  readonly #proven = new WeakSet<Client>();
  #closed = false;

  constructor(
    private readonly config: LdapConfig,
    private readonly log: Logger,
    private readonly health: DirectoryHealth,
    private readonly metrics: Pick<Metrics, 'ldapOperation'> = noMetrics,
  ) {}

  /**
   * Runs `operation` on the connection; `what` names it in reasons ("LDAP user search") and in
   * the metrics (`user_search`).
   */
  use<T>(what: string, operation: (client: Client) => Promise<T>): Promise<T> {
    return timedLdapOperation(this.metrics, operationLabel(what), () => this.#use(what, operation));
  }

  async #use<T>(what: string, operation: (client: Client) => Promise<T>): Promise<T> {
    const client = await this.#acquire();
    try {
      return await this.#run(client, what, operation);
    } catch (error) {
      if (!isConnectionFailure(error)) throw error;
      this.#discard(client);
      if (!this.#proven.has(client)) throw unavailable(error, this.health, `${what} failed`);
      // Routine after an idle period; if the directory is really gone, the retry reports it.
      this.log.trace({ reason: messageOf(error) }, 'LDAP connection went stale, reconnecting');
    }
    const fresh = await this.#acquire();
    try {
      return await this.#run(fresh, what, operation);
    } catch (error) {
      if (!isConnectionFailure(error)) throw error;
      this.#discard(fresh);
      throw unavailable(error, this.health, `${what} failed`);
    }
  }

  /** Unbinds the service connection; later calls fail with `IdentityUnavailableError`. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#opening?.catch(() => null);
    const client = this.#client;
    this.#client = null;
    if (client !== null) await closeQuietly(client);
  }

  /**
   * Runs `operation`. Any answer from the directory, a result code included, shows it is there
   * — except one saying it cannot serve now, which is an outage (`IdentityUnavailableError`).
   */
  async #run<T>(client: Client, what: string, operation: (client: Client) => Promise<T>): Promise<T> {
    try {
      const result = await operation(client);
      this.#proven.add(client);
      this.health.answered();
      return result;
    } catch (error) {
      if (isDirectoryUnavailable(error)) throw unavailable(error, this.health, `${what} failed`);
      if (!isConnectionFailure(error)) this.health.answered();
      throw error;
    }
  }

  #acquire(): Promise<Client> {
    if (this.#closed) return Promise.reject(new IdentityUnavailableError('the LDAP backend is closed'));
    if (this.#client !== null) {
      if (this.#client.isConnected) return Promise.resolve(this.#client);
      this.#discard(this.#client);
    }
    // Concurrent requests share one connection attempt, and so one failure.
    this.#opening ??= this.#open().finally(() => {
      this.#opening = null;
    });
    return this.#opening;
  }

  async #open(): Promise<Client> {
    const { bindDn, bindPassword } = this.config;
    let client: Client;
    try {
      client = await openConnection(this.config, bindDn, bindPassword);
    } catch (error) {
      if (error instanceof ResultCodeError) {
        const account = bindDn ?? 'anonymous';
        const trouble = serviceBindTrouble(error, bindPassword);
        if (trouble === 'unavailable') {
          throw unavailable(error, this.health, `LDAP service bind as ${account} failed`);
        }
        // The server answered but refused the service account: only the operator can fix it.
        const answer = describeResultCode(error);
        this.health.failed(trouble, `${account}: ${answer}`);
        const what =
          trouble === 'service-bind-rejected'
            ? `rejected: check LDAP_BINDDN and LDAP_BINDPW (${answer})`
            : `refused: ${answer}`;
        throw new IdentityUnavailableError(`the LDAP service bind as ${account} was ${what}`, {
          cause: error,
        });
      }
      throw unavailable(error, this.health, 'cannot connect to the LDAP server');
    }
    if (this.#closed) {
      await closeQuietly(client);
      throw new IdentityUnavailableError('the LDAP backend is closed');
    }
    this.#client = client;
    return client;
  }

  #discard(client: Client): void {
    if (this.#client === client) this.#client = null;
    void closeQuietly(client);
  }
}

/**
 * True for network failures and timeouts; false for directory answers, programming errors and
 * failures already reported (`IdentityUnavailableError`).
 */
export function isConnectionFailure(error: unknown): boolean {
  return !(
    error instanceof ResultCodeError ||
    error instanceof IdentityUnavailableError ||
    error instanceof TypeError ||
    error instanceof RangeError
  );
}

/**
 * Turns a failure to reach the directory, or an answer that it cannot serve now
 * (`isDirectoryUnavailable`), into `IdentityUnavailableError`, reporting it to `health` (which
 * logs it when the outage begins). Nothing is logged per request here: callers log the error
 * they catch at debug.
 */
export function unavailable(
  error: unknown,
  health: DirectoryHealth,
  message: string,
): IdentityUnavailableError {
  if (error instanceof IdentityUnavailableError) return error;
  const reason = `${message}: ${messageOf(error)}`;
  health.failed(isDirectoryUnavailable(error) ? 'unavailable' : 'unreachable', reason);
  return new IdentityUnavailableError(reason, { cause: error });
}

/**
 * The directory answered with a result code Sesame does not expect there (not one of
 * `UNAVAILABLE_CODES`, which are an outage): logged at warn for each request (without a stack,
 * it says nothing about Sesame) and turned into `IdentityUnavailableError`.
 */
export function refused(error: ResultCodeError, log: Logger, message: string): IdentityUnavailableError {
  const reason = `${message}: ${messageOf(error)}`;
  log.warn({ code: error.code, reason }, message);
  return new IdentityUnavailableError(reason, { cause: error });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function closeQuietly(client: Client): Promise<void> {
  try {
    if (client.isConnected) await client.unbind();
  } catch {
    // Already gone; nothing to release.
  }
}

async function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
    promise.catch(() => {});
  }
}
