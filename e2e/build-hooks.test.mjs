// The release build's hook that takes server_fn's unused stream classes out of the wasm and the
// glue (hooks/unused-streams.mjs), on hand-made inputs: what it keeps, what it drops, and that a
// glue of another shape stops the build instead of being half cut.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dropStreamClasses, dropStreamExports } from '../hooks/unused-streams.mjs';

/** A wasm module with one function `() -> i32` exported under each of `names`. */
function moduleExporting(names) {
  const leb = (n) => { const out = []; do { let b = n & 0x7f; n >>>= 7; if (n) b |= 0x80; out.push(b); } while (n); return out; };
  const section = (id, body) => [id, ...leb(body.length), ...body];
  const type = section(1, [1, 0x60, 0, 1, 0x7f]);
  const functions = section(3, [1, 0]);
  const exports = section(7, [
    ...leb(names.length),
    ...names.flatMap((name) => [...leb(name.length), ...Buffer.from(name), 0, 0]),
  ]);
  const code = section(10, [1, 4, 0, 0x41, 7, 0x0b]);
  return Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, ...type, ...functions, ...exports, ...code]);
}

test('the stream classes leave the exports and every other export stays, the module still valid', async () => {
  const wasm = moduleExporting([
    'main',
    'intounderlyingsource_pull',
    '__wbg_intounderlyingsink_free',
    'intounderlyingbytesource_type',
    'embed',
    'into_underlying_unrelated',
  ]);
  const [lean, dropped] = dropStreamExports(wasm);
  assert.equal(dropped, 3);
  const module = await WebAssembly.compile(lean);
  assert.deepEqual(
    WebAssembly.Module.exports(module).map((e) => e.name),
    ['main', 'embed', 'into_underlying_unrelated'],
  );
  const [same, none] = dropStreamExports(moduleExporting(['main']));
  assert.equal(none, 0);
  assert.deepEqual(same, moduleExporting(['main']));
});

const streamClass = (name, method) => `export class ${name} {
    free() {
        wasm.__wbg_${name.toLowerCase()}_free(this.__wbg_ptr, 0);
    }
    ${method}() {
        return 1;
    }
}
if (Symbol.dispose) ${name}.prototype[Symbol.dispose] = ${name}.prototype.free;
`;
const registry = (name) => `const ${name}Finalization = (typeof FinalizationRegistry === 'undefined')
    ? { register: () => {}, unregister: () => {} }
    : new FinalizationRegistry(ptr => wasm.__wbg_${name.toLowerCase()}_free(ptr, 1));
`;
const names = ['IntoUnderlyingByteSource', 'IntoUnderlyingSink', 'IntoUnderlyingSource'];

test('the glue loses the three classes, their disposers and registries, and keeps the rest', () => {
  const kept = `export class Embedded {
    unmount() {
        wasm.embedded_unmount(this.__wbg_ptr);
    }
}
if (Symbol.dispose) Embedded.prototype[Symbol.dispose] = Embedded.prototype.free;
`;
  const glue = [kept, ...names.map((n) => streamClass(n, 'pull')), 'let wasm;\n', registry('Embedded'), ...names.map(registry)].join('\n');
  const lean = dropStreamClasses(glue);
  assert.doesNotMatch(lean, /IntoUnderlying|intounderlying/);
  assert.ok(lean.includes(kept));
  assert.ok(lean.includes(registry('Embedded')));
  assert.ok(lean.includes('let wasm;'));
});

test('a glue of another shape stops the build', () => {
  const renamed = [...names.map((n) => streamClass(n, 'pull')), ...names.map(registry)]
    .join('\n')
    .replace('if (Symbol.dispose) IntoUnderlyingSink', 'if (Symbol.asyncDispose) IntoUnderlyingSink');
  assert.throws(() => dropStreamClasses(renamed), /IntoUnderlyingSink's disposer/);
  const missing = names.map((n) => streamClass(n, 'pull')).join('\n');
  assert.throws(() => dropStreamClasses(missing), /finalization registry/);
});
