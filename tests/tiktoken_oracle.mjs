// Differential oracle: npm tiktoken@1.0.22 (openai's Rust core compiled to WASM), serving requests line by line.
// Each stdin line: JSON {"encoding": name, "texts": [...], "ordinary": bool,
//                        "allowed_special": "all" | [...], "disallowed_special": "all" | [...],
//                        "custom": {"base": name, "pat_str": str, "special_tokens": {...}} (optional)}
// "custom" builds (once per name) an encoding from a bundled one's ranks with another pattern or special tokens,
// run by tiktoken's own core: o200k_harmony, or a pattern spelling of tiktoken 0.14.
// Each stdout line: JSON list with, per text, its ids or {"error": message}.
// argv[2]: the node_modules directory holding tiktoken (build/npm/node_modules).
import { createRequire } from "node:module";
import path from "node:path";
import readline from "node:readline";

const root = path.resolve(process.argv[2] || "build/npm/node_modules");
const require = createRequire(path.join(root, "noop.js"));
const { get_encoding, Tiktoken } = require("tiktoken");

const encodings = new Map();
function encoding(name, custom) {
  if (!encodings.has(name)) {
    if (custom) {
      const base = require(`tiktoken/encoders/${custom.base}.json`);
      encodings.set(name, new Tiktoken(base.bpe_ranks, custom.special_tokens, custom.pat_str));
    } else {
      encodings.set(name, get_encoding(name));
    }
  }
  return encodings.get(name);
}

const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity, terminal: false });
rl.on("line", (line) => {
  const req = JSON.parse(line);
  const enc = encoding(req.encoding, req.custom);
  const allowed = req.allowed_special === undefined ? [] : req.allowed_special;
  const disallowed = req.disallowed_special === undefined ? "all" : req.disallowed_special;
  const out = [];
  for (const text of req.texts) {
    try {
      const ids = req.ordinary ? enc.encode_ordinary(text) : enc.encode(text, allowed, disallowed);
      out.push(Array.from(ids));
    } catch (e) {
      out.push({ error: String(e && e.message ? e.message : e) });
    }
  }
  process.stdout.write(JSON.stringify(out) + "\n");
});
