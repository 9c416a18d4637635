"""Scalar outcome metrics of a run (CONTRACT summary.json), computed from the time series."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from sim.units import MG_DL_PER_MM_GLC

LAST_MIN = 30.0
"""Window at the end of a clamp (step) over which steady-state values are averaged."""


def _window_mean(ts: pd.DataFrame, col: str, t0: float, t1: float) -> float:
    sel = (ts["time_min"] > t0) & (ts["time_min"] <= t1)
    return float(ts.loc[sel, col].mean()) if sel.any() else float("nan")


def clamp_metrics(ts: pd.DataFrame, start: float, step: float, levels: list[float]) -> dict:
    """M-value and per-step steady state (means over the last 30 min of each step).

    ``insulin_uU_ml`` is the plasma insulin measured over that window, as every other value:
    a step set below the subject's own level cannot push insulin under what the beta cells
    still secrete (the clamp infuses, it never removes), so the measured level, not the set
    one, is where the step sits on a dose-response curve (Rizza 1981 plots the measured).
    """
    steps = []
    for k in range(len(levels)):
        t1 = start + (k + 1) * step
        t0 = t1 - min(LAST_MIN, step)
        steps.append(
            {
                c: _window_mean(ts, c, t0, t1)
                for c in (
                    "insulin_uU_ml",
                    "gir_mg_kg_min",
                    "egp_mg_kg_min",
                    "rd_mg_kg_min",
                    "uptake_muscle_mg_kg_min",
                )
            }
        )
    return {"m_value_mg_kg_min": steps[-1]["gir_mg_kg_min"], "clamp_steps": steps}


def glucose_metrics(ts: pd.DataFrame) -> dict[str, float]:
    """Glucose mean, peak, AUC and incremental AUC (above the value at t = 0), insulin peak."""
    t = ts["time_min"].to_numpy()
    g = ts["glucose_mM"].to_numpy()
    peak = int(np.argmax(g))
    return {
        "glucose_mean_mM": float(np.trapezoid(g, t) / (t[-1] - t[0]))
        if t[-1] > t[0]
        else float(g[0]),
        "glucose_peak_mM": float(g[peak]),
        "glucose_peak_time_min": float(t[peak]),
        "glucose_auc_mM_min": float(np.trapezoid(g, t)),
        "glucose_iauc_mM_min": float(np.trapezoid(np.maximum(g - g[0], 0.0), t)),
        "insulin_peak_uU_ml": float(ts["insulin_uU_ml"].max()),
        "ffa_mean_mM": float(np.trapezoid(ts["ffa_mM"].to_numpy(), t) / max(t[-1] - t[0], 1e-9)),
    }


OGTT_METRICS: tuple[str, ...] = (
    "matsuda_index",
    "glucose_120_mM",
    "insulinogenic_index",
    "glucose_auc_0_120_mM_min",
    "insulin_auc_0_120_uU_ml_min",
)
"""Summary keys of an OGTT (``ogtt_metrics``)."""
OGTT_SAMPLES_MIN: tuple[float, ...] = (0.0, 30.0, 60.0, 90.0, 120.0)
"""Sampling times of a standard 2-h OGTT, minutes after the glucose drink."""


def homa_ir(g0_mM: float, i0_uU: float) -> float:
    """HOMA-IR = fasting glucose (mM) x fasting insulin (uU/mL) / 22.5 (Matthews 1985)."""
    return g0_mM * i0_uU / 22.5


def has_fasting_state(protocol: Any) -> bool:
    """Whether the row at t = 0 is a fasting state before any protocol acts on it.

    Every run starts after a fasting warm-up, and meals, infusions and an OGTT or IVGTT load
    given at t = 0 act only after the first row. A clamp that starts at t = 0 already holds
    the row at t = 0 under clamp insulin, and a ``medium`` protocol has no body: neither has a
    fasting pre-protocol state, so HOMA-IR is not reported for them.
    """
    if protocol is None:
        return True
    if protocol.kind == "medium":
        return False
    return not (protocol.kind == "clamp" and float(protocol.start_min) <= 0.0)


def _at(ts: pd.DataFrame, col: str, times: list[float]) -> np.ndarray:
    return np.interp(times, ts["time_min"], ts[col])


def matsuda(ts: pd.DataFrame, at: float) -> float:
    """Matsuda index from the OGTT samples at 0-120 min (Matsuda & DeFronzo 1999)."""
    times = [at + m for m in OGTT_SAMPLES_MIN if at + m <= ts["time_min"].iloc[-1]]
    g = _at(ts, "glucose_mM", times) * MG_DL_PER_MM_GLC
    i = _at(ts, "insulin_uU_ml", times)
    return float(10000.0 / np.sqrt(g[0] * i[0] * g.mean() * i.mean()))


def ogtt_metrics(ts: pd.DataFrame, at: float) -> dict[str, float]:
    """Standard OGTT indices from the 0, 30, 60, 90 and 120-min samples after the drink.

    - ``glucose_120_mM``: 2-h glucose (WHO 1999: >= 7.8 mM impaired tolerance); NaN if the
      run ends before 120 min.
    - ``insulinogenic_index``: (insulin30 - insulin0) / (glucose30 - glucose0) in
      (uU/mL)/mM (Seltzer 1967; Phillips 1994); NaN if glucose has not risen at 30 min.
    - ``glucose_auc_0_120_mM_min``, ``insulin_auc_0_120_uU_ml_min``: total areas under the
      five samples by the trapezoid rule (as in clinical practice, Matthews 1990), in mM x min
      and uU/mL x min; NaN if the run ends before 120 min.
    """
    end = float(ts["time_min"].iloc[-1])
    times = [at + m for m in OGTT_SAMPLES_MIN]
    g, i = _at(ts, "glucose_mM", times), _at(ts, "insulin_uU_ml", times)
    full = at + OGTT_SAMPLES_MIN[-1] <= end
    dg = g[1] - g[0]
    nan = float("nan")
    return {
        "matsuda_index": matsuda(ts, at),
        "glucose_120_mM": float(g[-1]) if full else nan,
        "insulinogenic_index": float((i[1] - i[0]) / dg) if at + 30 <= end and dg > 0 else nan,
        "glucose_auc_0_120_mM_min": float(np.trapezoid(g, OGTT_SAMPLES_MIN)) if full else nan,
        "insulin_auc_0_120_uU_ml_min": float(np.trapezoid(i, OGTT_SAMPLES_MIN)) if full else nan,
    }


def summarise(ts: pd.DataFrame, protocol: Any, balance_error: float) -> dict[str, Any]:
    """Every summary metric that applies to the run."""
    out: dict[str, Any] = glucose_metrics(ts)
    if has_fasting_state(protocol):
        out["homa_ir"] = homa_ir(
            float(ts["glucose_mM"].iloc[0]), float(ts["insulin_uU_ml"].iloc[0])
        )
    if protocol is not None and protocol.kind == "clamp":
        out.update(
            clamp_metrics(ts, protocol.start_min, protocol.step_min, protocol.insulin_steps())
        )
    if protocol is not None and protocol.kind == "ogtt":
        out.update(ogtt_metrics(ts, protocol.at_min))
    out["glucose_balance_error"] = balance_error
    return out
