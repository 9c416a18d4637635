"""Data safety, bounded work and clean failures: each finding of the adversarial review
reproduced, and what must hold now (the user's files untouched, exit 2 quickly, a message).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import yaml

from sim import checkpoint, io, numerics, warmcache
from sim.cli import main
from sim.inputs import MAX_VALUES

SMALL = {
    "name": "small",
    "duration_min": 10,
    "cells": {"muscle": 3, "liver": 3, "adipose": 3},
}


SECRETAGOGUE = "interventions=[{kind: secretagogue, at_min: 0, drug: ipamorelin, dose_ug: 100, "


def _scenario(folder: Path, data=SMALL, name: str = "small.yaml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(data if isinstance(data, str) else yaml.safe_dump(data))
    return path


def _tree(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` with its content (what must stay untouched)."""
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _sim(args: list[str], cwd: Path, timeout: float = 120, env: dict | None = None):
    """``sim`` in a fresh process (the way a user runs it)."""
    return subprocess.run(
        [sys.executable, "-m", "sim", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


# ------------------------------------------------------------------ data loss


def test_force_never_replaces_a_parent_of_the_working_folder(tmp_path, monkeypatch):
    (tmp_path / "p" / "keep.txt").parent.mkdir()
    (tmp_path / "p" / "keep.txt").write_text("user data")
    scn = _scenario(tmp_path / "p" / "c")
    before = _tree(tmp_path)
    monkeypatch.chdir(tmp_path / "p" / "c")
    for out in ("..", ".", str(tmp_path / "p"), "/", str(Path.home())):
        assert main(["run", scn.name, "--out", out, "--force", "-q"]) == 2
    assert _tree(tmp_path) == before


def test_force_never_replaces_a_folder_that_is_not_a_run(tmp_path, capsys):
    scn = _scenario(tmp_path)
    user = tmp_path / "d"
    user.mkdir()
    (user / "results.csv").write_text("x\n")
    assert main(["run", str(scn), "--out", str(user), "--force", "-q"]) == 2
    assert "not an output folder of this project" in capsys.readouterr().err
    assert (user / "results.csv").read_text() == "x\n"
    # nor a folder holding the scenario file itself
    assert main(["run", str(scn), "--out", str(tmp_path), "--force", "-q"]) == 2
    assert scn.is_file()


def test_force_replaces_a_run_folder_and_follows_the_umask(tmp_path):
    scn, out = _scenario(tmp_path), tmp_path / "run"
    old = os.umask(0o022)
    try:
        assert main(["run", str(scn), "--out", str(out), "-q"]) == 0
        assert main(["run", str(scn), "--out", str(out), "-q", "--force", "--seed", "3"]) == 0
    finally:
        os.umask(old)
    assert json.loads((out / "manifest.json").read_text())["seed"] == 3
    assert (out.stat().st_mode & 0o777) == 0o755
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_failed_run_never_overwrites_a_users_failed_folder(tmp_path, monkeypatch):
    scn, out = _scenario(tmp_path), tmp_path / "exp"
    user = tmp_path / "exp-failed"
    user.mkdir()
    (user / "notes.txt").write_text("mine")

    from sim.model import PhysiologyModel

    real_step = PhysiologyModel.step

    def failing_step(self):
        if self.time_min >= 3:
            raise numerics.NumericalError("t=3 min, muscle, species akt_p: value nan")
        real_step(self)

    monkeypatch.setattr(PhysiologyModel, "step", failing_step)
    assert main(["run", str(scn), "--out", str(out), "-q"]) == 1
    assert (user / "notes.txt").read_text() == "mine" and len(list(user.iterdir())) == 1
    failed = tmp_path / "exp-failed-2"
    assert json.loads((failed / "manifest.json").read_text())["status"] == "failed"
    assert not out.exists()


def _files() -> dict:
    return {"manifest.json": {"package": "sim", "status": "completed"}, "a.txt": "x"}


def test_replace_killed_while_deleting_the_old_folder_leaves_the_new_one_whole(
    tmp_path, monkeypatch
):
    out = tmp_path / "run"
    io.write_run(out, {**_files(), "a.txt": "old"})

    def killed(path, *a, **k):
        raise KeyboardInterrupt  # dies while deleting the old folder

    monkeypatch.setattr(io.shutil, "rmtree", killed)
    with pytest.raises(KeyboardInterrupt):
        io.write_run(out, {**_files(), "a.txt": "new"}, force=True)
    assert (out / "a.txt").read_text() == "new"
    assert json.loads((out / "manifest.json").read_text())["status"] == "completed"


def test_replace_failing_between_the_renames_puts_the_old_folder_back(tmp_path, monkeypatch):
    out = tmp_path / "run"
    io.write_run(out, {**_files(), "a.txt": "old"})
    real = os.rename
    calls = []

    def second_fails(a, b):
        calls.append(b)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real(a, b)

    monkeypatch.setattr(io.os, "rename", second_fails)
    with pytest.raises(OSError):
        io.write_run(out, {**_files(), "a.txt": "new"}, force=True)
    assert (out / "a.txt").read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["run"]


KILLER = """
import sys
from pathlib import Path
from sim import io
out = Path(sys.argv[1])
big = {f"f{i:05d}.txt": "x" * 200 for i in range(3000)}
io.write_run(out, {"manifest.json": {"package": "sim", "v": sys.argv[2]}, **big}, force=True)
"""


@pytest.mark.parametrize("delay", [0.05, 0.2, 0.4, 0.7])
def test_sigkill_during_force_replace_never_leaves_a_torn_folder(tmp_path, delay):
    out = tmp_path / "run"
    io.write_run(
        out,
        {
            "manifest.json": {"package": "sim", "v": "old"},
            **{f"f{i:05d}.txt": "o" for i in range(3000)},
        },
    )
    proc = subprocess.Popen([sys.executable, "-c", KILLER, str(out), "new"])
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    whole = []
    for folder in [out, *tmp_path.glob(".run.replaced-*")]:
        if folder.is_dir() and (folder / "manifest.json").exists():
            n = len(list(folder.glob("f*.txt")))
            assert n == 3000, f"{folder} holds {n} of 3000 files"
            whole.append(json.loads((folder / "manifest.json").read_text())["v"])
    assert whole, "neither the old nor the new run survived"
    if out.exists():
        assert json.loads((out / "manifest.json").read_text())["v"] in ("old", "new")


def test_warm_cache_in_a_users_folder_never_deletes_the_users_files(tmp_path, monkeypatch):
    user = tmp_path / "mine"
    user.mkdir()
    for i in range(3):
        np.savez(user / f"data{i}.npz", x=np.zeros(100_000))  # 0.8 MB each, over the limit
    before = _tree(user)
    monkeypatch.setenv(warmcache.ENV, str(user))
    monkeypatch.setenv(warmcache.MAX_ENV, "2")
    scn = _scenario(tmp_path)
    for seed in (1, 2, 3):
        assert (
            main(["run", str(scn), "--out", str(tmp_path / f"r{seed}"), "-q", "--seed", str(seed)])
            == 0
        )
    after = _tree(user)
    assert {k: v for k, v in after.items() if k in before} == before
    assert len([k for k in after if k.endswith(".npz") and k not in before]) >= 1
    assert warmcache.clear() >= 1
    assert _tree(user) == before


def test_unusable_cache_size_is_reported_not_fatal(tmp_path, monkeypatch, caplog):
    monkeypatch.setenv(warmcache.MAX_ENV, "abc")
    assert warmcache.max_bytes() == warmcache.DEFAULT_MAX_MIB * 2**20
    assert "SIM_WARM_CACHE_MAX_MIB" in caplog.text


def test_checkpoint_removal_keeps_foreign_files(tmp_path):
    folder = tmp_path / "run.checkpoint"
    folder.mkdir()
    (folder / "state.npz").write_bytes(b"x")
    (folder / "mine.txt").write_text("keep")
    assert not checkpoint.is_checkpoint_folder(folder)
    checkpoint.remove(folder)
    assert (folder / "mine.txt").read_text() == "keep" and not (folder / "state.npz").exists()


# ------------------------------------------------------------------ hangs


def _bomb(levels: int = 9) -> str:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    for i in range(1, levels + 1):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    "kind,text",
    [
        ("run", "name: b\nduration_min: 10\n" + _bomb() + "junk: *a9\n"),
        ("run", "name: b\nduration_min: 10\n" + _bomb() + "parameters: *a9\n"),
        ("sweep", "name: s\nbase: {name: b, duration_min: 10}\n" + _bomb() + "design: *a9\n"),
        ("compare", "name: c\n" + _bomb() + "arms: *a9\n"),
    ],
)
def test_yaml_alias_bomb_is_refused_quickly(tmp_path, capsys, kind, text):
    path = _scenario(tmp_path, text, "bomb.yaml")
    assert len(path.read_bytes()) < 1000
    t0 = time.perf_counter()
    assert main([kind, str(path), "--out", str(tmp_path / "o")]) == 2
    assert time.perf_counter() - t0 < 5
    err = capsys.readouterr().err
    assert f"{MAX_VALUES:,} values" in err and len(err) < 2000
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize(
    "sets,needle",
    [
        (
            ["interventions=[{kind: meal, at_min: 0, carbs_g: 1, repeat_every_min: 1.0e-9}]"],
            "SIM_MAX_EVENTS",
        ),
        (["dt_min=1e-7"], "SIM_MAX_STEPS"),
        (["dt_min=1e-300"], "SIM_MAX_STEPS"),
    ],
)
def test_unbounded_work_in_a_scenario_is_refused_quickly(tmp_path, capsys, sets, needle):
    scn = _scenario(tmp_path)
    t0 = time.perf_counter()
    args = ["run", str(scn), "--out", str(tmp_path / "o"), "-q"]
    assert main(args + [a for s in sets for a in ("--set", s)]) == 2
    assert time.perf_counter() - t0 < 5
    assert needle in capsys.readouterr().err and not (tmp_path / "o").exists()


def test_limits_have_an_explicit_override(tmp_path, monkeypatch, capsys):
    # 24 steps: within the default bound, over an override of 10. (A finer dt_min costs the
    # same check 1/dt_min minutes of warm-up steps: dt_min=0.001 took 8 min.)
    scn = _scenario(tmp_path, {**SMALL, "duration_min": 6, "dt_min": 0.25})
    assert (
        main(["run", str(scn), "--out", str(tmp_path / "o"), "-q", "--set", "cells.muscle=1"]) == 0
    )
    monkeypatch.setenv("SIM_MAX_STEPS", "10")
    assert main(["run", str(scn), "--out", str(tmp_path / "o2"), "-q"]) == 2
    assert "SIM_MAX_STEPS" in capsys.readouterr().err and not (tmp_path / "o2").exists()
    # the warm-up is stepped at dt_min too: 24 run steps + 960 warm-up steps > 500
    monkeypatch.setenv("SIM_MAX_STEPS", "500")
    assert main(["run", str(scn), "--out", str(tmp_path / "o3"), "-q"]) == 2
    err = capsys.readouterr().err
    assert "warm-up" in err and "SIM_MAX_STEPS" in err and not (tmp_path / "o3").exists()


@pytest.mark.parametrize(
    "design",
    [
        {
            "kind": "grid",
            "parameters": {f"parameters.muscle.k{i}": list(range(5)) for i in range(10)},
        },
        {"kind": "lhs", "samples": 10_000_000, "parameters": {"seed": [0, 1]}},
        {"kind": "sobol", "samples": 2**24, "parameters": {"seed": [0, 1]}},
    ],
)
def test_huge_sweep_designs_are_refused_before_planning(tmp_path, capsys, design):
    path = _scenario(tmp_path, {"name": "s", "base": SMALL, "design": design}, "sweep.yaml")
    t0 = time.perf_counter()
    assert main(["sweep", str(path), "--out", str(tmp_path / "o")]) == 2
    assert time.perf_counter() - t0 < 5
    assert "SIM_MAX_RUNS" in capsys.readouterr().err and not (tmp_path / "o").exists()


def test_unreachable_scheduler_exits_2_quickly_and_writes_nothing(tmp_path):
    path = _scenario(
        tmp_path,
        {"name": "s", "base": SMALL, "design": {"kind": "grid", "parameters": {"seed": [0, 1]}}},
        "sweep.yaml",
    )
    t0 = time.perf_counter()
    res = _sim(["sweep", str(path), "--out", "o", "--scheduler", "tcp://127.0.0.1:1"], tmp_path)
    assert res.returncode == 2, res.stderr
    assert time.perf_counter() - t0 < 30
    assert "Traceback" not in res.stderr and not (tmp_path / "o").exists()
    res = _sim(["sweep", str(path), "--out", "o", "--scheduler", "not an address"], tmp_path)
    assert res.returncode == 2 and "tcp://HOST" in res.stderr


# ------------------------------------------------------------------ tracebacks


@pytest.mark.parametrize(
    "content,needle",
    [
        (b"name: x\n\xff\xfe duration_min: 10\n", "not UTF-8"),
        (b"\x00\x01\x02binary", "binary"),
        (b"[" * 5000 + b"]" * 5000, "nested deeper"),
        (b"a:\n" + b"".join(b"  " * i + b"b:\n" for i in range(1, 300)), "nested deeper"),
        (b"name: a\nname: b\nduration_min: 10\n", "given twice"),
        (
            b"name: a\nduration_min: 10\nprotocol: {kind: clamp, insulin_uU_ml: []}\n",
            "insulin_uU_ml",
        ),
    ],
)
def test_bad_scenario_files_exit_2_with_a_message(tmp_path, capsys, content, needle):
    path = tmp_path / "bad.yaml"
    path.write_bytes(content)
    assert main(["run", str(path), "--out", str(tmp_path / "o"), "-q"]) == 2
    assert needle in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_dev_zero_and_folders_are_not_read_as_inputs(tmp_path, capsys):
    for args in (["run", "/dev/zero"], ["sweep", "/dev/zero"], ["run", str(tmp_path)]):
        assert main(args) == 2
    assert main(["run", "--from-manifest", "/dev/zero"]) == 2
    err = capsys.readouterr().err
    assert "not a regular file" in err and "a folder" in err


def test_from_manifest_of_the_current_folder(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["run", "--from-manifest", "."]) == 2
    (tmp_path / "manifest.json").write_text('{"scenario_sha256": ' + "[" * 5000 + "]" * 5000 + "}")
    assert main(["run", "--from-manifest", "."]) == 2
    assert "manifest" in capsys.readouterr().err


@pytest.mark.parametrize(
    "sets,needle",
    [
        (["dt_min=0.7", "record_every_min=5"], "not a whole number of steps"),
        (["duration_min=0.5"], "not a whole number of steps"),
        (["duration_min=10.5"], "not a whole number of steps"),
        ([".nan".join(["protocol={kind: medium, insulin_nM: [[0, ", "]]}"])], "insulin_nM"),
        (["protocol={kind: medium, insulin_nM: [[0, 1], [20, 2]]}"], "not before the end"),
        (["protocol={kind: clamp, insulin_uU_ml: [.inf]}"], "insulin_uU_ml"),
        (
            [
                "interventions=[{kind: training, sessions_per_week: 3, weeks: .nan, "
                "session_min: 30, intensity_vo2max: 0.5}]"
            ],
            "weeks",
        ),
        (
            [SECRETAGOGUE + "infusion_min: 1.0e-300}]"],
            "infusion_min",
        ),
        (
            [SECRETAGOGUE + "infusion_min: .inf}]"],
            "infusion_min",
        ),
    ],
)
def test_silently_wrong_scenarios_are_refused(tmp_path, capsys, sets, needle):
    scn = _scenario(tmp_path)
    args = ["run", str(scn), "--out", str(tmp_path / "o"), "-q"]
    assert main(args + [a for s in sets for a in ("--set", s)]) == 2
    assert needle in capsys.readouterr().err and not (tmp_path / "o").exists()


def test_a_default_cadence_follows_an_odd_step(tmp_path):
    scn = _scenario(tmp_path, {**SMALL, "duration_min": 14, "dt_min": 0.7})
    assert main(["run", str(scn), "--out", str(tmp_path / "o"), "-q"]) == 0
    import pandas as pd

    t = pd.read_parquet(tmp_path / "o" / "timeseries.parquet")["time_min"].to_numpy()
    assert np.allclose(np.diff(t), 5.6) and t[-1] == pytest.approx(11.2)


def test_memory_is_estimated_before_allocating(tmp_path, capsys, monkeypatch):
    from sim import runner

    monkeypatch.setattr(runner, "available_memory", lambda: 4 * 2**30)
    scn = _scenario(
        tmp_path,
        {**SMALL, "cells": {"muscle": 5_000_000, "liver": 5_000_000, "adipose": 5_000_000}},
    )
    t0 = time.perf_counter()
    assert main(["run", str(scn), "--out", str(tmp_path / "o"), "-q"]) == 2
    assert time.perf_counter() - t0 < 5
    err = capsys.readouterr().err
    assert "GiB" in err and "15,000,000 cells" in err


def test_numerical_failure_while_building_exits_1_and_writes_nothing(tmp_path, capsys, monkeypatch):
    from sim.model import PhysiologyModel

    def fails(self, *a, **k):
        raise numerics.NumericalError("t=-120.00 min, liver: a value is not finite")

    monkeypatch.setattr(PhysiologyModel, "_advance", fails)
    scn = _scenario(tmp_path)
    assert main(["run", str(scn), "--out", str(tmp_path / "o"), "-q", "--no-warm-cache"]) == 1
    err = capsys.readouterr().err
    assert "warm-up" in err and "nothing was written" in err
    assert [p.name for p in tmp_path.iterdir()] == ["small.yaml"]


def test_a_divisor_parameter_cannot_be_zero(tmp_path, capsys):
    scn = _scenario(tmp_path)
    args = ["run", str(scn), "--out", str(tmp_path / "o"), "-q"]
    assert main([*args, "--set", "parameters.body.k_glc_tp=0"]) == 2
    assert "k_glc_tp" in capsys.readouterr().err


def _checkpointed(tmp_path: Path, seed: int = 0) -> tuple[Path, Path]:
    """A scenario and the checkpoint folder an interrupted run of it left (t = 40 min)."""
    from sim import runner

    data = {**SMALL, "duration_min": 60, "seed": seed, "cell_record_every_min": 10}
    scn = _scenario(tmp_path, data, f"s{seed}.yaml")
    ck = checkpoint.folder_for(tmp_path / f"run{seed}")
    runner.run(scn, checkpoint_dir=ck, checkpoint_every_min=20)  # keeps its last checkpoint
    assert len(list(ck.glob("snapshots-*.npz"))) >= 2
    return scn, ck


@pytest.mark.parametrize("damage", ["truncate", "bitflip", "garbage"])
def test_corrupt_checkpoints_exit_2(tmp_path, capsys, damage):
    scn, ck = _checkpointed(tmp_path)
    state = ck / checkpoint.STATE_FILE
    raw = bytearray(state.read_bytes())
    if damage == "truncate":
        state.write_bytes(bytes(raw[: len(raw) // 2]))
    elif damage == "bitflip":
        raw[len(raw) // 3] ^= 0xFF
        raw[len(raw) // 2] ^= 0xFF
        state.write_bytes(bytes(raw))
    else:
        state.write_bytes(b"PK\x03\x04" + os.urandom(500))
    res = main(["run", str(scn), "--out", str(tmp_path / "run0"), "--resume", "-q"])
    err = capsys.readouterr().err
    assert res in (0, 2), err  # a flip in unused bytes may leave it readable
    assert "internal error" not in err


def test_snapshot_chunk_from_another_run_is_refused(tmp_path, capsys):
    scn0, ck0 = _checkpointed(tmp_path, 0)
    _, ck1 = _checkpointed(tmp_path, 1)
    chunk = sorted(ck0.glob("snapshots-*.npz"))[0]
    other = ck1 / chunk.name
    assert other.exists()
    chunk.write_bytes(other.read_bytes())
    assert main(["run", str(scn0), "--out", str(tmp_path / "run0"), "--resume", "-q"]) == 2
    assert "snapshot chunk" in capsys.readouterr().err
    assert not (tmp_path / "run0").exists()


def test_species_declared_fractions_are_bounded(tmp_path):
    y = np.array([[0.5, 0.9], [0.2, 3.56]])
    with pytest.raises(numerics.NumericalError, match="socs3.*exceeds 1"):
        numerics.check_fractions(y, [0, 1], "muscle", 5.0, ["akt_p", "socs3"])
    numerics.check_fractions(y, [0], "muscle", 5.0, ["akt_p", "socs3"])  # not a fraction row


def test_substep_failure_names_time_and_tissue_in_short_numbers():
    with pytest.raises(numerics.NumericalError) as exc:
        numerics.substeps(1.0, 1e300)
    assert len(str(exc.value)) < 300 and "1e+300" in str(exc.value)


def test_plot_of_damaged_outputs_exits_2(tmp_path, capsys):
    run = tmp_path / "run"
    scn = _scenario(tmp_path)
    assert main(["run", str(scn), "--out", str(run), "-q"]) == 0
    ts = run / "timeseries.parquet"
    ts.write_bytes(ts.read_bytes()[:200])
    assert main(["plot", str(run)]) == 2
    (run / "timeseries.parquet").write_bytes(b"not parquet")
    assert main(["plot", str(run)]) == 2
    assert "not a readable" in capsys.readouterr().err


@pytest.mark.parametrize("opt", [["--diagram-time-h", "nan"], ["--graph-times-h", "1,inf"]])
def test_plot_options_must_be_finite(tmp_path, opt):
    with pytest.raises(SystemExit) as exc:
        main(["plot", str(tmp_path), *opt])
    assert exc.value.code == 2


def test_dashboard_refuses_a_bad_host(capsys):
    assert main(["dashboard", "--host", "no such host.invalid", "--measure", "20"]) == 2
    assert "--host" in capsys.readouterr().err


def test_output_on_an_unwritable_path_fails_cleanly(tmp_path):
    scn = _scenario(tmp_path)
    res = _sim(["run", str(scn), "--out", "/proc/sim-cannot-write", "-q"], tmp_path)
    assert res.returncode in (1, 2) and "Traceback" not in res.stderr and "error:" in res.stderr


def test_sweep_workers_die_with_their_parent(tmp_path):
    psutil = pytest.importorskip("psutil")
    path = _scenario(
        tmp_path,
        {
            "name": "s",
            "base": {**SMALL, "duration_min": 1440},
            "design": {"kind": "grid", "parameters": {"seed": [0, 1, 2, 3]}},
        },
        "sweep.yaml",
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "sim", "sweep", str(path), "--out", "o", "--workers", "2", "-q"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    parent = psutil.Process(proc.pid)
    workers: list = []

    def is_worker(c) -> bool:
        try:
            return "resource_tracker" not in " ".join(c.cmdline())
        except psutil.Error:  # exited (or a zombie) while being looked at
            return False

    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and len(workers) < 2:
        try:
            workers = [c for c in parent.children(recursive=True) if is_worker(c)]
        except psutil.Error:
            workers = []
        time.sleep(0.2)
    assert len(workers) >= 2
    time.sleep(2)  # the workers are computing
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    gone, alive = psutil.wait_procs(workers, timeout=15)

    def running(p) -> bool:  # a zombie has exited; only nobody has reaped it yet
        try:
            return p.status() != psutil.STATUS_ZOMBIE
        except psutil.NoSuchProcess:
            return False

    alive = [p for p in alive if running(p)]
    assert not alive, f"orphaned workers: {[p.pid for p in alive]}"
