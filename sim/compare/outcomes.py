"""Outcomes of a comparison: summary metrics and time-series statistics over windows.

An outcome is either a ``summary.json`` metric (``m_value_mg_kg_min``, ``homa_ir``, ...) or a
statistic of one ``timeseries.parquet`` column over a time window, e.g. the mean of
``muscle.akt_p`` over 600-720 min (the last hour of a clamp) or the maximum of ``gh_ug_l``
in the 90 min after sleep onset. Window statistics are computed in the process that writes
the results, from each run's time series.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.kinetics.species import TISSUES, node_names

STATS = ("mean", "max", "min", "auc", "iauc", "last")
"""Window statistics: mean (time-weighted), max, min, auc (trapezoid, unit x min), iauc
(area above the value at the window start), last (value at the window end)."""
BODY_COLUMNS = (
    "glucose_mM",
    "insulin_uU_ml",
    "ffa_mM",
    "gh_ug_l",
    "igf1_ug_l",
    "cortisol_nM",
    "tnf_pg_ml",
    "gir_mg_kg_min",
    "egp_mg_kg_min",
    "gng_mg_kg_min",
    "ra_meal_mg_kg_min",
    "uptake_muscle_mg_kg_min",
    "uptake_adipose_mg_kg_min",
    "uptake_liver_mg_kg_min",
    "uptake_other_mg_kg_min",
    "renal_mg_kg_min",
    "rd_mg_kg_min",
    "ffa_release_umol_kg_min",
    "visceral_fat_kg",
    "glucose_infusion_mg_kg_min",
)
"""Whole-body time-series columns an outcome may use (CONTRACT plus recorder extras)."""
SUMMARY_METRICS = (
    "glucose_mean_mM",
    "glucose_peak_mM",
    "glucose_peak_time_min",
    "glucose_auc_mM_min",
    "glucose_iauc_mM_min",
    "insulin_peak_uU_ml",
    "ffa_mean_mM",
    "homa_ir",
    "m_value_mg_kg_min",
    "matsuda_index",
    "glucose_120_mM",
    "insulinogenic_index",
    "glucose_auc_0_120_mM_min",
    "insulin_auc_0_120_uU_ml_min",
)
"""Summary metrics usable as outcomes (``m_value`` needs a clamp, ``matsuda`` and the other
OGTT indices an OGTT, ``homa_ir`` a fasting state before the protocol)."""
DEFAULT_UPTAKES = ("uptake_muscle_mg_kg_min", "uptake_adipose_mg_kg_min", "uptake_liver_mg_kg_min")
"""Whole-run mean tissue uptakes added to the default outcomes of ``sim compare A B``."""


def known_columns() -> list[str]:
    """Every time-series column an outcome may name."""
    return [*BODY_COLUMNS, *(f"{t}.{n}" for t in TISSUES for n in node_names(t))]


@dataclass(frozen=True)
class Outcome:
    """One outcome: a summary metric, or ``stat`` of ``column`` over ``window``.

    Attributes:
        name: column name in results.parquet and effects.parquet.
        metric: summary metric (exclusive with ``column``).
        column: time-series column.
        window: ``(t0, t1)`` in minutes from the start, inclusive; None = the whole run.
        stat: one of ``STATS``.
        label: human-readable description for the report.
    """

    name: str
    metric: str | None = None
    column: str | None = None
    window: tuple[float, float] | None = None
    stat: str = "mean"
    label: str = ""

    def describe(self) -> str:
        """What the outcome measures, in words."""
        if self.label:
            return self.label
        if self.metric:
            return f"summary metric `{self.metric}`"
        where = f"over {self.window[0]:g}-{self.window[1]:g} min" if self.window else "over the run"
        return f"{self.stat} of `{self.column}` {where}"

    def value(self, summary: dict, ts: pd.DataFrame | None) -> float:
        """The outcome of one run."""
        if self.metric is not None:
            v = summary.get(self.metric)
            return float(v) if isinstance(v, int | float) else float("nan")
        if ts is None or self.column not in ts:
            return float("nan")
        return window_stat(ts, str(self.column), self.window, self.stat)


def window_stat(
    ts: pd.DataFrame, column: str, window: tuple[float, float] | None, stat: str
) -> float:
    """``stat`` of ``ts[column]`` over ``window`` (inclusive), or NaN if no row falls in it."""
    t = ts["time_min"].to_numpy(dtype=float)
    y = ts[column].to_numpy(dtype=float)
    if window is not None:
        sel = (t >= window[0] - 1e-9) & (t <= window[1] + 1e-9)
        t, y = t[sel], y[sel]
    if len(t) == 0:
        return float("nan")
    span = t[-1] - t[0]
    if stat == "mean":
        return float(np.trapezoid(y, t) / span) if span > 0 else float(y.mean())
    if stat == "max":
        return float(y.max())
    if stat == "min":
        return float(y.min())
    if stat == "auc":
        return float(np.trapezoid(y, t))
    if stat == "iauc":
        return float(np.trapezoid(np.maximum(y - y[0], 0.0), t))
    if stat == "last":
        return float(y[-1])
    raise ValueError(f"unknown window statistic {stat!r}; allowed: {', '.join(STATS)}")


def default_outcomes(metrics: list[str]) -> list[Outcome]:
    """Outcomes of ``sim compare A.yaml B.yaml``: the given summary metrics and the
    whole-run mean tissue uptakes."""
    out = [Outcome(m, metric=m) for m in metrics]
    out += [Outcome(f"{c}.mean", column=c, stat="mean") for c in DEFAULT_UPTAKES]
    return out


def parse_outcome(text: str) -> Outcome:
    """Parse ``--outcome COLUMN[:T0-T1[:STAT]]`` or a summary metric name.

    Raises:
        ValueError: with the allowed forms.
    """
    parts = text.split(":")
    if len(parts) == 1 and parts[0] in SUMMARY_METRICS:
        return Outcome(parts[0], metric=parts[0])
    column, window, stat = parts[0], None, "mean"
    if len(parts) > 3:
        raise ValueError(f"--outcome {text!r}: expected COLUMN[:T0-T1[:STAT]]")
    if len(parts) >= 2 and parts[1]:
        try:
            t0, t1 = (float(x) for x in parts[1].split("-"))
        except ValueError:
            raise ValueError(
                f"--outcome {text!r}: window {parts[1]!r} must be T0-T1 in minutes, e.g. 600-720"
            ) from None
        window = (t0, t1)
    if len(parts) == 3:
        stat = parts[2]
    suffix = f".{stat}" + (f"_{window[0]:g}_{window[1]:g}" if window else "")
    return Outcome(column + suffix, column=column, window=window, stat=stat)
