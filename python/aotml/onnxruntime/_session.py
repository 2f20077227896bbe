"""InferenceSession: an ONNX model loaded into ONNX Runtime, with onnxruntime's Python API.

Arrays go to ORT without a copy when they are C-contiguous and of the input's dtype (other array-likes are converted
once, as onnxruntime does); outputs are numpy arrays over ORT's own memory, released when the array dies. Session
creation and every run release the GIL, and one session serves any number of threads at once.
"""
from __future__ import annotations

import json
import os
import threading
from collections import abc as _abc
from typing import Any, NoReturn

import numpy as np

from .. import _backend, _handles
from .._errors import InvalidArgument
from ._binding import IOBinding
from ._common import ELEM_OF, NUMPY_OF, STRING, TYPE_NAMES, impl, numpy_name
from ._options import RunOptions, SessionOptions
from ._providers import fallback_providers, get_available_providers, get_device, normalize
from ._values import OrtValue, OrtValueVector, convert, string_tensor
from .capi.onnxruntime_pybind11_state import EPFail

__all__ = ["InferenceSession", "NodeArg", "ModelMetadata", "get_available_providers", "get_device"]

# The process-wide logger level (set_default_logger_severity), handed to the engine with the next session made.
_logger_severity: list[int | None] = [None]
_env_lock = threading.Lock()  # read_config_from_model goes through ORT's environment variable: one session at a time


class NodeArg:
    """A graph input or output: ``name``, ``type`` ('tensor(float)', 'optional(seq(tensor(int64)))') and ``shape``
    (ints; symbolic dims as str, unknown ones as None; ``[]`` where the type has no shape, as onnxruntime says)."""

    __slots__ = ("name", "type", "shape", "_elem", "_kind")

    def __init__(self, name: str, type: str, shape: list[int | str | None] | None, elem: int = 0,
                 kind: int = 1) -> None:
        self.name = name
        self.type = type
        self.shape = shape if shape is not None else []
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



class InferenceSession:
    """An ONNX model loaded into ONNX Runtime, with onnxruntime's Python API. Thread-safe.

    Copies and pickles load the model again from its path or bytes, with the same options. ``del session`` (or
    an explicit ``session.__del__()``, as onnxruntime's tests do) releases it: the model is unloaded once nothing
    depends on it any more (its IOBindings, the OrtValues it returned), and from then on the session and its
    bindings raise a clear error instead of reaching freed memory.
    """

    def __init__(self, path_or_bytes: str | bytes | os.PathLike[str], sess_options: SessionOptions | None = None,
                 providers: _abc.Sequence[str | tuple[str, dict[str, Any]]] | None = None,
                 provider_options: _abc.Sequence[dict[str, Any]] | None = None, **kwargs: Any) -> None:
        disabled_optimizers = kwargs.pop("disabled_optimizers", None)
        read_config = kwargs.pop("read_config_from_model", None)
        if kwargs:
            raise TypeError(f"unexpected keyword arguments: {', '.join(kwargs)}")
        self._path: str | None = None
        self._model: bytes | None = None
        if isinstance(path_or_bytes, (str, os.PathLike)):
            path = os.fspath(path_or_bytes)
            if not isinstance(path, str):
                path = os.fsdecode(path)
            if "\0" in path:
                raise ValueError("the model path contains a NUL character")
            self._path = path
        elif isinstance(path_or_bytes, (bytes, bytearray, memoryview)):
            self._model = bytes(path_or_bytes)
        else:
            raise TypeError(f"Unable to load from type '{type(path_or_bytes)}'")
        if sess_options is not None and not isinstance(sess_options, SessionOptions):
            raise TypeError(f"sess_options must be an onnxruntime SessionOptions, not {type(sess_options).__name__}")
        self._sess_options = sess_options._clone() if sess_options is not None else SessionOptions()
        self._disabled_optimizers = sorted(set(disabled_optimizers)) if disabled_optimizers else []
        if read_config is None:
            read_config = os.environ.get("ORT_LOAD_CONFIG_FROM_MODEL") == "1"
        self._read_config_from_model = bool(int(read_config))
        self._enable_fallback = True
        self._owner: _handles.Owner | None = None
        self._h = 0
        requested = self._normalize(providers, provider_options)
        try:
            self._create(requested)
        except (ValueError, RuntimeError) as e:
            if not self._enable_fallback or [n for n, _ in requested] == self._fallback_providers:
                raise
            # onnxruntime's own words, on stdout as it prints them
            print("*************** EP Error ***************")
            print(f"EP Error {e} when using {[n for n, _ in requested]}")
            print(f"Falling back to {self._fallback_providers} and retrying.")
            print("****************************************")
            try:
                self._create(self._normalize(self._fallback_providers, None))
            except Exception as fallback_error:
                raise fallback_error from e
            self.disable_fallback()  # fallback happens once

    def _normalize(self, providers: Any, provider_options: Any) -> list[tuple[str, dict[str, str]]]:
        available = get_available_providers()
        self._fallback_providers = fallback_providers(available)
        return normalize(available if providers is None else providers, provider_options, available)

    def _create(self, requested: list[tuple[str, dict[str, str]]]) -> None:
        """Makes the ORT session (again, for set_providers) and reads its description."""
        self._requested = requested
        extra: list[tuple[str, object]] = []
        if self._disabled_optimizers:
            extra.append(("config:optimization.disable_specified_optimizers", ",".join(self._disabled_optimizers)))
        if _logger_severity[0] is not None:
            extra.append(("default_logger_severity", _logger_severity[0]))
        blob = self._sess_options._encode(self._requested, extra)
        initializers = self._sess_options._initializers
        if initializers:
            def create() -> Any:  # a Handle of the backend
                return impl().onnx_session_new_with_initializers(self._path, self._model, blob, list(initializers),
                                                                 [v._h for v in initializers.values()])
        else:
            def create() -> Any:
                return impl().onnx_session_new(self._path, self._model, blob)
        if self._read_config_from_model != (os.environ.get("ORT_LOAD_CONFIG_FROM_MODEL") == "1"):
            # ORT's C API reads this switch from the environment only, when the session is made.
            with _env_lock:
                previous = os.environ.get("ORT_LOAD_CONFIG_FROM_MODEL")
                os.environ["ORT_LOAD_CONFIG_FROM_MODEL"] = "1" if self._read_config_from_model else "0"
                try:
                    h = create()
                finally:
                    if previous is None:
                        del os.environ["ORT_LOAD_CONFIG_FROM_MODEL"]
                    else:
                        os.environ["ORT_LOAD_CONFIG_FROM_MODEL"] = previous
        else:
            h = create()
        self._owner = _handles.own(h)
        self._h = self._owner.h  # read on every run: the hot path takes the raw value
        info = json.loads(impl().onnx_session_info(self._h))
        self._inputs = [_node_arg(a) for a in info["inputs"]]
        self._outputs = [_node_arg(a) for a in info["outputs"]]
        self._initializers = [_node_arg(a) for a in info["overridable_initializers"]]
        self._meta = ModelMetadata(info["metadata"])
        self._providers: list[str] = info["providers"]
        self._in_index = {a.name: i for i, a in enumerate(self._inputs + self._initializers)}
        self._out_index = {a.name: i for i, a in enumerate(self._outputs)}
        self._all_out = tuple(range(len(self._outputs)))
        self._out_names = [a.name for a in self._outputs]
        self._required = [a.name for a in self._inputs if not a.type.startswith("optional(")]
        # Outputs that always come back as numpy arrays need no conversion pass.
        self._numeric_outputs = all(a._kind == 1 and a._elem in NUMPY_OF for a in self._outputs)

    # ---- providers ----------------------------------------------------------------------------------------------
    def set_providers(self, providers: _abc.Sequence[Any] | None = None,
                      provider_options: _abc.Sequence[dict[str, Any]] | None = None) -> None:
        """Makes the session again with these providers (None: every available one). Bindings made before keep
        the former session."""
        requested = self._normalize(providers, provider_options)
        self._h = 0
        self._owner = None
        self._create(requested)

    def disable_fallback(self) -> None:
        """A provider failure raises instead of making the session again on the fallback providers."""
        self._enable_fallback = False

    def enable_fallback(self) -> None:
        """A provider failure makes the session again on the fallback providers (CPU), once (the default)."""
        self._enable_fallback = True

    def __del__(self) -> None:
        # Dropping the owner (not freeing it) lets bindings and values that still use the model keep it loaded.
        self._h = 0
        self._owner = None

    def _live(self) -> int:
        """The session's handle; a clear error once the session was released."""
        h = self._h
        if not h:
            self._released()
        return h

    @staticmethod
    def _released() -> NoReturn:
        raise InvalidArgument("this InferenceSession was released (session.__del__() was called); "
                              "create a new InferenceSession to run the model again")

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
        return self._sess_options._clone()

    def get_profiling_start_time_ns(self) -> int:
        """When ORT's profiler started for this session, in ns since the Unix epoch (comparable to time.time_ns());
        0 when profiling is off."""
        return int(impl().onnx_session_profiling_start_ns(self._live()))

    def end_profiling(self) -> str:
        """Ends profiling; returns the profile file's name."""
        return impl().onnx_session_end_profiling(self._live())

    # ---- running ------------------------------------------------------------------------------------------------
    def run(self, output_names: _abc.Sequence[str] | None, input_feed: dict[str, Any],
            run_options: RunOptions | None = None) -> list[Any]:
        """Runs the model; returns the requested outputs (all when output_names is None or empty) as numpy arrays
        (an empty optional as None, sequences as lists, maps as dicts)."""
        # The hot path: one engine call that reads the arrays in place; everything else is the fallback.
        out_idx = self._all_out if not output_names else self._output_index(output_names)
        if run_options is None:
            ro = None
        elif type(run_options) is RunOptions or isinstance(run_options, RunOptions):
            ro = run_options._h
        else:
            raise TypeError(f"run_options must be an onnxruntime RunOptions, not {type(run_options).__name__}")
        h = self._h
        if not h:
            self._released()
        if not out_idx:  # a model without outputs: nothing to compute, but the feed must still be right
            self._check_names(input_feed)
            missing = [n for n in self._required if input_feed.get(n) is None]
            if missing:
                raise InvalidArgument(f"Required inputs ({missing}) are missing from input feed "
                                      f"({list(input_feed)}).")
            return []
        try:
            res = _backend.impl.onnx_session_run(h, ro, self._in_index, input_feed, None, out_idx, False)
            if res is None:  # something other than in-place arrays: prepare the feed and go again
                arrays, handles = self._prepare(input_feed)
                res = _backend.impl.onnx_session_run(h, ro, self._in_index, arrays,
                                                     {k: h.h for k, h in handles.items()}, out_idx, False)
                del handles
                if res is None:  # pragma: no cover - _prepare hands over only what the engine takes
                    raise InvalidArgument("the prepared inputs were refused; please report this")
        except EPFail as err:
            if not self._enable_fallback:
                raise
            print(f"EP Error: {err!s} using {self._providers}")
            print(f"Falling back to {self._fallback_providers} and retrying.")
            self.set_providers(self._fallback_providers)
            self.disable_fallback()  # fallback happens once
            return self.run(output_names, input_feed, run_options)
        if not self._numeric_outputs:
            for i, r in enumerate(res):
                if type(r) is tuple:
                    res[i] = convert(r, self._out_names[out_idx[i]])
        return res

    def run_with_ort_values(self, output_names: _abc.Sequence[str] | None, input_dict_ort_values: dict[str, OrtValue],
                            run_options: RunOptions | None = None) -> list[OrtValue]:
        """Runs with OrtValue inputs (None: an empty optional); returns OrtValues (no conversion at all)."""
        out_idx = self._all_out if not output_names else self._output_index(output_names)
        ro = _run_options(run_options)
        self._check_names(input_dict_ort_values)
        handles = {}
        values = list(input_dict_ort_values.values())  # held for the run: another thread may empty the dict
        for k, v in input_dict_ort_values.items():
            if v is None:
                continue
            if not isinstance(v, OrtValue):
                raise TypeError(f"input '{k}' must be an OrtValue, not {type(v).__name__}")
            handles[k] = v._h
        if not out_idx:
            return []
        res = impl().onnx_session_run(self._live(), ro, self._in_index, {}, handles, out_idx, True)
        del values
        return [OrtValue(_handles.own(h), session=self._owner) for h in res]

    def run_with_ortvaluevector(self, run_options: RunOptions | None, feed_names: _abc.Sequence[str],
                                feeds: _abc.Sequence[OrtValue], fetch_names: _abc.Sequence[str],
                                fetches: OrtValueVector, fetch_devices: Any = None) -> None:
        """Runs with OrtValue inputs given by parallel lists, appending the outputs to ``fetches`` (an
        OrtValueVector), as onnxruntime's lowest-overhead call does. Only CPU fetch devices exist here."""
        feed_names, feeds = list(feed_names), list(feeds)
        if len(feed_names) != len(feeds):
            raise InvalidArgument(f"{len(feed_names)} feed names for {len(feeds)} feeds")
        if not isinstance(fetches, OrtValueVector):
            raise TypeError(f"fetches must be an OrtValueVector, not {type(fetches).__name__}")
        outs = self.run_with_ort_values(list(fetch_names), dict(zip(feed_names, feeds)), run_options)
        fetches.clear()
        for v in outs:
            fetches.push_back(v)

    def io_binding(self) -> IOBinding:
        """A new IOBinding on this session (it keeps the session alive)."""
        return IOBinding(self)

    def run_with_iobinding(self, iobinding: IOBinding, run_options: RunOptions | None = None) -> None:
        if not isinstance(iobinding, IOBinding):
            raise TypeError(f"iobinding must be an IOBinding, not {type(iobinding).__name__}")
        if iobinding._session is not self:
            raise InvalidArgument("this IOBinding belongs to another InferenceSession; use session.io_binding()")
        ro = _run_options(run_options)
        self._live()
        impl().onnx_binding_run(iobinding._h(), ro)

    def run_async(self, output_names: _abc.Sequence[str] | None, input_feed: dict[str, Any],
                  callback: _abc.Callable[[list[Any], Any, str], None] | None = None, user_data: Any = None,
                  run_options: RunOptions | None = None) -> Any:
        """Runs on a new native thread. Without `callback`, returns an asyncio future of the outputs (``await
        session.run_async(None, feed)`` inside a running event loop); with it, calls ``callback(outputs, user_data,
        error_message)`` from that thread, as onnxruntime does, and returns None."""
        if callback is None:
            import asyncio  # imported here: it would double the import time of aotml.onnxruntime

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

    def _prepare(self, feed: Any) -> tuple[dict[str, Any], dict[str, _handles.Owner]]:
        """Splits the feed into in-place arrays and value handles, converting what needs it once."""
        self._check_names(feed)
        args = {a.name: a for a in self._inputs + self._initializers}
        arrays: dict[str, Any] = {}
        handles: dict[str, _handles.Owner] = {}
        for name, value in feed.items():
            arg = args[name]
            if value is None:  # an empty optional: ORT makes it from the input's absence, as onnxruntime does
                continue
            if isinstance(value, OrtValue):
                handles[name] = value._owner
                continue
            kind = arg._kind
            if kind == 6:  # an optional holding something: fed as what it holds
                inner = arg.type[len("optional("):]
                kind = 2 if inner.startswith("seq(") else 1 if inner.startswith("tensor(") else 0
            if kind == 2:  # a sequence: a list of arrays, each made a tensor, then copied by ORT into one value
                if not isinstance(value, (list, tuple)):
                    raise InvalidArgument(f"input '{name}' expects {arg.type}: pass a list of arrays")
                if not value:  # ORT types a sequence by its elements: an empty one is made from the declared type
                    handles[name] = _handles.own(impl().onnx_value_empty_sequence(_sequence_elem(name, arg.type)))
                    continue
                elements = [OrtValue.ortvalue_from_numpy(v) for v in value]
                handles[name] = _handles.own(impl().onnx_value_sequence([e._h for e in elements]))
                continue
            if kind != 1:
                raise InvalidArgument(f"input '{name}' expects {arg.type}; aotml feeds tensors and sequences only")
            if arg._elem == STRING:
                arr = np.asarray(value)
                if arr.dtype.kind not in "UOS":
                    raise InvalidArgument(f"input '{name}' expects tensor(string) (numpy str or object), "
                                          f"given {arr.dtype}")
                handles[name] = _handles.own(string_tensor(arr))
                continue
            if isinstance(value, np.ndarray):
                if value.dtype not in ELEM_OF:
                    raise InvalidArgument(f"input '{name}' expects {arg.type} "
                                          f"(numpy {numpy_name(arg._elem)}), given {value.dtype}")
                value = np.asarray(value)  # a subclass (memmap, ...) as a plain ndarray view, still no copy
                arrays[name] = value if value.flags.c_contiguous else value.copy(order="C")
            else:  # scalars, lists, other buffers: converted to the input's dtype, as onnxruntime does
                want = NUMPY_OF.get(arg._elem)
                try:
                    arrays[name] = np.array(value, dtype=want, order="C")
                except (TypeError, ValueError) as e:
                    raise InvalidArgument(f"input '{name}' cannot be converted to {arg.type}: {e}") from None
        return arrays, handles

    def __reduce__(self) -> Any:
        model: Any = self._path if self._path is not None else self._model
        return (_rebuild, (model, self._sess_options, [(n, dict(o)) for n, o in self._requested]))

    def __repr__(self) -> str:
        return f"InferenceSession(inputs={self._inputs}, outputs={self._outputs}, providers={self._providers})"

    def _repr_html_(self) -> str:
        import html
        meta = self._meta
        model = self._path if self._path is not None else f"<{len(self._model or b'')} bytes in memory>"
        producer = " ".join(x for x in (meta.producer_name, meta.graph_name and f"(graph {meta.graph_name})") if x)
        head = [("model", model), ("producer", producer or "unknown"), ("providers", ", ".join(self._providers))]

        def shape(dims: list[int | str | None]) -> str:  # symbolic dims by name, unknown ones as ?
            return "[" + " × ".join("?" if d is None else str(d) for d in dims) + "]"

        rows = "".join(f"<tr><th style='text-align:left'>{html.escape(k)}</th>"
                       f"<td colspan='3' style='text-align:left'>{html.escape(v)}</td></tr>" for k, v in head)
        for what, args in (("input", self._inputs), ("output", self._outputs)):
            for a in args:
                rows += (f"<tr><th style='text-align:left'>{what}</th><td><code>{html.escape(a.name)}</code></td>"
                         f"<td>{html.escape(a.type)}</td><td>{html.escape(shape(a.shape))}</td></tr>")
        return f"<div><strong>aotml.onnxruntime.InferenceSession</strong><table>{rows}</table></div>"


def _run_options(run_options: Any) -> int | None:
    if run_options is None:
        return None
    if not isinstance(run_options, RunOptions):
        raise TypeError(f"run_options must be an onnxruntime RunOptions, not {type(run_options).__name__}")
    return run_options._h


def _rebuild(model: Any, options: SessionOptions, providers: list[tuple[str, dict[str, str]]]) -> InferenceSession:
    return InferenceSession(model, options, providers=providers)


def _sequence_elem(name: str, type_name: str) -> int:
    """The element type of a sequence of tensors, from its NodeArg type ("seq(tensor(float))", possibly optional)."""
    inner = type_name[len("optional("):-1] if type_name.startswith("optional(") else type_name
    codes = {v: k for k, v in TYPE_NAMES.items()}
    if inner.startswith("seq(tensor(") and inner.endswith("))") and inner[len("seq(tensor("):-2] in codes:
        return codes[inner[len("seq(tensor("):-2]]
    raise InvalidArgument(f"input '{name}' expects {type_name}: aotml makes empty sequences of tensors only")


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
