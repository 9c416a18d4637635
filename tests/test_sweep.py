"""Parameter sweeps: designs and seeds, identical tables on every backend, resume after a
SIGKILL or a lost dask worker, sensitivity indices on the Ishigami function, bad files."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from sim.cli import main
from sim.sweep import SweepError, prepare, run_sweep
from sim.sweep.design import points, replicate_seed, run_seed
from sim.sweep.sensitivity import analyse
from sim.sweep.spec import Design

ROOT = Path(__file__).resolve().parent.parent
BASE = {
    "name": "tiny",
    "duration_min": 30,
    "cells": {"muscle": 4, "liver": 3, "adipose": 3},
    "heterogeneity_cv": 0.0,
    "protocol": {"kind": "clamp", "insulin_uU_ml": 100, "step_min": 30},
}
GRID = {
    "name": "tiny_grid",
    "base": BASE,
    "seed": 3,
    "replicates": 2,
    "design": {"kind": "grid", "parameters": {"parameters.muscle.glut4_total": [0.8, 1.2]}},
    "keep": "summary",
}
PI = float(np.pi)


def _write(path: Path, data: dict) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def _table(out: Path) -> pd.DataFrame:
    return pd.read_parquet(out / "summary.parquet").drop(columns="wall_seconds")


@pytest.fixture(scope="module")
def grid_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _write(tmp_path_factory.mktemp("sweep") / "grid.yaml", GRID)


@pytest.fixture(scope="module")
def serial(grid_file: Path) -> pd.DataFrame:
    out = grid_file.parent / "serial"
    res = run_sweep(grid_file, out=out, workers=1, progress=False)
    assert res.n_failed == 0 and (out / "runs" / "p0001-r01" / "summary.json").is_file()
    return _table(out)


@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("dask.distributed")
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    ) as lc:
        yield lc


# ---------------------------------------------------------------- designs and seeds


def _sweep(
    kind: str,
    params: dict,
    samples: int | None,
    replicates: int = 1,
    seed: int = 0,
    paired: bool = True,
):
    design = {"kind": kind, "parameters": params}
    if samples is not None:
        design["samples"] = samples
    data = {
        "name": "d",
        "base": BASE,
        "seed": seed,
        "replicates": replicates,
        "paired": paired,
        "design": design,
    }
    return prepare(data)[1]


def test_design_counts_bounds_and_types():
    grid = _sweep(
        "grid", {"cells.muscle": [2, 4, 6], "subject.phenotype": ["healthy", "t2d"]}, None, 2
    )
    assert len(grid) == 3 * 2 * 2
    assert {type(t.scenario["cells"]["muscle"]) for t in grid} == {int}
    assert [t.run_id for t in grid[:3]] == ["p0000-r00", "p0000-r01", "p0001-r00"]
    bounds = {
        "parameters.muscle.glut4_total": [0.5, 1.5],
        "parameters.body.beta_capacity": [0.5, 2],
    }
    assert len(_sweep("sobol", bounds, 8)) == 8 * (2 + 2)
    assert len(_sweep("morris", bounds, 4)) == 4 * (2 + 1)
    for kind in ("random", "lhs", "sobol", "morris"):
        for t in _sweep(kind, {**bounds, "cells.muscle": [2, 9]}, 8):
            assert 0.5 <= t.values["parameters.muscle.glut4_total"] <= 1.5
            assert 0.5 <= t.scenario["parameters"]["body.beta_capacity"] <= 2
            assert isinstance(t.scenario["cells"]["muscle"], int)


def test_intervention_fields_can_be_swept():
    base = {**BASE, "interventions": [{"kind": "gh_injection", "at_min": 0, "dose_mg": 0.1}]}
    data = {
        "name": "d",
        "base": base,
        "design": {
            "kind": "lhs",
            "samples": 4,
            "parameters": {"interventions.0.dose_mg": [0.1, 1.0]},
        },
    }
    tasks = prepare(data)[1]
    doses = sorted(t.scenario["interventions"][0]["dose_mg"] for t in tasks)
    assert len(tasks) == 4 and 0.1 <= doses[0] < doses[-1] <= 1.0


def test_seeds_depend_only_on_sweep_seed_and_position():
    keys = {"parameters.muscle.glut4_total": [0.5, 1.5]}
    a = _sweep("random", keys, 3, replicates=2, seed=5, paired=False)
    b = _sweep("random", keys, 3, replicates=2, seed=5, paired=False)
    c = _sweep("random", keys, 3, replicates=2, seed=6, paired=False)
    assert [t.seed for t in a] == [t.seed for t in b]
    assert [t.seed for t in a] == [run_seed(5, t.point, t.replicate) for t in a]
    assert len({t.seed for t in a}) == len(a)
    assert not {t.seed for t in a} & {t.seed for t in c}
    assert [t.values for t in a] != [t.values for t in c]


def test_common_random_numbers_by_default():
    """Replicate r has one seed at every design point; ``paired: false`` opts out."""
    keys = {"parameters.muscle.glut4_total": [0.8, 1.0, 1.2]}
    paired = _sweep("grid", keys, None, replicates=3, seed=5)
    by_rep = {r: {t.seed for t in paired if t.replicate == r} for r in range(3)}
    assert all(len(seeds) == 1 for seeds in by_rep.values())  # shared across the 3 points
    assert len(set().union(*by_rep.values())) == 3  # but distinct between replicates
    assert all(t.seed == replicate_seed(5, t.replicate) == t.scenario["seed"] for t in paired)
    unpaired = _sweep("grid", keys, None, replicates=3, seed=5, paired=False)
    assert len({t.seed for t in unpaired}) == 9
    p0 = [t.seed for t in unpaired if t.point == 0]
    p1 = [t.seed for t in unpaired if t.point == 1]
    assert not set(p0) & set(p1)


def test_paired_points_differ_only_by_their_values(tmp_path):
    """Two design points with the same values give identical runs when paired (same cells,
    same GH pulses) and different runs with independent seeds: the seed reaches the run."""
    base = {**BASE, "heterogeneity_cv": 0.3, "duration_min": 20}
    data = {
        "name": "crn",
        "base": base,
        "replicates": 1,
        "design": {"kind": "grid", "parameters": {"parameters.muscle.glut4_total": [1.0, 1.0]}},
        "keep": "none",
    }
    metric = "glucose_mean_mM"
    res = run_sweep(data, out=tmp_path / "paired", workers=1, progress=False)
    m = res.summary[metric].to_numpy()
    assert m[0] == m[1]
    manifest = json.loads((tmp_path / "paired" / "manifest.json").read_text())
    assert manifest["paired"] is True and "common random numbers" in manifest["seeding"]
    assert manifest["replicate_seeds"] == [replicate_seed(0, 0)]
    assert yaml.safe_load((tmp_path / "paired" / "sweep.yaml").read_text())["paired"] is True
    res = run_sweep({**data, "paired": False}, out=tmp_path / "unpaired", workers=1, progress=False)
    m = res.summary[metric].to_numpy()
    assert m[0] != m[1]
    manifest = json.loads((tmp_path / "unpaired" / "manifest.json").read_text())
    assert manifest["paired"] is False and manifest["replicate_seeds"] == []


# ---------------------------------------------------------------- sensitivity (Ishigami)


def _ishigami(kind: str, samples: int) -> pd.DataFrame:
    design = Design(kind=kind, parameters={f"x{i}": [-PI, PI] for i in (1, 2, 3)}, samples=samples)
    rows = []
    for i, p in enumerate(points(design, 1)):
        y = np.sin(p["x1"]) + 7 * np.sin(p["x2"]) ** 2 + 0.1 * p["x3"] ** 4 * np.sin(p["x1"])
        rows.append({"run_id": f"p{i:05d}", "point": i, **p, "status": "completed", "y": y})
    return analyse(design, pd.DataFrame(rows), 1).set_index("parameter")


def test_sobol_indices_of_ishigami():
    s = _ishigami("sobol", 1024)
    np.testing.assert_allclose(s["S1"], [0.3139, 0.4424, 0.0], atol=0.06)
    np.testing.assert_allclose(s["ST"], [0.5576, 0.4424, 0.2437], atol=0.06)
    assert (s["S1_conf"] > 0).all() and (s["ST_conf"] > 0).all()


def test_morris_screening_of_ishigami():
    m = _ishigami("morris", 50)
    # x3 acts only through its interaction with x1: least mu*, sigma above mu*, mu ~ 0
    assert m["mu_star"].idxmin() == "x3"
    assert m.loc["x3", "sigma"] > m.loc["x3", "mu_star"]
    assert abs(m.loc["x3", "mu"]) < 0.5 * m.loc["x3", "mu_star"]
    assert m.loc["x1", "mu"] == pytest.approx(m.loc["x1", "mu_star"])  # sin(x1) monotone in mean


# ---------------------------------------------------------------- backends agree


def test_two_local_workers_match_serial(grid_file, serial, tmp_path):
    full = _write(tmp_path / "full.yaml", {**GRID, "keep": "full"})
    out = tmp_path / "pool"
    run_sweep(full, out=out, workers=2, progress=False)
    pd.testing.assert_frame_equal(_table(out), serial)
    assert (out / "runs" / "p0000-r00" / "timeseries.parquet").is_file()
    assert len(serial) == 4 and (serial["status"] == "completed").all()
    assert "clamp_steps" not in serial and serial["m_value_mg_kg_min"].notna().all()


def test_dask_cluster_matches_serial(grid_file, serial, cluster, tmp_path):
    out = tmp_path / "dask"
    run_sweep(grid_file, out=out, scheduler=cluster.scheduler_address, progress=False)
    pd.testing.assert_frame_equal(_table(out), serial)


def test_dask_worker_killed_mid_sweep(grid_file, serial, cluster, tmp_path):
    from dask.distributed import Client

    out = tmp_path / "dask_kill"
    done: list = []
    thread = threading.Thread(
        target=lambda: done.append(
            run_sweep(grid_file, out=out, scheduler=cluster.scheduler_address, progress=False)
        )
    )
    with Client(cluster.scheduler_address) as client:
        pids = list(client.run(os.getpid).values())
        thread.start()
        _wait_for(lambda: client.processing() and any(client.processing().values()), 60)
        os.kill(pids[0], signal.SIGKILL)
        thread.join(180)
    assert done and done[0].n_failed == 0
    pd.testing.assert_frame_equal(_table(out), serial)


def _wait_for(cond, timeout: float) -> None:
    t0 = time.monotonic()
    while not cond():
        assert time.monotonic() - t0 < timeout, "timed out"
        time.sleep(0.05)


def test_sigkill_then_resume_equals_uninterrupted(grid_file, serial, tmp_path):
    out = tmp_path / "killed"
    cmd = [sys.executable, "-m", "sim", "sweep", str(grid_file), "--out", str(out)]
    proc = subprocess.Popen([*cmd, "--workers", "1", "--quiet"], cwd=ROOT)
    try:
        _wait_for(lambda: len(list((out / "parts").glob("*.parquet"))) >= 1, 90)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    n_before = len(list((out / "parts").glob("*.parquet")))
    assert 1 <= n_before < 4
    assert main(["sweep", str(grid_file), "--out", str(out)]) == 2  # exists, no --resume
    res = run_sweep(grid_file, out=out, workers=1, resume=True, progress=False)
    assert res.n_ran == 4 - n_before
    pd.testing.assert_frame_equal(_table(out), serial)


# ---------------------------------------------------------------- bad sweep files


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"replicate": 2}, "replicate"),
        (
            {"design": {"kind": "grid", "parameters": {"parameters.muscle.glut4_total": []}}},
            "empty",
        ),
        (
            {"design": {"kind": "lhs", "samples": -3, "parameters": {"cells.muscle": [1, 5]}}},
            "samples",
        ),
        ({"design": {"kind": "lhs", "samples": 3, "parameters": {"cells.muscle": [5, 1]}}}, "low"),
        ({"design": {"kind": "factorial", "parameters": {"cells.muscle": [1]}}}, "grid"),
        (
            {"design": {"kind": "sobol", "samples": 6, "parameters": {"cells.muscle": [1, 5]}}},
            "power",
        ),
        ({"design": {"kind": "grid", "parameters": {"cells.muscle": [4, 0]}}}, "cells.muscle"),
        ({"design": {"kind": "grid", "parameters": {"parameters.muscle.nope": [1]}}}, "nope"),
        (
            {"design": {"kind": "grid", "parameters": {"parameters.muscle.glut4_total": [9]}}},
            "range",
        ),
    ],
)
def test_bad_sweep_files_exit_2_and_write_nothing(tmp_path, capsys, change, expected):
    path = _write(tmp_path / "bad.yaml", {**GRID, **change})
    out = tmp_path / "out"
    assert main(["sweep", str(path), "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert str(path) in err and expected in err
    assert not out.exists()


def test_prepare_raises_sweep_error_naming_the_point():
    bad = {**GRID, "design": {"kind": "grid", "parameters": {"cells.muscle": [4, 0]}}}
    with pytest.raises(SweepError, match=r"design point 1 \(cells.muscle=0\)"):
        prepare(bad)


# ---------------------------------------------------------------- Mesa interoperability


def test_mesa_batch_run():
    import mesa

    import sim

    base = {**BASE, "record_every_min": 5.0}  # batch_run must not depend on the cadence
    res = mesa.batch_run(
        sim.PhysiologyModel,
        parameters={"scenario": [base], "parameters.muscle.glut4_total": [1.2]},
        iterations=1,
        max_steps=100,
        number_processes=1,
        display_progress=False,
    )
    assert len(res) == 1 and res[0]["parameters.muscle.glut4_total"] == 1.2
    assert 3 < res[0]["glucose_mM"] < 7


def test_a_sweep_worker_imports_no_plotting_or_statistics():
    """A spawned pool worker imports ``sim.sweep.execute`` (to unpickle its function) and
    with it the package: matplotlib and scipy.stats (~0.6 s of CPU per worker) are left to
    the sensitivity chart and the lhs sampler that use them, and the model (Mesa, ~0.5 s)
    to the first run, so a pool's parent, which runs none, never imports it."""
    code = (
        "import sys, sim.sweep, sim.sweep.execute; print(sorted(m for m in "
        "('matplotlib', 'scipy.stats', 'SALib', 'mesa', 'sim.model') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
