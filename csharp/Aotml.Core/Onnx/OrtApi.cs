using System.Runtime.InteropServices;

namespace Aotml.Onnx;

/// <summary>
/// The OrtApi function table of onnxruntime_c_api.h (ORT_API_VERSION 29), field for field in header order. The table
/// only grows at its end, so this prefix is valid for every library that serves version 29. Entries this binding
/// calls carry their signature (C types in the summary); the others are placeholders that keep the offsets right.
/// Unmanaged function pointers, not delegates: no marshalling stubs, nothing NativeAOT has to generate at run time.
/// The few entries on the per-run path that only touch memory (no locks, no callbacks, no waiting) skip the GC
/// transition (SuppressGCTransition): tens of nanoseconds per run.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct OrtApi
{
    public void* CreateStatus; // [0] unused
    /// <summary>[1] OrtErrorCode (const OrtStatus* status)</summary>
    public delegate* unmanaged[Cdecl, SuppressGCTransition]<nint, int> GetErrorCode;
    /// <summary>[2] const char* (const OrtStatus* status)</summary>
    public delegate* unmanaged[Cdecl, SuppressGCTransition]<nint, byte*> GetErrorMessage;
    /// <summary>[3] OrtStatus* (OrtLoggingLevel log_severity_level, const char* logid, OrtEnv** out)</summary>
    public delegate* unmanaged[Cdecl]<int, byte*, nint*, nint> CreateEnv;
    public void* CreateEnvWithCustomLogger; // [4] unused
    public void* EnableTelemetryEvents; // [5] unused
    public void* DisableTelemetryEvents; // [6] unused
    /// <summary>[7] OrtStatus* (const OrtEnv* env, const ORTCHAR_T* model_path, const OrtSessionOptions* options, OrtSession** out)</summary>
    public delegate* unmanaged[Cdecl]<nint, byte*, nint, nint*, nint> CreateSession;
    /// <summary>[8] OrtStatus* (const OrtEnv* env, const void* model_data, size_t model_data_length, const OrtSessionOptions* options, OrtSession** out)</summary>
    public delegate* unmanaged[Cdecl]<nint, void*, nuint, nint, nint*, nint> CreateSessionFromArray;
    /// <summary>[9] OrtStatus* (OrtSession* session, const OrtRunOptions* run_options, const char* const* input_names, const OrtValue* const* inputs, size_t input_len, const char* const* output_names, size_t output_names_len, OrtValue** outputs)</summary>
    public delegate* unmanaged[Cdecl]<nint, nint, byte**, nint*, nuint, byte**, nuint, nint*, nint> Run;
    /// <summary>[10] OrtStatus* (OrtSessionOptions** options)</summary>
    public delegate* unmanaged[Cdecl]<nint*, nint> CreateSessionOptions;
    /// <summary>[11] OrtStatus* (OrtSessionOptions* options, const ORTCHAR_T* optimized_model_filepath)</summary>
    public delegate* unmanaged[Cdecl]<nint, byte*, nint> SetOptimizedModelFilePath;
    /// <summary>[12] OrtStatus* (const OrtSessionOptions* in_options, OrtSessionOptions** out_options)</summary>
    public delegate* unmanaged[Cdecl]<nint, nint*, nint> CloneSessionOptions;
    /// <summary>[13] OrtStatus* (OrtSessionOptions* options, ExecutionMode execution_mode)</summary>
    public delegate* unmanaged[Cdecl]<nint, int, nint> SetSessionExecutionMode;
    /// <summary>[14] OrtStatus* (OrtSessionOptions* options, const ORTCHAR_T* profile_file_prefix)</summary>
    public delegate* unmanaged[Cdecl]<nint, byte*, nint> EnableProfiling;
    /// <summary>[15] OrtStatus* (OrtSessionOptions* options)</summary>
    public delegate* unmanaged[Cdecl]<nint, nint> DisableProfiling;
    /// <summary>[16] OrtStatus* (OrtSessionOptions* options)</summary>
    public delegate* unmanaged[Cdecl]<nint, nint> EnableMemPattern;
    /// <summary>[17] OrtStatus* (OrtSessionOptions* options)</summary>
    public delegate* unmanaged[Cdecl]<nint, nint> DisableMemPattern;
    /// <summary>[18] OrtStatus* (OrtSessionOptions* options)</summary>
    public delegate* unmanaged[Cdecl]<nint, nint> EnableCpuMemArena;
    /// <summary>[19] OrtStatus* (OrtSessionOptions* options)</summary>
    public delegate* unmanaged[Cdecl]<nint, nint> DisableCpuMemArena;
    /// <summary>[20] OrtStatus* (OrtSessionOptions* options, const char* logid)</summary>
    public delegate* unmanaged[Cdecl]<nint, byte*, nint> SetSessionLogId;
    /// <summary>[21] OrtStatus* (OrtSessionOptions* options, int session_log_verbosity_level)</summary>
    public delegate* unmanaged[Cdecl]<nint, int, nint> SetSessionLogVerbosityLevel;
    /// <summary>[22] OrtStatus* (OrtSessionOptions* options, int session_log_severity_level)</summary>
    public delegate* unmanaged[Cdecl]<nint, int, nint> SetSessionLogSeverityLevel;
    /// <summary>[23] OrtStatus* (OrtSessionOptions* options, GraphOptimizationLevel graph_optimization_level)</summary>
    public delegate* unmanaged[Cdecl]<nint, int, nint> SetSessionGraphOptimizationLevel;
    /// <summary>[24] OrtStatus* (OrtSessionOptions* options, int intra_op_num_threads)</summary>
    public delegate* unmanaged[Cdecl]<nint, int, nint> SetIntraOpNumThreads;
    /// <summary>[25] OrtStatus* (OrtSessionOptions* options, int inter_op_num_threads)</summary>
    public delegate* unmanaged[Cdecl]<nint, int, nint> SetInterOpNumThreads;
    public void* CreateCustomOpDomain; // [26] unused
    public void* CustomOpDomain_Add; // [27] unused
    public void* AddCustomOpDomain; // [28] unused
    public void* RegisterCustomOpsLibrary; // [29] unused
    /// <summary>[30] OrtStatus* (const OrtSession* session, size_t* out)</summary>
    public delegate* unmanaged[Cdecl]<nint, nuint*, nint> SessionGetInputCount;
    /// <summary>[31] OrtStatus* (const OrtSession* session, size_t* out)</summary>
    public delegate* unmanaged[Cdecl]<nint, nuint*, nint> SessionGetOutputCount;
    /// <summary>[32] OrtStatus* (const OrtSession* session, size_t* out)</summary>
    public delegate* unmanaged[Cdecl]<nint, nuint*, nint> SessionGetOverridableInitializerCount;
    /// <summary>[33] OrtStatus* (const OrtSession* session, size_t index, OrtTypeInfo** type_info)</summary>
    public delegate* unmanaged[Cdecl]<nint, nuint, nint*, nint> SessionGetInputTypeInfo;
    /// <summary>[34] OrtStatus* (const OrtSession* session, size_t index, OrtTypeInfo** type_info)</summary>
    public delegate* unmanaged[Cdecl]<nint, nuint, nint*, nint> SessionGetOutputTypeInfo;
    /// <summary>[35] OrtStatus* (const OrtSession* session, size_t index, OrtTypeInfo** type_info)</summary>
    public delegate* unmanaged[Cdecl]<nint, nuint, nint*, nint> SessionGetOverridableInitializerTypeInfo;
    /// <summary>[36] OrtStatus* (const OrtSession* session, size_t index, OrtAllocator* allocator, char** value)</summary>
    public delegate* unmanaged[Cdecl]<nint, nuint, nint, byte**, nint> SessionGetInputName;
    /// <summary>[37] OrtStatus* (const OrtSession* session, size_t index, OrtAllocator* allocator, char** value)</summary>
    public delegate* unmanaged[Cdecl]<nint, nuint, nint, byte**, nint> SessionGetOutputName;
    /// <summary>[38] OrtStatus* (const OrtSession* session, size_t index, OrtAllocator* allocator, char** value)</summary>
    public delegate* unmanaged[Cdecl]<nint, nuint, nint, byte**, nint> SessionGetOverridableInitializerName;
    /// <summary>[39] OrtStatus* (OrtRunOptions** out)</summary>
    public delegate* unmanaged[Cdecl]<nint*, nint> CreateRunOptions;
    /// <summary>[40] OrtStatus* (OrtRunOptions* options, int log_verbosity_level)</summary>
    public delegate* unmanaged[Cdecl]<nint, int, nint> RunOptionsSetRunLogVerbosityLevel;
    /// <summary>[41] OrtStatus* (OrtRunOptions* options, int log_severity_level)</summary>
    public delegate* unmanaged[Cdecl]<nint, int, nint> RunOptionsSetRunLogSeverityLevel;
    /// <summary>[42] OrtStatus* (OrtRunOptions* options, const char* run_tag)</summary>
    public delegate* unmanaged[Cdecl]<nint, byte*, nint> RunOptionsSetRunTag;
    public void* RunOptionsGetRunLogVerbosityLevel; // [43] unused
    public void* RunOptionsGetRunLogSeverityLevel; // [44] unused
    public void* RunOptionsGetRunTag; // [45] unused
    /// <summary>[46] OrtStatus* (OrtRunOptions* options)</summary>
    public delegate* unmanaged[Cdecl]<nint, nint> RunOptionsSetTerminate;
    /// <summary>[47] OrtStatus* (OrtRunOptions* options)</summary>
    public delegate* unmanaged[Cdecl]<nint, nint> RunOptionsUnsetTerminate;
    /// <summary>[48] OrtStatus* (OrtAllocator* allocator, const int64_t* shape, size_t shape_len, ONNXTensorElementDataType type, OrtValue** out)</summary>
    public delegate* unmanaged[Cdecl]<nint, long*, nuint, int, nint*, nint> CreateTensorAsOrtValue;
    /// <summary>[49] OrtStatus* (const OrtMemoryInfo* info, void* p_data, size_t p_data_len, const int64_t* shape, size_t shape_len, ONNXTensorElementDataType type, OrtValue** out)</summary>
    public delegate* unmanaged[Cdecl, SuppressGCTransition]<nint, void*, nuint, long*, nuint, int, nint*, nint> CreateTensorWithDataAsOrtValue;
    /// <summary>[50] OrtStatus* (const OrtValue* value, int* out)</summary>
    public delegate* unmanaged[Cdecl]<nint, int*, nint> IsTensor;
    /// <summary>[51] OrtStatus* (OrtValue* value, void** out)</summary>
    public delegate* unmanaged[Cdecl, SuppressGCTransition]<nint, void**, nint> GetTensorMutableData;
    /// <summary>[52] OrtStatus* (OrtValue* value, const char* const* s, size_t s_len)</summary>
    public delegate* unmanaged[Cdecl]<nint, byte**, nuint, nint> FillStringTensor;
    /// <summary>[53] OrtStatus* (const OrtValue* value, size_t* len)</summary>
    public delegate* unmanaged[Cdecl]<nint, nuint*, nint> GetStringTensorDataLength;
    /// <summary>[54] OrtStatus* (const OrtValue* value, void* s, size_t s_len, size_t* offsets, size_t offsets_len)</summary>
    public delegate* unmanaged[Cdecl]<nint, void*, nuint, nuint*, nuint, nint> GetStringTensorContent;
    /// <summary>[55] OrtStatus* (const OrtTypeInfo* type_info, const OrtTensorTypeAndShapeInfo** out)</summary>
    public delegate* unmanaged[Cdecl]<nint, nint*, nint> CastTypeInfoToTensorInfo;
    /// <summary>[56] OrtStatus* (const OrtTypeInfo* type_info, enum ONNXType* out)</summary>
    public delegate* unmanaged[Cdecl]<nint, int*, nint> GetOnnxTypeFromTypeInfo;
    public void* CreateTensorTypeAndShapeInfo; // [57] unused
    public void* SetTensorElementType; // [58] unused
    public void* SetDimensions; // [59] unused
    /// <summary>[60] OrtStatus* (const OrtTensorTypeAndShapeInfo* info, enum ONNXTensorElementDataType* out)</summary>
    public delegate* unmanaged[Cdecl]<nint, int*, nint> GetTensorElementType;
    /// <summary>[61] OrtStatus* (const OrtTensorTypeAndShapeInfo* info, size_t* out)</summary>
    public delegate* unmanaged[Cdecl]<nint, nuint*, nint> GetDimensionsCount;
    /// <summary>[62] OrtStatus* (const OrtTensorTypeAndShapeInfo* info, int64_t* dim_values, size_t dim_values_length)</summary>
    public delegate* unmanaged[Cdecl]<nint, long*, nuint, nint> GetDimensions;
    /// <summary>[63] OrtStatus* (const OrtTensorTypeAndShapeInfo* info, const char* dim_params[], size_t dim_params_length)</summary>
    public delegate* unmanaged[Cdecl]<nint, byte**, nuint, nint> GetSymbolicDimensions;
    /// <summary>[64] OrtStatus* (const OrtTensorTypeAndShapeInfo* info, size_t* out)</summary>
    public delegate* unmanaged[Cdecl]<nint, nuint*, nint> GetTensorShapeElementCount;
    /// <summary>[65] OrtStatus* (const OrtValue* value, OrtTensorTypeAndShapeInfo** out)</summary>
    public delegate* unmanaged[Cdecl]<nint, nint*, nint> GetTensorTypeAndShape;
    /// <summary>[66] OrtStatus* (const OrtValue* value, OrtTypeInfo** out)</summary>
    public delegate* unmanaged[Cdecl]<nint, nint*, nint> GetTypeInfo;
    /// <summary>[67] OrtStatus* (const OrtValue* value, enum ONNXType* out)</summary>
    public delegate* unmanaged[Cdecl]<nint, int*, nint> GetValueType;
    public void* CreateMemoryInfo; // [68] unused
    /// <summary>[69] OrtStatus* (enum OrtAllocatorType type, enum OrtMemType mem_type, OrtMemoryInfo** out)</summary>
    public delegate* unmanaged[Cdecl]<int, int, nint*, nint> CreateCpuMemoryInfo;
    public void* CompareMemoryInfo; // [70] unused
    public void* MemoryInfoGetName; // [71] unused
    public void* MemoryInfoGetId; // [72] unused
    public void* MemoryInfoGetMemType; // [73] unused
    public void* MemoryInfoGetType; // [74] unused
    /// <summary>[75] OrtStatus* (OrtAllocator* ort_allocator, size_t size, void** out)</summary>
    public delegate* unmanaged[Cdecl]<nint, nuint, void**, nint> AllocatorAlloc;
    /// <summary>[76] OrtStatus* (OrtAllocator* ort_allocator, void* p)</summary>
    public delegate* unmanaged[Cdecl]<nint, void*, nint> AllocatorFree;
    public void* AllocatorGetInfo; // [77] unused
    /// <summary>[78] OrtStatus* (OrtAllocator** out)</summary>
    public delegate* unmanaged[Cdecl]<nint*, nint> GetAllocatorWithDefaultOptions;
    /// <summary>[79] OrtStatus* (OrtSessionOptions* options, const char* dim_denotation, int64_t dim_value)</summary>
    public delegate* unmanaged[Cdecl]<nint, byte*, long, nint> AddFreeDimensionOverride;
    /// <summary>[80] OrtStatus* (const OrtValue* value, int index, OrtAllocator* allocator, OrtValue** out)</summary>
    public delegate* unmanaged[Cdecl]<nint, int, nint, nint*, nint> GetValue;
    /// <summary>[81] OrtStatus* (const OrtValue* value, size_t* out)</summary>
    public delegate* unmanaged[Cdecl]<nint, nuint*, nint> GetValueCount;
    /// <summary>[82] OrtStatus* (const OrtValue* const* in, size_t num_values, enum ONNXType value_type, OrtValue** out)</summary>
    public delegate* unmanaged[Cdecl]<nint*, nuint, int, nint*, nint> CreateValue;
    public void* CreateOpaqueValue; // [83] unused
    public void* GetOpaqueValue; // [84] unused
    public void* KernelInfoGetAttribute_float; // [85] unused
    public void* KernelInfoGetAttribute_int64; // [86] unused
    public void* KernelInfoGetAttribute_string; // [87] unused
    public void* KernelContext_GetInputCount; // [88] unused
    public void* KernelContext_GetOutputCount; // [89] unused
    public void* KernelContext_GetInput; // [90] unused
    public void* KernelContext_GetOutput; // [91] unused
    /// <summary>[92] void (OrtEnv* input)</summary>
    public delegate* unmanaged[Cdecl]<nint, void> ReleaseEnv;
    /// <summary>[93] void (OrtStatus* input)</summary>
    public delegate* unmanaged[Cdecl, SuppressGCTransition]<nint, void> ReleaseStatus;
    /// <summary>[94] void (OrtMemoryInfo* input)</summary>
    public delegate* unmanaged[Cdecl]<nint, void> ReleaseMemoryInfo;
    /// <summary>[95] void (OrtSession* input)</summary>
    public delegate* unmanaged[Cdecl]<nint, void> ReleaseSession;
    /// <summary>[96] void (OrtValue* input)</summary>
    public delegate* unmanaged[Cdecl, SuppressGCTransition]<nint, void> ReleaseValue;
    /// <summary>[97] void (OrtRunOptions* input)</summary>
    public delegate* unmanaged[Cdecl]<nint, void> ReleaseRunOptions;
    /// <summary>[98] void (OrtTypeInfo* input)</summary>
    public delegate* unmanaged[Cdecl]<nint, void> ReleaseTypeInfo;
    /// <summary>[99] void (OrtTensorTypeAndShapeInfo* input)</summary>
    public delegate* unmanaged[Cdecl]<nint, void> ReleaseTensorTypeAndShapeInfo;
    /// <summary>[100] void (OrtSessionOptions* input)</summary>
    public delegate* unmanaged[Cdecl]<nint, void> ReleaseSessionOptions;
    public void* ReleaseCustomOpDomain; // [101] unused
    public void* GetDenotationFromTypeInfo; // [102] unused
    /// <summary>[103] OrtStatus* (const OrtTypeInfo* type_info, const OrtMapTypeInfo** out)</summary>
    public delegate* unmanaged[Cdecl]<nint, nint*, nint> CastTypeInfoToMapTypeInfo;
    /// <summary>[104] OrtStatus* (const OrtTypeInfo* type_info, const OrtSequenceTypeInfo** out)</summary>
    public delegate* unmanaged[Cdecl]<nint, nint*, nint> CastTypeInfoToSequenceTypeInfo;
    /// <summary>[105] OrtStatus* (const OrtMapTypeInfo* map_type_info, enum ONNXTensorElementDataType* out)</summary>
    public delegate* unmanaged[Cdecl]<nint, int*, nint> GetMapKeyType;
    /// <summary>[106] OrtStatus* (const OrtMapTypeInfo* map_type_info, OrtTypeInfo** type_info)</summary>
    public delegate* unmanaged[Cdecl]<nint, nint*, nint> GetMapValueType;
    /// <summary>[107] OrtStatus* (const OrtSequenceTypeInfo* sequence_type_info, OrtTypeInfo** type_info)</summary>
    public delegate* unmanaged[Cdecl]<nint, nint*, nint> GetSequenceElementType;
    /// <summary>[108] void (OrtMapTypeInfo* input)</summary>
    public delegate* unmanaged[Cdecl]<nint, void> ReleaseMapTypeInfo;
    /// <summary>[109] void (OrtSequenceTypeInfo* input)</summary>
    public delegate* unmanaged[Cdecl]<nint, void> ReleaseSequenceTypeInfo;
    /// <summary>[110] OrtStatus* (OrtSession* session, OrtAllocator* allocator, char** out)</summary>
    public delegate* unmanaged[Cdecl]<nint, nint, byte**, nint> SessionEndProfiling;
    /// <summary>[111] OrtStatus* (const OrtSession* session, OrtModelMetadata** out)</summary>
    public delegate* unmanaged[Cdecl]<nint, nint*, nint> SessionGetModelMetadata;
    /// <summary>[112] OrtStatus* (const OrtModelMetadata* model_metadata, OrtAllocator* allocator, char** value)</summary>
    public delegate* unmanaged[Cdecl]<nint, nint, byte**, nint> ModelMetadataGetProducerName;
    /// <summary>[113] OrtStatus* (const OrtModelMetadata* model_metadata, OrtAllocator* allocator, char** value)</summary>
    public delegate* unmanaged[Cdecl]<nint, nint, byte**, nint> ModelMetadataGetGraphName;
    /// <summary>[114] OrtStatus* (const OrtModelMetadata* model_metadata, OrtAllocator* allocator, char** value)</summary>
    public delegate* unmanaged[Cdecl]<nint, nint, byte**, nint> ModelMetadataGetDomain;
    /// <summary>[115] OrtStatus* (const OrtModelMetadata* model_metadata, OrtAllocator* allocator, char** value)</summary>
    public delegate* unmanaged[Cdecl]<nint, nint, byte**, nint> ModelMetadataGetDescription;
    /// <summary>[116] OrtStatus* (const OrtModelMetadata* model_metadata, OrtAllocator* allocator, const char* key, char** value)</summary>
    public delegate* unmanaged[Cdecl]<nint, nint, byte*, byte**, nint> ModelMetadataLookupCustomMetadataMap;
    /// <summary>[117] OrtStatus* (const OrtModelMetadata* model_metadata, int64_t* value)</summary>
    public delegate* unmanaged[Cdecl]<nint, long*, nint> ModelMetadataGetVersion;
    /// <summary>[118] void (OrtModelMetadata* input)</summary>
    public delegate* unmanaged[Cdecl]<nint, void> ReleaseModelMetadata;
    public void* CreateEnvWithGlobalThreadPools; // [119] unused
    /// <summary>[120] OrtStatus* (OrtSessionOptions* options)</summary>
    public delegate* unmanaged[Cdecl]<nint, nint> DisablePerSessionThreads;
    public void* CreateThreadingOptions; // [121] unused
    public void* ReleaseThreadingOptions; // [122] unused
    /// <summary>[123] OrtStatus* (const OrtModelMetadata* model_metadata, OrtAllocator* allocator, char*** keys, int64_t* num_keys)</summary>
    public delegate* unmanaged[Cdecl]<nint, nint, byte***, long*, nint> ModelMetadataGetCustomMetadataMapKeys;
    /// <summary>[124] OrtStatus* (OrtSessionOptions* options, const char* dim_name, int64_t dim_value)</summary>
    public delegate* unmanaged[Cdecl]<nint, byte*, long, nint> AddFreeDimensionOverrideByName;
    /// <summary>[125] OrtStatus* (char*** out_ptr, int* provider_length)</summary>
    public delegate* unmanaged[Cdecl]<byte***, int*, nint> GetAvailableProviders;
    /// <summary>[126] OrtStatus* (char** ptr, int providers_length)</summary>
    public delegate* unmanaged[Cdecl]<byte**, int, nint> ReleaseAvailableProviders;
    /// <summary>[127] OrtStatus* (const OrtValue* value, size_t index, size_t* out)</summary>
    public delegate* unmanaged[Cdecl]<nint, nuint, nuint*, nint> GetStringTensorElementLength;
    /// <summary>[128] OrtStatus* (const OrtValue* value, size_t s_len, size_t index, void* s)</summary>
    public delegate* unmanaged[Cdecl]<nint, nuint, nuint, void*, nint> GetStringTensorElement;
    public void* FillStringTensorElement; // [129] unused
    /// <summary>[130] OrtStatus* (OrtSessionOptions* options, const char* config_key, const char* config_value)</summary>
    public delegate* unmanaged[Cdecl]<nint, byte*, byte*, nint> AddSessionConfigEntry;
    public void* CreateAllocator; // [131] unused
    /// <summary>[132] void (OrtAllocator* input)</summary>
    public delegate* unmanaged[Cdecl]<nint, void> ReleaseAllocator;
    /// <summary>[133] OrtStatus* (OrtSession* session, const OrtRunOptions* run_options, const OrtIoBinding* binding_ptr)</summary>
    public delegate* unmanaged[Cdecl]<nint, nint, nint, nint> RunWithBinding;
    /// <summary>[134] OrtStatus* (OrtSession* session, OrtIoBinding** out)</summary>
    public delegate* unmanaged[Cdecl]<nint, nint*, nint> CreateIoBinding;
    /// <summary>[135] void (OrtIoBinding* input)</summary>
    public delegate* unmanaged[Cdecl]<nint, void> ReleaseIoBinding;
    /// <summary>[136] OrtStatus* (OrtIoBinding* binding_ptr, const char* name, const OrtValue* val_ptr)</summary>
    public delegate* unmanaged[Cdecl]<nint, byte*, nint, nint> BindInput;
    /// <summary>[137] OrtStatus* (OrtIoBinding* binding_ptr, const char* name, const OrtValue* val_ptr)</summary>
    public delegate* unmanaged[Cdecl]<nint, byte*, nint, nint> BindOutput;
    /// <summary>[138] OrtStatus* (OrtIoBinding* binding_ptr, const char* name, const OrtMemoryInfo* mem_info_ptr)</summary>
    public delegate* unmanaged[Cdecl]<nint, byte*, nint, nint> BindOutputToDevice;
    /// <summary>[139] OrtStatus* (const OrtIoBinding* binding_ptr, OrtAllocator* allocator, char** buffer, size_t** lengths, size_t* count)</summary>
    public delegate* unmanaged[Cdecl]<nint, nint, byte**, nuint**, nuint*, nint> GetBoundOutputNames;
    /// <summary>[140] OrtStatus* (const OrtIoBinding* binding_ptr, OrtAllocator* allocator, OrtValue*** output, size_t* output_count)</summary>
    public delegate* unmanaged[Cdecl]<nint, nint, nint**, nuint*, nint> GetBoundOutputValues;
    /// <summary>[141] void (OrtIoBinding* binding_ptr)</summary>
    public delegate* unmanaged[Cdecl]<nint, void> ClearBoundInputs;
    /// <summary>[142] void (OrtIoBinding* binding_ptr)</summary>
    public delegate* unmanaged[Cdecl]<nint, void> ClearBoundOutputs;
    public void* TensorAt; // [143] unused
    public void* CreateAndRegisterAllocator; // [144] unused
    public void* SetLanguageProjection; // [145] unused
    /// <summary>[146] OrtStatus* (const OrtSession* session, uint64_t* out)</summary>
    public delegate* unmanaged[Cdecl]<nint, ulong*, nint> SessionGetProfilingStartTimeNs;
    public void* SetGlobalIntraOpNumThreads; // [147] unused
    public void* SetGlobalInterOpNumThreads; // [148] unused
    public void* SetGlobalSpinControl; // [149] unused
    /// <summary>[150] OrtStatus* (OrtSessionOptions* options, const char* name, const OrtValue* val)</summary>
    public delegate* unmanaged[Cdecl]<nint, byte*, nint, nint> AddInitializer;
    public void* CreateEnvWithCustomLoggerAndGlobalThreadPools; // [151] unused
    public void* SessionOptionsAppendExecutionProvider_CUDA; // [152] unused
    public void* SessionOptionsAppendExecutionProvider_ROCM; // [153] unused
    public void* SessionOptionsAppendExecutionProvider_OpenVINO; // [154] unused
    public void* SetGlobalDenormalAsZero; // [155] unused
    public void* CreateArenaCfg; // [156] unused
    public void* ReleaseArenaCfg; // [157] unused
    /// <summary>[158] OrtStatus* (const OrtModelMetadata* model_metadata, OrtAllocator* allocator, char** value)</summary>
    public delegate* unmanaged[Cdecl]<nint, nint, byte**, nint> ModelMetadataGetGraphDescription;
    public void* SessionOptionsAppendExecutionProvider_TensorRT; // [159] unused
    public void* SetCurrentGpuDeviceId; // [160] unused
    public void* GetCurrentGpuDeviceId; // [161] unused
    public void* KernelInfoGetAttributeArray_float; // [162] unused
    public void* KernelInfoGetAttributeArray_int64; // [163] unused
    public void* CreateArenaCfgV2; // [164] unused
    /// <summary>[165] OrtStatus* (OrtRunOptions* options, const char* config_key, const char* config_value)</summary>
    public delegate* unmanaged[Cdecl]<nint, byte*, byte*, nint> AddRunConfigEntry;
    public void* CreatePrepackedWeightsContainer; // [166] unused
    public void* ReleasePrepackedWeightsContainer; // [167] unused
    public void* CreateSessionWithPrepackedWeightsContainer; // [168] unused
    public void* CreateSessionFromArrayWithPrepackedWeightsContainer; // [169] unused
    /// <summary>[170] OrtStatus* (OrtSessionOptions* options, const OrtTensorRTProviderOptionsV2* tensorrt_options)</summary>
    public delegate* unmanaged[Cdecl]<nint, nint, nint> SessionOptionsAppendExecutionProvider_TensorRT_V2;
    /// <summary>[171] OrtStatus* (OrtTensorRTProviderOptionsV2** out)</summary>
    public delegate* unmanaged[Cdecl]<nint*, nint> CreateTensorRTProviderOptions;
    /// <summary>[172] OrtStatus* (OrtTensorRTProviderOptionsV2* tensorrt_options, const char* const* provider_options_keys, const char* const* provider_options_values, size_t num_keys)</summary>
    public delegate* unmanaged[Cdecl]<nint, byte**, byte**, nuint, nint> UpdateTensorRTProviderOptions;
    public void* GetTensorRTProviderOptionsAsString; // [173] unused
    /// <summary>[174] void (OrtTensorRTProviderOptionsV2* input)</summary>
    public delegate* unmanaged[Cdecl]<nint, void> ReleaseTensorRTProviderOptions;
    public void* EnableOrtCustomOps; // [175] unused
    public void* RegisterAllocator; // [176] unused
    public void* UnregisterAllocator; // [177] unused
    public void* IsSparseTensor; // [178] unused
    public void* CreateSparseTensorAsOrtValue; // [179] unused
    public void* FillSparseTensorCoo; // [180] unused
    public void* FillSparseTensorCsr; // [181] unused
    public void* FillSparseTensorBlockSparse; // [182] unused
    public void* CreateSparseTensorWithValuesAsOrtValue; // [183] unused
    public void* UseCooIndices; // [184] unused
    public void* UseCsrIndices; // [185] unused
    public void* UseBlockSparseIndices; // [186] unused
    public void* GetSparseTensorFormat; // [187] unused
    public void* GetSparseTensorValuesTypeAndShape; // [188] unused
    public void* GetSparseTensorValues; // [189] unused
    public void* GetSparseTensorIndicesTypeShape; // [190] unused
    public void* GetSparseTensorIndices; // [191] unused
    /// <summary>[192] OrtStatus* (const OrtValue* value, int* out)</summary>
    public delegate* unmanaged[Cdecl, SuppressGCTransition]<nint, int*, nint> HasValue;
    public void* KernelContext_GetGPUComputeStream; // [193] unused
    public void* GetTensorMemoryInfo; // [194] unused
    public void* GetExecutionProviderApi; // [195] unused
    public void* SessionOptionsSetCustomCreateThreadFn; // [196] unused
    public void* SessionOptionsSetCustomThreadCreationOptions; // [197] unused
    public void* SessionOptionsSetCustomJoinThreadFn; // [198] unused
    public void* SetGlobalCustomCreateThreadFn; // [199] unused
    public void* SetGlobalCustomThreadCreationOptions; // [200] unused
    public void* SetGlobalCustomJoinThreadFn; // [201] unused
    public void* SynchronizeBoundInputs; // [202] unused
    public void* SynchronizeBoundOutputs; // [203] unused
    /// <summary>[204] OrtStatus* (OrtSessionOptions* options, const OrtCUDAProviderOptionsV2* cuda_options)</summary>
    public delegate* unmanaged[Cdecl]<nint, nint, nint> SessionOptionsAppendExecutionProvider_CUDA_V2;
    /// <summary>[205] OrtStatus* (OrtCUDAProviderOptionsV2** out)</summary>
    public delegate* unmanaged[Cdecl]<nint*, nint> CreateCUDAProviderOptions;
    /// <summary>[206] OrtStatus* (OrtCUDAProviderOptionsV2* cuda_options, const char* const* provider_options_keys, const char* const* provider_options_values, size_t num_keys)</summary>
    public delegate* unmanaged[Cdecl]<nint, byte**, byte**, nuint, nint> UpdateCUDAProviderOptions;
    public void* GetCUDAProviderOptionsAsString; // [207] unused
    /// <summary>[208] void (OrtCUDAProviderOptionsV2* input)</summary>
    public delegate* unmanaged[Cdecl]<nint, void> ReleaseCUDAProviderOptions;
    public void* SessionOptionsAppendExecutionProvider_MIGraphX; // [209] unused
    public void* AddExternalInitializers; // [210] unused
    public void* CreateOpAttr; // [211] unused
    public void* ReleaseOpAttr; // [212] unused
    public void* CreateOp; // [213] unused
    public void* InvokeOp; // [214] unused
    public void* ReleaseOp; // [215] unused
    /// <summary>[216] OrtStatus* (OrtSessionOptions* options, const char* provider_name, const char* const* provider_options_keys, const char* const* provider_options_values, size_t num_keys)</summary>
    public delegate* unmanaged[Cdecl]<nint, byte*, byte**, byte**, nuint, nint> SessionOptionsAppendExecutionProvider;
    public void* CopyKernelInfo; // [217] unused
    public void* ReleaseKernelInfo; // [218] unused
    public void* GetTrainingApi; // [219] unused
    public void* SessionOptionsAppendExecutionProvider_CANN; // [220] unused
    public void* CreateCANNProviderOptions; // [221] unused
    public void* UpdateCANNProviderOptions; // [222] unused
    public void* GetCANNProviderOptionsAsString; // [223] unused
    public void* ReleaseCANNProviderOptions; // [224] unused
    public void* MemoryInfoGetDeviceType; // [225] unused
    /// <summary>[226] OrtStatus* (OrtEnv* ort_env, OrtLoggingLevel log_severity_level)</summary>
    public delegate* unmanaged[Cdecl]<nint, int, nint> UpdateEnvWithCustomLogLevel;
    public void* SetGlobalIntraOpThreadAffinity; // [227] unused
    /// <summary>[228] OrtStatus* (OrtSessionOptions* options, const ORTCHAR_T* library_name)</summary>
    public delegate* unmanaged[Cdecl]<nint, byte*, nint> RegisterCustomOpsLibrary_V2;
    public void* RegisterCustomOpsUsingFunction; // [229] unused
    public void* KernelInfo_GetInputCount; // [230] unused
    public void* KernelInfo_GetOutputCount; // [231] unused
    public void* KernelInfo_GetInputName; // [232] unused
    public void* KernelInfo_GetOutputName; // [233] unused
    public void* KernelInfo_GetInputTypeInfo; // [234] unused
    public void* KernelInfo_GetOutputTypeInfo; // [235] unused
    public void* KernelInfoGetAttribute_tensor; // [236] unused
    public void* HasSessionConfigEntry; // [237] unused
    public void* GetSessionConfigEntry; // [238] unused
    public void* SessionOptionsAppendExecutionProvider_Dnnl; // [239] unused
    public void* CreateDnnlProviderOptions; // [240] unused
    public void* UpdateDnnlProviderOptions; // [241] unused
    public void* GetDnnlProviderOptionsAsString; // [242] unused
    public void* ReleaseDnnlProviderOptions; // [243] unused
    public void* KernelInfo_GetNodeName; // [244] unused
    public void* KernelInfo_GetLogger; // [245] unused
    public void* KernelContext_GetLogger; // [246] unused
    public void* Logger_LogMessage; // [247] unused
    public void* Logger_GetLoggingSeverityLevel; // [248] unused
    public void* KernelInfoGetConstantInput_tensor; // [249] unused
    /// <summary>[250] OrtStatus* (const OrtTypeInfo* type_info, const OrtOptionalTypeInfo** out)</summary>
    public delegate* unmanaged[Cdecl]<nint, nint*, nint> CastTypeInfoToOptionalTypeInfo;
    /// <summary>[251] OrtStatus* (const OrtOptionalTypeInfo* optional_type_info, OrtTypeInfo** out)</summary>
    public delegate* unmanaged[Cdecl]<nint, nint*, nint> GetOptionalContainedTypeInfo;
    /// <summary>[252] OrtStatus* (OrtValue* value, size_t index, size_t length_in_bytes, char** buffer)</summary>
    public delegate* unmanaged[Cdecl]<nint, nuint, nuint, byte**, nint> GetResizedStringTensorElementBuffer;
    public void* KernelContext_GetAllocator; // [253] unused
    /// <summary>[254] const char* (void)</summary>
    public delegate* unmanaged[Cdecl]<byte*> GetBuildInfoString;
    public void* CreateROCMProviderOptions; // [255] unused
    public void* UpdateROCMProviderOptions; // [256] unused
    public void* GetROCMProviderOptionsAsString; // [257] unused
    public void* ReleaseROCMProviderOptions; // [258] unused
    public void* CreateAndRegisterAllocatorV2; // [259] unused
    public void* RunAsync; // [260] unused
    public void* UpdateTensorRTProviderOptionsWithValue; // [261] unused
    public void* GetTensorRTProviderOptionsByName; // [262] unused
    public void* UpdateCUDAProviderOptionsWithValue; // [263] unused
    public void* GetCUDAProviderOptionsByName; // [264] unused
    public void* KernelContext_GetResource; // [265] unused
    public void* SetUserLoggingFunction; // [266] unused
    public void* ShapeInferContext_GetInputCount; // [267] unused
    public void* ShapeInferContext_GetInputTypeShape; // [268] unused
    public void* ShapeInferContext_GetAttribute; // [269] unused
    public void* ShapeInferContext_SetOutputTypeShape; // [270] unused
    public void* SetSymbolicDimensions; // [271] unused
    public void* ReadOpAttr; // [272] unused
    /// <summary>[273] OrtStatus* (OrtSessionOptions* options, bool value)</summary>
    public delegate* unmanaged[Cdecl]<nint, byte, nint> SetDeterministicCompute;
    public void* KernelContext_ParallelFor; // [274] unused
    /// <summary>[275] OrtStatus* (OrtSessionOptions* options, const char* const* provider_options_keys, const char* const* provider_options_values, size_t num_keys)</summary>
    public delegate* unmanaged[Cdecl]<nint, byte**, byte**, nuint, nint> SessionOptionsAppendExecutionProvider_OpenVINO_V2;
    public void* SessionOptionsAppendExecutionProvider_VitisAI; // [276] unused
    public void* KernelContext_GetScratchBuffer; // [277] unused
    public void* KernelInfoGetAllocator; // [278] unused
    public void* AddExternalInitializersFromFilesInMemory; // [279] unused
    public void* CreateLoraAdapter; // [280] unused
    public void* CreateLoraAdapterFromArray; // [281] unused
    public void* ReleaseLoraAdapter; // [282] unused
    public void* RunOptionsAddActiveLoraAdapter; // [283] unused
    public void* SetEpDynamicOptions; // [284] unused
    public void* ReleaseValueInfo; // [285] unused
    public void* ReleaseNode; // [286] unused
    public void* ReleaseGraph; // [287] unused
    public void* ReleaseModel; // [288] unused
    public void* GetValueInfoName; // [289] unused
    public void* GetValueInfoTypeInfo; // [290] unused
    public void* GetModelEditorApi; // [291] unused
    public void* CreateTensorWithDataAndDeleterAsOrtValue; // [292] unused
    public void* SessionOptionsSetLoadCancellationFlag; // [293] unused
    public void* GetCompileApi; // [294] unused
    public void* CreateKeyValuePairs; // [295] unused
    public void* AddKeyValuePair; // [296] unused
    public void* GetKeyValue; // [297] unused
    public void* GetKeyValuePairs; // [298] unused
    public void* RemoveKeyValuePair; // [299] unused
    public void* ReleaseKeyValuePairs; // [300] unused
    public void* RegisterExecutionProviderLibrary; // [301] unused
    public void* UnregisterExecutionProviderLibrary; // [302] unused
    public void* GetEpDevices; // [303] unused
    public void* SessionOptionsAppendExecutionProvider_V2; // [304] unused
    public void* SessionOptionsSetEpSelectionPolicy; // [305] unused
    public void* SessionOptionsSetEpSelectionPolicyDelegate; // [306] unused
    public void* HardwareDevice_Type; // [307] unused
    public void* HardwareDevice_VendorId; // [308] unused
    public void* HardwareDevice_Vendor; // [309] unused
    public void* HardwareDevice_DeviceId; // [310] unused
    public void* HardwareDevice_Metadata; // [311] unused
    public void* EpDevice_EpName; // [312] unused
    public void* EpDevice_EpVendor; // [313] unused
    public void* EpDevice_EpMetadata; // [314] unused
    public void* EpDevice_EpOptions; // [315] unused
    public void* EpDevice_Device; // [316] unused
    public void* GetEpApi; // [317] unused
    public void* GetTensorSizeInBytes; // [318] unused
    public void* AllocatorGetStats; // [319] unused
    public void* CreateMemoryInfo_V2; // [320] unused
    public void* MemoryInfoGetDeviceMemType; // [321] unused
    public void* MemoryInfoGetVendorId; // [322] unused
    public void* ValueInfo_GetValueProducer; // [323] unused
    public void* ValueInfo_GetValueNumConsumers; // [324] unused
    public void* ValueInfo_GetValueConsumers; // [325] unused
    public void* ValueInfo_GetInitializerValue; // [326] unused
    public void* ValueInfo_GetExternalInitializerInfo; // [327] unused
    public void* ValueInfo_IsRequiredGraphInput; // [328] unused
    public void* ValueInfo_IsOptionalGraphInput; // [329] unused
    public void* ValueInfo_IsGraphOutput; // [330] unused
    public void* ValueInfo_IsConstantInitializer; // [331] unused
    public void* ValueInfo_IsFromOuterScope; // [332] unused
    public void* Graph_GetName; // [333] unused
    public void* Graph_GetModelPath; // [334] unused
    public void* Graph_GetOnnxIRVersion; // [335] unused
    public void* Graph_GetNumOperatorSets; // [336] unused
    public void* Graph_GetOperatorSets; // [337] unused
    public void* Graph_GetNumInputs; // [338] unused
    public void* Graph_GetInputs; // [339] unused
    public void* Graph_GetNumOutputs; // [340] unused
    public void* Graph_GetOutputs; // [341] unused
    public void* Graph_GetNumInitializers; // [342] unused
    public void* Graph_GetInitializers; // [343] unused
    public void* Graph_GetNumNodes; // [344] unused
    public void* Graph_GetNodes; // [345] unused
    public void* Graph_GetParentNode; // [346] unused
    public void* Graph_GetGraphView; // [347] unused
    public void* Node_GetId; // [348] unused
    public void* Node_GetName; // [349] unused
    public void* Node_GetOperatorType; // [350] unused
    public void* Node_GetDomain; // [351] unused
    public void* Node_GetSinceVersion; // [352] unused
    public void* Node_GetNumInputs; // [353] unused
    public void* Node_GetInputs; // [354] unused
    public void* Node_GetNumOutputs; // [355] unused
    public void* Node_GetOutputs; // [356] unused
    public void* Node_GetNumImplicitInputs; // [357] unused
    public void* Node_GetImplicitInputs; // [358] unused
    public void* Node_GetNumAttributes; // [359] unused
    public void* Node_GetAttributes; // [360] unused
    public void* Node_GetAttributeByName; // [361] unused
    public void* OpAttr_GetTensorAttributeAsOrtValue; // [362] unused
    public void* OpAttr_GetType; // [363] unused
    public void* OpAttr_GetName; // [364] unused
    public void* Node_GetNumSubgraphs; // [365] unused
    public void* Node_GetSubgraphs; // [366] unused
    public void* Node_GetGraph; // [367] unused
    public void* Node_GetEpName; // [368] unused
    public void* ReleaseExternalInitializerInfo; // [369] unused
    public void* ExternalInitializerInfo_GetFilePath; // [370] unused
    public void* ExternalInitializerInfo_GetFileOffset; // [371] unused
    public void* ExternalInitializerInfo_GetByteSize; // [372] unused
    public void* GetRunConfigEntry; // [373] unused
    public void* EpDevice_MemoryInfo; // [374] unused
    public void* CreateSharedAllocator; // [375] unused
    public void* GetSharedAllocator; // [376] unused
    public void* ReleaseSharedAllocator; // [377] unused
    public void* GetTensorData; // [378] unused
    public void* GetSessionOptionsConfigEntries; // [379] unused
    public void* SessionGetMemoryInfoForInputs; // [380] unused
    public void* SessionGetMemoryInfoForOutputs; // [381] unused
    public void* SessionGetEpDeviceForInputs; // [382] unused
    public void* CreateSyncStreamForEpDevice; // [383] unused
    public void* SyncStream_GetHandle; // [384] unused
    public void* ReleaseSyncStream; // [385] unused
    public void* CopyTensors; // [386] unused
    public void* Graph_GetModelMetadata; // [387] unused
    public void* GetModelCompatibilityForEpDevices; // [388] unused
    public void* CreateExternalInitializerInfo; // [389] unused
    public void* TensorTypeAndShape_HasShape; // [390] unused
    public void* KernelInfo_GetConfigEntries; // [391] unused
    public void* KernelInfo_GetOperatorDomain; // [392] unused
    public void* KernelInfo_GetOperatorType; // [393] unused
    public void* KernelInfo_GetOperatorSinceVersion; // [394] unused
    public void* GetInteropApi; // [395] unused
    public void* SessionGetEpDeviceForOutputs; // [396] unused
    public void* GetNumHardwareDevices; // [397] unused
    public void* GetHardwareDevices; // [398] unused
    public void* GetHardwareDeviceEpIncompatibilityDetails; // [399] unused
    public void* DeviceEpIncompatibilityDetails_GetReasonsBitmask; // [400] unused
    public void* DeviceEpIncompatibilityDetails_GetNotes; // [401] unused
    public void* DeviceEpIncompatibilityDetails_GetErrorCode; // [402] unused
    public void* ReleaseDeviceEpIncompatibilityDetails; // [403] unused
    public void* GetCompatibilityInfoFromModel; // [404] unused
    public void* GetCompatibilityInfoFromModelBytes; // [405] unused
    public void* CreateEnvWithOptions; // [406] unused
    public void* Session_GetEpGraphAssignmentInfo; // [407] unused
    public void* EpAssignedSubgraph_GetEpName; // [408] unused
    public void* EpAssignedSubgraph_GetNodes; // [409] unused
    public void* EpAssignedNode_GetName; // [410] unused
    public void* EpAssignedNode_GetDomain; // [411] unused
    public void* EpAssignedNode_GetOperatorType; // [412] unused
    public void* RunOptionsSetSyncStream; // [413] unused
    /// <summary>[414] OrtStatus* (const OrtValue* value, ONNXTensorElementDataType* elem_type, const int64_t** shape_data, size_t* shape_data_count)</summary>
    public delegate* unmanaged[Cdecl, SuppressGCTransition]<nint, int*, long**, nuint*, nint> GetTensorElementTypeAndShapeDataReference;
}
