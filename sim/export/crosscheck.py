"""The exported SBML run in libRoadRunner (CVODE) against the simulator, side by side.

A ``medium`` protocol (fixed concentrations applied straight to the cells, no body) is run
twice from the same warmed-up state of one cell with no heterogeneity:

- by the simulator: the engine's own step (inputs at each step's midpoint from
  :func:`sim.engine.tissue_inputs`, :func:`sim.engine.advance_cells` with the compiled
  kernel), with its RK4 substeps multiplied by ``refine`` (1 = exactly what ``sim run``
  does; a test checks it against :class:`PhysiologyModel` steps);
- by libRoadRunner on the SBML of :func:`sim.export.sbml.cell_document`, CVODE at tight
  tolerances, the inputs set to the engine's values at each change and held until the next.

Deviation of a node: ``max_t |x_rr(t) - x_sim(t)| / max(max_t |x_sim(t)|, floor)``, the
largest difference over the recorded times relative to the node's largest magnitude (so a
node that stays near zero is not judged on round-off). Accumulators are compared as their
integrals from t = 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from sim import engine as en
from sim.export.cell import snapshot
from sim.export.sbml import cell_document, to_string
from sim.kinetics.species import ACCUMULATOR_NAMES, TISSUE_SPECIES
from sim.model import PhysiologyModel
from sim.scenario import Scenario
from sim.types import FloatArray

RTOL, ATOL = 1e-12, 1e-12
"""CVODE tolerances of the reference run."""
FLOOR = 1e-9
"""Smallest scale a node's deviation is taken relative to."""
TOLERANCE = 1e-6
"""Largest relative deviation accepted (issue 25)."""

#: The standard steps: the input of the ``medium`` protocol and the level it steps to.
STEPS: dict[str, tuple[str, float]] = {
    "insulin": ("insulin_nM", 1.0),
    "gh": ("gh_ug_l", 10.0),
    "ffa": ("ffa_mM", 1.5),
    "tnf": ("tnf_pg_ml", 50.0),
}


def step_scenario(step: str, at_min: float = 20.0, duration_min: float = 120.0) -> dict:
    """A one-cell medium scenario: fasting medium, then ``step``'s input stepped at ``at_min``."""
    key, level = STEPS[step]
    medium: dict[str, Any] = {"kind": "medium"}
    medium[key] = [[0.0, {"ffa_mM": 0.5}.get(key, 0.0)], [at_min, level]]
    return {
        "name": f"crosscheck_{step}",
        "duration_min": duration_min,
        "protocol": medium,
        "cells": {"muscle": 1, "liver": 1, "adipose": 1},
        "heterogeneity_cv": 0.0,
    }


@dataclass
class Trajectories:
    """Recorded times and every node (and cumulative accumulator) of one cell."""

    time: FloatArray
    nodes: dict[str, FloatArray]


def _require_medium(model: PhysiologyModel) -> None:
    if model.ctx.medium is None:
        raise ValueError(
            f"scenario {model.scenario.name!r}: the cross-check runs a 'medium' protocol "
            "(protocol: {kind: medium}); the cell alone has no body to close the loop"
        )


def _inputs(model: PhysiologyModel, tissue: str, t: float, dt: float) -> Any:
    base = en.systemic_inputs(t + 0.5 * dt, model.x, model.ctx)
    tis = model.tissues[tissue]
    return en.tissue_inputs(t + 0.5 * dt, model.x, model.ctx, tis, base, model.last_flux)


def simulate_sim(model: PhysiologyModel, tissue: str, refine: int = 1) -> Trajectories:
    """The cell of ``tissue`` in ``model`` (at t = 0) through its medium protocol."""
    _require_medium(model)
    tis, dt = model.tissues[tissue], model.dt
    names = [s.name for s in TISSUE_SPECIES[tissue]]
    n = model.n_steps
    out = np.empty((n + 1, len(names)))
    out[0] = [0.0 if k in ACCUMULATOR_NAMES else tis.y[i, 0] for i, k in enumerate(names)]
    acc = [i for i, k in enumerate(names) if k in ACCUMULATOR_NAMES]
    for k in range(n):
        t = k * dt
        u = _inputs(model, tissue, t, dt)
        n_sub = en.cell_substeps(dt, tis, u) * refine
        tis.y = en.advance_cells(tissue, tis.y, u, tis.params, dt, n_sub, tis.acc_rows)
        out[k + 1] = tis.y[:, 0]
        out[k + 1, acc] += out[k, acc]  # step accumulators -> integrals from t = 0
    return Trajectories(np.arange(n + 1) * dt, {k: out[:, i] for i, k in enumerate(names)})


def input_changes(model: PhysiologyModel, tissue: str, names: tuple[str, ...]):  # noqa: ANN201
    """``[(t, {input: value})]``: the engine's inputs at each step where one changes."""
    changes, last = [], None
    for k in range(model.n_steps):
        u = vars(_inputs(model, tissue, k * model.dt, model.dt))
        now = {n: float(np.asarray(u[n]).reshape(-1)[0]) for n in names}
        if now != last:
            changes.append(
                (k * model.dt, {n: v for n, v in now.items() if last is None or v != last[n]})
            )
            last = now
    return changes


def simulate_roadrunner(sbml: str, changes: list, time: FloatArray) -> Trajectories:
    """libRoadRunner (CVODE) on ``sbml``, inputs set at each change, recorded at ``time``."""
    import roadrunner

    rr = roadrunner.RoadRunner(sbml)
    integ = rr.getIntegrator()
    integ.setValue("relative_tolerance", RTOL)
    integ.setValue("absolute_tolerance", ATOL)
    integ.setValue("maximum_num_steps", 10**6)
    ids = list(rr.model.getFloatingSpeciesIds()) + [
        p for p in rr.model.getGlobalParameterIds() if p in ACCUMULATOR_NAMES
    ]
    rr.timeCourseSelections = ["time", *ids]
    bounds = [t for t, _ in changes] + [float(time[-1])]
    rows = []
    for (t0, values), t1 in zip(changes, bounds[1:], strict=True):
        for name, v in values.items():
            rr[name] = v
        if t1 <= t0:
            continue
        grid = time[(time >= t0 - 1e-9) & (time <= t1 + 1e-9)]
        res = rr.simulate(t0, t1, len(grid))
        rows.append(np.asarray(res)[: None if t1 == bounds[-1] else -1])
    data = np.vstack(rows)
    return Trajectories(data[:, 0], {k: data[:, i + 1] for i, k in enumerate(ids)})


def deviations(ours: Trajectories, theirs: Trajectories) -> dict[str, float]:
    """Relative deviation of every node (module docstring)."""
    if not np.allclose(ours.time, theirs.time, rtol=0, atol=1e-9):
        raise ValueError("the two runs were recorded at different times")
    out = {}
    for k, a in ours.nodes.items():
        b = theirs.nodes[k]
        out[k] = float(np.max(np.abs(b - a)) / max(float(np.max(np.abs(a))), FLOOR))
    return out


def crosscheck(
    scenario: Scenario | dict, tissue: str, refine: int = 1
) -> tuple[dict[str, float], Trajectories, Trajectories]:
    """Run ``scenario`` (a one-cell medium protocol) both ways; per-node deviations and
    both trajectories."""
    model = PhysiologyModel(scenario)
    cell = snapshot(model, tissue)
    sbml = to_string(cell_document(cell))
    ours = simulate_sim(model, tissue, refine)
    names = tuple(k for k in cell.inputs if k in _sbml_inputs(sbml))
    fresh = PhysiologyModel(scenario)  # input schedule from an unstepped model
    theirs = simulate_roadrunner(sbml, input_changes(fresh, tissue, names), ours.time)
    return deviations(ours, theirs), ours, theirs


def _sbml_inputs(sbml: str) -> set[str]:
    import libsbml

    model = libsbml.readSBMLFromString(sbml).getModel()
    return {
        p.getId()
        for p in model.getListOfParameters()
        if not p.getConstant() and model.getRuleByVariable(p.getId()) is None
    }


def report_section(
    tissues: tuple[str, ...] = ("muscle", "liver", "adipose"),
    steps: tuple[str, ...] = tuple(STEPS),
    duration_min: float = 240.0,
    refine: int = 16,
) -> str:
    """Markdown: the cross-check of every tissue and standard step, at the engine's own RK4
    substeps and at ``refine`` times as many (for ``sim validate``'s report)."""
    lines = [
        "## Cross-check: exported SBML in libRoadRunner against sim",
        "",
        f"One cell, no heterogeneity, `medium` protocol of {duration_min:g} min: fasting medium, "
        "then the named input stepped at 20 min (insulin 1 nM, GH 10 ug/L, FFA 1.5 mM, "
        f"TNF-alpha 50 pg/mL). libRoadRunner runs the SBML of `sim export sbml` with CVODE "
        f"(rtol {RTOL:g}, atol {ATOL:g}). Deviation of a node: max over the 1-min records of "
        "|roadrunner - sim| / max |sim| (floor 1e-9); the largest over all nodes is shown "
        f"with its node. Tolerance {TOLERANCE:g}.",
        "",
        f"| tissue | step | engine substeps | node | x{refine} substeps | node | within |",
        "|---|---|---|---|---|---|---|",
    ]
    for tissue in tissues:
        for step in steps:
            scn = step_scenario(step, duration_min=duration_min)
            coarse, _, _ = crosscheck(scn, tissue, 1)
            fine, _, _ = crosscheck(scn, tissue, refine)
            kc, kf = max(coarse, key=coarse.get), max(fine, key=fine.get)
            ok = "yes" if fine[kf] < TOLERANCE else "**no**"
            lines.append(
                f"| {tissue} | {step} | {coarse[kc]:.2e} | {kc} | {fine[kf]:.2e} | {kf} | {ok} |"
            )
    lines += [
        "",
        "The engine's own substeps (what `sim run` uses) differ from CVODE by RK4 error, "
        "largest on the fast receptor transient after an insulin step; with "
        f"{refine}x the substeps the same kernel agrees to the tolerance.",
        "",
    ]
    return "\n".join(lines)


# ---------------------------------------------------------------- the body model

BODY_MEAL_CARBS_G = 75.0
"""Carbohydrate of the meal in the stomach at t = 0 of the body protocol (g)."""
BODY_STEPS: tuple[tuple[float, dict[str, float]], ...] = (
    (0.0, {}),
    (30.0, {"insulin_inf": 6.0}),  # ~40 mU/m^2/min of insulin (pmol/kg/min)
    (60.0, {"intensity": 0.6}),  # exercise at 60 % VO2max
    (90.0, {"lipid_on": True, "lipid_mM": 1.2}),  # a lipid infusion holding FFA
    (120.0, {"intensity": 0.0}),
    (150.0, {"insulin_inf": 0.0, "lipid_on": False, "lipid_mM": 0.0}),
)
"""Input steps of the body protocol: ``(time, changes to the inputs at t = 0)``."""


def body_protocol(snap: Any, duration_min: float) -> tuple[list, FloatArray]:
    """The body protocol's inputs as ``[(t, BodyInputs)]`` and its initial state: the
    one-cell model's body at t = 0 with a meal's carbohydrate in the stomach."""
    import dataclasses

    from sim.kinetics import body as bk

    model_inputs = bk.body_inputs(0.0, snap.scenario_schedule, snap.bp)
    out, inp = [], model_inputs
    for t, changes in BODY_STEPS:
        if t < duration_min:
            inp = dataclasses.replace(inp, **changes)
            out.append((t, inp))
    x0 = np.array(list(snap.state.values()))
    x0[bk.IDX["sto1"]] += BODY_MEAL_CARBS_G * 1000.0 / snap.bp.body_mass_kg
    return out, x0


def simulate_body_sim(
    x0: FloatArray, steps: list, cf: Any, bp: Any, geo: Any, duration_min: float, n_sub: int
) -> Trajectories:
    """The simulator's body right-hand side (:func:`sim.kinetics.body.body_rhs`) integrated by
    the engine's RK4 (:func:`sim.numerics.rk4`) with ``n_sub`` substeps per minute, inputs
    held between the protocol's steps, cell fluxes ``cf`` held; recorded each minute."""
    from sim import numerics
    from sim.kinetics import body as bk

    times = np.arange(0.0, duration_min + 0.5, 1.0)
    bounds = [t for t, _ in steps[1:]] + [duration_min]
    x, rows, k = x0.copy(), [x0.copy()], 0
    for t in times[:-1]:
        while t >= bounds[k]:
            k += 1
        inp = steps[k][1]

        def rhs(_t: float, y: FloatArray, inp: Any = inp) -> FloatArray:
            return bk.body_rhs(y, inp, cf, bp, geo)

        x = numerics.rk4(rhs, float(t), x, 1.0, n_sub)
        rows.append(x.copy())
    data = np.array(rows)
    names = list(bk.SCALARS) + [f"isf_{i}" for i in range(len(x0) - bk.N_SCALARS)]
    return Trajectories(times, {n: data[:, i] for i, n in enumerate(names)})


def crosscheck_body(
    duration_min: float = 180.0, n_sub: int = 64, phenotype: str | None = None
) -> tuple[dict[str, float], Trajectories, Trajectories]:
    """The body protocol (a meal's carbohydrate in the stomach, an insulin infusion,
    exercise, a lipid infusion switched on and off) through the simulator's body and through
    its exported SBML in libRoadRunner; per-state deviations and both trajectories."""
    import dataclasses

    from sim.export import body as eb
    from sim.export.cell import one_cell_scenario

    model = PhysiologyModel(one_cell_scenario(None, phenotype))
    snap = eb.body_snapshot(model)
    proto = dataclasses.make_dataclass("P", ["state", "scenario_schedule", "bp"])(
        snap.state, model.ctx.sch, model.ctx.bp
    )
    steps, x0 = body_protocol(proto, duration_min)
    names = list(snap.state)
    start = dataclasses.replace(snap, state=dict(zip(names, x0.tolist(), strict=True)))
    doc = eb.body_document(start)
    sbml = to_string(doc)
    traced = eb.trace_body(model.ctx.geo)
    ours = simulate_body_sim(
        x0, steps, model.last_flux, model.ctx.bp, model.ctx.geo, duration_min, n_sub
    )
    changes, last = [], None
    for t, inp in steps:
        values = eb.input_values(inp, model.ctx.bp)
        now = {n: values[n] for n in traced.inputs}
        changes.append((t, {n: v for n, v in now.items() if last is None or v != last[n]}))
        last = now
    theirs = simulate_roadrunner(sbml, changes, ours.time)
    return deviations(ours, theirs), ours, theirs


def body_report_section(duration_min: float = 160.0, substeps: tuple[int, ...] = (1, 16)) -> str:
    """Markdown: the body model's cross-check (:func:`crosscheck_body`) at each number of RK4
    substeps per minute (for ``sim validate``'s report)."""
    lines = [
        "### The body model",
        "",
        f"The body protocol of {duration_min:g} min (75 g carbohydrate in the stomach at 0, "
        "insulin 6 pmol/kg/min 30-150 min, exercise 60 % VO2max 60-120 min, a lipid infusion "
        "holding FFA at 1.2 mM 90-150 min; cell fluxes held): `body_rhs` by the engine's RK4 "
        "with the inputs held between steps against the SBML of `sim export sbml --tissue "
        "body` in libRoadRunner. Deviation as above, over every body state.",
        "",
        "| RK4 substeps per minute | largest deviation | state | within |",
        "|---|---|---|---|",
    ]
    for n in substeps:
        dev, _, _ = crosscheck_body(duration_min, n)
        k = max(dev, key=dev.get)
        ok = "yes" if dev[k] < TOLERANCE else "**no**"
        lines.append(f"| {n} | {dev[k]:.2e} | {k} | {ok} |")
    return "\n".join([*lines, ""])


if __name__ == "__main__":
    print(report_section())  # noqa: T201 - python -m sim.export.crosscheck: the tables alone
    print(body_report_section())  # noqa: T201
