"""Checkpoint and resume: a killed or interrupted run resumes to tables identical (bit for bit)
to an uninterrupted run; foreign or missing checkpoints are refused with exit status 2.

Runs are short and small (few cells); what is compared is exact equality of the Parquet
tables read back from disk and of the summaries, never a tolerance.
"""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

import sim
from sim import checkpoint
from sim.cli import main
from sim.model import PhysiologyModel
from sim.numerics import NumericalError

SCENARIO = {
    "name": "ck",
    "seed": 5,
    "duration_min": 120,
    "record_every_min": 5,
    "cell_record_every_min": 30,
    "cells": {"muscle": 5, "liver": 4, "adipose": 4},
    "interventions": [
        {"kind": "meal", "at_min": 10, "carbs_g": 60, "protein_g": 10, "fat_g": 10},
        {
            "kind": "exercise",
            "start_min": 60,
            "duration_min": 30,
            "intensity_vo2max": 0.6,
            "mode": "aerobic",
        },
        {"kind": "gh_injection", "at_min": 90, "dose_mg": 0.5, "route": "sc"},
    ],
}
EVERY = 10.0


def _yaml(path: Path, data: dict) -> Path:
    path.write_text(yaml.safe_dump(data))
    return path


def _tables(run_dir: Path) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    return (
        pd.read_parquet(run_dir / "timeseries.parquet"),
        pd.read_parquet(run_dir / "cells.parquet"),
        json.loads((run_dir / "summary.json").read_text()),
    )


def assert_identical(a: Path, b: Path) -> None:
    """Parquet tables equal element for element (NaN where NaN), summaries equal."""
    (ts_a, cells_a, sum_a), (ts_b, cells_b, sum_b) = _tables(a), _tables(b)
    assert list(ts_a.columns) == list(ts_b.columns)
    assert ts_a.equals(ts_b), "timeseries differ"
    assert cells_a.equals(cells_b), "cells differ"
    assert sum_a == sum_b
    pd.testing.assert_frame_equal(ts_a, ts_b, check_exact=True)


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Path:
    """The uninterrupted run, without checkpointing."""
    out = tmp_path_factory.mktemp("ref") / "run"
    sim.run(sim.load_scenario(SCENARIO)).save(out)
    return out


def _interrupt_after(monkeypatch: pytest.MonkeyPatch, n_steps: int, exc: BaseException) -> None:
    """Make every model built from now on raise ``exc`` in its step number ``n_steps + 1``."""
    real = PhysiologyModel.step

    def step(self: PhysiologyModel) -> None:
        if self.steps > n_steps:  # Mesa counts the step before calling ours
            raise exc
        real(self)

    monkeypatch.setattr(PhysiologyModel, "step", step)


def test_sigkill_after_checkpoint_resumes_identically(tmp_path, reference):
    scn = _yaml(tmp_path / "s.yaml", SCENARIO)
    out = tmp_path / "run"
    state = checkpoint.folder_for(out) / checkpoint.STATE_FILE
    cmd = [sys.executable, "-m", "sim", "run", str(scn), "--out", str(out), "-q"]
    proc = subprocess.Popen(
        [*cmd, "--checkpoint-every-min", str(EVERY)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 120
    while not state.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, proc.stderr.read().decode()
    assert not out.exists(), "the run finished before it was killed"
    assert state.exists()
    assert main([*cmd[3:], "--resume"]) == 0
    assert_identical(out, reference)
    assert not checkpoint.folder_for(out).exists(), "checkpoint not removed after success"
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "completed"
    assert 0 < manifest["resumed_at_min"][0] < SCENARIO["duration_min"]


def test_interrupted_run_resumes_identically(tmp_path, reference, monkeypatch, capsys):
    scn = _yaml(tmp_path / "s.yaml", SCENARIO)
    out = tmp_path / "run"
    args = ["run", str(scn), "--out", str(out), "-q", "--checkpoint-every-min", str(EVERY)]
    with monkeypatch.context() as m:
        _interrupt_after(m, 55, KeyboardInterrupt())
        assert main(args) == 130
    assert "--resume" in capsys.readouterr().err
    assert not out.exists()
    saved = checkpoint.load(checkpoint.folder_for(out), sim.load_scenario(SCENARIO))
    assert saved.time_min == 50.0  # the last multiple of EVERY before the interruption
    # The resume takes its interval from the checkpoint when none is given.
    assert main(["run", str(scn), "--out", str(out), "-q", "--resume"]) == 0
    assert_identical(out, reference)
    assert json.loads((out / "manifest.json").read_text())["resumed_at_min"] == [50.0]


@pytest.fixture(scope="module")
def failed_run(tmp_path_factory) -> tuple[Path, Path]:
    """A tiny run that fails numerically after its first checkpoint: (scenario, out)."""
    root = tmp_path_factory.mktemp("failed")
    tiny = {
        **SCENARIO,
        "duration_min": 40,
        "cells": {"muscle": 2, "liver": 2, "adipose": 2},
        "interventions": SCENARIO["interventions"][:1],
    }
    scn, out = _yaml(root / "tiny.yaml", tiny), root / "run"
    with pytest.MonkeyPatch.context() as m:
        _interrupt_after(m, 25, NumericalError("injected: NaN in muscle cell 0, akt_p"))
        code = main(["run", str(scn), "--out", str(out), "-q", "--checkpoint-every-min", "10"])
    assert code == 1
    return scn, out


def test_numerical_failure_keeps_checkpoint_and_partial_run(failed_run):
    scn, out = failed_run
    failed = out.with_name(out.name + "-failed")
    assert json.loads((failed / "manifest.json").read_text())["status"] == "failed"
    assert not out.exists()
    saved = checkpoint.load(checkpoint.folder_for(out), sim.load_scenario(scn))
    assert saved.time_min == 20.0


def _copy_checkpoint(failed_run, tmp_path: Path) -> tuple[Path, Path]:
    scn, out = failed_run
    new_out = tmp_path / "run"
    shutil.copytree(checkpoint.folder_for(out), checkpoint.folder_for(new_out))
    return scn, new_out


def test_resume_with_modified_scenario_exits_2(failed_run, tmp_path, capsys):
    scn, out = _copy_checkpoint(failed_run, tmp_path)
    args = ["run", str(scn), "--out", str(out), "-q", "--resume"]
    assert main([*args, "--set", "interventions.0.carbs_g=61"]) == 2
    assert "different scenario" in capsys.readouterr().err
    assert main([*args, "--seed", "6"]) == 2
    assert not out.exists()


def test_resume_of_other_package_version_exits_2(failed_run, tmp_path, capsys):
    scn, out = _copy_checkpoint(failed_run, tmp_path)
    path = checkpoint.folder_for(out) / checkpoint.STATE_FILE
    with np.load(path, allow_pickle=False) as npz:
        arrays = {k: npz[k] for k in npz.files}
    meta = json.loads(str(arrays[checkpoint.META_KEY]))
    meta["package_version"] = "0.0.0-other"
    arrays[checkpoint.META_KEY] = np.array(json.dumps(meta))
    np.savez(path, **arrays)
    assert main(["run", str(scn), "--out", str(out), "-q", "--resume"]) == 2
    err = capsys.readouterr().err
    assert "0.0.0-other" in err and str(path) in err
    assert not out.exists()


def test_resume_into_a_different_model_is_refused(failed_run):
    """The rebuilt model is checked against the checkpoint (parameters, pulse train, t = 0
    state), so a checkpoint cannot be continued by a model with other parameter values."""
    scn, out = failed_run
    saved = checkpoint.load(checkpoint.folder_for(out), sim.load_scenario(scn))
    other = sim.load_scenario(scn, ["parameters.muscle.glut4_total=1.3"])
    with pytest.raises(checkpoint.CheckpointError, match="muscle.glut4_total"):
        PhysiologyModel(other).load_state_dict(saved.state)


def test_resume_without_checkpoint_exits_2(tmp_path, capsys):
    scn = _yaml(tmp_path / "s.yaml", SCENARIO)
    out = tmp_path / "run"
    assert main(["run", str(scn), "--out", str(out), "-q", "--resume"]) == 2
    assert "no checkpoint" in capsys.readouterr().err
    assert not out.exists() and not checkpoint.folder_for(out).exists()


def test_existing_checkpoint_needs_resume_or_force(failed_run, tmp_path, capsys):
    scn, out = _copy_checkpoint(failed_run, tmp_path)
    args = ["run", str(scn), "--out", str(out), "-q", "--checkpoint-every-min", "10"]
    assert main(args) == 2
    assert "--resume" in capsys.readouterr().err
    assert (checkpoint.folder_for(out) / checkpoint.STATE_FILE).exists()


@pytest.mark.parametrize("every", ["0", "-5", "nan", "inf"])
def test_bad_checkpoint_interval_exits_2(tmp_path, capsys, every):
    scn = _yaml(tmp_path / "s.yaml", SCENARIO)
    out = tmp_path / "run"
    assert main(["run", str(scn), "--out", str(out), "-q", "--checkpoint-every-min", every]) == 2
    assert "--checkpoint-every-min" in capsys.readouterr().err
    assert not out.exists() and not checkpoint.folder_for(out).exists()
