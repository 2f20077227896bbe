// Regenerates the component fixtures with Hugging Face's own tokenizers (the npm native addon) as the oracle:
//   NODE_PATH=build/npm/node_modules node csharp/Aotml.Core.Tests/Tokenization/Fixtures/make_component_fixtures.js
// Every component is built from its tokenizer.json form (so the JSON reading is exercised too) inside a minimal
// tokenizer, then run through the addon:
// each file a list of {component, cases}, one case per input:
//   normalizers.json      {text, normalized, offsets: original code-point range of each normalized char}
//   pre_tokenizers.json   {text, pieces: [[text, [start, end]]]}  (code-point offsets)
//   decoders.json         {tokens, text}
//   post_processors.json  {text, pair, add_special_tokens, a, b, expected}, with the component's pre_tokenizer
//                         (a, b: the sequences encoded without post-processing; expected: the processed encoding)
const fs = require('fs');
const path = require('path');
const { Tokenizer } = require('tokenizers');

const TEXTS = ['Hello, world!', '  leading and trailing  ', 'héllo wörld', 'e\u0301 a\u0308\u0301 q\u0301\u0302\u0303',
  '中文字符 and 日本語のテキスト', 'emoji 😀👍🏽 family 👨‍👩‍👧', 'tabs\tand\nnew\r\nlines', 'ﬁ ① ㍿ Ⅻ ½', "don't it's we're",
  'numbers 12345 and ٣٤٥ and ⅷ', 'multiple   spaces\u3000ideographic\u00a0nbsp', 'ÀÉÎÕÜ ǅ İ ß', '\u0000ctrl\u200bzw\u00adsoft',
  'A.B,C;D:E!F?G', '', ' ', 'x', 'Ελληνικά Русский עברית العربية', '\u{1F923} newer emoji \u{1FAE0}', 'ab\u0301c'];

function tokenizer(parts) {
  return Tokenizer.fromString(JSON.stringify(Object.assign({
    version: '1.0', truncation: null, padding: null, added_tokens: [], normalizer: null, pre_tokenizer: null,
    post_processor: null, decoder: null, model: { type: 'WordLevel', vocab: { '[UNK]': 0 }, unk_token: '[UNK]' },
  }, parts)));
}

const encode = (tok, text, pair, add) => tok.encode(text, pair, { addSpecialTokens: add });

// A tiny SentencePiece-style precompiled charsmap: a Darts double-array trie over UTF-8 keys plus NUL-ended
// replacements. The rules exercise expansions, deletions, grapheme-level keys, and first-prefix-wins lookups.
function charsmap(rules) {
  const enc = (s) => [...Buffer.from(s, 'utf8')];
  let normalized = [];
  const trie = { children: new Map(), value: -1 };
  for (const [key, value] of rules) {
    let node = trie;
    for (const b of enc(key)) {
      if (!node.children.has(b)) node.children.set(b, { children: new Map(), value: -1 });
      node = node.children.get(b);
    }
    node.value = normalized.length;
    normalized = normalized.concat(enc(value), [0]);
  }
  const units = [0];
  const used = new Set([0]);
  // Places the children of the node at position p: each child c at (p ^ offset) ^ c, a leaf value at p ^ offset.
  function place(node, p) {
    const labels = [...node.children.keys()];
    if (node.value >= 0) labels.push(0);
    if (labels.length === 0) return;
    let q = 256;
    while (labels.some((c) => used.has(q ^ c))) q++;
    const offset = p ^ q;
    if (offset >= 1 << 21) throw new Error('offset too large');
    units[p] = (units[p] || 0) | (offset << 10) | (node.value >= 0 ? 1 << 8 : 0);
    for (const c of labels) used.add(q ^ c);
    if (node.value >= 0) units[q] = (node.value | 0x80000000) >>> 0;
    for (const [c, child] of node.children) units[q ^ c] = c;
    for (const [c, child] of node.children) place(child, q ^ c);
  }
  place(trie, 0);
  const n = Math.max(...Object.keys(units).map(Number)) + 1;
  const buf = Buffer.alloc(4 + 4 * n + normalized.length);
  buf.writeUInt32LE(4 * n, 0);
  for (let i = 0; i < n; i++) buf.writeUInt32LE((units[i] || 0) >>> 0, 4 + 4 * i);
  Buffer.from(normalized).copy(buf, 4 + 4 * n);
  return buf.toString('base64');
}

const PRECOMPILED = charsmap([['\u00e9', 'e\u0301'], ['e\u0301', 'É'], ['ﬁ', 'fi'], ['\u3000', ' '], ['x', ''], ['Å', 'A'],
  ['😀', ':)'], ['a', 'aa'], ['a\u0301', 'á'], ['\u0301', ''], ['z', 'zzz'], ['①', '1'], ['\u00a0', ' ']]);

const NORMALIZERS = [
  { type: 'NFC' }, { type: 'NFD' }, { type: 'NFKC' }, { type: 'NFKD' }, { type: 'Lowercase' }, { type: 'StripAccents' },
  { type: 'Nmt' }, { type: 'ByteLevel' },
  { type: 'Strip', strip_left: true, strip_right: true }, { type: 'Strip', strip_left: true, strip_right: false },
  { type: 'Strip', strip_left: false, strip_right: true },
  { type: 'Prepend', prepend: '▁' },
  { type: 'Replace', pattern: { String: ' ' }, content: '▁' },
  { type: 'Replace', pattern: { String: 'l' }, content: '' },
  { type: 'Replace', pattern: { Regex: '\\s+' }, content: ' ' },
  { type: 'Replace', pattern: { Regex: '[aeiou]' }, content: '<V>' },
  { type: 'Replace', pattern: { Regex: '\\p{Lo}+' }, content: 'H' },
  { type: 'Replace', pattern: { Regex: '^ +| +$' }, content: '' },
  { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
  { type: 'BertNormalizer', clean_text: false, handle_chinese_chars: false, strip_accents: null, lowercase: false },
  { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: false, strip_accents: true, lowercase: false },
  { type: 'BertNormalizer', clean_text: false, handle_chinese_chars: true, strip_accents: false, lowercase: true },
  { type: 'Precompiled', precompiled_charsmap: PRECOMPILED },
  { type: 'Sequence', normalizers: [{ type: 'NFKD' }, { type: 'StripAccents' }, { type: 'Lowercase' }] },
  { type: 'Sequence', normalizers: [{ type: 'Prepend', prepend: '▁' }, { type: 'Replace', pattern: { String: ' ' }, content: '▁' }] },
];

const PRE_TOKENIZERS = [
  { type: 'Whitespace' }, { type: 'WhitespaceSplit' }, { type: 'BertPreTokenizer' },
  { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
  { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
  { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: false },
  { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true },
  { type: 'Metaspace', replacement: '▁', prepend_scheme: 'first', split: true },
  { type: 'Metaspace', replacement: '▁', prepend_scheme: 'never', split: true },
  { type: 'Metaspace', replacement: '_', prepend_scheme: 'always', split: false },
  { type: 'Punctuation', behavior: 'Isolated' }, { type: 'Punctuation', behavior: 'Removed' },
  { type: 'Punctuation', behavior: 'MergedWithPrevious' }, { type: 'Punctuation', behavior: 'MergedWithNext' },
  { type: 'Punctuation', behavior: 'Contiguous' },
  { type: 'Digits', individual_digits: true }, { type: 'Digits', individual_digits: false },
  { type: 'CharDelimiterSplit', delimiter: ' ' }, { type: 'CharDelimiterSplit', delimiter: 'l' },
  { type: 'UnicodeScripts' }, { type: 'FixedLength', length: 3 }, { type: 'FixedLength', length: 1 },
  ...['Removed', 'Isolated', 'MergedWithPrevious', 'MergedWithNext', 'Contiguous'].flatMap((behavior) => [false, true].flatMap((invert) => [
    { type: 'Split', pattern: { String: ' ' }, behavior, invert },
    { type: 'Split', pattern: { Regex: '\\s+' }, behavior, invert },
    { type: 'Split', pattern: { Regex: '\\p{L}+' }, behavior, invert },
  ])),
  { type: 'Split', pattern: { Regex: "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+" }, behavior: 'Isolated', invert: false },
  { type: 'Split', pattern: { Regex: "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+" }, behavior: 'Isolated', invert: false },
  { type: 'Split', pattern: { Regex: '\\p{N}{1,3}' }, behavior: 'Isolated', invert: false },
  { type: 'Split', pattern: { Regex: 'x*' }, behavior: 'Removed', invert: false },
  { type: 'Split', pattern: { Regex: '$' }, behavior: 'Isolated', invert: false },
  { type: 'Sequence', pretokenizers: [{ type: 'WhitespaceSplit' }, { type: 'Punctuation', behavior: 'Isolated' }, { type: 'Digits', individual_digits: true }] },
  { type: 'Sequence', pretokenizers: [{ type: 'Split', pattern: { Regex: '\\p{N}{1,3}' }, behavior: 'Isolated', invert: false },
    { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false }] },
];

const DECODER_TOKENS = [['Ġhello', 'Ġw', 'Ã¶', 'rld', 'ĠðŁĺ', 'Ģ'], ['hel', '##lo', 'world', '##!', ',', 'don', "'", 't', 'do', 'not'],
  ['▁Hello', '▁wor', 'ld', '▁', '▁▁x'], ['<0x48>', '<0x69>', '▁', '<0xE2>', '<0x82>', '<0xAC>', '<0xFF>', 'x', '<0xE2>', '<0x82>'],
  ['lo</w>', 'w', 'er</w>', 'new</w>'], ['<pad>', 'h', 'h', 'e', '<pad>', 'l', 'l', '|', 'o', 'o', '|', '<pad>'],
  ['__x__', '_y', 'z_', '___'], ['a', 'b ', ' c'], ['not-in-alphabet 😀', 'Ġok']];

const DECODERS = [
  { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
  { type: 'WordPiece', prefix: '##', cleanup: true }, { type: 'WordPiece', prefix: '##', cleanup: false },
  { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true },
  { type: 'Metaspace', replacement: '▁', prepend_scheme: 'never', split: true },
  { type: 'BPEDecoder', suffix: '</w>' }, { type: 'ByteFallback' }, { type: 'Fuse' },
  { type: 'Strip', content: '_', start: 1, stop: 2 }, { type: 'Strip', content: ' ', start: 0, stop: 1 },
  { type: 'Replace', pattern: { String: '▁' }, content: ' ' }, { type: 'Replace', pattern: { Regex: '[ _]+' }, content: '-' },
  { type: 'CTC', pad_token: '<pad>', word_delimiter_token: '|', cleanup: true },
  { type: 'CTC', pad_token: '<pad>', word_delimiter_token: '|', cleanup: false },
  { type: 'Sequence', decoders: [{ type: 'Replace', pattern: { String: '▁' }, content: ' ' }, { type: 'ByteFallback' },
    { type: 'Fuse' }, { type: 'Strip', content: ' ', start: 1, stop: 0 }] },
];

const BYTE_LEVEL = { type: 'ByteLevel', add_prefix_space: true, trim_offsets: false, use_regex: true };
const SPLIT = { type: 'WhitespaceSplit' };
const POST_PROCESSORS = [
  [SPLIT, { type: 'BertProcessing', sep: ['[SEP]', 102], cls: ['[CLS]', 101] }],
  [BYTE_LEVEL, { type: 'RobertaProcessing', sep: ['</s>', 2], cls: ['<s>', 0], trim_offsets: true, add_prefix_space: true }],
  [BYTE_LEVEL, { type: 'RobertaProcessing', sep: ['</s>', 2], cls: ['<s>', 0], trim_offsets: false, add_prefix_space: true }],
  [BYTE_LEVEL, { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true }],
  [{ type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: true }, { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true }],
  [SPLIT, { type: 'TemplateProcessing',
    single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }],
    pair: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } },
      { Sequence: { id: 'B', type_id: 1 } }, { SpecialToken: { id: '[SEP]', type_id: 1 } }],
    special_tokens: { '[CLS]': { id: '[CLS]', ids: [101], tokens: ['[CLS]'] }, '[SEP]': { id: '[SEP]', ids: [102], tokens: ['[SEP]'] } } }],
  [SPLIT, { type: 'TemplateProcessing',
    single: [{ SpecialToken: { id: '<bos>', type_id: 3 } }, { Sequence: { id: 'A', type_id: 2 } }],
    pair: [{ Sequence: { id: 'B', type_id: 5 } }, { SpecialToken: { id: 'multi', type_id: 4 } }, { Sequence: { id: 'A', type_id: 6 } }],
    special_tokens: { '<bos>': { id: '<bos>', ids: [7], tokens: ['<bos>'] }, multi: { id: 'multi', ids: [8, 9], tokens: ['<m1>', '<m2>'] } } }],
  [BYTE_LEVEL, { type: 'Sequence', processors: [
    { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    { type: 'TemplateProcessing', single: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
      pair: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '<s>', type_id: 1 } }, { Sequence: { id: 'B', type_id: 1 } }],
      special_tokens: { '<s>': { id: '<s>', ids: [1], tokens: ['<s>'] } } }] }],
];
const PAIRS = [['Hello world', null], ['  spaced   out ', 'the pair text'], ['héllo 中文', ' x'], ['one', '']];

function encodingJson(e) {
  return { ids: e.getIds(), type_ids: e.getTypeIds(), tokens: e.getTokens(), offsets: e.getOffsets(),
    special_tokens_mask: e.getSpecialTokensMask(), attention_mask: e.getAttentionMask(),
    word_ids: e.getWordIds().map((w) => (w === undefined ? null : w)),
    sequence_ids: e.getSequenceIds().map((s) => (s === undefined ? null : s)) };
}

// One case per line keeps the files small and their diffs readable.
const write = (name, groups) => {
  const lines = groups.map((g) => {
    const { cases, ...rest } = g;
    return JSON.stringify(rest).slice(0, -1) + ', "cases": [\n' + cases.map((c) => '  ' + JSON.stringify(c)).join(',\n') + ']}';
  });
  fs.writeFileSync(path.join(__dirname, name), '[\n' + lines.join(',\n') + '\n]\n');
  console.log(`${name}: ${groups.length} components, ${groups.reduce((n, g) => n + g.cases.length, 0)} cases`);
};

(async () => {
  const normalizers = [];
  for (const normalizer of NORMALIZERS) {
    const cases = [];
    normalizers.push({ component: normalizer, cases });
    const tok = tokenizer({ normalizer, pre_tokenizer: { type: 'Split', pattern: { Regex: '.|\\n' }, behavior: 'Isolated', invert: false } });
    for (const text of TEXTS) {
      const normalized = tok.getNormalizer().normalizeString(text);
      const enc = await encode(tok, text, null, false);
      cases.push({ text, normalized, offsets: enc.getOffsets() });
    }
  }
  write('normalizers.json', normalizers);

  const pre = [];
  for (const pre_tokenizer of PRE_TOKENIZERS) {
    const tok = tokenizer({ pre_tokenizer });
    pre.push({ component: pre_tokenizer, cases: TEXTS.map((text) => ({ text, pieces: tok.getPreTokenizer().preTokenizeString(text) })) });
  }
  write('pre_tokenizers.json', pre);

  const dec = [];
  for (const decoder of DECODERS) {
    const tok = tokenizer({ decoder });
    dec.push({ component: decoder, cases: DECODER_TOKENS.map((tokens) => ({ tokens, text: tok.getDecoder().decode(tokens) })) });
  }
  write('decoders.json', dec);

  const post = [];
  for (const [pre_tokenizer, post_processor] of POST_PROCESSORS) {
    // Every piece the pre-tokenizer makes is in the vocabulary, so the model maps pieces to tokens one to one.
    const vocab = { '[UNK]': 0 };
    const bare = tokenizer({ pre_tokenizer });
    for (const [a, b] of PAIRS)
      for (const t of [a, b]) if (t !== null) for (const [p] of bare.getPreTokenizer().preTokenizeString(t)) vocab[p] ??= 1000 + Object.keys(vocab).length;
    const model = { type: 'WordLevel', vocab, unk_token: '[UNK]' };
    const raw = tokenizer({ pre_tokenizer, model });
    const tok = tokenizer({ pre_tokenizer, model, post_processor });
    const cases = [];
    post.push({ component: post_processor, pre_tokenizer, cases });
    for (const [text, pair] of PAIRS)
      for (const add of [true, false]) {
        const a = encodingJson(await encode(raw, text, null, false));
        const b = pair === null ? null : encodingJson(await encode(raw, pair, null, false));
        cases.push({ text, pair, add_special_tokens: add, a, b,
          expected: encodingJson(await encode(tok, text, pair, add)) });
      }
  }
  write('post_processors.json', post);
})().catch((e) => { console.error(e); process.exit(1); });
