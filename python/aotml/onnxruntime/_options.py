"""Session and run options, and the enums they take, with onnxruntime's names and defaults."""
from __future__ import annotations

import enum
import os
from collections import abc as _abc
from typing import Any

from .. import _handles
from .._errors import InvalidArgument
from ._common import impl

__all__ = ["GraphOptimizationLevel", "ExecutionMode", "ExecutionOrder", "SessionOptions", "RunOptions"]


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


class ExecutionOrder(enum.IntEnum):
    """The order ORT runs a graph's nodes in."""

    DEFAULT = 0
    PRIORITY_BASED = 1
    MEMORY_EFFICIENT = 2


class SessionOptions:
    """Options of a session, with onnxruntime's names and defaults. A plain object: it pickles with the session.

    Like onnxruntime's, it refuses attributes it does not have (a misspelt option is an AttributeError, not a
    setting silently ignored). ``enable_mem_reuse`` and ``execution_order`` are kept and reported but reach no ORT
    setting: the C API has none for them (results are the same either way).
    """

    __slots__ = ("intra_op_num_threads", "inter_op_num_threads", "execution_mode", "execution_order",
                 "graph_optimization_level", "enable_profiling", "profile_file_prefix", "optimized_model_filepath",
                 "log_severity_level", "log_verbosity_level", "logid", "enable_cpu_mem_arena", "enable_mem_pattern",
                 "enable_mem_reuse", "use_deterministic_compute", "use_per_session_threads", "_config", "_free_dims",
                 "_free_denotations", "_custom_ops", "_initializers", "__weakref__")

    def __init__(self) -> None:
        self.intra_op_num_threads: int = 0
        self.inter_op_num_threads: int = 0
        self.execution_mode: ExecutionMode = ExecutionMode.ORT_SEQUENTIAL
        self.execution_order: ExecutionOrder = ExecutionOrder.DEFAULT
        self.graph_optimization_level: GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL
        self.enable_profiling: bool = False
        self.profile_file_prefix: str = "onnxruntime_profile_"
        self.optimized_model_filepath: str = ""
        self.log_severity_level: int = 2
        self.log_verbosity_level: int = 0
        self.logid: str = ""
        self.enable_cpu_mem_arena: bool = True
        self.enable_mem_pattern: bool = True
        self.enable_mem_reuse: bool = True
        self.use_deterministic_compute: bool = False
        self.use_per_session_threads: bool = True
        self._config: dict[str, str] = {}
        self._free_dims: dict[str, int] = {}
        self._free_denotations: dict[str, int] = {}
        self._custom_ops: list[str] = []
        self._initializers: dict[str, Any] = {}

    def _clone(self) -> SessionOptions:
        """A copy whose containers are its own; OrtValues given to add_initializer are shared, not copied."""
        c = SessionOptions()
        c.__setstate__({k: (v.copy() if isinstance(v, (dict, list)) else v) for k, v in self.__getstate__().items()})
        return c

    def __getstate__(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__slots__ if k != "__weakref__" and hasattr(self, k)}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__()  # type: ignore[misc]  # fields added later keep their defaults
        for k, v in state.items():
            setattr(self, k, v)

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

    def add_free_dimension_override_by_denotation(self, dim_denotation: str, value: int) -> None:
        """Fixes every dimension with this denotation ("DATA_BATCH", ...) to `value`."""
        self._free_denotations[str(dim_denotation)] = int(value)

    def register_custom_ops_library(self, library_path: str) -> None:
        """Loads a shared library of custom operators into sessions made with these options."""
        path = os.fspath(library_path)
        if not os.path.exists(path):
            raise InvalidArgument(f"custom ops library '{path}' does not exist")
        self._custom_ops.append(path)

    def add_initializer(self, name: str, val: Any) -> None:
        """Supplies (or overrides) initializer `name` with an OrtValue over CPU memory, kept alive by these options."""
        from ._values import OrtValue  # here: _values imports this module's users
        if not isinstance(val, OrtValue):
            raise TypeError(f"add_initializer takes an OrtValue, not {type(val).__name__}")
        self._initializers[str(name)] = val

    def add_external_initializers(self, names: list[str], values: list[Any]) -> None:
        """add_initializer for each (name, OrtValue) pair."""
        names, values = list(names), list(values)
        if len(names) != len(values):
            raise InvalidArgument("add_external_initializers needs as many values as names")
        for n, v in zip(names, values):
            self.add_initializer(n, v)

    def _encode(self, providers: list[tuple[str, dict[str, str]]],
                extra: _abc.Sequence[tuple[str, object]] = ()) -> bytes:
        for name in ("intra_op_num_threads", "inter_op_num_threads"):
            n = getattr(self, name)
            if not isinstance(n, int) or isinstance(n, bool) or not 0 <= n <= _MAX_THREADS:
                raise InvalidArgument(f"{name} must be an integer in [0, {_MAX_THREADS}] (0: one per core), got {n!r}")
        pairs: list[tuple[str, object]] = [
            ("intra_op_num_threads", self.intra_op_num_threads), ("inter_op_num_threads", self.inter_op_num_threads),
            ("execution_mode", int(self.execution_mode)),
            ("graph_optimization_level", int(self.graph_optimization_level)),
            ("enable_cpu_mem_arena", int(bool(self.enable_cpu_mem_arena))),
            ("enable_mem_pattern", int(bool(self.enable_mem_pattern))),
            ("use_deterministic_compute", int(bool(self.use_deterministic_compute))),
        ]
        if not self.use_per_session_threads:
            pairs.append(("use_per_session_threads", 0))
        if self.enable_profiling:
            pairs.append(("profile_file_prefix", self.profile_file_prefix or "onnxruntime_profile_"))
        if self.optimized_model_filepath:
            pairs.append(("optimized_model_filepath", os.fspath(self.optimized_model_filepath)))
        if self.log_severity_level != 2:  # 2 is ORT's default: the process-wide level then decides
            pairs.append(("log_severity_level", self.log_severity_level))
        if self.log_verbosity_level:
            pairs.append(("log_verbosity_level", self.log_verbosity_level))
        if self.logid:
            pairs.append(("logid", self.logid))
        pairs += [(f"config:{k}", v) for k, v in self._config.items()]
        pairs += [(f"free_dim:{k}", v) for k, v in self._free_dims.items()]
        pairs += [(f"free_dim_denotation:{k}", v) for k, v in self._free_denotations.items()]
        pairs += [("custom_ops_library", p) for p in self._custom_ops]
        pairs += list(extra)
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


_MAX_THREADS = 4096  # SessionSettings.MaxThreads: more threads than this is a mistake, and ORT would hang making them


class RunOptions:
    """Per-run options. Setting ``terminate = True`` from any thread stops the runs using these options.

    Copies and pickles are rebuilt from the settings: each copy owns its own native options.
    """

    __slots__ = ("_owner", "_h", "_log_severity_level", "_log_verbosity_level", "_run_tag", "_terminate", "_config",
                 "only_execute_path_to_fetches", "__weakref__")

    def __init__(self) -> None:
        self.only_execute_path_to_fetches: bool = False  # kept and reported: the C API has no setter for it
        self._owner = _handles.own(impl().onnx_run_options_new())
        self._h: int = self._owner.h
        self._log_severity_level = 2
        self._log_verbosity_level = 0
        self._run_tag = ""
        self._terminate = False
        self._config: dict[str, str] = {}

    def _set(self, key: str, value: object) -> None:
        impl().onnx_run_options_set(self._h, key, str(value))

    def __reduce__(self) -> Any:
        state = (self._log_severity_level, self._log_verbosity_level, self._run_tag, self._terminate,
                 dict(self._config))
        return (_rebuild_run_options, state)

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
        impl().onnx_run_options_terminate(self._h, bool(value))
        self._terminate = bool(value)

    def add_run_config_entry(self, key: str, value: str) -> None:
        self._set(f"config:{key}", value)
        self._config[str(key)] = str(value)

    def get_run_config_entry(self, key: str) -> str:
        try:
            return self._config[key]
        except KeyError:
            raise InvalidArgument(f"run config entry '{key}' is not set") from None


def _rebuild_run_options(log_severity_level: int, log_verbosity_level: int, run_tag: str, terminate: bool,
                         config: dict[str, str]) -> RunOptions:
    ro = RunOptions()
    if log_severity_level != ro.log_severity_level:
        ro.log_severity_level = log_severity_level
    if log_verbosity_level != ro.log_verbosity_level:
        ro.log_verbosity_level = log_verbosity_level
    if run_tag:
        ro.run_tag = run_tag
    for k, v in config.items():
        ro.add_run_config_entry(k, v)
    if terminate:
        ro.terminate = True
    return ro
