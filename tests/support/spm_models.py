"""SentencePiece models trained at test time by the oracle (Debian's python3-sentencepiece), one per model type,
normalization rule and encoding-relevant trainer option; cached under build/spm_models by their options."""
from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

from . import corpora

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / "build" / "spm_models"

_BASE = {"vocab_size": 1000, "character_coverage": 0.9995, "num_threads": 2, "input_sentence_size": 0,
         "max_sentence_length": 8192, "minloglevel": 2}

# name -> trainer options (over _BASE); each one changes how text is encoded or decoded.
MODELS: dict[str, dict[str, object]] = {
    "unigram": {"model_type": "unigram"},
    "bpe": {"model_type": "bpe"},
    "char": {"model_type": "char", "vocab_size": 400},
    "word": {"model_type": "word", "vocab_size": 2000},
    "unigram_nfkc": {"model_type": "unigram", "normalization_rule_name": "nfkc"},
    "unigram_nmt_nfkc_cf": {"model_type": "unigram", "normalization_rule_name": "nmt_nfkc_cf"},
    "unigram_nfkc_cf": {"model_type": "unigram", "normalization_rule_name": "nfkc_cf"},
    "unigram_identity": {"model_type": "unigram", "normalization_rule_name": "identity"},
    "bpe_identity_nodummy": {"model_type": "bpe", "normalization_rule_name": "identity", "add_dummy_prefix": False},
    "unigram_keep_ws": {"model_type": "unigram", "remove_extra_whitespaces": False},
    "unigram_bytes": {"model_type": "unigram", "byte_fallback": True, "character_coverage": 0.98},
    "bpe_bytes": {"model_type": "bpe", "byte_fallback": True, "character_coverage": 0.98},
    "unigram_symbols": {"model_type": "unigram", "user_defined_symbols": ["<sep>", "[MASK]", "foo", "ing"],
                        "control_symbols": ["<cls>", "<2ja>"]},
    "bpe_symbols": {"model_type": "bpe", "user_defined_symbols": ["<sep>", "the", "ion"], "control_symbols": ["<cls>"]},
    "unigram_suffix": {"model_type": "unigram", "treat_whitespace_as_suffix": True},
    "bpe_suffix": {"model_type": "bpe", "treat_whitespace_as_suffix": True},
    "unigram_digits": {"model_type": "unigram", "split_digits": True},
    "unigram_nosplit_ws": {"model_type": "unigram", "split_by_whitespace": False},
    "bpe_nosplit": {"model_type": "bpe", "split_by_number": False, "split_by_unicode_script": False},
    "unigram_ws_pieces": {"model_type": "unigram", "allow_whitespace_only_pieces": True,
                          "remove_extra_whitespaces": False},
    "unigram_unk_surface": {"model_type": "unigram", "unk_surface": "<?>", "pad_id": 3, "bos_id": -1,
                            "character_coverage": 0.98},
    "unigram_rules": {"model_type": "unigram", "normalization_rule_tsv": "rules"},
    "word_suffix": {"model_type": "word", "vocab_size": 2000, "treat_whitespace_as_suffix": True},
    "char_identity": {"model_type": "char", "vocab_size": 400, "normalization_rule_name": "identity"},
}

# A custom rule TSV: source code points, tab, target code points (as sentencepiece's normalization_rule_tsv).
_RULES = "41\t61\n42\t62\n3042\t30 41\nFF21\t41 41\n2167\t56 49 49 49\n"


def corpus() -> list[str]:
    """Sentences for training: English prose and man pages, one line each."""
    docs = corpora.english_prose(150_000) + corpora.manpages("de", 40_000) + corpora.manpages("ja", 40_000) \
        + corpora.manpages("ru", 30_000)
    lines = [ln.strip() for d in docs for ln in d.splitlines()]
    return [ln for ln in lines if ln]


def model_path(name: str) -> Path:
    """Trains (once) and returns the .model of MODELS[name]."""
    import sentencepiece as spm  # the oracle

    opts = dict(_BASE, **MODELS[name])
    key = hashlib.sha256(json.dumps(opts, sort_keys=True).encode() + spm.__version__.encode()).hexdigest()[:12]
    path = CACHE / f"{name}-{key}.model"
    if path.exists():
        return path
    CACHE.mkdir(parents=True, exist_ok=True)
    if opts.get("normalization_rule_tsv") == "rules":
        tsv = CACHE / "rules.tsv"
        tsv.write_text(_RULES, encoding="utf-8")
        opts["normalization_rule_tsv"] = str(tsv)
    out = io.BytesIO()
    spm.SentencePieceTrainer.train(sentence_iterator=iter(corpus()), model_writer=out, **opts)
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(out.getvalue())
    tmp.replace(path)
    return path
