/**
 * A real Fastify server for the registration endpoint tests: the browser fixture's storage,
 * keys, directory and sessions (issuer https://meet.example.com, Kopano Meet's clients in the
 * registration file), with the dynamically registered clients layered beneath the file's
 * exactly as app.ts does, and every route of src/routes.ts. Requests go through `inject`, so
 * the JSON body parser of http/server.ts is part of every test.
 */
import { pino } from 'pino';
import { ClientRegistry } from '../../clients/registry.js';
import { DynamicClientRegistry } from '../../clients/dynamic-client-registry.js';
import { withDynamicClients } from '../../clients/dynamic-client-lookup.js';
import type { Client } from '../../clients/types.js';
import { buildServer } from '../../http/server.js';
import { routes } from '../../routes.js';
import { createBrowserFixture, type BrowserFixture } from '../authorize/test-browser-fixture.js';
import { MEET, OPEN_GUESTS, UNSIGNED, WEB } from '../authorize/test-parties.js';
import { paths } from '../paths.js';
import type { BrowserDeps } from '../types.js';

export interface RegistrationServerOptions {
  /** `allow_dynamic_client_registration`; default true. */
  readonly enabled?: boolean;
  /** Konnect compatibility relaxations; default false (as `sesame serve`). */
  readonly compat?: boolean;
  /** The registration file's clients; default Meet's fixture parties. */
  readonly clients?: readonly Client[];
  readonly maxClients?: number;
}

export interface Answer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | number | undefined>>;
  /** The parsed JSON body; null for an empty or non-JSON body. */
  readonly json: Record<string, unknown> | null;
  readonly text: string;
}

export interface RequestOptions {
  /** Sent as JSON (`application/json`) unless `body` is given. */
  readonly json?: unknown;
  /** A raw body, sent with `contentType`. */
  readonly body?: string;
  readonly contentType?: string;
  /** `Authorization: Bearer <token>`. */
  readonly token?: string;
  readonly headers?: Record<string, string>;
}

export interface RegistrationServer {
  readonly app: Awaited<ReturnType<typeof buildServer>>;
  readonly fx: BrowserFixture;
  readonly deps: BrowserDeps;
  readonly dynamic: DynamicClientRegistry;
  /** Any request to the server. */
  call(method: string, url: string, options?: RequestOptions): Promise<Answer>;
  /** POST the metadata to the registration endpoint. */
  register(metadata: unknown): Promise<Answer>;
  close(): Promise<void>;
}

export const HTTPS_REDIRECT = 'https://rp.example.org/callback';

/** The smallest registration of a confidential web client. */
export const WEB_METADATA = Object.freeze({ redirect_uris: [HTTPS_REDIRECT], client_name: 'Example RP' });

export async function startRegistrationServer(
  options: RegistrationServerOptions = {},
): Promise<RegistrationServer> {
  const fx = await createBrowserFixture({ compat: options.compat ?? false });
  const dynamic = await DynamicClientRegistry.load({
    store: fx.storage.dynamicClients,
    issuer: fx.deps.config.issuer,
    log: pino({ level: 'silent' }),
    ...(options.maxClients === undefined ? {} : { maxClients: options.maxClients }),
  });
  const file = ClientRegistry.fromClients(options.clients ?? [MEET, WEB, UNSIGNED, OPEN_GUESTS]);
  const deps: BrowserDeps = {
    ...fx.deps,
    config: { ...fx.deps.config, allowDynamicClientRegistration: options.enabled ?? true },
    clients: withDynamicClients(file, dynamic),
  };
  const app = await buildServer({ deps, routes: routes(deps, null, dynamic) });
  await app.ready();
  const call = async (method: string, url: string, request: RequestOptions = {}): Promise<Answer> => {
    const headers: Record<string, string> = { ...request.headers };
    if (request.token !== undefined) headers['authorization'] = `Bearer ${request.token}`;
    let payload: string | undefined;
    if (request.body !== undefined) {
      payload = request.body;
      if (request.contentType !== undefined) headers['content-type'] = request.contentType;
    } else if (request.json !== undefined) {
      payload = JSON.stringify(request.json);
      headers['content-type'] = 'application/json';
    }
    const response = await app.inject({
      method: method as 'GET',
      url,
      headers,
      ...(payload === undefined ? {} : { payload }),
    });
    let json: Record<string, unknown> | null;
    try {
      json = JSON.parse(response.body) as Record<string, unknown>;
    } catch {
      json = null;
    }
    return { status: response.statusCode, headers: response.headers, json, text: response.body };
  };
  return {
    app,
    fx,
    deps,
    dynamic,
    call,
    register: (metadata) => call('POST', paths.registration, { json: metadata }),
    close: () => app.close(),
  };
}

/** The path of `registration_client_uri`, for `inject`. */
export function pathOf(uri: unknown): string {
  return new URL(String(uri)).pathname;
}
