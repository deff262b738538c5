// Page object for the widget: role-based locators for what a citizen sees.
import AxeBuilder from '@axe-core/playwright';

export class WidgetPage {
  constructor(page, baseUrl) {
    this.page = page;
    this.baseUrl = baseUrl;
  }

  async open() {
    await this.page.goto(this.baseUrl);
  }

  campaignHeading() {
    return this.page.getByRole('heading', { level: 1 });
  }

  openingTime() {
    return this.page.locator('time').first();
  }

  /** axe-core violations at WCAG 2.x A/AA level for the current page. */
  async accessibilityViolations() {
    const results = await new AxeBuilder({ page: this.page })
      .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
      .analyze();
    return results.violations;
  }
}
