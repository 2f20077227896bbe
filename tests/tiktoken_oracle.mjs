// Differential oracle: npm tiktoken@1.0.22 (openai's Rust core compiled to WASM).
// stdin: JSON {"encoding": name, "texts": [...], "allowed_special": "all" | [...], "disallowed_special": "all" | [...],
//              "ordinary": bool}
// stdout: JSON list with, per text, the list of ids or {"error": message}.
// NODE_PATH (or the resolve root in argv[2]) points at build/npm/node_modules.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import path from "node:path";

const root = process.argv[2] || path.resolve("build/npm/node_modules");
const require = createRequire(path.join(root, "noop.js"));
const { get_encoding } = require("tiktoken");

const req = JSON.parse(readFileSync(0, "utf8"));
const enc = get_encoding(req.encoding);
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
enc.free();
process.stdout.write(JSON.stringify(out));
