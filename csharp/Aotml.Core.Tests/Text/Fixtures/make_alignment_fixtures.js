// Regenerates alignments.json with Hugging Face's own tokenizers (the npm native addon) as the oracle:
//   npm install --prefix /tmp/hf tokenizers@0.23.2 && NODE_PATH=/tmp/hf/node_modules node make_alignment_fixtures.js
// Each case runs one normalizer over a text, then splits the normalized text into single characters; the offsets of
// those tokens are the original range each normalized character is aligned with.
const fs = require('fs');
const path = require('path');
const { Tokenizer } = require('tokenizers');

const cases = [
  // [normalizer, texts]
  [{ type: 'NFKC' }, ['ﬁ', 'aﬁb', 'e\u0301', 'x\u0301\u0323y', '\u00e9\u0323', '\u1e9b\u0323', '①②', '㍿ab', 'Å', '\u212b\u0301',
    '\uac00\u11a8', '\u1100\u1161\u11a8', 'ǅ', '\u0344', '\u{1fbf0}', 'a\u{1e030}\u0301', 'ｶﾞ', 'ﾊﾟﾊﾟ', 'a\u0308\u0301\u0323', '\u0f77', 'Ⅻ', 'ß']],
  [{ type: 'NFC' }, ['e\u0301', 'x\u0301\u0323y', '\u00e9\u0323', 'a\u0323\u0302', '\u1100\u1161\u11a8', '\u0344', 'Å', '\u0958',
    '\u0b47\u0b3e', '\ud804\udd31\ud804\udd27', 'ff']],
  [{ type: 'NFD' }, ['é', 'ǖ', '\u00e9\u0323', '\uac01', '\u1e9b\u0323', 'ẛ', '\u0344x', 'ﬁ']],
  [{ type: 'NFKD' }, ['ﬁé', '\u1e9b\u0323', '㍿', '\uac01', '⑴', '¼']],
  [{ type: 'Lowercase' }, ['İstanbul', 'ΑΣ', 'ABC', 'ǅ', '\u1e9e', 'Ω']],
  [{ type: 'Sequence', normalizers: [{ type: 'NFD' }, { type: 'StripAccents' }, { type: 'Lowercase' }] },
    ['Héllo Wörld', 'Ünïcödé', 'İ', 'ﬁñ']],
  [{ type: 'Strip', strip_left: true, strip_right: true }, ['  a b  ', '\u3000x\u00a0', '   ', 'é ']],
  [{ type: 'Strip', strip_left: false, strip_right: true }, ['  ab \u2003']],
  [{ type: 'Replace', pattern: { String: 'ab' }, content: 'XYZ' }, ['xaby', 'ababab', 'éabé', 'ba']],
  [{ type: 'Replace', pattern: { String: ' ' }, content: '' }, ['a b  c']],
  [{ type: 'Prepend', prepend: '▁' }, ['hello', 'é']],
  [{ type: 'Sequence', normalizers: [{ type: 'NFKC' }, { type: 'Replace', pattern: { String: ' ' }, content: '▁' },
    { type: 'Prepend', prepend: '▁' }] }, ['ﬁ ① x', '㍿ é']],
  [{ type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    ['Héllo\u0000 中国\u200b!', 'a\tb\u00adc']],
];

// Random mixes of what makes alignments interesting: combining marks in and out of canonical order, composable
// pairs, Hangul jamo and syllables, compatibility characters, case expansions, characters newer than Unicode 9.0.
const pool = [...'aeouAEOUsSkK ', '\u0300', '\u0301', '\u0308', '\u0323', '\u0327', '\u0345', '\u0344', '\u0f73',
  '\u1100', '\u1161', '\u11a8', '\uac00', '\uac01', 'é', 'ǖ', 'ẛ', 'ﬁ', 'ﬃ', '①', '㍿', '½', 'ｶ', 'ﾞ', 'İ', 'ß', 'Σ',
  'ǅ', '\u212b', '\u2126', '\u{1d15e}', '\u{1fbf0}', '\u{1e030}', '\u{11938}', '\u{11935}', '\u{11930}', '\u0898',
  '\u00a0', '\u3000', '中'];
let seed = 12345;
const rand = (n) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
const randomText = () => Array.from({ length: 1 + rand(10) }, () => pool[rand(pool.length)]).join('');
for (const type of ['NFC', 'NFD', 'NFKC', 'NFKD']) {
  cases.push([{ type }, Array.from({ length: 25 }, randomText)]);
}
cases.push([{ type: 'Sequence', normalizers: [{ type: 'NFKD' }, { type: 'Lowercase' }, { type: 'NFC' }] },
  Array.from({ length: 25 }, randomText)]);

function build(normalizer) {
  return Tokenizer.fromString(JSON.stringify({
    version: '1.0', truncation: null, padding: null, added_tokens: [], normalizer,
    pre_tokenizer: { type: 'Split', pattern: { Regex: '.' }, behavior: 'Isolated', invert: false },
    post_processor: null, decoder: null,
    model: { type: 'WordLevel', vocab: { '[UNK]': 0 }, unk_token: '[UNK]' },
  }));
}

(async () => {
  const out = [];
  for (const [normalizer, texts] of cases) {
    const tok = build(normalizer);
    const n = tok.getNormalizer();
    for (const text of texts) {
      const enc = await new Promise((res, rej) => tok.encode(text, (e, r) => (e ? rej(e) : res(r))))
        .catch(() => tok.encode(text));
      const normalized = n.normalizeString(text);
      out.push({ normalizer, text, normalized, offsets: enc.getOffsets() });
    }
  }
  // One case per line keeps the file small and its diffs readable.
  fs.writeFileSync(path.join(__dirname, 'alignments.json'), '[\n' + out.map((c) => JSON.stringify(c)).join(',\n') + '\n]\n');
  console.log(`${out.length} cases`);
})();
