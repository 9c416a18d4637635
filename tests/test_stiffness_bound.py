"""The cell kernels' substep count rests on ``tissues.stiffness_bound``, a hand-kept
estimate of the fastest rate of the laws. This checks it against the laws themselves: at
operating points that engage every arm, the spectral radius of the rate laws' Jacobian
(finite differences on one cell) stays below the bound, so a fast cycle added to a law but
not to the bound fails here (the negative control shows it would)."""

from __future__ import annotations

import numpy as np
import pytest
from test_mechanisms import advance, cell_inputs, cell_params

from sim import engine as en
from sim.kinetics.species import ACCUMULATOR_NAMES, TISSUE_SPECIES
from sim.kinetics.tissues import cell_rhs, stiffness_bound

CASES = {
    "fasting": {"ins_nM": 0.05},
    "fed": {"ins_nM": 0.5, "glc_mM": 8.0},
    "clamp": {"ins_nM": 2.0},
    "gh_pulse": {"ins_nM": 0.1, "gh_nM": 1.0},
    "exercise": {"ins_nM": 0.05, "intensity": 0.85, "catechol": 1.0},
    "stress": {"ins_nM": 0.05, "tnf_pg_ml": 100.0, "cort_excess": 1.0, "ffa_mM": 2.0},
}


def spectral_radius(tissue: str, y: np.ndarray, u, p) -> float:
    """Largest |eigenvalue| of d(rhs)/dy of one cell (accumulators left out: nothing reads
    them), by forward differences."""
    n = len(y)
    f0 = cell_rhs(tissue, y[:, None], u, p)[:, 0]
    jac = np.zeros((n, n))
    for j in range(n):
        h = 1e-7 * max(1.0, abs(y[j]))
        yp = y.copy()
        yp[j] += h
        jac[:, j] = (cell_rhs(tissue, yp[:, None], u, p)[:, 0] - f0) / h
    keep = [i for i, s in enumerate(TISSUE_SPECIES[tissue]) if s.name not in ACCUMULATOR_NAMES]
    return float(np.max(np.abs(np.linalg.eigvals(jac[np.ix_(keep, keep)]))))


def _point(tissue: str, case: str, **params: float):
    p = cell_params(tissue, **params)
    values = {k: v for k, v in CASES[case].items() if tissue == "muscle" or k != "intensity"}
    u = cell_inputs(tissue, p, **values)
    y = advance(tissue, en.initial_state(tissue, 1), u, p, 120)
    return y, u, p


@pytest.mark.parametrize("tissue", ["muscle", "liver", "adipose"])
@pytest.mark.parametrize("case", list(CASES))
def test_bound_covers_the_laws_jacobian(tissue, case):
    y, u, p = _point(tissue, case)
    rho = spectral_radius(tissue, y[:, 0], u, p)
    assert rho <= stiffness_bound(y, tissue, u, p), (tissue, case, rho)


def test_a_fast_cycle_missing_from_the_bound_is_caught():
    """NF-kB deactivation is not among the bound's rates (it is slow): made 50x faster
    than the fastest rate listed, the Jacobian exceeds the bound and the check above fails
    (and a run with it stops with a NumericalError, its substeps too few)."""
    y, u, _ = _point("muscle", "stress")
    fast = cell_params("muscle", k_nfkb_off=150.0)
    assert spectral_radius("muscle", y[:, 0], u, fast) > stiffness_bound(y, "muscle", u, fast)
