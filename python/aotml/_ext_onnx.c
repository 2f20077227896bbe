/* ONNX Runtime: the hand-written fast path onnx_session_run (measured: generic per-input conversion costs more than
 * a small model's run), the two-step onnx_binding_outputs, and the value results of the generated wrappers. The run
 * takes the feed dict as given, reads each array in place (no copy), drops the GIL for the run and returns numpy arrays over ORT's output
 * memory. Anything it cannot take as is (unknown names, strings, non-contiguous or non-array values) makes it return
 * None, and aotml/onnx.py prepares the feed and calls again: the policy and its messages live in Python, once. */
#include "_ext.h"
#include <string.h>

#define MAX_FAST 16   /* inputs/outputs handled with stack arrays; more take the heap */

static PyObject* g_asarray;   /* numpy.asarray, imported on first use */
static PyObject* g_ndarray;   /* numpy.ndarray: the only type the fast path reads in place */

/* Three entries of numpy's C-API table, by their index in it (stable across numpy 1.x and 2.x: the table only
 * grows). Going through the table instead of np.asarray(buffer) saves the memoryview and the format parsing:
 * about half a microsecond per output. Without the table (an unexpected numpy), np.asarray is used. */
typedef PyObject* (*np_descr_from_type_fn)(int type);
typedef PyObject* (*np_new_from_descr_fn)(PyTypeObject* subtype, PyObject* descr, int nd, const Py_ssize_t* dims,
                                          const Py_ssize_t* strides, void* data, int flags, PyObject* obj);
typedef int (*np_set_base_fn)(PyObject* arr, PyObject* obj);
static void** g_np_api;
enum { NP_TYPE = 2, NP_DESCR_FROM_TYPE = 45, NP_NEW_FROM_DESCR = 94, NP_SET_BASE = 282 };
#define NP_CARRAY 0x0501   /* NPY_ARRAY_C_CONTIGUOUS | NPY_ARRAY_ALIGNED | NPY_ARRAY_WRITEABLE */

/* ---- OrtValueOwner: the base object of an output array; releases the bare OrtValue* when the array dies ---- */
typedef struct {
    PyObject_HEAD
    void* value;   /* OrtValue* */
} OrtValueOwner;

static PyTypeObject* g_owner_type;

static void owner_dealloc(PyObject* op) {
    aotml_onnx_value_release(((OrtValueOwner*)op)->value);
    PyTypeObject* tp = Py_TYPE(op);
    PyObject_Free(op);
    Py_DECREF(tp);
}

static PyType_Slot owner_slots[] = {
    {Py_tp_dealloc, owner_dealloc},
    {Py_tp_doc, "Keeps an ONNX Runtime output alive while numpy arrays view its memory."},
    {0, NULL},
};

static PyType_Spec owner_spec = {
    .name = "aotml._ext.OrtValueOwner",
    .basicsize = sizeof(OrtValueOwner),
    .flags = Py_TPFLAGS_DEFAULT,
    .slots = owner_slots,
};

static void load_numpy_api(void) {
    const char* modules[] = {"numpy._core._multiarray_umath", "numpy.core._multiarray_umath"};
    for (int i = 0; i < 2 && !g_np_api; i++) {
        PyObject* m = PyImport_ImportModule(modules[i]);
        if (!m) { PyErr_Clear(); continue; }
        PyObject* cap = PyObject_GetAttrString(m, "_ARRAY_API");
        Py_DECREF(m);
        if (!cap) { PyErr_Clear(); continue; }
        if (PyCapsule_CheckExact(cap)) g_np_api = PyCapsule_GetPointer(cap, NULL);
        if (!g_np_api) PyErr_Clear();
        Py_DECREF(cap);   /* the module keeps the capsule, and the table, alive */
    }
    if (g_np_api && (PyObject*)g_np_api[NP_TYPE] != g_ndarray) g_np_api = NULL;   /* not the table we know */
}

/* The leading fields of numpy's array and dtype objects (PyArrayObject_fields, PyArray_Descr), public and unchanged
 * across numpy 1.x and 2.x. Reading them spares PyObject_GetBuffer on every input of every run (numpy rebuilds the
 * format string each time); a probe array checks them against the buffer protocol once, else the fast path is off. */
typedef struct {
    PyObject ob_base;
    char* data;
    int nd;
    Py_ssize_t* dimensions;
    Py_ssize_t* strides;
    PyObject* base;
    PyObject* descr;
    int flags;
} np_array_head;

typedef struct {
    PyObject ob_base;
    PyTypeObject* typeobj;
    char kind, type, byteorder, former_flags;
    int type_num;
} np_descr_head;

#define NP_C_CONTIGUOUS 0x0001
#define NP_WRITEABLE 0x0400
static int g_np_direct;

/* struct-module format and item size of numpy's type number, for the numeric dtypes ONNX has. */
static const char* np_format(int type_num, Py_ssize_t* itemsize) {
    switch (type_num) {
    case 0: *itemsize = 1; return "?";
    case 1: *itemsize = 1; return "b";
    case 2: *itemsize = 1; return "B";
    case 3: *itemsize = 2; return "h";
    case 4: *itemsize = 2; return "H";
    case 5: *itemsize = 4; return "i";
    case 6: *itemsize = 4; return "I";
    case 7: case 9: *itemsize = 8; return "q";    /* LP64: long and long long are int64 */
    case 8: case 10: *itemsize = 8; return "Q";
    case 11: *itemsize = 4; return "f";
    case 12: *itemsize = 8; return "d";
    case 23: *itemsize = 2; return "e";
    default: return NULL;
    }
}

static void check_np_direct(PyObject* np) {
    PyObject* probe = PyObject_CallMethod(np, "zeros", "((ii)s)", 3, 5, "float32");
    Py_buffer view;
    if (!probe || PyObject_GetBuffer(probe, &view, PyBUF_RECORDS_RO) < 0) { PyErr_Clear(); Py_XDECREF(probe); return; }
    np_array_head* a = (np_array_head*)probe;
    np_descr_head* d = (np_descr_head*)a->descr;
    Py_ssize_t itemsize = 0;
    const char* fmt = np_format(d->type_num, &itemsize);
    g_np_direct = Py_TYPE(probe) == (PyTypeObject*)g_ndarray && a->data == view.buf && a->nd == 2 &&
                  a->dimensions[0] == 3 && a->dimensions[1] == 5 && (a->flags & NP_C_CONTIGUOUS) &&
                  (a->flags & NP_WRITEABLE) && fmt && fmt[0] == 'f' && itemsize == view.itemsize &&
                  (d->byteorder == '=' || d->byteorder == '<');
    PyBuffer_Release(&view);
    Py_DECREF(probe);
}

static int ensure_numpy(void) {
    if (g_asarray) return 0;
    PyObject* np = PyImport_ImportModule("numpy");
    if (!np) return -1;
    g_ndarray = PyObject_GetAttrString(np, "ndarray");
    g_asarray = g_ndarray ? PyObject_GetAttrString(np, "asarray") : NULL;
    if (g_asarray) check_np_direct(np);
    Py_DECREF(np);
    if (g_asarray) load_numpy_api();
    if (g_asarray && !g_owner_type) g_owner_type = (PyTypeObject*)PyType_FromSpec(&owner_spec);
    return g_asarray && g_owner_type ? 0 : -1;
}

/* numpy's type number for an ONNX element type (LP64: int64 is NPY_LONG). */
static int npy_type(int32_t t) {
    switch (t) {
    case 1: return 11;  case 2: return 2;   case 3: return 1;   case 4: return 4;   case 5: return 3;
    case 6: return 5;   case 7: return 7;   case 9: return 0;   case 10: return 23; case 11: return 12;
    case 12: return 6;  case 13: return 8;  case 16: return 4;  default: return -1;
    }
}

/* struct-module format and item size of the numeric ONNX element types; NULL for the rest. bfloat16 travels as
 * uint16 bit patterns (numpy has no bfloat16). */
static const char* elem_format(int32_t t, Py_ssize_t* itemsize) {
    switch (t) {
    case 1: *itemsize = 4; return "f";
    case 2: *itemsize = 1; return "B";
    case 3: *itemsize = 1; return "b";
    case 4: *itemsize = 2; return "H";
    case 5: *itemsize = 2; return "h";
    case 6: *itemsize = 4; return "i";
    case 7: *itemsize = 8; return "q";
    case 9: *itemsize = 1; return "?";
    case 10: *itemsize = 2; return "e";
    case 11: *itemsize = 8; return "d";
    case 12: *itemsize = 4; return "I";
    case 13: *itemsize = 8; return "Q";
    case 16: *itemsize = 2; return "H";
    default: return NULL;
    }
}

static PyObject* shape_tuple(const aotml_onnx_value* v) {
    PyObject* t = PyTuple_New(v->ndim);
    if (!t) return NULL;
    for (int i = 0; i < v->ndim; i++) {
        PyObject* d = PyLong_FromLongLong(v->shape[i]);
        if (!d) { Py_DECREF(t); return NULL; }
        PyTuple_SetItem(t, i, d);
    }
    return t;
}

/* A numpy array over a numeric tensor (its base keeps the value's Handle alive), or (Handle, kind, elem_type, shape)
 * for anything else, which onnx.py converts. Takes ownership of v->handle in every case. */
static PyObject* wrap_value(const aotml_onnx_value* v) {
    Py_ssize_t itemsize = 0;
    const char* fmt = v->kind == 1 ? elem_format(v->elem_type, &itemsize) : NULL;
    if (fmt && ensure_numpy() < 0) { aotml_handle_free(v->handle); return NULL; }
    PyObject* owner = aotml_handle_new(v->handle);
    if (!owner) return NULL;
    if (fmt) {
        PyObject* nb = aotml_native_buffer(v->data, fmt, itemsize, v->ndim, v->shape, owner, AOTML_OWNER_PYOBJECT);
        if (!nb) return NULL;
        if (g_np_api) {   /* an ndarray over ORT's memory whose base owns the value */
            PyObject* descr = ((np_descr_from_type_fn)g_np_api[NP_DESCR_FROM_TYPE])(npy_type(v->elem_type));
            PyObject* arr = descr ? ((np_new_from_descr_fn)g_np_api[NP_NEW_FROM_DESCR])(
                (PyTypeObject*)g_ndarray, descr, v->ndim, (const Py_ssize_t*)v->shape, NULL, v->data, NP_CARRAY, NULL)
                : NULL;
            if (!arr) { Py_DECREF(nb); return NULL; }
            if (((np_set_base_fn)g_np_api[NP_SET_BASE])(arr, nb) < 0) { Py_DECREF(arr); return NULL; }  /* steals nb */
            return arr;
        }
        PyObject* arr = PyObject_CallFunctionObjArgs(g_asarray, nb, NULL);
        Py_DECREF(nb);
        return arr;
    }
    PyObject* shape = shape_tuple(v);
    if (!shape) { Py_DECREF(owner); return NULL; }
    return Py_BuildValue("(NiiN)", owner, (int)v->kind, (int)v->elem_type, shape);
}

PyObject* aotml_res_value(aotml_onnx_value* v) { return wrap_value(v); }

/* (kind, elem_type, shape, data address); the reference describe made is dropped at once. */
PyObject* aotml_result_describe(aotml_onnx_value* v) {
    PyObject* shape = shape_tuple(v);
    PyObject* r = shape ? Py_BuildValue("(iiNN)", (int)v->kind, (int)v->elem_type, shape, PyLong_FromVoidPtr(v->data))
                        : NULL;
    aotml_handle_free(v->handle);
    return r;
}

static PyObject* wrap_outputs(aotml_onnx_value* outs, Py_ssize_t n, int raw) {
    PyObject* list = PyList_New(n);
    Py_ssize_t i = 0;
    if (!list) goto fail;
    for (; i < n; i++) {
        PyObject* o = raw ? aotml_handle_new(outs[i].handle) : wrap_value(&outs[i]);
        if (!o) { i++; goto fail; }
        PyList_SetItem(list, i, o);
    }
    return list;
fail:
    for (; i < n; i++) aotml_handle_free(outs[i].handle);
    Py_XDECREF(list);
    return NULL;
}

/* Like wrap_value for a bare OrtValue* (a raw-output run): a numeric tensor becomes an ndarray whose base releases
 * the value; anything else is adopted into a handle and takes the general path. Owns ortvalue in every case. */
static PyObject* wrap_raw(aotml_onnx_value* v) {
    int t = v->kind == 1 ? npy_type(v->elem_type) : -1;
    if (t < 0 || !g_np_api) {
        void* h = NULL;
        int32_t st = aotml_onnx_value_adopt(v->handle, &h);
        if (st) { aotml_onnx_value_release(v->handle); return aotml_raise(st); }
        v->handle = h;
        return wrap_value(v);
    }
    OrtValueOwner* owner = PyObject_New(OrtValueOwner, g_owner_type);
    if (!owner) { aotml_onnx_value_release(v->handle); return NULL; }
    owner->value = v->handle;
    PyObject* descr = ((np_descr_from_type_fn)g_np_api[NP_DESCR_FROM_TYPE])(t);
    PyObject* arr = descr ? ((np_new_from_descr_fn)g_np_api[NP_NEW_FROM_DESCR])(
        (PyTypeObject*)g_ndarray, descr, v->ndim, (const Py_ssize_t*)v->shape, NULL, v->data, NP_CARRAY, NULL) : NULL;
    if (!arr) { Py_DECREF(owner); return NULL; }
    if (((np_set_base_fn)g_np_api[NP_SET_BASE])(arr, (PyObject*)owner) < 0) { Py_DECREF(arr); return NULL; }
    return arr;
}

static PyObject* wrap_raw_outputs(aotml_onnx_value* outs, Py_ssize_t n) {
    PyObject* list = PyList_New(n);
    Py_ssize_t i = 0;
    if (!list) goto fail;
    for (; i < n; i++) {
        PyObject* o = wrap_raw(&outs[i]);
        if (!o) { i++; goto fail; }
        PyList_SetItem(list, i, o);
    }
    return list;
fail:
    for (; i < n; i++) aotml_onnx_value_release(outs[i].handle);
    Py_XDECREF(list);
    return NULL;
}

/* True for the buffer formats of numeric numpy dtypes; strings and objects take the prepared path. */
static int numeric_format(const char* f) {
    if (!f) return 0;
    if (*f == '<' || *f == '=' || *f == '@' || *f == '|') f++;
    return f[0] && !f[1] && strchr("fdebBhHiIlLqQ?", f[0]) != NULL;
}

static int index_arg(PyObject* o, int32_t* out) {
    long v = PyLong_AsLong(o);
    if (v == -1 && PyErr_Occurred()) return -1;
    if (v < 0 || v > INT32_MAX) { PyErr_SetString(PyExc_ValueError, "index out of range"); return -1; }
    *out = (int32_t)v;
    return 0;
}

static int int_tuple(PyObject* seq, int32_t** out, Py_ssize_t* n, int32_t* stack) {
    PyObject* fast = PySequence_Tuple(seq);
    if (!fast) return -1;
    *n = PyTuple_Size(fast);
    *out = *n <= MAX_FAST ? stack : PyMem_Malloc(sizeof(int32_t) * (size_t)*n);
    if (!*out) { Py_DECREF(fast); PyErr_NoMemory(); return -1; }
    for (Py_ssize_t i = 0; i < *n; i++)
        if (index_arg(PyTuple_GetItem(fast, i), &(*out)[i]) < 0) {
            if (*out != stack) PyMem_Free(*out);
            Py_DECREF(fast);
            return -1;
        }
    Py_DECREF(fast);
    return 0;
}

#define MAX_DIMS 64   /* NPY_MAXDIMS of numpy 2 (numpy 1: 32) */

/* Adds one input to the call's arrays: a value handle, or a C-contiguous numeric buffer read in place. Returns 1 when
 * added, 0 when the value needs the prepared path, -1 on error. Everything read in place is pinned for the call: a
 * reference goes to *ref (the caller drops it after the run) and an array's shape is copied to dims, since another
 * thread may empty the feed dict or reshape the array while the GIL is released. */
static int add_input(PyObject* name_index, PyObject* key, PyObject* value, int is_handle, int32_t* index, void** handle,
                     aotml_buffer* buf, Py_buffer* views, Py_ssize_t* held, PyObject** borrowed, Py_ssize_t* n_borrowed,
                     PyObject** ref, int64_t* dims) {
    PyObject* idx = PyDict_GetItemWithError(name_index, key);
    if (!idx) return PyErr_Occurred() ? -1 : 0;
    if (index_arg(idx, index) < 0) return -1;
    memset(buf, 0, sizeof(aotml_buffer));
    *handle = NULL;
    if (is_handle) {   /* borrowed for the call: closing it meanwhile defers the free until the call is done */
        if (aotml_handle_acquire(value, handle, "input value") < 0) return -1;
        borrowed[(*n_borrowed)++] = value;
        *ref = Py_NewRef(value);
        return 1;
    }
    /* numpy scalars, memoryviews and the like take the prepared path, which gives them the input's dtype and rank */
    if ((PyObject*)Py_TYPE(value) != g_ndarray) return 0;
    if (g_np_direct) {
        np_array_head* a = (np_array_head*)value;
        np_descr_head* d = (np_descr_head*)a->descr;
        Py_ssize_t itemsize = 0;
        const char* fmt = np_format(d->type_num, &itemsize);
        if (!fmt || !(a->flags & NP_C_CONTIGUOUS) || !(d->byteorder == '=' || d->byteorder == '<' || d->byteorder == '|')
            || a->nd > MAX_DIMS)
            return 0;
        for (int k = 0; k < a->nd; k++) dims[k] = (int64_t)a->dimensions[k];
        buf->data = a->data;
        buf->shape = dims;
        buf->format = fmt;
        buf->itemsize = itemsize;
        buf->ndim = a->nd;
        buf->readonly = !(a->flags & NP_WRITEABLE);
        *ref = Py_NewRef(value);
        return 1;
    }
    Py_buffer* v = &views[*held];
    if (PyObject_GetBuffer(value, v, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0) { PyErr_Clear(); return 0; }
    ++*held;
    if (!numeric_format(v->format)) return 0;
    buf->data = v->buf;
    buf->shape = (const int64_t*)v->shape;
    buf->format = v->format;
    buf->itemsize = v->itemsize;
    buf->ndim = v->ndim;
    buf->readonly = v->readonly;
    return 1;
}

/* onnx_session_run(session, run_options, name_index, feed, handles, output_index, raw) -> list | None
 * feed maps names to arrays, handles (None or a dict) names to value handles. */
static PyObject* onnx_session_run(PyObject* m, PyObject* const* a, Py_ssize_t nargs) {
    if (nargs != 7) { PyErr_SetString(PyExc_TypeError, "onnx_session_run() takes 7 arguments"); return NULL; }
    PyObject *name_index = a[2], *feed = a[3], *handles = a[4];
    int raw = PyObject_IsTrue(a[6]);
    if (raw < 0) return NULL;
    if (!PyDict_Check(feed) || !PyDict_Check(name_index) || (handles != Py_None && !PyDict_Check(handles)))
        Py_RETURN_NONE;
    if (ensure_numpy() < 0) return NULL;
    aotml_arg_handle session = {0}, ro = {0};
    if (aotml_conv_handle(a[0], &session, "session") < 0) return NULL;
    if (aotml_conv_opt_handle(a[1], &ro, "run_options") < 0) { aotml_clear_handle(&session); return NULL; }
    Py_ssize_t n_in = PyDict_Size(feed) + (handles == Py_None ? 0 : PyDict_Size(handles)), n_out = 0;
    int32_t out_stack[MAX_FAST], in_index_stack[MAX_FAST];
    int32_t* out_index = NULL;
    PyObject* borrowed_stack[MAX_FAST];
    PyObject** borrowed = n_in > MAX_FAST ? PyMem_Calloc((size_t)n_in + 1, sizeof(PyObject*)) : borrowed_stack;
    Py_ssize_t n_borrowed = 0;
    if (!borrowed || int_tuple(a[5], &out_index, &n_out, out_stack) < 0) {
        if (!borrowed) PyErr_NoMemory();
        else if (borrowed != borrowed_stack) PyMem_Free(borrowed);
        aotml_clear_handle(&session);
        aotml_clear_handle(&ro);
        return NULL;
    }

    PyObject* result = NULL;
    int heap = n_in > MAX_FAST || n_out > MAX_FAST;
    Py_buffer views_stack[MAX_FAST];
    aotml_buffer bufs_stack[MAX_FAST];
    void* values_stack[MAX_FAST];
    aotml_onnx_value outs_stack[MAX_FAST];
    Py_buffer* views = heap ? PyMem_Calloc((size_t)n_in + 1, sizeof(Py_buffer)) : views_stack;
    aotml_buffer* bufs = heap ? PyMem_Calloc((size_t)n_in + 1, sizeof(aotml_buffer)) : bufs_stack;
    void** values = heap ? PyMem_Calloc((size_t)n_in + 1, sizeof(void*)) : values_stack;
    int32_t* in_index = heap ? PyMem_Calloc((size_t)n_in + 1, sizeof(int32_t)) : in_index_stack;
    aotml_onnx_value* outs = heap ? PyMem_Calloc((size_t)n_out + 1, sizeof(aotml_onnx_value)) : outs_stack;
    PyObject* refs_stack[MAX_FAST];
    int64_t dims_stack[MAX_FAST * MAX_DIMS];
    PyObject** refs = heap ? PyMem_Calloc((size_t)n_in + 1, sizeof(PyObject*)) : refs_stack;
    int64_t* dims = heap ? PyMem_Calloc(((size_t)n_in + 1) * MAX_DIMS, sizeof(int64_t)) : dims_stack;
    Py_ssize_t held = 0, i = 0, n_refs = 0;
    if (!views || !bufs || !values || !in_index || !outs || !refs || !dims) { PyErr_NoMemory(); goto done; }

    for (int pass = 0; pass < 2; pass++) {
        PyObject* d = pass == 0 ? feed : handles;
        if (d == Py_None) continue;
        Py_ssize_t pos = 0;
        PyObject *key, *value;
        while (PyDict_Next(d, &pos, &key, &value)) {
            /* a key's __eq__ may run Python code that grows the dict: more entries than counted take the other path */
            if (i >= n_in) { result = Py_NewRef(Py_None); goto done; }
            PyObject* ref = NULL;
            int r = add_input(name_index, key, value, pass, &in_index[i], &values[i], &bufs[i], views, &held, borrowed,
                              &n_borrowed, &ref, &dims[i * MAX_DIMS]);
            if (ref) refs[n_refs++] = ref;
            if (r < 0) goto done;
            if (r == 0) { result = Py_NewRef(Py_None); goto done; }
            i++;
        }
    }

    int32_t st;
    /* Arrays are wanted: take bare OrtValue* (no per-output handle) when numpy's table lets us build them directly. */
    int32_t flags = !raw && g_np_api ? AOTML_ONNX_RAW_OUTPUTS : 0;
    AOTML_CALL(st = aotml_onnx_session_run(session.h, ro.h, (int32_t)i, in_index, bufs, values, (int32_t)n_out,
                                           out_index, flags, outs);)
    if (st) { aotml_raise(st); goto done; }
    result = flags ? wrap_raw_outputs(outs, n_out) : wrap_outputs(outs, n_out, raw);
done:
    for (Py_ssize_t k = 0; k < held; k++) PyBuffer_Release(&views[k]);
    if (out_index != out_stack) PyMem_Free(out_index);
    for (Py_ssize_t k = 0; k < n_borrowed; k++) aotml_handle_release(borrowed[k]);
    for (Py_ssize_t k = 0; k < n_refs; k++) Py_DECREF(refs[k]);   /* after the releases: they read the handles */
    if (heap) {
        PyMem_Free(views); PyMem_Free(bufs); PyMem_Free(values); PyMem_Free(in_index); PyMem_Free(outs);
        PyMem_Free(refs); PyMem_Free(dims);
    }
    if (borrowed != borrowed_stack) PyMem_Free(borrowed);
    aotml_clear_handle(&session);
    aotml_clear_handle(&ro);
    return result;
}

/* onnx_binding_outputs(binding, raw) -> list of arrays (or handles when raw) */
static PyObject* onnx_binding_outputs(PyObject* m, PyObject* const* a, Py_ssize_t nargs) {
    if (nargs != 2) return aotml_nargs_error("onnx_binding_outputs", 2, nargs);
    int32_t raw;
    aotml_arg_handle b = {0};
    if (aotml_conv_bool(a[1], &raw, "raw") < 0 || aotml_conv_handle(a[0], &b, "binding") < 0) return NULL;
    int32_t count = 0;
    aotml_onnx_value* outs = NULL;
    PyObject* r = NULL;
    int32_t st = aotml_onnx_binding_outputs(b.h, NULL, 0, &count);
    if (st) { aotml_raise(st); goto done; }
    outs = PyMem_Calloc((size_t)count + 1, sizeof(aotml_onnx_value));
    if (!outs) { PyErr_NoMemory(); goto done; }
    st = aotml_onnx_binding_outputs(b.h, outs, count, &count);
    r = st ? aotml_raise(st) : wrap_outputs(outs, count, raw);
done:
    PyMem_Free(outs);
    aotml_clear_handle(&b);
    return r;
}

PyMethodDef aotml_onnx_methods[] = {
    {"onnx_session_run", (PyCFunction)(void (*)(void))onnx_session_run, METH_FASTCALL, "onnx_session_run(session, run_options, name_index, feed, handles, output_index, raw) -> list | None"},
    {"onnx_binding_outputs", (PyCFunction)(void (*)(void))onnx_binding_outputs, METH_FASTCALL, "onnx_binding_outputs(b, raw) -> list"},
    {NULL, NULL, 0, NULL},
};
