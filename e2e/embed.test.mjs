// A partner's page on another origin embeds the widget as `<fairline-booking>` (embed.js, a
// shadow root), under a strict CSP and a hostile stylesheet: the whole journey in Korean, every
// event once with its documented payload and nothing personal in it, no CSP violation, the host's
// styles kept out; two campaigns on one page; removing the elements stops every request.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import AxeBuilder from '@axe-core/playwright';
import { launchBrowser, openPage, saveScreenshot } from './support/browser.mjs';
import { startServer } from './support/server.mjs';
import { startPartner } from './support/partner.mjs';
import { BEFORE_OPENING, AFTER_OPENING, PHONE } from './support/journey.mjs';
import { JourneyPage, CAMPAIGN, LABELS } from './pages/journey-page.mjs';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

/** A widget server allowing `partner`, and a Korean phone page on the partner's site. */
async function partnerRun({ rehearseAt, elements, extraArgs = [] }) {
  const partner = await startPartner();
  const server = await startServer({
    extraArgs: ['--rehearse-at', rehearseAt, '--allow-origin', partner.origin,
      '--campaign', 'campaigns/example.toml', ...extraArgs],
  });
  partner.setWidget(server.baseUrl, elements(server.baseUrl));
  const { page, problems } = await openPage(browser, { ...PHONE, locale: 'ko-KR' });
  const widget = new JourneyPage(page, server.baseUrl, 'ko');
  return {
    partner, server, page, problems, widget,
    events: () => page.evaluate(() => window.partner.seen),
    violations: () => page.evaluate(() => window.partner.violations),
    async close() {
      await page.context().close();
      await server.stop();
      await partner.stop();
    },
  };
}

/** axe (WCAG 2.2 AA) inside the widgets only: the partner's own page is not ours to judge. */
async function widgetViolations(page) {
  await page.evaluate(() => { window.__axeRunning = true; });
  const results = await new AxeBuilder({ page })
    .include('fairline-booking')
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
    .analyze();
  // The violation event is dispatched after the style is inserted: let it arrive first.
  await page.waitForTimeout(100);
  await page.evaluate(() => { window.__axeRunning = false; });
  return results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target).join(', ')})`);
}

/** In a frame showing the choose step in Korean: the first region, centre, open day and time; book. */
async function chooseAndBook(frame) {
  const labels = LABELS.ko;
  await frame.getByRole('radio', { name: labels.region }).check();
  await frame.getByRole('radio', { name: labels.centre }).check();
  await frame.locator('.fl-days input:not([disabled])').first().check();
  await frame.locator('.fl-times input').first().waitFor({ timeout: 15_000 });
  await frame.locator('.fl-times input:not([disabled])').first().check();
  await frame.getByRole('button', { name: labels.book }).click();
}

/** axe (WCAG 2.2 AA) inside the widget's iframe only. */
async function frameViolations(page) {
  const results = await new AxeBuilder({ page })
    .include('iframe[title="코로나19 예방접종 사전예약"]')
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
    .analyze();
  return results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target).join(', ')})`);
}

/** Computed styles inside the widget that the host's `*` rule would change if it could. */
async function insideStyles(page) {
  return page.locator('fairline-booking').first().evaluate((host) => {
    const root = host.shadowRoot;
    const read = (selector) => {
      const style = getComputedStyle(root.querySelector(selector));
      return { font: `${style.fontSize} ${style.fontFamily}`, color: style.color, margin: style.marginTop };
    };
    return { widget: read('.fl-widget'), heading: read('h2'), button: read('button') };
  });
}

test('the whole journey through <fairline-booking> on a partner page with a strict CSP', async () => {
  const run = await partnerRun({
    rehearseAt: BEFORE_OPENING,
    elements: (origin) => `<fairline-booking api-base="${origin}" campaign="${CAMPAIGN}" locale="ko"></fairline-booking>`,
  });
  const { page, widget, partner } = run;
  try {
    await page.goto(partner.origin);
    await widget.stepHeading().waitFor({ timeout: 20_000 });
    const styles = await insideStyles(page);
    for (const [part, style] of Object.entries(styles)) {
      assert.ok(!style.font.startsWith('9px') && !style.font.endsWith(' serif'), `${part}: the host's font reached inside (${style.font})`);
      assert.notEqual(style.color, 'rgb(255, 0, 0)', `${part}: the host's colour reached inside`);
      assert.notEqual(style.margin, '40px', `${part}: the host's margin reached inside`);
    }
    assert.equal(styles.widget.font.split(' ')[0], '16px');
    assert.deepEqual(await widgetViolations(page), [], 'axe inside the shadow root');
    await saveScreenshot(page, 'embed-element-1-check');

    await widget.fillDetails({ birthDate: '1964-03-15' });
    await widget.check();
    await widget.join();
    await widget.waitForChoice();
    await widget.choose();
    await widget.book();
    const reference = await widget.reference().textContent();
    await saveScreenshot(page, 'embed-element-2-booked');
    // A cancel that cannot reach the server (fairline:error), then one that does.
    await page.route('**/cancel', (route) => route.abort(), { times: 1 });
    await page.getByRole('button', { name: widget.labels.cancel }).click();
    await page.waitForFunction(() => window.partner.seen.some((e) => e.type === 'fairline:error'));
    await page.getByRole('button', { name: widget.labels.cancel }).click();
    await page.getByRole('heading', { name: widget.labels.cancelledHeading }).waitFor({ timeout: 15_000 });

    const events = await run.events();
    const once = (type) => {
      const found = events.filter((e) => e.type === type);
      assert.equal(found.length, 1, `${type} once: ${JSON.stringify(events)}`);
      return found[0].detail;
    };
    assert.deepEqual(once('fairline:ready'), { campaign: CAMPAIGN });
    assert.deepEqual(once('fairline:admitted'), {});
    assert.deepEqual(once('fairline:booked'), { reference });
    assert.deepEqual(once('fairline:cancelled'), { reference });
    assert.deepEqual(once('fairline:error'), { code: 'network' });
    assert.deepEqual(
      events.filter((e) => e.type === 'fairline:step').map((e) => e.detail.step),
      ['check', 'wait', 'choose', 'done'],
    );
    const documented = ['ready', 'step', 'position', 'admitted', 'booked', 'cancelled', 'error'].map((n) => `fairline:${n}`);
    assert.deepEqual(events.filter((e) => !documented.includes(e.type)), []);
    const positions = events.filter((e) => e.type === 'fairline:position');
    assert.ok(positions.length >= 1, 'the place is told once known');
    for (const { detail } of positions) assert.deepEqual(Object.keys(detail), ['rank', 'ahead']);
    const everything = JSON.stringify(events);
    for (const personal of ['Kim Minji', '1964', '010-1234-5678', 'secret', 'ticket']) {
      assert.ok(!everything.includes(personal), `an event carried ${personal}: ${everything}`);
    }
    assert.deepEqual(await run.violations(), [], 'CSP violations on the partner page');
    // axe's own <style> is refused by the CSP too (and logged); the violations above exclude it.
    const problems = run.problems.filter((text) => !text.startsWith('Applying inline style violates')
      && !text.includes('net::ERR_FAILED'));
    assert.deepEqual(problems, [], 'console errors');
  } finally {
    await run.close();
  }
});

test('two campaigns on one partner page, and removing the elements stops every request', async () => {
  const run = await partnerRun({
    rehearseAt: AFTER_OPENING,
    extraArgs: ['--admit-rate', '0.001'],
    elements: (origin) => `<fairline-booking api-base="${origin}" campaign="${CAMPAIGN}" locale="ko"></fairline-booking>
<fairline-booking api-base="${origin}" campaign="example-flu-2025" locale="en" mode="simple"></fairline-booking>`,
  });
  const { page, widget, partner, server } = run;
  const toWidget = [];
  page.on('request', (request) => {
    if (request.url().startsWith(server.baseUrl)) toWidget.push({ at: Date.now(), url: request.url() });
  });
  try {
    await page.goto(partner.origin);
    const korean = page.locator('fairline-booking').nth(0);
    const english = page.locator('fairline-booking').nth(1);
    await korean.locator('#fl-step-heading').waitFor({ timeout: 20_000 });
    await english.locator('#fl-step-heading').waitFor({ timeout: 20_000 });
    assert.equal(await korean.locator('.fl-widget').getAttribute('lang'), 'ko');
    assert.equal(await english.locator('.fl-widget').getAttribute('lang'), 'en');
    assert.match(await english.locator('.fl-widget').getAttribute('class'), /fl-simple/);
    await saveScreenshot(page, 'embed-element-two-campaigns');

    await korean.getByLabel(widget.labels.name, { exact: true }).fill('김민지');
    await korean.getByLabel(widget.labels.birthDate, { exact: true }).fill('1964-03-15');
    await korean.getByLabel(widget.labels.mobile, { exact: true }).fill('010-1234-5678');
    await korean.getByRole('button', { name: widget.labels.check }).click();
    await korean.getByRole('button', { name: widget.labels.join }).click();
    await korean.locator('#fl-rank').waitFor({ timeout: 30_000 });

    // A live attribute change keeps the place.
    const rank = await korean.locator('#fl-rank').textContent();
    await korean.evaluate((element) => element.setAttribute('locale', 'en'));
    await korean.locator('.fl-widget[lang=en]').waitFor();
    const digits = (text) => text.replace(/\D/g, '');
    assert.equal(digits(await korean.locator('#fl-rank').textContent()), digits(rank));

    await page.evaluate(() => { for (const element of document.querySelectorAll('fairline-booking')) element.remove(); });
    const removedAt = Date.now();
    await page.waitForTimeout(10_000);
    const after = toWidget.filter((request) => request.at > removedAt + 50);
    assert.deepEqual(after, [], 'requests after the elements were removed');
    assert.deepEqual(await run.violations(), []);
  } finally {
    await run.close();
  }
});

test('the iframe mode: the journey in /embed/…, its height and events through postMessage, commands only from the parent', async () => {
  const evil = await startPartner();
  const run = await partnerRun({
    rehearseAt: BEFORE_OPENING,
    elements: () => '',
  });
  const { page, partner, server } = run;
  // The parent is the partner's origin, known once its server listens.
  partner.setWidget(
    server.baseUrl,
    `<iframe src="${server.baseUrl}/embed/${CAMPAIGN}?locale=ko&parent=${encodeURIComponent(partner.origin)}" title="코로나19 예방접종 사전예약"></iframe>`
      + `<iframe src="${evil.origin}/evil" title="other"></iframe>`,
    [evil.origin],
  );
  try {
    // Only listed partners may frame the page, and the API refuses other origins.
    const framed = await fetch(`${server.baseUrl}/embed/${CAMPAIGN}?parent=${encodeURIComponent(evil.origin)}`);
    assert.equal(framed.status, 200);
    assert.equal(framed.headers.get('content-security-policy'), `frame-ancestors 'self' ${partner.origin}`);
    assert.ok(!(await framed.text()).includes(evil.origin), 'an unlisted parent is not written into the page');
    const foreign = await fetch(`${server.baseUrl}/v1/campaigns/${CAMPAIGN}/queue/state`, { headers: { origin: evil.origin } });
    assert.equal(foreign.status, 403);
    assert.equal((await fetch(`${server.baseUrl}/embed/no-such-campaign`)).status, 404);

    await page.goto(partner.origin);
    const frame = page.frameLocator('iframe[title="코로나19 예방접종 사전예약"]');
    await frame.locator('#fl-step-heading').waitFor({ timeout: 20_000 });
    // The other origin's commands (English, simplified), sent every 200 ms, changed nothing.
    await page.waitForTimeout(2_000);
    assert.equal(await frame.locator('.fl-widget').getAttribute('lang'), 'ko');
    assert.doesNotMatch(await frame.locator('.fl-widget').getAttribute('class'), /fl-simple/);

    const frameHeight = () => page.evaluate(() => document.querySelector('iframe').getBoundingClientRect().height);
    const contentHeight = () => frame.locator('body').evaluate((body) => body.offsetHeight);
    const followed = async () => {
      for (let i = 0; i < 20; i += 1) {
        const [outer, inner] = [await frameHeight(), await contentHeight()];
        if (Math.abs(outer - inner) <= 1) return outer;
        await page.waitForTimeout(150);
      }
      throw new Error(`the frame's height never followed its content: ${await frameHeight()} against ${await contentHeight()}`);
    };
    const first = await followed();
    assert.ok(first > 300, `the frame grew to its content (${first}px)`);
    await saveScreenshot(page, 'embed-iframe-1-check');

    const labels = LABELS.ko;
    await frame.getByLabel(labels.name, { exact: true }).fill('김민지');
    await frame.getByLabel(labels.birthDate, { exact: true }).fill('1964-03-15');
    await frame.getByLabel(labels.mobile, { exact: true }).fill('010-1234-5678');
    await frame.getByRole('button', { name: labels.check }).click();
    await frame.locator('[data-verdict]').first().waitFor({ timeout: 15_000 });
    const second = await followed();
    assert.ok(second > first, `the frame grew with the verdict (${first} → ${second})`);

    // The parent's own command is obeyed: English, keeping everything typed.
    await page.evaluate(() => {
      document.querySelector('iframe').contentWindow.postMessage({ fairline: { v: 1, command: 'setLocale', value: 'en' } }, '*');
    });
    await frame.locator('.fl-widget[lang=en]').waitFor();
    await page.evaluate(() => {
      document.querySelector('iframe').contentWindow.postMessage({ fairline: { v: 1, command: 'setLocale', value: 'ko' } }, '*');
    });
    await frame.locator('.fl-widget[lang=ko]').waitFor();

    await frame.getByRole('button', { name: labels.join }).click();
    await frame.getByRole('heading', { name: labels.chooseHeading }).waitFor({ timeout: 90_000 });
    await chooseAndBook(frame);
    const reference = await frame.locator('#fl-reference').textContent({ timeout: 20_000 });
    await followed();
    await saveScreenshot(page, 'embed-iframe-2-booked');
    assert.deepEqual(await frameViolations(page), [], 'axe inside the iframe (light)');
    await page.evaluate(() => {
      document.querySelector('iframe').contentWindow.postMessage({ fairline: { v: 1, command: 'setTheme', value: 'dark' } }, '*');
    });
    await frame.locator('html[data-theme=dark]').waitFor();
    assert.deepEqual(await frameViolations(page), [], 'axe inside the iframe (dark)');
    await saveScreenshot(page, 'embed-iframe-3-booked-dark');

    const messages = await page.evaluate(() => window.partner.messages);
    const fromWidget = messages.filter((m) => m.origin === server.baseUrl);
    assert.ok(fromWidget.every((m) => m.data?.fairline?.v === 1), JSON.stringify(fromWidget.slice(0, 3)));
    const booked = fromWidget.filter((m) => m.data.fairline.event === 'fairline:booked');
    assert.equal(booked.length, 1);
    assert.deepEqual(booked[0].data.fairline.detail, { reference });
    const steps = fromWidget.filter((m) => m.data.fairline.event === 'fairline:step').map((m) => m.data.fairline.detail.step);
    assert.deepEqual(steps, ['check', 'wait', 'choose', 'done']);
    // embed-frame.js re-dispatched them on the iframe element.
    const seen = await run.events();
    assert.equal(seen.filter((e) => e.type === 'fairline:booked').length, 1);
    assert.ok(!JSON.stringify(messages).includes('1964'), 'no personal detail posted');
    assert.deepEqual(await run.violations(), []);
  } finally {
    await run.close();
    await evil.stop();
  }
});

test('a partner brand colour that fails 4.5:1 is corrected with a warning, in the light and the dark theme', async () => {
  const run = await partnerRun({
    rehearseAt: BEFORE_OPENING,
    elements: (origin) => `<fairline-booking class="brand" api-base="${origin}" campaign="${CAMPAIGN}" locale="ko" theme="light"></fairline-booking>
<fairline-booking class="brand" api-base="${origin}" campaign="${CAMPAIGN}" locale="ko" theme="dark"></fairline-booking>`,
  });
  const { page, partner } = run;
  const warnings = [];
  page.on('console', (message) => { if (message.type() === 'warning') warnings.push(message.text()); });
  try {
    await page.goto(partner.origin);
    for (const index of [0, 1]) {
      await page.locator('fairline-booking').nth(index).locator('#fl-step-heading').waitFor({ timeout: 20_000 });
    }
    await page.waitForTimeout(300);
    const contrasts = await page.evaluate(() => {
      const channel = (c) => { const v = c / 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
      const lum = (text) => { const [r, g, b] = text.match(/[\d.]+/g).map(Number); return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b); };
      const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)]; return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); };
      return [...document.querySelectorAll('fairline-booking')].map((host) => {
        const embed = host.shadowRoot.querySelector('.fl-embed');
        return [...host.shadowRoot.querySelectorAll('button')].map((button) => {
          const style = getComputedStyle(button);
          const back = style.backgroundColor === 'rgba(0, 0, 0, 0)' ? getComputedStyle(embed).backgroundColor : style.backgroundColor;
          return { text: button.textContent.trim(), ratio: ratio(style.color, back), radius: style.borderTopLeftRadius };
        });
      });
    });
    for (const [index, buttons] of contrasts.entries()) {
      for (const button of buttons) {
        assert.ok(button.ratio >= 4.5, `theme ${index ? 'dark' : 'light'}: "${button.text}" at ${button.ratio.toFixed(2)}:1`);
        assert.equal(button.radius, '0px', 'the partner radius applies');
      }
    }
    assert.equal(warnings.filter((w) => w.startsWith('Fairline: the brand colour')).length, 2, warnings.join('\n'));
    assert.deepEqual(await widgetViolations(page), [], 'axe in both themes');
    await saveScreenshot(page, 'embed-element-brand-light-and-dark');
  } finally {
    await run.close();
  }
});

test('the iframe with its storage blocked: after a reload joining again gives the same place, and the booking completes', async () => {
  const run = await partnerRun({ rehearseAt: AFTER_OPENING, elements: () => '' });
  const { page, partner, server } = run;
  partner.setWidget(
    server.baseUrl,
    `<iframe src="${server.baseUrl}/embed/${CAMPAIGN}?locale=ko&parent=${encodeURIComponent(partner.origin)}" title="코로나19 예방접종 사전예약"></iframe>`,
  );
  // What a browser blocking third-party storage does to the frame: every access throws.
  await page.addInitScript(() => {
    if (!location.pathname.startsWith('/embed/')) return;
    Object.defineProperty(window, 'localStorage', {
      get() { throw new DOMException('third-party storage is blocked', 'SecurityError'); },
    });
  });
  const ranks = [];
  page.on('response', async (response) => {
    if (response.request().method() === 'POST' && response.url().endsWith(`/campaigns/${CAMPAIGN}/queue`)) {
      ranks.push((await response.json()).ticket.claims.place);
    }
  });
  const labels = LABELS.ko;
  const frame = page.frameLocator('iframe');
  const join = async () => {
    await frame.locator('#fl-step-heading').waitFor({ timeout: 20_000 });
    await frame.getByLabel(labels.name, { exact: true }).fill('김민지');
    await frame.getByLabel(labels.birthDate, { exact: true }).fill('1964-03-15');
    await frame.getByLabel(labels.mobile, { exact: true }).fill('010-1234-5678');
    await frame.getByRole('button', { name: labels.check }).click();
    await frame.getByRole('button', { name: labels.join }).click();
    await frame.getByRole('heading', { name: labels.chooseHeading }).waitFor({ timeout: 60_000 });
  };
  try {
    await page.goto(partner.origin);
    assert.equal(await frame.locator('body').evaluate(() => {
      try { return typeof window.localStorage; } catch { return 'blocked'; }
    }), 'blocked');
    await join();
    await page.reload();
    await join();
    // The answers are read as they arrive; the second may still be in reading.
    for (let i = 0; i < 50 && ranks.length < 2; i += 1) await page.waitForTimeout(100);
    assert.equal(ranks.length, 2, JSON.stringify(ranks));
    assert.deepEqual(ranks[1], ranks[0], 'the server gives the same place back');
    await chooseAndBook(frame);
    await frame.locator('#fl-reference').waitFor({ timeout: 20_000 });
    await saveScreenshot(page, 'embed-iframe-storage-blocked-booked');
    assert.deepEqual(await run.violations(), []);
  } finally {
    await run.close();
  }
});
