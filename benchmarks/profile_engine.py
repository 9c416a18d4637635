"""Where the time goes: a pyinstrument profile of building and stepping the full model.

Usage::

    python benchmarks/profile_engine.py --cells 10000 --steps 20
    python benchmarks/profile_engine.py --cells 100000 --steps 5 --no-warm-up

Prints the call tree (pyinstrument, ``pip install pyinstrument``) of the model's
construction (graph, space, agents, arrays, the fasting warm-up unless ``--no-warm-up``) and
of ``--steps`` full model steps, plus wall times and cell-steps per second. Set
``SIM_KERNEL=numba`` to profile the compiled kernel.
"""

from __future__ import annotations

import argparse
import os
import sys
import time


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="example:\n  python benchmarks/profile_engine.py --cells 10000 --steps 20",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument("--cells", type=int, default=10_000, help="total cells (5:3:3 split)")
    ap.add_argument("--steps", type=int, default=20, help="model steps to profile")
    ap.add_argument("--no-warm-up", action="store_true", help="skip the fasting warm-up")
    ap.add_argument("--agent", action="store_true", help="per-agent engine")
    args = ap.parse_args(argv)
    from engine_throughput import _no_warm_up, scenario
    from pyinstrument import Profiler

    from sim import model as sm

    if args.no_warm_up:
        os.environ["SIM_WARM_CACHE"] = "off"  # a state without warm-up must not be cached
        sm.PhysiologyModel._warm_up = _no_warm_up
    prof = Profiler()
    prof.start()
    t0 = time.perf_counter()
    model = sm.PhysiologyModel(scenario(args.cells, "agent" if args.agent else "numpy"))
    t1 = time.perf_counter()
    for _ in range(args.steps):
        model.step()
    t2 = time.perf_counter()
    prof.stop()
    print(prof.output_text(unicode=False, color=False))
    print(
        f"cells {args.cells}: build {t1 - t0:.2f} s, {args.steps} steps {t2 - t1:.2f} s, "
        f"{args.cells * args.steps / (t2 - t1):.3g} cell-steps/s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
