// Headless Chromium from the machine (Debian's /usr/bin/chromium), driven
// by playwright-core: no browser download.

import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Flags for a Chromium that makes no request of its own. */
export const CHROMIUM_FLAGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** A fresh, empty profile folder; remove it with `rmSync` when done. */
export function freshProfile() {
  return mkdtempSync(path.join(os.tmpdir(), 'legalsite-chromium-'));
}

/**
 * Launches Chromium with a fresh profile. Returns { context, close }:
 * a persistent context (playwright's way to pass --user-data-dir).
 */
export async function launch({ viewport = { width: 1280, height: 800 }, ...options } = {}) {
  const profile = freshProfile();
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_FLAGS.filter((f) => !f.startsWith('--headless')),
    viewport,
    locale: 'en-US',
    colorScheme: 'light',
    ...options,
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
