/* Shared declarations of the aotml._ext extension: the owned Handle type, the fork gate, and each argument and result
 * kind's conversion (written once, in _ext.c; _ext_generated.c calls them for every export). */
#ifndef AOTML_EXT_H
#define AOTML_EXT_H
#define Py_LIMITED_API 0x030B0000
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include "aotml.h"

/* Sets the exception for a failed export from aotml_last_error (through aotml._errors.from_status, so the ctypes
 * backend raises the very same) and returns NULL. aotml_raise_msg does the same with a message of our own. */
PyObject* aotml_raise(int32_t status);
PyObject* aotml_raise_msg(int32_t status, PyObject* message);
PyObject* aotml_nargs_error(const char* fn, int expected, Py_ssize_t given);

/* The fork gate: every call that drops the GIL is inside it, and a fork waits until no call is (see _ext.c). */
void aotml_gate_enter(void);
void aotml_gate_leave(void);
#define AOTML_CALL(stmt) { Py_BEGIN_ALLOW_THREADS aotml_gate_enter(); stmt aotml_gate_leave(); Py_END_ALLOW_THREADS }

/* Handles: a new owner of engine handle h (freed if the owner cannot be made), and borrowing one for a call (the
 * engine object is freed no earlier than the last borrower's release, even if closed meanwhile). */
PyObject* aotml_handle_new(void* h);
int aotml_handle_acquire(PyObject* obj, void** h, const char* name);
void aotml_handle_release(PyObject* obj);

/* Gets a buffer view of obj and fills buf from it; TypeError naming `name` if obj has no buffer protocol. */
int aotml_get_buffer(PyObject* obj, Py_buffer* view, aotml_buffer* buf, const char* name);
void aotml_release_buffer(Py_buffer* view);

/* A buffer-protocol object over engine memory (numpy.asarray copies nothing). owner_kind: AOTML_OWNER_FREE frees
 * data with aotml_free; AOTML_OWNER_PYOBJECT keeps `owner` (a PyObject*, e.g. a Handle) alive and drops it. On failure
 * the owner is still released, so callers never leak. */
enum aotml_owner_kind { AOTML_OWNER_FREE = 0, AOTML_OWNER_PYOBJECT = 2 };
PyObject* aotml_native_buffer(void* data, const char* format, Py_ssize_t itemsize, int ndim, const int64_t* shape,
                              void* owner, int owner_kind);

/* ---- argument kinds: aotml_conv_<kind>(obj, &local, name) -> 0 or -1; aotml_clear_<kind>(&local) ------------- */
typedef struct { PyObject* obj; void* h; } aotml_arg_handle;
typedef struct { const uint8_t* p; int64_t len; PyObject* owner; } aotml_arg_text;
typedef struct { const uint8_t** p; int64_t* lens; int64_t n; PyObject** owners; } aotml_arg_texts;
typedef struct { const char* p; int64_t len; } aotml_arg_str;
typedef struct { const uint8_t* p; int64_t len; Py_buffer view; } aotml_arg_bytes;
typedef struct { const uint32_t* p; int64_t n; Py_buffer view; uint32_t* owned; } aotml_arg_ids;
typedef struct { const int64_t* p; int32_t ndim; int64_t* owned; } aotml_arg_shape;
typedef struct { void** p; int64_t n; PyObject** objs; } aotml_arg_handles;
typedef struct { const aotml_buffer* bp; aotml_buffer b; Py_buffer view; } aotml_arg_buffer;
typedef struct { uint32_t* p; int64_t cap; uint32_t small[256]; } aotml_scratch_ids;

int aotml_conv_handle(PyObject* o, aotml_arg_handle* a, const char* name);
int aotml_conv_opt_handle(PyObject* o, aotml_arg_handle* a, const char* name);
void aotml_clear_handle(aotml_arg_handle* a);
#define aotml_clear_opt_handle aotml_clear_handle
int aotml_conv_text(PyObject* o, aotml_arg_text* a, const char* name);
void aotml_clear_text(aotml_arg_text* a);
int aotml_conv_texts(PyObject* o, aotml_arg_texts* a, const char* name);
void aotml_clear_texts(aotml_arg_texts* a);
int aotml_conv_str(PyObject* o, aotml_arg_str* a, const char* name);
int aotml_conv_opt_str(PyObject* o, aotml_arg_str* a, const char* name);
int aotml_conv_bytes(PyObject* o, aotml_arg_bytes* a, const char* name);
int aotml_conv_opt_bytes(PyObject* o, aotml_arg_bytes* a, const char* name);
int aotml_conv_i64s(PyObject* o, aotml_arg_bytes* a, const char* name);
int aotml_conv_u32s(PyObject* o, aotml_arg_bytes* a, const char* name);
void aotml_clear_bytes(aotml_arg_bytes* a);
#define aotml_clear_opt_bytes aotml_clear_bytes
#define aotml_clear_i64s aotml_clear_bytes
#define aotml_clear_u32s aotml_clear_bytes
int aotml_conv_ids(PyObject* o, aotml_arg_ids* a, const char* name);
void aotml_clear_ids(aotml_arg_ids* a);
int aotml_conv_shape(PyObject* o, aotml_arg_shape* a, const char* name);
void aotml_clear_shape(aotml_arg_shape* a);
int aotml_conv_handles(PyObject* o, aotml_arg_handles* a, const char* name);
void aotml_clear_handles(aotml_arg_handles* a);
int aotml_conv_buffer(PyObject* o, aotml_arg_buffer* a, const char* name);
int aotml_conv_opt_buffer(PyObject* o, aotml_arg_buffer* a, const char* name);
void aotml_clear_buffer(aotml_arg_buffer* a);
#define aotml_clear_opt_buffer aotml_clear_buffer
int aotml_conv_i32(PyObject* o, int32_t* v, const char* name);
int aotml_conv_i64(PyObject* o, int64_t* v, const char* name);
int aotml_conv_threads(PyObject* o, int32_t* v, const char* name);
int aotml_conv_axis(PyObject* o, int32_t* v, const char* name);
int aotml_conv_token(PyObject* o, uint32_t* v, const char* name);
int aotml_conv_address(PyObject* o, void** v, const char* name);
int aotml_conv_f64(PyObject* o, double* v, const char* name);
int aotml_conv_bool(PyObject* o, int32_t* v, const char* name);
int aotml_conv_flag(PyObject* o, int32_t* v, const char* name);
int aotml_scratch_init(aotml_scratch_ids* s, int64_t capacity);
void aotml_scratch_clear(aotml_scratch_ids* s);

/* ---- result kinds: each takes ownership of what the engine handed out, also on failure ------------------------ */
PyObject* aotml_res_handle(void* h);
PyObject* aotml_res_static_str(const char* s);
PyObject* aotml_res_str(char* s, int64_t len);
PyObject* aotml_res_bytes(uint8_t* p, int64_t len);
PyObject* aotml_res_token_bytes(const uint8_t* p, int64_t len);
PyObject* aotml_res_ids(uint32_t* ids, int64_t n);
PyObject* aotml_res_id_list(const uint32_t* ids, int64_t n);
PyObject* aotml_res_value_handle(aotml_onnx_value* v);
PyObject* aotml_res_value(aotml_onnx_value* v);  /* _ext_onnx.c */
PyObject* aotml_pack(int n, ...);                /* a tuple of n new references (stolen); NULL if any is NULL */
PyObject* aotml_result_ranks(uint8_t* blob, int64_t blob_len, int64_t* offsets, uint32_t* ranks, int64_t count);
PyObject* aotml_result_mergeable(const uint8_t* blob, const int32_t* offsets, const uint32_t* ranks, int64_t count);
PyObject* aotml_result_ragged(uint32_t* ids, int64_t* offsets, aotml_arg_texts* texts, int32_t flat);
PyObject* aotml_result_nul_list(char* s, int64_t len);
PyObject* aotml_result_strings(char* utf8, int64_t* offsets, int64_t count);
PyObject* aotml_result_bytes_list(uint8_t* blob, int64_t* offsets, int64_t count);
PyObject* aotml_result_describe(aotml_onnx_value* v);  /* _ext_onnx.c */

/* Method tables, added to the module in _ext.c. */
extern PyMethodDef aotml_generated_methods[];
extern PyMethodDef aotml_onnx_methods[];

#endif
