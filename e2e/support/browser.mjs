// Launches the machine's Chromium through playwright-core (no browser download), and saves
// screenshots under target/e2e-artifacts/.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { repoRoot } from './server.mjs';

const DEFAULT_ARGS = '--headless --no-sandbox --disable-gpu --disable-quic --no-first-run '
  + '--disable-background-networking --disable-component-update --disable-sync --disable-dev-shm-usage';

export const artifactsDir = path.join(repoRoot, 'target', 'e2e-artifacts');

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: (process.env.CHROMIUM_ARGS ?? DEFAULT_ARGS).split(/\s+/).filter(Boolean),
  });
}

/**
 * A page that records console errors and failed requests, so tests can assert there were none;
 * its browser asks for `locale` (`navigator.languages`).
 */
export async function openPage(browser, { width = 1280, height = 800, timezoneId, locale = 'en-US', deviceScaleFactor = 1 } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, timezoneId, locale, deviceScaleFactor });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (message) => { if (message.type() === 'error') problems.push(message.text()); });
  page.on('pageerror', (error) => problems.push(String(error)));
  return { page, problems };
}

export async function saveScreenshot(page, name) {
  mkdirSync(artifactsDir, { recursive: true });
  const file = path.join(artifactsDir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
