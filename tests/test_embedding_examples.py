"""The embedding examples run as users would run them: the notebook through `jupyter nbconvert --execute`, the Dask
script with a LocalCluster of two worker processes."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import material  # noqa: E402


@pytest.fixture(scope="module")
def env() -> dict[str, str]:
    minilm = material.minilm()
    return {**os.environ, "PYTHONPATH": str(ROOT / "python"), "AOTML_MINILM": str(minilm.dir)}


def test_notebook_executes(env, tmp_path):
    if shutil.which("jupyter-nbconvert") is None:
        pytest.skip("jupyter-nbconvert is not installed (Debian jupyter-nbconvert)")
    pytest.importorskip("ipykernel")
    pytest.importorskip("matplotlib")
    out = tmp_path / "executed.ipynb"
    done = subprocess.run(["jupyter-nbconvert", "--to", "notebook", "--execute", "--output", str(out),
                           "--ExecutePreprocessor.timeout=300", str(ROOT / "examples" / "embeddings.ipynb")],
                          env=env, capture_output=True, text=True, timeout=600, cwd=ROOT / "examples")
    assert done.returncode == 0, done.stderr[-4000:]
    cells = json.loads(out.read_text())["cells"]
    outputs = [o for c in cells if c["cell_type"] == "code" for o in c["outputs"]]
    assert not [o for o in outputs if o["output_type"] == "error"]
    html = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    assert any("aotml.TextEmbedder" in "".join(h) for h in html)  # the embedder's _repr_html_
    assert any("aotml.tokenizers.Tokenizer" in "".join(h) for h in html)  # the tokenizer's
    assert any("image/png" in o.get("data", {}) for o in outputs)  # the similarity heatmap
    assert "True" in "".join(cells[-1]["outputs"][0]["data"]["text/plain"])


def test_dask_example_runs(env):
    pytest.importorskip("distributed")
    done = subprocess.run([sys.executable, str(ROOT / "examples" / "dask_embeddings.py"), env["AOTML_MINILM"]],
                          env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-4000:]
    lines = done.stdout.splitlines()
    assert lines[0].startswith("dask: 800 texts -> (800, 384) float32 on 2 workers"), done.stdout
    diff = float(lines[1].rsplit(" ", 1)[1])
    assert diff <= 1e-5, done.stdout
