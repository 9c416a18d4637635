"""The reproducibility record: ``manifest.json`` has what a re-run needs, and
``sim run --from-manifest`` reproduces a run bit for bit, refusing an altered scenario.

Expected values come from independent sources (importlib metadata, the platform module,
``git rev-parse``, hashing the saved file), not from the code under test. The model's
warm-up is shortened for speed, the same for the run and its re-run.
"""

from __future__ import annotations

import hashlib
import json
import platform
import shutil
import subprocess
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

import sim.model as sim_model
from sim.cli import main
from sim.io import MANIFEST_KEYS

SCENARIO = {
    "name": "mf",
    "seed": 7,
    "duration_min": 45,
    "cells": {"muscle": 3, "liver": 3, "adipose": 3},
    "heterogeneity_cv": 0.2,
    "interventions": [{"kind": "meal", "at_min": 5, "carbs_g": 50, "fat_g": 10}],
}


SHORT_WARMUP = {"WARMUP_MIN": 30.0, "PREWARM_MIN": 20.0}


@pytest.fixture(scope="module", autouse=True)
def short_warmup():
    with pytest.MonkeyPatch.context() as m:
        for name, value in SHORT_WARMUP.items():
            m.setattr(sim_model, name, value)
        yield


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory, short_warmup) -> Path:
    root = tmp_path_factory.mktemp("manifest")
    scn = root / "s.yaml"
    scn.write_text(yaml.safe_dump(SCENARIO))
    out = root / "run"
    assert main(["run", str(scn), "--out", str(out), "-q"]) == 0
    return out


def assert_identical(a: Path, b: Path) -> None:
    """Parquet tables equal element for element (NaN where NaN), summaries equal."""
    for name in ("timeseries.parquet", "cells.parquet"):
        ta, tb = pd.read_parquet(a / name), pd.read_parquet(b / name)
        assert ta.equals(tb), f"{name} differ"
    summary = [json.loads((d / "summary.json").read_text()) for d in (a, b)]
    assert summary[0] == summary[1]


def _git_head() -> str | None:
    root = Path(__file__).resolve().parent.parent
    out = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True)
    return out.stdout.decode().strip() if out.returncode == 0 else None


def test_manifest_has_the_reproducibility_record(run_dir):
    m = json.loads((run_dir / "manifest.json").read_text())
    assert set(MANIFEST_KEYS) <= set(m)
    assert m["version"] == metadata.version("sim")
    assert m["git_commit"] == _git_head()
    assert isinstance(m["git_dirty"], bool) or m["git_commit"] is None
    assert len(m["source_sha256"]) == 64
    assert m["python"] == platform.python_version()
    assert m["platform"] == platform.platform()
    assert m["packages"]["numpy"] == np.__version__
    assert m["packages"]["mesa"] == metadata.version("mesa")
    text = (run_dir / "scenario.yaml").read_bytes()
    assert m["scenario_sha256"] == hashlib.sha256(text).hexdigest()
    assert m["seed"] == SCENARIO["seed"] and m["cells"] == SCENARIO["cells"]
    assert m["wall_seconds"] > 0 and m["status"] == "completed"


def test_from_manifest_reproduces_bit_for_bit_and_warns(run_dir, tmp_path, capsys):
    """Re-run from a copy whose manifest records other numpy and git versions: identical
    tables and summary, with a warning that names what differs."""
    copy = tmp_path / "recorded"
    shutil.copytree(run_dir, copy)
    manifest = json.loads((copy / "manifest.json").read_text())
    manifest["packages"]["numpy"] = "0.0.1"
    manifest["git_commit"] = "0" * 40
    (copy / "manifest.json").write_text(json.dumps(manifest))
    out = tmp_path / "rerun"
    assert main(["run", "--from-manifest", str(copy / "manifest.json"), "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "numpy: 0.0.1 (recorded)" in err and "git_commit: " + "0" * 40 in err
    assert_identical(out, run_dir)
    new = json.loads((out / "manifest.json").read_text())
    assert new["scenario_sha256"] == manifest["scenario_sha256"]
    assert new["reproduces"]["manifest"] == str(copy / "manifest.json")


def test_tampered_scenario_exits_2(run_dir, tmp_path, capsys):
    copy = tmp_path / "recorded"
    shutil.copytree(run_dir, copy)
    scenario = copy / "scenario.yaml"
    scenario.write_text(scenario.read_text().replace("carbs_g: 50", "carbs_g: 55"))
    out = tmp_path / "rerun"
    assert main(["run", "--from-manifest", str(copy / "manifest.json"), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert str(scenario) in err and "does not match scenario_sha256" in err
    assert not out.exists()


@pytest.mark.parametrize(
    "problem",
    ["missing", "not json", "no hash", "no scenario", "with --set", "with scenario"],
)
def test_from_manifest_bad_input_exits_2(run_dir, tmp_path, capsys, problem):
    copy = tmp_path / "recorded"
    shutil.copytree(run_dir, copy)
    manifest = copy / "manifest.json"
    extra: list[str] = []
    if problem == "missing":
        manifest.unlink()
    elif problem == "not json":
        manifest.write_text("{not json")
    elif problem == "no hash":
        manifest.write_text(json.dumps({"seed": 1}))
    elif problem == "no scenario":
        (copy / "scenario.yaml").unlink()
    elif problem == "with --set":
        extra = ["--set", "seed=3"]
    else:
        extra = [str(copy / "scenario.yaml")]
    out = tmp_path / "rerun"
    assert main(["run", "--from-manifest", str(manifest), "--out", str(out), *extra]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "Traceback" not in err
    assert not out.exists()
