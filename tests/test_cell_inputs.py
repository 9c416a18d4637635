"""The declared cell inputs (sim/kinetics/cell_inputs.py) are exactly what the rate laws
read, the engine hands every tissue each of them, and nothing undeclared reaches a kernel."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from sim import engine as en
from sim.interventions import Span
from sim.kinetics import cell_inputs as ci
from sim.kinetics import compiled, stiffness
from sim.kinetics.species import TISSUES
from sim.kinetics.tissues import cell_rhs, stiffness_bound
from sim.model import PhysiologyModel


class _Reading(SimpleNamespace):
    """Inputs that remember which of their names were read."""

    def __getattribute__(self, name: str):  # noqa: ANN204
        if not name.startswith("_"):
            object.__getattribute__(self, "__dict__").setdefault("_read", set()).add(name)
        return object.__getattribute__(self, name)

    def __getattr__(self, name: str):  # noqa: ANN204
        raise AttributeError(f"the rate laws read u.{name}, which is not a declared input")


@pytest.fixture(scope="module")
def model() -> PhysiologyModel:
    return PhysiologyModel(
        {"name": "ci", "duration_min": 10, "cells": {"muscle": 3, "liver": 3, "adipose": 3}}
    )


def _inputs(model: PhysiologyModel, tissue: str) -> SimpleNamespace:
    base = en.systemic_inputs(0.0, model.x, model.ctx)
    return en.tissue_inputs(0.0, model.x, model.ctx, model.tissues[tissue], base, model.last_flux)


@pytest.mark.parametrize("tissue", TISSUES)
def test_laws_read_exactly_the_inputs_declared_for_their_tissue(model, tissue):
    t = model.tissues[tissue]
    u = _Reading(**{n: v for n, v in vars(_inputs(model, tissue)).items()})
    cell_rhs(tissue, t.y, u, t.params)
    read = vars(u)["_read"] - {"_read"}
    declared = {i.name for i in ci.CELL_INPUTS if tissue in i.tissues}
    assert read <= set(ci.NAMES), f"undeclared inputs read: {read - set(ci.NAMES)}"
    assert read == declared, f"read {sorted(read)}, declared {sorted(declared)}"
    # the substep bound reads the inputs its traced Jacobian reads, all declared here
    assert set(stiffness.jacobian(tissue)["inputs"]) <= declared
    assert stiffness_bound(t.y, tissue, _inputs(model, tissue), t.params) > 0


@pytest.mark.parametrize("tissue", TISSUES)
def test_engine_gives_every_declared_input_and_neutral_ones_where_unread(model, tissue):
    model.ctx.sch.exercise.append((Span(-10.0, 10.0, 0.6), "aerobic"))
    try:
        u = vars(_inputs(model, tissue))
    finally:
        model.ctx.sch.exercise.pop()
    assert set(u) == set(ci.NAMES)
    for name in ci.UNREAD[tissue]:
        assert u[name] == ci.BY_NAME[name].neutral
    assert (u["intensity"] == 0.6) == (tissue == "muscle")


def test_a_kernel_refuses_an_undeclared_or_missing_input(model):
    t = model.tissues["muscle"]
    u = vars(_inputs(model, "muscle"))
    extra = SimpleNamespace(**u, metformin_uM=1.0)
    with pytest.raises(ValueError, match="metformin_uM"):
        en.advance_cells("muscle", t.y, extra, t.params, 1.0, 4, t.acc_rows, kernel="numpy")
    if compiled.available():
        with pytest.raises(ValueError, match="metformin_uM"):
            compiled.bind("muscle", t.n, extra, t.params, t.acc_rows)
        short = SimpleNamespace(**{k: v for k, v in u.items() if k != "catechol"})
        with pytest.raises(ValueError, match="catechol"):
            compiled.bind("muscle", t.n, short, t.params, t.acc_rows)


def test_table_is_well_formed():
    assert len(ci.NAMES) == len(ci.CELL_INPUTS)
    for i in ci.CELL_INPUTS:
        assert i.unit and i.description and i.source, i.name
        assert i.tissues and set(i.tissues) <= set(TISSUES), i.name
        assert np.isfinite(i.neutral), i.name
    assert all(ci.BY_NAME[f"mod_{p}"].neutral == 1.0 for p in ("lipolysis", "gluconeogenesis"))


def test_pathway_diagram_and_export_name_declared_inputs():
    from sim.export.annotations import INPUTS
    from sim.viz.pathway_diagram import INPUT_LEVELS
    from sim.viz.pathway_diagram import INPUTS as DIAGRAM

    assert list(INPUTS) == [i.name for i in ci.CELL_INPUTS]
    assert set(DIAGRAM) <= set(ci.NAMES) and set(INPUT_LEVELS) <= set(ci.NAMES)


def test_pathway_diagram_inputs_are_generated_from_the_table():
    """The diagram's input boxes, their arms and the levels its Jacobian is taken at are the
    table's ``diagram`` and ``engaged`` entries; every box names an arm of the diagram and a
    column the recorder writes."""
    from sim.viz import pathway_diagram as pd
    from sim.viz.nodes import ARMS

    shown = [i for i in ci.CELL_INPUTS if i.diagram is not None]
    assert list(pd.INPUTS) == [i.name for i in shown]
    assert all(
        pd.INPUTS[i.name] == (i.diagram.label, i.diagram.column, i.diagram.unit) for i in shown
    )
    assert pd.INPUT_ARMS == {i.name: i.diagram.arm for i in shown}
    assert set(pd.INPUT_ARMS.values()) <= set(ARMS)
    assert pd.INPUT_LEVELS == {i.name: i.engaged for i in ci.CELL_INPUTS if i.engaged is not None}
    recorder = (Path(__file__).resolve().parent.parent / "sim" / "recorder.py").read_text()
    assert all(f'"{i.diagram.column}"' in recorder for i in shown)
    # an input not engaged is read at its declared neutral value
    u = pd._Inputs()
    assert u.glucagon_pg_ml == ci.BY_NAME["glucagon_pg_ml"].neutral
    assert u.mod_lipolysis == 1.0
