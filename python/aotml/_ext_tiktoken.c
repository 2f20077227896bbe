/* tiktoken encodings: text in as the UTF-8 CPython caches, ids out as lists or engine-owned uint32 buffers. */
#include "_ext.h"
#include <stdlib.h>
#include <string.h>

#define CHECK_NARGS(name, n)                                                                   \
    if (nargs != (n)) {                                                                        \
        PyErr_Format(PyExc_TypeError, name "() takes %d arguments (%zd given)", (n), nargs);   \
        return NULL;                                                                           \
    }

/* Raises the exception aotml._errors.from_status names for `status`, with a message of our own. */
static PyObject* raise_with(int status, PyObject* message) {
    PyObject* errors = PyImport_ImportModule("aotml._errors");
    if (!errors) return NULL;
    PyObject* exc = PyObject_CallMethod(errors, "from_status", "iO", status, message);
    Py_DECREF(errors);
    if (!exc) return NULL;
    PyErr_SetObject((PyObject*)Py_TYPE(exc), exc);
    Py_DECREF(exc);
    return NULL;
}

static PyObject* raise_bad_token(PyObject* value) {
    PyObject* msg = PyUnicode_FromFormat("Invalid token for decoding: %R", value);
    if (!msg) return NULL;
    raise_with(AOTML_ERR_KEY, msg);
    Py_DECREF(msg);
    return NULL;
}

static void* handle_arg(PyObject* o) {
    void* h = PyLong_AsVoidPtr(o);
    if (!h && !PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "null handle");
    return h;
}

/* A nullable handle (0 = none). */
static int opt_handle_arg(PyObject* o, void** h) {
    *h = PyLong_AsVoidPtr(o);
    return (*h == NULL && PyErr_Occurred()) ? -1 : 0;
}

/* The UTF-8 of a str. Lone surrogates (not encodable) become U+FFFD, as tiktoken does; *owner receives a new
 * reference to the object holding the bytes. */
static const char* text_utf8(PyObject* text, Py_ssize_t* len, PyObject** owner) {
    if (!PyUnicode_Check(text)) {
        PyObject* tname = PyType_GetName(Py_TYPE(text));
        PyErr_Format(PyExc_TypeError, "text must be a str, not %U", tname);
        Py_XDECREF(tname);
        return NULL;
    }
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

static int bytes_arg(PyObject* o, Py_buffer* view, const char* name) {
    if (PyObject_GetBuffer(o, view, PyBUF_SIMPLE) < 0) {
        PyErr_Format(PyExc_TypeError, "%s must be a bytes-like object", name);
        return -1;
    }
    return 0;
}

static PyObject* id_list(const uint32_t* ids, int64_t n) {
    PyObject* list = PyList_New((Py_ssize_t)n);
    if (!list) return NULL;
    for (int64_t i = 0; i < n; i++) {
        PyObject* v = PyLong_FromUnsignedLong(ids[i]);
        if (!v) { Py_DECREF(list); return NULL; }
        PyList_SetItem(list, (Py_ssize_t)i, v);
    }
    return list;
}

/* ---- construction ------------------------------------------------------------------------------------------ */
/* new(name, rank_blob, rank_offsets(int64), ranks(uint32), pat, special_blob, special_offsets(int64),
 *     special_ids(uint32), explicit_n_vocab) -> handle */
static PyObject* tk_new(PyObject* m, PyObject* const* a, Py_ssize_t nargs) {
    CHECK_NARGS("tiktoken_new", 9)
    Py_ssize_t name_len, pat_len;
    const char* name = PyUnicode_AsUTF8AndSize(a[0], &name_len);
    if (!name) return NULL;
    const char* pat = PyUnicode_AsUTF8AndSize(a[4], &pat_len);
    if (!pat) return NULL;
    long long nv = PyLong_AsLongLong(a[8]);
    if (nv == -1 && PyErr_Occurred()) return NULL;
    Py_buffer v[5] = {{0}};
    PyObject* result = NULL;
    const char* names[5] = {"rank_blob", "rank_offsets", "ranks", "special_blob", "special_offsets"};
    PyObject* objs[5] = {a[1], a[2], a[3], a[5], a[6]};
    Py_buffer ids = {0};
    int got = 0;
    for (; got < 5; got++)
        if (bytes_arg(objs[got], &v[got], names[got]) < 0) goto done;
    if (bytes_arg(a[7], &ids, "special_ids") < 0) goto done;
    void* h = NULL;
    int32_t st;
    Py_BEGIN_ALLOW_THREADS
    st = aotml_tiktoken_new(name, name_len, v[0].buf, v[1].buf, v[2].buf, v[2].len / 4, pat, pat_len, v[3].buf,
                            v[4].buf, ids.buf, ids.len / 4, nv, &h);
    Py_END_ALLOW_THREADS
    result = st ? aotml_raise(st) : PyLong_FromVoidPtr(h);
    PyBuffer_Release(&ids);
done:
    for (int i = 0; i < got; i++) PyBuffer_Release(&v[i]);
    return result;
}

/* new_from_file(name, path, pat, special_blob, special_offsets, special_ids, explicit_n_vocab) -> handle */
static PyObject* tk_new_from_file(PyObject* m, PyObject* const* a, Py_ssize_t nargs) {
    CHECK_NARGS("tiktoken_new_from_file", 7)
    Py_ssize_t name_len, path_len, pat_len;
    const char* name = PyUnicode_AsUTF8AndSize(a[0], &name_len);
    if (!name) return NULL;
    const char* path = PyUnicode_AsUTF8AndSize(a[1], &path_len);
    if (!path) return NULL;
    const char* pat = PyUnicode_AsUTF8AndSize(a[2], &pat_len);
    if (!pat) return NULL;
    long long nv = PyLong_AsLongLong(a[6]);
    if (nv == -1 && PyErr_Occurred()) return NULL;
    Py_buffer sb = {0}, so = {0}, si = {0};
    PyObject* result = NULL;
    if (bytes_arg(a[3], &sb, "special_blob") < 0) return NULL;
    if (bytes_arg(a[4], &so, "special_offsets") < 0) goto done1;
    if (bytes_arg(a[5], &si, "special_ids") < 0) goto done2;
    void* h = NULL;
    int32_t st;
    Py_BEGIN_ALLOW_THREADS
    st = aotml_tiktoken_new_from_file(name, name_len, path, path_len, pat, pat_len, sb.buf, so.buf, si.buf,
                                      si.len / 4, nv, &h);
    Py_END_ALLOW_THREADS
    result = st ? aotml_raise(st) : PyLong_FromVoidPtr(h);
    PyBuffer_Release(&si);
done2:
    PyBuffer_Release(&so);
done1:
    PyBuffer_Release(&sb);
    return result;
}

/* parse_ranks(data, source) -> (blob: bytes, offsets: bytes of int64, ranks: bytes of uint32) */
static PyObject* tk_parse_ranks(PyObject* m, PyObject* const* a, Py_ssize_t nargs) {
    CHECK_NARGS("tiktoken_parse_ranks", 2)
    Py_ssize_t src_len;
    const char* src = PyUnicode_AsUTF8AndSize(a[1], &src_len);
    if (!src) return NULL;
    Py_buffer data = {0};
    if (bytes_arg(a[0], &data, "data") < 0) return NULL;
    uint8_t* blob = NULL; int64_t blob_len = 0, count = 0; int64_t* offsets = NULL; uint32_t* ranks = NULL;
    int32_t st;
    Py_BEGIN_ALLOW_THREADS
    st = aotml_tiktoken_parse_ranks(data.buf, data.len, src, src_len, &blob, &blob_len, &offsets, &ranks, &count);
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&data);
    if (st) return aotml_raise(st);
    PyObject* r = Py_BuildValue("(y#y#y#)", (const char*)blob, (Py_ssize_t)blob_len, (const char*)offsets,
                                (Py_ssize_t)(8 * (count + 1)), (const char*)ranks, (Py_ssize_t)(4 * count));
    aotml_free(blob);
    aotml_free(offsets);
    aotml_free(ranks);
    return r;
}

static PyObject* tk_info(PyObject* m, PyObject* arg) {
    void* h = handle_arg(arg);
    if (!h) return NULL;
    int64_t n = 0, max = 0;
    int32_t kind = 0;
    int32_t st = aotml_tiktoken_info(h, &n, &max, &kind);
    if (st) return aotml_raise(st);
    return Py_BuildValue("(LLi)", (long long)n, (long long)max, (int)kind);
}

/* policy_new(enc, allowed_all, allowed_ids: bytes(uint32), disallow_rest, disallowed_ids: bytes(uint32)) -> handle */
static PyObject* tk_policy_new(PyObject* m, PyObject* const* a, Py_ssize_t nargs) {
    CHECK_NARGS("tiktoken_policy_new", 5)
    void* h = handle_arg(a[0]);
    if (!h) return NULL;
    int all = PyObject_IsTrue(a[1]), rest = PyObject_IsTrue(a[3]);
    if (all < 0 || rest < 0) return NULL;
    Py_buffer al = {0}, dl = {0};
    if (bytes_arg(a[2], &al, "allowed") < 0) return NULL;
    if (bytes_arg(a[4], &dl, "disallowed") < 0) { PyBuffer_Release(&al); return NULL; }
    void* p = NULL;
    int32_t st = aotml_tiktoken_policy_new(h, all, al.buf, al.len / 4, rest, dl.buf, dl.len / 4, &p);
    PyBuffer_Release(&al);
    PyBuffer_Release(&dl);
    if (st) return aotml_raise(st);
    return PyLong_FromVoidPtr(p);
}

/* ---- encoding ---------------------------------------------------------------------------------------------- */
enum { OUT_LIST = 0, OUT_BUFFER = 1, OUT_COUNT = 2 };

static PyObject* encode_common(PyObject* const* a, Py_ssize_t nargs, int mode, const char* fname) {
    if (nargs != 3) {
        PyErr_Format(PyExc_TypeError, "%s() takes 3 arguments (%zd given)", fname, nargs);
        return NULL;
    }
    void* h = handle_arg(a[0]);
    if (!h) return NULL;
    void* policy;
    if (opt_handle_arg(a[1], &policy) < 0) return NULL;
    Py_ssize_t len;
    PyObject* owner = NULL;
    const char* text = text_utf8(a[2], &len, &owner);
    if (!text) return NULL;
    PyObject* result = NULL;
    int64_t n = 0;
    int32_t st;
    if (mode == OUT_COUNT) {
        Py_BEGIN_ALLOW_THREADS
        st = aotml_tiktoken_count(h, policy, (const uint8_t*)text, len, &n);
        Py_END_ALLOW_THREADS
        result = st ? aotml_raise(st) : PyLong_FromLongLong(n);
    } else if (mode == OUT_BUFFER) {
        uint32_t* ids = NULL;
        Py_BEGIN_ALLOW_THREADS
        st = aotml_tiktoken_encode_alloc(h, policy, (const uint8_t*)text, len, &ids, &n);
        Py_END_ALLOW_THREADS
        result = st ? aotml_raise(st) : aotml_native_buffer(ids, "I", 4, 1, &n, NULL, AOTML_OWNER_FREE);
    } else {
        /* One id per byte at most; short texts (the per-call overhead case) use the stack. */
        uint32_t small[256];
        uint32_t* ids = len <= 256 ? small : malloc(sizeof(uint32_t) * (size_t)len);
        if (!ids) { Py_DECREF(owner); return PyErr_NoMemory(); }
        Py_BEGIN_ALLOW_THREADS
        st = aotml_tiktoken_encode(h, policy, (const uint8_t*)text, len, ids, len, &n);
        Py_END_ALLOW_THREADS
        result = st ? aotml_raise(st) : id_list(ids, n);
        if (ids != small) free(ids);
    }
    Py_DECREF(owner);
    return result;
}

static PyObject* tk_encode(PyObject* m, PyObject* const* a, Py_ssize_t nargs) {
    return encode_common(a, nargs, OUT_LIST, "tiktoken_encode");
}
static PyObject* tk_encode_buffer(PyObject* m, PyObject* const* a, Py_ssize_t nargs) {
    return encode_common(a, nargs, OUT_BUFFER, "tiktoken_encode_buffer");
}
static PyObject* tk_count(PyObject* m, PyObject* const* a, Py_ssize_t nargs) {
    return encode_common(a, nargs, OUT_COUNT, "tiktoken_count");
}

/* encode_batch(enc, policy, texts, num_threads, flat) -> list[list[int]] | (ids buffer, offsets buffer) */
static PyObject* tk_encode_batch(PyObject* m, PyObject* const* a, Py_ssize_t nargs) {
    CHECK_NARGS("tiktoken_encode_batch", 5)
    void* h = handle_arg(a[0]);
    if (!h) return NULL;
    void* policy;
    if (opt_handle_arg(a[1], &policy) < 0) return NULL;
    long threads = PyLong_AsLong(a[3]);
    if (threads == -1 && PyErr_Occurred()) return NULL;
    if (threads < 1 || threads > 1024) {
        PyErr_Format(PyExc_ValueError, "num_threads must be between 1 and 1024, got %ld", threads);
        return NULL;
    }
    int flat = PyObject_IsTrue(a[4]);
    if (flat < 0) return NULL;
    PyObject* seq = PySequence_Fast(a[2], "texts must be a sequence of str");
    if (!seq) return NULL;
    Py_ssize_t n = PySequence_Size(seq);
    /* Our own references to every text (or its surrogate-fixed copy): another thread may mutate the list while
     * the GIL is released, and the UTF-8 must outlive the call. */
    PyObject** owners = PyMem_Calloc((size_t)n + 1, sizeof(PyObject*));
    const uint8_t** ptrs = PyMem_Malloc(sizeof(uint8_t*) * ((size_t)n + 1));
    int64_t* lens = PyMem_Malloc(sizeof(int64_t) * ((size_t)n + 1));
    PyObject* result = NULL;
    if (!owners || !ptrs || !lens) { PyErr_NoMemory(); goto done; }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject* item = PySequence_GetItem(seq, i);
        if (!item) goto done;
        Py_ssize_t len;
        const char* s = text_utf8(item, &len, &owners[i]);
        Py_DECREF(item);
        if (!s) goto done;
        ptrs[i] = (const uint8_t*)s;
        lens[i] = len;
    }
    uint32_t* ids = NULL;
    int64_t* offsets = NULL;
    int32_t st;
    Py_BEGIN_ALLOW_THREADS
    st = aotml_tiktoken_encode_batch(h, policy, ptrs, lens, n, (int32_t)threads, &ids, &offsets);
    Py_END_ALLOW_THREADS
    if (st) { aotml_raise(st); goto done; }
    if (flat) {
        int64_t total = offsets[n], count = n + 1;
        PyObject* idbuf = aotml_native_buffer(ids, "I", 4, 1, &total, NULL, AOTML_OWNER_FREE);
        PyObject* offbuf = aotml_native_buffer(offsets, "q", 8, 1, &count, NULL, AOTML_OWNER_FREE);
        if (idbuf && offbuf) result = PyTuple_Pack(2, idbuf, offbuf);
        Py_XDECREF(idbuf);
        Py_XDECREF(offbuf);
    } else {
        result = PyList_New(n);
        for (Py_ssize_t i = 0; result && i < n; i++) {
            PyObject* l = id_list(ids + offsets[i], offsets[i + 1] - offsets[i]);
            if (!l) { Py_CLEAR(result); break; }
            PyList_SetItem(result, i, l);
        }
        aotml_free(ids);
        aotml_free(offsets);
    }
done:
    if (owners)
        for (Py_ssize_t i = 0; i < n; i++) Py_XDECREF(owners[i]);
    PyMem_Free(owners);
    PyMem_Free(ptrs);
    PyMem_Free(lens);
    Py_DECREF(seq);
    return result;
}

static PyObject* tk_encode_single_piece(PyObject* m, PyObject* const* a, Py_ssize_t nargs) {
    CHECK_NARGS("tiktoken_encode_single_piece", 2)
    void* h = handle_arg(a[0]);
    if (!h) return NULL;
    Py_buffer b = {0};
    if (bytes_arg(a[1], &b, "text_or_bytes") < 0) return NULL;
    uint32_t* ids = malloc(sizeof(uint32_t) * (size_t)(b.len + 1));
    PyObject* result = NULL;
    if (!ids) { PyBuffer_Release(&b); return PyErr_NoMemory(); }
    int64_t n = 0;
    int32_t st;
    Py_BEGIN_ALLOW_THREADS
    st = aotml_tiktoken_encode_single_piece(h, b.buf, b.len, ids, b.len, &n);
    Py_END_ALLOW_THREADS
    result = st ? aotml_raise(st) : id_list(ids, n);
    free(ids);
    PyBuffer_Release(&b);
    return result;
}

static PyObject* tk_encode_single_token(PyObject* m, PyObject* const* a, Py_ssize_t nargs) {
    CHECK_NARGS("tiktoken_encode_single_token", 2)
    void* h = handle_arg(a[0]);
    if (!h) return NULL;
    Py_buffer b = {0};
    if (bytes_arg(a[1], &b, "text_or_bytes") < 0) return NULL;
    uint32_t token = 0;
    int32_t st = aotml_tiktoken_encode_single_token(h, b.buf, b.len, &token);
    PyBuffer_Release(&b);
    if (st) return aotml_raise(st);
    return PyLong_FromUnsignedLong(token);
}

/* ---- decoding ---------------------------------------------------------------------------------------------- */
/* Token ids from a list/tuple/any sequence of ints or a 1-D integer buffer (numpy array), as uint32. Values that
 * cannot be ids raise UnknownTokenError naming them. Returns a PyMem buffer (or *view's memory when zero-copy). */
static uint32_t* token_ids(PyObject* obj, Py_ssize_t* n, Py_buffer* view, int* borrowed) {
    *borrowed = 0;
    if (!PyUnicode_Check(obj) && !PyBytes_Check(obj) && PyObject_CheckBuffer(obj)) {
        if (PyObject_GetBuffer(obj, view, PyBUF_ND | PyBUF_FORMAT) < 0) return NULL;
        const char* f = view->format ? view->format : "B";
        if (*f == '@' || *f == '=' || *f == '<') f++;
        char c = *f;
        if (view->ndim > 1 || f[0] == 0 || f[1] != 0 || !strchr("bBhHiIlLqQ", c)) {
            PyBuffer_Release(view);
            PyErr_Format(PyExc_TypeError, "tokens must be integers; got a buffer of format '%s'",
                         view->format ? view->format : "B");
            return NULL;
        }
        *n = view->itemsize ? view->len / view->itemsize : 0;
        if (c == 'I' && view->itemsize == 4) { *borrowed = 1; return (uint32_t*)view->buf; }
        uint32_t* out = PyMem_Malloc(sizeof(uint32_t) * ((size_t)*n + 1));
        if (!out) { PyBuffer_Release(view); PyErr_NoMemory(); return NULL; }
        const char* p = view->buf;
        for (Py_ssize_t i = 0; i < *n; i++) {
            long long v; int is_unsigned = strchr("BHILQ", c) != NULL;
            unsigned long long u = 0;
            switch (view->itemsize) {
                case 1: v = is_unsigned ? ((const uint8_t*)p)[i] : ((const int8_t*)p)[i]; break;
                case 2: v = is_unsigned ? ((const uint16_t*)p)[i] : ((const int16_t*)p)[i]; break;
                case 4: v = is_unsigned ? (long long)((const uint32_t*)p)[i] : ((const int32_t*)p)[i]; break;
                default:
                    if (is_unsigned) { u = ((const uint64_t*)p)[i]; v = u > 0xFFFFFFFFull ? -1 : (long long)u; }
                    else v = ((const int64_t*)p)[i];
            }
            if (v < 0 || v > 0xFFFFFFFFll) {
                PyObject* bad = is_unsigned && view->itemsize == 8 ? PyLong_FromUnsignedLongLong(u) : PyLong_FromLongLong(v);
                PyMem_Free(out);
                PyBuffer_Release(view);
                if (bad) { raise_bad_token(bad); Py_DECREF(bad); }
                return NULL;
            }
            out[i] = (uint32_t)v;
        }
        PyBuffer_Release(view);
        return out;
    }
    PyObject* seq = PySequence_Fast(obj, "tokens must be a sequence of ints");
    if (!seq) return NULL;
    *n = PySequence_Size(seq);
    uint32_t* out = PyMem_Malloc(sizeof(uint32_t) * ((size_t)*n + 1));
    if (!out) { Py_DECREF(seq); PyErr_NoMemory(); return NULL; }
    for (Py_ssize_t i = 0; i < *n; i++) {
        PyObject* item = PySequence_GetItem(seq, i);
        if (!item) goto fail;
        PyObject* idx = PyNumber_Index(item);
        if (!idx) { Py_DECREF(item); goto fail; }
        int overflow = 0;
        long long v = PyLong_AsLongLongAndOverflow(idx, &overflow);
        Py_DECREF(idx);
        if (v == -1 && PyErr_Occurred()) { Py_DECREF(item); goto fail; }
        if (overflow || v < 0 || v > 0xFFFFFFFFll) { raise_bad_token(item); Py_DECREF(item); goto fail; }
        Py_DECREF(item);
        out[i] = (uint32_t)v;
    }
    Py_DECREF(seq);
    return out;
fail:
    PyMem_Free(out);
    Py_DECREF(seq);
    return NULL;
}

static PyObject* tk_decode_bytes(PyObject* m, PyObject* const* a, Py_ssize_t nargs) {
    CHECK_NARGS("tiktoken_decode_bytes", 2)
    void* h = handle_arg(a[0]);
    if (!h) return NULL;
    Py_ssize_t n = 0;
    Py_buffer view = {0};
    int borrowed;
    uint32_t* ids = token_ids(a[1], &n, &view, &borrowed);
    if (!ids) return NULL;
    uint8_t* out = NULL;
    int64_t len = 0;
    int32_t st;
    Py_BEGIN_ALLOW_THREADS
    st = aotml_tiktoken_decode(h, ids, n, &out, &len);
    Py_END_ALLOW_THREADS
    if (borrowed) PyBuffer_Release(&view); else PyMem_Free(ids);
    if (st) return aotml_raise(st);
    PyObject* r = PyBytes_FromStringAndSize((const char*)out, (Py_ssize_t)len);
    aotml_free(out);
    return r;
}

static PyObject* tk_token_bytes(PyObject* m, PyObject* const* a, Py_ssize_t nargs) {
    CHECK_NARGS("tiktoken_token_bytes", 2)
    void* h = handle_arg(a[0]);
    if (!h) return NULL;
    PyObject* idx = PyNumber_Index(a[1]);
    if (!idx) return NULL;
    int overflow = 0;
    long long v = PyLong_AsLongLongAndOverflow(idx, &overflow);
    Py_DECREF(idx);
    if (v == -1 && PyErr_Occurred()) return NULL;
    if (overflow || v < 0 || v > 0xFFFFFFFFll) return raise_bad_token(a[1]);
    const uint8_t* b = NULL;
    int64_t len = 0;
    int32_t st = aotml_tiktoken_token_bytes(h, (uint32_t)v, &b, &len);
    if (st) return aotml_raise(st);
    return PyBytes_FromStringAndSize((const char*)b, (Py_ssize_t)len);
}

/* mergeable(enc) -> (blob: bytes, offsets: bytes of int32, ranks: bytes of uint32) */
static PyObject* tk_mergeable(PyObject* m, PyObject* arg) {
    void* h = handle_arg(arg);
    if (!h) return NULL;
    const uint8_t* blob = NULL; const int32_t* offsets = NULL; const uint32_t* ranks = NULL;
    int64_t count = 0;
    int32_t st = aotml_tiktoken_mergeable(h, &blob, &offsets, &ranks, &count);
    if (st) return aotml_raise(st);
    return Py_BuildValue("(y#y#y#)", (const char*)blob, (Py_ssize_t)offsets[count], (const char*)offsets,
                         (Py_ssize_t)(4 * (count + 1)), (const char*)ranks, (Py_ssize_t)(4 * count));
}

#define FAST(name, fn, doc) {name, (PyCFunction)(void (*)(void))fn, METH_FASTCALL, doc}

PyMethodDef aotml_tiktoken_methods[] = {
    FAST("tiktoken_new", tk_new, "tiktoken_new(name, rank_blob, rank_offsets, ranks, pat, special_blob, special_offsets, special_ids, explicit_n_vocab) -> handle"),
    FAST("tiktoken_new_from_file", tk_new_from_file, "tiktoken_new_from_file(name, path, pat, special_blob, special_offsets, special_ids, explicit_n_vocab) -> handle"),
    FAST("tiktoken_parse_ranks", tk_parse_ranks, "tiktoken_parse_ranks(data, source) -> (blob, offsets int64, ranks uint32)"),
    {"tiktoken_info", tk_info, METH_O, "tiktoken_info(enc) -> (n_mergeable, max_token_value, pattern_kind)"},
    FAST("tiktoken_policy_new", tk_policy_new, "tiktoken_policy_new(enc, allowed_all, allowed, disallow_rest, disallowed) -> handle"),
    FAST("tiktoken_encode", tk_encode, "tiktoken_encode(enc, policy|0, text) -> list[int]"),
    FAST("tiktoken_encode_buffer", tk_encode_buffer, "tiktoken_encode_buffer(enc, policy|0, text) -> uint32 buffer"),
    FAST("tiktoken_count", tk_count, "tiktoken_count(enc, policy|0, text) -> int"),
    FAST("tiktoken_encode_batch", tk_encode_batch, "tiktoken_encode_batch(enc, policy|0, texts, num_threads, flat) -> lists | (ids, offsets)"),
    FAST("tiktoken_encode_single_piece", tk_encode_single_piece, "tiktoken_encode_single_piece(enc, bytes) -> list[int]"),
    FAST("tiktoken_encode_single_token", tk_encode_single_token, "tiktoken_encode_single_token(enc, bytes) -> int"),
    FAST("tiktoken_decode_bytes", tk_decode_bytes, "tiktoken_decode_bytes(enc, tokens) -> bytes"),
    FAST("tiktoken_token_bytes", tk_token_bytes, "tiktoken_token_bytes(enc, token) -> bytes"),
    {"tiktoken_mergeable", tk_mergeable, METH_O, "tiktoken_mergeable(enc) -> (blob, offsets int32, ranks uint32)"},
    {NULL, NULL, 0, NULL},
};
