"""Runs a script that forks after using the library, and reports how the child exited."""
from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import aotml

PYTHONPATH = f"{Path(aotml.__file__).parent.parent}:{Path(__file__).parent}"


def forked_child_status(backend: str, setup: str, child_ok: str) -> str:
    """Runs `setup` on `backend`, forks, evaluates `child_ok` in the child; returns the parent's 'child <code>' line."""
    script = "\n".join([
        "import os, numpy as np, aotml, aotml.onnxruntime as ort, aotml.tiktoken as tiktoken",
        "from aotml import _backend",
        f"_backend.select({backend!r})",
        textwrap.dedent(setup),
        "pid = os.fork()",
        "if pid == 0:",
        f"    os._exit(0 if ({child_ok}) else 3)",
        "_, status = os.waitpid(pid, 0)",
        "print('child', os.waitstatus_to_exitcode(status))",
    ])
    r = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                       env={"PYTHONPATH": PYTHONPATH})
    assert r.returncode == 0, r.stderr
    return r.stdout.strip()
