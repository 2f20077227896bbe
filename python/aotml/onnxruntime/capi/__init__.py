"""onnxruntime's ``capi`` package: here, the module that holds its exception classes."""
