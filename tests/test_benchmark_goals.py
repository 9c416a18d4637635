"""The goals table of ``benchmarks/engine_throughput.py`` (issue 28): every goal case runs
on tiny days and yields its row, and the rows judge made-up results correctly."""

from __future__ import annotations

import copy
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"
sys.path.insert(0, str(BENCH))

import goals  # noqa: E402

TINY = {
    "cells": {"muscle": 6, "liver": 3, "adipose": 3},
    "duration_min": 20,
    "interventions": [{"kind": "meal", "at_min": m, "carbs_g": 30} for m in (0, 5, 10)],
}
"""A 12-cell, 20-min day with three meals (the sweep varies the third's carbohydrate)."""


def _case(engine: str, n: int, cpu_rate: float, wall_rate: float) -> dict:
    return {
        "engine": engine,
        "cells": n,
        "cell_steps_per_cpu_s": cpu_rate,
        "cell_steps_per_s": wall_rate,
    }


def _threads(one_wall: float, two_wall: float, two_cpu: float) -> list[dict]:
    base = {"engine": "numba", "cells": 100_000, "steps": 10}
    return [
        {**base, "threads": 1, "wall_s": one_wall, "cpu_s": one_wall,
         "cell_steps_per_s": 1e6 / one_wall},
        {**base, "threads": 2, "wall_s": two_wall, "cpu_s": two_cpu,
         "cell_steps_per_s": 1e6 / two_wall},
    ]  # fmt: skip


MADE_UP = {
    "machine": {"load_avg_at_start": [1.0, 1.0, 1.0], "load_avg_at_end": [2.0, 2.0, 2.0]},
    "cases": [
        _case("agent", 100_000, 1e4, 1e4),
        _case("agent-numba", 100_000, 1.5e5, 1.5e5),
        _case("agent-roadrunner", 1_000, 9e3, 9e3),
        _case("numba", 1_000, 6e5, 6e5),
        _case("numba", 100_000, 1.2e6, 0.4e6),  # wall depressed by load
    ],
    "threads": _threads(10.0, 5.5, 10.5),
    "setup_numba": {
        "repeats": 3,
        "first": {"total_s": 2.4, "total_cpu_s": 1.5, "import_s": 0.8},
        "repeat": {"total_s": 0.9},
    },
    "goals": {
        "day": {
            "stepping_over_kernel": 2.1, "cpu_s": 1.8, "ms_per_step": 1.25, "cells": 1100,
            "steps": 1439, "kernel_code_s": 0.86, "python_rest_ms_per_step": 0.6,
        },
        "plot": {"rows": [
            {"run": {"wall_s": 5.0, "cpu_s": 4.0}, "plot_a_w2": {"wall_s": 4.0, "cpu_s": 5.0}},
        ]},
        "sweep": {
            "single": {"run_cpu_s": [3.0, 2.9], "run_s": [3.1, 3.0]},
            "sweep": {"runs": 8, "workers": 2, "cpu_s": 8 * 4.5, "wall_s": 20.0},
        },
    },
}  # fmt: skip


def _status(res: dict) -> dict[str, str]:
    return {r["goal"]: r["status"] for r in goals.rows(res)}


def test_rows_judge_made_up_results() -> None:
    st = _status(MADE_UP)
    by = {k.split(" at ")[0].split(" (")[0]: v for k, v in st.items()}
    assert st["vectorised >= 50x baseline (a) at 10^5 cells"] == "met per CPU-second, not wall"
    assert st["vectorised >= 5x baseline (b) at 10^5 cells"] == "met per CPU-second, not wall"
    assert st["vectorised >= 100x baseline (c), libRoadRunner per cell, equal size"] == "not met"
    assert (
        "met per CPU-second, not wall across sizes"
        == st["vectorised >= 100x baseline (c), libRoadRunner per cell, across sizes"]
    )
    assert st["2 threads >= 1.7x one thread (full model, wall)"] == "met"  # 10 / 5.5 = 1.82
    assert by["24-h day of the README's first command within 3x the kernel-only time"] == "met"
    assert st["`sim plot` on that run in less time than the run (wall)"] == "met"
    assert st["`sim plot` on that run in less time than the run (CPU)"] == "not met"
    assert (
        st["sweep of 1,100-cell 24-h days per core within 1.5x of the single-run rate"] == "not met"
    )  # 4.5 / 2.9 = 1.55
    assert st["first start of a 1,000-cell run under 2 s with a warm cache"] == (
        "met in CPU, not wall (load)"
    )
    worse = copy.deepcopy(MADE_UP)
    worse["threads"] = _threads(10.0, 9.0, 9.5)  # one core given: nothing to judge
    worse["goals"]["day"]["stepping_over_kernel"] = 3.2
    st = _status(worse)
    assert st["2 threads >= 1.7x one thread (full model, wall)"].startswith("not shown")
    assert st["24-h day of the README's first command within 3x the kernel-only time"] == "not met"


def test_smaller_population_is_named_and_missing_cases_are_not_measured() -> None:
    res = copy.deepcopy(MADE_UP)
    res["cases"] = [c for c in res["cases"] if c["cells"] != 100_000]
    res["cases"].append(_case("agent", 1_000, 1e4, 1e4))
    res["goals"] = {}
    st = _status(res)
    assert st["vectorised >= 50x baseline (a) at 10^5 cells"] == (
        "met at 1,000 cells (not the goal's 10^5)"
    )
    assert st["vectorised >= 5x baseline (b) at 10^5 cells"] == "not measured"
    assert st["sweep of 1,100-cell 24-h days per core within 1.5x of the single-run rate"] == (
        "not measured"
    )
    assert "| **not measured** |" in goals.table(res)


def test_goal_cases_run_on_tiny_days(monkeypatch: pytest.MonkeyPatch) -> None:
    """The day profile, run + plot and sweep cases, end to end on 12-cell 20-min days."""
    import engine_throughput

    monkeypatch.setenv("SIM_WARM_CACHE", "off")  # the day case switches it off in-process
    size = {
        "plot_repeats": 1, "sweep_points": 2, "single_runs": 1, "sweep_workers": 1, "warm": False
    }  # fmt: skip
    out = goals.measure(
        True,
        TINY,
        run_case=lambda kind, *a: getattr(engine_throughput, f"{kind}_case")(*a),
        log=lambda m: None,
        size=size,
    )
    assert out["day"]["cells"] == 12 and out["day"]["steps"] == 19
    assert out["day"]["stepping_over_kernel"] > 1.0
    assert out["plot"]["rows"][0]["plot_a_w" + str(goals.plot_workers())]["figures"] > 0
    assert out["sweep"]["sweep"]["runs"] == 2 and not out["sweep"]["sweep"]["failed"]
    rows = goals.rows({"goals": out, "quick": True})
    assert len(rows) == 10  # (c) not measured: one row
    measured = {r["goal"] for r in rows if r["status"] != "not measured"}
    assert len(measured) == 5  # day, plot wall and CPU, the whole command, sweep
