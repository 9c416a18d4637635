"""The substep count of the engine (``stiffness.substeps``: Collatz-Wielandt bounds, the
eigenvalues only where they do not decide) is the count of the exact bound
(``numerics.substeps(dt, fastest_rate(...))``) at every operating point, including points
placed on the edge between two counts, where the bounds cannot decide."""

from __future__ import annotations

import numpy as np
import pytest

from sim import engine as en
from sim import numerics
from sim.kinetics import compiled, stiffness
from sim.model import PhysiologyModel

pytestmark = pytest.mark.skipif(not compiled.available(), reason="needs numba")


@pytest.fixture(scope="module")
def model() -> PhysiologyModel:
    scn = {
        "name": "substeps",
        "seed": 3,
        "duration_min": 60,
        "cells": {"muscle": 12, "liver": 8, "adipose": 8},
        "interventions": [{"kind": "meal", "at_min": 0, "carbs_g": 75}],
    }
    m = PhysiologyModel(scn)
    for _ in range(5):
        m.step()
    return m


def _inputs(model: PhysiologyModel, tissue: str):  # noqa: ANN202
    base = en.systemic_inputs(model.time_min, model.x, model.ctx)
    t = model.tissues[tissue]
    return en.tissue_inputs(model.time_min, model.x, model.ctx, t, base, model.last_flux)


@pytest.mark.parametrize("tissue", ["muscle", "liver", "adipose"])
def test_same_count_as_the_exact_bound(model: PhysiologyModel, tissue: str) -> None:
    t = model.tissues[tissue]
    u = _inputs(model, tissue)
    rng = np.random.default_rng(1)
    rho = stiffness.fastest_rate(t.y, tissue, u, t.params, "numba")
    # time steps that put the rate anywhere between counts, and exactly on their edges
    dts = list(rng.uniform(0.05, 6.0, 40))
    dts += [k * numerics.MAX_RATE_STEP / rho for k in (1, 2, 3, 5)]
    dts += [d * (1 + 1e-12) for d in dts[-4:]] + [d * (1 - 1e-12) for d in dts[-4:]]
    for dt in dts:
        y = t.y * rng.uniform(0.5, 1.5, t.y.shape)  # other states: the kept vector is stale
        want = numerics.substeps(dt, stiffness.fastest_rate(y, tissue, u, t.params, "numba"))
        assert stiffness.substeps(dt, y, tissue, u, t.params) == want


def test_non_finite_state_raises_as_the_exact_bound(model: PhysiologyModel) -> None:
    t = model.tissues["muscle"]
    u = _inputs(model, "muscle")
    y = t.y.copy()
    y[t.names.index("akt_p"), 3] = np.nan  # a species the Jacobian reads
    with pytest.raises(numerics.NumericalError):
        numerics.substeps(1.0, stiffness.fastest_rate(y, "muscle", u, t.params, "numba"))
    with pytest.raises(numerics.NumericalError):
        stiffness.substeps(1.0, y, "muscle", u, t.params)


def test_bracket_holds_the_perron_root() -> None:
    """The compiled bounds bracket the spectral radius of random non-negative blocks."""
    rng = np.random.default_rng(0)
    bracket = stiffness._bracket()  # noqa: SLF001
    for _ in range(50):
        m = rng.integers(2, 7)
        a = rng.uniform(0, 1, (m, m)) * (rng.uniform(size=(m, m)) < 0.6)
        a *= 10.0 ** rng.uniform(-3, 3, (m, m))
        out = a.ravel().copy()
        idx = np.arange(m * m, dtype=np.int64)
        stack, v = np.empty((1, m, m)), np.ones((1, m))
        _, lo, hi = bracket(
            out, np.zeros(0, np.int64), idx, np.zeros(m * m, np.int64), idx // m, idx % m,
            stack, np.array([m], np.int64), v, 3, 1e-8,
        )  # fmt: skip
        rho = np.max(np.abs(np.linalg.eigvals(a)))
        assert lo * (1 - 1e-12) <= rho <= hi * (1 + 1e-12)


def test_eigenvalues_mostly_skipped(model: PhysiologyModel, monkeypatch) -> None:  # noqa: ANN001
    """Away from a count's edge the bounds decide: the eigenvalue problem is the exception."""
    calls = []
    eigvals = np.linalg.eigvals
    monkeypatch.setattr(np.linalg, "eigvals", lambda a: calls.append(1) or eigvals(a))
    t = model.tissues["liver"]
    u = _inputs(model, "liver")
    for dt in np.linspace(0.3, 3.0, 20):
        stiffness.substeps(float(dt), t.y, "liver", u, t.params)
    assert len(calls) <= 2
