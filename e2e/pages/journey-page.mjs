// Page object for the citizen's journey: role- and id-based locators for each step, the
// device-clock override, and a request log for counting what the widget sends.
import AxeBuilder from '@axe-core/playwright';

export const CAMPAIGN = 'kr-covid19-2021-07';
export const STATE_PATH = `/v1/campaigns/${CAMPAIGN}/queue/state`;
export const JOIN_PATH = `/v1/campaigns/${CAMPAIGN}/queue`;

/**
 * Makes the page's `Date` read `deviceOffsetMs` away from the real clock (0: a device whose clock
 * is right, as a newcomer's is). A rehearsing server reports its real clock beside the rehearsed
 * one, and the widget checks the device against the real one. Call before the first navigation.
 */
export async function setDeviceClock(page, deviceOffsetMs = 0) {
  const shift = deviceOffsetMs;
  await page.addInitScript((shiftMs) => {
    const RealDate = Date;
    const realNow = RealDate.now.bind(RealDate);
    class DeviceDate extends RealDate {
      constructor(...args) {
        if (args.length === 0) super(realNow() + shiftMs);
        else super(...args);
      }
      static now() { return realNow() + shiftMs; }
    }
    globalThis.Date = DeviceDate;
  }, shift);
}

export class JourneyPage {
  constructor(page, baseUrl) {
    this.page = page;
    this.baseUrl = baseUrl;
    this.requests = [];
    page.on('request', (request) => {
      this.requests.push({ method: request.method(), path: new URL(request.url()).pathname });
    });
  }

  async open() {
    await this.page.goto(this.baseUrl);
    await this.stepHeading().waitFor({ timeout: 20_000 });
  }

  count(method, path) {
    return this.requests.filter((r) => r.method === method && r.path === path).length;
  }

  stepHeading() { return this.page.locator('#fl-step-heading'); }
  verdict() { return this.page.locator('[data-verdict]').first(); }
  joinButton() { return this.page.getByRole('button', { name: 'Join the queue' }); }
  rank() { return this.page.locator('#fl-rank'); }
  clockNotice() { return this.page.locator('#fl-clock-notice'); }
  offlineNotice() { return this.page.locator('#fl-offline'); }
  waitNotice() { return this.page.locator('#fl-wait-notice'); }
  reference() { return this.page.locator('#fl-reference'); }

  async fillDetails({ name = 'Kim Minji', birthDate, mobile = '010-1234-5678' }) {
    await this.page.getByLabel('Full name').fill(name);
    await this.page.getByLabel('Date of birth').fill(birthDate);
    await this.page.getByLabel('Mobile number').fill(mobile);
  }

  async check() {
    await this.page.getByRole('button', { name: 'Check my eligibility' }).click();
    await this.verdict().waitFor({ timeout: 15_000 });
  }

  async join() {
    await this.joinButton().click();
    try {
      await this.page.getByRole('heading', { name: 'You are in the queue' }).waitFor({ timeout: 15_000 });
    } catch (error) {
      throw new Error(`${error.message}\npage said: ${await this.page.locator('main').innerText()}`);
    }
  }

  async waitForRank() {
    await this.rank().waitFor({ timeout: 60_000 });
    return this.rank().textContent();
  }

  async waitForChoice() {
    await this.page.getByRole('heading', { name: 'Choose a place and time' }).waitFor({ timeout: 90_000 });
  }

  /** Region → centre → first open day → first open time. */
  async choose() {
    await this.page.getByRole('radio', { name: 'Seoul' }).check();
    await this.page.getByRole('radio', { name: /Gangnam-gu Vaccination Centre/ }).check();
    await this.page.locator('.fl-days input:not([disabled])').first().check();
    await this.page.locator('.fl-times input').first().waitFor({ timeout: 15_000 });
    await this.page.locator('.fl-times input:not([disabled])').first().check();
  }

  async book() {
    await this.page.getByRole('button', { name: 'Book this time' }).click();
    await this.reference().waitFor({ timeout: 20_000 });
  }

  /** axe-core violations at WCAG 2.x A/AA level for the current page. */
  async accessibilityViolations() {
    const results = await new AxeBuilder({ page: this.page })
      .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
      .analyze();
    return results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target).join(', ')})`);
  }
}
