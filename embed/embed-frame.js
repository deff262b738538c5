// Fairline's optional helper for the iframe mode: `<script src="https://WIDGET-ORIGIN/embed-frame.js">`
// on the partner's page. For every `<iframe>` showing `/embed/…` from this file's origin, it keeps
// the frame as tall as its content (the widget posts `fairline:height`) and re-dispatches the
// widget's events (`fairline:ready`, `fairline:step`, … with the same `detail`) on the iframe
// element, bubbling. Messages from any other origin or window are ignored.
// A classic script (not a module), so `document.currentScript` names its own URL.
(() => {
const WIDGET_ORIGIN = new URL(document.currentScript.src).origin;

function frameOf(source) {
  for (const frame of document.querySelectorAll('iframe')) {
    if (frame.contentWindow === source) return frame;
  }
  return null;
}

window.addEventListener('message', (event) => {
  if (event.origin !== WIDGET_ORIGIN) return;
  const message = event.data?.fairline;
  if (!message || message.v !== 1 || typeof message.event !== 'string') return;
  const frame = frameOf(event.source);
  if (!frame) return;
  if (message.event === 'fairline:height') {
    const height = Number(message.detail?.height);
    if (Number.isFinite(height) && height > 0) frame.style.height = `${Math.ceil(height)}px`;
    return;
  }
  frame.dispatchEvent(new CustomEvent(message.event, { detail: message.detail, bubbles: true }));
});
})();
