// Debian's Chromium for the browser tests and the web bench, started the one way this closed machine allows:
// headless, no sandbox (root), and no background networking (every call to Google's hosts is refused here).
import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/**
 * Launches Debian's Chromium with playwright-core; throws a clear message when the package is missing.
 * `extraArgs`: e.g. a fake camera (`--use-file-for-fake-video-capture=…`) for the QR journey.
 */
export async function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH))
    throw new Error('this needs Debian chromium: apt-get install -y chromium (make test installs it)');
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, ...extraArgs] });
}
