// The simplified mode against the real server, in Korean: the whole journey one question a
// screen on a 320×640 phone and on a 1280×800 desktop zoomed to 200 % (a 640×400 layout at twice
// the pixels); on every screen no sideways scrolling, targets of 44×44 px or more, text at 7:1
// or more, and axe (WCAG 2.2 AA) clean, in the dark scheme too (and a forced-colours look);
// switching mode while waiting keeps the rank.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, saveScreenshot } from './support/browser.mjs';
import { BEFORE_OPENING, rehearse } from './support/journey.mjs';
import { SimplePage } from './pages/simple-page.mjs';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

const SMALL_PHONE = { width: 320, height: 640 };
const ZOOMED_DESKTOP = { width: 640, height: 400, deviceScaleFactor: 2 };

for (const [label, viewport] of [['phone-320', SMALL_PHONE], ['desktop-zoom-200', ZOOMED_DESKTOP]]) {
  test(`the simplified journey in Korean (${label})`, async () => {
    const run = await rehearse(browser, { rehearseAt: BEFORE_OPENING, viewport, locale: 'ko-KR' });
    const { page, server } = run;
    const simple = new SimplePage(page, server.baseUrl);
    const screen = async (name) => {
      assert.deepEqual(await simple.screenProblems(), [], `layout problems on ${name}`);
      assert.deepEqual(await simple.accessibilityViolations(), [], `axe violations on ${name}`);
      assert.deepEqual(await simple.englishSentences(), [], `English shown on ${name}`);
      await saveScreenshot(page, `simple-${label}-${name}`);
    };
    try {
      await simple.open();
      await simple.turnOn();
      assert.equal(await simple.modeSwitch().getAttribute('aria-pressed'), 'true');
      await simple.answer({ year: '1964', month: '3', day: '15' }, screen);
      await screen('4-result');
      await simple.joinButton().click();
      await page.getByRole('heading', { name: simple.labels.waitHeading }).waitFor({ timeout: 15_000 });
      await screen('5-wait');
      await simple.otherLooks(screen, '5-wait', label);
      await page.getByRole('heading', { name: simple.labels.chooseHeading }).waitFor({ timeout: 90_000 });
      for (const [step, group] of [['6-region', '.fl-regions'], ['7-centre', '.fl-centres'], ['8-day', '.fl-days']]) {
        await simple.pickFirst(group);
        await screen(step);
        if (step === '6-region') await simple.otherLooks(screen, step, label);
        await simple.nextButton().click();
      }
      await simple.pickFirst('.fl-times');
      await screen('9-time');
      await simple.book();
      await screen('10-booked');
      const help = page.locator('#fl-help-line a');
      assert.equal(await help.getAttribute('href'), 'tel:1339');
    } finally {
      await run.close();
    }
  });
}

test('switching mode while waiting keeps the rank, and the simplified mode is remembered', async () => {
  const run = await rehearse(browser, { rehearseAt: '2021-07-12T20:00:30+09:00', admitRate: 0.001, viewport: SMALL_PHONE, locale: 'ko-KR' });
  const { page, server } = run;
  const simple = new SimplePage(page, server.baseUrl);
  try {
    await simple.open();
    await simple.fillDetails({ birthDate: '1964-03-15' });
    await simple.check();
    await simple.join();
    const rank = await simple.waitForRank();
    await simple.turnOn();
    await page.locator('#fl-ahead').waitFor();
    assert.match(await page.locator('#fl-ahead').textContent(), /^앞에 .*있습니다$|^앞에 기다리는 분이 없습니다$/);
    assert.equal(await simple.rank().textContent(), rank);
    await saveScreenshot(page, 'simple-phone-320-5-wait-ranked');
    await page.reload();
    await page.locator('.fl-widget.fl-simple #fl-rank').waitFor({ timeout: 20_000 });
    assert.equal(await simple.rank().textContent(), rank, 'the mode and the place survive a reload');
    await simple.modeSwitch().click();
    await page.locator('dd#fl-rank').waitFor();
    assert.equal(await simple.rank().textContent(), rank);
  } finally {
    await run.close();
  }
});
