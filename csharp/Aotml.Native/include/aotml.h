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

/* ---- onnx (issue 3) -------------------------------------------------------------------------------------- */

#ifdef __cplusplus
}
#endif
#endif
