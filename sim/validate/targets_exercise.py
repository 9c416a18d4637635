"""Exercise targets: AMPK and muscle uptake by intensity (V11), exercise plus insulin on
GLUT4 and Akt (V12), and 14 weeks of aerobic training (V17)."""

from __future__ import annotations

import numpy as np

from sim.validate import figures as fg
from sim.validate import metrics as mx
from sim.validate.core import Criterion, Measured, RunData, Target, daily_meals, scenario

EX_START = 30.0


# --------------------------------------------------------------------------- V11
def _v11_scn(seed: int) -> dict:
    heavy = {
        "kind": "exercise",
        "start_min": EX_START,
        "duration_min": 60,
        "intensity_vo2max": 0.75,
    }
    light = {"kind": "exercise", "start_min": EX_START, "duration_min": 90, "intensity_vo2max": 0.5}
    keys = {"record_every_min": 1, "cell_record_every_min": 600}
    return {
        "heavy": scenario(
            "V11_75pct", seed, duration_min=EX_START + 60 + 185, interventions=[heavy], **keys
        ),
        "light": scenario(
            "V11_50pct", seed, duration_min=EX_START + 90 + 5, interventions=[light], **keys
        ),
    }


def _fold(run: RunData, col: str, end: float) -> tuple[float, np.ndarray, np.ndarray]:
    ts = run.timeseries
    t, y = ts["time_min"].to_numpy(float), ts[col].to_numpy(float)
    base = mx.window_mean(t, y, 0, EX_START)
    return mx.window_mean(t, y, end - 10, end) / base, t, y / base


def _v11_measure(runs: dict[str, RunData]) -> Measured:
    h_end, l_end = EX_START + 60, EX_START + 90
    ampk_h, t_h, ampk_h_c = _fold(runs["heavy"], "muscle.ampk_p", h_end)
    ampk_l, t_l, ampk_l_c = _fold(runs["light"], "muscle.ampk_p", l_end)
    up_h, _, up_h_c = _fold(runs["heavy"], "uptake_muscle_mg_kg_min", h_end)
    up_l, _, up_l_c = _fold(runs["light"], "uptake_muscle_mg_kg_min", l_end)
    values = {
        "ampk_fold_75": ampk_h,
        "ampk_fold_50": ampk_l,
        "ampk_recovery_3h": float(np.interp(h_end + 180, t_h, ampk_h_c)),
        "uptake_fold_50": up_l,
        "uptake_fold_75": up_h,
    }
    curves = {
        "t_h": t_h - EX_START,
        "t_l": t_l - EX_START,
        "ampk_h": ampk_h_c,
        "ampk_l": ampk_l_c,
        "up_h": up_h_c,
        "up_l": up_l_c,
    }
    return Measured(values, curves)


def _v11_draw(title: str, out) -> fg.Figure:  # noqa: ANN001
    c = out.curves
    fig, (a1, a2) = fg.panels(2, title)
    a1.plot(c["t_h"], c["ampk_h"], color="tab:red", label="75 % VO2max, 60 min")
    a1.plot(c["t_l"], c["ampk_l"], color="tab:blue", label="50 % VO2max, 90 min")
    a1.add_patch(fg.plt.Rectangle((50, 2.5), 10, 2.5, **fg.BAND, label="accepted at 75 %"))
    a1.add_patch(
        fg.plt.Rectangle(
            (80, 0), 10, 1.5, color="tab:blue", alpha=0.12, lw=0, label="accepted at 50 %"
        )
    )
    a1.add_patch(
        fg.plt.Rectangle(
            (235, 0), 10, 1.3, color="tab:red", alpha=0.12, lw=0, label="accepted 3 h after"
        )
    )
    a1.set_ylabel("muscle AMPK-P (fold of rest)")
    a2.plot(c["t_h"], c["up_h"], color="tab:red", label="75 %")
    a2.plot(c["t_l"], c["up_l"], color="tab:blue", label="50 %")
    a2.add_patch(fg.plt.Rectangle((50, 10), 10, 10, **fg.BAND, label="accepted heavy"))
    a2.add_patch(
        fg.plt.Rectangle((80, 5), 10, 5, color="tab:blue", alpha=0.12, lw=0, label="accepted light")
    )
    a2.set_ylabel("muscle glucose uptake (fold of rest)")
    for ax in (a1, a2):
        ax.set_xlabel("time from exercise start (min)")
    return fig


V11 = Target(
    "V11",
    "exercise at 75 % and 50 % VO2max: muscle AMPK and glucose uptake",
    "Wojtaszewski et al. 2000, J Physiol 528:221; Wahren et al. 1971, J Clin Invest 50:2715",
    "healthy, fasting; 60 min at 75 % and (separately) 90 min at 50 % VO2max from 30 min; folds "
    "= last 10 min of exercise / 30 min rest; recovery 3 h after the 75 % bout",
    (
        Criterion("ampk_fold_75", "AMPK fold at 75 %", 2.5, 5.0),
        Criterion("ampk_fold_50", "AMPK fold at 50 %", None, 1.5, strict=True),
        Criterion("ampk_recovery_3h", "AMPK fold 3 h after", None, 1.3, strict=True),
        Criterion("uptake_fold_50", "muscle uptake fold, light", 5.0, 10.0),
        Criterion("uptake_fold_75", "muscle uptake fold, heavy", 10.0, 20.0),
    ),
    _v11_scn,
    _v11_measure,
    _v11_draw,
    cost=4.0,
)


# --------------------------------------------------------------------------- V12
V12_INSULIN = 80.0
"""uU/mL: plasma insulin of a 0.8 mU/kg/min infusion (~30 mU/m2/min; DeFronzo 1979 scaling)."""
V12_CLAMP_AT = 90.0


def _v12_scn(seed: int) -> dict:
    ex = {"kind": "exercise", "start_min": EX_START, "duration_min": 60, "intensity_vo2max": 0.7}
    clamp = {
        "kind": "clamp",
        "insulin_uU_ml": V12_INSULIN,
        "step_min": 120,
        "start_min": V12_CLAMP_AT,
    }
    end = V12_CLAMP_AT + 120
    return {
        "insulin": scenario("V12_clamp", seed, protocol=clamp),
        "exercise": scenario("V12_exercise", seed, duration_min=end, interventions=[ex]),
        "both": scenario("V12_exercise_clamp", seed, protocol=clamp, interventions=[ex]),
    }


def _v12_measure(runs: dict[str, RunData]) -> Measured:
    end = V12_CLAMP_AT + 120
    m = {
        k: {
            n: mx.window_mean(r.timeseries["time_min"], r.timeseries[f"muscle.{n}"], end - 30, end)
            for n in ("glut4_pm", "akt_p")
        }
        for k, r in runs.items()
    }
    values = {
        f"{n}_{other}": m["both"][n] / m[other][n]
        for n in ("glut4_pm", "akt_p")
        for other in ("insulin", "exercise")
    }
    return Measured(values, {"m": m})


def _v12_draw(title: str, out) -> fg.Figure:  # noqa: ANN001
    m = out.curves["m"]
    fig, (a1, a2) = fg.panels(2, title)
    for ax, n, lab in (
        (a1, "glut4_pm", "membrane GLUT4 (fraction)"),
        (a2, "akt_p", "Akt-P (fraction)"),
    ):
        fg.bars(
            ax,
            ["exercise", "insulin", "exercise + insulin"],
            [m["exercise"][n], m["insulin"][n], m["both"][n]],
            lab,
        )
        ax.axhspan(
            max(m["exercise"][n], m["insulin"][n]),
            ax.get_ylim()[1],
            xmin=0.67,
            **fg.BAND,
            label="accepted: above each alone",
        )
    return fig


V12 = Target(
    "V12",
    "exercise then insulin clamp: GLUT4 and Akt above either alone",
    "Thorell et al. 1999, Am J Physiol 277:E733 (GLUT4 +32 / +35 / +44 %)",
    f"healthy; 60 min at 70 % VO2max from 30 min and/or a {V12_INSULIN:g} uU/mL clamp "
    f"{V12_CLAMP_AT:g}-{V12_CLAMP_AT + 120:g} min; muscle means over the last 30 min",
    (
        Criterion("glut4_pm_insulin", "GLUT4: both / insulin alone", 1.0, None, strict=True),
        Criterion("glut4_pm_exercise", "GLUT4: both / exercise alone", 1.0, None, strict=True),
        Criterion("akt_p_insulin", "Akt: both / insulin alone", 1.0, None, strict=True),
        Criterion("akt_p_exercise", "Akt: both / exercise alone", 1.0, None, strict=True),
    ),
    _v12_scn,
    _v12_measure,
    _v12_draw,
    cost=4.0,
)


# --------------------------------------------------------------------------- V17
V17_WEEKS = 14
V17_DAY = 1440.0
V17_CLAMP_AT = V17_WEEKS * 7 * V17_DAY + V17_DAY  # the morning after the 14 weeks, +1 day rest
"""Houmard 1993 sampled after the last session; one rest day keeps the acute E3 effect out."""
V17_CELLS = {"muscle": 8, "liver": 4, "adipose": 4}


V17_MEALS = ((30, 60, 20, 15, 5), (270, 75, 30, 20, 5), (630, 75, 35, 25, 5))
"""(at_min from 08:00, carbs, protein, fat, fiber) every day of the training weeks."""


def _v17_scn(seed: int) -> dict:
    train = {
        "kind": "training",
        "mode": "aerobic",
        "sessions_per_week": 4,
        "weeks": V17_WEEKS,
        "session_min": 45,
        "intensity_vo2max": 0.7,
        "clock_h": 17.0,
    }
    clamp = {"kind": "clamp", "insulin_uU_ml": 100, "step_min": 120, "start_min": V17_CLAMP_AT}
    keys = {"record_every_min": 60, "cell_record_every_min": 10080, "cells": dict(V17_CELLS)}
    ctl_clamp = {**clamp, "start_min": V17_DAY}
    return {
        "trained": scenario(
            "V17_training",
            seed,
            protocol=clamp,
            interventions=[train, *daily_meals(V17_MEALS, V17_CLAMP_AT - V17_DAY)],
            **keys,
        ),
        "untrained": scenario(
            "V17_untrained",
            seed,
            protocol=ctl_clamp,
            interventions=daily_meals(V17_MEALS, V17_DAY - 1),
            **keys,
        ),
    }


def _v17_measure(runs: dict[str, RunData]) -> Measured:
    ts = runs["trained"].timeseries
    t, g4 = ts["time_min"].to_numpy(float), ts["muscle.glut4_content"].to_numpy(float)
    at_end = float(np.interp(V17_CLAMP_AT, t, g4))
    m_tr = runs["trained"].summary["m_value_mg_kg_min"]
    m_un = runs["untrained"].summary["m_value_mg_kg_min"]
    values = {"glut4_fold": at_end / g4[0], "m_ratio": m_tr / m_un}
    return Measured(values, {"t": t, "g4": g4 / g4[0], "m": {"untrained": m_un, "trained": m_tr}})


def _v17_draw(title: str, out) -> fg.Figure:  # noqa: ANN001
    c = out.curves
    fig, (a1, a2) = fg.panels(2, title)
    a1.plot(c["t"] / V17_DAY / 7, c["g4"], **fg.OURS, label="muscle GLUT4 content")
    fg.hband(a1, 1.5, 2.3, label="accepted at 14 weeks")
    a1.plot([V17_WEEKS], [1.8], "k*", ms=10, label="Houmard 1993")
    a1.set_xlabel("time (weeks)")
    a1.set_ylabel("GLUT4 content (fold of start)")
    fg.bars(a2, list(c["m"]), list(c["m"].values()), "clamp M value (mg/kg/min)")
    return fig


V17 = Target(
    "V17",
    "14 weeks of aerobic training: muscle GLUT4 content and clamp M",
    "Houmard et al. 1993, Am J Physiol 264:E896 (x1.8)",
    f"healthy; {V17_WEEKS} weeks, 4 sessions/week of 45 min at 70 % VO2max (17:00), three meals "
    "a day, then a rest day and a 2-h 100 uU/mL clamp; control: the same meals for one day and "
    "the same clamp (untrained steady state)",
    (
        Criterion("glut4_fold", "muscle GLUT4 content fold", 1.5, 2.3),
        Criterion("m_ratio", "clamp M trained / untrained", 1.0, None, strict=True),
    ),
    _v17_scn,
    _v17_measure,
    _v17_draw,
    cost=1000.0,
)

TARGETS = (V11, V12, V17)
