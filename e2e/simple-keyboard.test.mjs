// The simplified mode with the keyboard alone, in Korean, behind 300 people: every screen reached
// and answered with Tab, typing, Enter and Space; and over one minute of waiting, while the number
// of people ahead falls every few seconds, the screen-reader live region speaks only when the
// count crosses into a lower band (fewer digits) or the turn comes, never on every update.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, saveScreenshot } from './support/browser.mjs';
import { AFTER_OPENING, rehearse, tabTo } from './support/journey.mjs';
import { JOIN_PATH } from './pages/journey-page.mjs';
import { SimplePage } from './pages/simple-page.mjs';

const PEOPLE_AHEAD = 300;
const ADMITTED_PER_SECOND = 4;
const MINUTE_MS = 60_000;

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

/** Puts `count` other citizens in the queue through the public join route. */
async function crowd(baseUrl, count) {
  for (let start = 0; start < count; start += 25) {
    const joins = [];
    for (let n = start; n < Math.min(start + 25, count); n += 1) {
      joins.push(fetch(`${baseUrl}${JOIN_PATH}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          name: '이서준',
          birth_date: '1964-03-15',
          mobile: `010-5${String(n).padStart(3, '0')}-${String(n).padStart(4, '0')}`,
        }),
      }).then(async (response) => {
        assert.equal(response.status, 200, `crowd join ${n}: ${await response.text()}`);
      }));
    }
    await Promise.all(joins);
  }
}

/** The band a count of people ahead is in: its number of digits (0 ahead is band 0). */
const band = (ahead) => (ahead === 0 ? 0 : String(ahead).length);

/** Starts recording, in the page, every change of the live region and of the people ahead. */
async function startListening(page) {
  await page.evaluate(() => {
    const live = document.querySelector('.fl-widget [role=status][aria-live]');
    const heard = { announcements: [], ahead: [] };
    window.flHeard = heard;
    const read = () => {
      const said = live.textContent.trim();
      if (said && said !== heard.lastSaid) heard.announcements.push(said);
      heard.lastSaid = said;
      const shown = document.querySelector('#fl-ahead')?.textContent ?? '';
      const digits = shown.replace(/\D/g, '');
      const ahead = digits ? Number(digits) : (/없습니다/.test(shown) ? 0 : null);
      if (ahead !== null && ahead !== heard.ahead.at(-1)) heard.ahead.push(ahead);
    };
    // A repeat is re-announced with a trailing no-break space: count it as a new announcement.
    new MutationObserver(() => {
      const raw = live.textContent;
      if (raw !== heard.lastRaw && raw.trim() === heard.lastSaid) heard.lastSaid = undefined;
      heard.lastRaw = raw;
      read();
    }).observe(document.querySelector('.fl-widget'), { subtree: true, childList: true, characterData: true });
    read();
  });
}

test('the simplified journey with the keyboard alone, and a quiet live region while waiting', async () => {
  const run = await rehearse(browser, {
    rehearseAt: AFTER_OPENING,
    admitRate: ADMITTED_PER_SECOND,
    viewport: { width: 390, height: 844 },
    locale: 'ko-KR',
    serverArgs: ['--join-burst', String(PEOPLE_AHEAD + 10)],
  });
  const { page, server } = run;
  const simple = new SimplePage(page, server.baseUrl);
  const type = async (selector, text) => {
    await tabTo(page, selector);
    await page.keyboard.type(text);
  };
  try {
    await simple.open();
    await tabTo(page, '#fl-mode');
    await page.keyboard.press('Enter');
    await page.locator('.fl-widget.fl-simple').waitFor();

    await simple.question(simple.words.askName).waitFor();
    await type('#fl-name', '김민지');
    await page.keyboard.press('Enter');
    await simple.question(simple.words.askBirthDate).waitFor();
    await type('#fl-birth-year', '1964');
    await type('#fl-birth-month', '3');
    await type('#fl-birth-day', '15');
    await page.keyboard.press('Enter');
    await simple.question(simple.words.askMobile).waitFor();
    await type('#fl-mobile', '010-1234-5678');
    await tabTo(page, '#fl-next');
    await page.keyboard.press('Enter');
    await simple.question(simple.words.result).waitFor();

    await crowd(server.baseUrl, PEOPLE_AHEAD);
    await tabTo(page, '#fl-join');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: simple.labels.waitHeading }).waitFor({ timeout: 15_000 });
    await page.locator('#fl-ahead').waitFor({ timeout: 20_000 });
    await startListening(page);
    await page.waitForTimeout(MINUTE_MS);
    const heard = await page.evaluate(() => ({ ...window.flHeard }));
    await saveScreenshot(page, 'simple-keyboard-5-wait-after-a-minute');

    const drops = heard.ahead.slice(1).filter((ahead, i) => band(ahead) < band(heard.ahead[i])).length;
    // Each drop into a lower band, and the turn itself, may be said once; nothing else.
    const bound = drops + 1;
    assert.ok(heard.ahead[0] > 100, `the crowd is ahead at first: ${heard.ahead.join(', ')}`);
    assert.ok(
      heard.ahead.length > bound + 3,
      `the number ahead must change often enough for the bound to mean something: ${heard.ahead.join(', ')}`,
    );
    assert.ok(
      heard.announcements.length <= bound,
      `${heard.announcements.length} announcements in a minute, at most ${bound} allowed `
        + `(people ahead went ${heard.ahead.join(' → ')}): ${JSON.stringify(heard.announcements)}`,
    );

    await page.getByRole('heading', { name: simple.labels.chooseHeading }).waitFor({ timeout: 90_000 });
    for (const name of ['fl-region', 'fl-centre', 'fl-day']) {
      await page.locator(`input[name=${name}]:not([disabled])`).first().waitFor({ timeout: 15_000 });
      await tabTo(page, `input[name=${name}]:not([disabled])`);
      await page.keyboard.press('Space');
      await tabTo(page, '#fl-next');
      await page.keyboard.press('Enter');
    }
    await page.locator('input[name=fl-time]:not([disabled])').first().waitFor({ timeout: 15_000 });
    await tabTo(page, 'input[name=fl-time]:not([disabled])');
    await page.keyboard.press('Space');
    await tabTo(page, '#fl-book');
    await page.keyboard.press('Enter');
    await simple.reference().waitFor({ timeout: 20_000 });
    await saveScreenshot(page, 'simple-keyboard-10-booked');
  } finally {
    await run.close();
  }
});
