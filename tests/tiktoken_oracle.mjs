// Differential oracle: npm tiktoken@1.0.22 (openai's Rust core compiled to WASM), serving requests line by line.
// Each stdin line: JSON {"encoding": name, "texts": [...], "ordinary": bool,
//                        "allowed_special": "all" | [...], "disallowed_special": "all" | [...]}
// Each stdout line: JSON list with, per text, its ids or {"error": message}.
// argv[2]: the node_modules directory holding tiktoken (build/npm/node_modules).
import { createRequire } from "node:module";
import path from "node:path";
import readline from "node:readline";

const root = path.resolve(process.argv[2] || "build/npm/node_modules");
const require = createRequire(path.join(root, "noop.js"));
const { get_encoding } = require("tiktoken");

const encodings = new Map();
function encoding(name) {
  if (!encodings.has(name)) encodings.set(name, get_encoding(name));
  return encodings.get(name);
}

const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity, terminal: false });
rl.on("line", (line) => {
  const req = JSON.parse(line);
  const enc = encoding(req.encoding);
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
