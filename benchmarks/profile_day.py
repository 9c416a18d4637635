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
    os.environ["SIM_WARM_CACHE"] = "off"
    scenario = yaml.safe_load(Path(args.scenario).read_text())
    if args.cells:
        counts = scenario["cells"]
        total = sum(counts.values())
        scenario["cells"] = {t: max(1, args.cells * k // total) for t, k in counts.items()}
    if args.no_warm_up:
        from engine_throughput import _no_warm_up

        from sim import model as sm

        sm.PhysiologyModel._warm_up = _no_warm_up
    steps = int(round(scenario.get("duration_min", 1440) / scenario.get("dt_min", 1.0)))
    steps = min(steps, args.steps + 1) if args.steps else steps
    model = _model(scenario)
    model.step()  # kernels loaded, pools made
    c0, w0 = time.process_time(), time.perf_counter()
    for _ in range(steps - 1):
        model.step()
    cpu, wall = time.process_time() - c0, time.perf_counter() - w0
    cells = sum(t.n for t in model.tissues.values())
    print(
        f"{cells:,} cells, {steps - 1} steps without the profiler: {cpu:.2f} s CPU, "
        f"{wall:.2f} s wall, {1e3 * cpu / (steps - 1):.3f} ms CPU per step; "
        f"load {os.getloadavg()[0]:.2f}"
    )
    model = _model(scenario)
    model.step()
    prof = cProfile.Profile(time.process_time)  # CPU time: the machine may be shared
    prof.enable()
    for _ in range(steps - 1):
        model.step()
    prof.disable()
    stats = pstats.Stats(prof)
    total = _cumulative(stats, (("model.py", "step"),))
    print(f"under cProfile: model.step {total:.2f} s ({1e3 * total / (steps - 1):.3f} ms a step)")
    accounted = 0.0
    for label, *where in PARTS:
        t = _cumulative(stats, tuple(where))
        accounted += t
        print(f"  {label:28s} {t:6.2f} s  {100 * t / total:5.1f} %")
    rest = total - accounted
    print(f"  {'rest of model.step':28s} {rest:6.2f} s  {100 * rest / total:5.1f} %")
    # compiled code runs outside the profiler's reach (one call per tissue and step), so its
    # time is not inflated: set it against the stepping CPU measured without the profiler
    code = sum(
        tt for (path, _l, name), (_c, _n, tt, _ct, _cl) in stats.stats.items()
        if name == "advance_range"
    )  # fmt: skip
    body = sum(
        tt for (path, _l, name), (_c, _n, tt, _ct, _cl) in stats.stats.items()
        if name == "advance" and Path(path).name.startswith("sim_body_")
    )  # fmt: skip
    if code:
        print(
            f"compiled kernel code: {code:.2f} s = {100 * code / cpu:.0f} % of the stepping CPU "
            f"without the profiler; compiled body code {body:.2f} s; the Python rest "
            f"{1e3 * (cpu - code - body) / (steps - 1):.3f} ms a step; stepping / kernel-only = "
            f"{cpu / code:.2f}"
        )
    stats.sort_stats("tottime").print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
