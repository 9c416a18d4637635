"""Checkpoint and resume: a killed or interrupted run resumes to tables identical (bit for bit)
to an uninterrupted run; foreign or missing checkpoints are refused with exit status 2.

Runs are short and small (few cells), and the model's pre-run warm-up is shortened
(:data:`SHORT_WARMUP`: the checkpoint mechanics do not depend on its length, and every run
of a comparison uses the same one) to keep the default suite fast; the slow test runs the
default scenario at full size with the real warm-up. What is compared is exact equality of
the Parquet tables read back from disk and of the summaries, never a tolerance.
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
import sim.model as sim_model
from sim import checkpoint
from sim.cli import main
from sim.model import PhysiologyModel
from sim.numerics import NumericalError

REAL_WARMUP = {"WARMUP_MIN": sim_model.WARMUP_MIN, "PREWARM_MIN": sim_model.PREWARM_MIN}

SCENARIO = {
    "name": "ck",
    "seed": 5,
    "duration_min": 80,
    "record_every_min": 5,
    "cell_record_every_min": 30,
    "cells": {"muscle": 5, "liver": 4, "adipose": 4},
    "interventions": [
        {"kind": "meal", "at_min": 10, "carbs_g": 60, "protein_g": 10, "fat_g": 10},
        {
            "kind": "exercise",
            "start_min": 40,
            "duration_min": 15,
            "intensity_vo2max": 0.6,
            "mode": "aerobic",
        },
        {"kind": "gh_injection", "at_min": 60, "dose_mg": 0.5, "route": "sc"},
    ],
}
EVERY = 10.0
SHORT_WARMUP = {"WARMUP_MIN": 30.0, "PREWARM_MIN": 20.0}
"""Warm-up lengths (min) for the fast tests, set on :mod:`sim.model`."""
SHORT_WARMUP_MAIN = (
    "import sys\n"
    "import sim.model\n"
    f"sim.model.WARMUP_MIN = {SHORT_WARMUP['WARMUP_MIN']}\n"
    f"sim.model.PREWARM_MIN = {SHORT_WARMUP['PREWARM_MIN']}\n"
    "from sim.cli import main\n"
    "sys.exit(main(sys.argv[1:]))\n"
)
"""``python -c`` program: the command line with the short warm-up."""


@pytest.fixture(scope="module", autouse=True)
def short_warmup():
    with pytest.MonkeyPatch.context() as m:
        for name, value in SHORT_WARMUP.items():
            m.setattr(sim_model, name, value)
        yield


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
def reference(tmp_path_factory, short_warmup) -> Path:
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


def _kill_after_checkpoints(cmd: list[str], out: Path, n: int, timeout_s: float) -> None:
    """Run ``sim run`` in a subprocess and SIGKILL it once its ``n``-th checkpoint exists."""
    state = checkpoint.folder_for(out) / checkpoint.STATE_FILE
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    seen: set[int] = set()
    deadline = time.monotonic() + timeout_s
    while len(seen) < n and proc.poll() is None and time.monotonic() < deadline:
        if state.exists():
            seen.add(state.stat().st_mtime_ns)
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, proc.stderr.read().decode()
    assert not out.exists(), "the run finished before it was killed"
    assert state.exists()


def test_sigkill_after_checkpoint_resumes_identically(tmp_path, reference):
    scn = _yaml(tmp_path / "s.yaml", SCENARIO)
    out = tmp_path / "run"
    cmd = [sys.executable, "-c", SHORT_WARMUP_MAIN, "run", str(scn), "--out", str(out), "-q"]
    # Every 5 min: the kill lands early (most of the run left) and often mid-write.
    _kill_after_checkpoints([*cmd, "--checkpoint-every-min", "5"], out, 1, 120)
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
        _interrupt_after(m, 45, KeyboardInterrupt())
        assert main(args) == 130
    assert "--resume" in capsys.readouterr().err
    assert not out.exists()
    saved = checkpoint.load(checkpoint.folder_for(out), sim.load_scenario(SCENARIO))
    assert saved.time_min == 40.0  # the last multiple of EVERY before the interruption
    # The resume takes its interval from the checkpoint when none is given; interrupted
    # again, it has written checkpoints (and cell-snapshot chunks) of its own.
    resume = ["run", str(scn), "--out", str(out), "-q", "--resume"]
    with monkeypatch.context() as m:
        _interrupt_after(m, 65, KeyboardInterrupt())
        assert main(resume) == 130
    # Resumed by a package whose source differs (the hash is faked): allowed, but recorded.
    monkeypatch.setattr(sim.io, "source_sha256", lambda: "0" * 64)
    assert main(resume) == 0
    assert_identical(out, reference)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["resumed_at_min"] == [40.0, 60.0]
    assert manifest["resumed_with_changed_source"] is True


@pytest.fixture(scope="module")
def failed_run(tmp_path_factory, short_warmup) -> tuple[Path, Path]:
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


def test_resume_with_a_snapshot_chunk_missing_exits_2(failed_run, tmp_path, capsys):
    scn, out = _copy_checkpoint(failed_run, tmp_path)
    chunks = sorted(checkpoint.folder_for(out).glob("snapshots-*.npz"))
    assert chunks
    chunks[0].unlink()
    assert main(["run", str(scn), "--out", str(out), "-q", "--resume"]) == 2
    assert chunks[0].name in capsys.readouterr().err
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


@pytest.mark.slow
def test_full_size_two_day_run_killed_and_resumed_is_identical(tmp_path, monkeypatch):
    """The default scenario at full size (1,100 cells) over 48 h, killed with SIGKILL after its
    second 6-hourly checkpoint. Run: ``.venv/bin/python -m pytest tests/test_checkpoint.py
    -m slow -n 0`` (about 3 min on 2 cores)."""
    for name, value in REAL_WARMUP.items():
        monkeypatch.setattr(sim_model, name, value)
    base = Path(__file__).resolve().parent.parent / "configs" / "baseline.yaml"
    cmd = ["run", str(base), "--set", "duration_min=2880", "-q"]
    ref, out = tmp_path / "ref", tmp_path / "run"
    assert main([*cmd, "--out", str(ref)]) == 0
    sub = [sys.executable, "-m", "sim", *cmd, "--out", str(out), "--checkpoint-every-min", "360"]
    _kill_after_checkpoints(sub, out, 2, 600)
    assert main([*cmd, "--out", str(out), "--resume"]) == 0
    assert_identical(out, ref)


def test_unwritable_checkpoint_warns_and_the_run_goes_on(tmp_path, caplog):
    """A checkpoint that cannot be written (here its folder's path is a file) is reported
    and the run continues to its result."""
    blocked = tmp_path / "blocked.checkpoint"
    blocked.write_text("not a folder")
    tiny = {**SCENARIO, "duration_min": 20, "cells": {"muscle": 2, "liver": 2, "adipose": 2}}
    tiny["interventions"] = SCENARIO["interventions"][:1]
    result = sim.run(tiny, checkpoint_dir=blocked, checkpoint_every_min=5)
    assert result.status == "completed" and len(result.timeseries) == 5
    assert "not written" in caplog.text and str(blocked) in caplog.text
