import assert from 'node:assert/strict';
import { pino } from 'pino';
import { ClientRegistry, type ClientRegistryOptions } from './registry.js';

/** One pino JSON line as the registry logged it. */
export type LogLine = Record<string, unknown> & { level: number; msg: string };

/** pino's numeric levels. */
export const level = { debug: 20, info: 30, warn: 40, error: 50 } as const;

/** A real pino logger at debug whose JSON lines are kept for assertions. */
export function captureLog(): { log: pino.Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const log = pino({ level: 'debug' }, { write: (s: string) => void lines.push(JSON.parse(s) as LogLine) });
  return { log, lines };
}

/** A registration file with one trusted web client per id. */
export function clientsYaml(...ids: string[]): string {
  return (
    'clients:\n' +
    ids
      .map((id) => `  - id: ${id}\n    trusted: yes\n    redirect_uris: [https://${id}.example/cb]\n`)
      .join('')
  );
}

/** Opens a registry on `file` with strict compatibility, the default 1 MiB limit and `log`. */
export function openRegistry(
  file: string,
  log: pino.Logger,
  overrides: Partial<ClientRegistryOptions> = {},
): Promise<ClientRegistry> {
  return ClientRegistry.open({
    file,
    issuer: 'https://meet.example',
    compat: {
      anySecretForSecretlessClients: false,
      redirectUriIgnoresQuery: false,
      implicitTrustOnIssuerHost: false,
      lenientTokenRequests: false,
      trustedClientsGetAllScopes: false,
    },
    log,
    maxFileBytes: 1024 * 1024,
    ...overrides,
  });
}

/** Waits until `check` holds, failing after `ms`. */
export async function eventually(check: () => boolean, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) assert.fail('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Long enough for the watcher's debounce and a reload to have happened, had one started. */
export function quietPeriod(ms = 1000): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
