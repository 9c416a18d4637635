"""Engine throughput: cell-steps per second of the full model, per-agent baselines against
vectorised.

One run measures, each case in its own subprocess (so peak memory is the case's own):

- cell-steps per second (cells x steps / wall seconds of ``model.step()``) of the FULL model:
  every pathway of every cell, insulin exchange through the graph's sparse operators, the
  closed-loop body, the recorder at the default cadences (``record_every_min`` 5,
  ``cell_record_every_min`` 60) and Mesa's DataCollector every step, for
  (a) the per-agent engine as a Mesa user writes it (``engine: agent``: each agent's
  ``step()`` runs RK4 on its own state as Python floats, the rate laws executed as plain
  Python: ``SIM_AGENT_KERNEL=python``, the default),
  (b) the per-agent engine calling the compiled single-cell kernel from each ``step()``
  (``SIM_AGENT_KERNEL=numba``),
  and the vectorised engine with the numpy kernel and the compiled (numba) kernel, the
  latter on every core (``SIM_THREADS``); at 1,000, 10,000 and 100,000 cells (vectorised
  also 1,000,000); ratios against (a) and (b) at the same size;
- thread scaling: the compiled kernel on 1 and 2 threads, alternating, at 10^4 and 10^5
  cells, best of ``--repeats``;
- floating-point work: operations per right-hand side counted by running the plain-Python
  copy of the rate laws on counting floats, per cell-step with RK4, against a measured
  peak (a compiled FMA loop on one core);
- peak resident memory of the case's process, and the bytes per cell of state, per-cell
  parameters, exchange structure and work arrays (and of the per-cell snapshots per day);
- the build time of the arrays and sparse operators (what a vectorised run pays), and of the
  networkx graph, Mesa space and every agent when they are asked for (at 10^5 and 10^6
  cells); the fasting warm-up is part of the set-up figure below;
- import (what ``sim run`` imports) + set-up time of a cheap run (1,000 cells, 24 h), in a
  fresh interpreter: first start (fasting warm-up, then the warm-state cache entry written)
  and repeat start (the warmed-up state loaded from that entry), min of 3 each;
- the cost of data collection at the default cadences: the time spent inside the recorder and
  DataCollector calls as a share of the stepping time (timed in one process: comparing two
  runs with and without recording measures the load swings of a shared machine instead);
- the compile (cold cache) or load (warm cache) time of the numba kernels;
- a numpy streaming bound: one read-modify-write pass over an array of the same state size
  per cell-step (memory bandwidth, no arithmetic to speak of).

The stepping cases start from the state the model is built in, without the warm-up (its cost
is that of the same steps; at 10^6 cells it alone would take minutes), with a 75 g meal at
t = 0 so that every arm is moving; every case runs ``UNTIMED_STEPS`` (10) steps untimed and
then times its steps from t = 10 min, when the RK4 substeps per step have settled (the
table reports them), so every size times the same kind of step. The per-agent engines run
only a few steps, and above ``AGENT_SAMPLE`` cells it steps every k-th agent (about 2,000
per step), times those agent steps and scales that time to every agent (each agent's step
is the same work whatever the population); the JSON says how many steps and timed agents
each case had.

Usage::

    python benchmarks/engine_throughput.py            # full run (~10 min on 2 cores)
    python benchmarks/engine_throughput.py --quick    # up to 10,000 cells (~2 min)
    SIM_NUMBA_CACHE=/tmp/nb python benchmarks/engine_throughput.py   # numba cache elsewhere
    python benchmarks/engine_throughput.py --out benchmarks/results/engine_throughput.json
    python benchmarks/engine_throughput.py --setup --no-numba   # first/repeat start only
    python benchmarks/engine_throughput.py --threads --repeats 5  # 1 against 2 threads only
    nice -n 10 python benchmarks/engine_throughput.py --memory-day --cells 1000000 --hours 4

``--setup`` writes ``setup.{json,md}``; ``--memory-day`` runs one whole run (build, warm-up,
``--hours`` simulated hours, run folder written to a temporary folder) and writes
``memory_day.{json,md}`` with the resident memory at every simulated hour and the peak.

With numba installed the first run on a machine first compiles the kernels (~15 s, reported
as ``numba_compile``). Writes the JSON and a Markdown table next to it (``.md``).
Timings on a shared machine are depressed; ratios measured side by side in one run are the
meaningful figures, and CPU-time rates are reported beside wall-clock ones.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import numpy as np

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "results" / "engine_throughput.json"
SPLIT = {"muscle": 5, "liver": 3, "adipose": 3}
"""Cells per tissue in the proportions of configs/baseline.yaml (500 / 300 / 300)."""

AGENT_ENGINES = {"agent": "python", "agent-numba": "numba", "agent-roadrunner": "python"}
"""Per-agent baselines (``engine: agent``, each Mesa agent's ``step()`` advances its own
cell): (a) ``agent``, RK4 on Python floats with the rate laws run as plain Python (what a
Mesa user writes); (b) ``agent-numba``, the compiled single-cell kernel called from each
``step()``; (c) ``agent-roadrunner``, one libRoadRunner instance per cell on the SBML of
``sim export sbml`` (:func:`_roadrunner_agents`)."""

RR_RTOL, RR_ATOL = 1e-6, 1e-12
"""CVODE tolerances of baseline (c): libRoadRunner's defaults (what a user gets)."""

FULL_CASES = [
    ("agent-roadrunner", 100, 5),
    ("agent-roadrunner", 1_000, 3),
    ("agent", 100, 10),
    ("agent", 1_000, 5),
    ("agent", 10_000, 2),
    ("agent", 100_000, 2),
    ("agent-numba", 100, 50),
    ("agent-numba", 1_000, 20),
    ("agent-numba", 10_000, 5),
    ("agent-numba", 100_000, 3),
    ("numpy", 100, 200),
    ("numpy", 1_000, 60),
    ("numpy", 10_000, 20),
    ("numpy", 100_000, 6),
    ("numpy", 1_000_000, 2),
    ("numba", 100, 300),
    ("numba", 1_000, 60),
    ("numba", 10_000, 30),
    ("numba", 100_000, 10),
    ("numba", 1_000_000, 3),
]
QUICK_CASES = [
    ("agent-roadrunner", 100, 3),
    ("agent", 100, 5),
    ("agent", 1_000, 3),
    ("agent-numba", 1_000, 10),
    ("numpy", 1_000, 30),
    ("numpy", 10_000, 10),
    ("numba", 100, 100),
    ("numba", 1_000, 30),
    ("numba", 10_000, 10),
]
THREAD_CASES = [("numba", 10_000, 30), ("numba", 100_000, 10)]
QUICK_THREAD_CASES = [("numba", 10_000, 30)]
"""Thread scaling: each size on 1 and on 2 threads, alternating, ``--repeats`` times."""


def cells_for(n: int) -> dict[str, int]:
    total = sum(SPLIT.values())
    counts = {t: n * k // total for t, k in SPLIT.items()}
    counts["muscle"] += n - sum(counts.values())
    return counts


def scenario(n: int, engine: str, duration_min: float = 1440.0, record: bool = True) -> dict:
    scn = {
        "name": "bench",
        "seed": 0,
        "duration_min": duration_min,
        "cells": cells_for(n),
        "engine": "agent" if engine in AGENT_ENGINES else "vector",
        "interventions": [{"kind": "meal", "at_min": 0, "carbs_g": 75, "protein_g": 10}],
    }
    if not record:
        scn["record_every_min"] = duration_min
        scn["cell_record_every_min"] = duration_min
    return scn


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def bytes_per_cell(model) -> dict[str, float]:  # noqa: ANN001
    """State, per-cell parameters and exchange structure, per cell."""
    n = sum(t.n for t in model.tissues.values())
    state = sum(t.y.nbytes for t in model.tissues.values())
    params = sum(
        v.nbytes
        for t in model.tissues.values()
        for v in vars(t.params).values()
        if isinstance(v, np.ndarray)
    )
    geo = model.ctx.geo
    # the operators, and the copies the body keeps (one block-diagonal Laplacian, depot masks)
    exchange = sum(
        (a.data.nbytes + a.indices.nbytes + a.indptr.nbytes)
        for a in (geo.a_muscle, geo.a_adipose, geo.lap_muscle, geo.lap_adipose, geo.lap_isf)
    ) + sum(
        v.nbytes
        for v in (
            geo.kte_muscle,
            geo.kte_adipose,
            geo.liver_atten,
            geo.visceral,
            geo.visceral_cells,
            geo.subcutaneous_cells,
        )
    )
    from sim.engine import BLOCK_CELLS

    if _kernel_of(model).startswith("agent"):
        work = 0.0  # each agent's column as Python floats while it steps (not counted: the
        # Mesa agents themselves, ~2 KiB each)
    elif _kernel_of(model) == "numba":
        # the compiled kernel: the result and the per-cell inputs (it reads the state in
        # place and restarts the accumulators itself); its work records (6 cells' worth)
        # are negligible
        work = state + 8 * n
    else:
        # numpy: one new state-sized result and ~8 block-sized work arrays (block copy,
        # stage, sum, k1-k4, temporaries), whatever the population
        species = max(t.y.shape[0] for t in model.tissues.values())
        work = state + 8 * species * min(BLOCK_CELLS, n) * 8
    snapshots = sum(t.y.shape[0] * 4 for t in model.tissues.values()) / 3 * 25
    return {
        "state": state / n,
        "params": params / n,
        "exchange": exchange / n,
        "work": work / n,
        "total": (state + params + exchange + work) / n,
        "cell_snapshots_per_day": snapshots,
    }


def run_case(
    engine: str, n: int, steps: int, record: bool = True, threads: int | None = None
) -> dict:
    """One case, in this process: build without warm-up, then time ``steps`` model steps.
    ``threads``: ``SIM_THREADS`` of the compiled kernel (None: its default, every core)."""
    os.environ["SIM_KERNEL"] = "numba" if engine == "numba" else "numpy"
    if engine in AGENT_ENGINES:
        os.environ["SIM_AGENT_KERNEL"] = AGENT_ENGINES[engine]
    if threads is not None:
        os.environ["SIM_THREADS"] = str(threads)
    from sim import model as sm
    from sim.kinetics import compiled

    warm_up = sm.PhysiologyModel._warm_up
    sm.PhysiologyModel._warm_up = _no_warm_up
    sampled = _sample_agents(n) if engine in AGENT_ENGINES else None
    t0 = time.perf_counter()
    model = sm.PhysiologyModel(scenario(n, engine, record=record))
    build_s = time.perf_counter() - t0 - model._bench_first_step_s
    sm.PhysiologyModel._warm_up = warm_up
    rr = _roadrunner_agents(model) if engine == "agent-roadrunner" else None
    # Untimed steps first (the first compiles the numba kernel when there is one), so every
    # case times the same simulated window: after the meal at t = 0 the stiffness bound, and
    # with it the RK4 substeps per step, rises for ~6 min (2-2-2 -> 2-4-3 in the three
    # tissues); timing 3 steps at 10^6 cells against 30 at 10^4 compared different work.
    for _ in range(UNTIMED_STEPS):
        model.step()
    if sampled is not None:  # only the timed steps' agent time counts
        sampled.update(count=0, agent_s=0.0, agent_cpu_s=0.0)
    substeps = _count_substeps()
    t0, c0 = time.perf_counter(), time.process_time()
    for _ in range(steps):
        model.step()
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    cell_substeps = substeps["cells"]
    extra = {}
    if rr is not None:  # CVODE's own steps, and the agreement with (a) checked on the way
        extra = {
            "roadrunner": rr,
            "integrator": f"CVODE rtol {RR_RTOL:g} atol {RR_ATOL:g}",
        }
    if sampled is not None:  # per-agent time of the sample, scaled to every agent
        scale = steps * n / sampled["count"] - 1.0
        wall += sampled["agent_s"] * scale
        cpu += sampled["agent_cpu_s"] * scale
    return {
        **extra,
        "engine": engine,
        "kernel": "agent-roadrunner" if rr is not None else _kernel_of(model),
        # threads the compiled kernel split a tissue over (1 when no tissue is large enough)
        "threads": compiled.threads()
        if _kernel_of(model) == "numba"
        and max(t.n for t in model.tissues.values()) >= compiled.PARALLEL_MIN_CELLS
        else 1,
        "cells": n,
        "steps": steps,
        "agents_timed_per_step": n if sampled is None else sampled["count"] // (steps + 1),
        "wall_s": wall,
        "cpu_s": cpu,
        "cell_steps_per_s": n * steps / wall,
        "cell_steps_per_cpu_s": n * steps / cpu,
        "untimed_steps_before": UNTIMED_STEPS,
        "substeps_per_cell_step": cell_substeps / (n * steps),
        "ns_per_cell_substep_cpu": cpu / cell_substeps * 1e9,
        "build_s": build_s,
        "peak_rss_mib": peak_rss_mib(),
        "bytes_per_cell": bytes_per_cell(model),
    }


UNTIMED_STEPS = 10
"""Model steps run before the timed ones in every stepping case (see :func:`run_case`)."""


def _count_substeps() -> dict[str, int]:
    """Count RK4 substeps x cells of every tissue from now on (all engines ask
    :func:`sim.engine.cell_substeps` once per tissue and step)."""
    from sim import engine as en

    counter = {"cells": 0}
    substeps = getattr(en.cell_substeps, "__wrapped__", en.cell_substeps)

    def counted(dt: float, tissue, u) -> int:  # noqa: ANN001
        k = substeps(dt, tissue, u)
        counter["cells"] += k * tissue.n
        return k

    counted.__wrapped__ = substeps
    en.cell_substeps = counted
    return counter


AGENT_SAMPLE = 2000
"""Above this many cells the per-agent engine steps every k-th agent only (the others are
skipped), times those agent steps, and scales that time to all agents; each agent's step is
the same work whatever the population, so the estimate is the full step's cost."""


def _sample_agents(n: int) -> dict | None:
    if n <= AGENT_SAMPLE:
        return None
    from sim.agents import TissueCell

    stride = n // AGENT_SAMPLE
    step = TissueCell.step
    stats = {"count": 0, "agent_s": 0.0, "agent_cpu_s": 0.0}

    def sampled_step(self) -> None:  # noqa: ANN001
        if self.i % stride:
            return
        t0, c0 = time.perf_counter(), time.process_time()
        step(self)
        stats["agent_s"] += time.perf_counter() - t0
        stats["agent_cpu_s"] += time.process_time() - c0
        stats["count"] += 1

    TissueCell.step = sampled_step
    return stats


def _roadrunner_agents(model) -> dict:  # noqa: ANN001
    """Baseline (c): each Mesa agent's ``step()`` drives its own libRoadRunner instance on
    the SBML of its tissue (:func:`sim.export.sbml.cell_document`, the model ``sim export
    sbml`` writes) with the same per-cell parameters, the same inputs the engine gives the
    cell in this step (per-cell local values included) and the same protocol: the agent sets
    its column (accumulators restarted at 0) and the inputs, CVODE integrates over the step
    (``oneStep`` with a restart, as any co-simulation whose inputs change each step must),
    and the agent writes the state back, so the body, the recorder and the checks see it as
    from the other engines. The first agent of each tissue also runs baseline (a) on the same
    column first: the largest relative difference of the two is kept (``max_rel_diff_vs_a``).
    The instances are made at an agent's first step (untimed; ``make_s``)."""
    import roadrunner

    from sim.agents import TissueCell
    from sim.export.cell import snapshot
    from sim.export.sbml import cell_document, to_string
    from sim.kinetics.species import index

    stats: dict = {"instances": 0, "make_s": 0.0, "max_rel_diff_vs_a": {}, "tissues": {}}
    info: dict[str, SimpleNamespace] = {}
    python_step = TissueCell.step

    def tissue_info(name: str) -> SimpleNamespace:
        if name in info:
            return info[name]
        t0 = time.perf_counter()
        tis = model.tissues[name]
        sbml = to_string(cell_document(snapshot(model, name)))
        probe = roadrunner.RoadRunner(sbml)
        rows = index(name)
        species = list(probe.model.getFloatingSpeciesIds())
        gids = list(probe.model.getGlobalParameterIds())
        acc = [k for k in gids if k in rows and k not in species]
        cell_params = {
            k: v for k, v in vars(tis.params).items() if isinstance(v, np.ndarray) and v.ndim == 1
        }
        inputs = [k for k in vars(model.step_inputs[name][0]) if k in gids]
        if len(species) + len(acc) != tis.y.shape[0]:
            raise RuntimeError(f"{name}: the SBML does not hold every row of the state")
        ns = SimpleNamespace(
            sbml=sbml,
            sp_idx=np.arange(len(species), dtype=np.int32),
            sp_rows=np.array([rows[k] for k in species]),
            acc_gidx=np.array([gids.index(k) for k in acc], dtype=np.int32),
            acc_rows=np.array([rows[k] for k in acc]),
            acc_zero=np.zeros(len(acc)),
            par_gidx=np.array([gids.index(k) for k in cell_params if k in gids], dtype=np.int32),
            par_vals=np.array([v for k, v in cell_params.items() if k in gids]).reshape(-1, tis.n),
            in_names=inputs,
            in_gidx=np.array([gids.index(k) for k in inputs], dtype=np.int32),
            u=None,
            in_vals=None,
        )
        info[name] = ns
        stats["tissues"][name] = {
            "species": len(species),
            "accumulators": len(acc),
            "inputs": len(inputs),
            "per_cell_parameters": int(ns.par_gidx.size),
            "sbml_and_first_instance_s": time.perf_counter() - t0,
        }
        return ns

    def rr_step(self) -> None:  # noqa: ANN001
        u, _, dt = self.model.step_inputs[self.tissue_name]
        ti = tissue_info(self.tissue_name)
        if ti.u is not u:  # this step's inputs: a row per input, a column per cell
            ti.u = u
            ti.in_vals = np.array(
                [
                    np.broadcast_to(np.asarray(getattr(u, k), float), (self.tissue.n,))
                    for k in ti.in_names
                ]
            )
        inst = self.__dict__.get("_rr")
        i = self.i
        if inst is None:
            t0 = time.perf_counter()
            inst = roadrunner.RoadRunner(ti.sbml)
            integ = inst.getIntegrator()
            integ.setValue("relative_tolerance", RR_RTOL)
            integ.setValue("absolute_tolerance", RR_ATOL)
            if ti.par_gidx.size:
                inst.model.setGlobalParameterValues(ti.par_gidx, ti.par_vals[:, i].copy())
            self._rr, self._rr_t = inst, 0.0
            stats["make_s"] += time.perf_counter() - t0
            stats["instances"] += 1
        col = self.tissue.y[:, i]
        if i == 0 and self.tissue_name not in stats["max_rel_diff_vs_a"]:
            before = col.copy()
            python_step(self)
            ref = col.copy()
            col[:] = before
        else:
            ref = None
        m = inst.model
        m.setFloatingSpeciesAmounts(ti.sp_idx, col[ti.sp_rows])
        m.setGlobalParameterValues(ti.acc_gidx, ti.acc_zero)
        m.setGlobalParameterValues(ti.in_gidx, ti.in_vals[:, i].copy())
        inst.oneStep(self._rr_t, dt, True)
        self._rr_t += dt
        col[ti.sp_rows] = m.getFloatingSpeciesAmounts(ti.sp_idx)
        col[ti.acc_rows] = m.getGlobalParameterValues(ti.acc_gidx)
        if ref is not None:
            scale = np.maximum(np.abs(ref), 1e-9)
            stats["max_rel_diff_vs_a"][self.tissue_name] = float(np.max(np.abs(col - ref) / scale))

    TissueCell.step = rr_step
    return stats


def _kernel_of(model) -> str:  # noqa: ANN001
    from sim.engine import default_kernel

    if model.scenario.engine == "agent":
        from sim.agents import agent_kernel

        return f"agent-{agent_kernel()}"
    return default_kernel()


def _no_warm_up(self) -> None:  # noqa: ANN001
    # A model built this way must never reach the warm-state cache: it would be stored under
    # the key of a warmed-up model (and a cached entry would skip this function).
    if os.environ.get("SIM_WARM_CACHE") != "off":
        raise RuntimeError("set SIM_WARM_CACHE=off before building a model without warm-up")
    self.last_flux = None
    t0 = time.perf_counter()
    self._advance(-self.dt, self.dt)  # one coupled step, so the body has cell fluxes
    self._bench_first_step_s = time.perf_counter() - t0


def setup_case(kernel: str, cache: str = "off") -> dict:
    """Import and set-up (build + warm-up, or the warmed-up state loaded from the cache) of a
    1,000-cell, 24-h run in this fresh process; ``cache`` is the ``SIM_WARM_CACHE`` value."""
    os.environ["SIM_KERNEL"] = kernel
    os.environ["SIM_WARM_CACHE"] = cache
    t0, c0 = time.perf_counter(), time.process_time()
    import sim.cli  # noqa: F401  (what `sim run` imports before it builds the model)
    import sim.runner  # noqa: F401
    from sim.model import PhysiologyModel
    from sim.scenario import load_scenario

    t1, c1 = time.perf_counter(), time.process_time()
    model = PhysiologyModel(load_scenario(scenario(1000, kernel)))
    t2, c2 = time.perf_counter(), time.process_time()
    return {
        "import_s": t1 - t0,
        "setup_s": t2 - t1,
        "total_s": t2 - t0,
        "import_cpu_s": c1 - c0,
        "setup_cpu_s": c2 - c1,
        "total_cpu_s": c2 - c0,
        "kernel": _kernel_of(model),
        "warm_start": model.warm_start,
        "cache": cache,
    }


def setup_cases(kernel: str, repeats: int = 3) -> dict:
    """First start (no cache entry: warm-up, then the entry written) and repeat start (the
    entry loaded), each in a fresh interpreter with a private cache folder; the minimum
    over ``repeats`` of each (CPU and wall separately), every try kept in ``tries``."""
    import shutil
    import tempfile

    tries: dict[str, list[dict]] = {"first": [], "repeat": []}
    for _ in range(repeats):
        cache = tempfile.mkdtemp(prefix="sim-warm-bench-")
        try:
            tries["first"].append(in_subprocess("setup", kernel, cache))
            tries["repeat"].append(in_subprocess("setup", kernel, cache))
        finally:
            shutil.rmtree(cache, ignore_errors=True)
    out: dict = {"kernel": kernel, "repeats": repeats, "tries": tries}
    for case, runs in tries.items():
        ok = [r for r in runs if "total_s" in r]
        if ok:
            out[case] = {k: min(r[k] for r in ok) for k in ok[0] if k.endswith("_s")}
            out[case]["warm_start"] = sorted({r["warm_start"] for r in ok})
    return out


def recording_case(engine: str, n: int, steps: int) -> dict:
    """Time spent inside data collection (the recorder at the default 5-min / 60-min
    cadences, with the per-step reporters Mesa's ``datacollector`` serves) as a share of the
    stepping time.

    Timing the calls themselves, in one process, is immune to the load swings that make two
    separate runs (with and without recording) differ by tens of per cent on a shared machine.
    """
    os.environ["SIM_KERNEL"] = "numba" if engine == "numba" else "numpy"
    from sim import model as sm

    sm.PhysiologyModel._warm_up = _no_warm_up
    model = sm.PhysiologyModel(scenario(n, engine))
    spent = {"s": 0.0}
    record = model.recorder.record

    def timed_record(force_cells: bool = False) -> None:
        t0 = time.perf_counter()
        record(force_cells)
        spent["s"] += time.perf_counter() - t0

    model.recorder.record = timed_record
    model.step()
    spent["s"] = 0.0
    t0 = time.perf_counter()
    for _ in range(steps):
        model.step()
    wall = time.perf_counter() - t0
    return {
        "engine": engine,
        "cells": n,
        "steps": steps,
        "collect_s": spent["s"],
        "step_s": wall,
        "overhead": spent["s"] / (wall - spent["s"]),
        "rows": len(model.recorder.rows),
        "cell_snapshots": len(model.recorder.snapshots),
    }


def materialise_case(n: int) -> dict:
    """Build a model (no warm-up), timing apart the part that places the networkx graph, the
    Mesa space and every cell's agent (done at construction) from the arrays and sparse
    operators the engine steps."""
    os.environ["SIM_KERNEL"] = "numpy"
    from sim import model as sm

    sm.PhysiologyModel._warm_up = _no_warm_up
    place = sm.PhysiologyModel._materialise_agents
    spent = []

    def timed(self) -> None:  # noqa: ANN001
        t = time.perf_counter()
        place(self)
        spent.append(time.perf_counter() - t)

    sm.PhysiologyModel._materialise_agents = timed
    t0 = time.perf_counter()
    model = sm.PhysiologyModel(scenario(n, "numpy"))
    total = time.perf_counter() - t0 - model._bench_first_step_s
    full = sum(spent)
    return {
        "cells": n,
        "agents": len(model.agents),
        "graph_nodes": model.graph.number_of_nodes(),
        "build_lazy_s": total - full,
        "graph_space_agents_s": full,
        "peak_rss_mib": peak_rss_mib(),
    }


def compile_case() -> dict:
    """Build (or load from the cache) the compiled kernels: one step of a small model."""
    os.environ["SIM_KERNEL"] = "numba"
    from sim.kinetics import compiled

    t0 = time.perf_counter()
    run_case("numba", 33, 1)
    return {"seconds": time.perf_counter() - t0, "cache": str(compiled.cache_dir())}


class _Flop(float):
    """A float that counts the floating-point operations done with it: one per +, -, *, /
    and ** (a power or a division counts one, though it costs several), one per comparison
    (``max`` / ``min``); a sign change counts none. Values that depend on the cell's state
    are :class:`_StateFlop`; an operation with one of them as an operand is also counted in
    ``state_count``: the rest (parameters and inputs only) is the same at every stage of a
    step, and a compiler may compute it once per cell."""

    count = 0
    state_count = 0


class _StateFlop(_Flop):
    """A counted value that depends on the cell's state."""


def _counted(name: str):  # noqa: ANN202
    op = getattr(float, name)

    def counted(a: float, b: float) -> object:
        result = op(a, b)
        if result is NotImplemented:
            return result
        on_state = isinstance(a, _StateFlop) or isinstance(b, _StateFlop)
        _Flop.count += 1
        _Flop.state_count += on_state
        if isinstance(result, bool):
            return result
        return _StateFlop(result) if on_state else _Flop(result)

    return counted


for _name in ("add", "sub", "mul", "truediv", "pow"):
    for _side in ("", "r"):
        setattr(_Flop, f"__{_side}{_name}__", _counted(f"__{_side}{_name}__"))
for _name in ("lt", "gt", "le", "ge"):
    setattr(_Flop, f"__{_name}__", _counted(f"__{_name}__"))
_Flop.__neg__ = lambda a: type(a)(-float(a))  # type: ignore[method-assign]

RK4_FLOPS_PER_SPECIES = 13
"""Per RK4 substep and species besides the four right-hand sides: three stage sums
(y + c*k: 2 each) and the update y + h/6*(k1 + 2 k2 + 2 k3 + k4) (7); the constants h/2 and
h/6 are computed once."""


def flops_case() -> dict:
    """Floating-point operations of one right-hand-side evaluation per tissue, counted by
    running the plain-Python per-cell copy of the rate laws (the source every kernel is made
    from) on counting floats, with the inputs and parameters of cell 0 of a model built
    after a meal; and per RK4 substep (4 evaluations + the stage arithmetic)."""
    os.environ["SIM_KERNEL"] = "numpy"
    from types import SimpleNamespace

    from sim import engine as en
    from sim import model as sm
    from sim.kinetics import compiled

    sm.PhysiologyModel._warm_up = _no_warm_up
    model = sm.PhysiologyModel(scenario(33, "numpy"))
    for _ in range(UNTIMED_STEPS):
        model.step()
    base = en.systemic_inputs(model.time_min, model.x, model.ctx)
    out = {}
    for name, tissue in model.tissues.items():
        u = en.tissue_inputs(model.time_min, model.x, model.ctx, tissue, base, model.last_flux)

        def first(v: object) -> _Flop:
            return _Flop(float(v[0]) if isinstance(v, np.ndarray) and v.ndim else float(v))

        state = zip(tissue.names, tissue.y[:, 0], strict=True)
        s = SimpleNamespace(**{k: _StateFlop(float(v)) for k, v in state})
        d = SimpleNamespace()
        _Flop.count = _Flop.state_count = 0
        compiled.python_laws()[name](
            s,
            d,
            SimpleNamespace(**{k: first(v) for k, v in vars(u).items()}),
            SimpleNamespace(**{k: first(v) for k, v in vars(tissue.params).items()}),
        )
        law, on_state = _Flop.count, _Flop.state_count
        species = len(tissue.names)
        out[name] = {
            "rhs_flops": law,
            "rhs_state_flops": on_state,
            "species": species,
            "substep_flops": 4 * law + RK4_FLOPS_PER_SPECIES * species,
            "substep_state_flops": 4 * on_state + RK4_FLOPS_PER_SPECIES * species,
        }
    return out


def peak_case(reps: int = 3) -> dict:
    """Measured floating-point peak of one core: a compiled loop of fused multiply-adds on
    64 independent values held in registers (numba, fastmath so that it vectorises and
    fuses), min of ``reps`` CPU times; and the scalar ceiling (one double per instruction,
    as the per-cell kernel computes: the peak over the SIMD width)."""
    import numba

    @numba.njit(fastmath=True)
    def fma(x, a, b, reps):  # noqa: ANN001, ANN202
        for _ in range(reps):
            for i in range(64):
                x[i] = x[i] * a + b
        return x[0]

    x = np.ones(64)
    fma(x, 0.9999999, 1e-7, 1)
    loops = 10_000_000
    best = min(_cpu(lambda: fma(x, 0.9999999, 1e-7, loops)) for _ in range(reps))
    peak = 2 * 64 * loops / best
    width = 8 if "avx512f" in _cpu_flags() else 4 if "avx" in _cpu_flags() else 2
    return {"flops_per_s": peak, "simd_doubles": width, "scalar_flops_per_s": peak / width}


def _cpu(fn) -> float:  # noqa: ANN001
    c0 = time.process_time()
    fn()
    return time.process_time() - c0


def _cpu_flags() -> set[str]:
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("flags"):
                    return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


def streaming_case(n: int, species: int, reps: int = 20) -> dict:
    """A memory-bandwidth-bound update of an array the size of the state."""
    y = np.random.default_rng(0).random((species, n))
    y *= 1.0  # touch
    t0 = time.perf_counter()
    for _ in range(reps):
        y *= 0.999999  # one read + one write of every value, in place
    wall = time.perf_counter() - t0
    return {"cells": n, "species": species, "cell_steps_per_s": n * reps / wall}


def current_rss_mib() -> float:
    """Resident memory of this process now (Linux /proc)."""
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def memory_case(
    n: int, hours: float, cell_every: float = 60.0, warm_up: bool = True, kernel: str = "numpy"
) -> dict:
    """A whole run as ``sim run`` does it (build, fasting warm-up, ``hours`` simulated hours
    at the default cadences, then the run folder written), with resident memory sampled at
    every cell snapshot (each simulated hour) and the peak after writing the run folder.

    The warm-state cache is switched off: this is a first start. The run folder goes to a
    temporary folder and is deleted afterwards (its file sizes are reported). ``cell_every``:
    the cell-snapshot cadence (min; 5 puts a default day's 25 snapshots into 2 h);
    ``warm_up=False`` replaces the warm-up by one coupled step (the stepping cases' start);
    ``kernel``: ``numpy`` or ``numba`` (the compiled kernel).
    """
    import shutil
    import tempfile

    os.environ["SIM_KERNEL"] = kernel
    os.environ["SIM_WARM_CACHE"] = "off"
    from sim import recorder as rec
    from sim.runner import run

    samples: list[dict] = []
    t0, c0 = time.perf_counter(), time.process_time()
    record = rec.Recorder.record

    def sampled(self, force_cells: bool = False) -> None:  # noqa: ANN001
        record(self, force_cells)
        t = self.model.time_min
        if force_cells or rec._on_cadence(t, self.cell_every):
            samples.append(
                {
                    "time_min": t,
                    "rss_mib": current_rss_mib(),
                    "peak_rss_mib": peak_rss_mib(),
                    "wall_s": time.perf_counter() - t0,
                    "cpu_s": time.process_time() - c0,
                }
            )
            print(json.dumps(samples[-1]), file=sys.stderr, flush=True)

    rec.Recorder.record = sampled
    if not warm_up:
        from sim import model as sm

        sm.PhysiologyModel._warm_up = _no_warm_up
    scn = scenario(n, kernel, duration_min=60.0 * hours)
    scn["cell_record_every_min"] = cell_every
    res = run(scn)
    run_wall, run_cpu, peak_run = time.perf_counter() - t0, time.process_time() - c0, peak_rss_mib()
    cells_type = type(res.cells).__name__
    tmp = Path(tempfile.mkdtemp(prefix="sim-memory-day-"))
    try:
        t1 = time.perf_counter()
        folder = res.save(tmp / "run")
        save_wall = time.perf_counter() - t1
        sizes = {p.name: p.stat().st_size for p in folder.iterdir() if p.is_file()}
        import pyarrow.parquet as pq

        meta = pq.ParquetFile(folder / "cells.parquet").metadata
        cells_rows = meta.num_rows
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return {
        "cells": n,
        "hours": hours,
        "kernel": _kernel_of(res.model),
        "cell_record_every_min": cell_every,
        "warm_up": warm_up,
        "cells_in_memory_mib": os.environ.get("SIM_CELLS_IN_MEMORY_MIB", "default"),
        "cell_snapshots": len(res.model.recorder.snapshots),
        "cells_parquet_rows": cells_rows,
        "result_cells_type": cells_type,
        "run_wall_s": run_wall,
        "run_cpu_s": run_cpu,
        "save_wall_s": save_wall,
        "peak_rss_mib_run": peak_run,
        "peak_rss_mib": peak_rss_mib(),
        "file_bytes": sizes,
        "samples": samples,
    }


def _load(res: dict, when: str) -> str:
    """The 1-, 5- and 15-min load averages recorded at the start or end of a run."""
    return " / ".join(f"{x:.2f}" for x in res["machine"][f"load_avg_at_{when}"])


def memory_table(res: dict) -> str:
    """Markdown of a ``--memory-day`` result."""
    m = res["memory"]
    if "error" in m:
        return f"memory run failed: {m['error']}\n"
    rows = [
        f"Whole run of {m['cells']:,} cells over {m['hours']:g} simulated h "
        f"({m.get('kernel', 'numpy')} kernel, "
        f"cold start: build + "
        f"{'420-min warm-up' if m.get('warm_up', True) else 'one coupled step (no warm-up)'}"
        f" + steps, cell snapshots every {m.get('cell_record_every_min', 60):g} min, then "
        f"the run folder written); "
        f"load average {_load(res, 'start')} at the start, {_load(res, 'end')} at the end.",
        "",
        "| simulated min | RSS MiB | peak RSS MiB | wall s | CPU s |",
        "|---:|---:|---:|---:|---:|",
        *(
            f"| {s['time_min']:g} | {s['rss_mib']:.0f} | {s['peak_rss_mib']:.0f} "
            f"| {s['wall_s']:.0f} | {s['cpu_s']:.0f} |"
            for s in m["samples"]
        ),
        "",
        f"- peak RSS of the whole process (run + writing the run folder): "
        f"{m['peak_rss_mib']:.0f} MiB ({m['peak_rss_mib'] / 1024:.2f} GiB); when `sim.run` "
        f"returned (stepping, and `RunResult.cells` made) {m['peak_rss_mib_run']:.0f} MiB",
        f"- run {m['run_wall_s']:.0f} s wall / {m['run_cpu_s']:.0f} s CPU; run folder written "
        f"in {m['save_wall_s']:.0f} s; `RunResult.cells` was a {m['result_cells_type']}",
        f"- cells.parquet: {m['cells_parquet_rows']:,} rows ({m['cell_snapshots']} snapshots), "
        f"{m['file_bytes'].get('cells.parquet', 0) / 2**30:.2f} GiB",
    ]
    return "\n".join(rows) + "\n"


def in_subprocess(kind: str, *args: object, live: bool = False) -> dict:
    """Run one case in a fresh interpreter; its peak memory is its own. ``live``: its
    stderr (progress) goes straight to ours."""
    cmd = [sys.executable, __file__, "--case", json.dumps([kind, *args])]
    out = subprocess.run(
        cmd, stdout=subprocess.PIPE, stderr=None if live else subprocess.PIPE, text=True
    )
    if out.returncode != 0:
        err = (out.stderr or "").strip().splitlines()[-1:] or [f"exit {out.returncode}"]
        return {"error": err, "args": args}
    return json.loads(out.stdout.strip().splitlines()[-1])


def setup_lines(res: dict) -> list[str]:
    """Markdown lines of the set-up measurements of a result."""
    rows = []
    for key in ("setup", "setup_numba"):
        s = res.get(key)
        for case, what in (("first", "first start, warm-up"), ("repeat", "repeat start, cache")):
            c = (s or {}).get(case)
            if c:
                rows.append(
                    f"- import + set-up of a 1,000-cell 24-h run ({s['kernel']}, {what}; min "
                    f"of {s['repeats']}): {c['total_s']:.2f} s wall / {c['total_cpu_s']:.2f} s "
                    f"CPU (import {c['import_s']:.2f} / {c['import_cpu_s']:.2f} s, build + "
                    f"{'warm-up' if case == 'first' else 'load'} {c['setup_s']:.2f} / "
                    f"{c['setup_cpu_s']:.2f} s)"
                )
    return rows


LABELS = {
    "agent": "per-agent (a): Python floats",
    "agent-numba": "per-agent (b): compiled cell",
    "agent-roadrunner": "per-agent (c): libRoadRunner",
    "numpy": "vector/numpy",
    "numba": "vector/numba",
}


def _baselines(res: dict, key: str) -> dict[str, dict[int, float]]:
    return {
        e: {c["cells"]: c[key] for c in res["cases"] if c.get("engine") == e and key in c}
        for e in AGENT_ENGINES
    }


def _ratio(rate: float, base: dict[int, float], n: int, extrapolate: bool = True) -> str:
    """``rate`` over the baseline's at ``n`` cells; where the baseline was not run at ``n``,
    over its largest size (a per-agent step costs the same at any size), marked ``*``, or
    nothing when not ``extrapolate`` (baseline (c): only what was measured)."""
    if not base or (n not in base and not extrapolate):
        return ""
    ref, mark = (base[n], "") if n in base else (base[max(base)], "*")
    r = rate / ref
    return (f"{r:,.0f}x" if r >= 10 else f"{r:.2g}x") + mark


def table(res: dict) -> str:
    """The Markdown table of a result."""
    nan = float("nan")
    rows = [
        "| engine | cells | steps | threads | RK4 substeps per cell-step | cell-steps/s (wall) "
        "| x (a) | x (b) | x (c) | cell-steps/CPU-s | x (a) | x (b) | x (c) | build s "
        "| peak RSS MiB | B/cell |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    wall, cpu = _baselines(res, "cell_steps_per_s"), _baselines(res, "cell_steps_per_cpu_s")
    for c in res["cases"]:
        if "error" in c:
            rows.append(f"| {c['args'][0]} | {c['args'][1]:,} | failed: {c['error']} |")
            continue
        n, rate, rate_cpu = c["cells"], c["cell_steps_per_s"], c["cell_steps_per_cpu_s"]
        rows.append(
            f"| {LABELS.get(c['engine'], c['engine'])} | {n:,} | {c['steps']} "
            f"| {c.get('threads', 1)} | {c.get('substeps_per_cell_step', nan):.2f} "
            f"| {rate:.3g} | {_ratio(rate, wall['agent'], n)} "
            f"| {_ratio(rate, wall['agent-numba'], n)} "
            f"| {_ratio(rate, wall['agent-roadrunner'], n, False)} | {rate_cpu:.3g} "
            f"| {_ratio(rate_cpu, cpu['agent'], n)} | {_ratio(rate_cpu, cpu['agent-numba'], n)} "
            f"| {_ratio(rate_cpu, cpu['agent-roadrunner'], n, False)} "
            f"| {c['build_s']:.1f} | {c['peak_rss_mib']:.0f} | {c['bytes_per_cell']['total']:.0f} |"
        )
    rows.append("")
    rows.append(
        "x (a), x (b), x (c): cell-steps per second over those of the per-agent baselines "
        "at the same number of cells (* over the baseline's largest size; (c) only where it "
        "ran). (c) is one "
        f"libRoadRunner instance per agent on the exported SBML (CVODE rtol {RR_RTOL:g}, atol "
        f"{RR_ATOL:g}); its substeps column is the RK4 substeps the other engines take."
    )
    for c in res["cases"]:
        rr = c.get("roadrunner")
        if rr:
            diff = ", ".join(f"{t} {v:.1e}" for t, v in rr["max_rel_diff_vs_a"].items())
            rows.append(
                f"- (c) at {c['cells']:,} cells: one instance per cell, made in "
                f"{rr['make_s']:.1f} s (untimed); first step of the first cell against (a) on "
                f"the same column, largest relative difference per tissue: {diff}"
            )
    rows += roadrunner_lines(res, wall["agent-roadrunner"], cpu["agent-roadrunner"])
    rows.append("")
    for kernel in ("numpy", "numba"):
        cost = {
            c["cells"]: 1e9 / c["cell_steps_per_cpu_s"]
            for c in res["cases"]
            if c.get("engine") == kernel and c["cells"] >= 10_000
        }
        if len(cost) > 1:
            sub = {
                c["cells"]: c["ns_per_cell_substep_cpu"]
                for c in res["cases"]
                if c.get("engine") == kernel
                and c["cells"] >= 10_000
                and "ns_per_cell_substep_cpu" in c
            }
            rows.append(
                f"- {kernel}: CPU cost per cell-step {min(cost.values()):.0f}-"
                f"{max(cost.values()):.0f} ns from {min(cost):,} to {max(cost):,} cells "
                f"(max/min {max(cost.values()) / min(cost.values()):.2f})"
                + (
                    f"; per cell-substep {min(sub.values()):.0f}-{max(sub.values()):.0f} ns "
                    f"(max/min {max(sub.values()) / min(sub.values()):.2f})"
                    if len(sub) == len(cost)
                    else ""
                )
            )
    rows += thread_lines(res)
    rows += flops_lines(res)
    rows += setup_lines(res)
    for m in res.get("materialise", []):
        if "cells" in m:
            rows.append(
                f"- {m['cells']:,} cells: arrays and sparse operators built in "
                f"{m['build_lazy_s']:.1f} s; networkx graph ({m['graph_nodes']:,} nodes), Mesa "
                f"space and {m['agents']:,} agents placed in {m['graph_space_agents_s']:.1f} s "
                f"(peak RSS {m['peak_rss_mib']:.0f} MiB)"
            )
    if res.get("numba_compile"):
        rows.append(
            f"- numba kernels compiled or loaded from the cache in "
            f"{res['numba_compile'].get('seconds', float('nan')):.1f} s"
        )
    rows += [
        f"- data collection at the default cadences ({r['cells']:,} cells, {r['steps']} "
        f"steps, {r['rows']} rows, {r['cell_snapshots']} cell snapshots): "
        f"+{100 * r['overhead']:.1f} % of the stepping time"
        for r in res.get("recording", [])
        if "overhead" in r
    ]
    stream = res.get("streaming")
    if stream and "cell_steps_per_s" in stream:
        rows.append(
            f"- numpy streaming bound ({stream['species']} species): "
            f"{stream['cell_steps_per_s']:.3g} cell-steps/s (one read+write pass per cell-step)"
        )
    return "\n".join(rows) + "\n"


def roadrunner_lines(res: dict, wall: dict[int, float], cpu: dict[int, float]) -> list[str]:
    """Baseline (c) against the vectorised engines at their largest measured size, said as
    what it is: (c) at the largest size it ran (its memory, ~2.8 MB per instance, rules out
    10^5 instances), the engine at 10^5 cells or more. Given only when (c)'s rate per cell did
    not fall from its smallest to its largest size, so a larger (c) would not be slower."""
    if len(cpu) < 2 or cpu[max(cpu)] < cpu[min(cpu)]:
        return []
    big, small = max(cpu), min(cpu)
    rows = []
    for engine in ("numba", "numpy"):
        cases = [c for c in res["cases"] if c.get("engine") == engine and c["cells"] >= 100_000]
        for c in cases[:1] if cases else []:
            rows.append(
                f"- vector/{engine} at {c['cells']:,} cells against (c) at {big:,} cells, the "
                f"largest it ran ({big:,} instances took {_rr_rss(res, big)} MiB; (c)'s rate per "
                f"cell rose from {cpu[small]:.3g} to {cpu[big]:.3g} cell-steps/CPU-s between "
                f"{small:,} and {big:,} cells, so it is not taken at a size where it is slower): "
                f"**{c['cell_steps_per_cpu_s'] / cpu[big]:,.0f}x** per CPU-second, "
                f"{c['cell_steps_per_s'] / wall[big]:,.0f}x wall; not a measurement of (c) at "
                f"{c['cells']:,} cells"
            )
    return rows


def _rr_rss(res: dict, n: int) -> str:
    rss = [
        c["peak_rss_mib"]
        for c in res["cases"]
        if c.get("engine") == "agent-roadrunner" and c["cells"] == n
    ]
    return f"{rss[0]:,.0f}" if rss else "?"


def full_md(res: dict) -> str:
    """The Markdown of a full run: the goals of issue 28, the table and its lines, then the
    load average."""
    import goals

    return (
        goals.table(res)
        + "\n"
        + table(res)
        + f"- load average {_load(res, 'start')} at the start, {_load(res, 'end')} at the end\n"
    )


GOAL_CASES = [
    ("agent-roadrunner", 1_000, 3),
    ("agent", 100_000, 2),
    ("agent-numba", 100_000, 3),
    ("numba", 1_000, 60),
    ("numba", 100_000, 10),
]
"""``--goals``: the stepping cases the goals' ratios need."""
GOAL_THREAD_CASES = [("numba", 100_000, 10)]


def day_case(changes: dict | None = None) -> dict:
    """The README day profiled (:func:`goals.day_case`), in this fresh interpreter."""
    import goals

    return goals.day_case(changes)


def kernel_case(n: int, threads: int, calls: int | None = None) -> dict:
    """The compiled kernel alone: ``calls`` (default: 2 x 10^6 cell-steps' worth) advances
    of ``n`` muscle fibres over one 1-min step (3 RK4 substeps) on ``threads`` threads, in
    this process; wall and CPU seconds."""
    calls = calls or max(5, 2_000_000 // n)
    os.environ["SIM_KERNEL"] = "numba"
    os.environ["SIM_THREADS"] = str(threads)
    from sim import engine as en
    from sim import model as sm
    from sim.kinetics import compiled

    sm.PhysiologyModel._warm_up = _no_warm_up
    scn = scenario(n, "numba")
    scn["cells"] = {"muscle": n, "liver": 20, "adipose": 20}
    model = sm.PhysiologyModel(scn)
    t = model.tissues["muscle"]
    base = en.systemic_inputs(0.0, model.x, model.ctx)
    u = en.tissue_inputs(0.0, model.x, model.ctx, t, base, model.last_flux)
    compiled.advance("muscle", t.y, u, t.params, 1.0, 3, t.acc_rows)  # load, make the pool
    t0, c0 = time.perf_counter(), time.process_time()
    for _ in range(calls):
        compiled.advance("muscle", t.y, u, t.params, 1.0, 3, t.acc_rows)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    return {
        "engine": "kernel",
        "cells": n,
        "threads": threads,
        "steps": calls,
        "wall_s": wall,
        "cpu_s": cpu,
        "cell_steps_per_s": n * calls / wall,
        "cell_steps_per_cpu_s": n * calls / cpu,
    }


def thread_cases(cases: list[tuple], repeats: int) -> list[dict]:
    """Each case on 1 and on 2 threads, alternating (1, 2, 1, 2, ...), ``repeats`` times;
    each run in its own process: the full model, and the compiled kernel alone at the same
    number of cells."""
    out = []
    for _ in range(repeats):
        for engine, n, steps in cases:
            for k in (1, 2):
                for r in (
                    in_subprocess("step", engine, n, steps, True, k),
                    in_subprocess("kernel", n, k),
                ):
                    r["threads_requested"] = k  # "threads": those used (1 below the split size)
                    out.append(r)
    return out


def thread_lines(res: dict) -> list[str]:
    """Markdown lines: 2 threads against 1, min of the repeats (wall and CPU)."""
    rows = []
    runs = [r for r in res.get("threads", []) if "cells" in r]
    for n, what in sorted({(r["cells"], r["engine"]) for r in runs}):
        mine = [r for r in runs if r["cells"] == n and r["engine"] == what]
        best = {
            k: min(
                (r for r in mine if r["threads"] == k),
                default=None,
                key=lambda r: r["wall_s"] / r["steps"],
            )
            for k in (1, 2)
        }
        if None in best.values():
            continue
        one, two = best[1], best[2]
        speedup = two["cell_steps_per_s"] / one["cell_steps_per_s"]
        reps = sum(1 for r in mine if r["threads"] == 1)
        label = "kernel alone, muscle" if what == "kernel" else "full model"
        rows.append(
            f"- threads, {n:,} cells ({label}, best of {reps} alternating "
            f"runs each): 1 thread {one['cell_steps_per_s']:.3g} cell-steps/s, 2 threads "
            f"{two['cell_steps_per_s']:.3g}: **{speedup:.2f}x** "
            f"(CPU per cell-step {1e9 / one['cell_steps_per_cpu_s']:.0f} ns on 1 thread, "
            f"{1e9 / two['cell_steps_per_cpu_s']:.0f} ns on 2; process CPU / wall "
            f"{one['cpu_s'] / one['wall_s']:.2f} on 1 thread, {two['cpu_s'] / two['wall_s']:.2f} "
            f"on 2: how much of the cores the process was given)"
        )
    return rows


def flops_lines(res: dict) -> list[str]:
    """Markdown lines: counted flops per cell-step and the share of the measured peak."""
    fl, peak = res.get("flops"), res.get("peak")
    if not fl or "muscle" not in fl or not peak or "flops_per_s" not in peak:
        return []
    weight = sum(SPLIT.values())
    hi = sum(fl[t]["substep_flops"] * k for t, k in SPLIT.items()) / weight
    lo = sum(fl[t].get("substep_state_flops", 0) * k for t, k in SPLIT.items()) / weight
    rhs = " / ".join(f"{fl[t].get('rhs_state_flops', '?')}-{fl[t]['rhs_flops']}" for t in SPLIT)
    rows = [
        f"- flops, counted by running the rate-law source on counting floats (one per +, -, "
        f"*, /, ** or comparison): per right-hand side {rhs} (muscle / liver / fat; the "
        f"lower figure counts only operations on the cell's state, the upper every operation "
        f"as written, parameter-only terms that a compiler may compute once per cell "
        f"included), per cell-substep {lo:,.0f}-{hi:,.0f} with RK4 (4 right-hand sides + "
        f"{RK4_FLOPS_PER_SPECIES} per species). Measured peak of one core "
        f"{peak['flops_per_s'] / 1e9:.1f} GFLOP/s (`peak` case: a numba loop of fused "
        f"multiply-adds on 64 values in registers, {peak['simd_doubles']} doubles per "
        f"instruction); scalar code such as the per-cell kernel can reach at most "
        f"{peak['scalar_flops_per_s'] / 1e9:.1f} GFLOP/s (one double per instruction)"
    ]
    largest: dict[str, dict] = {}  # each engine at its largest size up to 10^5 cells
    for c in res["cases"]:
        if c.get("engine") == "agent-roadrunner":
            continue  # CVODE: not the RK4 work counted here
        if c.get("cells", 10**9) <= 100_000 and c["cells"] >= largest.get(c["engine"], {}).get(
            "cells", 0
        ):
            largest[c["engine"]] = c
    for c in largest.values():
        subs = c["substeps_per_cell_step"]
        rate = c["cell_steps_per_cpu_s"]
        a, b = lo * subs * rate, hi * subs * rate
        rows.append(
            f"- {LABELS[c['engine']]}, {c['cells']:,} cells: {lo * subs:,.0f}-{hi * subs:,.0f} "
            f"flops per cell-step x {rate:.3g} cell-steps/CPU-s = {a / 1e9:.2f}-{b / 1e9:.2f} "
            f"GFLOP/s per core: {100 * a / peak['flops_per_s']:.1f}-"
            f"{100 * b / peak['flops_per_s']:.1f} % of the measured peak "
            f"({100 * a / peak['scalar_flops_per_s']:.0f}-"
            f"{100 * b / peak['scalar_flops_per_s']:.0f} % of the scalar ceiling)"
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="examples:\n  python benchmarks/engine_throughput.py --quick\n"
        "  python benchmarks/engine_throughput.py --out /tmp/bench.json",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument(
        "--quick",
        action="store_true",
        help="every goal row at small sizes in ~2 min: up to 10,000 cells (baselines (a) and "
        "(c) also at 100, (b) at 1,000), one try of each start-up and thread count, one "
        "run and plot of the README day, a sweep of 4 days; no agent materialisation or "
        "numpy start-up",
    )
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="JSON path (and .md beside)")
    ap.add_argument(
        "--memory-day",
        action="store_true",
        help="only the memory measurement: a whole run of --cells cells over --hours hours "
        "(writes memory_day.json/.md unless --out is given)",
    )
    ap.add_argument("--cells", type=int, default=1_000_000, help="--memory-day: cells")
    ap.add_argument("--hours", type=float, default=24.0, help="--memory-day: simulated hours")
    ap.add_argument(
        "--cell-every",
        type=float,
        default=60.0,
        help="--memory-day: cell-snapshot cadence in min (default 60; 5 puts a default "
        "day's 25 snapshots into 2 h)",
    )
    ap.add_argument(
        "--no-warm-up",
        action="store_true",
        help="--memory-day: one coupled step instead of the 420-min warm-up",
    )
    ap.add_argument(
        "--kernel",
        choices=("numba", "numpy"),
        default=None,
        help="--memory-day: the cell kernel (default: the compiled one where numba is "
        "installed, as in `sim run`)",
    )
    ap.add_argument(
        "--setup",
        action="store_true",
        help="only the import + set-up of a 1,000-cell run, first and repeat start "
        "(writes setup.json/.md unless --out is given)",
    )
    ap.add_argument(
        "--no-numba",
        action="store_true",
        help="--setup: skip the numba kernel (its first use after a rate-law edit compiles "
        "for minutes)",
    )
    ap.add_argument(
        "--threads",
        action="store_true",
        help="only the thread scaling: the compiled kernel on 1 and 2 threads, alternating "
        "(writes threads.json/.md unless --out is given)",
    )
    ap.add_argument(
        "--repeats",
        type=int,
        default=None,
        help="thread scaling: runs per thread count, the best kept (default 3; 1 with --quick)",
    )
    ap.add_argument(
        "--goals",
        action="store_true",
        help="only what the goals table needs (the baselines and the vectorised engine at "
        "1,000 and 10^5 cells, threads at 10^5, start-up, the README day, run and plot, "
        "sweep); writes goals.json/.md unless --out is given",
    )
    ap.add_argument(
        "--render",
        type=Path,
        help="only write the Markdown of an existing result JSON (beside it) and print it",
    )
    ap.add_argument("--case", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.repeats is None:
        args.repeats = 1 if args.quick else 3
    if args.render:
        md = full_md(json.loads(args.render.read_text()))
        args.render.with_suffix(".md").write_text(md)
        print(md)
        return 0
    if args.case:
        kind, *rest = json.loads(args.case)
        if kind != "setup":  # the set-up case times the cache itself
            os.environ["SIM_WARM_CACHE"] = "off"
        fn = {
            "step": run_case,
            "setup": setup_case,
            "stream": streaming_case,
            "flops": flops_case,
            "kernel": kernel_case,
            "peak": peak_case,
            "compile": compile_case,
            "materialise": materialise_case,
            "recording": recording_case,
            "memory": memory_case,
            "day": day_case,
        }[kind]
        print(json.dumps(fn(*rest)))
        return 0
    if args.setup:
        from sim.kinetics import compiled

        out = args.out if args.out != DEFAULT_OUT else DEFAULT_OUT.with_name("setup.json")
        res = {"machine": {"cpus": os.cpu_count(), "load_avg_at_start": os.getloadavg()}}
        res["setup"] = setup_cases("numpy")
        if compiled.available() and not args.no_numba:
            res["setup_numba"] = setup_cases("numba")
        res["machine"]["load_avg_at_end"] = os.getloadavg()
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(res, indent=2) + "\n")
        md = "\n".join(line for line in setup_lines(res)) + "\n"
        md += f"- load average {_load(res, 'start')} at the start, {_load(res, 'end')} at the end\n"
        out.with_suffix(".md").write_text(md)
        print(md)
        return 0
    if args.threads:
        out = args.out if args.out != DEFAULT_OUT else DEFAULT_OUT.with_name("threads.json")
        res = {"machine": {"cpus": os.cpu_count(), "load_avg_at_start": os.getloadavg()}}
        res["threads"] = thread_cases(
            QUICK_THREAD_CASES if args.quick else THREAD_CASES, args.repeats
        )
        res["machine"]["load_avg_at_end"] = os.getloadavg()
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(res, indent=2) + "\n")
        md = "\n".join(thread_lines(res)) + "\n"
        md += f"- load average {_load(res, 'start')} at the start, {_load(res, 'end')} at the end\n"
        out.with_suffix(".md").write_text(md)
        print(md)
        return 0
    if args.memory_day:
        out = args.out if args.out != DEFAULT_OUT else DEFAULT_OUT.with_name("memory_day.json")
        res = {"machine": {"cpus": os.cpu_count(), "load_avg_at_start": os.getloadavg()}}
        from sim.kinetics import compiled

        kernel = args.kernel or ("numba" if compiled.available() else "numpy")
        res["memory"] = in_subprocess(
            "memory",
            args.cells,
            args.hours,
            args.cell_every,
            not args.no_warm_up,
            kernel,
            live=True,
        )
        res["machine"]["load_avg_at_end"] = os.getloadavg()
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(res, indent=2) + "\n")
        md = memory_table(res)
        out.with_suffix(".md").write_text(md)
        print(md)
        return 0
    from tqdm import tqdm

    cases = QUICK_CASES if args.quick else FULL_CASES
    if args.goals:
        cases = GOAL_CASES
        if args.out == DEFAULT_OUT:
            args.out = DEFAULT_OUT.with_name("goals.json")
    from sim.kinetics import compiled

    if not compiled.available():
        cases = [c for c in cases if c[0] != "numba"]
    else:  # compile once (minutes when the cache is cold); the cases then load the cache
        res_compile = in_subprocess("compile")
    res: dict = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "numpy": np.__version__,
            "load_avg_at_start": os.getloadavg(),
        },
        "quick": args.quick,
        "mode": (" --goals" if args.goals else "") + (" --quick" if args.quick else ""),
        "cases": [],
        "numba_compile": res_compile if compiled.available() else None,
    }
    for engine, n, steps in tqdm(cases, desc="engine cases", file=sys.stderr):
        res["cases"].append(in_subprocess("step", engine, n, steps))
    if args.goals:
        return _finish_goals(res, args)
    # --quick: what every goal row needs, at small sizes, and one recording case; the
    # full run adds the materialisation of agents and the numpy kernel's start-up
    rec = ((1_000, 60),) if args.quick else ((1_000, 120), (10_000, 120))
    res["recording"] = [in_subprocess("recording", "numpy", n, k) for n, k in rec]
    if not args.quick:
        res["materialise"] = [in_subprocess("materialise", n) for n in (100_000, 1_000_000)]
        res["setup"] = setup_cases("numpy", 3)
    if compiled.available():
        res["setup_numba"] = setup_cases("numba", 1 if args.quick else 3)
    res["threads"] = thread_cases(QUICK_THREAD_CASES if args.quick else THREAD_CASES, args.repeats)
    res["flops"] = in_subprocess("flops")
    res["peak"] = in_subprocess("peak")
    res["streaming"] = in_subprocess("stream", 100_000, 31)
    res["goals"] = _goal_cases(args.quick)
    res["machine"]["load_avg_at_end"] = os.getloadavg()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(res, indent=2) + "\n")
    md = full_md(res)
    args.out.with_suffix(".md").write_text(md)
    print(md)
    return 0


def _goal_cases(quick: bool) -> dict:
    """The goal cases that are not engine cases (:func:`goals.measure`)."""
    import goals

    return goals.measure(quick, run_case=in_subprocess, log=lambda m: print(m, file=sys.stderr))


def _finish_goals(res: dict, args: argparse.Namespace) -> int:
    """``--goals``: after the stepping cases, the thread scaling at 10^5 cells, the
    compiled kernel's start-up and the goal cases; the goals table."""
    from sim.kinetics import compiled

    res["threads"] = thread_cases(GOAL_THREAD_CASES, args.repeats)
    if compiled.available():
        res["setup_numba"] = setup_cases("numba", 1 if args.quick else 3)
    res["goals"] = _goal_cases(args.quick)
    res["machine"]["load_avg_at_end"] = os.getloadavg()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(res, indent=2) + "\n")
    import goals

    md = goals.table(res)
    args.out.with_suffix(".md").write_text(md)
    print(md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
