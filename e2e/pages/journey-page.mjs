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

/** What a citizen reads on the controls and headings the tests use, in each language. */
export const LABELS = {
  ko: {
    name: '이름', birthDate: '생년월일', mobile: '휴대전화 번호',
    check: '예약 대상자 확인하기', join: '대기열에 들어가기', waitHeading: '대기 중입니다',
    chooseHeading: '접종 장소와 시간 선택', region: '서울특별시', centre: /강남구 예방접종센터/,
    book: '이 시간으로 예약하기', cancel: '예약 취소하기', cancelledHeading: '예약 취소 완료',
    extend: '예약 시간 연장하기', extended: '까지 예약할 수 있습니다', yourTurnTitle: /예약하실 차례/,
    timeLeft: /남은 예약 시간/, fairDraw: /일찍 들어와도 유리하지 않습니다/, switchTo: 'English',
  },
  en: {
    name: 'Full name', birthDate: 'Date of birth', mobile: 'Mobile number',
    check: 'Check my eligibility', join: 'Join the queue', waitHeading: 'You are in the queue',
    chooseHeading: 'Choose a place and time', region: 'Seoul', centre: /Gangnam-gu Vaccination Centre/,
    book: 'Book this time', cancel: 'Cancel this booking', cancelledHeading: 'Booking cancelled',
    extend: 'Give me more time', extended: 'You now have until', yourTurnTitle: /Your turn/,
    timeLeft: /Time left to book/, fairDraw: /Arriving earlier does not help/, switchTo: '한국어',
  },
};

/** Words that may stand in Latin letters in a Korean page: names, not sentences. */
const LATIN_ALLOWED = new Set(['Fairline', 'UTC', 'English']);

export class JourneyPage {
  constructor(page, baseUrl, lang = 'en') {
    this.page = page;
    this.baseUrl = baseUrl;
    this.lang = lang;
    this.labels = LABELS[lang];
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
  joinButton() { return this.page.getByRole('button', { name: this.labels.join }); }
  rank() { return this.page.locator('#fl-rank'); }
  clockNotice() { return this.page.locator('#fl-clock-notice'); }
  offlineNotice() { return this.page.locator('#fl-offline'); }
  waitNotice() { return this.page.locator('#fl-wait-notice'); }
  reference() { return this.page.locator('#fl-reference'); }

  async fillDetails({ name = 'Kim Minji', birthDate, mobile = '010-1234-5678' }) {
    await this.page.getByLabel(this.labels.name, { exact: true }).fill(name);
    await this.page.getByLabel(this.labels.birthDate, { exact: true }).fill(birthDate);
    await this.page.getByLabel(this.labels.mobile, { exact: true }).fill(mobile);
  }

  async check() {
    await this.page.getByRole('button', { name: this.labels.check }).click();
    await this.verdict().waitFor({ timeout: 15_000 });
  }

  async join() {
    await this.joinButton().click();
    try {
      await this.page.getByRole('heading', { name: this.labels.waitHeading }).waitFor({ timeout: 15_000 });
    } catch (error) {
      throw new Error(`${error.message}\npage said: ${await this.page.locator('main').innerText()}`);
    }
  }

  async waitForRank() {
    await this.rank().waitFor({ timeout: 60_000 });
    return this.rank().textContent();
  }

  async waitForChoice() {
    await this.page.getByRole('heading', { name: this.labels.chooseHeading }).waitFor({ timeout: 90_000 });
  }

  /** Region → centre → first open day → first open time. */
  async choose() {
    await this.page.getByRole('radio', { name: this.labels.region }).check();
    await this.page.getByRole('radio', { name: this.labels.centre }).check();
    await this.page.locator('.fl-days input:not([disabled])').first().check();
    await this.page.locator('.fl-times input').first().waitFor({ timeout: 15_000 });
    await this.page.locator('.fl-times input:not([disabled])').first().check();
  }

  async book() {
    await this.page.getByRole('button', { name: this.labels.book }).click();
    await this.reference().waitFor({ timeout: 20_000 });
  }

  /** Switches the widget to the other language with its language switch. */
  async switchLanguage() {
    await this.page.getByRole('button', { name: this.labels.switchTo }).click();
    this.lang = this.lang === 'ko' ? 'en' : 'ko';
    this.labels = LABELS[this.lang];
    await this.page.locator(`.fl-widget[lang=${this.lang}]`).waitFor();
  }

  /**
   * Runs of three or more Latin-letter words in the widget's visible text (outside `<code>` and
   * allowed names): what a Korean page must never show.
   */
  async englishSentences() {
    const texts = await this.page.locator('.fl-widget').evaluate((root) => {
      const found = [];
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const parent = node.parentElement;
        if (!parent || parent.closest('code')) continue;
        if (!parent.checkVisibility?.() && parent.offsetParent === null) continue;
        found.push(node.textContent);
      }
      return found;
    });
    // Words are separated by spaces (a code such as FL-KUWM-RDEZ is one word, not three).
    const word = "[A-Za-z][A-Za-z'’-]*";
    const run = new RegExp(`(?<![\\w-])${word}(?:[,.:;—–]?\\s+${word}){2,}`, 'g');
    return texts.flatMap((text) => [...text.matchAll(run)].map((m) => m[0]))
      .filter((sentence) => !sentence.split(/[,.:;—–]?\s+/).every((w) => LATIN_ALLOWED.has(w)));
  }

  /** axe-core violations at WCAG 2.x A/AA level for the current page. */
  async accessibilityViolations() {
    const results = await new AxeBuilder({ page: this.page })
      .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
      .analyze();
    return results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target).join(', ')})`);
  }
}
