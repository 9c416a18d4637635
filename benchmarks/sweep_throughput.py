"""Sweep throughput (runs per minute) with 1 and then 2 local workers, side by side.

Runs the same 24-run grid sweep twice (``--workers 1`` in-process, then a 2-process pool,
spawn start-up included) and prints and writes JSON with runs/minute and the speed-up
(target >= 1.7x). Not a timed test: ``python benchmarks/sweep_throughput.py [--out FILE]``.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import tempfile
import time
from pathlib import Path

from sim.sweep import run_sweep

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
    """Wall time and runs per minute of the sweep on ``workers`` local workers."""
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="also write the JSON here")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    with tempfile.TemporaryDirectory() as tmp:
        one, two = measure(1, Path(tmp)), measure(2, Path(tmp))
    report = {
        "benchmark": "sweep_throughput",
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
        "serial": one,
        "two_workers": two,
        "speedup": round(two["runs_per_minute"] / one["runs_per_minute"], 3),
        "target_speedup": 1.7,
    }
    text = json.dumps(report, indent=2)
    print(text)  # noqa: T201 - a benchmark script reports on stdout
    if args.out:
        args.out.write_text(text + "\n")


if __name__ == "__main__":
    main()
