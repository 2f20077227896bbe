// The node side of bench/tokenize.py: times tiktoken (WASM, openai's Rust core) and js-tiktoken (pure JS) on the
// same corpora. argv: node_modules dir, spec JSON path. Spec: {"encodings": [...], "corpora": {name: json path},
// "repeat": n, "small": "13-byte string", "small_calls": n, "pathological": {name: json path}}.
// Prints one JSON object: {lib: {encoding: {corpus: seconds}}, "small": {lib: seconds per call}, ...}.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import path from "node:path";

const root = path.resolve(process.argv[2]);
const spec = JSON.parse(readFileSync(process.argv[3], "utf8"));
const require = createRequire(path.join(root, "noop.js"));
const wasm = require("tiktoken");
const { Tiktoken: JsTiktoken } = require("js-tiktoken/lite");

function makers(name) {
  const w = wasm.get_encoding(name);
  const j = new JsTiktoken(require(`js-tiktoken/ranks/${name}`));
  return {
    "tiktoken-wasm": (t) => w.encode_ordinary(t),
    "js-tiktoken": (t) => j.encode(t, [], []),
  };
}

function best(fn, texts, repeat) {
  let b = Infinity;
  for (let r = 0; r < repeat; r++) {
    const t0 = process.hrtime.bigint();
    for (const t of texts) fn(t);
    const dt = Number(process.hrtime.bigint() - t0) / 1e9;
    if (dt < b) b = dt;
  }
  return b;
}

const out = { corpora: {}, small: {}, pathological: {} };
for (const enc of spec.encodings) {
  const m = makers(enc);
  for (const [lib, fn] of Object.entries(m)) {
    out.corpora[lib] ??= {};
    out.corpora[lib][enc] = {};
    for (const [corpus, file] of Object.entries(spec.corpora)) {
      const texts = JSON.parse(readFileSync(file, "utf8"));
      fn(texts[0]);
      out.corpora[lib][enc][corpus] = best(fn, texts, spec.repeat);
    }
    if (enc === spec.encodings[0]) {
      for (let i = 0; i < 1000; i++) fn(spec.small);
      out.small[lib] = best(fn, Array(spec.small_calls).fill(spec.small), 3) / spec.small_calls;
      out.pathological[lib] = {};
      for (const [name, file] of Object.entries(spec.pathological)) {
        const texts = JSON.parse(readFileSync(file, "utf8"));
        out.pathological[lib][name] = best(fn, texts, 1);
      }
    }
  }
}
process.stdout.write(JSON.stringify(out));
