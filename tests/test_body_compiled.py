"""The compiled body computes what the Python body computes.

:mod:`sim.kinetics.body_compiled` is generated from the symbolic trace of
:func:`sim.kinetics.body.body_rhs`; here its derivative is set against ``body_rhs`` at states
and inputs that take every switch and branch (meal, exercise, clamp at a target and at
basal, held FFA and TNF-alpha, every infusion, sleep, hypoglycaemia), its RK4 against
:func:`sim.numerics.rk4` of :class:`sim.engine.BodyRHS`, and whole runs with the compiled
body against runs with the Python body.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from sim import engine as en
from sim import numerics
from sim.kinetics import body as bk
from sim.kinetics import body_compiled as bc
from sim.model import PhysiologyModel

pytestmark = pytest.mark.skipif(not bc.available(), reason="compiled body unavailable")

SCENARIO = {
    "name": "bodyjit",
    "seed": 3,
    "duration_min": 90,
    "start_clock_h": 21.0,
    "cells": {"muscle": 12, "liver": 6, "adipose": 6},
    "interventions": [
        {"kind": "meal", "at_min": 0, "carbs_g": 70, "protein_g": 25, "fat_g": 15},
        {
            "kind": "exercise",
            "start_min": 20,
            "duration_min": 30,
            "intensity_vo2max": 0.7,
            "mode": "aerobic",
        },
        {"kind": "gh_injection", "at_min": 5, "dose_mg": 0.5, "route": "sc"},
        {"kind": "secretagogue", "at_min": 5, "drug": "ipamorelin", "dose_ug": 100},
        {"kind": "sleep", "start_min": 60, "duration_h": 1.0},
    ],
}


@pytest.fixture(scope="module")
def model() -> PhysiologyModel:
    """A model 40 min into a meal, in exercise, with GH and Ipamorelin depots absorbing."""
    m = PhysiologyModel(SCENARIO)
    for _ in range(40):
        m.step()
    return m


def _state(model: PhysiologyModel, **changes: float) -> np.ndarray:
    """The model's state with some entries changed (``g_mM``: plasma glucose in mM)."""
    x = model.x.copy()
    for name, value in changes.items():
        if name == "g_mM":
            x[bk.IDX["q_glc"]] = value * model.ctx.bp.vg_dl_kg * bk.MG_DL_PER_MM_GLC
        else:
            x[bk.IDX[name]] = value
    return x


INPUT_CASES = {
    "as_scheduled": {},
    "rest_awake": {"intensity": 0.0, "sws": 0.0, "sleep_metab_gate": 0.0},
    "asleep": {"sws": 0.8, "sleep_metab_gate": 0.7, "presleep_debt_h": 0.0},
    "presleep_debt": {"presleep_debt_h": 2.0, "sleep_debt_h": 2.0},
    "infusions": {
        "glucose_inf": 3.0,
        "insulin_inf": 6.0,
        "gh_inf": 0.002,
        "ipam_inf": 0.05,
        "serm_inf": 0.05,
        "cortisol_awakening": 1.5,
    },
    "clamp_target": {"clamp_on": True, "clamp_insulin_uU": 100.0, "clamp_glucose_mM": 5.5},
    "clamp_basal": {"clamp_on": True, "clamp_basal": True, "clamp_insulin_uU": 40.0},
    "held_ffa_tnf": {"lipid_on": True, "lipid_mM": 1.5, "tnf_on": True, "tnf_pg_ml": 30.0},
    "held_below": {"lipid_on": True, "lipid_mM": 0.01, "tnf_on": True, "tnf_pg_ml": 0.0},
    "modulated": {"insulin_secretion_gain": 0.3, "gh_secretion_gain": 0.0, "intensity": 0.95},
}

STATE_CASES = {
    "as_run": {},
    "hypoglycaemia": {"g_mM": 2.8, "g_adapt": 3.5, "clamp_glc": 4.0, "clamp_int": -30.0},
    "glucose_jump": {"g_mM": 14.0, "g_adapt": 5.0, "rrp": 0.9, "clamp_int": 50.0},
    "recovery": {"flow": 0.9, "ex_dur": 0.7, "adr": 400.0, "nor": 2000.0},
    "fed_pools": {"sto1": 800.0, "sto2": 300.0, "gut": 250.0, "chylo": 20.0, "aa_gut": 0.3},
}


def _check(d_compiled: np.ndarray, d_python: np.ndarray, x: np.ndarray) -> None:
    """Agreement to 1e-12 of each rate's size, the state's own size (per minute) or 1e-9,
    whichever is largest: a rate that is a near-cancelling sum (glucose or insulin near
    balance) can only agree to round-off of its terms, not of the small difference."""
    scale = np.maximum(np.maximum(np.abs(d_python), np.abs(x)), 1e-9)
    worst = np.max(np.abs(d_compiled - d_python) / scale)
    assert worst < 1e-12, worst


@pytest.mark.parametrize("state", list(STATE_CASES))
@pytest.mark.parametrize("case", list(INPUT_CASES))
def test_compiled_derivative_is_body_rhs(model, case, state):
    ctx = model.ctx
    x = _state(model, **STATE_CASES[state])
    inp = dataclasses.replace(bk.body_inputs(model.time_min, ctx.sch, ctx.bp), **INPUT_CASES[case])
    ref = bk.body_rhs(x, inp, model.last_flux, ctx.bp, ctx.geo)
    _check(bc.derivative(x, inp, model.last_flux, ctx.bp, ctx.geo), ref, x)


def test_the_cases_take_both_sides_of_every_switch(model):
    """The cases above are not all one branch: the held and clamped rates differ from the
    free ones, and the clamp's basal target from its fixed one."""
    ctx = model.ctx
    base = bk.body_inputs(model.time_min, ctx.sch, ctx.bp)
    x = _state(model, clamp_glc=4.0)

    def d(case: str, name: str) -> float:
        inp = dataclasses.replace(base, **INPUT_CASES[case])
        return float(bc.derivative(x, inp, model.last_flux, ctx.bp, ctx.geo)[bk.IDX[name]])

    assert d("clamp_target", "ins_p") != d("as_scheduled", "ins_p")
    assert d("clamp_target", "clamp_int") != d("clamp_basal", "clamp_int")
    assert d("as_scheduled", "clamp_int") == 0.0
    assert d("held_ffa_tnf", "ffa") > d("as_scheduled", "ffa")
    assert d("held_ffa_tnf", "tnf") > d("as_scheduled", "tnf")
    assert base.intensity > 0.5  # the model is exercising: flow and ex_dur rise
    assert d("as_scheduled", "ex_dur") > 0 > d("rest_awake", "ex_dur")


def test_compiled_rk4_is_numerics_rk4(model):
    """One body step with fluxes varying across it (BodyRHS's slopes), 1 and 3 substeps."""
    ctx, cf = model.ctx, model.last_flux
    prev = dataclasses.replace(cf, egp=0.5 * cf.egp, u_muscle=1.5 * cf.u_muscle)
    rhs = en.BodyRHS(cf, ctx, model.time_min, 1.0, prev)
    assert rhs.slopes["egp"] != 0.0
    for n in (1, 3):
        ref = numerics.rk4(rhs, model.time_min, model.x, 1.0, n)
        out = bc.advance(rhs, model.time_min, model.x, 1.0, n)
        _check(out, ref, model.x)
    # the engine's choice: compiled with the numba kernel, the Python body with numpy
    t, x = model.time_min, model.x
    n = en.body_substeps(t, x, cf, ctx, 1.0)
    fast = en.advance_body(t, x, cf, ctx, 1.0, prev, kernel="numba")
    slow = en.advance_body(t, x, cf, ctx, 1.0, prev, kernel="numpy")
    assert np.array_equal(slow, numerics.rk4(rhs, t, x, 1.0, n))
    assert np.array_equal(fast, bc.advance(rhs, t, x, 1.0, n))
    _check(fast, slow, x)


def _run(monkeypatch: pytest.MonkeyPatch, compiled_body: bool) -> PhysiologyModel:
    with monkeypatch.context() as mp:
        mp.setenv("SIM_WARM_CACHE", "off")  # each warms up with its own body
        if not compiled_body:
            mp.setattr(bc, "available", lambda: False)
        m = PhysiologyModel(SCENARIO)
        for _ in range(70):
            m.step()
    return m


def test_a_run_with_the_compiled_body_matches_the_python_body(monkeypatch):
    """The fasting warm-up, then a meal, exercise, GH and Ipamorelin depots and sleep."""
    fast, slow = _run(monkeypatch, True), _run(monkeypatch, False)
    np.testing.assert_allclose(fast.x, slow.x, rtol=1e-9, atol=1e-12)
    for name in fast.tissues:
        np.testing.assert_allclose(
            fast.tissues[name].y, slow.tissues[name].y, rtol=1e-9, atol=1e-12
        )


def test_the_compiled_body_is_deterministic(monkeypatch):
    """Same seed, same scenario: the same state to the bit."""
    a, b = _run(monkeypatch, True), _run(monkeypatch, True)
    assert a.x.tobytes() == b.x.tobytes()
    for name in a.tissues:
        assert a.tissues[name].y.tobytes() == b.tissues[name].y.tobytes()


def test_the_generated_module_follows_the_laws(monkeypatch):
    """Generated from the live body_rhs: a changed law gives a changed module, and the cache
    key follows the source of the laws."""
    source = bc.generate_source()
    assert "def rhs(" in source and "def advance(" in source
    assert set(bc.module().INPUTS) >= {"clamp_on", "clamp_basal", "lipid_on", "tnf_on"}

    def brain_other_uptake(g_mM, bp):  # noqa: ANN001, ANN202
        return 0.123456789 * g_mM

    monkeypatch.setattr(bk, "brain_other_uptake", brain_other_uptake)
    changed = bc.generate_source()
    assert changed != source and "0.123456789" in changed and "0.123456789" not in source


def test_a_run_says_its_body_is_compiled(monkeypatch):
    """The manifest and the kernel line of ``sim run`` name the body's kernel."""
    from sim.runner import kernel_line, kernel_used
    from sim.scenario import Scenario

    if en.default_kernel() != "numba":
        pytest.skip("the body's kernel is named with the numba cell kernel")
    scn = Scenario.model_validate(SCENARIO)
    record = kernel_used(scn)
    assert record["kernel"] == "numba" and record["body_kernel"] == "numba"
    assert "body's RK4 compiled" in kernel_line(record)
    monkeypatch.setattr(bc, "unavailable_reason", lambda: "ModuleNotFoundError: sympy")
    record = kernel_used(scn)
    assert record["body_kernel"] == "python" and "sympy" in record["body_note"]
    assert "the body in Python: ModuleNotFoundError: sympy" in kernel_line(record)


def test_input_rows_kept_between_advances_change_nothing(model):
    """The two body advances of a step share stage times, so their input rows are kept
    (body_compiled._rows): the same result to the bit as rows built afresh."""
    ctx, cf, t, x = model.ctx, model.last_flux, model.time_min, model.x
    rhs = en.BodyRHS(cf, ctx, t, 1.0, cf)
    bc._ROWS["owner"] = None
    fresh = bc.advance(rhs, t, x, 1.0, 2)
    bc.advance(en.BodyRHS(cf, ctx, t, 0.5, cf), t, x, 0.5, 1)  # shares t and t + 0.5
    assert bc._ROWS["owner"][0] is ctx.sch and t + 0.5 in bc._ROWS["rows"]
    assert fresh.tobytes() == bc.advance(rhs, t, x, 1.0, 2).tobytes()
    # another schedule (the warm-up's) starts its own rows
    other = dataclasses.replace(ctx, sch=ctx.sch.fasting)
    warm = bc.advance(en.BodyRHS(cf, other, t, 1.0, cf), t, x, 1.0, 2)
    assert bc._ROWS["owner"][0] is ctx.sch.fasting
    assert warm.tobytes() != fresh.tobytes()  # no meal, exercise or depots in the warm-up


@pytest.mark.parametrize("n", [1, 7, 8, 9, 127, 128, 129, 600, 1001, 5000])
def test_engine_mean_is_numpys(n):
    """The cell fluxes' mean is np.mean to the bit (the same pairwise sum and division)."""
    v = np.random.default_rng(n).lognormal(size=n) * 1e-3
    assert en._mean(v) == float(np.mean(v))
    assert en._mean(v[::3]) == float(np.mean(v[::3]))  # a strided view too
