// The thin slice in a real browser: the built widget, served by a real fairline-server, shows the
// campaign's name and opening time, passes an axe scan, and leaves a screenshot.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './support/server.mjs';
import { launchBrowser, openPage, saveScreenshot } from './support/browser.mjs';
import { WidgetPage } from './pages/widget-page.mjs';

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('the widget shows the campaign name and opening time with no accessibility violations', async () => {
  const { page, problems } = await openPage(browser);
  const widget = new WidgetPage(page, server.baseUrl);
  await widget.open();
  // The page paints the campaign's heading before the wasm runs; the opening time is the
  // widget's own.
  await widget.openingTime().waitFor({ timeout: 15_000 });
  const heading = widget.campaignHeading();
  assert.equal(await heading.textContent(), 'COVID-19 vaccination pre-booking (July 2021)');
  assert.match(await widget.openingTime().textContent(), /Mon 12 July 2021, 20:00 \(UTC\+9\)/);
  const violations = await widget.accessibilityViolations();
  assert.deepEqual(violations.map((v) => `${v.id}: ${v.help}`), []);
  await saveScreenshot(page, 'campaign-desktop');
  assert.deepEqual(problems, []);
});
