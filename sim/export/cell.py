"""One cell of a tissue as the simulator has it: warmed-up state, inputs and parameters.

The exporters never guess a value: they build the simulator's own model with one cell per
tissue and no heterogeneity, let it run its fasting warm-up (:meth:`PhysiologyModel._warm_up`,
or the warm-state cache that stores the same state), and read the cell's state, the inputs
its engine would give it at t = 0 and its resolved parameters (defaults, phenotype preset,
scenario overrides, knockouts and the cell's place in the tissue graph).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from sim import engine as en
from sim.kinetics.species import ACCUMULATOR_NAMES, TISSUE_SPECIES
from sim.model import PhysiologyModel
from sim.scenario import Scenario, load_scenario

ONE_CELL = {"muscle": 1, "liver": 1, "adipose": 1}


@dataclass(frozen=True)
class CellSnapshot:
    """What one cell of ``tissue`` holds at t = 0 of a model.

    Attributes:
        tissue: ``muscle``, ``liver`` or ``adipose``.
        subtype: the cell's kind in its tissue (fibre type, zone, depot).
        state: species -> value after the warm-up (step accumulators 0).
        inputs: input -> value the engine gives the cell at t = 0.
        params: parameter -> value the cell's rate laws use.
        scenario: the one-cell scenario the model was built from.
    """

    tissue: str
    subtype: str
    state: dict[str, float]
    inputs: dict[str, float]
    params: dict[str, float]
    scenario: Scenario


def one_cell_scenario(
    base: Scenario | dict[str, Any] | None = None, phenotype: str | None = None
) -> Scenario:
    """``base`` (default: a fasting, free-living subject) with one cell per tissue and no
    cell-to-cell spread; ``phenotype`` replaces the subject's phenotype when given."""
    if isinstance(base, Scenario):
        data = base.model_dump(mode="python", exclude_none=True)
    else:
        data = dict(base or {"name": "fasting_cell", "duration_min": 60.0})
    data["cells"] = dict(ONE_CELL)
    data["heterogeneity_cv"] = 0.0
    if phenotype is not None:
        data["subject"] = {**dict(data.get("subject") or {}), "phenotype": phenotype}
    return load_scenario(data)


def _number(v: object) -> float:
    return float(np.asarray(v).reshape(-1)[0])


def snapshot(model: PhysiologyModel, tissue: str, t: float = 0.0) -> CellSnapshot:
    """The first cell of ``tissue`` in ``model`` at its current time ``t``."""
    tis = model.tissues[tissue]
    base = en.systemic_inputs(t, model.x, model.ctx)
    u = en.tissue_inputs(t, model.x, model.ctx, tis, base, model.last_flux)
    state = {
        s.name: 0.0 if s.name in ACCUMULATOR_NAMES else float(tis.y[i, 0])
        for i, s in enumerate(TISSUE_SPECIES[tissue])
    }
    return CellSnapshot(
        tissue,
        str(tis.layout.subtype[0]),
        state,
        {k: _number(v) for k, v in vars(u).items()},
        {k: _number(v) for k, v in vars(tis.params).items()},
        model.scenario,
    )


def warmed_cell(
    tissue: str,
    base: Scenario | dict[str, Any] | None = None,
    phenotype: str | None = None,
) -> CellSnapshot:
    """The cell of ``tissue`` at t = 0 of the one-cell model of ``base`` (see
    :func:`one_cell_scenario`)."""
    model = PhysiologyModel(one_cell_scenario(base, phenotype))
    return snapshot(model, tissue)
