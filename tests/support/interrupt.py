"""Sends SIGINT to a child Python process in the middle of a long engine call and checks that the call stopped.

The child prints "ready" just before the long call, then "interrupted <s>" if KeyboardInterrupt reached it or
"finished <s>" if the call ran to its end."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def assert_ctrl_c_stops(code: str, backend: str, *, args: tuple[str, ...] = (), settle: float = 0.5,
                        timeout: float = 60, within: float = 1.5) -> None:
    """Runs `code` in a child on `backend`, sends SIGINT `settle` seconds after "ready", and asserts that the child
    reports the interrupt and exits cleanly within `within` seconds of the signal."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "python"), "AOTML_BACKEND": backend}
    child = subprocess.Popen([sys.executable, "-W", "ignore", "-c", code, *args], env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready", child.stderr.read() if child.stderr else ""
        time.sleep(settle)
        sent = time.monotonic()
        child.send_signal(signal.SIGINT)
        out, err = child.communicate(timeout=timeout)
        took = time.monotonic() - sent
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == 0, err
    assert out.startswith("interrupted"), f"the call was not interrupted: {out!r} {err!r}"
    assert took < within, f"exited {took:.2f} s after SIGINT"
