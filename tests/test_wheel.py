"""The built wheel installs offline into a fresh venv (no numpy, no .NET needed) and works from there; its platform
tag states the glibc the shipped binaries really need."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel() -> Path:
    path = os.environ.get("AOTML_TEST_WHEEL")
    wheels = [Path(path)] if path else sorted((ROOT / "dist").glob("aotml-*.whl"))
    if not wheels or not wheels[-1].exists():
        pytest.skip("no wheel built yet: `python3 build.py test` builds one first")
    return wheels[-1]


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory, wheel: Path) -> Path:
    env_dir = tmp_path_factory.mktemp("venv")
    subprocess.run(["/usr/bin/python3", "-m", "venv", str(env_dir)], check=True)
    py = env_dir / "bin" / "python"
    subprocess.run([str(py), "-m", "pip", "install", "--no-index", "-q", str(wheel)], check=True)
    return py


def test_wheel_contents_and_tag(wheel: Path):
    names = zipfile.ZipFile(wheel).namelist()
    for required in ("aotml/__init__.py", "aotml/__init__.pyi", "aotml/py.typed", "aotml/libaotml.so",
                     "aotml/libonnxruntime.so", "aotml/_ext.abi3.so", "aotml/_ctypes.py", "aotml/tiktoken/core.pyi",
                     "aotml/tiktoken/registry.py", "aotml/onnxruntime/capi/onnxruntime_pybind11_state.py"):
        assert required in names, f"{required} missing from {wheel.name}"
    assert not [n for n in names if n.endswith((".c", ".h", ".cs"))], "sources do not belong in the wheel"
    assert not [n for n in names if n.endswith((".dll", ".lib", ".dylib"))], "only linux-x64 libraries belong in it"
    m = re.search(r"-cp311-abi3-manylinux_(\d+)_(\d+)_x86_64\.whl$", wheel.name)
    assert m, wheel.name
    floor = (int(m.group(1)), int(m.group(2)))
    needed = (2, 17)
    with zipfile.ZipFile(wheel) as zf:
        for n in names:
            if ".so" in n:
                data = zf.read(n)
                for major, minor in re.findall(rb"GLIBC_(\d+)\.(\d+)", data):
                    needed = max(needed, (int(major), int(minor)))
    assert floor == needed, f"tag says glibc {floor}, binaries need {needed}"


def test_installed_wheel_imports_without_the_source_tree(venv: Path, tmp_path: Path):
    script = ("import sys, aotml, array\n"
              "assert 'numpy' not in sys.modules\n"
              "print(aotml.__file__)\n"
              "print(aotml.backend(), aotml.__version__, aotml.ort_version())\n"
              "y = aotml.l2_normalize(array.array('f', [3.0, 4.0]))\n"
              "print(type(y).__name__, list(y))\n"
              "import aotml.tiktoken as tiktoken\n"
              "print(tiktoken.get_encoding('gpt2').encode('hello world'), 'numpy' in sys.modules)\n")
    r = subprocess.run([str(venv), "-c", script], capture_output=True, text=True, cwd=tmp_path,
                       env={"PATH": os.environ.get("PATH", "")}, timeout=120)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert str(venv.parent.parent) in lines[0] and str(ROOT) not in lines[0]
    assert lines[1] == "ext 0.1.0 1.31.1"
    assert lines[2] == "memoryview [0.6000000238418579, 0.800000011920929]"  # float32 0.6 and 0.8, without numpy
    assert lines[3] == "[31373, 995] False"  # the tiktoken drop-in needs no numpy either


def test_pip_install_from_the_checkout(tmp_path: Path):
    env_dir = tmp_path / "venv"
    subprocess.run(["/usr/bin/python3", "-m", "venv", str(env_dir)], check=True)
    py = env_dir / "bin" / "python"
    r = subprocess.run([str(py), "-m", "pip", "install", "--no-index", "-q", str(ROOT)], capture_output=True,
                       text=True, timeout=1200)
    assert r.returncode == 0, r.stderr[-3000:]
    r = subprocess.run([str(py), "-c", "import aotml, array; print(list(aotml.softmax(array.array('d', [0.0, 0.0]))))"],
                       capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert r.stdout.strip() == "[0.5, 0.5]", r.stderr
