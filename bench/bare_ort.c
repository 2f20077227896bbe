/* bare_ort: the floor for bench/inference.py. Runs a model through the ONNX Runtime C API directly, the way a C
 * program would: per call, wrap the caller's input buffer in an OrtValue (CreateTensorWithDataAsOrtValue), Run,
 * read the output's data pointer, release both values.
 *
 *   bare_ort <libonnxruntime.so.1> <model.onnx> <rows> <cols> <intra_threads> <seconds>
 *
 * Prints "<calls> <seconds> <ns per call>": the best of ten slices of <seconds>/10 after a warm-up (the best slice,
 * as the Python side reports its best batch). The input is float32[rows, cols] named "X"; the output is "Y".
 *
 * The ORT header is not vendored: the few OrtApi entries used are called through their index in the function table
 * (ORT_API_VERSION 29 order, which only ever grows at its end), with their C signatures spelled out below. */
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef void* Status;  /* OrtStatus* */
typedef struct { const void* (*GetApi)(uint32_t); const char* (*GetVersionString)(void); } ApiBase;

/* Indices in struct OrtApi. */
enum {
    I_GetErrorMessage = 2, I_CreateEnv = 3, I_CreateSessionFromArray = 8, I_Run = 9, I_CreateSessionOptions = 10,
    I_SetSessionGraphOptimizationLevel = 23, I_SetIntraOpNumThreads = 24, I_CreateTensorWithDataAsOrtValue = 49,
    I_GetTensorMutableData = 51, I_CreateCpuMemoryInfo = 69, I_ReleaseStatus = 93, I_ReleaseValue = 96,
    I_ReleaseSessionOptions = 100,
};

static void* const* api;

#define FN(index, ret, ...) ((ret(*)(__VA_ARGS__))api[index])

static void check(Status s, const char* what) {
    if (!s) return;
    fprintf(stderr, "%s: %s\n", what, FN(I_GetErrorMessage, const char*, Status)(s));
    FN(I_ReleaseStatus, void, Status)(s);
    exit(2);
}

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(int argc, char** argv) {
    if (argc != 7) {
        fprintf(stderr, "usage: %s <libonnxruntime.so.1> <model.onnx> <rows> <cols> <intra_threads> <seconds>\n", argv[0]);
        return 1;
    }
    void* lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (!lib) { fprintf(stderr, "%s\n", dlerror()); return 1; }
    const ApiBase* (*get_base)(void) = (const ApiBase* (*)(void))dlsym(lib, "OrtGetApiBase");
    api = (void* const*)get_base()->GetApi(29);
    if (!api) { fprintf(stderr, "API 29 unavailable\n"); return 1; }

    FILE* f = fopen(argv[2], "rb");
    if (!f) { perror(argv[2]); return 1; }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    char* model = malloc((size_t)size);
    if (fread(model, 1, (size_t)size, f) != (size_t)size) { perror("read"); return 1; }
    fclose(f);
    int64_t shape[2] = {atoll(argv[3]), atoll(argv[4])};
    int threads = atoi(argv[5]);
    double seconds = atof(argv[6]);

    void *env, *opts, *session, *mem;
    check(FN(I_CreateEnv, Status, int, const char*, void**)(4, "bare", &env), "CreateEnv");
    check(FN(I_CreateSessionOptions, Status, void**)(&opts), "CreateSessionOptions");
    check(FN(I_SetIntraOpNumThreads, Status, void*, int)(opts, threads), "SetIntraOpNumThreads");
    check(FN(I_SetSessionGraphOptimizationLevel, Status, void*, int)(opts, 99), "SetSessionGraphOptimizationLevel");
    check(FN(I_CreateSessionFromArray, Status, void*, const void*, size_t, void*, void**)(env, model, (size_t)size, opts,
                                                                                          &session), "CreateSession");
    FN(I_ReleaseSessionOptions, void, void*)(opts);
    check(FN(I_CreateCpuMemoryInfo, Status, int, int, void**)(0, 0, &mem), "CreateCpuMemoryInfo");

    size_t n = (size_t)(shape[0] * shape[1]);
    float* x = malloc(n * sizeof(float));
    for (size_t i = 0; i < n; i++) x[i] = (float)((i * 7919) % 1000) / 1000.0f - 0.5f;
    const char* in_names[] = {"X"};
    const char* out_names[] = {"Y"};
    volatile float sink = 0;

    long calls = 0, total = 0;
    double best = 1e30, elapsed = 0, all = 0;
    for (int slice = -1; slice < 10; slice++) {  /* slice -1 warms up */
        double limit = seconds / 10, start = now();
        calls = 0;
        do {
            for (int k = 0; k < 16; k++) {
                void* in = NULL;
                void* out = NULL;
                check(FN(I_CreateTensorWithDataAsOrtValue, Status, void*, void*, size_t, const int64_t*, size_t, int,
                         void**)(mem, x, n * sizeof(float), shape, 2, 1, &in), "CreateTensor");
                check(FN(I_Run, Status, void*, void*, const char* const*, void* const*, size_t, const char* const*,
                         size_t, void**)(session, NULL, in_names, &in, 1, out_names, 1, &out), "Run");
                float* y = NULL;
                check(FN(I_GetTensorMutableData, Status, void*, void**)(out, (void**)&y), "GetTensorMutableData");
                sink += y[0];
                FN(I_ReleaseValue, void, void*)(out);
                FN(I_ReleaseValue, void, void*)(in);
            }
            calls += 16;
            elapsed = now() - start;
        } while (elapsed < limit);
        if (slice < 0) continue;
        total += calls;
        all += elapsed;
        if (elapsed / calls < best) best = elapsed / calls;
    }
    printf("%ld %.6f %.1f\n", total, all, best * 1e9);
    return sink == 12345.0f ? 3 : 0;
}
