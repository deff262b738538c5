// A queue that does not move (issue 16): the wait is not a range but "not known right now: the
// queue has not moved for N s", in Korean and English, in the standard and the simplified mode,
// with the place kept. Admission runs at one person every 1,000 s, so nobody is let in while the
// test watches.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser } from './support/browser.mjs';
import { AFTER_OPENING, PHONE, checkpoint, rehearse } from './support/journey.mjs';
import { SIMPLE_KO } from './pages/simple-page.mjs';

const STOPPED = 0.001;

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

/** The number of seconds in the stalled sentence, or null when it is not shown. */
async function stalledFor(page) {
  const text = await page.locator('#fl-estimate').textContent();
  const found = text.match(/(\d+)\s?(초째|s\.)/);
  return found ? Number(found[1]) : null;
}

test('a queue that does not move says so, in both languages and both modes', async () => {
  const run = await rehearse(browser, { rehearseAt: AFTER_OPENING, admitRate: STOPPED, viewport: PHONE, locale: 'ko-KR' });
  const { widget, page, problems } = run;
  try {
    await widget.open();
    await widget.fillDetails({ birthDate: '1964-03-15' });
    await widget.check();
    await widget.join();
    await widget.waitForRank();
    // At first too little has been seen to say anything; after 20 s without an admission the
    // widget says how long the queue has stood still.
    await page.waitForFunction(() => /움직이지/.test(document.querySelector('#fl-estimate')?.textContent ?? ''), null, { timeout: 40_000 });
    const first = await stalledFor(page);
    assert.ok(first >= 20, `stalled for ${first} s`);
    assert.match(await page.locator('#fl-estimate').textContent(), /대기 순번은 그대로 유지됩니다/);
    await checkpoint(widget, 'stalled-ko-standard-phone');

    await page.getByRole('button', { name: SIMPLE_KO.modeSwitch }).click();
    await page.locator('.fl-widget.fl-simple').waitFor();
    await page.waitForFunction(() => /움직이지/.test(document.querySelector('#fl-estimate')?.textContent ?? ''));
    await checkpoint(widget, 'stalled-ko-simple-phone');

    await widget.switchLanguage();
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.waitForFunction(() => /has not moved/.test(document.querySelector('#fl-estimate')?.textContent ?? ''));
    assert.match(await page.locator('#fl-estimate').textContent(), /Your place is kept/);
    const later = await stalledFor(page);
    assert.ok(later >= first, `the count goes on: ${first} s, then ${later} s`);
    await checkpoint(widget, 'stalled-en-simple-desktop');
    assert.deepEqual(problems, []);
  } finally {
    await run.close();
  }
});
