"""Sweep throughput: runs per core-minute of a sweep against single runs, side by side.

Two measurements, each case in a fresh interpreter (so a worker's start-up is paid where a
user pays it):

``--day`` (issue 28 item 5): the per-run overhead of a local sweep of 1,100-cell 24-h days.
The base scenario is ``configs/baseline.yaml`` (1,100 cells, three meals, 24 h); the design
varies the dinner's carbohydrate (``interventions.2.carbs_g``, 8 points, 1 replicate,
``keep: none``), so every point has the same fasting warm-up. Cases:

- ``single``: one interpreter imports what ``sim run`` imports, runs the day once untimed
  (kernels loaded, caches warm), then ``--single-runs`` more days timed (warm-state cache
  off, so each builds and warms up as a first start does): CPU seconds per run, the
  single-run rate. The import and the first run's extra cost (numba's load of the cached
  kernels and other first-use costs) are reported beside it, and the build + warm-up of one
  day alone (what a run that shares a warm-up saves);
- ``sweep``: ``run_sweep`` of the 8 days on ``--workers`` local processes (spawned, as
  ``sim sweep`` does), with a private, empty warm-state cache folder: wall seconds, CPU
  seconds of the whole sweep (this process and every worker: ``RUSAGE_CHILDREN`` once the
  pool has been joined), how many runs started from the cache; runs per CPU-minute against
  the single-run rate (the issue's goal: within 1.5x), and runs per core-minute of wall
  time (wall x workers), which a loaded machine depresses.

Without ``--day``: the older measurement, a 24-run grid of small clamp runs with 1 and then
2 workers (speed-up of the pool; target >= 1.7x).

``python benchmarks/sweep_throughput.py --day [--workers 2] [--out FILE]``; writes JSON
(and Markdown beside it for ``--day``; ``--render FILE`` writes the Markdown of a JSON again).
The code before a change is measured by pointing ``PYTHONPATH`` at a copy of its ``sim/``
(``git archive COMMIT sim | tar -x -C DIR``) and naming it with ``--label``. On a shared
machine read the CPU-based ratio: the wall clock depends on what else runs; the load
average at the start and end is recorded.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DAY_OUT = HERE / "results" / "sweep_day.json"
DAY_CARBS = [50, 60, 70, 75, 80, 90, 100, 110]
"""Dinner carbohydrate (g) of the 8 design points of the ``--day`` sweep."""

SWEEP = {
    "name": "throughput",
    "seed": 0,
    "replicates": 2,
    "base": {
        "name": "throughput",
        "cells": {"muscle": 50, "liver": 20, "adipose": 20},
        "heterogeneity_cv": 0.15,
        "protocol": {"kind": "clamp", "insulin_uU_ml": 100, "step_min": 240},
    },
    "design": {
        "kind": "grid",
        "parameters": {
            "parameters.muscle.glut4_total": [
                0.5,
                0.6,
                0.7,
                0.8,
                0.9,
                1.0,
                1.1,
                1.2,
                1.4,
                1.6,
                1.8,
                2.0,
            ]
        },
    },
    "keep": "none",
}


def measure(workers: int, root: Path) -> dict[str, float]:
    """Wall time and runs per minute of the small clamp sweep on ``workers`` local workers."""
    from sim.sweep import run_sweep

    t0 = time.perf_counter()
    res = run_sweep(SWEEP, out=root / f"w{workers}", workers=workers, progress=False)
    wall = time.perf_counter() - t0
    return {
        "workers": workers,
        "runs": res.n_runs,
        "failed": res.n_failed,
        "wall_seconds": round(wall, 2),
        "runs_per_minute": round(60.0 * res.n_runs / wall, 2),
    }


# ---------------------------------------------------------------------------- --day


def day_scenario(seed: int = 0, changes: dict | None = None) -> dict:
    """``configs/baseline.yaml`` as a mapping (1,100 cells, 24 h), with ``seed`` and the
    top-level keys of ``changes`` replaced (the goal test's tiny days)."""
    import yaml

    scn = yaml.safe_load((ROOT / "configs" / "baseline.yaml").read_text())
    scn["seed"] = seed
    scn.update(changes or {})
    return scn


def day_sweep(points: int | None = None, changes: dict | None = None) -> dict:
    """The day sweep: the dinner's carbohydrate over the first ``points`` of
    :data:`DAY_CARBS` (all when None)."""
    return {
        "name": "sweep_day",
        "seed": 0,
        "replicates": 1,
        "base": day_scenario(changes=changes),
        "design": {
            "kind": "grid",
            "parameters": {"interventions.2.carbs_g": DAY_CARBS[:points]},
        },
        "keep": "none",
    }


def _cpu_all() -> float:
    """CPU seconds of this process and of its children that have been waited for."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def single_case(runs: int, changes: dict | None = None) -> dict:
    """In this fresh interpreter: import, one untimed day, then ``runs`` timed days (cache
    off); and one build + warm-up alone (``changes``: see :func:`day_scenario`)."""
    os.environ["SIM_WARM_CACHE"] = "off"
    t0, c0 = time.perf_counter(), time.process_time()
    import sim.cli  # noqa: F401  (what `sim run` imports)
    from sim.runner import run

    t1, c1 = time.perf_counter(), time.process_time()
    run(day_scenario(seed=1, changes=changes))
    t2, c2 = time.perf_counter(), time.process_time()
    walls, cpus = [], []
    for k in range(runs):
        a, b = time.perf_counter(), time.process_time()
        run(day_scenario(seed=0 if k == 0 else 100 + k, changes=changes))
        walls.append(time.perf_counter() - a)
        cpus.append(time.process_time() - b)
    from sim.model import PhysiologyModel

    a, b = time.perf_counter(), time.process_time()
    PhysiologyModel(day_scenario(seed=0, changes=changes))
    warm_wall, warm_cpu = time.perf_counter() - a, time.process_time() - b
    return {
        "import_s": t1 - t0,
        "import_cpu_s": c1 - c0,
        "first_run_s": t2 - t1,
        "first_run_cpu_s": c2 - c1,
        "runs": runs,
        "run_s": walls,
        "run_cpu_s": cpus,
        "build_warm_up_s": warm_wall,
        "build_warm_up_cpu_s": warm_cpu,
    }


def sweep_case(workers: int, points: int | None = None, changes: dict | None = None) -> dict:
    """The 8-day sweep (its first ``points`` days) on ``workers`` local processes with a
    private, empty warm cache."""
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    with tempfile.TemporaryDirectory(prefix="sim-sweep-bench-") as tmp:
        os.environ["SIM_WARM_CACHE"] = str(Path(tmp) / "warm")
        t0, c0 = time.perf_counter(), _cpu_all()
        from sim.sweep import run_sweep

        res = run_sweep(
            day_sweep(points, changes), out=Path(tmp) / "out", workers=workers, progress=False
        )
        wall, cpu = time.perf_counter() - t0, _cpu_all() - c0
        me = resource.getrusage(resource.RUSAGE_SELF)
        per_run = res.summary[["run_id", "wall_seconds"]].to_dict(orient="records")
        entries = len(list((Path(tmp) / "warm").glob("*.npz")))
    return {
        "warm_cache_entries": entries,
        "workers": workers,
        "runs": res.n_runs,
        "failed": res.n_failed,
        "wall_s": wall,
        "cpu_s": cpu,
        "parent_cpu_s": me.ru_utime + me.ru_stime,
        "per_run": per_run,
    }


def in_subprocess(kind: str, *args: object) -> dict:
    cmd = [sys.executable, __file__, "--case", json.dumps([kind, *args])]
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"case {kind} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def day_report(res: dict) -> str:
    """Markdown of a ``--day`` result."""
    s, w, one = res["single"], res["sweep"], res.get("serial")
    cpu_run = min(s["run_cpu_s"])
    single_rate = 60.0 / cpu_run
    sweep_rate = 60.0 * w["runs"] / w["cpu_s"]
    core_rate = 60.0 * w["runs"] / (w["wall_s"] * w["workers"])
    wall_single = 60.0 / min(s["run_s"])
    walls = [r["wall_seconds"] for r in w["per_run"]]
    overhead = w["cpu_s"] / w["runs"] - cpu_run
    head = [
        f"Sweep of {w['runs']} 1,100-cell 24-h days (configs/baseline.yaml, dinner carbs "
        f"{DAY_CARBS[0]}-{DAY_CARBS[-1]} g, `keep: none`) on {w['workers']} local workers, "
        f"against single runs; commit {res['commit']}; load average {_load(res, 'start')} at "
        f"the start, {_load(res, 'end')} at the end.",
        "",
        "| what | CPU s per run | runs per CPU-minute | x single |",
        "|---|---:|---:|---:|",
    ]
    lines = [
        *head,
        f"| single run (in-process, after one untimed run; best of {s['runs']}) "
        f"| {cpu_run:.2f} | {single_rate:.1f} | 1 |",
        f"| sweep, {w['workers']} workers (whole sweep: parent + workers, start-up included) "
        f"| {w['cpu_s'] / w['runs']:.2f} | {sweep_rate:.1f} | {single_rate / sweep_rate:.2f} |",
    ]
    if one:
        rate = 60.0 * one["runs"] / one["cpu_s"]
        lines.append(
            "| the same sweep in one process (`--workers 1`: import and first-use costs once, "
            f"no pool) | {one['cpu_s'] / one['runs']:.2f} | {rate:.1f} | {single_rate / rate:.2f} |"
        )
    lines += [
        "",
        f"- per-run overhead of the sweep: {overhead:+.2f} CPU s per run "
        f"({100 * overhead / cpu_run:+.0f} % of a single run); x single = single-run rate / "
        "sweep rate (goal: <= 1.5)",
        f"- wall: sweep {w['wall_s']:.1f} s for {w['runs']} runs = {core_rate:.2f} runs per "
        f"core-minute ({w['workers']} workers); single run {min(s['run_s']):.1f} s = "
        f"{wall_single:.2f} runs per minute on one core (wall figures depend on the load: "
        f"the sweep got {w['cpu_s'] / w['wall_s']:.2f} s of CPU per wall second for its "
        f"{w['workers']} workers, the single run "
        f"{s['run_cpu_s'][s['run_s'].index(min(s['run_s']))] / min(s['run_s']):.2f})",
        f"- where a sweep's CPU goes: worker start-up (import of what `sim run` imports) "
        f"{s['import_cpu_s']:.2f} s per worker; first run in a fresh process "
        f"{s['first_run_cpu_s']:.2f} s against {cpu_run:.2f} s for a later one (numba's load "
        f"of the cached kernels and other first-use costs: "
        f"{s['first_run_cpu_s'] - cpu_run:.2f} s per worker); build + fasting warm-up of one "
        f"day {s['build_warm_up_cpu_s']:.2f} s (what a start from the warm-state cache "
        f"saves); the parent (planning, writing the summary) {w['parent_cpu_s']:.2f} s in all",
        (
            f"- distinct warmed-up states stored: {w['warm_cache_entries']} for {w['runs']} "
            "runs (entries the sweep left in its empty warm-state cache folder; a run whose "
            "entry was there loaded it, the first run of each worker computes it when the "
            "workers start together); "
            if "warm_cache_entries" in w
            else "- "
        )
        + f"wall seconds per run inside the workers {min(walls):.1f}-{max(walls):.1f}",
    ]
    return "\n".join(lines) + "\n"


def _load(res: dict, when: str) -> str:
    return " / ".join(f"{v:.2f}" for v in res["machine"][f"load_avg_at_{when}"])


def _commit() -> str:
    try:
        out = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        )
        dirty = subprocess.run(
            ["git", "-C", str(ROOT), "status", "--porcelain", "--", "sim"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        return out.stdout.strip() + (" + uncommitted edits of sim/" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="write the JSON here (and .md beside)")
    parser.add_argument("--day", action="store_true", help="the 1,100-cell 24-h day sweep")
    parser.add_argument("--workers", type=int, default=2, help="--day: local workers")
    parser.add_argument("--single-runs", type=int, default=2, help="--day: timed single runs")
    parser.add_argument(
        "--label",
        help="--day: what code ran, instead of this checkout's commit (e.g. when PYTHONPATH "
        "points at another copy of sim/)",
    )
    parser.add_argument(
        "--render", type=Path, help="only write the Markdown of a --day result JSON beside it"
    )
    parser.add_argument("--case", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.render:
        md = day_report(json.loads(args.render.read_text()))
        args.render.with_suffix(".md").write_text(md)
        print(md)  # noqa: T201
        return 0
    if args.case:
        kind, *rest = json.loads(args.case)
        fn = {"single": single_case, "sweep": sweep_case}[kind]
        print(json.dumps(fn(*rest)))  # noqa: T201
        return 0
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    machine = {"cpus": os.cpu_count(), "platform": platform.platform()}
    if args.day:
        res: dict = {
            "benchmark": "sweep_day",
            "commit": args.label or _commit(),
            "machine": {**machine, "load_avg_at_start": os.getloadavg()},
        }
        res["single"] = in_subprocess("single", args.single_runs)
        res["sweep"] = in_subprocess("sweep", args.workers)
        if args.workers > 1:  # the same sweep in one process: no pool, no worker start-up
            res["serial"] = in_subprocess("sweep", 1)
        res["machine"]["load_avg_at_end"] = os.getloadavg()
        out = args.out or DAY_OUT
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(res, indent=2) + "\n")
        md = day_report(res)
        out.with_suffix(".md").write_text(md)
        print(md)  # noqa: T201
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        one, two = measure(1, Path(tmp)), measure(2, Path(tmp))
    report = {
        "benchmark": "sweep_throughput",
        "machine": machine,
        "serial": one,
        "two_workers": two,
        "speedup": round(two["runs_per_minute"] / one["runs_per_minute"], 3),
        "target_speedup": 1.7,
    }
    text = json.dumps(report, indent=2)
    print(text)  # noqa: T201 - a benchmark script reports on stdout
    if args.out:
        args.out.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
