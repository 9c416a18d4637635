"""Scalar outcome metrics of a run (CONTRACT summary.json), computed from the time series."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

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


def homa_ir(g0_mM: float, i0_uU: float) -> float:
    """HOMA-IR = fasting glucose (mM) x fasting insulin (uU/mL) / 22.5 (Matthews 1985)."""
    return g0_mM * i0_uU / 22.5


def matsuda(ts: pd.DataFrame, at: float) -> float:
    """Matsuda index from the OGTT samples at 0-120 min (Matsuda & DeFronzo 1999)."""
    times = [at + m for m in (0, 30, 60, 90, 120) if at + m <= ts["time_min"].iloc[-1]]
    g = np.interp(times, ts["time_min"], ts["glucose_mM"]) * 18.016
    i = np.interp(times, ts["time_min"], ts["insulin_uU_ml"])
    return float(10000.0 / np.sqrt(g[0] * i[0] * g.mean() * i.mean()))


def summarise(ts: pd.DataFrame, protocol: Any, balance_error: float) -> dict[str, Any]:
    """Every summary metric that applies to the run."""
    out: dict[str, Any] = glucose_metrics(ts)
    out["homa_ir"] = homa_ir(float(ts["glucose_mM"].iloc[0]), float(ts["insulin_uU_ml"].iloc[0]))
    if protocol is not None and protocol.kind == "clamp":
        out.update(
            clamp_metrics(ts, protocol.start_min, protocol.step_min, protocol.insulin_steps())
        )
    if protocol is not None and protocol.kind == "ogtt":
        out["matsuda_index"] = matsuda(ts, protocol.at_min)
    out["glucose_balance_error"] = balance_error
    return out
