import type { Logger } from 'pino';
import { WarningGate } from './lib/warning-gate.js';
import type { Config } from './config/types.js';
import type { Storage } from './storage/types.js';
import { openStorage } from './storage/open.js';
import { loadInstanceKeys } from './tokens/instance-keys.js';
import { createTokenService } from './tokens/token-service.js';
import { ClientRegistry } from './clients/registry.js';
import { DynamicClientRegistry } from './clients/dynamic-client-registry.js';
import { withDynamicClients } from './clients/dynamic-client-lookup.js';
import { pidFilePath } from './cli/pid-file.js';
import { loadScopeDefinitions, noScopeDefinitions } from './clients/scopes-file.js';
import { createBuiltinBackend } from './identity/builtin/builtin-backend.js';
import { SessionManager } from './sessions/session-manager.js';
import { LoginThrottle } from './endpoints/signin/throttle.js';
import { systemClock, type Clock } from './lib/clock.js';
import { buildServer } from './http/server.js';
import { routes } from './routes.js';
import { loadInstanceSecret } from './secrets.js';
import { ensureDemo, type DemoInfo } from './demo.js';
import type { BrowserDeps } from './endpoints/types.js';
import { UserCache } from './endpoints/userinfo/user-cache.js';
import { DeliveryWorker } from './logout/delivery-worker.js';
import { StorageHealth } from './endpoints/health-check/storage-health.js';
import { identityHealthFor } from './endpoints/health-check/identity-health.js';
import { failingDependencies, type FailingDependency } from './endpoints/health-check/dependencies.js';
import { noMetrics } from './metrics/metrics.js';
import type { PrometheusMetrics } from './metrics/prometheus-metrics.js';
import { instrumentStorage } from './metrics/instrument-storage.js';
import { createMetricsListener, type MetricsListener } from './metrics/metrics-listener.js';

export interface App {
  readonly config: Config;
  readonly server: Awaited<ReturnType<typeof buildServer>>;
  readonly storage: Storage;
  readonly registry: ClientRegistry;
  readonly demo: DemoInfo | null;
  /** Serves `/metrics` on `config.metrics.listen` once `listen()` is called; null when metrics are off. */
  readonly metricsListener: MetricsListener | null;
  /**
   * The dependencies (storage, the LDAP directory) that do not answer now, with why; empty when
   * all do. The same checks as `/health-check`, sharing its once-a-second limit.
   */
  failingDependencies(): Promise<FailingDependency[]>;
  /** Stops watching, closes the server, then storage. */
  close(): Promise<void>;
}

const PURGE_INTERVAL_MS = 5 * 60 * 1000;

/** The composition root: builds every part from the frozen Config. No module-level state. */
export async function createApp(
  config: Config,
  log: Logger,
  clock: Clock = systemClock,
  // A registry of this app's own, never prom-client's global one; nothing is counted when off.
  // Made once by a caller that tries again (`startApp`): its process monitors cannot be stopped.
  // Left out, it is made here when `config.metrics` is set.
  given?: PrometheusMetrics | null,
): Promise<App> {
  const metrics = given === undefined ? await metricsFor(config) : given;
  const opened = await openStorage(config.storage);
  const storage = metrics === null ? opened : instrumentStorage(opened, metrics);
  const counted = metrics ?? noMetrics;
  try {
    const demo = config.demo ? await ensureDemo(config, storage, log) : null;
    const csrfKey = await loadInstanceSecret(config, log);
    const keys = await loadInstanceKeys(config, log, {
      store: storage.generatedKeys,
      secret: csrfKey,
      clock,
    });
    const tokens = await createTokenService({
      issuer: config.issuer,
      keys: keys.source,
      alg: config.signing.alg,
      lifetimes: config.lifetimes,
      accessTokenFormat: config.accessTokenFormat,
      clock,
    });
    const registry = await ClientRegistry.open({
      file: demo?.registrationFile ?? config.registration,
      issuer: config.issuer,
      compat: config.compat,
      log,
      maxFileBytes: config.limits.registrationFileBytes,
      pidFile: pidFilePath(config.dataDir),
      digestKey: csrfKey,
      metrics: counted,
    });
    // RFC 7591 clients, under the file's; none are served while registration is off.
    const dynamicClients = config.allowDynamicClientRegistration
      ? await DynamicClientRegistry.load({ store: storage.dynamicClients, issuer: config.issuer, log })
      : null;
    const scopeDefinitions = config.identifierScopes
      ? await loadScopeDefinitions(config.identifierScopes)
      : noScopeDefinitions;
    if (config.identifierScopes) {
      log.debug({ file: config.identifierScopes }, 'parsing identifier scopes conf');
      for (const warning of scopeDefinitions.warnings) log.warn(warning);
    }
    const identity =
      config.identity.kind === 'ldap'
        ? (await import('./identity/ldap/index.js')).createLdapBackend(
            config.identity.ldap,
            log,
            clock,
            counted,
          )
        : createBuiltinBackend(storage.users, { hashing: config.passwords, log, clock });
    const deps: BrowserDeps = {
      config,
      storage,
      scopeDefinitions,
      clients: dynamicClients === null ? registry : withDynamicClients(registry, dynamicClients),
      registry,
      tokens,
      identity,
      clock,
      log,
      sessions: new SessionManager({
        storage,
        clock,
        idleSeconds: config.lifetimes.sessionIdle,
        absoluteSeconds: config.lifetimes.sessionAbsolute,
      }),
      throttle: new LoginThrottle({
        store: storage.throttle,
        limits: config.throttle,
        clock,
        log,
        metrics: counted,
      }),
      csrfKey,
      warnings: new WarningGate(),
      storageHealth: new StorageHealth({ storage, clock, log }),
      identityHealth: identityHealthFor(identity, 'ldap', clock, log),
      metrics: counted,
      userinfoUsers: new UserCache({ clock }),
    };
    const server = await buildServer({ deps, routes: routes(deps, demo, dynamicClients) });
    registry.watch();
    dynamicClients?.startSync();
    keys.ring?.start();
    const purge = setInterval(() => {
      storage
        .purgeExpired(clock.now())
        .catch((err: unknown) => log.warn({ err }, 'purging expired records failed'));
    }, PURGE_INTERVAL_MS);
    purge.unref();
    const backchannelLogout = new DeliveryWorker({ storage, tokens, clients: deps.clients, clock, log });
    backchannelLogout.start();
    const metricsListener =
      metrics && config.metrics
        ? createMetricsListener({ registry: metrics.registry, listen: config.metrics.listen, log })
        : null;
    return {
      config,
      server,
      storage,
      registry,
      demo,
      metricsListener,
      failingDependencies: () => failingDependencies(deps),
      async close() {
        clearInterval(purge);
        dynamicClients?.stop();
        await keys.ring?.stop();
        await backchannelLogout.stop();
        registry.close();
        await server.close();
        await metricsListener?.close();
        await deps.identity.close();
        await storage.close();
      },
    };
  } catch (error) {
    await storage.close();
    throw error;
  }
}

/**
 * A Prometheus registry of the app's own when `config.metrics` is set, else null. prom-client is
 * loaded only then: an instance without metrics starts without it (issue 11).
 */
export async function metricsFor(config: Pick<Config, 'metrics'>): Promise<PrometheusMetrics | null> {
  if (!config.metrics) return null;
  const { createPrometheusMetrics } = await import('./metrics/prometheus-metrics.js');
  return createPrometheusMetrics();
}
