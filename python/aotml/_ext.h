/* Shared helpers of the aotml._ext extension; each concern's _ext_<concern>.c includes this. */
#ifndef AOTML_EXT_H
#define AOTML_EXT_H
#define Py_LIMITED_API 0x030B0000
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include "aotml.h"

/* Sets the Python exception for a failed export from aotml_last_error (through aotml._errors.from_status, so the
 * ctypes backend raises the very same) and returns NULL. */
PyObject* aotml_raise(int32_t status);

/* Gets a buffer view of obj (read-only request; writability is checked by the engine so both backends give the same
 * message) and fills buf from it. Raises TypeError naming `name` if obj has no buffer protocol. 0 on success. */
int aotml_get_buffer(PyObject* obj, Py_buffer* view, aotml_buffer* buf, const char* name);
void aotml_release_buffer(Py_buffer* view);

/* Who frees the memory behind a NativeBuffer when the last view of it is released. */
enum aotml_owner_kind { AOTML_OWNER_FREE = 0, AOTML_OWNER_HANDLE = 1, AOTML_OWNER_PYOBJECT = 2 };

/* A buffer-protocol object over engine memory: numpy.asarray(result) copies nothing. `owner` is freed according to
 * `owner_kind` (aotml_free(data), aotml_handle_free(owner), or Py_DECREF(owner)). The shape is copied. On failure the
 * owner is still released, so callers never leak. */
PyObject* aotml_native_buffer(void* data, const char* format, Py_ssize_t itemsize, int ndim, const int64_t* shape,
                              void* owner, int owner_kind);

/* Per-concern method tables, added to the module in _ext.c. */
extern PyMethodDef aotml_numerics_methods[];
extern PyMethodDef aotml_tiktoken_methods[];
extern PyMethodDef aotml_onnx_methods[];

#endif
