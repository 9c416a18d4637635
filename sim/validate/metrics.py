"""Metric extractors for validation targets: pure functions of sampled curves.

Each returns a plain float so a target's criteria can be checked and written to JSON. The
same functions measure our model and the libroadrunner reference models, so an agreement
figure compares like with like.

- :func:`fit_hill`: four-parameter Hill (log-logistic) dose-response by bounded least
  squares (``scipy.optimize.curve_fit``), EC50 on a log scale.
- :func:`half_effect_dose`: the dose at which a response has moved half-way from its basal
  value to its value at the highest dose, read off the measured curve (log-linear
  interpolation): the "concentration causing half-maximal suppression" of Rizza 1981, where
  basal insulin already acts and the curve's top is the basal state, not an extrapolation.
- :func:`half_time`: time to cover half of the rise (or fall) from the value at ``t0`` to the
  final value, by linear interpolation (Karlsson 2009 / Sedaghat 2002 GLUT4 t1/2).
- :func:`peak`: time and value of the maximum of a curve inside a window.
- :func:`decay_half_life`: plasma half-life from the log-linear fall after each peak
  (Holl 1993 deconvolution-free estimate).
- :func:`count_pulses`: pulses as peaks above a prominence (Winer 1990 counts ~13/day).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.optimize import curve_fit
from scipy.signal import find_peaks

from sim.types import FloatArray


@dataclass(frozen=True)
class HillFit:
    """Fitted ``y = bottom + (top - bottom) * x^n / (ec50^n + x^n)``."""

    bottom: float
    top: float
    ec50: float
    n: float

    def __call__(self, x: FloatArray) -> FloatArray:
        x = np.asarray(x, dtype=float)
        return hill(x, self.bottom, self.top, math.log(self.ec50), self.n)


def hill(x: FloatArray, bottom: float, top: float, log_ec50: float, n: float) -> FloatArray:
    """Hill function parameterised by log(EC50), so the fit is well scaled over decades."""
    x = np.maximum(np.asarray(x, dtype=float), 0.0)
    ratio = np.exp(n * (np.log(np.maximum(x, 1e-300)) - log_ec50))
    frac = np.where(x > 0, ratio / (1.0 + ratio), 0.0)
    return bottom + (top - bottom) * frac


def fit_hill(x: FloatArray, y: FloatArray) -> HillFit:
    """Least-squares Hill fit; works for rising (top > bottom) and falling curves.

    Args:
        x: doses (> 0 except an optional zero-dose point), at least four points.
        y: responses.

    Raises:
        ValueError: fewer than four points or a fit that does not converge.
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if len(x) < 4 or len(x) != len(y):
        raise ValueError(f"a Hill fit needs >= 4 paired points, got {len(x)} and {len(y)}")
    pos = x[x > 0]
    lo, hi = float(pos.min()), float(pos.max())
    span = float(np.ptp(y)) or 1.0
    i0, i1 = int(np.argmin(x)), int(np.argmax(x))
    p0 = [y[i0], y[i1], math.log(math.sqrt(lo * hi)), 1.0]
    bounds = (
        [y.min() - span, y.min() - span, math.log(lo) - 3.0, 0.3],
        [y.max() + span, y.max() + span, math.log(hi) + 3.0, 6.0],
    )
    popt, _ = curve_fit(hill, x, y, p0=p0, bounds=bounds, maxfev=20000)
    return HillFit(float(popt[0]), float(popt[1]), float(math.exp(popt[2])), float(popt[3]))


def half_effect_dose(x: FloatArray, y: FloatArray) -> float:
    """Dose at which ``y`` first covers half of its change from the basal point to the
    highest dose, interpolating linearly in log dose between measured points.

    Args:
        x: doses (> 0); ``x[0]`` is the basal (unstimulated) state, the rest the steps.
        y: responses; ``y[0]`` basal, the response at ``max(x)`` the maximal effect.

    Returns ``nan`` when the highest dose has no effect (nothing to be half-way through).
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if len(x) < 2 or len(x) != len(y) or np.any(x <= 0):
        raise ValueError("half_effect_dose needs >= 2 paired points with positive doses")
    y_max_dose = y[int(np.argmax(x))]
    if y_max_dose == y[0]:
        return float("nan")
    half = 0.5 * (y[0] + y_max_dose)
    order = np.argsort(x, kind="stable")
    xs, ys = x[order], y[order]
    side, start = np.sign(ys - half), np.sign(y[0] - half)
    for k in range(1, len(xs)):
        if side[k] != start:
            y0, y1 = ys[k - 1], ys[k]
            f = (y0 - half) / (y0 - y1)
            return float(math.exp(math.log(xs[k - 1]) + f * math.log(xs[k] / xs[k - 1])))
    return float("nan")


def half_time(t: FloatArray, y: FloatArray, t0: float = 0.0) -> float:
    """Time after ``t0`` at which ``y`` first covers half of its change to the final value."""
    t, y = np.asarray(t, dtype=float), np.asarray(y, dtype=float)
    sel = t >= t0
    t, y = t[sel], y[sel]
    start, end = y[0], y[-1]
    if end == start:
        return float("nan")
    frac = (y - start) / (end - start)
    k = int(np.argmax(frac >= 0.5))
    if frac[k] < 0.5:
        return float("nan")
    if k == 0:
        return 0.0
    f0, f1 = frac[k - 1], frac[k]
    return float(t[k - 1] + (0.5 - f0) / (f1 - f0) * (t[k] - t[k - 1]) - t0)


def peak(
    t: FloatArray, y: FloatArray, t0: float = -np.inf, t1: float = np.inf
) -> tuple[float, float]:
    """(time, value) of the maximum of ``y`` within ``[t0, t1]``."""
    t, y = np.asarray(t, dtype=float), np.asarray(y, dtype=float)
    sel = (t >= t0) & (t <= t1)
    k = int(np.argmax(y[sel]))
    return float(t[sel][k]), float(y[sel][k])


def value_at(t: FloatArray, y: FloatArray, at: float) -> float:
    """Linear interpolation of ``y`` at time ``at``."""
    return float(np.interp(at, np.asarray(t, dtype=float), np.asarray(y, dtype=float)))


def window_mean(t: FloatArray, y: FloatArray, t0: float, t1: float) -> float:
    """Mean of the samples with ``t0 <= t <= t1``."""
    t, y = np.asarray(t, dtype=float), np.asarray(y, dtype=float)
    sel = (t >= t0) & (t <= t1)
    if not sel.any():
        raise ValueError(f"no samples in [{t0}, {t1}]")
    return float(y[sel].mean())


def count_pulses(t: FloatArray, y: FloatArray, prominence: float) -> FloatArray:
    """Times of the pulses of ``y``: local maxima standing ``prominence`` above their base."""
    t, y = np.asarray(t, dtype=float), np.asarray(y, dtype=float)
    idx, _ = find_peaks(y, prominence=prominence)
    return t[idx]


def decay_half_life(
    t: FloatArray, y: FloatArray, peaks: FloatArray, skip_min: float = 15.0, span_min: float = 30.0
) -> float:
    """Median half-life of the log-linear fall after each peak.

    For each peak the samples from ``peak + skip_min`` (after secretion has stopped) over
    ``span_min`` minutes are fitted with ``log y = a - k t``, taking only monotone falls
    (no new pulse inside the window); the half-life is ln 2 / k.
    """
    t, y = np.asarray(t, dtype=float), np.asarray(y, dtype=float)
    out = []
    for tp in peaks:
        sel = (t >= tp + skip_min) & (t <= tp + skip_min + span_min)
        ts, ys = t[sel], y[sel]
        if len(ts) < 5 or np.any(np.diff(ys) > 0) or np.any(ys <= 0):
            continue
        slope = np.polyfit(ts, np.log(ys), 1)[0]
        if slope < 0:
            out.append(math.log(2) / -slope)
    return float(np.median(out)) if out else float("nan")


def onset_time(t: FloatArray, effect: FloatArray, fraction: float = 0.25) -> float:
    """First time the (signed, expected positive) effect reaches ``fraction`` of its maximum."""
    t, e = np.asarray(t, dtype=float), np.asarray(effect, dtype=float)
    top = float(e.max())
    if top <= 0:
        return float("nan")
    k = int(np.argmax(e >= fraction * top))
    return float(t[k])
