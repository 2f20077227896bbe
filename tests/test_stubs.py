"""The .pyi stubs describe the runtime package exactly (mypy.stubtest, as pydantic-core does)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import aotml

ROOT = Path(__file__).resolve().parent.parent


def test_stubs_match_the_runtime():
    r = subprocess.run([sys.executable, "-m", "mypy.stubtest", "aotml", "--allowlist",
                        str(ROOT / "tests" / "stubtest_allowlist.txt")],
                       capture_output=True, text=True, timeout=600,
                       env={"PYTHONPATH": str(Path(aotml.__file__).parent.parent), "PATH": "/usr/bin:/bin"})
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-2000:]
