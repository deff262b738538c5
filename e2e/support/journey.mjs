// Shared set-up for the journey tests: a rehearsed server per test, a page whose device clock
// agrees with the real time (or not), and axe/screenshot helpers.
import assert from 'node:assert/strict';
import { startServer } from './server.mjs';
import { openPage, saveScreenshot } from './browser.mjs';
import { JourneyPage, setDeviceClock } from '../pages/journey-page.mjs';

export const BEFORE_OPENING = '2021-07-12T19:59:40+09:00';
export const AFTER_OPENING = '2021-07-12T20:00:30+09:00';
export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 800 };

/** A server rehearsing `rehearseAt` (with `serverArgs` added to `serve`) and a widget page against it. */
export async function rehearse(browser, { rehearseAt, viewport = DESKTOP, admitRate, deviceOffsetMs = 0, timezoneId, locale = 'en-US', serverArgs = [] }) {
  const extraArgs = ['--rehearse-at', rehearseAt, ...serverArgs];
  if (admitRate !== undefined) extraArgs.push('--admit-rate', String(admitRate));
  const server = await startServer({ extraArgs });
  const { page, problems } = await openPage(browser, { ...viewport, timezoneId, locale });
  await setDeviceClock(page, deviceOffsetMs);
  const widget = new JourneyPage(page, server.baseUrl, locale.startsWith('ko') ? 'ko' : 'en');
  return {
    server, page, problems, widget,
    async close() {
      await page.context().close();
      await server.stop();
    },
  };
}

/**
 * Asserts axe finds nothing and, in Korean, that no English sentence shows; then saves a
 * screenshot named after the step.
 */
export async function checkpoint(widget, name) {
  assert.deepEqual(await widget.accessibilityViolations(), [], `axe violations at ${name}`);
  if (widget.lang === 'ko') {
    assert.deepEqual(await widget.englishSentences(), [], `English shown in Korean at ${name}`);
  }
  await saveScreenshot(widget.page, name);
}

/** Presses Tab until the focused element matches `selector`. */
export async function tabTo(page, selector, limit = 30) {
  for (let i = 0; i < limit; i += 1) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
  }
  throw new Error(`Tab never reached ${selector}`);
}
