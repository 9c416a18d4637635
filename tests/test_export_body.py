"""`sim export sbml --tissue body`: the body's pure right-hand side traced into SBML, checked
against the simulator's own body_rhs and, in libRoadRunner, against its own integration."""

from __future__ import annotations

import dataclasses

import libsbml
import numpy as np
import pytest
import sympy

from sim.cli import main
from sim.export import body as eb
from sim.export.crosscheck import TOLERANCE, crosscheck_body
from sim.export.sbml import to_string, validate
from sim.kinetics import body as bk
from sim.model import PhysiologyModel

ONE_CELL = {
    "name": "one",
    "duration_min": 60,
    "cells": {"muscle": 1, "liver": 1, "adipose": 1},
    "heterogeneity_cv": 0.0,
}


@pytest.fixture(scope="module")
def model() -> PhysiologyModel:
    return PhysiologyModel(ONE_CELL)


@pytest.fixture(scope="module")
def traced(model):
    return eb.trace_body(model.ctx.geo)


@pytest.fixture(scope="module")
def document(model):
    return eb.body_document(eb.body_snapshot(model))


def _numeric(traced, model, x, inp) -> np.ndarray:
    """The traced rates evaluated at ``x``, ``inp`` and the model's fluxes and parameters."""
    snap = eb.body_snapshot(model)
    values = {**snap.params, **snap.fluxes, **eb.input_values(inp, model.ctx.bp)}
    values.update({k: v[0] for k, v in eb.CONSTANTS.items()})
    values.update(dict(zip(traced.states, x.tolist(), strict=True)))
    out = []
    for name in traced.states:
        expr = traced.rates[name]
        out.append(float(expr.subs({s: values[s.name] for s in expr.free_symbols})))
    return np.array(out)


CASES = {
    "fasting": {},
    "meal_exercise_insulin": {"intensity": 0.7, "insulin_inf": 6.0, "glucose_inf": 2.0},
    "clamp": {"clamp_on": True, "clamp_insulin_uU": 100.0, "clamp_glucose_mM": 5.0},
    "clamp_basal": {"clamp_on": True, "clamp_basal": True, "clamp_insulin_uU": 40.0},
    "lipid_tnf": {"lipid_on": True, "lipid_mM": 1.5, "tnf_on": True, "tnf_pg_ml": 30.0},
}


@pytest.mark.parametrize("case", list(CASES))
def test_traced_rates_are_the_simulators_body_rhs(case, model, traced):
    """The expressions written to SBML give body_rhs's derivative, for every switch of the
    inputs; a state with a meal in the gut, glucose off its target and FFA held."""
    ctx = model.ctx
    x = model.x.copy()
    x[bk.IDX["sto1"]] += 500.0
    x[bk.IDX["gut"]] += 200.0
    x[bk.IDX["flow"]] = 0.3
    x[bk.IDX["clamp_glc"]] = 4.8
    inp = dataclasses.replace(bk.body_inputs(0.0, ctx.sch, ctx.bp), **CASES[case])
    ours = bk.body_rhs(x, inp, model.last_flux, ctx.bp, ctx.geo)
    np.testing.assert_allclose(_numeric(traced, model, x, inp), ours, rtol=1e-11, atol=1e-14)


def test_switches_and_branches_are_piecewise(traced):
    clamp = traced.rates["clamp_int"]
    assert isinstance(clamp, sympy.Piecewise)
    assert {"clamp_on", "clamp_basal"} <= {s.name for s in clamp.free_symbols}
    assert isinstance(traced.rates["ffa"], sympy.Piecewise)  # lipid infusion on/off
    assert "lipid_on" in {s.name for s in traced.rates["ffa"].free_symbols}
    flow = traced.rates["flow"].atoms(sympy.Piecewise)  # the flow on/off rate choice
    assert flow and {"k_flow_on", "k_flow_off"} <= {
        s.name for s in traced.rates["flow"].free_symbols
    }


def test_inputs_and_cell_fluxes_are_parameters_without_rules(document, traced):
    m = document.getModel()
    for name in (*traced.inputs, *traced.fluxes):
        p = m.getParameter(name)
        assert p is not None and not p.getConstant() and m.getRuleByVariable(name) is None, name
    assert {"egp", "u_muscle", "ffa_release", "ffa_clearance"} <= set(traced.fluxes)
    assert {"intensity", "insulin_inf", "clamp_on", "lipid_on", eb.SET_POINT} <= set(traced.inputs)
    assert m.getNumSpecies() == len(traced.states) and m.getNumRules() == len(traced.states)


def test_body_sbml_has_no_libsbml_error_units_checked(document):
    problems = validate(document)
    assert not [p for p in problems if p[0] in ("Error", "Fatal")], problems[:3]
    # the unit check ran: unit warnings are reported (literals with implicit units)
    assert any(p[1] == 10501 for p in problems)


def test_a_changed_body_law_changes_the_sbml(model, monkeypatch):
    """The SBML is traced from the live code: a law changed in the source changes it."""
    before = eb.trace_body(model.ctx.geo).rates["q_glc"]

    def brain_uptake(g_mM, bp):  # noqa: ANN001, ANN202
        return bp.v_brain * g_mM / bp.glc_ref_mM

    monkeypatch.setattr(bk, "brain_uptake", brain_uptake)
    after = eb.trace_body(model.ctx.geo).rates["q_glc"]
    assert after != before
    assert "km_brain_mM" in {s.name for s in before.free_symbols}
    assert "km_brain_mM" not in {s.name for s in after.free_symbols}


def test_roadrunner_runs_the_body_like_the_simulator():
    """A meal's carbohydrate in the stomach, an insulin infusion, exercise and a lipid
    infusion switched on and off: every state within 1e-6 of the simulator's body
    integration at 16 RK4 substeps per minute; and the protocol moves the states it
    should (so agreement is not that of two flat lines)."""
    dev, ours, theirs = crosscheck_body(duration_min=160.0, n_sub=16)
    worst = max(dev, key=dev.get)
    assert dev[worst] < TOLERANCE, (worst, dev[worst])
    g = ours.nodes["q_glc"]
    assert g[45] > 1.15 * g[0]  # the meal raises glucose
    ins = ours.nodes["ins_p"]
    assert ins[59] > 1.5 * ins[29]  # the insulin infusion
    flow = ours.nodes["flow"]
    assert flow[89] > 0.5 > flow[59]  # exercise perfusion
    ffa = ours.nodes["ffa"]
    assert ffa[149] > 1.5 * ffa[89]  # the lipid infusion holds FFA up (at 1.2 mM)


@pytest.mark.slow
def test_body_crosscheck_sees_the_step_size():
    """The deviation falls with the RK4 step (so it measures the integration, not a
    tolerance that any two runs meet): 1 substep per minute is worse than 16 and 64."""
    worst = {n: max(crosscheck_body(duration_min=160.0, n_sub=n)[0].values()) for n in (1, 16, 64)}
    assert worst[1] > 10 * worst[16] > 10 * worst[64]
    assert worst[64] < TOLERANCE


def test_cli_exports_the_body(tmp_path, capsys):
    out = tmp_path / "body.xml"
    assert main(["export", "sbml", "--tissue", "body", "--out", str(out)]) == 0
    assert "0 errors" in capsys.readouterr().out
    doc = libsbml.readSBMLFromFile(str(out))
    assert doc.getModel().getId() == "sim_body_healthy"
    assert to_string(doc).count("<rateRule") == len(bk.SCALARS) + sum(
        PhysiologyModel(ONE_CELL).ctx.geo.n_isf
    )


def test_validate_report_has_the_body_cross_check():
    from sim.export.crosscheck import body_report_section

    text = body_report_section(duration_min=40.0, substeps=(16,))
    row = next(line for line in text.splitlines() if line.startswith("| 16 |"))
    assert row.endswith("| yes |")


def test_a_python_branch_on_the_state_is_refused(model, monkeypatch):
    """A law that branches on the state with ``if`` cannot be written as SBML: the trace
    says so instead of silently taking one branch (``choose`` is the traceable form)."""
    from sim.export.trace import TraceError

    def renal_loss(g_mM, bp):  # noqa: ANN001, ANN202
        if g_mM > bp.renal_threshold_mM:
            return bp.k_renal * (g_mM - bp.renal_threshold_mM)
        return 0.0

    monkeypatch.setattr(bk, "renal_loss", renal_loss)
    with pytest.raises(TraceError, match="cannot run on symbols"):
        eb.trace_body(model.ctx.geo)
