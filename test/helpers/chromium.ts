import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium; `npx playwright install` cannot download a browser on these machines. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** `skip` for node:test: why the browser tests cannot run here, or false when they can. */
export const chromiumMissing: string | false = existsSync(CHROMIUM_PATH)
  ? false
  : `no Chromium at ${CHROMIUM_PATH} (install it with: apt-get install -y chromium)`;

/**
 * Headless Chromium as these machines can run it: without the sandbox (tests run as root),
 * and without the background networking, QUIC and updates a closed network refuses.
 * `extraArgs` are appended (e.g. `--host-resolver-rules`).
 */
export function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    timeout: 20_000,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...extraArgs,
    ],
  });
}
