"""Paired statistics of an arm against the control, over the same virtual subjects.

For each outcome the per-subject difference ``d_i = arm_i - control_i`` (zero where it is
numerical round-off, below ``ROUNDOFF_REL`` of the values) is summarised by:

- its mean (``mean_difference``) and a seeded bootstrap 95 % confidence interval
  (``scipy.stats.bootstrap``, BCa; Efron & Tibshirani 1993);
- Hedges' g_av: ``mean(d) / sqrt((s_control^2 + s_arm^2) / 2)`` (Cohen's d_av, standardised
  by the average between-subject SD, so effects compare with between-subject studies;
  Lakens 2013, Front Psychol 4:863) times the exact small-sample correction
  ``J(df) = Gamma(df/2) / (sqrt(df/2) Gamma((df-1)/2))`` with ``df = n - 1`` for matched
  pairs (Hedges 1981, J Educ Stat 6:107; Borenstein et al. 2009, Introduction to
  Meta-Analysis, ch. 4);
- the Wilcoxon signed-rank test (``p_value``; exact for small n without ties) and the
  paired t-test alongside (``p_ttest``);
- Holm's step-down adjustment across the outcomes of an arm (``p_holm``; Holm 1979,
  Scand J Stat 6:65), which controls the family-wise error rate without independence.

Mechanism attribution: the share of an effect carried by a mechanism is
``1 - effect(counterfactual) / effect(full)``, with a paired bootstrap interval over subjects.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special, stats

N_RESAMPLES = 4000
CONFIDENCE = 0.95
ROUNDOFF_REL = 1e-9
"""Tolerance for numerical round-off: a subject's paired difference smaller than this
fraction of the larger of its two values is not an effect but the last bits of a double
(~1e-16 each; a run's sums of ~10^5 terms accumulate ~1e-13, the size seen between arms that
share a trajectory, e.g. an insulin peak reached before an arm's intervention starts). Such
differences count as exactly zero. 1e-9 sits four orders above that round-off and far below
any physiological effect the outcomes report (their values carry 3-4 significant digits)."""


def hedges_j(df: float) -> float:
    """Exact small-sample bias correction of a standardised mean difference (Hedges 1981)."""
    if df <= 1:
        return float("nan")
    return float(
        math.exp(special.gammaln(df / 2) - special.gammaln((df - 1) / 2)) / math.sqrt(df / 2)
    )


def paired_differences(control: ArrayLike, arm: ArrayLike) -> NDArray[np.float64]:
    """``arm - control`` per subject, with differences at numerical round-off (below
    ``ROUNDOFF_REL`` of the values compared) set to exactly zero."""
    x, y = np.asarray(control, float), np.asarray(arm, float)
    d = y - x
    return np.where(np.abs(d) <= ROUNDOFF_REL * np.maximum(np.abs(x), np.abs(y)), 0.0, d)


def hedges_g_av(control: ArrayLike, arm: ArrayLike) -> float:
    """Hedges' g_av of paired samples: d_av with the small-sample correction J(n - 1)."""
    x, y = np.asarray(control, float), np.asarray(arm, float)
    n = len(x)
    if n < 3:
        return float("nan")
    sd_av = math.sqrt((np.var(x, ddof=1) + np.var(y, ddof=1)) / 2)
    diff = float(np.mean(paired_differences(x, y)))
    if sd_av == 0:
        return 0.0 if diff == 0 else float("nan")
    return diff / sd_av * hedges_j(n - 1)


def bootstrap_ci(
    data: ArrayLike,
    seed: int,
    confidence: float = CONFIDENCE,
    n_resamples: int = N_RESAMPLES,
) -> tuple[float, float]:
    """Seeded BCa bootstrap interval of the mean (percentile if BCa is undefined)."""
    d = np.asarray(data, float)
    if len(d) < 2:
        return float("nan"), float("nan")
    if np.all(d == d[0]):
        return float(d[0]), float(d[0])
    for method in ("BCa", "percentile"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = stats.bootstrap(
                (d,),
                np.mean,
                confidence_level=confidence,
                n_resamples=n_resamples,
                method=method,
                random_state=np.random.default_rng(seed),
            )
        lo, hi = res.confidence_interval
        if np.isfinite(lo) and np.isfinite(hi):
            return float(lo), float(hi)
    return float("nan"), float("nan")


def wilcoxon_p(d: ArrayLike) -> float:
    """Two-sided Wilcoxon signed-rank p-value of paired differences (1 if all are zero)."""
    x = np.asarray(d, float)
    if len(x) == 0:
        return float("nan")
    if np.all(x == 0):
        return 1.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return float(stats.wilcoxon(x, zero_method="wilcox", alternative="two-sided").pvalue)


def ttest_p(d: ArrayLike) -> float:
    """Two-sided one-sample t-test p-value of paired differences against 0."""
    x = np.asarray(d, float)
    if len(x) < 2:
        return float("nan")
    if np.all(x == x[0]):
        return 1.0 if x[0] == 0 else 0.0
    return float(stats.ttest_1samp(x, 0.0).pvalue)


def holm(p_values: ArrayLike) -> NDArray[np.float64]:
    """Holm step-down adjusted p-values; NaN entries stay NaN and do not count."""
    p = np.asarray(p_values, float)
    out = np.full_like(p, np.nan)
    ok = np.flatnonzero(np.isfinite(p))
    m = len(ok)
    if m == 0:
        return out
    order = ok[np.argsort(p[ok], kind="stable")]
    adjusted = np.maximum.accumulate((m - np.arange(m)) * p[order])
    out[order] = np.minimum(adjusted, 1.0)
    return out


def paired_effect(control: ArrayLike, arm: ArrayLike, seed: int) -> dict[str, Any]:
    """Every paired statistic of ``arm`` against ``control`` (same subjects, same order)."""
    x, y = np.asarray(control, float), np.asarray(arm, float)
    ok = np.isfinite(x) & np.isfinite(y)
    x, y = x[ok], y[ok]
    d = paired_differences(x, y)
    mean_c = float(np.mean(x)) if len(x) else float("nan")
    diff = float(np.mean(d)) if len(d) else float("nan")
    lo, hi = bootstrap_ci(d, seed)
    return {
        "n": int(len(d)),
        "control_mean": mean_c,
        "arm_mean": float(np.mean(y)) if len(y) else float("nan"),
        "mean_difference": diff,
        "relative_difference": diff / abs(mean_c) if mean_c else float("nan"),
        "ci_low": lo,
        "ci_high": hi,
        "hedges_g": hedges_g_av(x, y),
        "p_value": wilcoxon_p(d),
        "p_ttest": ttest_p(d),
    }


def _share(full: NDArray[np.float64], cf: NDArray[np.float64], axis: int = -1) -> Any:
    return 1.0 - np.mean(cf, axis=axis) / np.mean(full, axis=axis)


def attribution(
    full_diff: ArrayLike, counterfactual_diff: ArrayLike, seed: int
) -> dict[str, float]:
    """Share of an effect carried by a mechanism, with a paired bootstrap 95 % interval.

    Args:
        full_diff: per-subject effect with every mechanism on (arm - control).
        counterfactual_diff: per-subject effect with the mechanism switched off
            (counterfactual arm - its control), same subjects in the same order.
        seed: bootstrap seed.
    """
    f, c = np.asarray(full_diff, float), np.asarray(counterfactual_diff, float)
    ok = np.isfinite(f) & np.isfinite(c)
    f, c = f[ok], c[ok]
    if len(f) < 2 or np.mean(f) == 0:
        return {"share": float("nan"), "ci_low": float("nan"), "ci_high": float("nan")}
    share = float(_share(f, c))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = stats.bootstrap(
            (f, c),
            _share,
            paired=True,
            vectorized=True,
            confidence_level=CONFIDENCE,
            n_resamples=N_RESAMPLES,
            method="percentile",
            random_state=np.random.default_rng(seed),
        )
    lo, hi = res.confidence_interval
    return {"share": share, "ci_low": float(lo), "ci_high": float(hi)}


def verdict(direction: str, lo: float, hi: float, p_holm: float, alpha: float) -> str:
    """Does the effect support the hypothesised direction (``increase``/``decrease``)?

    ``supported``: the 95 % interval excludes 0 on the hypothesised side and the
    Holm-adjusted p < alpha; ``contradicted``: the same on the opposite side; ``no
    difference``: every subject's difference is zero (within round-off, so the interval is
    [0, 0]); otherwise ``inconclusive``.
    """
    if not (np.isfinite(lo) and np.isfinite(hi) and np.isfinite(p_holm)):
        return "inconclusive"
    if lo == 0 and hi == 0:
        return "no difference"
    significant = p_holm < alpha
    up, down = lo > 0, hi < 0
    if significant and ((direction == "increase" and up) or (direction == "decrease" and down)):
        return "supported"
    if significant and (up or down):
        return "contradicted"
    return "inconclusive"
