"""Shared fixtures: every test that takes `backend` runs once on the compiled extension and once on ctypes."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from aotml import _backend

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(params=["ext", "ctypes"])
def backend(request: pytest.FixtureRequest):
    previous = _backend.name
    _backend.select(request.param)
    try:
        yield request.param
    finally:
        _backend.select(previous)


@pytest.fixture(scope="session")
def npm_modules() -> Path:
    """node_modules holding the peer libraries (installed by `python3 build.py test`)."""
    path = Path(os.environ.get("AOTML_NPM_MODULES", ROOT / "build" / "npm" / "node_modules"))
    if not path.is_dir():
        pytest.skip(f"npm peer libraries not installed at {path}: run `python3 build.py test`")
    return path
