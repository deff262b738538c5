// Trunk post-build hook (Trunk.toml, and the bare counter's for the same comparison): minifies
// wasm-bindgen's JavaScript glue and Trunk's inline initializer script with terser, and the
// stylesheets with clean-css (level 1: whitespace, comments and values only, no rules merged or
// moved, so the cascade stays as written), none of which wasm-bindgen or Trunk minifies; rewrites
// their Subresource Integrity values in index.html so the browser still accepts them. Before
// that, server_fn's unused stream classes leave the wasm and the glue (unused-streams.mjs) and
// binaryen's wasm-opt (from package.json, as for Trunk) runs once more on what is left. About 4 KB
// less brotli in the first load.
//
// Release builds only (`trunk build --release`); a development build keeps readable glue.
// Run by Trunk, which sets TRUNK_STAGING_DIR and TRUNK_PROFILE; terser comes from package.json.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import CleanCSS from 'clean-css';
import { minify } from 'terser';
import { dropStreamClasses, dropStreamExports } from './unused-streams.mjs';

const staging = process.env.TRUNK_STAGING_DIR;
if (!staging) throw new Error('minify.mjs runs as a Trunk hook (TRUNK_STAGING_DIR is not set)');
if (process.env.TRUNK_PROFILE !== 'release') process.exit(0);

const options = { module: true, ecma: 2020, compress: { passes: 2 }, mangle: true, format: { comments: false } };
const integrity = (text) => `sha384-${createHash('sha384').update(text).digest('base64')}`;

// The glue is the `.js` beside each `<name>_bg.wasm`.
const glues = readdirSync(staging)
  .filter((name) => name.endsWith('_bg.wasm'))
  .map((name) => name.replace(/_bg\.wasm$/, '.js'));
if (glues.length !== 1) throw new Error(`expected one wasm module in the build, found ${glues.length}`);
const glue = readFileSync(path.join(staging, glues[0]), 'utf8');
const htmlPath = path.join(staging, 'index.html');
let html = readFileSync(htmlPath, 'utf8');

// Rewrites one file and its integrity value in index.html.
const rewrite = (file, text, small) => {
  writeFileSync(path.join(staging, file), small);
  const before = integrity(text);
  if (!html.includes(before)) throw new Error(`index.html does not carry ${file}'s integrity value ${before}`);
  html = html.replace(before, integrity(small));
};

// The wasm without server_fn's stream classes, optimised again for what that leaves dead.
const wasmName = glues[0].replace(/\.js$/, '_bg.wasm');
const wasm = readFileSync(path.join(staging, wasmName));
const [lean, dropped] = dropStreamExports(wasm);
let leanGlue = glue;
if (dropped > 0) {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const wasmOpt = path.join(here, '..', 'node_modules', '.bin', 'wasm-opt');
  const input = path.join(staging, '.lean.wasm');
  const output = path.join(staging, '.lean-opt.wasm');
  writeFileSync(input, lean);
  const features = ['reference-types', 'bulk-memory', 'nontrapping-float-to-int', 'sign-ext', 'multivalue', 'mutable-globals'];
  const run = spawnSync(wasmOpt, [...features.map((f) => `--enable-${f}`), '-Os', input, '-o', output], { stdio: 'inherit' });
  if (run.status !== 0) throw new Error(`wasm-opt failed (${run.error ?? `exit ${run.status}`})`);
  const optimised = readFileSync(output);
  unlinkSync(input);
  unlinkSync(output);
  rewrite(wasmName, wasm, optimised);
  leanGlue = dropStreamClasses(glue);
}
rewrite(glues[0], glue, (await minify(leanGlue, options)).code);

for (const sheet of readdirSync(staging).filter((name) => name.endsWith('.css'))) {
  const css = readFileSync(path.join(staging, sheet), 'utf8');
  const result = new CleanCSS({ level: 1 }).minify(css);
  if (result.errors.length) throw new Error(`${sheet}: ${result.errors.join('; ')}`);
  rewrite(sheet, css, result.styles);
}

// Trunk's initializer: the inline module script that imports the glue.
const inline = /<script type="module">([\s\S]*?)<\/script>/;
const found = html.match(inline);
if (found && found[1].includes('__trunkInitializer')) {
  const script = (await minify(found[1], options)).code;
  html = html.replace(found[0], () => `<script type="module">${script}</script>`);
}
writeFileSync(htmlPath, html);
