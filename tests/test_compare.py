"""`sim compare`: paired design, end to end from the command line, resume, bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from sim.cli import main
from sim.compare import prepare, run_compare
from sim.compare.population import varied_keys

ROOT = Path(__file__).resolve().parent.parent
TINY = {"muscle": 3, "liver": 2, "adipose": 2}
CONTRACT_EFFECTS = [
    "outcome",
    "arm",
    "mean_difference",
    "ci_low",
    "ci_high",
    "hedges_g",
    "p_value",
    "p_holm",
]


def _scenario(tmp: Path, name: str, extra: list[dict]) -> Path:
    data = {
        "name": name,
        "duration_min": 30,
        "cells": TINY,
        "interventions": [{"kind": "meal", "at_min": 0, "carbs_g": 60}, *extra],
    }
    path = tmp / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def _study(tmp: Path, **changes) -> Path:
    study = {
        "name": "paired",
        "replicates": 4,
        "base": {"name": "b", "duration_min": 40, "cells": TINY},
        "arms": [
            {"name": "control"},
            {
                "name": "walk",
                "add": [
                    {
                        "kind": "exercise",
                        "mode": "walk",
                        "start_min": 5,
                        "duration_min": 20,
                        "intensity_vo2max": 0.35,
                    }
                ],
            },
            {
                "name": "pkc_off",
                "add": [
                    {
                        "kind": "modulator",
                        "target": "pkc_activation",
                        "tissue": "all",
                        "factor": 0.0,
                        "start_min": 0,
                        "duration_min": 40,
                    }
                ],
            },
        ],
        "outcomes": [{"name": "akt", "column": "muscle.akt_p", "window": [10, 40]}],
        "hypotheses": [{"arm": "walk", "outcome": "akt", "direction": "increase"}],
    }
    study.update(changes)
    path = tmp / "study.yaml"
    path.write_text(yaml.safe_dump(study))
    return path


def test_same_subject_parameters_and_seed_in_every_arm(tmp_path):
    plan = prepare([str(_study(tmp_path))])
    keys = varied_keys()
    by_subject: dict[int, list[dict]] = {}
    for task in plan.tasks:
        scn = task.scenario
        drawn = {k: v for k, v in scn["parameters"].items() if k in keys}
        drawn |= {f"subject.{k}": v for k, v in scn["subject"].items()}
        by_subject.setdefault(task.replicate, []).append({"seed": scn["seed"], **drawn})
    assert len(by_subject) == 4
    for rows in by_subject.values():
        assert len(rows) == 3 and all(r == rows[0] for r in rows)
    assert by_subject[0] != by_subject[1]  # subjects differ from one another
    arms = {t.values["arm"]: t.scenario for t in plan.tasks if t.replicate == 0}
    assert arms["pkc_off"]["interventions"][-1]["target"] == "pkc_activation"
    assert "interventions" not in arms["control"] or not arms["control"]["interventions"]


def test_end_to_end_command_line_and_resume(tmp_path):
    a = _scenario(tmp_path, "ctrl", [])
    b = _scenario(
        tmp_path,
        "walk",
        [
            {
                "kind": "exercise",
                "mode": "walk",
                "start_min": 5,
                "duration_min": 20,
                "intensity_vo2max": 0.35,
            }
        ],
    )
    out = tmp_path / "cmp"
    argv = ["compare", str(a), str(b), "--replicates", "3", "--workers", "1",
            "--out", str(out), "--quiet", "--outcome", "muscle.akt_p:5-30:mean"]  # fmt: skip
    assert main(argv) == 0
    results = pd.read_parquet(out / "results.parquet")
    effects = pd.read_parquet(out / "effects.parquet")
    assert len(results) == 6 and set(results["arm"]) == {"ctrl", "walk"}
    assert {"glucose_mean_mM", "homa_ir", "ffa_mean_mM", "muscle.akt_p.mean_5_30"} <= set(
        results.columns
    )
    assert list(effects.columns[: len(CONTRACT_EFFECTS)]) == CONTRACT_EFFECTS
    assert set(effects["arm"]) == {"walk"} and effects["outcome"].is_unique
    assert (effects["p_holm"] >= effects["p_value"] - 1e-12).all()
    report = (out / "report.md").read_text()
    assert "figures/forest.png" in report and (out / "figures" / "paired.png").is_file()
    # exercise moves glucose into muscle: muscle Akt/uptake up in every subject
    walk = effects.set_index("outcome").loc["uptake_muscle_mg_kg_min.mean"]
    assert walk["mean_difference"] > 0 and walk["ci_low"] > 0

    # kill-like state: two runs and the final tables missing; --resume redoes only those
    for part in sorted((out / "parts").glob("*.parquet"))[:2]:
        part.unlink()
    for name in ("results.parquet", "effects.parquet", "report.md"):
        (out / name).unlink()
    res = run_compare([str(a), str(b)], out=out, replicates=3, workers=1, resume=True,
                      progress=False, extra_outcomes=["muscle.akt_p:5-30:mean"])  # fmt: skip
    assert res.n_ran == 2 and res.n_failed == 0
    cols = [c for c in results.columns if c != "wall_seconds"]
    pd.testing.assert_frame_equal(res.results[cols], results[cols])
    pd.testing.assert_frame_equal(res.effects, effects)
    assert main(["compare", str(a), str(b), "--replicates", "3", "--out", str(out)]) == 2


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        ({"outcomes": [{"name": "x", "column": "muscle.nonsense"}]}, "not a time-series column"),
        ({"outcomes": [{"name": "x", "column": "glucose_mM", "window": [0, 999]}]}, "outside"),
        ({"outcomes": [{"name": "x", "column": "glucose_mM", "window": "night"}]}, "not defined"),
        ({"outcomes": [{"name": "m", "metric": "m_value_mg_kg_min"}]}, "needs a clamp"),
        ({"hypotheses": [{"arm": "nope", "outcome": "akt", "direction": "increase"}]}, "nope"),
        ({"hypotheses": [{"arm": "walk", "outcome": "akt", "direction": "up"}]}, "direction"),
        ({"population": {"traits": ["charisma"]}}, "unknown trait"),
        ({"arms": [{"name": "only"}]}, "arms"),
        (
            {"base": {"name": "b", "duration_min": 40, "parameters": {"muscle.glut4_total": 1.2}}},
            "virtual population varies",
        ),
        ({"base": {"name": "b", "duration_min": 40, "cells": {"muscle": -1}}}, "cells.muscle"),
    ],
)
def test_bad_hypothesis_file_exits_2_and_writes_nothing(tmp_path, capsys, change, needle):
    out = tmp_path / "out"
    assert main(["compare", str(_study(tmp_path, **change)), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "study.yaml" in err and needle in err, err
    assert not out.exists()


def test_bad_command_line_exits_2(tmp_path, capsys):
    a = _scenario(tmp_path, "ctrl", [])
    out = tmp_path / "out"
    assert main(["compare", str(a), "--out", str(out)]) == 2  # nothing to compare with
    assert main(["compare", str(a), str(tmp_path / "missing.yaml"), "--out", str(out)]) == 2
    assert main(["compare", str(a), str(a), "--replicates", "1", "--out", str(out)]) == 2
    assert main(["compare", str(a), str(a), "--outcome", "glucose_mM:a-b", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "missing.yaml" in err and "--replicates 1" in err and "T0-T1" in err
    assert not out.exists()
    proc = subprocess.run(  # the console entry point itself
        [sys.executable, "-m", "sim", "compare", str(a), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2 and "nothing to compare" in proc.stderr
    assert not out.exists()


@pytest.mark.slow
def test_dask_cluster_gives_the_same_tables_as_serial(tmp_path):
    """`.venv/bin/python -m pytest tests/test_compare.py -m slow`: the dask backend."""
    distributed = pytest.importorskip("dask.distributed")
    a = _scenario(tmp_path, "ctrl", [])
    b = _scenario(tmp_path, "more", [{"kind": "meal", "at_min": 10, "carbs_g": 30}])
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address=None
    ) as cluster:
        dask = run_compare([str(a), str(b)], out=tmp_path / "d", replicates=2,
                           scheduler=cluster.scheduler_address, progress=False)  # fmt: skip
    serial = run_compare([str(a), str(b)], out=tmp_path / "s", replicates=2, workers=1,
                         progress=False)  # fmt: skip
    cols = [c for c in serial.results.columns if c != "wall_seconds"]
    pd.testing.assert_frame_equal(dask.results[cols], serial.results[cols])
    pd.testing.assert_frame_equal(dask.effects, serial.effects)


def test_shipped_scenarios_compare_keeping_what_the_files_fix(tmp_path):
    """`sim compare configs/clamp.yaml configs/clamp.yaml`: the file sets the body mass, so the
    population keeps it and varies every other trait; study.json and the report say so."""
    clamp = str(ROOT / "configs" / "clamp.yaml")
    out = tmp_path / "cmp"
    argv = ["compare", clamp, clamp, "--replicates", "2", "--workers", "1", "--quiet",
            "--out", str(out), "--set", "cells.muscle=3", "--set", "cells.liver=2",
            "--set", "cells.adipose=2", "--set", "protocol.step_min=30"]  # fmt: skip
    assert main(argv) == 0
    plan = prepare([clamp, clamp], replicates=2)
    assert plan.fixed_traits == {"body_mass": ["subject.body_mass_kg"]}
    assert "body_mass" not in plan.spec.population.traits
    assert "height" in plan.spec.population.traits
    masses = {t.scenario["subject"]["body_mass_kg"] for t in plan.tasks}
    heights = {t.scenario["subject"]["height_cm"] for t in plan.tasks}
    assert masses == {75} and len(heights) == 2  # fixed by the file / drawn per subject
    study = json.loads((out / "study.json").read_text())
    assert study["traits_fixed_by_files"] == {"body_mass": ["subject.body_mass_kg"]}
    assert "body_mass" not in study["traits_varied"] and "height" in study["traits_varied"]
    report = (out / "report.md").read_text()
    assert "fix them: body_mass (subject.body_mass_kg)" in report
    results = pd.read_parquet(out / "results.parquet")
    assert "homa_ir" not in results.columns or results["homa_ir"].isna().all()
    assert (results["status"] == "completed").all()


def test_fixed_traits_differ_between_arms_keep_each_arms_value(tmp_path):
    a = _scenario(tmp_path, "light", [])
    data = yaml.safe_load(a.read_text())
    a.write_text(yaml.safe_dump({**data, "subject": {"body_mass_kg": 60}}))
    b = tmp_path / "heavy.yaml"
    b.write_text(yaml.safe_dump({**data, "name": "heavy", "subject": {"body_mass_kg": 90}}))
    plan = prepare([str(a), str(b)], replicates=2)
    by_arm = {t.values["arm"]: t.scenario["subject"]["body_mass_kg"] for t in plan.tasks}
    assert by_arm == {"light": 60, "heavy": 90}
