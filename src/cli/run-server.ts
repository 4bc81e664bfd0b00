import type { Logger } from 'pino';
import type { App } from '../app.js';

/**
 * Serves `app` until SIGINT or SIGTERM, reloading the client registry on SIGHUP, then closes
 * it. A listen failure (port taken, address not available) closes the app and is rethrown,
 * so the process can exit instead of idling on the registry's file watcher.
 */
export async function runUntilSignalled(
  app: App,
  log: Logger,
  onListening: (address: string) => void,
): Promise<void> {
  const { host, port } = app.config.listen;
  let address: string;
  try {
    address = await app.server.listen({ host, port });
  } catch (error) {
    await app.close();
    throw error;
  }
  onListening(address);
  const reload = () => {
    log.info('received SIGHUP, reloading the client registry');
    void app.registry.reload();
  };
  process.on('SIGHUP', reload);
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      log.info({ signal }, 'received signal');
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  process.off('SIGHUP', reload);
  log.info('clean server shutdown start');
  await app.close();
}
