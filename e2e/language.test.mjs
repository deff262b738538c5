// Korean and English against the real server: the language a ko-KR browser gets for the Korean
// campaign, the switch while waiting (same rank, same numbers, no request), the choice kept on
// reload (the host's `data-locale` first is tested on the component: tests/journey_components.rs).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser } from './support/browser.mjs';
import { AFTER_OPENING, PHONE, checkpoint, rehearse } from './support/journey.mjs';
import { STATE_PATH } from './pages/journey-page.mjs';

const SLOW = 0.001;

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

const digits = (text) => text.replace(/\D/g, '');

test('switching language while waiting keeps the rank and the numbers, and is remembered', async () => {
  const run = await rehearse(browser, { rehearseAt: AFTER_OPENING, admitRate: SLOW, viewport: PHONE, locale: 'ko-KR' });
  const { widget, page, problems } = run;
  try {
    await widget.open();
    assert.equal(widget.lang, 'ko');
    await widget.fillDetails({ birthDate: '1964-03-15' });
    await widget.check();
    await widget.join();
    const rank = await widget.waitForRank();
    await page.locator('#fl-estimate').waitFor();
    const ahead = await page.locator('#fl-ahead').textContent();
    assert.match(ahead, /명$/);
    assert.match(rank, /번$/);
    await checkpoint(widget, 'language-ko-wait');
    const polls = widget.count('GET', STATE_PATH);

    await widget.switchLanguage();
    assert.equal(widget.lang, 'en');
    await page.getByRole('heading', { name: 'You are in the queue' }).waitFor();
    assert.equal(digits(await widget.rank().textContent()), digits(rank));
    assert.equal(digits(await page.locator('#fl-ahead').textContent()), digits(ahead));
    assert.match(await page.locator('#fl-ahead').textContent(), /people?|person/);
    assert.ok(widget.count('GET', STATE_PATH) <= polls + 1, 'a switch is not a new poll loop');
    assert.equal(await page.getByRole('button', { name: 'English' }).getAttribute('aria-pressed'), 'true');
    await checkpoint(widget, 'language-en-wait-after-switch');

    await page.reload();
    await widget.waitForRank();
    assert.equal(await page.locator('.fl-widget').getAttribute('lang'), 'en', 'the choice is kept on this device');
    assert.equal(digits(await widget.rank().textContent()), digits(rank));
    assert.deepEqual(problems, []);
  } finally {
    await run.close();
  }
});
