import type { Logger } from 'pino';
import type { App } from '../app.js';
import { warnAboutExposedSecrets } from '../exposed-secrets.js';
import { pidFilePath, writePidFile } from './pid-file.js';
import { reportReadiness } from './readiness.js';

/**
 * Serves `app` until SIGINT or SIGTERM, reloading the client registry on SIGHUP, then closes
 * it. First warns about each data directory or file holding secrets that other local users
 * can access (`warnAboutExposedSecrets`). A listen failure (port taken, address not
 * available) closes the app and is rethrown, so the process can exit instead of idling on the
 * registry's file watcher. While it serves, `<data_dir>/sesame.pid` (0600) holds the process
 * id, for `sesame clients reload`.
 *
 * `onReady` (which logs "ready to handle requests") is called once the server listens and its
 * dependencies answer: storage and the identity backend's directory (LDAP service bind and
 * search base). Until they do, the server listens all the same — `/health-check` answers 503
 * naming them — and the log says at error why it is not ready (`reportReadiness`).
 */
export async function runUntilSignalled(
  app: App,
  log: Logger,
  onReady: (address: string) => void,
): Promise<void> {
  warnAboutExposedSecrets(app.config, log);
  // SIGHUP's default action ends the process: take it over before anyone can send it.
  const reload = () => {
    log.info('received SIGHUP, reloading the client registry');
    void app.registry.reload();
  };
  process.on('SIGHUP', reload);
  // SIGINT and SIGTERM too, before listening: one that arrives while the port opens or the pid
  // file is written must stop the server cleanly, not kill it halfway.
  let stopped = false;
  let wake: (() => void) | null = null;
  const stop = (signal: string) => {
    log.info({ signal }, 'received signal');
    stopped = true;
    wake?.();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const { host, port } = app.config.listen;
  let address: string;
  try {
    // Before the public port, so metrics are there as soon as the server answers.
    const metricsAddress = await app.metricsListener?.listen();
    if (metricsAddress)
      log.info({ listen: metricsAddress }, `serving metrics at http://${metricsAddress}/metrics`);
    address = await app.server.listen({ host, port });
  } catch (error) {
    process.off('SIGHUP', reload);
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await app.close();
    throw error;
  }
  // The pid file only once the port is ours (a second server on the same data directory must
  // not replace the first one's), and "ready" only once the pid file is there.
  const removePidFile = await recordPid(app.config.dataDir, log);
  const readiness = reportReadiness({
    failing: () => app.failingDependencies(),
    log,
    address,
    onReady: () => onReady(address),
  });
  if (!stopped) {
    await new Promise<void>((resolve) => {
      wake = resolve;
    });
  }
  process.off('SIGHUP', reload);
  process.off('SIGINT', stop);
  process.off('SIGTERM', stop);
  readiness.stop();
  log.info('clean server shutdown start');
  await app.close();
  await removePidFile();
}

/** Writes the pid file; a failure costs only `sesame clients reload`, so it is a warning. */
async function recordPid(dataDir: string, log: Logger): Promise<() => Promise<void>> {
  try {
    return await writePidFile(dataDir, process.pid);
  } catch (error) {
    log.warn(
      { err: error, path: pidFilePath(dataDir) },
      'cannot write the pid file: `sesame clients reload` will not find this server (SIGHUP still reloads the clients)',
    );
    return async () => {};
  }
}
