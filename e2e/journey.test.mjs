// The whole journey in Chromium against the real server rehearsing the July 2021 opening:
// check → join before 20:00 → fair draw → admitted → choose → book → reference → cancel, in
// Korean on a phone (a ko-KR browser: the Korean campaign's own language) and in English on a
// desktop, and once with the keyboard alone; axe at every step, and in Korean no English
// sentence anywhere.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, saveScreenshot } from './support/browser.mjs';
import { BEFORE_OPENING, DESKTOP, PHONE, checkpoint, rehearse, tabTo } from './support/journey.mjs';
import { CAMPAIGN } from './pages/journey-page.mjs';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

for (const [label, viewport, locale] of [['phone', PHONE, 'ko-KR'], ['desktop', DESKTOP, 'en-US']]) {
  test(`the whole journey on a ${label} (${viewport.width}×${viewport.height}) in ${locale}`, async () => {
    const run = await rehearse(browser, { rehearseAt: BEFORE_OPENING, viewport, locale });
    const { widget, page } = run;
    const words = widget.labels;
    try {
      await widget.open();
      assert.equal(await page.locator('.fl-widget').getAttribute('lang'), widget.lang);
      await checkpoint(widget, `journey-${label}-1-check`);
      await widget.fillDetails({ birthDate: '1964-03-15' });
      await widget.check();
      assert.match(await widget.verdict().getAttribute('data-verdict'), /^(not_yet|eligible_now)$/);
      await checkpoint(widget, `journey-${label}-2-verdict`);
      await widget.join();
      if (await page.locator('#fl-fair-draw').isVisible()) {
        assert.match(await page.locator('#fl-fair-draw').textContent(), words.fairDraw);
        await checkpoint(widget, `journey-${label}-3-wait`);
      }
      await widget.waitForChoice();
      assert.match(await page.title(), words.yourTurnTitle);
      assert.match(await page.locator('#fl-time-limit').textContent(), words.timeLeft);
      if (label === 'desktop') {
        // The time limit extends twice (the server's limit); then the button is gone.
        const extendPath = `/v1/campaigns/${CAMPAIGN}/queue/extend`;
        const extend = page.getByRole('button', { name: words.extend });
        for (let round = 1; round <= 2; round += 1) {
          await extend.click();
          for (let tries = 0; tries < 100 && widget.count('POST', extendPath) < round; tries += 1) {
            await page.waitForTimeout(50);
          }
          assert.equal(widget.count('POST', extendPath), round);
          await page.locator('#fl-book-message').getByText(words.extended).waitFor();
        }
        await extend.waitFor({ state: 'detached' });
        assert.equal(widget.count('POST', extendPath), 2);
      }
      await widget.choose();
      await checkpoint(widget, `journey-${label}-4-choose`);
      await widget.book();
      assert.match(await widget.reference().textContent(), /\S{6,}/);
      await checkpoint(widget, `journey-${label}-5-booked`);
      await page.getByRole('button', { name: words.cancel }).click();
      await page.getByRole('heading', { name: words.cancelledHeading }).waitFor();
      await checkpoint(widget, `journey-${label}-6-cancelled`);
    } finally {
      await run.close();
    }
  });
}

test('the journey completes with the keyboard alone', async () => {
  const run = await rehearse(browser, { rehearseAt: BEFORE_OPENING, viewport: DESKTOP });
  const { widget, page } = run;
  try {
    await widget.open();
    await tabTo(page, '#fl-name');
    await page.keyboard.type('Lee Jiho');
    await tabTo(page, '#fl-birth-date');
    await page.keyboard.type('1963-11-02');
    await tabTo(page, '#fl-mobile');
    await page.keyboard.type('010-9876-5432');
    await tabTo(page, 'form button[type=submit]');
    await page.keyboard.press('Enter');
    await widget.joinButton().waitFor({ timeout: 15_000 });
    await tabTo(page, '#fl-join');
    await page.keyboard.press('Enter');
    await widget.waitForChoice();
    await tabTo(page, 'input[name=fl-region]');
    await page.keyboard.press('Space');
    await page.locator('input[name=fl-centre]').first().waitFor();
    await tabTo(page, 'input[name=fl-centre]');
    await page.keyboard.press('Space');
    await page.locator('input[name=fl-day]').first().waitFor();
    await tabTo(page, 'input[name=fl-day]:not([disabled])');
    await page.keyboard.press('Space');
    await page.locator('input[name=fl-time]').first().waitFor({ timeout: 15_000 });
    await tabTo(page, 'input[name=fl-time]:not([disabled])');
    await page.keyboard.press('Space');
    await tabTo(page, '#fl-book');
    await page.keyboard.press('Enter');
    await widget.reference().waitFor({ timeout: 20_000 });
    await saveScreenshot(page, 'journey-keyboard-booked');
  } finally {
    await run.close();
  }
});
