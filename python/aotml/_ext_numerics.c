/* Normalization kernels: (x, out, ...) with both arrays read/written in place; the engine validates them. */
#include "_ext.h"

/* Converts an axis argument; None means the whole array. */
static int axis_arg(PyObject* o, int32_t* axis) {
    if (o == Py_None) { *axis = AOTML_AXIS_NONE; return 0; }
    long v = PyLong_AsLong(o);
    if (v == -1 && PyErr_Occurred()) return -1;
    if (v < -INT32_MAX || v > INT32_MAX) { PyErr_Format(PyExc_ValueError, "axis %ld is out of bounds", v); return -1; }
    *axis = (int32_t)v;
    return 0;
}

/* The shared shape of every kernel call: get the buffers, drop the GIL, call, release, map the status. */
typedef int32_t (*kernel_fn)(const aotml_buffer* x, const aotml_buffer* out, const aotml_buffer* w,
                             const aotml_buffer* b, int32_t axis, double p0, double p1);

static PyObject* run_kernel(kernel_fn fn, PyObject* x, PyObject* out, PyObject* w, PyObject* b, int32_t axis,
                            double p0, double p1) {
    Py_buffer vx = {0}, vo = {0}, vw = {0}, vb = {0};
    aotml_buffer bx, bo, bw, bb;
    PyObject* result = NULL;
    int32_t st;
    if (aotml_get_buffer(x, &vx, &bx, "x") < 0) goto done;
    if (aotml_get_buffer(out, &vo, &bo, "out") < 0) goto done;
    if (w != Py_None && aotml_get_buffer(w, &vw, &bw, "weight") < 0) goto done;
    if (b != Py_None && aotml_get_buffer(b, &vb, &bb, "bias") < 0) goto done;
    Py_BEGIN_ALLOW_THREADS
    st = fn(&bx, &bo, w == Py_None ? NULL : &bw, b == Py_None ? NULL : &bb, axis, p0, p1);
    Py_END_ALLOW_THREADS
    result = st ? aotml_raise(st) : Py_NewRef(Py_None);
done:
    aotml_release_buffer(&vx);
    aotml_release_buffer(&vo);
    aotml_release_buffer(&vw);
    aotml_release_buffer(&vb);
    return result;
}

static int32_t k_l2(const aotml_buffer* x, const aotml_buffer* o, const aotml_buffer* w, const aotml_buffer* b,
                    int32_t axis, double p0, double p1) { return aotml_l2_normalize(x, o, axis, p0); }
static int32_t k_minmax(const aotml_buffer* x, const aotml_buffer* o, const aotml_buffer* w, const aotml_buffer* b,
                        int32_t axis, double p0, double p1) { return aotml_minmax_scale(x, o, axis, p0, p1); }
static int32_t k_std(const aotml_buffer* x, const aotml_buffer* o, const aotml_buffer* w, const aotml_buffer* b,
                     int32_t axis, double p0, double p1) { return aotml_standardize(x, o, axis, p0, (int32_t)p1); }
static int32_t k_softmax(const aotml_buffer* x, const aotml_buffer* o, const aotml_buffer* w, const aotml_buffer* b,
                         int32_t axis, double p0, double p1) { return aotml_softmax(x, o, axis, (int32_t)p0); }
static int32_t k_layer_norm(const aotml_buffer* x, const aotml_buffer* o, const aotml_buffer* w,
                            const aotml_buffer* b, int32_t axis, double p0, double p1) {
    return aotml_layer_norm(x, o, w, b, p0);
}

#define CHECK_NARGS(name, n)                                                                   \
    if (nargs != (n)) {                                                                        \
        PyErr_Format(PyExc_TypeError, name "() takes %d arguments (%zd given)", (n), nargs);   \
        return NULL;                                                                           \
    }

static int double_arg(PyObject* o, double* v) {
    *v = PyFloat_AsDouble(o);
    return (*v == -1.0 && PyErr_Occurred()) ? -1 : 0;
}

static PyObject* l2_normalize(PyObject* m, PyObject* const* a, Py_ssize_t nargs) {
    CHECK_NARGS("l2_normalize", 4)
    int32_t axis; double eps;
    if (axis_arg(a[2], &axis) < 0 || double_arg(a[3], &eps) < 0) return NULL;
    return run_kernel(k_l2, a[0], a[1], Py_None, Py_None, axis, eps, 0);
}

static PyObject* minmax_scale(PyObject* m, PyObject* const* a, Py_ssize_t nargs) {
    CHECK_NARGS("minmax_scale", 5)
    int32_t axis; double lo, hi;
    if (axis_arg(a[2], &axis) < 0 || double_arg(a[3], &lo) < 0 || double_arg(a[4], &hi) < 0) return NULL;
    return run_kernel(k_minmax, a[0], a[1], Py_None, Py_None, axis, lo, hi);
}

static PyObject* standardize(PyObject* m, PyObject* const* a, Py_ssize_t nargs) {
    CHECK_NARGS("standardize", 5)
    int32_t axis; double eps;
    if (axis_arg(a[2], &axis) < 0 || double_arg(a[3], &eps) < 0) return NULL;
    long ddof = PyLong_AsLong(a[4]);
    if (ddof == -1 && PyErr_Occurred()) return NULL;
    if (ddof < INT32_MIN || ddof > INT32_MAX) { PyErr_Format(PyExc_ValueError, "ddof %ld is out of range", ddof); return NULL; }
    return run_kernel(k_std, a[0], a[1], Py_None, Py_None, axis, eps, (double)ddof);
}

static PyObject* softmax(PyObject* m, PyObject* const* a, Py_ssize_t nargs) {
    CHECK_NARGS("softmax", 4)
    int32_t axis;
    if (axis_arg(a[2], &axis) < 0) return NULL;
    int log = PyObject_IsTrue(a[3]);
    if (log < 0) return NULL;
    return run_kernel(k_softmax, a[0], a[1], Py_None, Py_None, axis, log, 0);
}

static PyObject* layer_norm(PyObject* m, PyObject* const* a, Py_ssize_t nargs) {
    CHECK_NARGS("layer_norm", 5)
    double eps;
    if (double_arg(a[4], &eps) < 0) return NULL;
    return run_kernel(k_layer_norm, a[0], a[1], a[2], a[3], 0, eps, 0);
}

PyMethodDef aotml_numerics_methods[] = {
    {"l2_normalize", (PyCFunction)(void (*)(void))l2_normalize, METH_FASTCALL, "l2_normalize(x, out, axis, eps)"},
    {"minmax_scale", (PyCFunction)(void (*)(void))minmax_scale, METH_FASTCALL, "minmax_scale(x, out, axis|None, lo, hi)"},
    {"standardize", (PyCFunction)(void (*)(void))standardize, METH_FASTCALL, "standardize(x, out, axis, eps, ddof)"},
    {"softmax", (PyCFunction)(void (*)(void))softmax, METH_FASTCALL, "softmax(x, out, axis, log)"},
    {"layer_norm", (PyCFunction)(void (*)(void))layer_norm, METH_FASTCALL, "layer_norm(x, out, weight|None, bias|None, eps)"},
    {NULL, NULL, 0, NULL},
};
