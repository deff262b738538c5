// Page object for the simplified mode: one question a screen, reached by role and name, and the
// measurements a screen must pass (no sideways scrolling, targets of 44×44 px or more, text at
// 7:1 contrast or more).
import { JourneyPage } from './journey-page.mjs';
import { saveScreenshot } from '../support/browser.mjs';

/** What a citizen reads on the simplified screens, in Korean. */
export const SIMPLE_KO = {
  modeSwitch: '글자 크게·쉬운 화면',
  next: '다음',
  back: '이전',
  askName: '이름이 무엇입니까?',
  askBirthDate: '언제 태어나셨습니까?',
  askMobile: '휴대전화 번호가 무엇입니까?',
  result: '예약할 수 있는지 확인했습니다',
  year: '연도 (4자리)',
  month: '월',
  day: '일',
};

export class SimplePage extends JourneyPage {
  constructor(page, baseUrl) {
    super(page, baseUrl, 'ko');
    this.words = SIMPLE_KO;
  }

  modeSwitch() { return this.page.getByRole('button', { name: this.words.modeSwitch }); }
  nextButton() { return this.page.getByRole('button', { name: this.words.next, exact: true }); }
  question(name) { return this.page.getByRole('heading', { level: 2, name }); }

  /** Turns the simplified mode on with its switch. */
  async turnOn() {
    await this.modeSwitch().click();
    await this.page.locator('.fl-widget.fl-simple').waitFor();
  }

  /** The three questions, each answered and sent with Next; `onScreen` runs on every screen. */
  async answer({ name = '김민지', year, month, day, mobile = '010-1234-5678' }, onScreen) {
    await this.question(this.words.askName).waitFor();
    await onScreen('1-name');
    await this.page.getByLabel(this.labels.name, { exact: true }).fill(name);
    await this.nextButton().click();
    await this.question(this.words.askBirthDate).waitFor();
    await onScreen('2-birth-date');
    await this.page.getByLabel(this.words.year, { exact: true }).fill(year);
    await this.page.getByLabel(this.words.month, { exact: true }).fill(month);
    await this.page.getByLabel(this.words.day, { exact: true }).fill(day);
    await this.nextButton().click();
    await this.question(this.words.askMobile).waitFor();
    await onScreen('3-mobile');
    await this.page.getByLabel(this.labels.mobile, { exact: true }).fill(mobile);
    await this.nextButton().click();
    await this.question(this.words.result).waitFor();
  }

  /** Picks the first open choice on the shown question, then Next (or nothing on the last). */
  async pickFirst(selector) {
    const open = this.page.locator(`${selector} input:not([disabled])`).first();
    await open.waitFor({ timeout: 15_000 });
    await open.check();
  }

  /**
   * Runs `screen`'s checks again in the dark scheme, and saves the forced-colours look (Windows
   * high contrast, whose colours are the system's), then returns to the light scheme.
   */
  async otherLooks(screen, name, label) {
    await this.page.emulateMedia({ colorScheme: 'dark' });
    await screen(`${name}-dark`);
    await this.page.emulateMedia({ colorScheme: 'light', forcedColors: 'active' });
    await saveScreenshot(this.page, `simple-${label}-${name}-forced-colors`);
    await this.page.emulateMedia({ colorScheme: 'light', forcedColors: 'none' });
  }

  /** What the page must pass on every screen; the failures, in words. */
  async screenProblems() {
    return this.page.evaluate(() => {
      const problems = [];
      const root = document.documentElement;
      if (root.scrollWidth > root.clientWidth) {
        problems.push(`scrolls sideways: ${root.scrollWidth} > ${root.clientWidth}`);
      }
      const visible = (el) => {
        const box = el.getBoundingClientRect();
        return box.width > 0 && box.height > 0 && getComputedStyle(el).visibility !== 'hidden';
      };
      const widget = document.querySelector('.fl-widget');
      for (const el of widget.querySelectorAll('button, input, a[href], select, textarea')) {
        if (!visible(el)) continue;
        let box = el.getBoundingClientRect();
        // A radio or a checkbox is pressed through its label too: the target is both.
        if ((el.type === 'radio' || el.type === 'checkbox') && el.labels?.length) {
          const label = el.labels[0].getBoundingClientRect();
          const left = Math.min(box.left, label.left);
          const top = Math.min(box.top, label.top);
          box = {
            width: Math.max(box.right, label.right) - left,
            height: Math.max(box.bottom, label.bottom) - top,
          };
        }
        if (box.width < 44 || box.height < 44) {
          problems.push(`small target ${el.id || el.textContent.trim()}: ${Math.round(box.width)}×${Math.round(box.height)}`);
        }
      }
      const channel = (c) => {
        const v = c / 255;
        return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
      };
      const rgb = (text) => (text.match(/[\d.]+/g) ?? []).map(Number);
      const luminance = ([r, g, b]) => 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
      const background = (el) => {
        for (let node = el; node; node = node.parentElement) {
          const [r, g, b, a = 1] = rgb(getComputedStyle(node).backgroundColor);
          if (a > 0) return [r, g, b];
        }
        return [255, 255, 255];
      };
      const walker = document.createTreeWalker(widget, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const el = node.parentElement;
        if (!node.textContent.trim() || !el || !visible(el) || el.closest(':disabled, .fl-visually-hidden')) continue;
        const style = getComputedStyle(el);
        const fore = luminance(rgb(style.color));
        const back = luminance(background(el));
        const ratio = (Math.max(fore, back) + 0.05) / (Math.min(fore, back) + 0.05);
        if (ratio < 7) problems.push(`contrast ${ratio.toFixed(2)}:1 for "${node.textContent.trim().slice(0, 30)}"`);
      }
      return [...new Set(problems)];
    });
  }
}
