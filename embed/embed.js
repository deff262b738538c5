// Fairline's embed loader: `<script type="module" src="https://WIDGET-ORIGIN/embed.js">` defines
// `<fairline-booking>`. Each element renders its own widget inside its shadow root (the host
// page's CSS cannot restyle it, its CSS cannot leak out); the wasm, its glue and the stylesheet
// come from this file's origin. Attributes: api-base, campaign, locale (ko | en), mode
// (standard | simple), theme (light | dark | auto); colours, radius and font through the
// `--fairline-…` custom properties. Events: see the README's "Embedding".
// No inline script or style is needed, so a page with a strict CSP can load it.
// Written into the build by `embed/write-embed.mjs` (a Trunk post-build hook), which fills in the
// hashed file names below.
const BASE = new URL('.', import.meta.url);
const FILES = { glue: '__FAIRLINE_GLUE__', wasm: '__FAIRLINE_WASM__', css: '__FAIRLINE_CSS__' };

// The widget's module mounts nothing by itself when this flag is set.
globalThis.__fairlineEmbed = true;

let loading;
function loadWidget() {
  loading ??= import(new URL(FILES.glue, BASE).href).then(async (glue) => {
    await glue.default({ module_or_path: new URL(FILES.wasm, BASE) });
    return glue;
  });
  return loading;
}

// WCAG 2.2's contrast for text, which no partner colour may take the widget below.
const MIN_CONTRAST = 4.5;

/** `[r, g, b]` of any CSS colour, as the browser computes it inside `root`. */
function rgb(root, colour) {
  const probe = document.createElement('span');
  probe.style.color = colour;
  root.append(probe);
  const parts = getComputedStyle(probe).color.match(/[\d.]+/g)?.map(Number) ?? [0, 0, 0];
  probe.remove();
  return parts.slice(0, 3);
}

function luminance([r, g, b]) {
  const channel = (c) => { const v = c / 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
  return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
}

function contrast(a, b) {
  const [x, y] = [luminance(a), luminance(b)];
  return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
}

/**
 * A partner's `--fairline-accent` that fails 4.5:1 against the button text or the background is
 * darkened (or, on dark, lightened) until both pass, with a console warning saying so.
 */
function keepBrandReadable(container) {
  container.style.removeProperty('--fl-accent');
  const style = getComputedStyle(container);
  const accent = rgb(container, style.getPropertyValue('--fl-accent'));
  const ink = rgb(container, style.getPropertyValue('--fl-accent-ink'));
  const background = rgb(container, style.getPropertyValue('--fl-bg'));
  const target = luminance(ink) > 0.5 ? [0, 0, 0] : [255, 255, 255];
  const worst = (colour) => Math.min(contrast(colour, ink), contrast(colour, background));
  if (worst(accent) >= MIN_CONTRAST) return;
  let fixed = accent;
  for (let step = 1; step <= 20 && worst(fixed) < MIN_CONTRAST; step += 1) {
    fixed = accent.map((c, i) => Math.round(c + (target[i] - c) * (step / 20)));
  }
  const written = `rgb(${fixed.join(', ')})`;
  container.style.setProperty('--fl-accent', written);
  console.warn(`Fairline: the brand colour rgb(${accent.join(', ')}) has a contrast of `
    + `${worst(accent).toFixed(2)}:1 against its text; it is shown as ${written} `
    + `(${worst(fixed).toFixed(2)}:1), since WCAG 2.2 asks for ${MIN_CONTRAST}:1.`);
}

const FAILED = {
  ko: '예약 화면을 불러오지 못했습니다. 연결을 확인하고 새로 고쳐 주세요.',
  en: 'The booking page could not load. Check your connection and reload.',
};

class FairlineBooking extends HTMLElement {
  static observedAttributes = ['locale', 'mode', 'theme'];

  connectedCallback() {
    if (this.widget || this.starting) return;
    const root = this.shadowRoot ?? this.attachShadow({ mode: 'open' });
    const style = document.createElement('link');
    style.rel = 'stylesheet';
    style.href = new URL(FILES.css, BASE).href;
    const container = document.createElement('div');
    container.className = 'fl-embed';
    root.replaceChildren(style, container);
    style.addEventListener('load', () => keepBrandReadable(container));
    this.container = container;
    this.starting = loadWidget().then((glue) => {
      this.starting = null;
      if (!this.isConnected) return;
      this.widget = glue.embed(
        this,
        container,
        this.getAttribute('api-base') ?? BASE.origin,
        this.getAttribute('campaign') ?? '',
        this.getAttribute('locale') ?? undefined,
        this.getAttribute('mode') ?? undefined,
      );
    }, () => {
      this.starting = null;
      const failed = document.createElement('p');
      failed.setAttribute('role', 'alert');
      failed.textContent = this.getAttribute('locale') === 'en' ? FAILED.en : FAILED.ko;
      container.replaceChildren(failed);
    });
  }

  disconnectedCallback() {
    this.widget?.unmount();
    this.widget?.free();
    this.widget = null;
  }

  attributeChangedCallback(name, _old, value) {
    if (!this.widget || value === null) return;
    if (name === 'locale') this.widget.set_locale(value);
    if (name === 'mode') this.widget.set_mode(value);
    // `theme` is read by the stylesheet (`:host([theme=…])`); the brand colour is checked again.
    if (name === 'theme') keepBrandReadable(this.container);
  }
}

if (!customElements.get('fairline-booking')) customElements.define('fairline-booking', FairlineBooking);
