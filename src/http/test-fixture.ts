/**
 * A real Fastify instance with the given routes, for server-level tests with `inject`: the token
 * endpoint fixture's storage, keys and identity backend, plus browser sessions, a throttle and
 * a CSRF key. Clients come from a list the test may change between requests, as a registry
 * reload would.
 */
import { randomBytes } from 'node:crypto';
import { WarningGate } from '../lib/warning-gate.js';
import { StorageHealth } from '../endpoints/health-check/storage-health.js';
import type { FastifyInstance } from 'fastify';
import type { Client, ClientLookup } from '../clients/types.js';
import type { Config } from '../config/types.js';
import type { Storage } from '../storage/types.js';
import { createFixture, type Fixture } from '../endpoints/token/test-fixture.js';
import type { BrowserDeps } from '../endpoints/types.js';
import { LoginThrottle } from '../endpoints/signin/throttle.js';
import { SessionManager } from '../sessions/session-manager.js';
import type { Route } from './routes.js';
import { buildServer } from './server.js';

export interface TestServer {
  readonly app: FastifyInstance;
  readonly deps: BrowserDeps;
  readonly fixture: Fixture;
  /** The clients the server sees; replace the contents to simulate a registry reload. */
  readonly clients: Client[];
  close(): Promise<void>;
}

export interface TestServerOptions {
  readonly config?: Partial<Config>;
  /** Default: the token fixture's clients. */
  readonly clients?: readonly Client[];
  /** The routes to serve: `routes()` of src/routes.ts, or just the ones a test is about. */
  readonly routes: (deps: BrowserDeps) => readonly Route[];
  /** Default: the token fixture's memory storage. */
  readonly storage?: Storage;
}

export async function startTestServer(options: TestServerOptions): Promise<TestServer> {
  const base = await createFixture();
  const fixture: Fixture =
    options.storage === undefined
      ? base
      : { ...base, storage: options.storage, deps: { ...base.deps, storage: options.storage } };
  const config: Config = { ...fixture.deps.config, ...options.config };
  const clients: Client[] = [...(options.clients ?? fixture.deps.clients.all())];
  const lookup: ClientLookup = {
    get: (id) => clients.find((c) => c.id === id) ?? null,
    // A new list each time, as after a reload: ClientLookup.all() lists are never changed in place.
    all: () => [...clients],
  };
  const deps: BrowserDeps = {
    ...fixture.deps,
    config,
    clients: lookup,
    sessions: new SessionManager({
      storage: fixture.storage,
      clock: fixture.clock,
      idleSeconds: config.lifetimes.sessionIdle,
      absoluteSeconds: config.lifetimes.sessionAbsolute,
    }),
    throttle: new LoginThrottle({
      store: fixture.storage.throttle,
      limits: config.throttle,
      clock: fixture.clock,
      log: fixture.deps.log,
    }),
    csrfKey: randomBytes(32),
    warnings: new WarningGate(),
    storageHealth: new StorageHealth({
      storage: fixture.storage,
      clock: fixture.clock,
      log: fixture.deps.log,
    }),
  };
  const app = await buildServer({ deps, routes: options.routes(deps) });
  await app.ready();
  return { app, deps, fixture, clients, close: () => app.close() };
}
