// A partner's page on its own loopback origin (another port: another origin), embedding the
// widget with `<fairline-booking>` under the strict CSP a partner needs to allow, with a hostile
// stylesheet, recording every `fairline:*` event and every CSP violation.
import { createServer } from 'node:http';

/** The CSP a partner page needs for the custom element (README, "Embedding"). */
export function strictCsp(widgetOrigin, otherFrames = []) {
  return [
    "default-src 'none'",
    `script-src 'self' ${widgetOrigin} 'wasm-unsafe-eval'`,
    `connect-src ${widgetOrigin}`,
    `style-src 'self' ${widgetOrigin}`,
    "img-src 'self'",
    `frame-src ${[widgetOrigin, ...otherFrames].join(' ')}`,
  ].join('; ');
}

/** What a careless or hostile host page may do to everything it styles. */
export const HOSTILE_CSS = '* { font: 9px serif !important; color: red !important; }\n'
  + 'div, p, section, button { background: yellow !important; margin: 40px !important; }\n'
  + 'iframe { width: 100%; border: 0; display: block; }\n'
  // Brand colours that fail 4.5:1 against the widget's text: a pale yellow, and on dark a navy.
  + '.brand { --fairline-accent: #ffd400; --fairline-dark-accent: #1a1a60; --fairline-radius: 0; }\n';

const PARTNER_JS = `
const seen = [];
const names = ['ready', 'step', 'position', 'admitted', 'booked', 'cancelled', 'error'];
for (const name of names) {
  document.addEventListener('fairline:' + name, (event) => {
    seen.push({ type: event.type, detail: event.detail, campaign: event.target.getAttribute('campaign') });
  });
}
const messages = [];
window.addEventListener('message', (event) => { messages.push({ origin: event.origin, data: event.data }); });
const violations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  // axe-core, run by the tests, adds a <style> of its own: not the widget's doing.
  if (!window.__axeRunning) violations.push(event.violatedDirective + ' ' + event.blockedURI);
});
window.partner = { seen, violations, messages };
`;

/**
 * Starts the partner site; `page(widgetOrigin)` is the HTML body of `/`. Resolves to
 * `{ origin, setWidget(origin, elements), stop() }`.
 */
export async function startPartner() {
  let widgetOrigin = '';
  let elements = '';
  let otherFrames = [];
  const server = createServer((request, response) => {
    const path = new URL(request.url, 'http://partner').pathname;
    if (path === '/') {
      response.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': strictCsp(widgetOrigin, otherFrames),
      });
      response.end(`<!doctype html>
<html lang="ko"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>서울시 예약 포털</title>
<link rel="stylesheet" href="/hostile.css">
<script src="/partner.js"></script>
<script type="module" src="${widgetOrigin}/embed.js"></script>
<script src="${widgetOrigin}/embed-frame.js"></script>
</head><body><main><h1>서울시 예약 포털</h1>${elements}</main></body></html>`);
    } else if (path === '/hostile.css') {
      response.writeHead(200, { 'content-type': 'text/css' });
      response.end(HOSTILE_CSS);
    } else if (path === '/partner.js') {
      response.writeHead(200, { 'content-type': 'text/javascript' });
      response.end(PARTNER_JS);
    } else if (path === '/evil') {
      // Another origin's frame on the partner page, posting a command to the widget's frame.
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      // It keeps posting for 8 s, so some messages arrive after the widget listens.
      response.end(`<!doctype html><title>other</title><script>
        const until = Date.now() + 8000;
        const send = () => {
          parent.frames[0].postMessage({ fairline: { v: 1, command: 'setLocale', value: 'en' } }, '*');
          parent.frames[0].postMessage({ fairline: { v: 1, command: 'setMode', value: 'simple' } }, '*');
          if (Date.now() < until) setTimeout(send, 200);
        };
        send();
      </script>`);
    } else if (path === '/favicon.ico') {
      response.writeHead(204);
      response.end();
    } else {
      response.writeHead(404);
      response.end();
    }
  });
  await new Promise((resolve) => { server.listen(0, '127.0.0.1', resolve); });
  return {
    origin: `http://127.0.0.1:${server.address().port}`,
    setWidget(origin, html, frames = []) { widgetOrigin = origin; elements = html; otherFrames = frames; },
    stop: () => new Promise((resolve) => { server.close(resolve); }),
  };
}
