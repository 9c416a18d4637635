"""Time stepping, owned in one place: explicit RK4 with stiffness-aware substeps and guards.

Every rate law is written in flux form (what leaves one species enters another), and a
Runge-Kutta step is a linear combination of right-hand sides, so moiety totals are conserved
to round-off. The substep is chosen from the fastest first-order rate present so that
``rate * h <= MAX_RATE_STEP``, well inside RK4's stable and accurate region; positivity is
then preserved in practice and checked after every step.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable

import numpy as np

from sim.types import FloatArray

MAX_RATE_STEP = 1.5
"""Largest rate x substep allowed. RK4 is stable to 2.78; the fastest modes (receptor binding,
autophosphorylation) sit near quasi-steady state, and at 1.5 the engine agrees with a stiff
reference solver within 0.13 % on every checked output (tests/test_accuracy.py)."""
NEG_TOL = 1e-9
"""Negative values smaller than this (relative to 1) are round-off and clipped to zero."""
MAX_SUBSTEPS = 2000
FRACTION_TOL = 1e-6
"""A species declared a fraction may exceed 1 by this much (round-off) before a run fails."""


class NumericalError(RuntimeError):
    """The integration went wrong (NaN, infinite or negative amounts); the run stops."""


def substeps(dt: float, fastest_rate: float) -> int:
    """Number of RK4 substeps for a step of ``dt`` given the fastest rate (1/min)."""
    need = dt * fastest_rate / MAX_RATE_STEP if math.isfinite(fastest_rate) else math.inf
    if not need <= MAX_SUBSTEPS:  # also NaN
        raise NumericalError(
            f"a step of {dt:g} min would need {need:.3g} RK4 substeps (limit {MAX_SUBSTEPS}): "
            f"the fastest rate is {fastest_rate:.3g}/min; a parameter or input drives a "
            "reaction too fast to integrate"
        )
    return max(1, math.ceil(need))


def rk4(
    rhs: Callable[[float, FloatArray], FloatArray], t: float, y: FloatArray, dt: float, n: int
) -> FloatArray:
    """Advance ``y`` from ``t`` by ``dt`` with ``n`` classical RK4 substeps."""
    h = dt / n
    for i in range(n):
        ti = t + i * h
        k1 = rhs(ti, y)
        k2 = rhs(ti + 0.5 * h, y + (0.5 * h) * k1)
        k3 = rhs(ti + 0.5 * h, y + (0.5 * h) * k2)
        k4 = rhs(ti + h, y + h * k3)
        y = y + (h / 6.0) * (k1 + 2.0 * k2 + 2.0 * k3 + k4)
    return y


def rk4_inplace(
    rhs: Callable[..., FloatArray], t: float, y: FloatArray, dt: float, n: int
) -> FloatArray:
    """:func:`rk4` with its stage sums written into reused work arrays.

    The floating-point operations and their order are those of :func:`rk4` (addition is
    commutative in IEEE arithmetic), so the result is bit-for-bit the same; only numpy's
    temporaries go. When ``rhs.writes_into`` is true, ``rhs(t, y, out)`` writes the
    derivative into ``out``, and the four stage derivatives and the substep results live in
    arrays allocated once per call instead of one fresh population-sized array per call
    (``np.zeros_like`` was 13 % of a cProfile of 10^4-cell steps; the measured gain is
    2-5 %, docs/performance.md item 8).
    ``y`` is not modified.
    """
    h = dt / n
    stage = np.empty_like(y)
    acc = np.empty_like(y)
    if getattr(rhs, "writes_into", False):
        kb = [np.empty_like(y) for _ in range(4)]
        yb = (np.empty_like(y), np.empty_like(y))

        def f(ti: float, yi: FloatArray, j: int) -> FloatArray:
            return rhs(ti, yi, kb[j])

    else:
        yb = None

        def f(ti: float, yi: FloatArray, j: int) -> FloatArray:
            return rhs(ti, yi)

    for i in range(n):
        ti = t + i * h
        k1 = f(ti, y, 0)
        np.multiply(k1, 0.5 * h, out=stage)
        stage += y
        k2 = f(ti + 0.5 * h, stage, 1)
        np.multiply(k2, 0.5 * h, out=stage)
        stage += y
        k3 = f(ti + 0.5 * h, stage, 2)
        np.multiply(k3, h, out=stage)
        stage += y
        k4 = f(ti + h, stage, 3)
        # acc = k1 + 2 k2 + 2 k3 + k4, summed left to right as in rk4
        np.multiply(k2, 2.0, out=acc)
        acc += k1
        np.multiply(k3, 2.0, out=k2)
        acc += k2
        acc += k4
        acc *= h / 6.0
        y = acc + y if yb is None else np.add(acc, y, out=yb[i % 2])
    return y


def check_fractions(
    y: FloatArray, rows: list[int], where: str, t: float, names: list[str] | None = None
) -> None:
    """Raise :class:`NumericalError` when a species declared a fraction (``rows`` of the
    (n_species, n_cells) ``y``) exceeds 1 beyond round-off: a rate law or parameter set has
    left the state space the model declares."""
    if not rows or y.size == 0:
        return
    fast = _compiled_checks(y)
    if fast is not None:
        top = fast.rows_max(y, rows)
    else:
        top = y[rows].max(axis=1) if y.ndim == 2 else y[rows]
    over = np.flatnonzero(top > 1.0 + FRACTION_TOL)
    if over.size:
        row = rows[int(over[0])]
        species = names[row] if names is not None else str(row)
        cells = np.flatnonzero(y[row] > 1.0 + FRACTION_TOL) if y.ndim == 2 else []
        cell = f", cell {int(cells[0])}" if len(cells) else ""
        raise NumericalError(
            f"t={t:.2f} min, {where}{cell}, species {species}: value {float(top[over[0]]):.4g} "
            "exceeds 1, but the species is declared a fraction (the parameters or inputs put "
            "the model outside its declared state space)"
        )


COMPILED_CHECK_MIN_CELLS = 2048
"""From this many cells (the size from which a tissue's kernel is split over threads) the
numpy passes of the checks below run on the kernel's column ranges side by side
(:func:`sim.kinetics.compiled.state_min_max` and neighbours; numpy's reductions release the
GIL): at 10^5 cells the checks were ~9 % of a one-thread step, all of it serial. The results
are the same to the bit (``tests/test_checks_compiled.py``)."""


def _compiled_checks(y: FloatArray):  # noqa: ANN202
    """The threaded check passes for a large C-contiguous float64 tissue state, or None (a
    small or 1-D array, numba unavailable: no kernel thread pool, or ``SIM_KERNEL=numpy``)."""
    if y.ndim != 2 or y.shape[1] < COMPILED_CHECK_MIN_CELLS or y.dtype != np.float64:
        return None
    if not y.flags.c_contiguous or os.environ.get("SIM_KERNEL", "").strip() == "numpy":
        return None
    from sim.kinetics import compiled

    return compiled if compiled.available() else None


def check_state(y: FloatArray, where: str, t: float, names: list[str] | None = None) -> None:
    """Raise :class:`NumericalError` on NaN/inf or negatives beyond round-off; clip round-off.

    ``y`` is (n_species, n_cells) or (n,); ``names`` labels the first axis.
    """
    if y.size == 0:
        return
    # Fast path: min and max carry both tests (a NaN or inf makes one of them non-finite,
    # and max |y| = max(-min, max)); only a failing state is searched element by element.
    fast = _compiled_checks(y)
    lo, hi = fast.state_min_max(y) if fast is not None else (float(y.min()), float(y.max()))
    if math.isfinite(lo) and math.isfinite(hi) and lo >= -NEG_TOL * max(1.0, -lo, hi):
        if fast is None:
            np.maximum(y, 0.0, out=y)
        else:
            fast.clip_negative(y)
        return
    bad = ~np.isfinite(y)
    neg = y < -NEG_TOL * np.maximum(1.0, np.abs(y).max(initial=0.0))
    problem = bad | neg
    if problem.any():
        pos = np.argwhere(problem)[0]
        species = names[pos[0]] if names is not None else str(pos[0])
        cell = f", cell {pos[1]}" if y.ndim == 2 else ""
        value = y[tuple(pos)]
        kind = "not finite" if bad[tuple(pos)] else "negative"
        raise NumericalError(
            f"t={t:.2f} min, {where}{cell}, species {species}: value {value!r} is {kind}"
        )
    np.maximum(y, 0.0, out=y)
