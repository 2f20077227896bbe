"""The C ABI: tools/abi.py describes exactly what libaotml.so exports, the files generated from it are fresh, the ctypes
signatures agree with aotml.h, and the engine depends on nothing beyond glibc."""
from __future__ import annotations

import ctypes
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import aotml
from aotml import _ctypes

ROOT = Path(__file__).resolve().parent.parent
HEADER = ROOT / "csharp" / "Aotml.Native" / "include" / "aotml.h"
ENGINE = Path(aotml.__file__).parent / "libaotml.so"
PROTOTYPE = re.compile(r"^AOTML_API\s+(.+?)\s*\b(aotml_\w+)\((.*)\);\s*$", re.M)

SCALARS = {"int32_t": ctypes.c_int32, "int64_t": ctypes.c_int64, "uint32_t": ctypes.c_uint32,
           "uint64_t": ctypes.c_uint64, "double": ctypes.c_double, "float": ctypes.c_float,
           "uint8_t": ctypes.c_uint8, "void": None}


def header_prototypes() -> dict[str, tuple[str, list[str]]]:
    text = HEADER.read_text()
    out = {}
    for ret, name, args in PROTOTYPE.findall(text):
        params = [] if args.strip() in ("", "void") else [a.strip() for a in args.split(",")]
        out[name] = (ret.strip(), params)
    return out


def c_type_of(param: str) -> str:
    """'const aotml_buffer* x' -> 'aotml_buffer*' (the type without qualifiers or the name)."""
    param = param.replace("const ", "").strip()
    m = re.match(r"^([\w ]+?)\s*(\**)\s*\w*$", param)
    assert m, f"cannot parse parameter {param!r}"
    return m.group(1).strip() + m.group(2)


def acceptable(c_type: str, ctype: object) -> bool:
    stars = c_type.count("*")
    base = c_type.rstrip("*")
    if stars == 0:
        return SCALARS[base] is ctype
    if ctype is ctypes.c_void_p:  # any pointer may travel as void*
        return True
    if stars == 1 and base == "char":
        return ctype is ctypes.c_char_p
    if stars == 1 and base == "aotml_buffer":
        return ctype is ctypes.POINTER(_ctypes.Buffer)
    if stars == 2 and base == "char":
        return ctype is ctypes.POINTER(ctypes.c_char_p)
    pointee = SCALARS.get(base) if stars == 1 else None
    return pointee is not None and ctype is ctypes.POINTER(pointee)


def _tools():  # type: ignore[no-untyped-def]
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import abi
        import abi_gen
    finally:
        sys.path.pop(0)
    return abi, abi_gen


def library_exports() -> set[str]:
    nm = shutil.which("nm")
    assert nm, "binutils' nm is needed (python3 build.py test installs it)"
    out = subprocess.run([nm, "-D", "--defined-only", str(ENGINE)], capture_output=True, text=True, check=True).stdout
    return {m.split("@")[0] for m in re.findall(r"\sT\s+(aotml_\S+)", out)}


def test_table_describes_what_the_library_exports():
    abi, _ = _tools()
    described = {e.name for e in abi.EXPORTS}
    exported = library_exports()
    assert described == exported, f"described only: {described - exported}; exported only: {exported - described}"


def test_header_declares_what_the_library_exports():
    declared = set(header_prototypes())
    assert declared, "no prototypes parsed from aotml.h"
    assert declared == library_exports()


def test_generated_files_are_fresh():
    """aotml.h, _ext_generated.c, _ctypes_generated.py and _ext.pyi are what tools/abi.py generates now."""
    _, abi_gen = _tools()
    for path, text in abi_gen.outputs().items():
        assert path.read_text() == text, f"{path.relative_to(ROOT)} is stale: run python3 build.py gen"
        assert abi_gen.STAMP in text.splitlines()[0]


def test_both_backends_expose_the_same_functions():
    from aotml import _ext
    abi, _ = _tools()
    names = {p.name for e in abi.EXPORTS for p in e.py} | {"handle_free", "onnx_session_run", "onnx_binding_outputs",
                                                             "texts_are_utf8"}
    for name in names:
        assert callable(getattr(_ext, name)) and callable(getattr(_ctypes, name)), name


def test_exports_check_their_arguments_by_kind():
    """Every export that takes a Python argument converts it through its kind: a wrong type never reaches the engine."""
    from aotml import _ext
    abi, _ = _tools()
    for e in abi.EXPORTS:
        for p in e.py:
            ins = [k for k, _ in e.parsed() if k in abi.IN_KINDS]
            if "handle" not in ins:
                continue
            args = [object()] * len(ins)
            for impl in (_ext, _ctypes):
                with pytest.raises(TypeError):
                    getattr(impl, p.name)(*args)


def test_ctypes_signatures_agree_with_the_header():
    protos = header_prototypes()
    assert set(_ctypes.ALL_SIGNATURES) == set(protos)
    for name, (ret, params) in protos.items():
        restype, argtypes = _ctypes.ALL_SIGNATURES[name]
        assert acceptable(ret, restype), f"{name}: returns {ret}, ctypes says {restype}"
        assert len(argtypes) == len(params), f"{name}: {len(params)} parameters in aotml.h, {len(argtypes)} in ctypes"
        for p, a in zip(params, argtypes):
            assert acceptable(c_type_of(p), a), f"{name}: parameter {p!r} declared as {a} in ctypes"


def test_every_export_returns_a_status_except_free():
    for name, (ret, _) in header_prototypes().items():
        assert ret == "int32_t" or name == "aotml_free", f"{name} returns {ret}"


def test_status_codes_match_python_errors():
    from aotml import _errors
    codes = dict(re.findall(r"AOTML_(?:OK|ERR_(\w+)) = (\d+)", HEADER.read_text()))
    assert int(codes["INVALID_ARGUMENT"]) == _errors.INVALID_ARGUMENT
    assert int(codes["ONNXRUNTIME"]) == _errors.ONNXRUNTIME
    assert int(codes["ORT_UNAVAILABLE"]) == _errors.ORT_UNAVAILABLE
    assert int(codes["KEY"]) == _errors.KEY
    assert int(codes["CANCELLED"]) == _errors.CANCELLED


def test_engine_needs_only_glibc():
    out = subprocess.run(["ldd", str(ENGINE)], capture_output=True, text=True, check=True).stdout
    libs = {line.split()[0] for line in out.splitlines() if line.strip()}
    allowed = re.compile(r"^(linux-vdso\.so\.1|/lib64/ld-linux-x86-64\.so\.2|lib(c|m|dl|pthread|rt)\.so\.\d+)$")
    assert all(allowed.match(lib) for lib in libs), f"unexpected dependencies: {libs}"


def test_versions(backend):
    assert re.match(r"^\d+\.\d+\.\d+", aotml.__version__)
    assert aotml.ort_version() == "1.31.1"


def test_missing_onnxruntime_fails_only_when_used(tmp_path):
    script = ("import aotml, numpy as np\n"
              "print(aotml.softmax(np.ones(3, np.float32)).sum())\n"
              "try:\n    aotml.ort_version()\nexcept aotml.OnnxRuntimeUnavailableError as e:\n    print('ERR', e)\n")
    env = {"AOTML_ORT_LIBRARY": str(tmp_path / "missing.so"), "PYTHONPATH": str(Path(aotml.__file__).parent.parent)}
    r = subprocess.run(["/usr/bin/python3", "-c", script], capture_output=True, text=True, env=env, timeout=60)
    assert r.returncode == 0, r.stderr
    assert "1.0" in r.stdout and "ERR" in r.stdout and "AOTML_ORT_LIBRARY" in r.stdout


@pytest.mark.parametrize("name", ["ext", "ctypes"])
def test_backend_env_var_forces_choice(name):
    env = {"AOTML_BACKEND": name, "PYTHONPATH": str(Path(aotml.__file__).parent.parent)}
    r = subprocess.run(["/usr/bin/python3", "-c", "import aotml; print(aotml.backend())"],
                       capture_output=True, text=True, env=env, timeout=60)
    assert r.stdout.strip() == name, r.stderr


def test_old_cpu_gets_an_import_error_not_a_crash(tmp_path):
    from aotml import _backend
    fake = tmp_path / "cpuinfo"
    fake.write_text("processor\t: 0\nflags\t\t: fpu sse sse2 ssse3 sse4_1 sse4_2 popcnt avx\n")
    with pytest.raises(ImportError, match="x86-64-v3.*avx2"):
        _backend._check_cpu(str(fake))
    fake.write_text("flags\t\t: sse2 avx avx2 fma bmi1 bmi2 movbe\n")
    _backend._check_cpu(str(fake))
