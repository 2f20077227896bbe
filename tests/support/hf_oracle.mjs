// Differential oracle: Hugging Face `tokenizers` (the Rust core, through its official Node binding), one process per
// request. stdin: one JSON object {"npm_modules": dir, "tokenizer": {"path": p} | {"json": text} | null,
// "ops": [op, ...]}; stdout: one JSON object {"results": [result per op]}. Ops:
//   {"op": "encode", "texts": [...], "pairs": [...] | null, "add_special_tokens": bool,
//    "truncation": {max_length, stride, strategy, direction} | null,
//    "padding": {length, pad_to_multiple_of, pad_id, pad_type_id, pad_token, direction} | null}
//       -> {"encodings": [encoding | {"error": message}]}
//   {"op": "decode", "ids": [[...], ...] | "ids_from": k, "skip_special_tokens": bool}
//       -> {"texts": [text | {"error": message}]}   (ids_from: the ids of op k's encodings, for round trips in one load)
//   {"op": "save"} -> {"json": the tokenizer as the library serializes it (pretty)}
//   {"op": "vocab", "with_added_tokens": bool} -> {"vocab": {token: id}}
//   {"op": "train", "skeleton": tokenizer.json text, "files": [...], "out": path} -> {"path": out}
//       (trains the skeleton's model with the binding's only trainer: the model's default one)
// Offsets: the binding encodes with encode_char_offsets, so offsets count Unicode scalar values (code points),
// exactly the str indices the Python binding reports; not UTF-16 units, even though JS strings are UTF-16.
import { createRequire } from "node:module";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const request = JSON.parse(fs.readFileSync(0, "utf8"));
const require = createRequire(path.join(path.resolve(request.npm_modules), "noop.js"));
const { Tokenizer } = require("tokenizers");

const message = (e) => String(e && e.message ? e.message : e);
const STRATEGIES = { longest_first: "LongestFirst", only_first: "OnlyFirst", only_second: "OnlySecond" };

function loadTokenizer(spec) {
  if (!spec) return null;
  return spec.path !== undefined ? Tokenizer.fromFile(spec.path) : Tokenizer.fromString(spec.json);
}

function encodingToJson(e) {
  return {
    ids: e.getIds(),
    type_ids: e.getTypeIds(),
    tokens: e.getTokens(),
    offsets: e.getOffsets(),
    attention_mask: e.getAttentionMask(),
    special_tokens_mask: e.getSpecialTokensMask(),
    word_ids: e.getWordIds().map((w) => (w === undefined ? null : w)),
    sequence_ids: e.getSequenceIds().map((s) => (s === undefined ? null : s)),
    n_sequences: e.getNSequences(),
    overflowing: e.getOverflowing().map(encodingToJson),
  };
}

function paddingOptions(p) {
  const o = { direction: p.direction ?? "right", padId: p.pad_id ?? 0, padTypeId: p.pad_type_id ?? 0,
              padToken: p.pad_token ?? "[PAD]" };
  if (p.length !== undefined && p.length !== null) o.maxLength = p.length;
  if (p.pad_to_multiple_of !== undefined && p.pad_to_multiple_of !== null) o.padToMultipleOf = p.pad_to_multiple_of;
  return o;
}

// The length the core's pad_encodings pads a batch to (Fixed or the longest, rounded up to a multiple).
function batchPadLength(encodings, p) {
  let n = p.length ?? Math.max(0, ...encodings.map((e) => e.getLength()));
  const m = p.pad_to_multiple_of;
  if (m && n % m) n += m - (n % m);
  return n;
}

async function encode(tok, op) {
  const opts = { addSpecialTokens: op.add_special_tokens ?? true };
  if (op.truncation) {
    const t = op.truncation;
    tok.setTruncation(t.max_length, { stride: t.stride ?? 0, strategy: STRATEGIES[t.strategy ?? "longest_first"],
                                      direction: t.direction ?? "right" });
  } else {
    tok.disableTruncation();
  }
  tok.disablePadding();
  const pairs = op.pairs;
  let results;
  if (!pairs && op.padding) {
    // Single texts: the library's own batch path, padding included, when every text encodes.
    tok.setPadding(paddingOptions(op.padding));
    try {
      return (await tok.encodeBatch(op.texts, opts)).map(encodingToJson);
    } catch (e) {
      tok.disablePadding();  // some text fails: encode one by one below to say which
    }
  }
  // One by one (the binding's encodeBatch takes no pairs); padded afterwards as pad_encodings would.
  results = await Promise.all(op.texts.map((text, i) =>
    tok.encode(text, pairs ? pairs[i] : null, opts).then((e) => e, (e) => ({ error: message(e) }))));
  if (op.padding) {
    const ok = results.filter((r) => !r.error);
    const n = batchPadLength(ok, op.padding);
    for (const e of ok) e.pad(n, paddingOptions(op.padding));
  }
  return results.map((r) => (r.error ? r : encodingToJson(r)));
}

async function decode(tok, op, results) {
  const skip = op.skip_special_tokens ?? true;
  const batch = op.ids_from === undefined ? op.ids : results[op.ids_from].encodings.map((e) => e.ids ?? []);
  try {
    return await tok.decodeBatch(batch, skip);
  } catch (e) {
    return Promise.all(batch.map((ids) => tok.decode(ids, skip).then((t) => t, (e) => ({ error: message(e) }))));
  }
}

function save(tok) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hf-oracle-"));
  try {
    const file = path.join(dir, "tokenizer.json");
    tok.save(file, true);
    return fs.readFileSync(file, "utf8");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function train(op) {
  const tok = Tokenizer.fromString(op.skeleton);
  tok.train(op.files);
  tok.save(op.out, true);
  return { path: op.out };
}

const results = [];
try {
  const tok = loadTokenizer(request.tokenizer);
  for (const op of request.ops) {
    try {
      if (op.op === "encode") results.push({ encodings: await encode(tok, op) });
      else if (op.op === "decode") results.push({ texts: await decode(tok, op, results) });
      else if (op.op === "save") results.push({ json: save(tok) });
      else if (op.op === "vocab") results.push({ vocab: tok.getVocab(op.with_added_tokens ?? true) });
      else if (op.op === "train") results.push(train(op));
      else results.push({ error: `unknown op ${JSON.stringify(op.op)}` });
    } catch (e) {
      results.push({ error: message(e) });
    }
  }
} catch (e) {
  process.stdout.write(JSON.stringify({ error: `cannot load the tokenizer: ${message(e)}` }) + "\n");
  process.exit(0);
}
process.stdout.write(JSON.stringify({ results }) + "\n");
