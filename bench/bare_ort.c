/* bare_ort: the floor for bench/inference.py. Runs a model through the ONNX Runtime C API directly, the way a C
 * program would: per call, wrap the caller's input buffer in an OrtValue (CreateTensorWithDataAsOrtValue), Run,
 * read the output's data pointer, release both values.
 *
 *   bare_ort <libonnxruntime.so> <model.onnx> <rows> <cols> <intra_threads> <seconds>
 *
 * Prints "<calls> <seconds> <ns per call>": the best of ten slices of <seconds>/10 after a warm-up (the best slice,
 * as the Python side reports its best batch). The input is float32[rows, cols] named "X"; the output is "Y".
 *
 * Compiled against the C header of the Microsoft.ML.OnnxRuntime NuGet package aotml ships ORT from (build.py passes
 * its build/native/include); the library itself is dlopen'ed from the path given, so that the program runs the very
 * file aotml loads rather than whatever a linker would find. */
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <onnxruntime_c_api.h>

static const OrtApi* api;

static void check(OrtStatus* s, const char* what) {
    if (!s) return;
    fprintf(stderr, "%s: %s\n", what, api->GetErrorMessage(s));
    api->ReleaseStatus(s);
    exit(2);
}

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(int argc, char** argv) {
    if (argc != 7) {
        fprintf(stderr, "usage: %s <libonnxruntime.so> <model.onnx> <rows> <cols> <intra_threads> <seconds>\n", argv[0]);
        return 1;
    }
    void* lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (!lib) { fprintf(stderr, "%s\n", dlerror()); return 1; }
    const OrtApiBase* (*get_base)(void) = (const OrtApiBase* (*)(void))dlsym(lib, "OrtGetApiBase");
    if (!get_base) { fprintf(stderr, "%s has no OrtGetApiBase\n", argv[1]); return 1; }
    api = get_base()->GetApi(ORT_API_VERSION);
    if (!api) { fprintf(stderr, "%s does not serve ORT_API_VERSION %d\n", argv[1], ORT_API_VERSION); return 1; }

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

    OrtEnv* env;
    OrtSessionOptions* opts;
    OrtSession* session;
    OrtMemoryInfo* mem;
    check(api->CreateEnv(ORT_LOGGING_LEVEL_FATAL, "bare", &env), "CreateEnv");
    check(api->CreateSessionOptions(&opts), "CreateSessionOptions");
    check(api->SetIntraOpNumThreads(opts, threads), "SetIntraOpNumThreads");
    check(api->SetSessionGraphOptimizationLevel(opts, ORT_ENABLE_ALL), "SetSessionGraphOptimizationLevel");
    check(api->CreateSessionFromArray(env, model, (size_t)size, opts, &session), "CreateSession");
    api->ReleaseSessionOptions(opts);
    check(api->CreateCpuMemoryInfo(OrtDeviceAllocator, OrtMemTypeDefault, &mem), "CreateCpuMemoryInfo");

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
                OrtValue* in = NULL;
                OrtValue* out = NULL;
                check(api->CreateTensorWithDataAsOrtValue(mem, x, n * sizeof(float), shape, 2,
                                                          ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT, &in), "CreateTensor");
                check(api->Run(session, NULL, in_names, (const OrtValue* const*)&in, 1, out_names, 1, &out), "Run");
                float* y = NULL;
                check(api->GetTensorMutableData(out, (void**)&y), "GetTensorMutableData");
                sink += y[0];
                api->ReleaseValue(out);
                api->ReleaseValue(in);
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
