/* aotml._ext: the abi3 CPython extension over libaotml.so. Arguments are converted while the GIL is held, the GIL is
 * released for the engine call, and a failed status becomes the exception aotml._errors.from_status names. */
#include "_ext.h"
#include <string.h>

_Static_assert(sizeof(Py_ssize_t) == sizeof(int64_t), "aotml_buffer shapes are Py_buffer shapes");

static PyObject* g_from_status;   /* aotml._errors.from_status */
static PyTypeObject* g_native_buffer_type;

PyObject* aotml_raise(int32_t status) {
    const char* msg = NULL;
    int64_t len = 0;
    aotml_last_error(&msg, &len);
    PyObject* text = PyUnicode_DecodeUTF8(msg ? msg : "", (Py_ssize_t)len, "replace");
    if (!text) return NULL;
    PyObject* exc = PyObject_CallFunction(g_from_status, "iO", (int)status, text);
    Py_DECREF(text);
    if (!exc) return NULL;
    PyErr_SetObject((PyObject*)Py_TYPE(exc), exc);
    Py_DECREF(exc);
    return NULL;
}

int aotml_get_buffer(PyObject* obj, Py_buffer* view, aotml_buffer* buf, const char* name) {
    if (!PyObject_CheckBuffer(obj)) {
        PyObject* tname = PyType_GetName(Py_TYPE(obj));
        PyErr_Format(PyExc_TypeError,
                     "%s must support the buffer protocol (a numpy array, array.array or memoryview), not %U",
                     name, tname);
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

/* ---- NativeBuffer ------------------------------------------------------------------------------------------ */
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
    else if (kind == AOTML_OWNER_HANDLE) aotml_handle_free(owner);
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

/* ---- common functions ------------------------------------------------------------------------------------- */
static PyObject* ext_version(PyObject* m, PyObject* unused) {
    const char* v = NULL;
    int32_t st = aotml_version(&v);
    if (st) return aotml_raise(st);
    return PyUnicode_FromString(v);
}

static PyObject* ext_ort_version(PyObject* m, PyObject* unused) {
    const char *v = NULL, *path = NULL;
    int32_t st;
    Py_BEGIN_ALLOW_THREADS
    st = aotml_ort_version(&v, &path);  /* may dlopen ORT: seconds on a cold disk */
    Py_END_ALLOW_THREADS
    if (st) return aotml_raise(st);
    return Py_BuildValue("(ss)", v, path);
}

static PyObject* ext_handle_free(PyObject* m, PyObject* arg) {
    void* h = PyLong_AsVoidPtr(arg);
    if (!h && PyErr_Occurred()) return NULL;
    int32_t st = aotml_handle_free(h);
    if (st) return aotml_raise(st);
    Py_RETURN_NONE;
}

static PyMethodDef common_methods[] = {
    {"version", ext_version, METH_NOARGS, "version() -> str: the engine version."},
    {"ort_version", ext_ort_version, METH_NOARGS, "ort_version() -> (version, path): loads ONNX Runtime if needed."},
    {"handle_free", ext_handle_free, METH_O, "handle_free(handle): releases an engine object handle."},
    {NULL, NULL, 0, NULL},
};

static int ext_exec(PyObject* m) {
    PyObject* errors = PyImport_ImportModule("aotml._errors");
    if (!errors) return -1;
    g_from_status = PyObject_GetAttrString(errors, "from_status");
    Py_DECREF(errors);
    if (!g_from_status) return -1;
    g_native_buffer_type = (PyTypeObject*)PyType_FromSpec(&nb_spec);
    if (!g_native_buffer_type) return -1;
    if (PyModule_AddObjectRef(m, "NativeBuffer", (PyObject*)g_native_buffer_type) < 0) return -1;
    if (PyModule_AddFunctions(m, common_methods) < 0) return -1;
    if (PyModule_AddFunctions(m, aotml_numerics_methods) < 0) return -1;
    if (PyModule_AddFunctions(m, aotml_tiktoken_methods) < 0) return -1;
    if (PyModule_AddFunctions(m, aotml_onnx_methods) < 0) return -1;
    return 0;
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
