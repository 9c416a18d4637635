"""Thread scaling of the full model estimated from CPU time, for a machine shared with others.

Usage::

    python benchmarks/thread_critical_path.py --cells 100000 --steps 15

Wall time on two threads says how many cores the scheduler gave the process, not what the
code can do. This measures instead, for the same model stepped on one thread and then on
two: the process CPU per step on one thread (the work), and on two threads the CPU of the
calling thread per step (``time.thread_time``): the serial Python of the step plus this
thread's half of each split tissue, which the pool thread works through at the same time.
With two free cores a step lasts about as long as the calling thread's share (its own CPU,
when the pool's half is no longer), so one-thread work over it bounds the speed-up that two
free cores can give. ``--serial-checks`` runs the state checks of large tissues as one numpy
pass on the calling thread, as before they were split (the comparison in
docs/performance.md). Prints JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time


def _model(cells: int):  # noqa: ANN202
    from engine_throughput import _no_warm_up, scenario

    from sim import model as sm

    sm.PhysiologyModel._warm_up = _no_warm_up
    return sm.PhysiologyModel(scenario(cells, "numba"))


def _measure(cells: int, steps: int, threads: int) -> dict:
    os.environ["SIM_THREADS"] = str(threads)
    model = _model(cells)
    for _ in range(3):  # untimed: kernels loaded, the pool made, substeps settled a little
        model.step()
    c0, t0, w0 = time.process_time(), time.thread_time(), time.perf_counter()
    for _ in range(steps):
        model.step()
    cpu, mine, wall = time.process_time() - c0, time.thread_time() - t0, time.perf_counter() - w0
    return {
        "threads": threads,
        "cpu_ms_per_step": 1e3 * cpu / steps,
        "calling_thread_cpu_ms_per_step": 1e3 * mine / steps,
        "wall_ms_per_step": 1e3 * wall / steps,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cells", type=int, default=100_000)
    ap.add_argument("--steps", type=int, default=15)
    ap.add_argument("--serial-checks", action="store_true")
    args = ap.parse_args(argv)
    os.environ["SIM_WARM_CACHE"] = "off"  # models built without the warm-up
    os.environ["SIM_KERNEL"] = "numba"
    if args.serial_checks:
        from sim import numerics

        numerics._compiled_checks = lambda y: None
    load0 = os.getloadavg()
    one, two = _measure(args.cells, args.steps, 1), _measure(args.cells, args.steps, 2)
    out = {
        "cells": args.cells,
        "steps": args.steps,
        "serial_checks": args.serial_checks,
        "one_thread": one,
        "two_threads": two,
        "bound_speedup_two_free_cores": one["cpu_ms_per_step"]
        / two["calling_thread_cpu_ms_per_step"],
        "load_start_end": [load0[0], os.getloadavg()[0]],
    }
    print(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
