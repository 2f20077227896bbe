"""The C ABI of libaotml.so, described once: every export, its typed parameters, and the private Python function(s)
over it. tools/abi_gen.py turns this table into include/aotml.h, the C shim's wrappers (_ext_generated.c), the ctypes
signatures and wrappers (_ctypes_generated.py) and _ext.pyi; tests/test_abi.py checks the generated files are fresh
and that the library exports exactly these names.

A parameter is "kind name". In-kinds come from one Python argument each (in order); out-kinds are C out-pointers
whose values make the Python result (one value, or a tuple of them, or what a named result helper builds). Each kind's
C parameters and its conversion live once per backend: aotml_conv_<kind>/aotml_res_<kind> in _ext.c and
_conv_<kind>/_res_<kind> in _ctypes.py.
"""
from __future__ import annotations

from dataclasses import dataclass, field

# kind -> (C parameters with {n} for the name, Python type for the .pyi); in-kinds take one Python argument.
IN_KINDS: dict[str, tuple[list[str], str]] = {
    "handle": (["void* {n}"], "Handle"),                       # an owned handle of this backend, open
    "opt_handle": (["void* {n}"], "Handle | None"),            # None -> NULL
    "text": (["const uint8_t* {n}", "int64_t {n}_len"], "str"),  # str; lone surrogates become U+FFFD (tiktoken)
    "texts": (["const uint8_t** {n}", "const int64_t* {n}_lens", "int64_t n_{n}"], "Sequence[str]"),
    "str": (["const char* {n}", "int64_t {n}_len"], "str"),    # str, strict UTF-8
    "opt_str": (["const char* {n}", "int64_t {n}_len"], "str | None"),
    "bytes": (["const uint8_t* {n}", "int64_t {n}_len"], "Any"),  # any C-contiguous buffer, as bytes
    "opt_bytes": (["const uint8_t* {n}", "int64_t {n}_len"], "Any | None"),
    "i64s": (["const int64_t* {n}", "int64_t n_{n}"], "Any"),  # bytes holding int64 values
    "u32s": (["const uint32_t* {n}", "int64_t n_{n}"], "Any"),  # bytes holding uint32 values
    "ids": (["const uint32_t* {n}", "int64_t n_{n}"], "Sequence[int] | Any"),  # token ids; bad ones: KeyError
    "token": (["uint32_t {n}"], "int"),                        # one token id; out of range: KeyError
    "shape": (["const int64_t* {n}", "int32_t {n}_ndim"], "Sequence[int]"),
    "handles": (["void** {n}", "int64_t n_{n}"], "Sequence[Handle]"),
    "i32": (["int32_t {n}"], "int"),
    "i64": (["int64_t {n}"], "int"),
    "threads": (["int32_t {n}"], "int"),                       # 1..1024
    "axis": (["int32_t {n}"], "int | None"),                  # None -> AOTML_AXIS_NONE; out of int32: ValueError
    "address": (["void* {n}"], "int"),                         # a raw address the caller vouches for
    "f64": (["double {n}"], "float"),
    "bool": (["int32_t {n}"], "bool"),
    "buffer": (["const aotml_buffer* {n}"], "Any"),
    "opt_buffer": (["const aotml_buffer* {n}"], "Any | None"),
    "flag": ([], "bool"),                                      # Python-only: chooses the result's form
}

# kind -> (C parameters, Python type of the value it yields)
OUT_KINDS: dict[str, tuple[list[str], str]] = {
    "out_handle": (["void** {n}"], "Handle"),
    "out_i64": (["int64_t* {n}"], "int"),
    "out_i32": (["int32_t* {n}"], "int"),
    "out_u32": (["uint32_t* {n}"], "int"),
    "out_static_str": (["const char** {n}"], "str"),
    "out_str": (["char** {n}", "int64_t* {n}_len"], "str"),      # library memory, freed after decoding
    "out_bytes": (["uint8_t** {n}", "int64_t* {n}_len"], "bytes"),  # library memory, freed after copying
    "out_token_bytes": (["const uint8_t** {n}", "int64_t* {n}_len"], "bytes"),  # borrowed from the encoding: copied
    "out_ids": (["uint32_t** {n}", "int64_t* n_{n}"], "NativeBuffer"),  # uint32 view over library memory
    "ids_into": (["uint32_t* {n}", "int64_t {n}_capacity", "int64_t* n_{n}"], "list[int]"),  # scratch of one id/byte
    "out_value_handle": (["aotml_onnx_value* {n}"], "Handle"),  # the new value's handle only
    "out_value": (["aotml_onnx_value* {n}"], "Any"),           # an ndarray over a numeric tensor, else a tuple
    "out_ptr": (["void** {n}"], "Any"),                         # raw; only for result helpers
    "out_ptr_i64": (["int64_t** {n}"], "Any"),
    "out_ptr_i32": (["const int32_t** {n}"], "Any"),
    "out_ptr_u32": (["uint32_t** {n}"], "Any"),
    "out_ptr_cu32": (["const uint32_t** {n}"], "Any"),
    "out_ptr_u8": (["uint8_t** {n}"], "Any"),
    "out_ptr_cu8": (["const uint8_t** {n}"], "Any"),
    "out_ptr_char": (["char** {n}"], "Any"),
}


@dataclass
class Py:
    """A private Python function over an export. result: a helper that builds the result from the out values (and
    the named in-arguments); capacity: for ids_into, the argument whose byte length bounds the ids."""

    name: str
    result: str | None = None
    result_args: tuple[str, ...] = ()
    returns: str | None = None
    doc: str = ""


@dataclass
class Export:
    name: str
    params: str = ""                  # "kind name, kind name, ..."; "raw:<C parameter>" for unconverted ones
    py: list[Py] = field(default_factory=list)
    gil: bool = True                  # release the GIL for the call
    returns: str = "int32_t"
    doc: str = ""                     # the comment above the prototype in aotml.h
    capacity: str = ""

    def parsed(self) -> list[tuple[str, str]]:
        out = []
        for p in filter(None, (x.strip() for x in self.params.split(","))):
            if p.startswith("raw:"):
                out.append(("raw", p[4:]))
            else:
                kind, name = p.split()
                assert kind in IN_KINDS or kind in OUT_KINDS, f"{self.name}: unknown kind {kind}"
                out.append((kind, name))
        return out

    def c_params(self) -> list[str]:
        params: list[str] = []
        for kind, name in self.parsed():
            if kind == "raw":
                params.append(name)
            else:
                params += [t.format(n=name) for t in (IN_KINDS.get(kind) or OUT_KINDS[kind])[0]]
        return params


def E(name: str, params: str = "", *py: Py, **kw: object) -> Export:
    return Export("aotml_" + name, params, list(py), **kw)  # type: ignore[arg-type]


SECTIONS: list[tuple[str, str, list[Export]]] = [
    ("common", "", [
        E("last_error", "raw:const char** message, raw:int64_t* length", gil=False,
          doc="The message of this thread's last failure (valid until its next failure); returns its status."),
        E("free", "raw:void* p", returns="void", gil=False, doc="Frees memory the library allocated for the caller."),
        E("handle_free", "raw:void* handle", gil=False,
          doc="Frees an object handle (NULL does nothing); an unknown, stale or already freed one is "
              "AOTML_ERR_INVALID_ARGUMENT."),
        E("version", "out_static_str version", Py("version", doc="the engine version"), gil=False),
        E("ort_version", "out_static_str version, out_static_str path",
          Py("ort_version", doc="(version, path) of ONNX Runtime; loads it if needed"),
          doc="Loads ONNX Runtime if needed (a dlopen: released GIL)."),
        E("cancel_new", "out_handle token", Py("cancel_new"), gil=False,
          doc="A cancellation token (aotml_handle_free) for long calls that take one (batch encodes): once "
              "aotml_cancel_set is called, they stop between chunks of work with AOTML_ERR_CANCELLED."),
        E("cancel_set", "handle token", Py("cancel_set"), gil=False,
          doc="Cancels the token; callable from any thread while calls given it run."),
    ]),
    ("numerics", "out may be x itself (in place); arrays are C-contiguous float32 or float64", [
        E("l2_normalize", "buffer x, buffer out, axis axis, f64 eps", Py("l2_normalize")),
        E("minmax_scale", "buffer x, buffer out, axis axis, f64 lo, f64 hi", Py("minmax_scale")),
        E("standardize", "buffer x, buffer out, axis axis, f64 eps, i32 ddof", Py("standardize")),
        E("softmax", "buffer x, buffer out, axis axis, bool log", Py("softmax")),
        E("layer_norm", "buffer x, buffer out, opt_buffer weight, opt_buffer bias, f64 eps", Py("layer_norm")),
        E("pool", "buffer hidden, opt_buffer mask, buffer out, i32 mode", Py("pool"),
          doc="Masked pooling: hidden [batch, seq, dim] -> out [batch, dim]; mask [batch, seq] of any integer, bool or "
              "float type (NULL only for CLS); mode 0 mean, 1 CLS (first token), 2 max over unmasked tokens."),
    ]),
    ("tiktoken", "An encoding is an object handle (aotml_handle_free). Special tokens are given as one UTF-8 blob "
                 "with n+1 int64 offsets and n ids. explicit_n_vocab <= 0 means none. A policy "
                 "(aotml_tiktoken_policy_new) says which special tokens an encode call emits and which make it fail "
                 "with AOTML_ERR_ENCODE; a NULL policy is encode_ordinary. Encoding into caller memory needs at most "
                 "one uint32 per byte of text. Unknown ids are AOTML_ERR_KEY.", [
        E("tiktoken_new", "str name, bytes rank_blob, i64s rank_offsets, u32s ranks, str pat, bytes special_blob, "
                          "i64s special_offsets, u32s special_ids, i64 explicit_n_vocab, out_handle out",
          Py("tiktoken_new"), doc="An encoding from ranks in memory (copied); offsets have one entry more than their ids."),
        E("tiktoken_new_from_file", "str name, str path, str pat, bytes special_blob, i64s special_offsets, "
                                    "u32s special_ids, i64 explicit_n_vocab, out_handle out",
          Py("tiktoken_new_from_file"), doc="Ranks from a .tiktoken or compact file."),
        E("tiktoken_parse_ranks", "bytes data, str source, out_ptr_u8 blob, out_i64 blob_len, out_ptr_i64 offsets, "
                                  "out_ptr_u32 ranks, out_i64 count",
          Py("tiktoken_parse_ranks", result="ranks", returns="tuple[bytes, bytes, bytes]"),
          doc="Parses a .tiktoken (or compact) file's bytes; the three arrays are freed with aotml_free."),
        E("tiktoken_info", "handle enc, out_i64 n_mergeable, out_i64 max_token_value, out_i32 pattern_kind",
          Py("tiktoken_info"), gil=False,
          doc="pattern_kind 0 gpt2, 1 cl100k, 2 o200k (hand-written scanners), 3 any other pattern (.NET Regex)."),
        E("tiktoken_policy_new", "handle enc, bool allowed_all, u32s allowed, bool disallow_rest, u32s disallowed, "
                                 "out_handle out", Py("tiktoken_policy_new"), gil=False),
        E("tiktoken_encode", "handle enc, opt_handle policy, text text, ids_into out", Py("tiktoken_encode"),
          capacity="text", doc="Into caller memory; capacity = len always suffices."),
        E("tiktoken_encode_alloc", "handle enc, opt_handle policy, text text, out_ids out",
          Py("tiktoken_encode_buffer"), doc="Into library memory (aotml_free)."),
        E("tiktoken_count", "handle enc, opt_handle policy, text text, out_i64 n_out", Py("tiktoken_count")),
        E("tiktoken_encode_batch", "handle enc, opt_handle policy, texts texts, threads num_threads, flag flat, "
                                   "opt_handle cancel, out_ptr_u32 ids, out_ptr_i64 offsets",
          Py("tiktoken_encode_batch", result="ragged", result_args=("texts", "flat"), returns="Any"),
          doc="Flat ids and n + 1 offsets, both aotml_free; num_threads threads are created for the call. cancel: "
              "an optional token (aotml_cancel_new) checked between chunks."),
        E("tiktoken_encode_single_piece", "handle enc, bytes data, ids_into out", Py("tiktoken_encode_single_piece"),
          capacity="data"),
        E("tiktoken_encode_single_token", "handle enc, bytes data, out_u32 token", Py("tiktoken_encode_single_token"),
          gil=False),
        E("tiktoken_decode", "handle enc, ids tokens, out_bytes out", Py("tiktoken_decode_bytes")),
        E("tiktoken_decode_batch", "handle enc, u32s ids, i64s offsets, threads num_threads, out_ptr_u8 blob, "
                                   "out_ptr_i64 blob_offsets, out_i64 count",
          Py("tiktoken_decode_batch", result="bytes_list", returns="list[bytes]"),
          doc="Sequence i is ids[offsets[i]:offsets[i+1]] (count + 1 offsets); its bytes are "
              "blob[blob_offsets[i]:blob_offsets[i+1]] (both aotml_free). One unknown id fails the call."),
        E("tiktoken_token_bytes", "handle enc, token token, out_token_bytes out", Py("tiktoken_token_bytes"),
          gil=False, doc="A pointer into the encoding (valid while it lives), special tokens included."),
        E("tiktoken_mergeable", "handle enc, out_ptr_cu8 blob, out_ptr_i32 offsets, out_ptr_cu32 ranks, out_i64 count",
          Py("tiktoken_mergeable", result="mergeable", returns="tuple[bytes, bytes, bytes]"), gil=False,
          doc="The mergeable tokens as stored (valid while enc lives): token i is blob[offsets[i]:offsets[i+1]]."),
    ]),
    ("sentencepiece", "A processor is an object handle (aotml_handle_free) over a serialized ModelProto. flags: 1 = "
                      "sampling (BPE-dropout, or unigram sampling with nbest_size < 0 or > 1), 2 = emit the unknown "
                      "piece instead of the unknown text. JSON results are aotml_free.", [
        E("spm_new", "bytes model, out_handle out", Py("spm_new"),
          doc="A processor from a serialized ModelProto (copied); AOTML_ERR_CONFIG when it is malformed."),
        E("spm_info", "handle sp, out_str json", Py("spm_info"),
          doc="The vocabulary (pieces, scores, types) and special piece names as JSON."),
        E("spm_encode", "handle sp, text text, ids_into out", Py("spm_encode"), capacity="text",
          doc="Ids of one text into caller memory (no sampling); more ids than the text has UTF-8 bytes (a "
              "one-character text, an expanding normalization) is AOTML_ERR_INVALID_ARGUMENT: use spm_encode_batch."),
        E("spm_encode_batch", "handle sp, texts texts, i32 flags, f64 alpha, i32 nbest_size, threads num_threads, "
                              "flag flat, out_ptr_u32 ids, out_ptr_i64 offsets",
          Py("spm_encode_batch", result="ragged", result_args=("texts", "flat"), returns="Any"),
          doc="Ids of every text, flat, and n + 1 offsets (both aotml_free)."),
        E("spm_encode_pieces_batch", "handle sp, texts texts, i32 flags, f64 alpha, i32 nbest_size, "
                                     "threads num_threads, out_str json", Py("spm_encode_pieces_batch"),
          doc="Pieces of every text as a JSON list of lists of strings."),
        E("spm_nbest", "handle sp, text text, i32 flags, i32 nbest_size, f64 alpha, out_str json", Py("spm_nbest"),
          doc="The nbest_size best segmentations (unigram), best first, as JSON [[ids], [pieces], score]; with "
              "the sampling flag, nbest_size segmentations sampled with inverse temperature alpha, each scored "
              "by its log-probability."),
        E("spm_normalize", "handle sp, text text, out_str normalized", Py("spm_normalize")),
        E("spm_decode_batch", "handle sp, u32s ids, i64s offsets, threads num_threads, out_ptr_u8 blob, "
                              "out_ptr_i64 blob_offsets, out_i64 count",
          Py("spm_decode_batch", result="bytes_list", returns="list[bytes]"),
          doc="Sequence i is ids[offsets[i]:offsets[i+1]]; its UTF-8 is blob[blob_offsets[i]:blob_offsets[i+1]]. "
              "An id outside the vocabulary is AOTML_ERR_INVALID_ARGUMENT."),
        E("spm_decode_pieces", "handle sp, texts pieces, out_str text", Py("spm_decode_pieces")),
    ]),
    ("tokenizers", "tokenizer.json tokenizers (Hugging Face's format). A tokenizer is an immutable object handle "
                   "(aotml_handle_free): truncation and padding travel with each encode call, adding tokens makes a "
                   "new one. Offsets are code points of the token's own sequence. Malformed JSON is AOTML_ERR_CONFIG "
                   "with the JSON path in the message.", [
        E("tokenizer_from_json", "bytes json, out_handle out", Py("tokenizer_from_json")),
        E("tokenizer_to_json", "handle tok, bool pretty, out_str json", Py("tokenizer_to_json"),
          doc="The tokenizer.json as Hugging Face tokenizers writes it (aotml_free)."),
        E("tokenizer_info", "handle tok, out_str json", Py("tokenizer_info"),
          doc="JSON: vocab_size (with added tokens), vocab_size_base, added_tokens (id order, with their flags), the "
              "file's truncation and padding (null when off)."),
        E("tokenizer_encode_batch", "handle tok, texts texts, texts pairs, opt_bytes has_pair, i64s options, "
                                    "str pad_token, i64s word_counts, threads num_threads, opt_handle cancel, "
                                    "out_ids block",
          Py("tokenizer_encode_batch"),
          doc="Encodes texts (with pairs[i] where has_pair[i] != 0; has_pair NULL: no pairs) on num_threads threads "
              "created for the call into one block of uint32 words (aotml_free). options: 15 int64 words: "
              "add_special_tokens, truncation on, max_length, stride, strategy (0 longest_first, 1 only_first, "
              "2 only_second), truncation direction (0 right, 1 left), padding on, padding direction, length (-1: the "
              "batch's longest), pad_to_multiple_of (0: none), pad_id, pad_type_id, want token strings, layout "
              "(0 columns, 1 int64 matrices, 2 ragged ids), 0. word_counts: empty (plain texts) or, for pre-tokenized input, two "
              "counts per input (its words, its pair's words or -1) and texts holding every word. Columns: header "
              "[1, n_inputs, n_encodings, n_tokens, flags (2: token strings, 4: compact), token bytes, n_exc, template "
              "words (0 unless compact)], enc_start[n_enc + "
              "1], enc_parent[n_enc] (-1 for inputs; inputs first, then overflowing encodings breadth first), then "
              "per token ids, type_ids, offsets (start, end), word_ids (-1: none), sequence_ids (-1: none), "
              "special_tokens_mask, attention_mask, then with token strings the n_exc tokens whose string is not "
              "aotml_tokenizer_id_to_token of their id: their indices (ascending), exc_start[n_exc + 1], their UTF-8. "
              "Compact (flags & 4: every encoding is the single-sequence template around its sequence's tokens): per "
              "token only ids, offset starts, offset ends, word_ids, then the template's header word 7 words "
              "[n_prefix, n_suffix, sequence type id, prefix type ids, suffix type ids] (prefix and suffix tokens: "
              "special 1, sequence -1; the others special 0, sequence 0; attention 1 throughout). "
              "Matrices: header [2, n, width, 0, 0, 0, 0, 0] then int64 n x width ids, attention_mask, type_ids. Ragged "
              "ids (no padding, overflows left out, no offsets computed): header [3, n, n_tokens, 0, 0, 0, 0, 0], "
              "starts[n + 1], ids[n_tokens]. cancel: "
              "an optional token (aotml_cancel_new) checked between chunks."),
        E("tokenizer_decode_batch", "handle tok, u32s ids, i64s offsets, bool skip_special_tokens, threads num_threads, "
                                    "out_ptr_char utf8, out_ptr_i64 text_offsets, out_i64 count",
          Py("tokenizer_decode_batch", result="strings", returns="list[str]"),
          doc="Sequence i is ids[offsets[i]:offsets[i + 1]]; ids not in the vocabulary are skipped (as HF does). The "
              "texts are utf8[text_offsets[i]:text_offsets[i + 1]], both aotml_free."),
        E("tokenizer_token_to_id", "handle tok, str token, out_i64 id", Py("tokenizer_token_to_id"), gil=False,
          doc="-1 when the token is not in the vocabulary (added tokens included)."),
        E("tokenizer_id_to_token", "handle tok, i64 id, out_i32 found, out_str token", Py("tokenizer_id_to_token"),
          gil=False, doc="found 0 (and an empty token) when the id is not in the vocabulary."),
        E("tokenizer_vocab", "handle tok, bool with_added_tokens, out_str json", Py("tokenizer_vocab"),
          doc="{token: id} as JSON (aotml_free)."),
        E("tokenizer_add_tokens", "handle tok, str tokens, bool special, out_handle out, out_i64 added",
          Py("tokenizer_add_tokens"),
          doc="A new tokenizer with the tokens added (a JSON list of {content, single_word, lstrip, rstrip, "
              "normalized, special}); added: how many were not in the vocabulary yet."),
        E("tokenizer_with_settings", "handle tok, i64s options, str pad_token, out_handle out",
          Py("tokenizer_with_settings"),
          doc="A new tokenizer sharing tok's components, recording the truncation and padding of the encode option "
              "words (see aotml_tokenizer_encode_batch) as its tokenizer.json's own."),
        E("unicode_normalize", "str form, text text, out_str out", Py("unicode_normalize"),
          doc="NFC, NFD, NFKC or NFKD (UCD 15.0), as Python's unicodedata.normalize."),
    ]),
    ("pipelines", "A text embedder (aotml_handle_free) joins a tokenizer and an ONNX session; it keeps both alive "
                  "through the handles it was made from, which the caller must not free first.", [
        E("embedder_new", "handle tokenizer, handle session, i32 pooling, bool normalize, i32 max_length, out_handle out",
          Py("embedder_new"),
          doc="pooling 0 mean, 1 CLS, 2 max. Checks the model's inputs and outputs and runs it once on max_length "
              "copies of the largest id (vocabulary and length fit, dimension)."),
        E("embedder_info", "handle embedder, out_i64 dimension", Py("embedder_info"), gil=False),
        E("embedder_embed", "handle embedder, texts texts, i32 batch_size, threads num_threads, opt_handle cancel, "
                            "opt_buffer progress, buffer out, out_i64 truncated", Py("embedder_embed"),
          doc="Row i of out (C-contiguous float32 [n_texts, dimension]) becomes text i's vector. progress: an optional "
              "writable int64 buffer that holds the number of texts done after each batch. cancel: an optional token "
              "checked between batches that also terminates a running batch (AOTML_ERR_CANCELLED)."),
    ]),
    ("onnx", "", [
        E("onnx_providers", "out_ptr_char names, out_i64 length",
          Py("onnx_providers", result="nul_list", returns="list[str]"),
          doc="Usable execution providers, NUL-separated (aotml_free)."),
        E("onnx_session_new", "opt_str path, opt_bytes model, bytes options, out_handle session",
          Py("onnx_session_new"),
          doc="From a file (path != NULL) or bytes. options: NUL-terminated key and value strings "
              "(\"intra_op_num_threads\", \"2\", \"config:<key>\", v, \"provider\", name, "
              "\"provider_option:<key>\", v, ...)."),
        E("onnx_session_new_with_initializers", "opt_str path, opt_bytes model, bytes options, texts names, "
                                                "handles values, out_handle session",
          Py("onnx_session_new_with_initializers"),
          doc="onnx_session_new with initializers supplied by name (SessionOptions.add_initializer): tensors "
              "the session reads in place and keeps alive while it lives."),
        E("onnx_build_info", "out_str info", Py("onnx_build_info"),
          doc="ONNX Runtime's build description (aotml_free); loads it if needed."),
        E("onnx_session_profiling_start_ns", "handle session, out_i64 ns", Py("onnx_session_profiling_start_ns"),
          gil=False, doc="When the session's profiler started, in ns (0 when profiling is off)."),
        E("onnx_session_info", "handle session, out_str json", Py("onnx_session_info"), gil=False,
          doc="Inputs, outputs, metadata as JSON (aotml_free)."),
        E("onnx_session_run", "raw:void* session, raw:void* run_options, raw:int32_t n_inputs, "
                              "raw:const int32_t* input_index, raw:const aotml_buffer* input_buffers, "
                              "raw:void** input_values, raw:int32_t n_outputs, raw:const int32_t* output_index, "
                              "raw:int32_t flags, raw:aotml_onnx_value* outputs",
          doc="Input i is input_values[i] (a value handle) if that is non-NULL, else a tensor read in place from "
              "input_buffers[i]; input_index/output_index are positions in the session's inputs (then overridable "
              "initializers) and outputs. flags: AOTML_ONNX_RAW_OUTPUTS makes outputs[j].handle the bare OrtValue* "
              "(aotml_onnx_value_release / _adopt). The Python side is hand-written: the measured fast path."),
        E("onnx_value_release", "raw:void* ort_value", gil=False),
        E("onnx_value_adopt", "raw:void* ort_value, raw:void** handle", gil=False),
        E("onnx_session_end_profiling", "handle session, out_str path", Py("onnx_session_end_profiling")),
        E("onnx_run_options_new", "out_handle run_options", Py("onnx_run_options_new"), gil=False),
        E("onnx_run_options_set", "handle run_options, str key, str value", Py("onnx_run_options_set"), gil=False),
        E("onnx_run_options_terminate", "handle run_options, bool terminate", Py("onnx_run_options_terminate"),
          gil=False),
        E("onnx_value_from_buffer", "buffer buffer, i32 elem_type, out_value_handle value",
          Py("onnx_value_from_buffer"), gil=False,
          doc="Values: from_buffer/from_pointer read caller memory in place (keep it alive while the value lives); "
              "value_new and from_strings allocate; describe returns a new reference in out->handle."),
        E("onnx_value_from_pointer", "address data, shape shape, i32 elem_type, out_value_handle value",
          Py("onnx_value_from_pointer"), gil=False),
        E("onnx_value_new", "shape shape, i32 elem_type, out_value_handle value", Py("onnx_value_new")),
        E("onnx_value_from_strings", "bytes utf8, i64s offsets, shape shape, out_value_handle value",
          Py("onnx_value_from_strings"), doc="Strings are UTF-8 with count+1 offsets."),
        E("onnx_value_sequence", "handles elements, out_value_handle value", Py("onnx_value_sequence")),
        E("onnx_value_empty_sequence", "i32 elem_type, out_value_handle value", Py("onnx_value_empty_sequence"),
          doc="An empty sequence of tensors of elem_type (ORT's CreateValue needs at least one element)."),
        E("onnx_value_strings", "handle value, out_ptr_char utf8, out_ptr_i64 offsets, out_i64 count",
          Py("onnx_value_strings", result="strings", returns="list[str]"), gil=False),
        E("onnx_value_describe", "handle value, out_value out",
          Py("onnx_value_describe", result="describe", returns="tuple[int, int, tuple[int, ...], int]"),
          Py("onnx_value_output"), gil=False),
        E("onnx_value_count", "handle value, out_i64 count", Py("onnx_value_count"), gil=False),
        E("onnx_value_element", "handle value, i64 index, out_value out", Py("onnx_value_element"), gil=False),
        E("onnx_binding_new", "handle session, out_handle binding", Py("onnx_binding_new"), gil=False,
          doc="IoBinding: bind an input or output (output value NULL: CPU memory ORT allocates); outputs after a run."),
        E("onnx_binding_bind", "handle binding, bool output, str name, opt_handle value", Py("onnx_binding_bind"),
          gil=False),
        E("onnx_binding_clear", "handle binding, bool outputs", Py("onnx_binding_clear"), gil=False),
        E("onnx_binding_run", "handle binding, opt_handle run_options", Py("onnx_binding_run")),
        E("onnx_binding_outputs", "raw:void* binding, raw:aotml_onnx_value* outputs, raw:int32_t capacity, "
                                  "raw:int32_t* count",
          doc="The bound outputs after a run; with outputs NULL only *count is written (Python side hand-written: "
              "two calls)."),
    ]),
]

EXPORTS: list[Export] = [e for _, _, group in SECTIONS for e in group]

# Hand-written private functions (fast paths and two-step calls), with their .pyi lines.
HAND_WRITTEN_PYI = [
    "def handle_free(handle: Handle, /) -> None: ...",
    "def onnx_session_run(session: Handle, run_options: Handle | None, name_index: dict[str, int], feed: Any,\n"
    "                     handles: dict[str, Handle] | None, output_index: Any, raw: bool, /) -> Any: ...",
    "def onnx_binding_outputs(binding: Handle, raw: bool, /) -> list[Any]: ...",
    "def texts_are_utf8(texts: list[str], /) -> bool: ...",
]
