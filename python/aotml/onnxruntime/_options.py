"""Session and run options, and the enums they take, with onnxruntime's names and defaults."""
from __future__ import annotations

import enum
import os
from typing import Any

from .. import _handles
from .._errors import InvalidArgument
from ._common import impl

__all__ = ["GraphOptimizationLevel", "ExecutionMode", "SessionOptions", "RunOptions"]


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
    """Per-run options. Setting ``terminate = True`` from any thread stops the runs using these options.

    Copies and pickles are rebuilt from the settings: each copy owns its own native options.
    """

    def __init__(self) -> None:
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
