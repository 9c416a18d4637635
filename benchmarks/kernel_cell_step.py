"""CPU nanoseconds per cell-step of the compiled cell kernel alone, per tissue.

Each measurement runs in a fresh interpreter: a model of ``--cells`` cells per tissue is built
without the warm-up, stepped 20 minutes after a 75 g meal so every arm moves, and then
``compiled.advance`` of each tissue (one 1-min step at that tissue's substep count, one
thread) is timed over ``--calls`` calls; the result is CPU ns per cell-step (and per law
evaluation: 4 per RK4 substep). With several ``--code DIR`` (each a folder holding a
``sim/`` package, e.g. ``git archive COMMIT sim | tar -x -C DIR``) the copies alternate,
``--repeats`` times each, so that a change to the kernel is compared with the code before it
in the same minutes; the minimum per copy and tissue is kept. Each copy's kernel is compiled
(or loaded from its cache) before its first timed run.

``python benchmarks/kernel_cell_step.py [--code DIR ...] [--cells 4000] [--repeats 3]``
prints a JSON result and a Markdown table; ``--out FILE.json`` also writes them.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def case(cells: int, calls: int) -> dict:
    """In this process: CPU ns per cell-step of each tissue's compiled kernel."""
    os.environ["SIM_WARM_CACHE"] = "off"
    os.environ["SIM_KERNEL"] = "numba"
    os.environ["SIM_THREADS"] = "1"
    from sim import engine as en
    from sim import model as sm
    from sim.kinetics import compiled

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from engine_throughput import _no_warm_up

    sm.PhysiologyModel._warm_up = _no_warm_up  # one coupled step instead of the warm-up
    scn = {
        "name": "kernel",
        "duration_min": 60,
        "cells": {"muscle": cells, "liver": cells, "adipose": cells},
        "interventions": [{"kind": "meal", "at_min": 0, "carbs_g": 75}],
    }
    model = sm.PhysiologyModel(scn)
    for _ in range(20):
        model.step()
    out = {}
    for name, t in model.tissues.items():
        base = en.systemic_inputs(model.time_min, model.x, model.ctx)
        u = en.tissue_inputs(model.time_min, model.x, model.ctx, t, base, model.last_flux)
        n_sub = en.cell_substeps(1.0, t, u)
        compiled.advance(name, t.y, u, t.params, 1.0, n_sub, t.acc_rows)  # load
        c0 = time.process_time()
        for _ in range(calls):
            compiled.advance(name, t.y, u, t.params, 1.0, n_sub, t.acc_rows)
        cpu = time.process_time() - c0
        ns = cpu / (calls * t.y.shape[1]) * 1e9
        out[name] = {"substeps": n_sub, "ns_per_cell_step": ns, "ns_per_law": ns / (4 * n_sub)}
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--code", type=Path, nargs="*", default=[ROOT])
    ap.add_argument("--cells", type=int, default=4000)
    ap.add_argument("--calls", type=int, default=100)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--out", type=Path)
    ap.add_argument("--case", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.case:
        print(json.dumps(case(*json.loads(args.case))))
        return 0
    load0 = os.getloadavg()

    def one(code: Path) -> dict:
        env = dict(os.environ, PYTHONPATH=str(code))
        cmd = [sys.executable, __file__, "--case", json.dumps([args.cells, args.calls])]
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True)
        return json.loads(proc.stdout.strip().splitlines()[-1])

    for code in args.code:  # compile or load each copy's kernels once, untimed
        one(code)
    runs: dict[str, list[dict]] = {str(c): [] for c in args.code}
    for _ in range(args.repeats):
        for code in args.code:
            runs[str(code)].append(one(code))
    best = {
        code: {t: min(r[t]["ns_per_cell_step"] for r in rs) for t in ("muscle", "liver", "adipose")}
        for code, rs in runs.items()
    }
    result = {
        "cells": args.cells,
        "calls": args.calls,
        "repeats": args.repeats,
        "load_start": [round(x, 2) for x in load0],
        "load_end": [round(x, 2) for x in os.getloadavg()],
        "date_utc": time.strftime("%Y-%m-%d %H:%M", time.gmtime()),
        "runs": runs,
        "min_ns_per_cell_step": best,
    }
    lines = [
        f"CPU ns per cell-step, compiled kernel alone, {args.cells:,} cells per tissue, one "
        f"thread, min of {args.repeats}; load {result['load_start'][0]} / {result['load_end'][0]}",
        "",
        "| code | muscle | liver | adipose |",
        "|---|---:|---:|---:|",
    ]
    for code, b in best.items():
        lines.append(f"| `{code}` | {b['muscle']:.0f} | {b['liver']:.0f} | {b['adipose']:.0f} |")
    md = "\n".join(lines) + "\n"
    print(json.dumps(result))
    print(md)
    if args.out:
        args.out.write_text(json.dumps(result, indent=1) + "\n")
        args.out.with_suffix(".md").write_text(md)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
