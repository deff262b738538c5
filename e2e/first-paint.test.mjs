// The page paints before the wasm runs: the campaign's name (written in by the server) and a
// loading line in the space the widget takes, the heading where the widget puts its own; a
// message when the wasm cannot load; a <noscript> for browsers without JavaScript.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './support/server.mjs';
import { launchBrowser, openPage, saveScreenshot } from './support/browser.mjs';
import { WidgetPage } from './pages/widget-page.mjs';

const KOREAN_NAME = '코로나19 예방접종 사전예약 (2021년 7월)';

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

test('the frame is painted before the wasm, and the heading stays put when the widget mounts', async () => {
  const { page, problems } = await openPage(browser, { width: 390, height: 844 });
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  await page.route('**/*.wasm', async (route) => { await held; await route.continue(); });
  const widget = new WidgetPage(page, server.baseUrl);
  await widget.open();
  const heading = widget.campaignHeading();
  assert.equal((await heading.textContent()).trim(), KOREAN_NAME);
  assert.equal(await heading.getAttribute('lang'), 'ko');
  assert.match(await page.locator('#fairline .fl-loading').textContent(), /Loading/);
  assert.equal(await page.locator('#fl-load-failed').isVisible(), false);
  const description = await page.locator('meta[name="description"]').getAttribute('content');
  assert.ok(description.length > 40, description);
  const painted = await heading.boundingBox();
  await saveScreenshot(page, 'first-paint-phone');
  release();
  await widget.openingTime().waitFor({ timeout: 15_000 });
  const mounted = await heading.boundingBox();
  assert.equal(mounted.x, painted.x, 'the heading does not move sideways');
  assert.equal(mounted.y, painted.y, 'the heading does not move down');
  assert.equal(await page.locator('#fairline [data-name]').count(), 0, 'the frame is replaced');
  assert.deepEqual(problems, []);
});

test('a wasm that cannot load leaves a message saying what to do', async () => {
  const { page } = await openPage(browser, { width: 390, height: 844 });
  await page.route('**/*.wasm', (route) => route.abort());
  await new WidgetPage(page, server.baseUrl).open();
  const failed = page.locator('#fl-load-failed');
  await failed.waitFor({ state: 'visible', timeout: 15_000 });
  assert.match(await failed.textContent(), /could not load/);
  assert.match(await failed.textContent(), /불러오지 못했습니다/);
  assert.equal(await page.locator('#fairline .fl-loading').isVisible(), false);
  await saveScreenshot(page, 'first-paint-load-failed');
  await page.context().close();
});

test('without JavaScript the page says, in Korean and English, what to do', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  await page.goto(server.baseUrl);
  const notice = page.locator('noscript, .fl-notice').filter({ hasText: 'needs JavaScript' }).first();
  await notice.waitFor({ timeout: 15_000 });
  assert.match(await page.locator('body').textContent(), /자바스크립트/);
  assert.equal(await page.locator('#fairline .fl-loading').isVisible(), false);
  await saveScreenshot(page, 'first-paint-no-javascript');
  await context.close();
});
