"""Counter-regulation targets (issue 22): hepatic glucose output, glucagon and catecholamines
during fasted exercise (V18, V20-V22) and the glucagon response to hypoglycaemia (V19).

Each number is from the cited abstract with its own uncertainty (mean +/- SE); every band is
that mean +/- 2 SE unless stated. Targets marked ``prediction`` were never used to set a
parameter (reported apart by ``sim validate``); the others are calibration targets and the
parameters fitted to them say so in their provenance. First results on the model as it stood
before any parameter was changed for them: docs/validation.md.
"""

from __future__ import annotations

import numpy as np

from sim.validate import figures as fg
from sim.validate import metrics as mx
from sim.validate.core import Criterion, Measured, RunData, Target, scenario

REST = (30.0, 60.0)
"""Basal window (min): the 30 min before exercise starting at 60 min (08:00 start, fasted)."""
EX_START = 60.0
KEYS = {"record_every_min": 1, "cell_record_every_min": 600}


def _ts(run: RunData, col: str) -> tuple[np.ndarray, np.ndarray]:
    ts = run.timeseries
    if col not in ts:  # a hormone the model does not have (first pre-registered runs)
        t = ts["time_min"].to_numpy(float)
        return t, np.full_like(t, np.nan)
    return ts["time_min"].to_numpy(float), ts[col].to_numpy(float)


def _mean(run: RunData, col: str, t0: float, t1: float) -> float:
    t, y = _ts(run, col)
    return mx.window_mean(t, y, t0, t1) if np.isfinite(y).any() else float("nan")


def _peak_fold(run: RunData, col: str, t0: float, t1: float) -> float:
    t, y = _ts(run, col)
    on = (t >= t0) & (t <= t1)
    return float(np.max(y[on]) / _mean(run, col, *REST)) if np.isfinite(y).any() else np.nan


def _exercise(start: float, minutes: float, intensity: float) -> dict:
    return {
        "kind": "exercise",
        "start_min": start,
        "duration_min": minutes,
        "intensity_vo2max": intensity,
        "mode": "aerobic",
    }


def _curves(run: RunData, cols: tuple[str, ...]) -> dict[str, np.ndarray]:
    return {"t": _ts(run, cols[0])[0], **{c: _ts(run, c)[1] for c in cols}}


# --------------------------------------------------------------------------- Kreisman 2001
KREISMAN_MIN = 40.0
KREISMAN_INTENSITY = 0.53


def _kreisman_scn(seed: int) -> dict:
    ex = _exercise(EX_START, KREISMAN_MIN, KREISMAN_INTENSITY)
    end = EX_START + KREISMAN_MIN + 20.0
    return {"ex": scenario("kreisman_53pct", seed, duration_min=end, interventions=[ex], **KEYS)}


EX_COLS = (
    "glucose_mM",
    "insulin_uU_ml",
    "egp_mg_kg_min",
    "rd_mg_kg_min",
    "glucagon_pg_ml",
    "adrenaline_pg_ml",
    "noradrenaline_pg_ml",
)


def _kreisman_measure(runs: dict[str, RunData]) -> Measured:
    r = runs["ex"]
    end = EX_START + KREISMAN_MIN
    values = {
        "egp_30_40": _mean(r, "egp_mg_kg_min", end - 10, end),
        "rd_peak": float(np.max(_ts(r, "rd_mg_kg_min")[1][(_ts(r, "rd_mg_kg_min")[0] <= end)])),
        "adrenaline_fold": _peak_fold(r, "adrenaline_pg_ml", EX_START, end),
        "noradrenaline_fold": _peak_fold(r, "noradrenaline_pg_ml", EX_START, end),
        "glucose_change_mM": _mean(r, "glucose_mM", end - 10, end) - _mean(r, "glucose_mM", *REST),
        "insulin_ratio": _mean(r, "insulin_uU_ml", end - 10, end)
        / _mean(r, "insulin_uU_ml", *REST),
        "glucagon_ratio": _mean(r, "glucagon_pg_ml", end - 10, end)
        / _mean(r, "glucagon_pg_ml", *REST),
    }
    return Measured(values, _curves(r, EX_COLS))


def _draw_fluxes(title: str, out, lo_hi: dict) -> fg.Figure:  # noqa: ANN001
    c = out.curves
    fig, (a1, a2) = fg.panels(2, title)
    t = c["t"] - EX_START
    a1.plot(t, c["egp_mg_kg_min"], **fg.OURS, label="EGP")
    a1.plot(t, c["rd_mg_kg_min"], color="tab:red", label="Rd")
    for (x0, x1), (lo, hi), lab in lo_hi.get("flux", []):
        a1.add_patch(fg.plt.Rectangle((x0, lo), x1 - x0, hi - lo, **fg.BAND, label=lab))
    a1.set_xlabel("time from exercise start (min)")
    a1.set_ylabel("glucose flux (mg/kg/min)")
    for col, colour in (
        ("glucagon_pg_ml", "tab:green"),
        ("adrenaline_pg_ml", "tab:purple"),
        ("noradrenaline_pg_ml", "tab:brown"),
    ):
        y = c[col]
        if np.isfinite(y).any():
            base = np.nanmean(y[(c["t"] >= REST[0]) & (c["t"] < REST[1])])
            a2.plot(t, y / base, color=colour, label=col.removesuffix("_pg_ml"))
    for (x0, x1), (lo, hi), lab in lo_hi.get("fold", []):
        a2.add_patch(fg.plt.Rectangle((x0, lo), x1 - x0, hi - lo, **fg.BAND, label=lab))
    a2.set_xlabel("time from exercise start (min)")
    a2.set_ylabel("hormone (fold of rest)")
    return fig


def _v18_draw(title: str, out) -> fg.Figure:  # noqa: ANN001
    return _draw_fluxes(
        title, out, {"flux": [((30, 40), (3.52, 5.28), "accepted EGP at 30-40 min")]}
    )


V18 = Target(
    "V18",
    "40 min at 53 % VO2max fasted: EGP rises to match Rd",
    "Kreisman et al. 2001, J Clin Endocrinol Metab 86:2118 (control arm: Ra doubled to "
    "4.40 +/- 0.44 mg/kg/min; peak Rd 4.53 +/- 0.55; mean +/- SE, n = 7)",
    "healthy, overnight fasted (08:00), 40 min cycling at 53 % VO2max from 60 min; EGP = mean "
    "of the last 10 min of exercise, Rd = its peak during exercise; band = mean +/- 2 SE",
    (
        Criterion("egp_30_40", "EGP at 30-40 min of exercise", 3.52, 5.28, "mg/kg/min"),
        Criterion("rd_peak", "peak Rd during exercise", 3.43, 5.63, "mg/kg/min"),
    ),
    _kreisman_scn,
    _kreisman_measure,
    _v18_draw,
    cost=2.0,
)


def _v20_draw(title: str, out) -> fg.Figure:  # noqa: ANN001
    return _draw_fluxes(title, out, {"fold": [((30, 40), (2.5, 3.0), "accepted adrenaline")]})


V20 = Target(
    "V20",
    "40 min at 53 % VO2max fasted: plasma adrenaline",
    "Kreisman et al. 2001, J Clin Endocrinol Metab 86:2118 (control arm: adrenaline rose "
    "'approximately 2.5- to 3-fold at peak')",
    "as V18; peak adrenaline during exercise / mean of the 30 min before; the abstract gives "
    "a range, not a mean +/- SE: the band is that range",
    (Criterion("adrenaline_fold", "peak adrenaline, fold of rest", 2.5, 3.0),),
    _kreisman_scn,
    _kreisman_measure,
    _v20_draw,
    cost=2.0,
)


def _v21_draw(title: str, out) -> fg.Figure:  # noqa: ANN001
    return _draw_fluxes(title, out, {"fold": [((30, 40), (3.5, 4.5), "accepted noradrenaline")]})


V21 = Target(
    "V21",
    "40 min at 53 % VO2max fasted: plasma noradrenaline (prediction)",
    "Kreisman et al. 2001, J Clin Endocrinol Metab 86:2118 (infused noradrenaline "
    "15.9 +/- 1.0 nM was '8-fold rest, 2-fold CON': the control arm at ~4-fold rest)",
    "as V18; peak noradrenaline during exercise / mean of the 30 min before; 4-fold with the "
    "infused value's relative SE (6.3 %): band 4 +/- 2 x 6.3 % = 3.5-4.5",
    (Criterion("noradrenaline_fold", "peak noradrenaline, fold of rest", 3.5, 4.5),),
    _kreisman_scn,
    _kreisman_measure,
    _v21_draw,
    cost=2.0,
    prediction=True,
)


# --------------------------------------------------------------------------- Howlett 1999
def _v22_scn(seed: int) -> dict:
    ex = [_exercise(EX_START, 20, 0.40), _exercise(EX_START + 20, 20, 0.80)]
    end = EX_START + 60.0
    return {"ex": scenario("howlett_40_80pct", seed, duration_min=end, interventions=ex, **KEYS)}


def _v22_measure(runs: dict[str, RunData]) -> Measured:
    r = runs["ex"]
    end = EX_START + 40
    egp_rest = _mean(r, "egp_mg_kg_min", *REST)
    values = {
        "hgp_fold_40": _mean(r, "egp_mg_kg_min", end - 5, end) / egp_rest,
        "hgp_fold_20": _mean(r, "egp_mg_kg_min", EX_START + 15, EX_START + 20) / egp_rest,
        "glucose_change_mM": _mean(r, "glucose_mM", end - 5, end) - _mean(r, "glucose_mM", *REST),
    }
    return Measured(values, _curves(r, EX_COLS))


def _v22_draw(title: str, out) -> fg.Figure:  # noqa: ANN001
    c = out.curves
    fig, (a1,) = fg.panels(1, title)
    base = np.nanmean(c["egp_mg_kg_min"][(c["t"] >= REST[0]) & (c["t"] < REST[1])])
    a1.plot(c["t"] - EX_START, c["egp_mg_kg_min"] / base, **fg.OURS, label="EGP (fold of rest)")
    a1.add_patch(fg.plt.Rectangle((35, 2.78), 5, 4.67 - 2.78, **fg.BAND, label="accepted"))
    a1.axvline(20, color="gray", ls=":", label="40 % -> 80 % VO2max")
    a1.set_xlabel("time from exercise start (min)")
    a1.set_ylabel("EGP (fold of rest)")
    return fig


V22 = Target(
    "V22",
    "20 min at 40 % then 20 min at 80 % VO2max: hepatic glucose output (prediction)",
    "Howlett et al. 1999, Am J Physiol 276:E1130 (HGP 11.0 +/- 0.5 at rest, "
    "41.0 +/- 5.2 umol/kg/min at 40 min; mean +/- SE, n = 6 trained men)",
    "healthy (untrained default subject), overnight fasted, exercise from 60 min; EGP over the "
    "last 5 min / rest; band (41.0 +/- 2 x 5.2) / 11.0 = 2.78-4.67",
    (Criterion("hgp_fold_40", "EGP fold of rest at 40 min", 2.78, 4.67),),
    _v22_scn,
    _v22_measure,
    _v22_draw,
    cost=2.0,
    prediction=True,
)


# --------------------------------------------------------------------------- Raju & Cryer 2005
V19_INSULIN = 100.0
"""uU/mL held by both clamps (the abstract does not give the insulin level: a typical
hyperinsulinaemic clamp)."""
V19_END = 240.0


def _v19_scn(seed: int) -> dict:
    def clamp(g: float) -> dict:
        return {
            "kind": "clamp",
            "insulin_uU_ml": V19_INSULIN,
            "step_min": V19_END - 30.0,
            "start_min": 30.0,
            "glucose_mM": g,
        }

    return {
        "eu": scenario("raju_eu_5mM", seed, protocol=clamp(5.0), **KEYS),
        "hypo": scenario("raju_hypo_3mM", seed, protocol=clamp(3.0), **KEYS),
    }


def _v19_measure(runs: dict[str, RunData]) -> Measured:
    w = (V19_END - 30.0, V19_END)
    eu, hypo = runs["eu"], runs["hypo"]
    values = {
        "glucagon_ratio": _mean(hypo, "glucagon_pg_ml", *w) / _mean(eu, "glucagon_pg_ml", *w),
        "glucose_hypo_mM": _mean(hypo, "glucose_mM", *w),
        "adrenaline_ratio": _mean(hypo, "adrenaline_pg_ml", *w) / _mean(eu, "adrenaline_pg_ml", *w),
    }
    curves = {
        "t": _ts(eu, "glucose_mM")[0],
        "eu": _ts(eu, "glucagon_pg_ml")[1],
        "hypo": _ts(hypo, "glucagon_pg_ml")[1],
    }
    return Measured(values, curves)


def _v19_draw(title: str, out) -> fg.Figure:  # noqa: ANN001
    c = out.curves
    fig, (a1,) = fg.panels(1, title)
    a1.plot(c["t"], c["eu"], color="tab:blue", label="clamp at 5.0 mM")
    a1.plot(c["t"], c["hypo"], color="tab:red", label="clamp at 3.0 mM")
    a1.set_xlabel("time (min)")
    a1.set_ylabel("plasma glucagon (pg/mL)")
    return fig


V19 = Target(
    "V19",
    "hyperinsulinaemic clamp at 3.0 vs 5.0 mM: glucagon response to hypoglycaemia",
    "Raju & Cryer 2005, Diabetes 54:757 (placebo clamps: glucagon 98 +/- 7 -> 151 +/- 16 pg/mL "
    "from euglycaemia to 3.0 mM; mean +/- SE, n = 14)",
    f"healthy; two {V19_INSULIN:g} uU/mL clamps from 30 min, at 5.0 and at 3.0 mM; glucagon "
    f"over the last 30 min of each, hypo / eu; band (151 +/- 2 x 16) / 98 = 1.21-1.87",
    (Criterion("glucagon_ratio", "glucagon, 3.0 mM / 5.0 mM clamp", 1.21, 1.87),),
    _v19_scn,
    _v19_measure,
    _v19_draw,
    cost=3.0,
)


# --------------------------------------------------------------------------- Coggan 1995
COGGAN_MIN, COGGAN_INTENSITY = 120.0, 0.60
UMOL_TO_MG = 0.18016
"""umol glucose -> mg."""


def _v58_scn(seed: int) -> dict:
    ex = _exercise(EX_START, COGGAN_MIN, COGGAN_INTENSITY)
    end = EX_START + COGGAN_MIN + 10.0
    return {"ex": scenario("coggan_60pct_2h", seed, duration_min=end, interventions=[ex], **KEYS)}


def _v58_measure(runs: dict[str, RunData]) -> Measured:
    r = runs["ex"]
    end = EX_START + COGGAN_MIN
    egp = _mean(r, "egp_mg_kg_min", EX_START, end)
    values = {
        "ra_mean": egp,
        "gng_share": _mean(r, "gng_mg_kg_min", EX_START, end) / egp,
        "glucose_change_mM": _mean(r, "glucose_mM", end - 10, end) - _mean(r, "glucose_mM", *REST),
        "rd_mean": _mean(r, "rd_mg_kg_min", EX_START, end),
    }
    return Measured(values, _curves(r, (*EX_COLS, "gng_mg_kg_min")))


def _v58_draw(title: str, out) -> fg.Figure:  # noqa: ANN001
    c = out.curves
    fig = _draw_fluxes(title, out, {"flux": [((0, COGGAN_MIN), (5.26, 8.00), "accepted mean Ra")]})
    fig.axes[0].plot(c["t"] - EX_START, c["gng_mg_kg_min"], color="tab:olive", label="GNG")
    return fig


V58 = Target(
    "V58",
    "2 h at 60 % VO2max fasted: mean EGP and its gluconeogenic share (prediction)",
    "Coggan et al. 1995, J Appl Physiol 78:1203 (untrained men before training, n = 6: Ra "
    "36.8 +/- 3.8 umol/kg/min averaged over the bout; GNG 7.5 +/- 1.6 umol/kg/min, 23 +/- 3 % "
    "of Ra; mean +/- SE, [13C]bicarbonate incorporation)",
    "healthy, overnight fasted (08:00), 120 min cycling at 60 % VO2max from 60 min; means over "
    "the bout; GNG share = mean GNG / mean EGP; bands mean +/- 2 SE: Ra (36.8 +/- 7.6) x 0.18 "
    "= 5.26-8.00 mg/kg/min, share 17-29 %",
    (
        Criterion("ra_mean", "mean EGP during exercise", 5.26, 8.00, "mg/kg/min"),
        Criterion("gng_share", "GNG share of EGP during exercise", 0.17, 0.29),
    ),
    _v58_scn,
    _v58_measure,
    _v58_draw,
    cost=2.0,
    prediction=True,
)

TARGETS = (V18, V19, V20, V21, V22)
PENDING = (V58,)
"""Declared and pre-registered, failing on the model as it stands: run only when named."""
