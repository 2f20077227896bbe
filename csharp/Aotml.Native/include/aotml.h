/* aotml.h: the C ABI of libaotml.so, the single statement of it.
 *
 * Conventions
 *  - Every function returns int32_t status: 0 = AOTML_OK, otherwise an aotml_status code; the message is then
 *    available from aotml_last_error on the same thread until that thread's next failure.
 *  - Results are written through out-pointers. Memory the library allocates is freed by the caller with
 *    aotml_free; object handles with aotml_handle_free.
 *  - Text is UTF-8 with explicit byte lengths. Booleans are int32_t.
 *  - One prototype per line (tests parse this file): AOTML_API int32_t name(args);
 */
#ifndef AOTML_H
#define AOTML_H
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define AOTML_API __attribute__((visibility("default")))

enum aotml_status {
    AOTML_OK = 0,
    AOTML_ERR_INVALID_ARGUMENT = 1,
    AOTML_ERR_CONFIG = 2,
    AOTML_ERR_ENCODE = 3,
    AOTML_ERR_ONNXRUNTIME = 4,
    AOTML_ERR_FILE_NOT_FOUND = 5,
    AOTML_ERR_KEY = 6,
    AOTML_ERR_CANCELLED = 7,
    AOTML_ERR_OUT_OF_MEMORY = 8,
    AOTML_ERR_INTERNAL = 9,
    AOTML_ERR_ORT_UNAVAILABLE = 10,
    AOTML_ERR_ORT_CODE_BASE = 100   /* + OrtErrorCode: ONNX Runtime's own error, by its code */
};

/* A strided view of caller memory (the fields of a Py_buffer). strides in bytes, NULL = C-contiguous;
 * format in struct-module syntax, NULL = unsigned bytes. */
typedef struct aotml_buffer {
    void* data;
    const int64_t* shape;
    const int64_t* strides;
    const char* format;
    int64_t itemsize;
    int32_t ndim;
    int32_t readonly;
} aotml_buffer;

/* ---- common ---------------------------------------------------------------------------------------------- */
AOTML_API int32_t aotml_last_error(const char** message, int64_t* length);
AOTML_API void aotml_free(void* p);
AOTML_API int32_t aotml_handle_free(void* handle);
AOTML_API int32_t aotml_version(const char** version);
AOTML_API int32_t aotml_ort_version(const char** version, const char** path);

/* ---- numerics: out may be x itself (in place); arrays are C-contiguous float32 or float64 ----------------- */
#define AOTML_AXIS_NONE INT32_MIN
AOTML_API int32_t aotml_l2_normalize(const aotml_buffer* x, const aotml_buffer* out, int32_t axis, double eps);
AOTML_API int32_t aotml_minmax_scale(const aotml_buffer* x, const aotml_buffer* out, int32_t axis, double lo, double hi);
AOTML_API int32_t aotml_standardize(const aotml_buffer* x, const aotml_buffer* out, int32_t axis, double eps, int32_t ddof);
AOTML_API int32_t aotml_softmax(const aotml_buffer* x, const aotml_buffer* out, int32_t axis, int32_t log);
AOTML_API int32_t aotml_layer_norm(const aotml_buffer* x, const aotml_buffer* out, const aotml_buffer* weight, const aotml_buffer* bias, double eps);

/* ---- tiktoken (issue 4) ---------------------------------------------------------------------------------- */
/* An encoding is an object handle (aotml_handle_free). Special tokens are given as one UTF-8 blob with n+1 int64
 * offsets and n ids. explicit_n_vocab <= 0 means none. A policy (aotml_tiktoken_policy_new) says which special
 * tokens an encode call emits and which make it fail with AOTML_ERR_ENCODE; a NULL policy is encode_ordinary.
 * Encoding into caller memory needs at most one uint32 per byte of text. Unknown ids are AOTML_ERR_KEY. */
AOTML_API int32_t aotml_tiktoken_new(const char* name, int64_t name_len, const uint8_t* rank_blob, const int64_t* rank_offsets, const uint32_t* ranks, int64_t n_ranks, const char* pat, int64_t pat_len, const uint8_t* special_blob, const int64_t* special_offsets, const uint32_t* special_ids, int64_t n_specials, int64_t explicit_n_vocab, void** out);
AOTML_API int32_t aotml_tiktoken_new_from_file(const char* name, int64_t name_len, const char* path, int64_t path_len, const char* pat, int64_t pat_len, const uint8_t* special_blob, const int64_t* special_offsets, const uint32_t* special_ids, int64_t n_specials, int64_t explicit_n_vocab, void** out);
AOTML_API int32_t aotml_tiktoken_parse_ranks(const uint8_t* data, int64_t len, const char* source, int64_t source_len, uint8_t** blob, int64_t* blob_len, int64_t** offsets, uint32_t** ranks, int64_t* count);
AOTML_API int32_t aotml_tiktoken_info(void* enc, int64_t* n_mergeable, int64_t* max_token_value, int32_t* pattern_kind);
AOTML_API int32_t aotml_tiktoken_policy_new(void* enc, int32_t allowed_all, const uint32_t* allowed, int64_t n_allowed, int32_t disallow_rest, const uint32_t* disallowed, int64_t n_disallowed, void** out);
AOTML_API int32_t aotml_tiktoken_encode(void* enc, void* policy, const uint8_t* text, int64_t len, uint32_t* out, int64_t capacity, int64_t* n_out);
AOTML_API int32_t aotml_tiktoken_encode_alloc(void* enc, void* policy, const uint8_t* text, int64_t len, uint32_t** out, int64_t* n_out);
AOTML_API int32_t aotml_tiktoken_count(void* enc, void* policy, const uint8_t* text, int64_t len, int64_t* n_out);
AOTML_API int32_t aotml_tiktoken_encode_batch(void* enc, void* policy, const uint8_t** texts, const int64_t* lens, int64_t n, int32_t num_threads, uint32_t** ids, int64_t** offsets);
AOTML_API int32_t aotml_tiktoken_encode_single_piece(void* enc, const uint8_t* bytes, int64_t len, uint32_t* out, int64_t capacity, int64_t* n_out);
AOTML_API int32_t aotml_tiktoken_encode_single_token(void* enc, const uint8_t* bytes, int64_t len, uint32_t* token);
AOTML_API int32_t aotml_tiktoken_decode(void* enc, const uint32_t* tokens, int64_t n, uint8_t** out, int64_t* len);
AOTML_API int32_t aotml_tiktoken_token_bytes(void* enc, uint32_t token, const uint8_t** bytes, int64_t* len);
AOTML_API int32_t aotml_tiktoken_mergeable(void* enc, const uint8_t** blob, const int32_t** offsets, const uint32_t** ranks, int64_t* count);

/* ---- onnx (issue 3) -------------------------------------------------------------------------------------- */
/* What an OrtValue holds. handle is a reference to the value (aotml_handle_free); shape and data belong to the value
 * and stay valid while any reference lives. data is NULL for string tensors, non-tensors and empty tensors.
 * kind is ONNXType (1 tensor, 2 sequence, 3 map, 4 opaque, 5 sparse tensor, 6 optional); elem_type is
 * ONNXTensorElementDataType (1 float, 2 uint8, ..., 16 bfloat16). */
typedef struct aotml_onnx_value {
    void* handle;
    void* data;
    const int64_t* shape;
    int32_t ndim;
    int32_t kind;
    int32_t elem_type;
    int32_t reserved;
} aotml_onnx_value;

/* Usable execution providers, NUL-separated (aotml_free). */
AOTML_API int32_t aotml_onnx_providers(char** names, int64_t* length);
/* From a file (path != NULL) or bytes. options: NUL-terminated key and value strings ("intra_op_num_threads", "2",
 * "config:<key>", v, "provider", name, "provider_option:<key>", v, ...). info: inputs, outputs, metadata as JSON. */
AOTML_API int32_t aotml_onnx_session_new(const char* path, int64_t path_len, const void* model, int64_t model_len, const char* options, int64_t options_len, void** session);
AOTML_API int32_t aotml_onnx_session_info(void* session, char** json, int64_t* length);
/* Input i is input_values[i] (a value handle) if that is non-NULL, else a tensor read in place from input_buffers[i];
 * input_index/output_index are positions in the session's inputs (then overridable initializers) and outputs.
 * flags: AOTML_ONNX_RAW_OUTPUTS makes outputs[j].handle the bare OrtValue* (aotml_onnx_value_release / _adopt). */
#define AOTML_ONNX_RAW_OUTPUTS 1
AOTML_API int32_t aotml_onnx_session_run(void* session, void* run_options, int32_t n_inputs, const int32_t* input_index, const aotml_buffer* input_buffers, void** input_values, int32_t n_outputs, const int32_t* output_index, int32_t flags, aotml_onnx_value* outputs);
AOTML_API int32_t aotml_onnx_value_release(void* ort_value);
AOTML_API int32_t aotml_onnx_value_adopt(void* ort_value, void** handle);
AOTML_API int32_t aotml_onnx_session_end_profiling(void* session, char** path, int64_t* length);
AOTML_API int32_t aotml_onnx_run_options_new(void** run_options);
AOTML_API int32_t aotml_onnx_run_options_set(void* run_options, const char* key, int64_t key_len, const char* value, int64_t value_len);
AOTML_API int32_t aotml_onnx_run_options_terminate(void* run_options, int32_t terminate);
/* Values: from_buffer/from_pointer read caller memory in place (keep it alive while the value lives); value_new and
 * from_strings allocate; describe returns a new reference in out->handle. Strings are UTF-8 with count+1 offsets. */
AOTML_API int32_t aotml_onnx_value_from_buffer(const aotml_buffer* buffer, int32_t elem_type, aotml_onnx_value* value);
AOTML_API int32_t aotml_onnx_value_from_pointer(void* data, const int64_t* shape, int32_t ndim, int32_t elem_type, aotml_onnx_value* value);
AOTML_API int32_t aotml_onnx_value_new(const int64_t* shape, int32_t ndim, int32_t elem_type, aotml_onnx_value* value);
AOTML_API int32_t aotml_onnx_value_from_strings(const char* utf8, const int64_t* offsets, const int64_t* shape, int32_t ndim, aotml_onnx_value* value);
AOTML_API int32_t aotml_onnx_value_sequence(void** elements, int64_t count, aotml_onnx_value* value);
AOTML_API int32_t aotml_onnx_value_strings(void* value, char** utf8, int64_t** offsets, int64_t* count);
AOTML_API int32_t aotml_onnx_value_describe(void* value, aotml_onnx_value* out);
AOTML_API int32_t aotml_onnx_value_count(void* value, int64_t* count);
AOTML_API int32_t aotml_onnx_value_element(void* value, int64_t index, aotml_onnx_value* out);
/* IoBinding: bind an input or output (output value NULL: CPU memory ORT allocates); outputs after a run. */
AOTML_API int32_t aotml_onnx_binding_new(void* session, void** binding);
AOTML_API int32_t aotml_onnx_binding_bind(void* binding, int32_t output, const char* name, int64_t name_len, void* value);
AOTML_API int32_t aotml_onnx_binding_clear(void* binding, int32_t outputs);
AOTML_API int32_t aotml_onnx_binding_run(void* binding, void* run_options);
AOTML_API int32_t aotml_onnx_binding_outputs(void* binding, aotml_onnx_value* outputs, int32_t capacity, int32_t* count);

#ifdef __cplusplus
}
#endif
#endif
