"""The cell kernels' substep count rests on ``tissues.stiffness_bound``, the Perron root of
the cells' largest ``|Jacobian|`` with the Jacobian traced and differentiated from the laws
(:mod:`sim.kinetics.stiffness`). Checked here against an independent Jacobian: central
differences of the numpy right-hand side, whose eigenvalues (numpy) give the true spectral
radius. At the operating points that engage every arm and at random points (parameters
within their declared bounds, inputs within physiological ranges, random states) the bound
is at least that radius, RK4 at the substep it sets is stable for every eigenvalue, and a
fast cycle made faster in a law is in the bound without any other edit."""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pytest
from test_mechanisms import advance, cell_inputs, cell_params

from sim import engine as en
from sim import numerics
from sim.kinetics import compiled, stiffness
from sim.kinetics.species import ACCUMULATOR_NAMES, TISSUE_SPECIES
from sim.kinetics.tissues import cell_rhs, stiffness_bound
from sim.parameters import tissue_params

TISSUES = ("muscle", "liver", "adipose")
CASES = {
    "fasting": {"ins_nM": 0.05},
    "fed": {"ins_nM": 0.5, "glc_mM": 8.0},
    "clamp": {"ins_nM": 2.0},
    "gh_pulse": {"ins_nM": 0.1, "gh_nM": 1.0},
    "exercise": {"ins_nM": 0.05, "intensity": 0.85, "catechol": 1.0},
    "stress": {"ins_nM": 0.05, "tnf_pg_ml": 100.0, "cort_excess": 1.0, "ffa_mM": 2.0},
}
# Inputs of the random points (uniform in these ranges): beyond what a run reaches (a
# hyperinsulinaemic clamp's ~1-2 nM, a GH peak's ~1 nM), the modulators from block to 2x.
INPUT_RANGES = {
    "ins_nM": (0.0, 5.0),
    "glc_mM": (2.5, 20.0),
    "ffa_mM": (0.05, 2.5),
    "gh_nM": (0.0, 3.0),
    "tnf_pg_ml": (0.0, 300.0),
    "glucagon_pg_ml": (0.0, 400.0),
    "cort_excess": (0.0, 3.0),
    "intensity": (0.0, 1.0),
    "catechol": (0.0, 5.0),
    "anti_inflammatory": (0.0, 1.0),
    "polyphenols": (0.0, 1.0),
    "renewal": (0.0, 1.0),
    "ros": (-0.5, 1.0),
}
RHO_RTOL = 1e-6
"""Tolerance of the comparison: the difference Jacobian's own error (step 1e-6, central)."""
RANDOM_POINTS = 40


def jacobian(tissue: str, y: np.ndarray, u, p) -> np.ndarray:
    """d(rhs)/dy of one cell by central differences of the numpy laws, accumulators left
    out (nothing reads them)."""
    keep = [i for i, s in enumerate(TISSUE_SPECIES[tissue]) if s.name not in ACCUMULATOR_NAMES]
    jac = np.zeros((len(keep), len(keep)))
    for c, j in enumerate(keep):
        h = 1e-6 * max(1.0, abs(y[j]))
        hi, lo = y.copy(), y.copy()
        hi[j] += h
        lo[j] = max(lo[j] - h, 0.0)  # the laws are read at non-negative states only
        f = cell_rhs(tissue, np.stack([hi, lo], axis=1), u, p)
        jac[:, c] = (f[keep, 0] - f[keep, 1]) / (hi[j] - lo[j])
    return jac


def spectral_radius(tissue: str, y: np.ndarray, u, p) -> float:
    return float(np.max(np.abs(np.linalg.eigvals(jacobian(tissue, y, u, p)))))


def rk4_growth(z: np.ndarray) -> np.ndarray:
    """|R(z)| of classical RK4 (its amplification factor per step for y' = lambda y)."""
    return np.abs(1 + z + z**2 / 2 + z**3 / 6 + z**4 / 24)


def _point(tissue: str, case: str, **params: float):
    p = cell_params(tissue, **params)
    values = {k: v for k, v in CASES[case].items() if tissue == "muscle" or k != "intensity"}
    u = cell_inputs(tissue, p, **values)
    y = advance(tissue, en.initial_state(tissue, 1), u, p, 120)
    return y, u, p


def random_point(tissue: str, rng: np.random.Generator):
    """Parameters within their declared bounds (log-uniform where the range spans decades),
    random inputs and a random state (fractions in [0, 1], relative species in [0, 3])."""
    over = {}
    for name, par in tissue_params(tissue).items():
        lo, hi = par.bounds
        hi = min(hi, 10 * par.value) if math.isinf(hi) else hi
        if not math.isfinite(hi - lo) or hi <= lo or name.startswith("expr_"):
            continue
        x = math.exp(rng.uniform(math.log(lo), math.log(hi))) if lo > 0 else rng.uniform(lo, hi)
        over[name] = x
    p = cell_params(tissue, **over)
    u = cell_inputs(tissue, p)
    for k, (lo, hi) in INPUT_RANGES.items():
        if k in vars(u) and (k != "intensity" or tissue == "muscle"):
            setattr(u, k, np.full(1, rng.uniform(lo, hi)) if k == "ins_nM" else rng.uniform(lo, hi))
    for k in vars(u):
        if k.startswith("mod_"):
            setattr(u, k, rng.uniform(0.0, 2.0))
    y = np.array(
        [
            0.0 if s.name in ACCUMULATOR_NAMES else rng.uniform(0, 1 if s.unit == "fraction" else 3)
            for s in TISSUE_SPECIES[tissue]
        ]
    )
    return y, u, p


def _stable(tissue: str, y: np.ndarray, u, p, bound: float) -> tuple[float, float]:
    """Largest |R(h lambda)| over the eigenvalues with Re(lambda) <= 0, at the RK4 substep
    the bound sets for a 1-min step; and the largest h |lambda|."""
    lam = np.linalg.eigvals(jacobian(tissue, y, u, p))
    h = 1.0 / numerics.substeps(1.0, bound)
    decaying = lam[lam.real <= 0]
    return float(np.max(rk4_growth(h * decaying), initial=0.0)), float(h * np.max(np.abs(lam)))


@pytest.mark.parametrize("tissue", TISSUES)
@pytest.mark.parametrize("case", list(CASES))
def test_bound_covers_the_laws_jacobian(tissue, case):
    y, u, p = _point(tissue, case)
    jac = jacobian(tissue, y[:, 0], u, p)
    rho = float(np.max(np.abs(np.linalg.eigvals(jac))))
    bound = stiffness_bound(y, tissue, u, p)
    # rho(J) <= rho(|J|): the Perron root is a bound, and here a close one (within 4 %)
    assert rho * (1 - RHO_RTOL) <= bound <= 1.04 * rho, (tissue, case, rho, bound)
    # it is the Perron root of the whole |J| (the entries between diagonal blocks, which
    # the bound does not evaluate, do not change it)
    perron = float(np.max(np.abs(np.linalg.eigvals(np.abs(jac)))))
    assert bound == pytest.approx(perron, rel=1e-5), (tissue, case, perron, bound)


@pytest.mark.parametrize("tissue", TISSUES)
def test_bound_covers_random_points_and_rk4_is_stable_at_its_step(tissue):
    rng = np.random.default_rng(21 + TISSUES.index(tissue))
    worst = 0.0
    for _ in range(RANDOM_POINTS):
        y, u, p = random_point(tissue, rng)
        rho = spectral_radius(tissue, y, u, p)
        bound = stiffness_bound(y[:, None], tissue, u, p)
        assert rho * (1 - RHO_RTOL) <= bound, (tissue, rho, bound)
        growth, h_rho = _stable(tissue, y, u, p, bound)
        assert h_rho <= numerics.MAX_RATE_STEP * (1 + RHO_RTOL), (tissue, h_rho)
        assert growth <= 1.0 + 1e-9, (tissue, growth)  # 1: the conserved moieties
        worst = max(worst, rho / bound)
    assert worst > 0.5  # the bound is not loose everywhere


def test_bound_of_a_population_covers_each_cell():
    """Over cells with different states, inputs and per-cell parameters the bound covers
    the fastest cell (entrywise maxima of |J| bound every cell's |J|)."""
    rng = np.random.default_rng(5)
    pts = [random_point("adipose", rng) for _ in range(6)]
    y = np.stack([pt[0] for pt in pts], axis=1)
    u = cell_inputs("adipose", pts[0][2], n=6)
    for k in vars(u):
        setattr(u, k, np.array([float(np.ravel(getattr(pt[1], k))[0]) for pt in pts]))
    p = cell_params("adipose", n=6).replace(
        k_hsl_off=np.array([float(pt[2].k_hsl_off) for pt in pts]),
        k_ir_on=np.array([float(pt[2].k_ir_on) for pt in pts]),
    )
    bound = stiffness.fastest_rate(y, "adipose", u, p, "numpy")  # numba: a new signature
    for i in range(6):
        ui = SimpleNamespace(
            **{
                k: np.ravel(v)[i : i + 1] if k == "ins_nM" else float(v[i])
                for k, v in vars(u).items()
            }
        )
        pi = SimpleNamespace(
            **{
                k: (float(v[i]) if isinstance(v, np.ndarray) and v.ndim else v)
                for k, v in vars(p).items()
            }
        )
        assert spectral_radius("adipose", y[:, i], ui, pi) <= bound * (1 + RHO_RTOL)


def test_a_faster_cycle_in_a_law_is_in_the_bound():
    """NF-kB deactivation is slow; made 50x faster than any other rate, the bound (read
    from the laws, no list of rates to extend) follows it, and the substeps with it."""
    y, u, p = _point("muscle", "stress")
    base = stiffness_bound(y, "muscle", u, p)
    fast = cell_params("muscle", k_nfkb_off=150.0)
    rho = spectral_radius("muscle", y[:, 0], u, fast)
    assert rho > 100 * base / 3
    assert rho * (1 - RHO_RTOL) <= stiffness_bound(y, "muscle", u, fast) <= 1.04 * rho
    assert numerics.substeps(1.0, stiffness_bound(y, "muscle", u, fast)) >= 100


@pytest.mark.skipif(not compiled.available(), reason="numba not available")
@pytest.mark.parametrize("tissue", TISSUES)
def test_compiled_and_numpy_evaluators_agree(tissue):
    """The substep count must not depend on the kernel: the two evaluators give the same
    matrix (the same operations on the same numbers)."""
    rng = np.random.default_rng(3)
    y, u, p = random_point(tissue, rng)
    y = np.repeat(y[:, None], 3, axis=1) * rng.uniform(0.5, 1.0, (len(y), 3))
    u.ins_nM = np.array([0.1, 1.0, 0.3])
    a = stiffness.jacobian_absmax(y, tissue, u, p, "numba")
    b = stiffness.jacobian_absmax(y, tissue, u, p, "numpy")
    np.testing.assert_allclose(a, b, rtol=1e-13, atol=0)
    assert stiffness.perron_root(a) == stiffness.perron_root(b)


def test_a_non_finite_state_stops_the_run_with_a_message():
    y, u, p = _point("liver", "fasting")
    y[
        TISSUE_SPECIES["liver"].index(
            next(s for s in TISSUE_SPECIES["liver"] if s.name == "akt_p")
        ),
        0,
    ] = np.nan
    with pytest.raises(numerics.NumericalError, match="fastest rate"):
        numerics.substeps(1.0, stiffness_bound(y, "liver", u, p))
