"""The body's substep count rests on ``engine.body_fastest_rate``, an upper bound of the
spectral radius of the body's Jacobian derived from its traced laws
(:mod:`sim.kinetics.body_stiffness`). Checked against an independent Jacobian: central
differences of the Python right-hand side (:func:`sim.kinetics.body.body_rhs`). The bound is
at least the true spectral radius along a run with a meal, exercise, a GH bolus and a clamp;
it is the Perron root / Gershgorin bound of that difference Jacobian's own blocks (so it is
the laws' Jacobian, not a list of rates); compiled and interpreted code give the same
number."""

from __future__ import annotations

import inspect

import numpy as np
import pytest
from scipy.sparse.csgraph import connected_components

from sim import engine as en
from sim.kinetics import body as bk
from sim.kinetics import body_compiled, body_stiffness
from sim.model import PhysiologyModel

RHO_RTOL = 1e-6
"""The difference Jacobian's own error (step 1e-6, central)."""

SCENARIO = {
    "name": "body_rate",
    "duration_min": 330,
    "cells": {"muscle": 8, "liver": 8, "adipose": 8},
    "interventions": [
        {"kind": "meal", "at_min": 0, "carbs_g": 75},
        {"kind": "exercise", "start_min": 120, "duration_min": 40, "intensity_vo2max": 0.7},
        {"kind": "gh_injection", "at_min": 200, "dose_mg": 1.0, "route": "iv"},
    ],
    "protocol": {"kind": "clamp", "insulin_uU_ml": 100, "step_min": 90, "start_min": 240},
}
CHECK_AT = (5, 30, 140, 150, 205, 215, 245, 300)


def _difference_jacobian(rhs: en.BodyRHS, t: float, x: np.ndarray) -> np.ndarray:
    jac = np.zeros((len(x), len(x)))
    for j in range(len(x)):
        h = 1e-6 * max(1.0, abs(x[j]))
        a, b = x.copy(), x.copy()
        a[j] += h
        b[j] -= h
        jac[:, j] = (rhs(t, a) - rhs(t, b)) / (2 * h)
    return jac


def _perron(m: np.ndarray) -> float:
    return float(np.max(np.abs(np.linalg.eigvals(m)))) if m.size else 0.0


def _bound_from(jac: np.ndarray) -> float:
    """The bound of sim.kinetics.body_stiffness rebuilt from a numerical Jacobian: Perron
    roots of |J| over the strongly connected blocks of the scalars, Gershgorin over the
    interstitial nodes."""
    n = bk.N_SCALARS
    scalars = np.abs(jac[:n, :n])
    structure = scalars > 1e-9 * max(1.0, float(scalars.max()))
    _, label = connected_components(structure, directed=True, connection="strong")
    rho = max(_perron(scalars[np.ix_(label == c, label == c)]) for c in set(label))
    nodes = np.abs(jac[n:, n:])
    return max(rho, float(nodes.sum(axis=1).max(initial=0.0)))


def _run_and_check(check) -> int:  # noqa: ANN001
    m = PhysiologyModel(SCENARIO)
    checked = 0
    while m.running:
        m.step()
        t = m.time_min
        if round(t) in CHECK_AT:
            check(m, t)
            checked += 1
    return checked


@pytest.mark.skipif(not body_compiled.available(), reason="needs sympy to trace the body")
def test_bound_covers_and_is_the_body_jacobians():
    """At least the true spectral radius everywhere along the run, and equal (to the
    difference Jacobian's error) to the bound rebuilt from that Jacobian's blocks."""
    seen = []

    def check(m: PhysiologyModel, t: float) -> None:
        rhs = en.BodyRHS(m.last_flux, m.ctx, t, 1.0, None)
        jac = _difference_jacobian(rhs, t, m.x.copy())
        bound = en.body_fastest_rate(t, m.x, m.last_flux, m.ctx, 0.0)  # inputs at t only
        assert _perron(jac) <= bound * (1 + RHO_RTOL), t
        assert bound == pytest.approx(_bound_from(jac), rel=1e-4), t
        # over a step the inputs of its midpoint and end count too: never less
        assert en.body_fastest_rate(t, m.x, m.last_flux, m.ctx, 1.0) >= bound
        seen.append(bound)

    assert _run_and_check(check) == len(CHECK_AT)
    assert max(seen) > min(seen)  # the bound follows the state, not a fixed list of rates


@pytest.mark.skipif(not body_compiled.available(), reason="needs sympy and numba")
def test_compiled_and_interpreted_bounds_agree():
    """The same generated code run by the interpreter (no numba) gives the same number, so
    the body's substep count does not depend on whether numba is installed."""
    mod = body_compiled.module()
    src = inspect.getsource(mod).replace(
        "    import numba\n",
        "    from sim.kinetics.body_compiled import INTERPRETED as numba\n",
        1,
    )
    py: dict = {}
    exec(compile(src, "<interpreted body>", "exec"), py)  # noqa: S102

    def check(m: PhysiologyModel, t: float) -> None:
        ctx = m.ctx
        args = (
            np.ascontiguousarray(m.x),
            body_compiled.input_rows(ctx.sch, ctx.bp, (t, t + 0.5, t + 1.0)),
            body_compiled.flux_row(m.last_flux),
            *body_compiled.bind(ctx.bp, ctx.geo),
        )
        assert py["fastest_rate"](*args) == mod.fastest_rate(*args), t

    assert _run_and_check(check) == len(CHECK_AT)


@pytest.mark.skipif(not body_compiled.available(), reason="needs sympy and numba")
@pytest.mark.parametrize(
    "m",
    [
        np.array([[0.5, 1.0, 0.0], [0.0, 0.5, 1.0], [1.0, 0.0, 0.5]]),
        np.array([[0.0, 1.0], [4.0, 0.0]]),  # a zero diagonal: imprimitive
        np.array([[0.07, 0.08, 0.0], [0.065, 0.08, 0.0], [0.0, 0.0, 0.0]]),  # reducible
        np.array([[0.16, 0.4], [0.0099, 0.1]]),
    ],
)
def test_perron_root_is_an_upper_bound_tight_to_round_off(m):
    got = body_compiled.module()._perron_root(m)
    exact = _perron(m)
    assert exact <= got * (1 + 1e-12)
    assert got == pytest.approx(exact, rel=1e-9)


def test_a_non_finite_body_state_stops_the_run_with_a_message():
    m = PhysiologyModel(SCENARIO)
    m.step()
    x = m.x.copy()
    x[bk.IDX["gut"]] = np.nan
    with pytest.raises(en.numerics.NumericalError, match="fastest rate"):
        en.body_substeps(m.time_min, x, m.last_flux, m.ctx, 1.0)


def test_the_generator_refuses_a_node_that_feeds_back():
    """The bound's block structure is checked, not assumed: a scalar law that read an
    interstitial node would be refused with a message."""
    import sympy

    from sim.kinetics.body_trace import trace_node_laws

    traced = trace_node_laws()
    rates = dict(traced.rates)
    rates["gh"] = rates["gh"] + sympy.Symbol("isf_0", real=True)
    fake = type("T", (), {"rates": rates})()
    with pytest.raises(RuntimeError, match="interstitial insulin node"):
        body_stiffness._scalar_jacobian(fake, bk.SCALARS)
