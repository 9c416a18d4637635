"""The engine at its default step against a stiff reference solver (solve_ivp, rtol 1e-8)."""

from __future__ import annotations

import numpy as np
import pytest

from sim import engine as en
from sim import reference
from sim.kinetics import body as bk
from sim.kinetics.species import index
from sim.model import PhysiologyModel

SMALL = {"muscle": 1, "liver": 1, "adipose": 1}


def _engine_and_reference(scenario: dict, t_end: float, every: float = 10.0):
    """Run the engine and the reference from the same warmed-up state."""
    eng = PhysiologyModel(scenario)
    ref = PhysiologyModel(scenario)
    ref._apply_events(0.0, ref.dt)  # boluses at t = 0, as the engine's first step applies them
    times = np.arange(every, t_end + 1e-9, every)
    sol = reference.solve(ref, t_end, times)
    snaps = []
    while eng.running:
        eng.step()
        if any(abs(eng.time_min - t) < 1e-9 for t in times):
            snaps.append((eng.x.copy(), {k: v.y.copy() for k, v in eng.tissues.items()}))
    return eng, sol, snaps


def _rel_err(a: float, b: float, floor: float) -> float:
    return abs(a - b) / max(abs(b), floor)


@pytest.fixture(scope="module")
def medium_runs():
    """Single cells of each type in medium: insulin and GH steps."""
    scn = {
        "name": "acc_medium",
        "duration_min": 120,
        "cells": SMALL,
        "heterogeneity_cv": 0.0,
        "protocol": {
            "kind": "medium",
            "insulin_nM": [[0, 1.0]],
            "gh_ug_l": [[0, 10.0]],
            "glucose_mM": 5.0,
            "ffa_mM": 0.5,
        },
    }
    return _engine_and_reference(scn, 120.0)


@pytest.mark.parametrize(
    "tissue,node",
    [
        ("muscle", "glut4_pm"),
        ("muscle", "akt_p"),
        ("muscle", "stat5_p"),
        ("muscle", "socs3"),
        ("liver", "stat5_p"),
        ("liver", "pepck"),
        ("adipose", "glut4_pm"),
        ("adipose", "hsl"),
        ("muscle", "ir_p"),
    ],
)
def test_single_cell_nodes_within_one_percent(medium_runs, tissue, node):
    _, sol, snaps = medium_runs
    row = index(tissue)[node]
    for (_, ys_eng), (_, ys_ref) in zip(snaps, sol.states, strict=True):
        assert _rel_err(ys_eng[tissue][row, 0], ys_ref[tissue][row, 0], 0.02) < 0.01


def _body_scenario(dt_min: float = 1.0) -> dict:
    """Whole body: a meal with exercise, so glucose, insulin, uptake and AMPK all move."""
    return {
        "name": "acc_body",
        "duration_min": 240,
        "cells": SMALL,
        "heterogeneity_cv": 0.0,
        "interventions": [
            {"kind": "meal", "at_min": 0, "carbs_g": 75},
            {"kind": "exercise", "start_min": 120, "duration_min": 40, "intensity_vo2max": 0.7},
        ],
        "dt_min": dt_min,
    }


@pytest.fixture(scope="module")
def body_runs():
    return _engine_and_reference(_body_scenario(), 240.0)


def _worst_body_errors(runs) -> dict[str, float]:  # noqa: ANN001
    eng, sol, snaps = runs
    bp = eng.ctx.bp
    worst = {}
    for (x_eng, ys_eng), (x_ref, ys_ref) in zip(snaps, sol.states, strict=True):
        pairs = {
            "glucose": (bk.glucose_mM(x_eng, bp), bk.glucose_mM(x_ref, bp), 1.0),
            "insulin": (bk.insulin_pmol_l(x_eng, bp), bk.insulin_pmol_l(x_ref, bp), 10.0),
            "glut4_pm": (
                ys_eng["muscle"][index("muscle")["glut4_pm"]].mean(),
                ys_ref["muscle"][index("muscle")["glut4_pm"]].mean(),
                0.02,
            ),
            "ampk_p": (
                ys_eng["muscle"][index("muscle")["ampk_p"]].mean(),
                ys_ref["muscle"][index("muscle")["ampk_p"]].mean(),
                0.02,
            ),
            "stat5_p": (
                ys_eng["liver"][index("liver")["stat5_p"]].mean(),
                ys_ref["liver"][index("liver")["stat5_p"]].mean(),
                0.02,
            ),
            "uptake_muscle": (x_eng[bk.IDX["acc_muscle"]], x_ref[bk.IDX["acc_muscle"]], 1.0),
        }
        for k, (a, b, floor) in pairs.items():
            worst[k] = max(worst.get(k, 0.0), _rel_err(a, b, floor))
    return worst


def test_whole_body_within_one_percent(body_runs):
    """At the default 1-min step every quantity is within 1 % of the stiff reference, except
    insulin, within 1.5 %: its worst point is the dg/dt-driven first-phase burst of the
    post-exercise glucose rebound, where glucose crosses the first-phase gate (4.2-4.7 mM)
    after sitting at the 3.6-mM kink of counter-regulation. With the hepatic insulin
    restraint at a half-time of ~40 min (k_hgo_delay 0.016-0.02) that point is 1.1-1.3 % off
    (0.7 % at 0.012-0.014); the error halves with the step (next test)."""
    worst = _worst_body_errors(body_runs)
    assert worst["insulin"] < 0.015, worst
    assert all(v < 0.01 for k, v in worst.items() if k not in ("insulin", "stat5_p")), worst


@pytest.mark.xfail(
    strict=True,
    reason="known defect: at the default 1-min step liver STAT5-P is up to 2.5 % off the"
    " reference right after a GH burst starts; the error is the hazard's splitting lag and"
    " falls with the step (0.7 % at 0.25 min; next tests)",
)
def test_whole_body_gh_signalling_within_one_percent(body_runs):
    """Liver STAT5-P through the regulated GH bursts within 1 % of the stiff reference."""
    assert _worst_body_errors(body_runs)["stat5_p"] < 0.01


def test_a_burst_found_late_starts_at_its_age():
    """A burst whose threshold the hazard passed ``age`` minutes ago (hazard past the
    threshold = rate x age) is put into the secretory kernel as the kernel holds it after
    that age, and the part already released is in plasma: mass conserved, b1 : b2 as the
    two-stage chain's analytical solution, and never older than ``max_age``."""
    bp = en.body_params({})
    x = np.zeros(bk.N_SCALARS)
    x[bk.IDX["ghrh"]], x[bk.IDX["sst"]] = 1.0, 1.0
    x[bk.IDX["ghrelin"]] = bp.ghrelin_basal_pg_ml
    rate = bk.gh_drive(x, bp) / bp.gh_pulse_interval_min
    draws = np.array([[0.8, 1.0]])
    age = 0.6
    fresh, late = x.copy(), x.copy()
    fresh[bk.IDX["gh_hazard"]] = late[bk.IDX["gh_hazard"]] = 0.8 + rate * age
    assert bk.fire_gh_pulses(fresh, draws, 1.0, bp) == 1
    assert bk.fire_gh_pulses(late, draws, 1.0, bp, max_age=1.0) == 1
    mass = fresh[bk.IDX["gh_b1"]]
    assert mass > 0 and fresh[bk.IDX["gh_b2"]] == 0.0 and fresh[bk.IDX["gh"]] == 0.0
    b1, b2, gh = (late[bk.IDX[k]] for k in ("gh_b1", "gh_b2", "gh"))
    a = age / bp.gh_pulse_tau_min
    assert b1 == pytest.approx(mass * np.exp(-a), rel=1e-9)
    assert b2 == pytest.approx(mass * a * np.exp(-a), rel=1e-9)
    assert b1 + b2 + gh == pytest.approx(mass, rel=1e-12) and gh > 0
    capped = x.copy()
    capped[bk.IDX["gh_hazard"]] = 0.8 + rate * age
    bk.fire_gh_pulses(capped, draws, 1.0, bp, max_age=0.25)
    assert capped[bk.IDX["gh_b1"]] == pytest.approx(mass * np.exp(-0.25 / bp.gh_pulse_tau_min))


@pytest.mark.slow
def test_gh_signalling_error_converges_with_the_step(body_runs):
    """With bursts started at their age the liver STAT5-P error falls with the step (it did
    not before: 8 % at 0.25 min, where the step boundary a burst was found at decided it)."""
    coarse = _worst_body_errors(body_runs)["stat5_p"]
    fine = _worst_body_errors(_engine_and_reference(_body_scenario(0.25), 240.0))["stat5_p"]
    assert fine < 0.5 * coarse and fine < 0.0125, (fine, coarse)


def test_whole_body_error_shrinks_with_the_step(body_runs):
    """The operator-splitting error converges: halving the step more than halves the worst
    insulin error (the step-limited quantity) and makes no quantity worse."""
    coarse = _worst_body_errors(body_runs)
    fine = _worst_body_errors(_engine_and_reference(_body_scenario(0.5), 240.0))
    assert fine["insulin"] < 0.5 * coarse["insulin"], (fine, coarse)
    assert all(fine[k] <= coarse[k] + 1e-6 for k in coarse), (fine, coarse)
