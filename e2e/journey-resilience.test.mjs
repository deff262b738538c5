// The waiting room under stress, against the real server after the opening (admission slowed
// right down so the citizen stays in the queue): refresh, 30 s offline, 503 + Retry-After, a
// device clock a day off, and an ineligible citizen who must never send a join.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser } from './support/browser.mjs';
import { AFTER_OPENING, DESKTOP, PHONE, checkpoint, rehearse } from './support/journey.mjs';
import { JOIN_PATH, STATE_PATH } from './pages/journey-page.mjs';

const SLOW = 0.001;
const DAY_MS = 24 * 60 * 60 * 1000;

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

async function joinAndWait(widget, birthDate = '1964-03-15') {
  await widget.open();
  await widget.fillDetails({ birthDate });
  await widget.check();
  assert.equal(await widget.verdict().getAttribute('data-verdict'), 'eligible_now');
  await widget.join();
  return widget.waitForRank();
}

async function eventually(what, condition, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await new Promise((resolve) => { setTimeout(resolve, 200); });
  }
  throw new Error(`never: ${what}`);
}

for (const [label, viewport, locale] of [['phone', PHONE, 'ko-KR'], ['desktop', DESKTOP, 'en-US']]) {
  test(`a refresh while waiting keeps the same rank (${label}, ${locale})`, async () => {
    const run = await rehearse(browser, { rehearseAt: AFTER_OPENING, admitRate: SLOW, viewport, locale });
    const { widget, page } = run;
    try {
      const rank = await joinAndWait(widget);
      await page.locator('#fl-estimate').waitFor();
      await checkpoint(widget, `journey-${label}-3-wait-ranked`);
      assert.equal(await widget.clockNotice().count(), 0, 'a correct device clock gets no notice');
      await page.reload();
      assert.equal(await widget.waitForRank(), rank);
      assert.equal(widget.count('POST', JOIN_PATH), 1, 'the stored ticket is reused, no rejoin');
    } finally {
      await run.close();
    }
  });
}

test('offline for 30 s keeps the place and resumes when back online', async () => {
  const run = await rehearse(browser, { rehearseAt: AFTER_OPENING, admitRate: SLOW });
  const { widget, page } = run;
  try {
    const rank = await joinAndWait(widget);
    await page.context().setOffline(true);
    await widget.offlineNotice().waitFor();
    assert.match(await widget.offlineNotice().textContent(), /your place is kept/);
    await checkpoint(widget, 'journey-desktop-wait-offline');
    const polledBefore = widget.count('GET', STATE_PATH);
    await page.waitForTimeout(30_000);
    assert.equal(widget.count('GET', STATE_PATH), polledBefore, 'no polls while offline');
    await page.context().setOffline(false);
    await widget.offlineNotice().waitFor({ state: 'detached' });
    await eventually('a poll after coming back', () => widget.count('GET', STATE_PATH) > polledBefore);
    assert.equal(await widget.rank().textContent(), rank);
  } finally {
    await run.close();
  }
});

test('503 with Retry-After: the widget polls no more often than the server asked', async () => {
  const run = await rehearse(browser, { rehearseAt: AFTER_OPENING, admitRate: SLOW });
  const { widget, page } = run;
  try {
    const rank = await joinAndWait(widget);
    const hits = [];
    await page.route(`**${STATE_PATH}`, (route) => {
      hits.push(Date.now());
      return route.fulfill({ status: 503, headers: { 'Retry-After': '10' }, body: '' });
    });
    await eventually('the first shed poll', () => hits.length > 0);
    const firstHit = hits[0];
    await page.waitForTimeout(30_000);
    const within = hits.filter((t) => t - firstHit <= 30_000).length;
    // Retry-After 10 s: the first shed poll plus at most one every 10 s.
    assert.ok(within <= 4, `${within} polls in 30 s after a 503 with Retry-After: 10`);
    for (let i = 1; i < hits.length; i += 1) {
      assert.ok(hits[i] - hits[i - 1] >= 9_500, `polls ${i - 1}→${i} only ${hits[i] - hits[i - 1]} ms apart`);
    }
    assert.match(await widget.waitNotice().textContent(), /your place is kept/);
    await page.unroute(`**${STATE_PATH}`);
    await widget.waitNotice().waitFor({ state: 'detached', timeout: 30_000 });
    assert.equal(await widget.rank().textContent(), rank);
  } finally {
    await run.close();
  }
});

test('a device clock a day off changes nothing but shows the notice', async () => {
  // A day and five minutes, so the measured skew (the device against the server's real clock,
  // give or take a round trip) reads the same whole hours on either side of the estimate.
  const run = await rehearse(browser, {
    rehearseAt: AFTER_OPENING, admitRate: SLOW, deviceOffsetMs: DAY_MS + 5 * 60_000,
  });
  const { widget } = run;
  try {
    await widget.open();
    await widget.clockNotice().waitFor({ timeout: 15_000 });
    assert.match(await widget.clockNotice().textContent(), /1 d 0 h ahead/);
    // Every e2e server rehearses, and the widget says so.
    assert.match(await widget.page.locator('#fl-rehearsal-notice').textContent(), /This is a rehearsal/);
    const rank = await joinAndWait(widget);
    assert.equal(rank, '1');
    await checkpoint(widget, 'journey-desktop-clock-off');
  } finally {
    await run.close();
  }
});

const INELIGIBLE = {
  ko: {
    why: /연령대가 없습니다/,
    when: /2021년 7월 19일 \(월\) 오후 8:00 \(UTC\+9\), 이 기기 시간으로 2021년 7월 19일 \(월\) 오후 12:00 \(UTC\+1\)/,
  },
  en: {
    why: /no age group/,
    when: /Mon 19 July 2021, 20:00 \(UTC\+9\); your time Mon 19 July 2021, 12:00 \(UTC\+1\)/,
  },
};

for (const [label, viewport, locale] of [['phone', PHONE, 'ko-KR'], ['desktop', DESKTOP, 'en-US']]) {
  test(`an ineligible citizen is told why and never sends a join (${label}, ${locale})`, async () => {
    const run = await rehearse(browser, {
      rehearseAt: AFTER_OPENING, admitRate: SLOW, viewport, timezoneId: 'Europe/London', locale,
    });
    const { widget, page } = run;
    const words = INELIGIBLE[widget.lang];
    try {
      await widget.open();
      await widget.fillDetails({ birthDate: '2010-01-01' });
      await widget.check();
      assert.equal(await widget.verdict().getAttribute('data-verdict'), 'not_eligible');
      assert.match(await widget.verdict().textContent(), words.why);
      assert.equal(await widget.joinButton().count(), 0);
      assert.equal(await page.locator('#fl-help-line a').getAttribute('href'), 'tel:1339', 'who to call when told no');
      await checkpoint(widget, `journey-${label}-2-not-eligible`);
      await page.getByLabel(widget.labels.birthDate, { exact: true }).fill('1967-05-01');
      await page.getByRole('button', { name: widget.labels.check }).click();
      await page.locator('[data-verdict="not_yet"]').waitFor();
      assert.match(await widget.verdict().textContent(), words.when);
      assert.equal(await widget.joinButton().count(), 0);
      await page.getByLabel(widget.labels.birthDate, { exact: true }).fill('1964-02-30');
      await page.getByRole('button', { name: widget.labels.check }).click();
      await page.locator('#fl-error-summary').waitFor();
      await checkpoint(widget, `journey-${label}-1-check-errors`);
      assert.equal(widget.count('POST', JOIN_PATH), 0);
    } finally {
      await run.close();
    }
  });
}
