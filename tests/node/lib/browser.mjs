// Debian's headless Chromium, driven by playwright-core (no browser download): the one way
// the suites open pages, as the Mini App, the board and admin panels are opened.
import fs from 'node:fs';
import { chromium } from 'playwright-core';

export const executablePath = '/usr/bin/chromium';

// A suite that cannot run fails: a missing browser must not pass for a working one.
export function requireChromium() {
  if (!fs.existsSync(executablePath)) throw new Error(`${executablePath} is missing (scripts/bootstrap.sh installs chromium)`);
}

export function launchChromium() {
  requireChromium();
  return chromium.launch({
    executablePath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}
