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
    AOTML_ERR_ORT_UNAVAILABLE = 10
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

#ifdef __cplusplus
}
#endif
#endif
