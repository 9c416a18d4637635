"""Where a day goes: cProfile of ``sim.run`` on a scenario, split into the cell kernel and the
Python rest of a step.

Usage::

    python benchmarks/profile_day.py                      # configs/baseline.yaml, 1,100 cells
    python benchmarks/profile_day.py --scenario configs/baseline.yaml --top 25
    SIM_THREADS=1 python benchmarks/profile_day.py --cells 100000 --steps 20 --no-warm-up

Builds the model (warm-state cache off, so the fasting warm-up is in the build), then steps
the whole scenario under ``cProfile`` and prints CPU seconds by part of the step: the cell
kernel (``sim.kinetics.compiled.advance`` or the numpy ``advance_cells``), the body's
right-hand side and RK4 (``advance_body``: compiled with the numba kernel,
:mod:`sim.kinetics.body_compiled`), the inputs to the cells (``systemic_inputs``,
``tissue_inputs``, ``cell_fluxes``), the recorder and Mesa's DataCollector, and the rest
of ``model.step``; then the ``--top`` functions by own time. The profile counts CPU time
(``time.process_time``), not wall time, so other users' load does not enter it. cProfile adds
a cost to every Python call, so the Python shares it shows are upper bounds; the compiled
kernel's (and the compiled body's) own time is not slowed by it and is set against the
stepping CPU measured without the profiler (printed first) to give the Python rest of a
step. "stepping / kernel-only" is the stepping CPU over the cell kernel's own time.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
PARTS = (
    ("cell kernel (advance_cells)", ("engine.py", "advance_cells")),
    ("state checks", ("numerics.py", "check_state"), ("numerics.py", "check_fractions"),
     ("model.py", "_check_body")),
    ("body RK4 (advance_body)", ("engine.py", "advance_body")),
    ("cell inputs", ("engine.py", "systemic_inputs"), ("engine.py", "tissue_inputs"),
     ("engine.py", "cell_substeps")),
    ("cell fluxes to the body", ("engine.py", "cell_fluxes")),
    ("events", ("model.py", "_apply_events")),
    ("recorder", ("recorder.py", "record")),
    ("DataCollector", ("datacollection.py", "collect")),
)  # fmt: skip


def _cumulative(stats: pstats.Stats, where: tuple[tuple[str, str], ...]) -> float:
    """CPU seconds spent in (and below) the functions named by (file suffix, name)."""
    total = 0.0
    for (path, _line, name), (_cc, _nc, _tt, ct, _callers) in stats.stats.items():
        if any(path.endswith(f) and name == n for f, n in where):
            total += ct
    return total


def _model(scenario: dict):  # noqa: ANN202
    from sim.model import PhysiologyModel

    return PhysiologyModel(scenario)


def measure(
    scenario: dict, steps: int | None = None, no_warm_up: bool = False
) -> tuple[dict, pstats.Stats]:
    """Step ``scenario`` (a mapping; its whole duration, or ``steps`` steps) once without and
    once under cProfile (each after one untimed step); the figures of the module docstring
    as a mapping, and the profile. Sets ``SIM_WARM_CACHE=off`` in this process."""
    os.environ["SIM_WARM_CACHE"] = "off"
    if no_warm_up:
        from engine_throughput import _no_warm_up

        from sim import model as sm

        sm.PhysiologyModel._warm_up = _no_warm_up
    n_steps = int(round(scenario.get("duration_min", 1440) / scenario.get("dt_min", 1.0)))
    n_steps = min(n_steps, steps + 1) if steps else n_steps
    model = _model(scenario)
    model.step()  # kernels loaded, pools made
    c0, w0 = time.process_time(), time.perf_counter()
    for _ in range(n_steps - 1):
        model.step()
    cpu, wall = time.process_time() - c0, time.perf_counter() - w0
    cells = sum(t.n for t in model.tissues.values())
    model = _model(scenario)
    model.step()
    prof = cProfile.Profile(time.process_time)  # CPU time: the machine may be shared
    prof.enable()
    for _ in range(n_steps - 1):
        model.step()
    prof.disable()
    stats = pstats.Stats(prof)
    total = _cumulative(stats, (("model.py", "step"),))
    parts = {label: _cumulative(stats, tuple(where)) for label, *where in PARTS}
    # compiled code runs outside the profiler's reach (one call per tissue and step), so its
    # time is not inflated: set it against the stepping CPU measured without the profiler
    code = sum(
        tt for (_path, _l, name), (_c, _n, tt, _ct, _cl) in stats.stats.items()
        if name == "advance_range"
    )  # fmt: skip
    body = sum(
        tt for (path, _l, name), (_c, _n, tt, _ct, _cl) in stats.stats.items()
        if name == "advance" and Path(path).name.startswith("sim_body_")
    )  # fmt: skip
    steps_timed = n_steps - 1
    out = {
        "cells": cells,
        "steps": steps_timed,
        "cpu_s": cpu,
        "wall_s": wall,
        "ms_per_step": 1e3 * cpu / steps_timed,
        "profiled_step_s": total,
        "parts_s": parts,
        "kernel_code_s": code,
        "body_code_s": body,
        "python_rest_ms_per_step": 1e3 * (cpu - code - body) / steps_timed if code else None,
        "stepping_over_kernel": cpu / code if code else None,
        "load": os.getloadavg()[0],
    }
    return out, stats


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scenario", default=str(ROOT / "configs" / "baseline.yaml"))
    ap.add_argument("--top", type=int, default=15, help="functions listed by own time")
    ap.add_argument("--cells", type=int, help="total cells, split as in the scenario")
    ap.add_argument("--steps", type=int, help="steps to time (default: the whole scenario)")
    ap.add_argument(
        "--no-warm-up", action="store_true", help="one coupled step instead of the warm-up"
    )
    args = ap.parse_args(argv)
    scenario = yaml.safe_load(Path(args.scenario).read_text())
    if args.cells:
        counts = scenario["cells"]
        total = sum(counts.values())
        scenario["cells"] = {t: max(1, args.cells * k // total) for t, k in counts.items()}
    res, stats = measure(scenario, args.steps, args.no_warm_up)
    steps, cpu = res["steps"], res["cpu_s"]
    print(
        f"{res['cells']:,} cells, {steps} steps without the profiler: {cpu:.2f} s CPU, "
        f"{res['wall_s']:.2f} s wall, {res['ms_per_step']:.3f} ms CPU per step; "
        f"load {res['load']:.2f}"
    )
    total = res["profiled_step_s"]
    print(f"under cProfile: model.step {total:.2f} s ({1e3 * total / steps:.3f} ms a step)")
    for label, t in res["parts_s"].items():
        print(f"  {label:28s} {t:6.2f} s  {100 * t / total:5.1f} %")
    rest = total - sum(res["parts_s"].values())
    print(f"  {'rest of model.step':28s} {rest:6.2f} s  {100 * rest / total:5.1f} %")
    code, body = res["kernel_code_s"], res["body_code_s"]
    if code:
        print(
            f"compiled kernel code: {code:.2f} s = {100 * code / cpu:.0f} % of the stepping CPU "
            f"without the profiler; compiled body code {body:.2f} s; the Python rest "
            f"{res['python_rest_ms_per_step']:.3f} ms a step; stepping / kernel-only = "
            f"{res['stepping_over_kernel']:.2f}"
        )
    stats.sort_stats("tottime").print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
