// server_fn's stream classes, taken out of a release build (used by minify.mjs).
//
// Leptos always links server_fn's browser client, whose wasm-streams types
// (`IntoUnderlyingSource`, `IntoUnderlyingSink`, `IntoUnderlyingByteSource`) are exported to
// JavaScript, so neither the linker nor binaryen can drop them as dead code. A page without server
// functions never uses them. Their exports leave the wasm and their classes leave the glue; binaryen
// then drops the code only they kept. Any other shape of glue than the one wasm-bindgen writes for
// them stops the build, so a new wasm-bindgen cannot leave a half-removed class behind.

/** Export names of the stream classes' methods and destructors. */
const STREAM_EXPORT = /^(__wbg_)?intounderlying(bytesource|sink|source)_/;
/** The three classes' names in the glue. */
const STREAM_CLASSES = ['IntoUnderlyingByteSource', 'IntoUnderlyingSink', 'IntoUnderlyingSource'];

function readLeb(bytes, at) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const byte = bytes[at++];
    value |= (byte & 0x7f) << shift;
    shift += 7;
    if (byte < 0x80) return [value >>> 0, at];
  }
}

function writeLeb(value) {
  const out = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value) byte |= 0x80;
    out.push(byte);
  } while (value);
  return Buffer.from(out);
}

/**
 * The module without the stream classes' exports, and how many it dropped (0 when it had none).
 * Only the export section is rewritten; every other section is copied byte for byte.
 */
export function dropStreamExports(wasm) {
  const parts = [wasm.subarray(0, 8)];
  let dropped = 0;
  let at = 8;
  while (at < wasm.length) {
    const start = at;
    const id = wasm[at++];
    const [size, body] = readLeb(wasm, at);
    const end = body + size;
    if (id === 7) {
      let [count, cursor] = readLeb(wasm, body);
      const kept = [];
      for (; count > 0; count--) {
        const entry = cursor;
        const [length, name] = readLeb(wasm, cursor);
        const exported = wasm.subarray(name, name + length).toString('utf8');
        [, cursor] = readLeb(wasm, name + length + 1); // kind byte, then index
        if (STREAM_EXPORT.test(exported)) dropped++;
        else kept.push(wasm.subarray(entry, cursor));
      }
      const section = Buffer.concat([writeLeb(kept.length), ...kept]);
      parts.push(Buffer.from([7]), writeLeb(section.length), section);
    } else {
      parts.push(wasm.subarray(start, end));
    }
    at = end;
  }
  return [Buffer.concat(parts), dropped];
}

/** Cuts `pattern` out of `glue`, exactly once. */
function cutOnce(glue, pattern, what) {
  const found = glue.match(pattern);
  if (!found || glue.match(new RegExp(pattern.source, 'gm')).length !== 1) {
    throw new Error(`the glue does not hold ${what} as expected: update hooks/unused-streams.mjs`);
  }
  return glue.replace(pattern, '');
}

/** The glue without the three stream classes, their disposers and their finalization registries. */
export function dropStreamClasses(glue) {
  for (const name of STREAM_CLASSES) {
    glue = cutOnce(glue, new RegExp(`^export class ${name} \\{\\n[\\s\\S]*?^\\}\\n`, 'm'), `class ${name}`);
    glue = cutOnce(
      glue,
      new RegExp(`^if \\(Symbol\\.dispose\\) ${name}\\.prototype\\[Symbol\\.dispose\\] = ${name}\\.prototype\\.free;\\n`, 'm'),
      `${name}'s disposer`,
    );
    glue = cutOnce(
      glue,
      new RegExp(`^const ${name}Finalization = [^;]*;\\n`, 'm'),
      `${name}'s finalization registry`,
    );
  }
  if (/IntoUnderlying|intounderlying/.test(glue)) {
    throw new Error('the glue still names a stream class: update hooks/unused-streams.mjs');
  }
  return glue;
}
