// Debian's Chromium (package `chromium`), headless, through playwright-core: never a downloaded
// browser. Missing Chromium is a failure with the package to install, not a skip.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = process.env.SB_CHROMIUM ?? '/usr/bin/chromium';

/** Flags for a quiet browser in a sandbox-less container: no GPU, no network beyond the page. */
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: install Debian's chromium and fonts-dejavu-core (apt-get install chromium fonts-dejavu-core)`);
  return await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, timeout: 60_000 });
}
