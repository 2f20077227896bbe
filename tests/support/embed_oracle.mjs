// Reference sentence embeddings, independent of aotml: Hugging Face `tokenizers` (npm, the Rust core) tokenizes,
// onnxruntime-node runs the model, and mean/CLS/max pooling and L2 normalization are done here in float64.
// stdin: {"npm_modules": dir, "model": path, "tokenizer": path, "texts": [...], "max_length": n,
//         "pooling": "mean"|"cls"|"max", "normalize": bool, "batch_size": n,
//         "intra_op_threads": n (default 1), "repeat": n (default 1: timing runs before the returned one)}
// stdout: {"dimension": d, "vectors": [[...], ...], "lengths": [token count per text],
//          "seconds": best wall time of one pass over all texts (model load excluded), "load_seconds": s}
// Texts run in their given order, batch_size at a time, padded to each batch's longest: a different grouping from
// aotml's (which sorts by length), so padding really is masked out on both sides.
import { createRequire } from "node:module";
import fs from "node:fs";
import path from "node:path";

const request = JSON.parse(fs.readFileSync(0, "utf8"));
const require = createRequire(path.join(path.resolve(request.npm_modules), "noop.js"));
const { Tokenizer } = require("tokenizers");
const ort = require("onnxruntime-node");

const loadStart = performance.now();
const tok = Tokenizer.fromFile(request.tokenizer);
tok.setTruncation(request.max_length);
tok.disablePadding();
const session = await ort.InferenceSession.create(request.model,
  { intraOpNumThreads: request.intra_op_threads ?? 1, interOpNumThreads: 1 });
const loadSeconds = (performance.now() - loadStart) / 1000;
const want = new Set(session.inputNames);
const output = session.outputNames[0];

function pool(hidden, mask, row, seq, dim) {
  const v = new Float64Array(dim);
  const base = row * seq * dim;
  if (request.pooling === "cls") {
    for (let d = 0; d < dim; d++) v[d] = hidden[base + d];
    return v;
  }
  let count = 0;
  if (request.pooling === "max") v.fill(-Infinity);
  for (let t = 0; t < seq; t++) {
    if (!mask[row * seq + t]) continue;
    count++;
    for (let d = 0; d < dim; d++) {
      const x = hidden[base + t * dim + d];
      if (request.pooling === "max") v[d] = Math.max(v[d], x); else v[d] += x;
    }
  }
  if (request.pooling === "mean") for (let d = 0; d < dim; d++) v[d] /= Math.max(count, 1e-9);
  if (request.pooling === "max" && count === 0) v.fill(0);
  return v;
}

let vectors = [], lengths = [];
let dimension = 0;
async function pass() {
  vectors = [];
  lengths = [];
  for (let start = 0; start < request.texts.length; start += request.batch_size) {
    const texts = request.texts.slice(start, start + request.batch_size);
    const encs = await Promise.all(texts.map((t) => tok.encode(t)));
    const seq = Math.max(1, ...encs.map((e) => e.getIds().length));
    const n = encs.length;
    const ids = new BigInt64Array(n * seq), mask = new BigInt64Array(n * seq), types = new BigInt64Array(n * seq);
    const maskNum = new Uint8Array(n * seq);
    encs.forEach((e, r) => {
      const eIds = e.getIds(), eMask = e.getAttentionMask(), eTypes = e.getTypeIds();
      lengths.push(eIds.length);
      for (let t = 0; t < eIds.length; t++) {
        ids[r * seq + t] = BigInt(eIds[t]);
        mask[r * seq + t] = BigInt(eMask[t]);
        types[r * seq + t] = BigInt(eTypes[t]);
        maskNum[r * seq + t] = eMask[t];
      }
    });
    const feeds = {};
    if (want.has("input_ids")) feeds.input_ids = new ort.Tensor("int64", ids, [n, seq]);
    if (want.has("attention_mask")) feeds.attention_mask = new ort.Tensor("int64", mask, [n, seq]);
    if (want.has("token_type_ids")) feeds.token_type_ids = new ort.Tensor("int64", types, [n, seq]);
    const result = (await session.run(feeds))[output];
    dimension = result.dims[2];
    for (let r = 0; r < n; r++) {
      const v = pool(result.data, maskNum, r, seq, dimension);
      if (request.normalize) {
        let s = 0;
        for (const x of v) s += x * x;
        const norm = Math.max(Math.sqrt(s), 1e-12);
        for (let d = 0; d < dimension; d++) v[d] /= norm;
      }
      vectors.push(Array.from(v));
    }
  }
}
// The benchmark (bench/embeddings.py) times whole passes here, so node's start-up and the model load stay out.
let seconds = Infinity;
for (let r = 0; r < Math.max(1, request.repeat ?? 1); r++) {
  const t = performance.now();
  await pass();
  seconds = Math.min(seconds, (performance.now() - t) / 1000);
}
process.stdout.write(JSON.stringify({ dimension, vectors, lengths, seconds, load_seconds: loadSeconds }));
