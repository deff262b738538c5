// Trunk post-build hook (Trunk.toml): writes `embed.js` into the build with the hashed names of
// the widget's glue, wasm and stylesheet, and `embed.js.sri` beside it (the Subresource Integrity
// value a partner may put on the script tag); copies `embed-frame.js` (the iframe helper).
import { createHash } from 'node:crypto';
import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const staging = process.env.TRUNK_STAGING_DIR;
if (!staging) throw new Error('write-embed.mjs runs as a Trunk hook (TRUNK_STAGING_DIR is not set)');
const files = readdirSync(staging);
const one = (pattern, what) => {
  const found = files.filter((name) => pattern.test(name));
  if (found.length !== 1) throw new Error(`expected one ${what} in the build, found ${found.join(', ') || 'none'}`);
  return found[0];
};
const here = path.dirname(fileURLToPath(import.meta.url));
const text = readFileSync(path.join(here, 'embed.js'), 'utf8')
  .replace('__FAIRLINE_GLUE__', one(/^fairline-widget-[0-9a-f]+\.js$/, 'glue file'))
  .replace('__FAIRLINE_WASM__', one(/^fairline-widget-[0-9a-f]+_bg\.wasm$/, 'wasm file'))
  .replace('__FAIRLINE_CSS__', one(/^styles-[0-9a-f]+\.css$/, 'stylesheet'));
writeFileSync(path.join(staging, 'embed.js'), text);
const sri = `sha384-${createHash('sha384').update(text).digest('base64')}`;
writeFileSync(path.join(staging, 'embed.js.sri'), `${sri}\n`);
copyFileSync(path.join(here, 'embed-frame.js'), path.join(staging, 'embed-frame.js'));
