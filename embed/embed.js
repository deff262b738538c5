// Fairline's embed loader: `<script type="module" src="https://WIDGET-ORIGIN/embed.js">` defines
// `<fairline-booking>`. Each element renders its own widget inside its shadow root (the host
// page's CSS cannot restyle it, its CSS cannot leak out); the wasm, its glue and the stylesheet
// come from this file's origin. Attributes: api-base, campaign, locale (ko | en), mode
// (standard | simple), theme (light | dark | auto). Events: see the README's "Embedding".
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
    // `theme` is read by the stylesheet (`:host([theme=…])`).
  }
}

if (!customElements.get('fairline-booking')) customElements.define('fairline-booking', FairlineBooking);
