/* aotml._ext: the abi3 CPython extension over libaotml.so. Each argument and result kind is converted here, once;
 * _ext_generated.c (from tools/abi.py) strings them together for every export, and _ctypes.py mirrors each kind
 * with the same accepted types, overflow behaviour and messages. */
#include "_ext.h"
#include <stdarg.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

_Static_assert(sizeof(Py_ssize_t) == sizeof(int64_t), "aotml_buffer shapes are Py_buffer shapes");

static PyObject* g_from_status;   /* aotml._errors.from_status */
static PyTypeObject* g_native_buffer_type;
static PyTypeObject* g_handle_type;

PyObject* aotml_raise_msg(int32_t status, PyObject* message) {
    PyObject* exc = PyObject_CallFunction(g_from_status, "iO", (int)status, message);
    if (!exc) return NULL;
    PyErr_SetObject((PyObject*)Py_TYPE(exc), exc);
    Py_DECREF(exc);
    return NULL;
}

PyObject* aotml_raise(int32_t status) {
    const char* msg = NULL;
    int64_t len = 0;
    aotml_last_error(&msg, &len);
    PyObject* text = PyUnicode_DecodeUTF8(msg ? msg : "", (Py_ssize_t)len, "replace");
    if (!text) return NULL;
    aotml_raise_msg(status, text);
    Py_DECREF(text);
    return NULL;
}

static int raise_fmt(int32_t status, const char* fmt, ...) {
    va_list va;
    va_start(va, fmt);
    PyObject* msg = PyUnicode_FromFormatV(fmt, va);
    va_end(va);
    if (msg) { aotml_raise_msg(status, msg); Py_DECREF(msg); }
    return -1;
}

PyObject* aotml_nargs_error(const char* fn, int expected, Py_ssize_t given) {
    PyErr_Format(PyExc_TypeError, "%s() takes %d arguments (%zd given)", fn, expected, given);
    return NULL;
}

/* "not <type name>" for TypeErrors, as Python's own type(x).__name__. */
static int type_error(const char* what, const char* name, PyObject* o) {
    PyObject* tname = PyType_GetName(Py_TYPE(o));
    if (tname) PyErr_Format(PyExc_TypeError, "%s must be %s, not %U", name, what, tname);
    Py_XDECREF(tname);
    return -1;
}

/* ---- fork gate ----------------------------------------------------------------------------------------------------
 * A thread inside the managed runtime at fork time leaves the child's runtime waiting for it forever (a GC, a thread
 * start). So every call that drops the GIL enters the gate after dropping it and leaves before taking it back, and
 * os.register_at_fork(before=...) closes the gate and waits, GIL held, until no call is inside: calls never need the
 * GIL to leave, and entrants wait outside while it is closed, so the fork cannot be starved. */
static atomic_long g_inside;
static atomic_int g_closed;

static void nap(void) {
    struct timespec t = {0, 200000};
    nanosleep(&t, NULL);
}

void aotml_gate_enter(void) {
    for (;;) {
        atomic_fetch_add(&g_inside, 1);
        if (!atomic_load(&g_closed)) return;
        atomic_fetch_sub(&g_inside, 1);
        while (atomic_load(&g_closed)) nap();
    }
}

void aotml_gate_leave(void) { atomic_fetch_sub(&g_inside, 1); }

static PyObject* fork_before(PyObject* m, PyObject* unused) {
    atomic_store(&g_closed, 1);
    while (atomic_load(&g_inside)) nap();
    Py_RETURN_NONE;
}

static PyObject* fork_after_parent(PyObject* m, PyObject* unused) {
    atomic_store(&g_closed, 0);
    Py_RETURN_NONE;
}

static PyObject* fork_after_child(PyObject* m, PyObject* unused) {
    atomic_store(&g_inside, 0);   /* the threads that were waiting to enter do not exist here */
    atomic_store(&g_closed, 0);
    Py_RETURN_NONE;
}

/* ---- Handle -------------------------------------------------------------------------------------------------------- */
typedef struct {
    PyObject_HEAD
    void* h;            /* the engine handle; NULL once freed */
    Py_ssize_t calls;   /* calls borrowing it now (GIL-protected) */
    int closed;
} HandleObject;

static int handle_free_now(HandleObject* self) {
    void* h = self->h;
    self->h = NULL;
    int32_t st = h ? aotml_handle_free(h) : 0;
    if (st) { aotml_raise(st); return -1; }
    return 0;
}

PyObject* aotml_handle_new(void* h) {
    HandleObject* self = PyObject_New(HandleObject, g_handle_type);
    if (!self) { aotml_handle_free(h); return NULL; }
    self->h = h;
    self->calls = 0;
    self->closed = 0;
    return (PyObject*)self;
}

static int handle_check(PyObject* o, const char* name) {
    if (Py_TYPE(o) == g_handle_type) {
        if (!((HandleObject*)o)->closed) return 0;
        return raise_fmt(AOTML_ERR_INVALID_ARGUMENT, "%s was closed: its engine object is freed", name);
    }
    PyObject* tname = PyType_GetName(Py_TYPE(o));
    if (tname && PyUnicode_CompareWithASCIIString(tname, "Handle") == 0) {
        Py_DECREF(tname);
        PyErr_Format(PyExc_TypeError, "%s is a handle of another aotml backend (%R); objects made on one backend are "
                     "used on that backend", name, (PyObject*)Py_TYPE(o));
        return -1;
    }
    if (tname) PyErr_Format(PyExc_TypeError, "%s must be an aotml handle, not %U", name, tname);
    Py_XDECREF(tname);
    return -1;
}

int aotml_handle_acquire(PyObject* o, void** h, const char* name) {
    if (handle_check(o, name) < 0) return -1;
    ((HandleObject*)o)->calls++;
    *h = ((HandleObject*)o)->h;
    return 0;
}

void aotml_handle_release(PyObject* o) {
    HandleObject* self = (HandleObject*)o;
    if (--self->calls == 0 && self->closed && handle_free_now(self) < 0) PyErr_WriteUnraisable(o);
}

static PyObject* handle_close(PyObject* op, PyObject* unused) {
    HandleObject* self = (HandleObject*)op;
    if (self->closed) Py_RETURN_NONE;
    self->closed = 1;
    if (self->calls == 0 && handle_free_now(self) < 0) return NULL;
    Py_RETURN_NONE;
}

static PyObject* handle_closed(PyObject* op, void* unused) { return PyBool_FromLong(((HandleObject*)op)->closed); }

static PyObject* handle_no_copy(PyObject* op, PyObject* unused) {
    PyErr_SetString(PyExc_TypeError, "an aotml engine handle cannot be copied/pickled; copy or pickle the object "
                                     "that owns it (objects that can be rebuilt from their content pickle that way)");
    return NULL;
}

static PyObject* handle_repr(PyObject* op) {
    return PyUnicode_FromString(((HandleObject*)op)->closed ? "<aotml._ext.Handle closed>" : "<aotml._ext.Handle>");
}

static void handle_dealloc(PyObject* op) {
    HandleObject* self = (HandleObject*)op;
    if (self->h) aotml_handle_free(self->h);   /* an error here would be a bug of ours: nothing to report to */
    PyTypeObject* tp = Py_TYPE(op);
    PyObject_Free(op);
    Py_DECREF(tp);
}

static PyObject* handle_new_refused(PyTypeObject* t, PyObject* a, PyObject* k) {
    PyErr_SetString(PyExc_TypeError, "aotml handles are made by the engine only");
    return NULL;
}

static PyMethodDef handle_methods[] = {
    {"close", handle_close, METH_NOARGS, "Frees the engine object now (once; later calls do nothing)."},
    {"__copy__", handle_no_copy, METH_NOARGS, NULL},
    {"__deepcopy__", handle_no_copy, METH_O, NULL},
    {"__reduce__", handle_no_copy, METH_NOARGS, NULL},
    {"__reduce_ex__", handle_no_copy, METH_O, NULL},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef handle_getset[] = {
    {"closed", handle_closed, NULL, "True once close() was called.", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyType_Slot handle_slots[] = {
    {Py_tp_dealloc, handle_dealloc},
    {Py_tp_methods, handle_methods},
    {Py_tp_getset, handle_getset},
    {Py_tp_repr, handle_repr},
    {Py_tp_new, handle_new_refused},
    {Py_tp_doc, "The one owner of an engine object: freed once, by close() or when the last reference goes."},
    {0, NULL},
};

static PyType_Spec handle_spec = {
    .name = "aotml._ext.Handle",
    .basicsize = sizeof(HandleObject),
    .flags = Py_TPFLAGS_DEFAULT,
    .slots = handle_slots,
};

/* ---- NativeBuffer ------------------------------------------------------------------------------------------------ */
int aotml_get_buffer(PyObject* obj, Py_buffer* view, aotml_buffer* buf, const char* name) {
    if (!PyObject_CheckBuffer(obj)) {
        PyObject* tname = PyType_GetName(Py_TYPE(obj));
        if (tname)
            PyErr_Format(PyExc_TypeError, "%s must support the buffer protocol (a numpy array, array.array or "
                         "memoryview), not %U", name, tname);
        Py_XDECREF(tname);
        return -1;
    }
    if (PyObject_GetBuffer(obj, view, PyBUF_RECORDS_RO) < 0) return -1;
    buf->data = view->buf;
    buf->shape = (const int64_t*)view->shape;
    buf->strides = (const int64_t*)view->strides;
    buf->format = view->format;
    buf->itemsize = view->itemsize;
    buf->ndim = view->ndim;
    buf->readonly = view->readonly;
    return 0;
}

void aotml_release_buffer(Py_buffer* view) {
    if (view->obj) PyBuffer_Release(view);
}

typedef struct {
    PyObject_HEAD
    void* data;
    void* owner;
    int owner_kind;
    int ndim;
    Py_ssize_t itemsize;
    Py_ssize_t* shape;     /* ndim shapes then ndim strides, one allocation */
    char format[16];
} NativeBuffer;

static void release_owner(void* data, void* owner, int kind) {
    if (kind == AOTML_OWNER_FREE) aotml_free(data);
    else if (kind == AOTML_OWNER_PYOBJECT) Py_XDECREF((PyObject*)owner);
}

PyObject* aotml_native_buffer(void* data, const char* format, Py_ssize_t itemsize, int ndim, const int64_t* shape,
                              void* owner, int owner_kind) {
    NativeBuffer* self = NULL;
    if (ndim < 0 || ndim > 64 || strlen(format) >= sizeof(self->format)) {
        PyErr_SetString(PyExc_ValueError, "unsupported buffer layout");
        goto fail;
    }
    self = PyObject_New(NativeBuffer, g_native_buffer_type);
    if (!self) goto fail;
    self->shape = PyMem_Malloc(sizeof(Py_ssize_t) * (size_t)(2 * ndim + 1));
    if (!self->shape) {
        self->owner_kind = -1;
        Py_DECREF(self);
        PyErr_NoMemory();
        goto fail;
    }
    self->data = data;
    self->owner = owner;
    self->owner_kind = owner_kind;
    self->ndim = ndim;
    self->itemsize = itemsize;
    strcpy(self->format, format);
    Py_ssize_t stride = itemsize;
    for (int i = ndim - 1; i >= 0; i--) {
        self->shape[i] = (Py_ssize_t)shape[i];
        self->shape[ndim + i] = stride;
        stride *= shape[i];
    }
    return (PyObject*)self;
fail:
    release_owner(data, owner, owner_kind);
    return NULL;
}

static int nb_getbuffer(PyObject* op, Py_buffer* view, int flags) {
    NativeBuffer* self = (NativeBuffer*)op;
    Py_ssize_t len = self->itemsize;
    for (int i = 0; i < self->ndim; i++) len *= self->shape[i];
    view->obj = Py_NewRef(op);
    view->buf = self->data;
    view->len = len;
    view->readonly = 0;
    view->itemsize = self->itemsize;
    view->format = (flags & PyBUF_FORMAT) ? self->format : NULL;
    view->ndim = self->ndim;
    view->shape = (flags & PyBUF_ND) ? self->shape : NULL;
    view->strides = (flags & PyBUF_STRIDES) ? self->shape + self->ndim : NULL;
    view->suboffsets = NULL;
    view->internal = NULL;
    return 0;
}

static void nb_dealloc(PyObject* op) {
    NativeBuffer* self = (NativeBuffer*)op;
    if (self->owner_kind >= 0) release_owner(self->data, self->owner, self->owner_kind);
    PyMem_Free(self->shape);
    PyTypeObject* tp = Py_TYPE(op);
    PyObject_Free(op);
    Py_DECREF(tp);
}

static PyType_Slot nb_slots[] = {
    {Py_bf_getbuffer, nb_getbuffer},
    {Py_tp_dealloc, nb_dealloc},
    {Py_tp_doc, "Engine-owned memory exposed through the buffer protocol; freed when the last view is released."},
    {0, NULL},
};

static PyType_Spec nb_spec = {
    .name = "aotml._ext.NativeBuffer",
    .basicsize = sizeof(NativeBuffer),
    .flags = Py_TPFLAGS_DEFAULT,
    .slots = nb_slots,
};

/* ---- argument kinds ------------------------------------------------------------------------------------------------ */
int aotml_conv_handle(PyObject* o, aotml_arg_handle* a, const char* name) {
    if (aotml_handle_acquire(o, &a->h, name) < 0) return -1;
    a->obj = Py_NewRef(o);
    return 0;
}

int aotml_conv_opt_handle(PyObject* o, aotml_arg_handle* a, const char* name) {
    return o == Py_None ? 0 : aotml_conv_handle(o, a, name);
}

void aotml_clear_handle(aotml_arg_handle* a) {
    if (!a->obj) return;
    aotml_handle_release(a->obj);
    Py_CLEAR(a->obj);
}

/* The UTF-8 CPython caches for a str (never a subclass's encode()); lone surrogates become U+FFFD, as tiktoken
 * does, through a fixed copy that *owner keeps. */
static const char* text_utf8(PyObject* text, Py_ssize_t* len, PyObject** owner, const char* name) {
    if (!PyUnicode_Check(text)) { type_error("a str", name, text); return NULL; }
    const char* s = PyUnicode_AsUTF8AndSize(text, len);
    if (s) { *owner = Py_NewRef(text); return s; }
    if (!PyErr_ExceptionMatches(PyExc_UnicodeEncodeError)) return NULL;
    PyErr_Clear();
    PyObject* b = PyUnicode_AsEncodedString(text, "utf-16", "surrogatepass");
    if (!b) return NULL;
    PyObject* fixed = PyUnicode_FromEncodedObject(b, "utf-16", "replace");
    Py_DECREF(b);
    if (!fixed) return NULL;
    s = PyUnicode_AsUTF8AndSize(fixed, len);
    if (!s) { Py_DECREF(fixed); return NULL; }
    *owner = fixed;
    return s;
}

int aotml_conv_text(PyObject* o, aotml_arg_text* a, const char* name) {
    Py_ssize_t len;
    const char* s = text_utf8(o, &len, &a->owner, name);
    if (!s) return -1;
    a->p = (const uint8_t*)s;
    a->len = len;
    return 0;
}

void aotml_clear_text(aotml_arg_text* a) { Py_CLEAR(a->owner); }

/* Our own reference to every text (or its fixed copy): another thread may change the list while the GIL is dropped. */
int aotml_conv_texts(PyObject* o, aotml_arg_texts* a, const char* name) {
    if (PyUnicode_Check(o) || !PySequence_Check(o)) return type_error("a sequence of str", name, o);
    PyObject* seq = PySequence_Tuple(o);
    if (!seq) return -1;
    Py_ssize_t n = PyTuple_Size(seq);
    a->owners = PyMem_Calloc((size_t)n + 1, sizeof(PyObject*));
    a->p = PyMem_Malloc(sizeof(uint8_t*) * ((size_t)n + 1));
    a->lens = PyMem_Malloc(sizeof(int64_t) * ((size_t)n + 1));
    a->n = n;
    if (!a->owners || !a->p || !a->lens) { Py_DECREF(seq); PyErr_NoMemory(); return -1; }
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_ssize_t len;
        const char* s = text_utf8(PyTuple_GetItem(seq, i), &len, &a->owners[i], "text");
        if (!s) { Py_DECREF(seq); return -1; }
        a->p[i] = (const uint8_t*)s;
        a->lens[i] = len;
    }
    Py_DECREF(seq);
    return 0;
}

void aotml_clear_texts(aotml_arg_texts* a) {
    if (a->owners)
        for (int64_t i = 0; i < a->n; i++) Py_XDECREF(a->owners[i]);
    PyMem_Free(a->owners);
    PyMem_Free((void*)a->p);
    PyMem_Free(a->lens);
}

int aotml_conv_str(PyObject* o, aotml_arg_str* a, const char* name) {
    if (!PyUnicode_Check(o)) return type_error("a str", name, o);
    Py_ssize_t len;
    a->p = PyUnicode_AsUTF8AndSize(o, &len);
    a->len = len;
    return a->p ? 0 : -1;
}

int aotml_conv_opt_str(PyObject* o, aotml_arg_str* a, const char* name) {
    return o == Py_None ? 0 : aotml_conv_str(o, a, name);
}

int aotml_conv_bytes(PyObject* o, aotml_arg_bytes* a, const char* name) {
    if (PyUnicode_Check(o) || PyObject_GetBuffer(o, &a->view, PyBUF_SIMPLE) < 0) {
        PyErr_Clear();
        return type_error("a C-contiguous bytes-like object", name, o);
    }
    a->p = a->view.buf;
    a->len = a->view.len;
    return 0;
}

int aotml_conv_opt_bytes(PyObject* o, aotml_arg_bytes* a, const char* name) {
    return o == Py_None ? 0 : aotml_conv_bytes(o, a, name);
}

static int whole(aotml_arg_bytes* a, const char* name, int size, const char* what) {
    if (a->len % size == 0) return 0;
    PyErr_Format(PyExc_ValueError, "%s must hold whole %s values, not %zd bytes", name, what, (Py_ssize_t)a->len);
    return -1;
}

int aotml_conv_i64s(PyObject* o, aotml_arg_bytes* a, const char* name) {
    return aotml_conv_bytes(o, a, name) < 0 ? -1 : whole(a, name, 8, "int64");
}

int aotml_conv_u32s(PyObject* o, aotml_arg_bytes* a, const char* name) {
    return aotml_conv_bytes(o, a, name) < 0 ? -1 : whole(a, name, 4, "uint32");
}

void aotml_clear_bytes(aotml_arg_bytes* a) {
    if (a->view.obj) PyBuffer_Release(&a->view);
}

/* An int (bool refused: decided once, for every integer argument) in [lo, hi]; OverflowError outside. */
static int int_value(PyObject* o, long long* v, long long lo, long long hi, const char* name, const char* ctype) {
    if (PyBool_Check(o)) return type_error("an int", name, o);
    PyObject* idx = PyNumber_Index(o);
    if (!idx) return -1;
    int overflow = 0;
    *v = PyLong_AsLongLongAndOverflow(idx, &overflow);
    if (*v == -1 && PyErr_Occurred()) { Py_DECREF(idx); return -1; }
    if (overflow || *v < lo || *v > hi) {
        PyErr_Format(PyExc_OverflowError, "%s=%R does not fit in %s", name, idx, ctype);
        Py_DECREF(idx);
        return -1;
    }
    Py_DECREF(idx);
    return 0;
}

int aotml_conv_i32(PyObject* o, int32_t* v, const char* name) {
    long long x;
    if (int_value(o, &x, INT32_MIN, INT32_MAX, name, "int32") < 0) return -1;
    *v = (int32_t)x;
    return 0;
}

int aotml_conv_i64(PyObject* o, int64_t* v, const char* name) {
    long long x;
    if (int_value(o, &x, INT64_MIN, INT64_MAX, name, "int64") < 0) return -1;
    *v = x;
    return 0;
}

int aotml_conv_threads(PyObject* o, int32_t* v, const char* name) {
    long long x;
    if (int_value(o, &x, INT64_MIN, INT64_MAX, name, "int64") < 0) return -1;
    if (x < 1 || x > 1024) {
        PyErr_Format(PyExc_ValueError, "%s must be between 1 and 1024, got %lld", name, x);
        return -1;
    }
    *v = (int32_t)x;
    return 0;
}

/* None is the whole array; an int outside int32 is an out-of-bounds axis (ValueError, as numpy's AxisError). */
int aotml_conv_axis(PyObject* o, int32_t* v, const char* name) {
    if (o == Py_None) { *v = AOTML_AXIS_NONE; return 0; }
    if (PyBool_Check(o)) return type_error("an int or None", name, o);
    PyObject* idx = PyNumber_Index(o);
    if (!idx) return -1;
    int overflow = 0;
    long long x = PyLong_AsLongLongAndOverflow(idx, &overflow);
    if (x == -1 && PyErr_Occurred()) { Py_DECREF(idx); return -1; }
    if (overflow || x < -INT32_MAX || x > INT32_MAX) {
        raise_fmt(AOTML_ERR_INVALID_ARGUMENT, "%s %R is out of bounds", name, idx);
        Py_DECREF(idx);
        return -1;
    }
    Py_DECREF(idx);
    *v = (int32_t)x;
    return 0;
}

static int bad_token(PyObject* value) {
    return raise_fmt(AOTML_ERR_KEY, "Invalid token for decoding: %R", value);
}

/* A token id: an int (not bool) in [0, 2**32); other ints are unknown tokens (KeyError, as tiktoken). */
static int token_value(PyObject* o, uint32_t* v) {
    if (PyBool_Check(o)) return type_error("an int", "token", o);
    PyObject* idx = PyNumber_Index(o);
    if (!idx) return -1;
    int overflow = 0;
    long long x = PyLong_AsLongLongAndOverflow(idx, &overflow);
    Py_DECREF(idx);
    if (x == -1 && PyErr_Occurred()) return -1;
    if (overflow || x < 0 || x > 0xFFFFFFFFll) return bad_token(o);
    *v = (uint32_t)x;
    return 0;
}

int aotml_conv_token(PyObject* o, uint32_t* v, const char* name) { return token_value(o, v); }

int aotml_conv_address(PyObject* o, void** v, const char* name) {
    if (PyBool_Check(o)) return type_error("an int", name, o);
    PyObject* idx = PyNumber_Index(o);
    if (!idx) return -1;
    unsigned long long x = PyLong_AsUnsignedLongLong(idx);
    if (x == (unsigned long long)-1 && PyErr_Occurred()) {
        PyErr_Clear();
        PyErr_Format(PyExc_OverflowError, "%s=%R does not fit in uint64", name, idx);
        Py_DECREF(idx);
        return -1;
    }
    Py_DECREF(idx);
    *v = (void*)(uintptr_t)x;
    return 0;
}

int aotml_conv_f64(PyObject* o, double* v, const char* name) {
    *v = PyFloat_AsDouble(o);
    return (*v == -1.0 && PyErr_Occurred()) ? -1 : 0;
}

int aotml_conv_bool(PyObject* o, int32_t* v, const char* name) {
    int t = PyObject_IsTrue(o);
    if (t < 0) return -1;
    *v = t;
    return 0;
}

int aotml_conv_flag(PyObject* o, int32_t* v, const char* name) { return aotml_conv_bool(o, v, name); }

/* Token ids from a sequence of ints or a 1-D integer buffer (any strides); a uint32 C-contiguous one is read in place. */
int aotml_conv_ids(PyObject* o, aotml_arg_ids* a, const char* name) {
    if (PyUnicode_Check(o) || PyBytes_Check(o) || PyByteArray_Check(o))
        return type_error("a sequence of ints", name, o);
    if (PyObject_CheckBuffer(o)) {
        Py_buffer* v = &a->view;
        if (PyObject_GetBuffer(o, v, PyBUF_RECORDS_RO) < 0) return -1;
        const char* f = v->format ? v->format : "B";
        if (*f == '@' || *f == '=' || *f == '<') f++;
        char c = *f;
        int is_unsigned = c && strchr("BHILQ", c) != NULL;
        if (v->ndim != 1 || c == 0 || f[1] != 0 || !strchr("bBhHiIlLqQ", c) ||
            !(v->itemsize == 1 || v->itemsize == 2 || v->itemsize == 4 || v->itemsize == 8)) {
            if (v->ndim != 1) type_error("a sequence of ints", name, o);
            else PyErr_Format(PyExc_TypeError, "%s must be integers; got a buffer of format '%s'", name,
                              v->format ? v->format : "B");
            return -1;
        }
        Py_ssize_t n = v->shape[0], stride = v->strides ? v->strides[0] : v->itemsize;
        a->n = n;
        if (c == 'I' && v->itemsize == 4 && stride == 4) { a->p = v->buf; return 0; }
        a->owned = PyMem_Malloc(sizeof(uint32_t) * ((size_t)n + 1));
        if (!a->owned) { PyErr_NoMemory(); return -1; }
        const char* p = v->buf;
        for (Py_ssize_t i = 0; i < n; i++, p += stride) {
            long long x = 0;
            unsigned long long u = 0;
            switch (v->itemsize) {
            case 1: x = is_unsigned ? *(const uint8_t*)p : *(const int8_t*)p; break;
            case 2: x = is_unsigned ? *(const uint16_t*)p : *(const int16_t*)p; break;
            case 4: x = is_unsigned ? (long long)*(const uint32_t*)p : *(const int32_t*)p; break;
            default:
                if (is_unsigned) { memcpy(&u, p, 8); x = u > 0xFFFFFFFFull ? -1 : (long long)u; }
                else memcpy(&x, p, 8);
            }
            if (x < 0 || x > 0xFFFFFFFFll) {
                PyObject* bad = is_unsigned && v->itemsize == 8 ? PyLong_FromUnsignedLongLong(u) : PyLong_FromLongLong(x);
                if (bad) { bad_token(bad); Py_DECREF(bad); }
                return -1;
            }
            a->owned[i] = (uint32_t)x;
        }
        a->p = a->owned;
        return 0;
    }
    if (!PySequence_Check(o) && !PyIter_Check(o) && !PyObject_HasAttrString(o, "__iter__"))
        return type_error("a sequence of ints", name, o);
    PyObject* seq = PySequence_Tuple(o);
    if (!seq) return -1;
    Py_ssize_t n = PyTuple_Size(seq);
    a->n = n;
    a->owned = PyMem_Malloc(sizeof(uint32_t) * ((size_t)n + 1));
    if (!a->owned) { Py_DECREF(seq); PyErr_NoMemory(); return -1; }
    for (Py_ssize_t i = 0; i < n; i++)
        if (token_value(PyTuple_GetItem(seq, i), &a->owned[i]) < 0) { Py_DECREF(seq); return -1; }
    Py_DECREF(seq);
    a->p = a->owned;
    return 0;
}

void aotml_clear_ids(aotml_arg_ids* a) {
    PyMem_Free(a->owned);
    if (a->view.obj) PyBuffer_Release(&a->view);
}

int aotml_conv_shape(PyObject* o, aotml_arg_shape* a, const char* name) {
    if (PyUnicode_Check(o) || !PySequence_Check(o)) return type_error("a sequence of ints", name, o);
    PyObject* t = PySequence_Tuple(o);
    if (!t) return -1;
    Py_ssize_t n = PyTuple_Size(t);
    if (n > 64) { Py_DECREF(t); PyErr_Format(PyExc_ValueError, "%s has %zd dimensions; at most 64", name, n); return -1; }
    a->owned = PyMem_Malloc(sizeof(int64_t) * ((size_t)n + 1));
    if (!a->owned) { Py_DECREF(t); PyErr_NoMemory(); return -1; }
    for (Py_ssize_t i = 0; i < n; i++) {
        long long x;
        if (int_value(PyTuple_GetItem(t, i), &x, INT64_MIN, INT64_MAX, name, "int64") < 0) { Py_DECREF(t); return -1; }
        a->owned[i] = x;
    }
    Py_DECREF(t);
    a->p = a->owned;
    a->ndim = (int32_t)n;
    return 0;
}

void aotml_clear_shape(aotml_arg_shape* a) { PyMem_Free(a->owned); }

int aotml_conv_handles(PyObject* o, aotml_arg_handles* a, const char* name) {
    if (PyUnicode_Check(o) || !PySequence_Check(o)) return type_error("a sequence of handles", name, o);
    PyObject* t = PySequence_Tuple(o);
    if (!t) return -1;
    Py_ssize_t n = PyTuple_Size(t);
    a->p = PyMem_Calloc((size_t)n + 1, sizeof(void*));
    a->objs = PyMem_Calloc((size_t)n + 1, sizeof(PyObject*));
    if (!a->p || !a->objs) { Py_DECREF(t); PyErr_NoMemory(); return -1; }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject* item = PyTuple_GetItem(t, i);
        if (aotml_handle_acquire(item, &a->p[i], name) < 0) { Py_DECREF(t); return -1; }
        a->objs[i] = Py_NewRef(item);
        a->n = i + 1;
    }
    Py_DECREF(t);
    return 0;
}

void aotml_clear_handles(aotml_arg_handles* a) {
    for (int64_t i = 0; i < a->n; i++) {
        aotml_handle_release(a->objs[i]);
        Py_DECREF(a->objs[i]);
    }
    PyMem_Free(a->objs);
    PyMem_Free(a->p);
}

int aotml_conv_buffer(PyObject* o, aotml_arg_buffer* a, const char* name) {
    if (aotml_get_buffer(o, &a->view, &a->b, name) < 0) return -1;
    a->bp = &a->b;
    return 0;
}

int aotml_conv_opt_buffer(PyObject* o, aotml_arg_buffer* a, const char* name) {
    return o == Py_None ? 0 : aotml_conv_buffer(o, a, name);
}

void aotml_clear_buffer(aotml_arg_buffer* a) { aotml_release_buffer(&a->view); }

/* One uint32 per byte at most; short texts (the per-call overhead case) use the stack. */
int aotml_scratch_init(aotml_scratch_ids* s, int64_t capacity) {
    s->cap = capacity;
    s->p = capacity <= 256 ? s->small : PyMem_Malloc(sizeof(uint32_t) * (size_t)capacity);
    if (!s->p) { PyErr_NoMemory(); return -1; }
    return 0;
}

void aotml_scratch_clear(aotml_scratch_ids* s) {
    if (s->p && s->p != s->small) PyMem_Free(s->p);
}

/* ---- result kinds -------------------------------------------------------------------------------------------------- */
PyObject* aotml_res_handle(void* h) { return aotml_handle_new(h); }

PyObject* aotml_res_static_str(const char* s) { return PyUnicode_FromString(s ? s : ""); }

PyObject* aotml_res_str(char* s, int64_t len) {
    PyObject* r = PyUnicode_DecodeUTF8(s ? s : "", (Py_ssize_t)len, "replace");
    aotml_free(s);
    return r;
}

PyObject* aotml_res_bytes(uint8_t* p, int64_t len) {
    PyObject* r = PyBytes_FromStringAndSize((const char*)p, (Py_ssize_t)len);
    aotml_free(p);
    return r;
}

PyObject* aotml_res_token_bytes(const uint8_t* p, int64_t len) {
    return PyBytes_FromStringAndSize((const char*)p, (Py_ssize_t)len);
}

PyObject* aotml_res_ids(uint32_t* ids, int64_t n) { return aotml_native_buffer(ids, "I", 4, 1, &n, NULL, AOTML_OWNER_FREE); }

PyObject* aotml_res_id_list(const uint32_t* ids, int64_t n) {
    PyObject* list = PyList_New((Py_ssize_t)n);
    if (!list) return NULL;
    for (int64_t i = 0; i < n; i++) {
        PyObject* v = PyLong_FromUnsignedLong(ids[i]);
        if (!v) { Py_DECREF(list); return NULL; }
        PyList_SetItem(list, (Py_ssize_t)i, v);
    }
    return list;
}

PyObject* aotml_res_value_handle(aotml_onnx_value* v) { return aotml_handle_new(v->handle); }

PyObject* aotml_pack(int n, ...) {
    PyObject* items[8];
    int ok = n <= 8;
    va_list va;
    va_start(va, n);
    for (int i = 0; i < n; i++) {
        items[i < 8 ? i : 7] = va_arg(va, PyObject*);
        if (!items[i < 8 ? i : 7]) ok = 0;
    }
    va_end(va);
    PyObject* t = ok ? PyTuple_New(n) : NULL;
    for (int i = 0; i < n && i < 8; i++) {
        if (t) PyTuple_SetItem(t, i, items[i]);
        else Py_XDECREF(items[i]);
    }
    return t;
}

PyObject* aotml_result_ranks(uint8_t* blob, int64_t blob_len, int64_t* offsets, uint32_t* ranks, int64_t count) {
    PyObject* r = Py_BuildValue("(y#y#y#)", (const char*)blob, (Py_ssize_t)blob_len, (const char*)offsets,
                                (Py_ssize_t)(8 * (count + 1)), (const char*)ranks, (Py_ssize_t)(4 * count));
    aotml_free(blob);
    aotml_free(offsets);
    aotml_free(ranks);
    return r;
}

PyObject* aotml_result_mergeable(const uint8_t* blob, const int32_t* offsets, const uint32_t* ranks, int64_t count) {
    return Py_BuildValue("(y#y#y#)", (const char*)blob, (Py_ssize_t)offsets[count], (const char*)offsets,
                         (Py_ssize_t)(4 * (count + 1)), (const char*)ranks, (Py_ssize_t)(4 * count));
}

#define ID_TABLE 4096
typedef struct { uint32_t id; PyObject* v; } id_slot;

/* aotml_res_id_list with the int objects of a direct-mapped table of ids (one slot per id & (ID_TABLE - 1)). */
static PyObject* id_list_cached(const uint32_t* ids, int64_t n, id_slot* cache) {
    PyObject* list = PyList_New((Py_ssize_t)n);
    if (!list) return NULL;
    for (int64_t i = 0; i < n; i++) {
        id_slot* slot = &cache[ids[i] & (ID_TABLE - 1)];
        if (!slot->v || slot->id != ids[i]) {
            PyObject* v = PyLong_FromUnsignedLong(ids[i]);
            if (!v) { Py_DECREF(list); return NULL; }
            Py_XDECREF(slot->v);
            slot->v = v;
            slot->id = ids[i];
        }
        Py_INCREF(slot->v);
        PyList_SetItem(list, (Py_ssize_t)i, slot->v);
    }
    return list;
}

/* Flat: (ids buffer, offsets buffer) over the engine's memory; else one list of ids per text. */
PyObject* aotml_result_ragged(uint32_t* ids, int64_t* offsets, aotml_arg_texts* texts, int32_t flat) {
    int64_t n = texts->n;
    if (flat) {
        int64_t total = offsets[n], count = n + 1;
        PyObject* idbuf = aotml_native_buffer(ids, "I", 4, 1, &total, NULL, AOTML_OWNER_FREE);
        PyObject* offbuf = aotml_native_buffer(offsets, "q", 8, 1, &count, NULL, AOTML_OWNER_FREE);
        return aotml_pack(2, idbuf, offbuf);
    }
    PyObject* result = PyList_New((Py_ssize_t)n);
    /* Big results take their int objects from a table of the ids seen in this call (ids repeat: a few thousand
     * cover most of a corpus), so most of the list cells are filled by reference instead of by an allocation. This
     * runs on the calling thread under the GIL after the engine returns: it is what caps 2 threads (perf: a quarter
     * of a 2-thread SentencePiece batch was PyLong_FromUnsignedLong and its allocator). */
    id_slot* cache = offsets[n] >= ID_TABLE ? PyMem_Calloc(ID_TABLE, sizeof(id_slot)) : NULL;
    for (int64_t i = 0; result && i < n; i++) {
        PyObject* l = cache ? id_list_cached(ids + offsets[i], offsets[i + 1] - offsets[i], cache)
                            : aotml_res_id_list(ids + offsets[i], offsets[i + 1] - offsets[i]);
        if (!l) { Py_CLEAR(result); break; }
        PyList_SetItem(result, (Py_ssize_t)i, l);
    }
    if (cache) {
        for (int k = 0; k < ID_TABLE; k++) Py_XDECREF(cache[k].v);
        PyMem_Free(cache);
    }
    aotml_free(ids);
    aotml_free(offsets);
    return result;
}

PyObject* aotml_result_nul_list(char* s, int64_t len) {
    PyObject* joined = aotml_res_str(s, len);
    if (!joined) return NULL;
    PyObject* sep = PyUnicode_FromStringAndSize("\0", 1);
    PyObject* list = sep ? PyUnicode_Split(joined, sep, -1) : NULL;
    Py_XDECREF(sep);
    Py_DECREF(joined);
    return list;
}

PyObject* aotml_result_strings(char* utf8, int64_t* offsets, int64_t count) {
    PyObject* list = PyList_New((Py_ssize_t)count);
    for (int64_t i = 0; list && i < count; i++) {
        PyObject* s = PyUnicode_DecodeUTF8(utf8 + offsets[i], (Py_ssize_t)(offsets[i + 1] - offsets[i]),
                                           "surrogateescape");
        if (!s) { Py_CLEAR(list); break; }
        PyList_SetItem(list, (Py_ssize_t)i, s);
    }
    aotml_free(utf8);
    aotml_free(offsets);
    return list;
}

PyObject* aotml_result_bytes_list(uint8_t* blob, int64_t* offsets, int64_t count) {
    PyObject* list = PyList_New((Py_ssize_t)count);
    for (int64_t i = 0; list && i < count; i++) {
        PyObject* b = PyBytes_FromStringAndSize((const char*)blob + offsets[i], (Py_ssize_t)(offsets[i + 1] - offsets[i]));
        if (!b) { Py_CLEAR(list); break; }
        PyList_SetItem(list, (Py_ssize_t)i, b);
    }
    aotml_free(blob);
    aotml_free(offsets);
    return list;
}

/* ---- hand-written functions ---------------------------------------------------------------------------------------- */
static PyObject* ext_handle_free(PyObject* m, PyObject* arg) {
    if (Py_TYPE(arg) != g_handle_type && handle_check(arg, "handle") < 0) return NULL;
    return handle_close(arg, NULL);   /* idempotent, as close() */
}

/* Whether every str of a list has a UTF-8 form (no lone surrogate). The UTF-8 CPython makes here stays cached in the
 * str, and the encode call that follows reads that same cache: the check costs no second conversion, where a Python
 * "".join + encode of the batch was ~2.5 ms per MB on the calling thread. */
static PyObject* ext_texts_are_utf8(PyObject* m, PyObject* arg) {
    if (!PyList_Check(arg)) { PyErr_SetString(PyExc_TypeError, "texts_are_utf8 takes a list of str"); return NULL; }
    Py_ssize_t n = PyList_Size(arg);
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject* s = PyList_GetItem(arg, i);
        if (!PyUnicode_Check(s)) { PyErr_SetString(PyExc_TypeError, "texts_are_utf8 takes a list of str"); return NULL; }
        Py_ssize_t len;
        if (PyUnicode_AsUTF8AndSize(s, &len)) continue;
        if (!PyErr_ExceptionMatches(PyExc_UnicodeEncodeError)) return NULL;
        PyErr_Clear();
        Py_RETURN_FALSE;
    }
    Py_RETURN_TRUE;
}

static PyMethodDef common_methods[] = {
    {"handle_free", ext_handle_free, METH_O, "handle_free(handle): closes a handle (frees its engine object once; idempotent)."},
    {"texts_are_utf8", ext_texts_are_utf8, METH_O, "texts_are_utf8(texts): whether no str of the list holds a lone surrogate."},
    {"_fork_before", fork_before, METH_NOARGS, NULL},
    {"_fork_after_parent", fork_after_parent, METH_NOARGS, NULL},
    {"_fork_after_child", fork_after_child, METH_NOARGS, NULL},
    {NULL, NULL, 0, NULL},
};

static int register_fork_hooks(PyObject* m) {
    PyObject* os = PyImport_ImportModule("os");
    PyObject* reg = os ? PyObject_GetAttrString(os, "register_at_fork") : NULL;
    Py_XDECREF(os);
    if (!reg) return -1;
    PyObject* kw = Py_BuildValue("{s:N,s:N,s:N}", "before", PyObject_GetAttrString(m, "_fork_before"),
                                 "after_in_parent", PyObject_GetAttrString(m, "_fork_after_parent"),
                                 "after_in_child", PyObject_GetAttrString(m, "_fork_after_child"));
    PyObject* empty = PyTuple_New(0);
    PyObject* r = kw && empty ? PyObject_Call(reg, empty, kw) : NULL;
    Py_XDECREF(empty);
    Py_XDECREF(kw);
    Py_DECREF(reg);
    Py_XDECREF(r);
    return r ? 0 : -1;
}

static int ext_exec(PyObject* m) {
    PyObject* errors = PyImport_ImportModule("aotml._errors");
    if (!errors) return -1;
    g_from_status = PyObject_GetAttrString(errors, "from_status");
    Py_DECREF(errors);
    if (!g_from_status) return -1;
    g_native_buffer_type = (PyTypeObject*)PyType_FromSpec(&nb_spec);
    if (!g_native_buffer_type) return -1;
    g_handle_type = (PyTypeObject*)PyType_FromSpec(&handle_spec);
    if (!g_handle_type) return -1;
    if (PyModule_AddObjectRef(m, "NativeBuffer", (PyObject*)g_native_buffer_type) < 0) return -1;
    if (PyModule_AddObjectRef(m, "Handle", (PyObject*)g_handle_type) < 0) return -1;
    if (PyModule_AddFunctions(m, common_methods) < 0) return -1;
    if (PyModule_AddFunctions(m, aotml_generated_methods) < 0) return -1;
    if (PyModule_AddFunctions(m, aotml_onnx_methods) < 0) return -1;
    return register_fork_hooks(m);
}

static PyModuleDef_Slot ext_slots[] = {
    {Py_mod_exec, ext_exec},
    {0, NULL},
};

static struct PyModuleDef ext_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "aotml._ext",
    .m_doc = "Private CPython binding of libaotml.so; use the aotml package instead.",
    .m_size = 0,
    .m_methods = NULL,
    .m_slots = ext_slots,
};

PyMODINIT_FUNC PyInit__ext(void) { return PyModuleDef_Init(&ext_module); }
