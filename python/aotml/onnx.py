"""ONNX inference with onnxruntime's Python API, on aotml's own binding of the ONNX Runtime C API.

Arrays go to ORT without a copy when they are C-contiguous and of the input's dtype (other array-likes are converted
once, as onnxruntime does); outputs are numpy arrays over ORT's own memory, released when the array dies. Session
creation and every run release the GIL, and one session serves any number of threads at once.

bfloat16 has no numpy dtype: bfloat16 tensors are exchanged as uint16 arrays of their bit patterns.

    sess = aotml.InferenceSession("model.onnx", providers=["CPUExecutionProvider"])
    (y,) = sess.run(None, {"x": x})                 # numpy in, numpy out, GIL released
    y = await sess.run_async(None, {"x": x})        # inside asyncio: runs on its own native thread
    pickle.dumps(sess)                              # rebuilt from the model bytes/path and options
"""
from __future__ import annotations

import copy
import enum
import json
import os
import threading
from collections import abc as _abc
from typing import Any

import numpy as np

from . import _backend
from ._errors import InvalidArgument

__all__ = [
    "InferenceSession", "SessionOptions", "RunOptions", "GraphOptimizationLevel", "ExecutionMode", "OrtValue",
    "IOBinding", "NodeArg", "ModelMetadata", "get_available_providers", "get_device",
]

# ONNXTensorElementDataType <-> numpy
_NUMPY_OF = {1: np.float32, 2: np.uint8, 3: np.int8, 4: np.uint16, 5: np.int16, 6: np.int32, 7: np.int64,
             9: np.bool_, 10: np.float16, 11: np.float64, 12: np.uint32, 13: np.uint64, 16: np.uint16}
_ELEM_OF = {np.dtype(np.float32): 1, np.dtype(np.uint8): 2, np.dtype(np.int8): 3, np.dtype(np.uint16): 4,
            np.dtype(np.int16): 5, np.dtype(np.int32): 6, np.dtype(np.int64): 7, np.dtype(np.bool_): 9,
            np.dtype(np.float16): 10, np.dtype(np.float64): 11, np.dtype(np.uint32): 12, np.dtype(np.uint64): 13}
_TYPE_NAMES = {1: "float", 2: "uint8", 3: "int8", 4: "uint16", 5: "int16", 6: "int32", 7: "int64", 8: "string",
               9: "bool", 10: "float16", 11: "double", 12: "uint32", 13: "uint64", 14: "complex64",
               15: "complex128", 16: "bfloat16"}
_STRING = 8
_KIND_NAMES = {0: "unknown", 1: "tensor", 2: "sequence", 3: "map", 4: "opaque", 5: "sparse tensor", 6: "optional"}


def _impl():  # the backend can be switched at run time (tests do), so it is looked up on each call
    return _backend.impl


def _free(impl: Any, handle: int) -> None:
    """Frees an engine handle from a finalizer, where an exception can only be printed (at interpreter exit the
    backend module may already be torn down: the process is releasing everything anyway)."""
    try:
        impl.handle_free(handle)
    except Exception:  # noqa: BLE001
        pass


class GraphOptimizationLevel(enum.IntEnum):
    """How much ORT rewrites the graph before running it."""

    ORT_DISABLE_ALL = 0
    ORT_ENABLE_BASIC = 1
    ORT_ENABLE_EXTENDED = 2
    ORT_ENABLE_LAYOUT = 3
    ORT_ENABLE_ALL = 99


class ExecutionMode(enum.IntEnum):
    """Whether independent nodes may run in parallel (inter-op threads)."""

    ORT_SEQUENTIAL = 0
    ORT_PARALLEL = 1


def get_available_providers() -> list[str]:
    """The execution providers the loaded ONNX Runtime can use, in priority order (CPUExecutionProvider last)."""
    return _impl().onnx_providers()


def get_device() -> str:
    """'CPU', or 'GPU' when a GPU provider is available."""
    gpu = {"CUDAExecutionProvider", "TensorrtExecutionProvider", "ROCMExecutionProvider"}
    return "GPU" if gpu & set(get_available_providers()) else "CPU"


class SessionOptions:
    """Options of a session, with onnxruntime's names and defaults. A plain object: it pickles with the session."""

    def __init__(self) -> None:
        self.intra_op_num_threads: int = 0
        self.inter_op_num_threads: int = 0
        self.execution_mode: ExecutionMode = ExecutionMode.ORT_SEQUENTIAL
        self.graph_optimization_level: GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL
        self.enable_profiling: bool = False
        self.profile_file_prefix: str = "onnxruntime_profile_"
        self.optimized_model_filepath: str = ""
        self.log_severity_level: int = -1  # -1: the process default (errors only)
        self.log_verbosity_level: int = 0
        self.logid: str = ""
        self.enable_cpu_mem_arena: bool = True
        self.enable_mem_pattern: bool = True
        self.use_deterministic_compute: bool = False
        self._config: dict[str, str] = {}
        self._free_dims: dict[str, int] = {}

    def add_session_config_entry(self, key: str, value: str) -> None:
        """Sets a session configuration entry ("session.intra_op.allow_spinning" = "0", ...)."""
        self._config[str(key)] = str(value)

    def get_session_config_entry(self, key: str) -> str:
        try:
            return self._config[key]
        except KeyError:
            raise InvalidArgument(f"session config entry '{key}' is not set") from None

    def add_free_dimension_override_by_name(self, name: str, value: int) -> None:
        """Fixes the symbolic dimension `name` to `value` for every input that uses it."""
        self._free_dims[str(name)] = int(value)

    def _encode(self, providers: list[tuple[str, dict[str, str]]]) -> bytes:
        pairs: list[tuple[str, object]] = [
            ("intra_op_num_threads", self.intra_op_num_threads), ("inter_op_num_threads", self.inter_op_num_threads),
            ("execution_mode", int(self.execution_mode)),
            ("graph_optimization_level", int(self.graph_optimization_level)),
            ("enable_cpu_mem_arena", int(bool(self.enable_cpu_mem_arena))),
            ("enable_mem_pattern", int(bool(self.enable_mem_pattern))),
            ("use_deterministic_compute", int(bool(self.use_deterministic_compute))),
        ]
        if self.enable_profiling:
            pairs.append(("profile_file_prefix", self.profile_file_prefix or "onnxruntime_profile_"))
        if self.optimized_model_filepath:
            pairs.append(("optimized_model_filepath", os.fspath(self.optimized_model_filepath)))
        if self.log_severity_level != -1:
            pairs.append(("log_severity_level", self.log_severity_level))
        if self.log_verbosity_level:
            pairs.append(("log_verbosity_level", self.log_verbosity_level))
        if self.logid:
            pairs.append(("logid", self.logid))
        pairs += [(f"config:{k}", v) for k, v in self._config.items()]
        pairs += [(f"free_dim:{k}", v) for k, v in self._free_dims.items()]
        for name, opts in providers:
            pairs.append(("provider", name))
            pairs += [(f"provider_option:{k}", v) for k, v in opts.items()]
        out = []
        for k, v in pairs:
            if isinstance(v, bool):
                v = int(v)
            text = str(v)
            if "\0" in k or "\0" in text:
                raise InvalidArgument(f"session option {k!r} contains a NUL character")
            out.append(f"{k}\0{text}\0")
        return "".join(out).encode("utf-8", "surrogateescape")


class RunOptions:
    """Per-run options. Setting ``terminate = True`` from any thread stops the runs using these options."""

    def __init__(self) -> None:
        self._impl = _impl()
        self._h: int = self._impl.onnx_run_options_new()
        self._log_severity_level = 2
        self._log_verbosity_level = 0
        self._run_tag = ""
        self._terminate = False
        self._config: dict[str, str] = {}

    def __del__(self) -> None:
        h, self._h = getattr(self, "_h", 0), 0
        if h:
            _free(self._impl, h)

    def _set(self, key: str, value: object) -> None:
        _impl().onnx_run_options_set(self._h, key, str(value))

    @property
    def log_severity_level(self) -> int:
        return self._log_severity_level

    @log_severity_level.setter
    def log_severity_level(self, value: int) -> None:
        self._set("log_severity_level", int(value))
        self._log_severity_level = int(value)

    @property
    def log_verbosity_level(self) -> int:
        return self._log_verbosity_level

    @log_verbosity_level.setter
    def log_verbosity_level(self, value: int) -> None:
        self._set("log_verbosity_level", int(value))
        self._log_verbosity_level = int(value)

    @property
    def run_tag(self) -> str:
        return self._run_tag

    @run_tag.setter
    def run_tag(self, value: str) -> None:
        self._set("run_tag", str(value))
        self._run_tag = str(value)

    logid = run_tag
    log_tag = run_tag

    @property
    def terminate(self) -> bool:
        return self._terminate

    @terminate.setter
    def terminate(self, value: bool) -> None:
        _impl().onnx_run_options_terminate(self._h, bool(value))
        self._terminate = bool(value)

    def add_run_config_entry(self, key: str, value: str) -> None:
        self._set(f"config:{key}", value)
        self._config[str(key)] = str(value)

    def get_run_config_entry(self, key: str) -> str:
        try:
            return self._config[key]
        except KeyError:
            raise InvalidArgument(f"run config entry '{key}' is not set") from None


class NodeArg:
    """A graph input or output: ``name``, ``type`` ('tensor(float)') and ``shape`` (ints; symbolic dims as str,
    unknown ones as None)."""

    __slots__ = ("name", "type", "shape", "_elem", "_kind")

    def __init__(self, name: str, type: str, shape: list[int | str | None] | None, elem: int = 0,
                 kind: int = 1) -> None:
        self.name = name
        self.type = type
        self.shape = shape
        self._elem = elem
        self._kind = kind

    def __repr__(self) -> str:
        return f"NodeArg(name={self.name!r}, type={self.type!r}, shape={self.shape!r})"


class ModelMetadata:
    """The model's metadata: producer_name, graph_name, domain, description, graph_description, version,
    custom_metadata_map."""

    def __init__(self, d: dict[str, Any]) -> None:
        self.producer_name: str = d["producer_name"]
        self.graph_name: str = d["graph_name"]
        self.domain: str = d["domain"]
        self.description: str = d["description"]
        self.graph_description: str = d["graph_description"]
        self.version: int = d["version"]
        self.custom_metadata_map: dict[str, str] = dict(d["custom_metadata_map"])

    def __repr__(self) -> str:
        return (f"ModelMetadata(producer_name={self.producer_name!r}, graph_name={self.graph_name!r}, "
                f"domain={self.domain!r}, version={self.version})")


class _Handle:
    """Frees an engine handle when the last Python reference goes (on the backend that made it)."""

    __slots__ = ("h", "_impl", "__weakref__")

    def __init__(self, h: int) -> None:
        self.h = h
        self._impl = _impl()

    def __del__(self) -> None:
        h, self.h = self.h, 0
        if h:
            _free(self._impl, h)


class OrtValue:
    """A tensor (or sequence/map) ORT can take or give. ``ortvalue_from_numpy`` shares the array's memory."""

    def __init__(self, handle: _Handle, keepalive: object = None) -> None:
        self._handle = handle
        self._keepalive = keepalive  # the numpy array whose memory the value reads

    @property
    def _h(self) -> int:
        return self._handle.h

    @staticmethod
    def ortvalue_from_numpy(array: Any, device_type: str = "cpu", device_id: int = 0) -> OrtValue:
        """A tensor over `array`'s memory (no copy; the array is kept alive). Strings become a string tensor (copied)."""
        _cpu_only(device_type)
        arr = np.asarray(array)
        if arr.dtype.kind in "UOS":
            return OrtValue(_Handle(_string_tensor(arr)))
        if not arr.flags.c_contiguous:
            arr = arr.copy(order="C")  # (np.ascontiguousarray would make a 0-d array 1-d)
        return OrtValue(_Handle(_impl().onnx_value_from_buffer(arr, 0)), arr)

    @staticmethod
    def ortvalue_from_numpy_with_onnx_type(array: Any, onnx_element_type: int) -> OrtValue:
        """Like ortvalue_from_numpy, naming the ONNX element type: 16 (bfloat16) reads a uint16 array's bits."""
        arr = np.asarray(array)
        if not arr.flags.c_contiguous:
            arr = arr.copy(order="C")
        return OrtValue(_Handle(_impl().onnx_value_from_buffer(arr, int(onnx_element_type))), arr)

    @staticmethod
    def ortvalue_from_shape_and_type(shape: _abc.Sequence[int], element_type: Any = np.float32, device_type: str = "cpu",
                                     device_id: int = 0) -> OrtValue:
        """A zero-filled tensor ORT allocates."""
        _cpu_only(device_type)
        dt = np.dtype(element_type)
        if dt.kind in "UOS":
            elem = _STRING
        elif dt in _ELEM_OF:
            elem = _ELEM_OF[dt]
        else:
            raise InvalidArgument(f"numpy dtype {dt} has no ONNX tensor type")
        return OrtValue(_Handle(_impl().onnx_value_new(tuple(int(d) for d in shape), elem)))

    def _describe(self) -> tuple[int, int, tuple[int, ...], int]:
        return _impl().onnx_value_describe(self._h)

    def numpy(self) -> Any:
        """The tensor as a numpy array sharing the value's memory (strings, sequences and maps are converted)."""
        return _convert(_impl().onnx_value_output(self._h), "value")

    def shape(self) -> list[int]:
        return list(self._describe()[2])

    def data_type(self) -> str:
        kind, elem, _, _ = self._describe()
        if kind == 1:
            return f"tensor({_TYPE_NAMES.get(elem, elem)})"
        return _KIND_NAMES.get(kind, "unknown")

    def element_type(self) -> Any:
        elem = self._describe()[1]
        return np.str_ if elem == _STRING else _NUMPY_OF.get(elem)

    def data_ptr(self) -> int:
        return self._describe()[3]

    def is_tensor(self) -> bool:
        return self._describe()[0] == 1

    def has_value(self) -> bool:
        return True

    def device_name(self) -> str:
        return "cpu"

    def __repr__(self) -> str:
        return f"OrtValue({self.data_type()}, shape={self.shape()})"


def _cpu_only(device_type: str) -> None:
    if str(device_type).lower() != "cpu":
        raise InvalidArgument(f"device_type {device_type!r} is not supported: aotml binds CPU memory only")


def _string_tensor(arr: np.ndarray) -> int:
    """A string tensor handle from a str/bytes/object array (UTF-8)."""
    flat = arr.reshape(-1)
    parts = [s.encode("utf-8", "surrogateescape") if isinstance(s, str) else bytes(s) for s in flat.tolist()]
    offsets = np.zeros(len(parts) + 1, dtype=np.int64)
    if parts:
        np.cumsum([len(p) for p in parts], out=offsets[1:])
    return _impl().onnx_value_from_strings(b"".join(parts), offsets, arr.shape)


def _convert(out: Any, name: str) -> Any:
    """An engine output in Python form: arrays pass through; strings, sequences and maps are built here."""
    if type(out) is not tuple:
        return out
    handle = _Handle(out[0])
    kind, elem, shape = out[1], out[2], out[3]
    impl = _impl()
    if kind == 1 and elem == _STRING:
        return np.array(impl.onnx_value_strings(handle.h), dtype=object).reshape(shape)
    if kind == 2:
        return [_convert(impl.onnx_value_element(handle.h, i), name) for i in range(impl.onnx_value_count(handle.h))]
    if kind == 3:
        keys = _convert(impl.onnx_value_element(handle.h, 0), name)
        values = _convert(impl.onnx_value_element(handle.h, 1), name)
        return dict(zip(np.asarray(keys).tolist(), np.asarray(values).tolist()))
    what = f"tensor({_TYPE_NAMES.get(elem, elem)})" if kind == 1 else _KIND_NAMES.get(kind, str(kind))
    raise InvalidArgument(f"output '{name}' is of type {what}, which aotml cannot convert to Python "
                          "(numeric and string tensors, sequences and maps are supported)")


class InferenceSession:
    """An ONNX model loaded into ONNX Runtime, with onnxruntime's Python API. Thread-safe; picklable."""

    def __init__(self, path_or_bytes: str | bytes | os.PathLike[str], sess_options: SessionOptions | None = None,
                 providers: _abc.Sequence[str | tuple[str, dict[str, Any]]] | None = None,
                 provider_options: _abc.Sequence[dict[str, Any]] | None = None, **kwargs: Any) -> None:
        if kwargs:
            raise TypeError(f"unexpected keyword arguments: {', '.join(kwargs)}")
        self._path: str | None = None
        self._model: bytes | None = None
        if isinstance(path_or_bytes, (str, os.PathLike)):
            self._path = os.fspath(path_or_bytes)
        elif isinstance(path_or_bytes, (bytes, bytearray, memoryview)):
            self._model = bytes(path_or_bytes)
        else:
            raise TypeError(f"path_or_bytes must be a path or the model's bytes, not {type(path_or_bytes).__name__}")
        self._sess_options = copy.deepcopy(sess_options) if sess_options is not None else SessionOptions()
        self._requested = _normalize_providers(providers, provider_options)
        self._impl = _impl()
        blob = self._sess_options._encode(self._requested)
        self._h: int = self._impl.onnx_session_new(self._path, self._model, blob)
        info = json.loads(self._impl.onnx_session_info(self._h))
        self._inputs = [_node_arg(a) for a in info["inputs"]]
        self._outputs = [_node_arg(a) for a in info["outputs"]]
        self._initializers = [_node_arg(a) for a in info["overridable_initializers"]]
        self._meta = ModelMetadata(info["metadata"])
        self._providers: list[str] = info["providers"]
        self._in_index = {a.name: i for i, a in enumerate(self._inputs + self._initializers)}
        self._out_index = {a.name: i for i, a in enumerate(self._outputs)}
        self._all_out = tuple(range(len(self._outputs)))
        self._out_names = [a.name for a in self._outputs]
        # Outputs that always come back as numpy arrays need no conversion pass.
        self._numeric_outputs = all(a._kind == 1 and a._elem in _NUMPY_OF for a in self._outputs)

    def __del__(self) -> None:
        h, self._h = getattr(self, "_h", 0), 0
        if h:
            _free(self._impl, h)

    # ---- description --------------------------------------------------------------------------------------------
    def get_inputs(self) -> list[NodeArg]:
        return list(self._inputs)

    def get_outputs(self) -> list[NodeArg]:
        return list(self._outputs)

    def get_overridable_initializers(self) -> list[NodeArg]:
        return list(self._initializers)

    def get_modelmeta(self) -> ModelMetadata:
        return self._meta

    def get_providers(self) -> list[str]:
        return list(self._providers)

    def get_provider_options(self) -> dict[str, dict[str, str]]:
        opts = dict(self._requested)
        return {p: dict(opts.get(p, {})) for p in self._providers}

    def get_session_options(self) -> SessionOptions:
        return copy.deepcopy(self._sess_options)

    def end_profiling(self) -> str:
        """Ends profiling; returns the profile file's name."""
        return self._impl.onnx_session_end_profiling(self._h)

    # ---- running ------------------------------------------------------------------------------------------------
    def run(self, output_names: _abc.Sequence[str] | None, input_feed: dict[str, Any],
            run_options: RunOptions | None = None) -> list[Any]:
        """Runs the model; returns the requested outputs (all when output_names is None) as numpy arrays."""
        # The hot path: one engine call that reads the arrays in place; everything else is the fallback.
        out_idx = self._all_out if output_names is None else self._output_index(output_names)
        ro = None if run_options is None else run_options._h
        res = self._impl.onnx_session_run(self._h, ro, self._in_index, input_feed, None, out_idx, False)
        if res is None:  # something other than in-place arrays: prepare the feed and go again
            arrays, handles = self._prepare(input_feed)
            res = self._impl.onnx_session_run(self._h, ro, self._in_index, arrays,
                                              {k: h.h for k, h in handles.items()}, out_idx, False)
            del handles
            if res is None:  # pragma: no cover - _prepare hands over only what the engine takes
                raise InvalidArgument("the prepared inputs were refused; please report this")
        if not self._numeric_outputs:
            for i, r in enumerate(res):
                if type(r) is tuple:
                    res[i] = _convert(r, self._out_names[out_idx[i]])
        return res

    def run_with_ort_values(self, output_names: _abc.Sequence[str] | None, input_dict_ort_values: dict[str, OrtValue],
                            run_options: RunOptions | None = None) -> list[OrtValue]:
        """Runs with OrtValue inputs; returns OrtValues (no conversion at all)."""
        out_idx = self._all_out if output_names is None else self._output_index(output_names)
        self._check_names(input_dict_ort_values)
        handles = {}
        for k, v in input_dict_ort_values.items():
            if not isinstance(v, OrtValue):
                raise TypeError(f"input '{k}' must be an OrtValue, not {type(v).__name__}")
            handles[k] = v._h
        ro = run_options._h if run_options is not None else None
        res = self._impl.onnx_session_run(self._h, ro, self._in_index, {}, handles, out_idx, True)
        return [OrtValue(_Handle(h)) for h in res]

    def io_binding(self) -> IOBinding:
        return IOBinding(self)

    def run_with_iobinding(self, iobinding: IOBinding, run_options: RunOptions | None = None) -> None:
        self._impl.onnx_binding_run(iobinding._handle.h, run_options._h if run_options is not None else None)

    def run_async(self, output_names: _abc.Sequence[str] | None, input_feed: dict[str, Any],
                  callback: _abc.Callable[[list[Any], Any, str], None] | None = None, user_data: Any = None,
                  run_options: RunOptions | None = None) -> Any:
        """Runs on a new native thread. Without `callback`, returns an asyncio future of the outputs (``await
        session.run_async(None, feed)`` inside a running event loop); with it, calls ``callback(outputs, user_data,
        error_message)`` from that thread, as onnxruntime does, and returns None."""
        if callback is None:
            import asyncio  # imported here: it would double the import time of aotml.onnx

            loop = asyncio.get_running_loop()
            future = loop.create_future()

            def deliver(ok: bool, value: Any) -> None:
                if future.cancelled():
                    return
                if ok:
                    future.set_result(value)
                else:
                    future.set_exception(value)

            def work() -> None:
                outcome: tuple[bool, Any]
                try:
                    outcome = (True, self.run(output_names, input_feed, run_options))
                except BaseException as e:  # noqa: BLE001 - handed to the awaiting coroutine
                    outcome = (False, e)
                try:
                    loop.call_soon_threadsafe(deliver, *outcome)
                except RuntimeError:  # the loop closed while the run was in flight: nobody is waiting
                    pass

            threading.Thread(target=work, name="aotml-run-async", daemon=True).start()
            return future

        report = callback

        def work_cb() -> None:
            try:
                result = self.run(output_names, input_feed, run_options)
            except Exception as e:  # noqa: BLE001 - reported through the callback, as onnxruntime does
                report([], user_data, str(e))
            else:
                report(result, user_data, "")

        threading.Thread(target=work_cb, name="aotml-run-async", daemon=True).start()
        return None

    # ---- helpers ------------------------------------------------------------------------------------------------
    def _output_index(self, names: _abc.Iterable[str]) -> tuple[int, ...]:
        idx = []
        for n in names:
            i = self._out_index.get(n)
            if i is None:
                raise InvalidArgument(f"'{n}' is not an output of the model; its outputs are: "
                                      f"{', '.join(repr(a.name) for a in self._outputs)}")
            idx.append(i)
        return tuple(idx)

    def _check_names(self, feed: Any) -> None:
        if not isinstance(feed, dict):
            raise TypeError(f"input_feed must be a dict of input name to array, not {type(feed).__name__}")
        unknown = [k for k in feed if k not in self._in_index]
        if unknown:
            expected = "; ".join(_describe_arg(a) for a in self._inputs)
            raise InvalidArgument(f"unknown input name{'s' if len(unknown) > 1 else ''} "
                                  f"{', '.join(repr(k) for k in unknown)}; the model's inputs are: {expected}")

    def _prepare(self, feed: Any) -> tuple[dict[str, Any], dict[str, _Handle]]:
        """Splits the feed into in-place arrays and value handles, converting what needs it once."""
        self._check_names(feed)
        args = {a.name: a for a in self._inputs + self._initializers}
        arrays: dict[str, Any] = {}
        handles: dict[str, _Handle] = {}
        for name, value in feed.items():
            arg = args[name]
            if isinstance(value, OrtValue):
                handles[name] = value._handle
                continue
            if arg._kind == 2:  # a sequence: a list of arrays, each made a tensor, then copied by ORT into one value
                if not isinstance(value, (list, tuple)):
                    raise InvalidArgument(f"input '{name}' expects {arg.type}: pass a list of arrays")
                elements = [OrtValue.ortvalue_from_numpy(v) for v in value]
                handles[name] = _Handle(_impl().onnx_value_sequence([e._h for e in elements]))
                continue
            if arg._kind != 1:
                raise InvalidArgument(f"input '{name}' expects {arg.type}; aotml feeds tensors and sequences only")
            if arg._elem == _STRING:
                arr = np.asarray(value)
                if arr.dtype.kind not in "UOS":
                    raise InvalidArgument(f"input '{name}' expects tensor(string) (numpy str or object), "
                                          f"given {arr.dtype}")
                handles[name] = _Handle(_string_tensor(arr))
                continue
            if isinstance(value, np.ndarray):
                if value.dtype not in _ELEM_OF:
                    raise InvalidArgument(f"input '{name}' expects {arg.type} "
                                          f"(numpy {_numpy_name(arg._elem)}), given {value.dtype}")
                value = np.asarray(value)  # a subclass (memmap, ...) as a plain ndarray view, still no copy
                arrays[name] = value if value.flags.c_contiguous else value.copy(order="C")
            else:  # scalars, lists, other buffers: converted to the input's dtype, as onnxruntime does
                want = _NUMPY_OF.get(arg._elem)
                try:
                    arrays[name] = np.array(value, dtype=want, order="C")
                except (TypeError, ValueError) as e:
                    raise InvalidArgument(f"input '{name}' cannot be converted to {arg.type}: {e}") from None
        return arrays, handles

    def __reduce__(self) -> Any:
        model: Any = self._path if self._path is not None else self._model
        return (_rebuild, (model, self._sess_options, self._requested))

    def __repr__(self) -> str:
        return f"InferenceSession(inputs={self._inputs}, outputs={self._outputs}, providers={self._providers})"


def _rebuild(model: Any, options: SessionOptions, providers: list[tuple[str, dict[str, str]]]) -> InferenceSession:
    return InferenceSession(model, options, providers=providers)


def _numpy_name(elem: int) -> str:
    t = _NUMPY_OF.get(elem)
    return "str" if elem == _STRING else (np.dtype(t).name if t is not None else _TYPE_NAMES.get(elem, str(elem)))


def _describe_arg(a: NodeArg) -> str:
    if a.shape is None:
        return f"{a.name}: {a.type}"
    dims = ",".join("?" if d is None else str(d) for d in a.shape)
    return f"{a.name}: {a.type}[{dims}]"


def _node_arg(d: dict[str, Any]) -> NodeArg:
    return NodeArg(d["name"], d["type"], d["shape"], d["elem_type"], d["kind"])


def _normalize_providers(providers: Any, provider_options: Any) -> list[tuple[str, dict[str, str]]]:
    if providers is None:
        return [("CPUExecutionProvider", {})]
    if isinstance(providers, str):
        raise TypeError("providers must be a list of names or (name, options) pairs, not a str")
    providers = list(providers)
    if provider_options is not None:
        provider_options = list(provider_options)
        if len(provider_options) != len(providers):
            raise InvalidArgument("provider_options must have one dict per provider")
    out: list[tuple[str, dict[str, str]]] = []
    for i, p in enumerate(providers):
        if isinstance(p, str):
            name, opts = p, (provider_options[i] if provider_options is not None else {})
        elif isinstance(p, (tuple, list)) and len(p) == 2 and isinstance(p[0], str) and isinstance(p[1], dict):
            if provider_options is not None:
                raise InvalidArgument("give provider options either in providers or in provider_options, not both")
            name, opts = p[0], p[1]
        else:
            raise TypeError(f"providers[{i}] must be a name or a (name, options dict) pair, not {p!r}")
        out.append((name, {str(k): str(v) for k, v in opts.items()}))
    return out


class IOBinding:
    """Inputs and outputs bound ahead of runs (onnxruntime's IOBinding). One binding per thread."""

    def __init__(self, session: InferenceSession) -> None:
        self._session = session
        self._handle = _Handle(_impl().onnx_binding_new(session._h))
        self._kept: dict[tuple[bool, str], Any] = {}   # arrays/OrtValues whose memory is bound
        self._out_names: list[str] = []

    def _bind(self, output: bool, name: str, value: OrtValue | None, keep: Any) -> None:
        _impl().onnx_binding_bind(self._handle.h, output, name, value._h if value is not None else None)
        self._kept[(output, name)] = (value, keep)
        if output and name not in self._out_names:
            self._out_names.append(name)

    def bind_cpu_input(self, name: str, arr_on_cpu: Any) -> None:
        """Binds a numpy array (read in place; kept alive by the binding)."""
        v = OrtValue.ortvalue_from_numpy(arr_on_cpu)
        self._bind(False, name, v, None)

    def bind_input(self, name: str, device_type: str, device_id: int, element_type: Any, shape: _abc.Sequence[int],
                   buffer_ptr: int) -> None:
        """Binds raw CPU memory at buffer_ptr (the caller keeps it alive)."""
        _cpu_only(device_type)
        v = OrtValue(_Handle(_impl().onnx_value_from_pointer(int(buffer_ptr), tuple(shape), _elem_of(element_type))))
        self._bind(False, name, v, None)

    def bind_ortvalue_input(self, name: str, ortvalue: OrtValue) -> None:
        self._bind(False, name, ortvalue, None)

    def bind_output(self, name: str, device_type: str = "cpu", device_id: int = 0, element_type: Any = None,
                    shape: _abc.Sequence[int] | None = None, buffer_ptr: int | None = None) -> None:
        """Binds an output to CPU memory ORT allocates, or, with element_type/shape/buffer_ptr, to caller memory
        (a preallocated numpy array's ``arr.ctypes.data``) that the run writes in place."""
        _cpu_only(device_type)
        if buffer_ptr is None:
            self._bind(True, name, None, None)
            return
        if element_type is None or shape is None:
            raise InvalidArgument("bind_output with buffer_ptr needs element_type and shape")
        v = OrtValue(_Handle(_impl().onnx_value_from_pointer(int(buffer_ptr), tuple(shape), _elem_of(element_type))))
        self._bind(True, name, v, None)

    def bind_ortvalue_output(self, name: str, ortvalue: OrtValue) -> None:
        """Binds an output to an OrtValue's memory (from ``ortvalue_from_numpy(out)``: the run writes ``out``)."""
        src = ortvalue._keepalive
        if isinstance(src, np.ndarray) and not src.flags.writeable:
            raise InvalidArgument(f"output '{name}' cannot be bound to a read-only array")
        self._bind(True, name, ortvalue, None)

    def synchronize_inputs(self) -> None:
        """CPU memory needs no synchronization."""

    def synchronize_outputs(self) -> None:
        """CPU memory needs no synchronization."""

    def get_outputs(self) -> list[OrtValue]:
        return [OrtValue(_Handle(h)) for h in _impl().onnx_binding_outputs(self._handle.h, True)]

    def copy_outputs_to_cpu(self) -> list[Any]:
        """The outputs as numpy arrays (sharing ORT's memory: on CPU there is nothing to copy)."""
        res = _impl().onnx_binding_outputs(self._handle.h, False)
        return [_convert(r, self._out_names[i] if i < len(self._out_names) else "output") for i, r in enumerate(res)]

    def clear_binding_inputs(self) -> None:
        _impl().onnx_binding_clear(self._handle.h, False)
        self._kept = {k: v for k, v in self._kept.items() if k[0]}

    def clear_binding_outputs(self) -> None:
        _impl().onnx_binding_clear(self._handle.h, True)
        self._kept = {k: v for k, v in self._kept.items() if not k[0]}
        self._out_names = []


def _elem_of(element_type: Any) -> int:
    dt = np.dtype(element_type)
    if dt not in _ELEM_OF:
        raise InvalidArgument(f"numpy dtype {dt} has no ONNX tensor type that can be bound from memory")
    return _ELEM_OF[dt]

