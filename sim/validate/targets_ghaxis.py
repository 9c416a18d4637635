"""Regulated GH secretion (issue 23): 24-h GH production fed and on the second day of a fast
(V23, V24), GH after 30 min of exercise at three intensities (V25, V26), the sleep-onset
GH surge under hyperglycaemia (V27), GH after a protein drink (V33), GH and IGF-1 on day 5
of a fast (V34, V35) and the GH response to GHRH in obesity and under acipimox (V36).

Each number is from the cited abstract with its own uncertainty (mean +/- SE); a ratio's band
is exp(+/- 2 SE of its log), the SE of the log taken from the two relative SEs, and an
absolute value's band is mean +/- 2 SE. Every value is a group mean over a cohort of virtual
subjects (their own seeds, so their own pulses), as the studies report group means. Targets
marked ``prediction`` were never used to set a parameter (reported apart by ``sim
validate``). First results on the model as it stood before the regulated pulse generator:
docs/validation.md.
"""

from __future__ import annotations

import math

import numpy as np

from sim.parameters import all_params
from sim.validate import figures as fg
from sim.validate import metrics as mx
from sim.validate.core import (
    COHORT,
    Criterion,
    Measured,
    RunData,
    Target,
    cohort_mean,
    cohort_seeds,
    daily_meals,
    scenario,
)
from sim.validate.targets_gh import MEALS  # V13's three meals a day

KEYS = {"record_every_min": 1, "cell_record_every_min": 1440}
PULSE_PROMINENCE_UG_L = 0.5
"""As V13: a GH pulse stands this far above its surrounding nadirs."""


def _band(mean_a: float, se_a: float, mean_b: float, se_b: float) -> tuple[float, float]:
    """exp(+/- 2 SE) around a/b, the SE of log(a/b) from the two relative SEs."""
    r = mean_a / mean_b
    s = math.hypot(se_a / mean_a, se_b / mean_b)
    return round(r * math.exp(-2 * s), 2), round(r * math.exp(2 * s), 2)


def _gh_half_life() -> float:
    return float(all_params()["body.gh_half_life_min"].value)


def _production_ug_l(t: np.ndarray, gh: np.ndarray, t0: float, t1: float) -> float:
    """GH secreted over [t0, t1] per litre of distribution volume (ug/L): mass balance of the
    plasma curve with the model's first-order clearance (what deconvolution estimates)."""
    on = (t >= t0) & (t <= t1)
    k = math.log(2) / _gh_half_life()
    return float(k * np.trapezoid(gh[on], t[on]) + gh[on][-1] - gh[on][0])


# --------------------------------------------------------------------------- Hartman 1992
FAST_DAYS = 2
DAY2 = (1440.0, 2880.0)
"""The 24 h sampled: the second day (08:00-08:00), the fasted arm's last meal the evening
before the run (Hartman 1992 sampled on the second day of a fast)."""


def _fast_scn(seed: int) -> dict:
    out = {}
    for i, sub in enumerate(cohort_seeds(seed)):
        dur = {"duration_min": 1440 * FAST_DAYS, **KEYS}
        out[f"fed_{i}"] = scenario(f"hartman_fed_{i}", sub, interventions=daily_meals(MEALS), **dur)
        out[f"fast_{i}"] = scenario(f"hartman_fast_{i}", sub, **dur)
    return out


def _fast_measure(runs: dict[str, RunData]) -> Measured:
    t = runs["fed_0"].timeseries["time_min"].to_numpy(float)
    prod, pulses = {}, {}
    for arm in ("fed", "fast"):
        p, n = [], []
        for i in range(COHORT):
            gh = runs[f"{arm}_{i}"].timeseries["gh_ug_l"].to_numpy(float)
            p.append(_production_ug_l(t, gh, *DAY2))
            on = (t >= DAY2[0]) & (t <= DAY2[1])
            n.append(len(mx.count_pulses(t[on], gh[on], PULSE_PROMINENCE_UG_L)))
        prod[arm], pulses[arm] = float(np.mean(p)), float(np.mean(n))
    values = {
        "fed_production_ug_l": prod["fed"],
        "fast_production_ratio": prod["fast"] / prod["fed"],
        "fast_pulse_ratio": pulses["fast"] / max(pulses["fed"], 1e-9),
        "fed_pulses": pulses["fed"],
        "fast_pulses": pulses["fast"],
    }
    curves = {
        "t": t,
        "fed": cohort_mean(runs, "fed", "gh_ug_l"),
        "fast": cohort_mean(runs, "fast", "gh_ug_l"),
    }
    return Measured(values, curves)


def _fast_draw(title: str, out) -> fg.Figure:  # noqa: ANN001
    c = out.curves
    fig, (a1,) = fg.panels(1, title, width=10)
    a1.plot(c["t"] / 60, c["fed"], **fg.OURS, label=f"fed, three meals (mean of {COHORT})")
    a1.plot(c["t"] / 60, c["fast"], color="tab:orange", label="fasting")
    fg.vband(a1, DAY2[0] / 60, DAY2[1] / 60, label="24 h sampled (second day)")
    a1.set_xlabel("time (h from 08:00)")
    a1.set_ylabel("plasma GH (ug/L)")
    return fig


HARTMAN_SRC = (
    "Hartman et al. 1992, JCEM 74:757 (24-h GH production 78 +/- 12 fed vs 371 +/- 57 ug/Lv "
    "on day 2 of a fast; bursts 14 +/- 2.3 vs 32 +/- 2.4 per 24 h; mean +/- SE, 9 men)"
)
HARTMAN_PROTOCOL = (
    f"healthy, {COHORT} virtual subjects; 48 h from 08:00 with three meals a day, or fasting "
    "(last meal the evening before); the second 24 h; production = GH cleared plus GH "
    "accumulated, per litre of distribution volume; pulses as V13 (prominence "
    f">= {PULSE_PROMINENCE_UG_L} ug/L)"
)

V23 = Target(
    "V23",
    "Fed and fasted (day 2) 24-h GH production",
    HARTMAN_SRC,
    HARTMAN_PROTOCOL,
    (
        Criterion("fed_production_ug_l", "24-h GH production, fed", 54.0, 102.0, "ug/L"),
        Criterion(
            "fast_production_ratio", "24-h GH production, fast / fed", *_band(371, 57, 78, 12)
        ),
    ),
    _fast_scn,
    _fast_measure,
    _fast_draw,
    cost=24.0,
)

V24 = Target(
    "V24",
    "Fasting (day 2): GH pulse frequency (prediction)",
    HARTMAN_SRC,
    HARTMAN_PROTOCOL,
    (Criterion("fast_pulse_ratio", "GH pulses per 24 h, fast / fed", *_band(32, 2.4, 14, 2.3)),),
    _fast_scn,
    _fast_measure,
    _fast_draw,
    cost=24.0,
    prediction=True,
)


# --------------------------------------------------------------------------- Pritzlaff 1999
EX_AT = 120.0
"""Exercise 09:00-09:30 in a run from 07:00, overnight fasted; GH integrated 09:00-13:00."""
WINDOW = (EX_AT, EX_AT + 240.0)
LT_VO2MAX, REST_VO2MAX = 0.60, 0.10
"""Lactate threshold and resting VO2 as fractions of VO2max (untrained young men; the
abstract gives intensities relative to LT, not VO2max: an assumption of this target)."""
INTENSITIES = {
    "low": REST_VO2MAX + 0.25 * (LT_VO2MAX - REST_VO2MAX),  # 0.25 LT
    "lt": LT_VO2MAX,
    "high": LT_VO2MAX + 0.75 * (1.0 - LT_VO2MAX),  # 1.75 LT
}


def _ex_scn(seed: int) -> dict:
    out = {}
    for i, sub in enumerate(cohort_seeds(seed)):
        keys = {"duration_min": WINDOW[1], "start_clock_h": 7.0, **KEYS}
        out[f"control_{i}"] = scenario(f"pritzlaff_control_{i}", sub, **keys)
        for arm, vo2 in INTENSITIES.items():
            ex = {
                "kind": "exercise",
                "start_min": EX_AT,
                "duration_min": 30,
                "intensity_vo2max": round(vo2, 3),
                "mode": "aerobic",
            }
            out[f"{arm}_{i}"] = scenario(f"pritzlaff_{arm}_{i}", sub, interventions=[ex], **keys)
    return out


def _ex_measure(runs: dict[str, RunData]) -> Measured:
    t = runs["control_0"].timeseries["time_min"].to_numpy(float)
    on = (t >= WINDOW[0]) & (t <= WINDOW[1])
    ighc = {}
    curves = {"t": t}
    for arm in ("control", *INTENSITIES):
        gh = cohort_mean(runs, arm, "gh_ug_l")
        ighc[arm] = float(np.trapezoid(gh[on], t[on]))
        curves[arm] = gh
    values = {f"{arm}_ratio": ighc[arm] / ighc["control"] for arm in INTENSITIES}
    values["high_over_lt"] = ighc["high"] / ighc["lt"]
    return Measured(values, curves)


def _ex_draw(title: str, out) -> fg.Figure:  # noqa: ANN001
    c = out.curves
    fig, (a1,) = fg.panels(1, title, width=8)
    h = c["t"] / 60 + 7.0
    a1.plot(h, c["control"], color="tab:gray", label=f"control (mean of {COHORT})")
    for arm, col in (("low", "tab:blue"), ("lt", "tab:green"), ("high", "tab:red")):
        a1.plot(h, c[arm], color=col, label=f"30 min at {INTENSITIES[arm]:.2f} VO2max")
    fg.vband(a1, 9.0, 13.0, label="integrated 09:00-13:00")
    a1.set_xlabel("clock time (h)")
    a1.set_ylabel("plasma GH (ug/L)")
    return fig


PRITZLAFF_SRC = (
    "Pritzlaff et al. 1999, J Appl Physiol 87:498 (integrated GH 09:00-13:00: control 250 +/- "
    "60, 0.25 LT 203 +/- 69, LT 452 +/- 119, 1.75 LT 713 +/- 115 ug/L.min; mean +/- SE, 10 men)"
)
PRITZLAFF_PROTOCOL = (
    f"healthy, overnight fasted, {COHORT} virtual subjects from 07:00; 30 min aerobic exercise "
    f"at 09:00 at 0.25 LT, LT or 1.75 LT (LT taken as {LT_VO2MAX:.2f} VO2max, rest "
    f"{REST_VO2MAX:.2f}: {INTENSITIES['low']:.3f} / {INTENSITIES['lt']:.2f} / "
    f"{INTENSITIES['high']:.2f} VO2max) or none (same seeds); GH integrated 09:00-13:00, "
    "group means, ratio to control"
)

V25 = Target(
    "V25",
    "30 min exercise at 1.75 LT: integrated GH 09:00-13:00",
    PRITZLAFF_SRC,
    PRITZLAFF_PROTOCOL,
    (Criterion("high_ratio", "integrated GH, 1.75 LT / control", *_band(713, 115, 250, 60)),),
    _ex_scn,
    _ex_measure,
    _ex_draw,
    cost=6.0,
)

V26 = Target(
    "V26",
    "30 min exercise at 0.25 LT and at LT: integrated GH (prediction)",
    PRITZLAFF_SRC,
    PRITZLAFF_PROTOCOL,
    (
        Criterion("lt_ratio", "integrated GH, LT / control", *_band(452, 119, 250, 60)),
        Criterion("low_ratio", "integrated GH, 0.25 LT / control", *_band(203, 69, 250, 60)),
        Criterion("high_over_lt", "integrated GH, 1.75 LT / LT (linear rise)", 1.0, None),
    ),
    _ex_scn,
    _ex_measure,
    _ex_draw,
    cost=6.0,
    prediction=True,
)


# --------------------------------------------------------------------------- sleep + glucose
SLEEP_RUN_START_H = 18.0
ONSET = 300.0
"""Sleep onset at 23:00 (default night) in a run from 18:00."""
GLC_INF = (ONSET - 60.0, ONSET + 240.0, 9.0)
"""Glucose infused 22:00-03:00 at 9 mg/kg/min (hyperglycaemia through the first half of
the night, as the constant glucose infusions the abstract refers to; the abstract gives no
rate: 8 mg/kg/min, the first protocol, left glucose at sleep onset under the protocol's
10 mM at two of three seeds)."""


def _sleep_scn(seed: int) -> dict:
    out = {}
    keys = {"duration_min": ONSET + 300.0, "start_clock_h": SLEEP_RUN_START_H, **KEYS}
    inf = {
        "kind": "glucose_infusion",
        "start_min": GLC_INF[0],
        "duration_min": GLC_INF[1] - GLC_INF[0],
        "rate_mg_kg_min": GLC_INF[2],
    }
    for i, sub in enumerate(cohort_seeds(seed)):
        out[f"saline_{i}"] = scenario(f"sleep_saline_{i}", sub, **keys)
        out[f"glucose_{i}"] = scenario(f"sleep_glucose_{i}", sub, interventions=[inf], **keys)
    return out


def _sleep_measure(runs: dict[str, RunData]) -> Measured:
    t = runs["saline_0"].timeseries["time_min"].to_numpy(float)
    on = (t >= ONSET) & (t <= ONSET + 180.0)
    peaks = {}
    for arm in ("saline", "glucose"):
        vals = [
            runs[f"{arm}_{i}"].timeseries["gh_ug_l"].to_numpy(float)[on].max()
            for i in range(COHORT)
        ]
        peaks[arm] = float(np.mean(vals))
    g = cohort_mean(runs, "glucose", "glucose_mM")
    values = {
        "peak_ratio": peaks["glucose"] / peaks["saline"],
        "glucose_mM_at_onset": float(mx.window_mean(t, g, ONSET, ONSET + 60.0)),
    }
    curves = {
        "t": t,
        "saline": cohort_mean(runs, "saline", "gh_ug_l"),
        "glucose": cohort_mean(runs, "glucose", "gh_ug_l"),
        "g": g,
    }
    return Measured(values, curves)


def _sleep_draw(title: str, out) -> fg.Figure:  # noqa: ANN001
    c = out.curves
    fig, (a1, a2) = fg.panels(2, title)
    h = c["t"] / 60 + SLEEP_RUN_START_H
    a1.plot(h, c["saline"], **fg.OURS, label=f"no infusion (mean of {COHORT})")
    a1.plot(h, c["glucose"], color="tab:orange", label="glucose 8 mg/kg/min 22:00-03:00")
    fg.vband(a1, 23.0, 26.0, label="peak read: first 3 h of sleep")
    a1.set_xlabel("clock time (h)")
    a1.set_ylabel("plasma GH (ug/L)")
    a2.plot(h, c["g"], color="tab:orange")
    a2.set_xlabel("clock time (h)")
    a2.set_ylabel("glucose, infused arm (mM)")
    return fig


V27 = Target(
    "V27",
    "Sleep-onset GH surge under hyperglycaemia",
    "Sleep release of human growth hormone in treated juvenile diabetics, Diabetes 1971 "
    "20:691 (mean peak sleep GH 11.2 +/- 1.3 ng/mL at 195-382 mg/dL glucose vs 12.5 +/- 1.4 "
    "in normoglycaemic controls; 'similar to constant glucose infusion hyperglycaemia in "
    "normals'; mean +/- SE)",
    f"healthy, {COHORT} virtual subjects from 18:00, sleep 23:00-07:00, glucose "
    f"{GLC_INF[2]:g} mg/kg/min iv 22:00-03:00 or none (same seeds); peak GH in the first 3 h "
    "of sleep, group means, glucose / none",
    (
        Criterion(
            "peak_ratio", "sleep-onset GH peak, hyperglycaemia / none", *_band(11.2, 1.3, 12.5, 1.4)
        ),
        Criterion("glucose_mM_at_onset", "glucose at sleep onset, infused arm", 10.0, None, "mM"),
    ),
    _sleep_scn,
    _sleep_measure,
    _sleep_draw,
    cost=4.0,
)

# --------------------------------------------------------------------------- protein drink
PROTEIN_G_KG = 0.6
DRINK_AT = 60.0
"""The drink at 09:00 in a run from 08:00; GH integrated over the following 5 h."""
PROTEIN_SUBJECT_KG = 75.0
"""The scenario's default body mass; the dose follows it (0.6 g/kg)."""


def _protein_scn(seed: int) -> dict:
    keys = {"duration_min": DRINK_AT + 300.0, **KEYS}
    drink = {
        "kind": "meal",
        "at_min": DRINK_AT,
        "carbs_g": 0,
        "protein_g": PROTEIN_G_KG * PROTEIN_SUBJECT_KG,
        "fat_g": 0,
        "fiber_g": 0,
    }
    out = {}
    for i, sub in enumerate(cohort_seeds(seed)):
        out[f"water_{i}"] = scenario(f"vanvught_water_{i}", sub, **keys)
        out[f"protein_{i}"] = scenario(f"vanvught_protein_{i}", sub, interventions=[drink], **keys)
    return out


def _protein_measure(runs: dict[str, RunData]) -> Measured:
    t = runs["water_0"].timeseries["time_min"].to_numpy(float)
    on = t >= DRINK_AT
    curves = {"t": t}
    auc = {}
    for arm in ("water", "protein"):
        curves[arm] = cohort_mean(runs, arm, "gh_ug_l")
        auc[arm] = float(np.trapezoid(curves[arm][on], t[on]))
    values = {"auc_ratio": auc["protein"] / auc["water"], "water_auc_ug_l_min": auc["water"]}
    return Measured(values, curves)


def _protein_draw(title: str, out) -> fg.Figure:  # noqa: ANN001
    c = out.curves
    fig, (a1,) = fg.panels(1, title, width=8)
    h = c["t"] / 60 + 8.0
    a1.plot(h, c["water"], color="tab:gray", label=f"water (mean of {COHORT})")
    a1.plot(h, c["protein"], color="tab:red", label=f"{PROTEIN_G_KG} g/kg protein")
    fg.vband(a1, 9.0, 14.0, label="GH AUC, 5 h after the drink")
    a1.set_xlabel("clock time (h)")
    a1.set_ylabel("plasma GH (ug/L)")
    return fig


V33 = Target(
    "V33",
    "Protein drink (0.6 g/kg) vs water: 5-h GH AUC (prediction)",
    "van Vught et al. 2010, Horm Metab Res 42:740 (8 lean women; gelatin protein 0.6 g/kg vs "
    "water: GH AUC 631.7 +/- 144.2 vs 241.0 +/- 196.8 ug/L.5 h, p < 0.05; the spread is not "
    "named and is read as SD, SE = SD / sqrt 8)",
    f"healthy, overnight fasted, {COHORT} virtual subjects from 08:00; "
    f"{PROTEIN_G_KG} g/kg protein as a drink (no carbohydrate or fat) or nothing at 09:00 "
    "(same seeds); GH AUC over the next 5 h, group means, protein / water",
    (
        Criterion(
            "auc_ratio",
            "GH AUC, protein / water",
            *_band(631.7, 144.2 / math.sqrt(8), 241.0, 196.8 / math.sqrt(8)),
        ),
    ),
    _protein_scn,
    _protein_measure,
    _protein_draw,
    cost=3.0,
    prediction=True,
)


# --------------------------------------------------------------------------- Ho 1988
HO_FAST_DAYS = 5
HO_DAY5 = (1440.0 * (HO_FAST_DAYS - 1), 1440.0 * HO_FAST_DAYS)
"""Day 5 of the fast: the fifth 24 h (08:00-08:00) of a run from the overnight-fasted state
(fasting hours 108-132); the fed control is a 24-h run with three meals."""
HO_DAY1 = (0.0, 1440.0)


def _ho_scn(seed: int) -> dict:
    out = {}
    for i, sub in enumerate(cohort_seeds(seed)):
        out[f"fed_{i}"] = scenario(
            f"ho_fed_{i}", sub, interventions=daily_meals(MEALS), duration_min=1440, **KEYS
        )
        out[f"fast_{i}"] = scenario(f"ho_fast_{i}", sub, duration_min=HO_DAY5[1], **KEYS)
    return out


def _ho_measure(runs: dict[str, RunData]) -> Measured:
    t_fed = runs["fed_0"].timeseries["time_min"].to_numpy(float)
    t = runs["fast_0"].timeseries["time_min"].to_numpy(float)
    d5 = (t >= HO_DAY5[0]) & (t <= HO_DAY5[1])
    area, pulses, igf = {"fed": [], "fast": []}, {"fed": [], "fast": []}, []
    for i in range(COHORT):
        g = runs[f"fed_{i}"].timeseries["gh_ug_l"].to_numpy(float)
        area["fed"].append(float(np.trapezoid(g, t_fed)))
        pulses["fed"].append(len(mx.count_pulses(t_fed, g, PULSE_PROMINENCE_UG_L)))
        ts = runs[f"fast_{i}"].timeseries
        g = ts["gh_ug_l"].to_numpy(float)
        area["fast"].append(float(np.trapezoid(g[d5], t[d5])))
        pulses["fast"].append(len(mx.count_pulses(t[d5], g[d5], PULSE_PROMINENCE_UG_L)))
        f = ts["igf1_ug_l"].to_numpy(float)
        igf.append(mx.window_mean(t, f, *HO_DAY5) / mx.window_mean(t, f, *HO_DAY1))
    mean = {k: {a: float(np.mean(v[a])) for a in v} for k, v in (("area", area), ("n", pulses))}
    values = {
        "fast_area_ratio": mean["area"]["fast"] / mean["area"]["fed"],
        "fast_pulse_ratio": mean["n"]["fast"] / max(mean["n"]["fed"], 1e-9),
        "igf1_day5_over_day1": float(np.mean(igf)),
        "fed_area_ug_min_ml": mean["area"]["fed"] / 1000.0,
        "fed_pulses": mean["n"]["fed"],
        "fast_pulses": mean["n"]["fast"],
    }
    curves = {
        "t": t,
        "t_fed": t_fed,
        "fed": cohort_mean(runs, "fed", "gh_ug_l"),
        "fast": cohort_mean(runs, "fast", "gh_ug_l"),
        "igf1": cohort_mean(runs, "fast", "igf1_ug_l"),
    }
    return Measured(values, curves)


def _ho_draw(title: str, out) -> fg.Figure:  # noqa: ANN001
    c = out.curves
    fig, (a1, a2) = fg.panels(2, title, width=11)
    a1.plot(c["t"] / 60, c["fast"], color="tab:orange", label=f"fasting (mean of {COHORT})")
    a1.plot(c["t_fed"] / 60 + HO_DAY5[0] / 60, c["fed"], **fg.OURS, label="fed day, drawn on day 5")
    fg.vband(a1, HO_DAY5[0] / 60, HO_DAY5[1] / 60, label="day 5 of the fast")
    a1.set_xlabel("time (h from 08:00, fasted overnight)")
    a1.set_ylabel("plasma GH (ug/L)")
    a2.plot(c["t"] / 60, c["igf1"], color="tab:orange")
    a2.set_xlabel("time (h)")
    a2.set_ylabel("total IGF-1, fasting (ug/L)")
    return fig


HO_SRC = (
    "Ho et al. 1988, J Clin Invest 81:968 (6 men; fed control day vs day 5 of a 5-day fast: "
    "24-h integrated GH 2.82 +/- 0.50 vs 8.75 +/- 0.82 ug.min/mL, pulses 5.8 +/- 0.7 vs 9.9 "
    "+/- 0.7 per 24 h; somatomedin C day 1 1.31 +/- 0.22, day 5 0.77 +/- 0.18 U/mL; mean +/- SE)"
)
HO_PROTOCOL = (
    f"healthy, {COHORT} virtual subjects; a 24-h fed day (three meals) or a {HO_FAST_DAYS}-day "
    "fast from the overnight-fasted state at 08:00 (same seeds); integrated GH and pulses "
    f"(prominence >= {PULSE_PROMINENCE_UG_L} ug/L, as V13) over the fed day and over day 5; "
    "total IGF-1 mean of day 5 / day 1"
)

V34 = Target(
    "V34",
    "Day 5 of a fast vs a fed day: 24-h integrated GH",
    HO_SRC,
    HO_PROTOCOL,
    (
        Criterion(
            "fast_area_ratio",
            "24-h integrated GH, fast day 5 / fed",
            *_band(8.75, 0.82, 2.82, 0.50),
        ),
    ),
    _ho_scn,
    _ho_measure,
    _ho_draw,
    cost=60.0,
)

V35 = Target(
    "V35",
    "Day 5 of a fast: GH pulse frequency and IGF-1 (prediction)",
    HO_SRC,
    HO_PROTOCOL,
    (
        Criterion(
            "fast_pulse_ratio", "GH pulses per 24 h, fast day 5 / fed", *_band(9.9, 0.7, 5.8, 0.7)
        ),
        Criterion(
            "igf1_day5_over_day1", "total IGF-1, day 5 / day 1", *_band(0.77, 0.18, 1.31, 0.22)
        ),
    ),
    _ho_scn,
    _ho_measure,
    _ho_draw,
    cost=60.0,
    prediction=True,
)


# --------------------------------------------------------------------------- Lanzi 1999
GHRH_AT = 300.0
"""GHRH at 13:00 in a run from 08:00, overnight fasted; GH AUC over the next 120 min."""
GHRH_UG_KG = 0.6
GHRH_1_44_MW = 5040.0
"""GHRH(1-44) amide (g/mol): Lanzi gave 0.6 ug/kg of GHRH; the model's GHRH-receptor agonist
is sermorelin (GHRH 1-29), dosed at the same molar amount."""
ACIPIMOX_FROM = 0.0
"""Acipimox from 08:00 (the two oral doses 6 and 2 h before GHRH) through the test, at the
intervention's default inhibition of lipolysis."""


def _lanzi_scn(seed: int) -> dict:
    mw = float(all_params()["body.serm_mw"].value)
    dose = GHRH_UG_KG * mw / GHRH_1_44_MW * 75.0  # ug sermorelin for the default 75 kg
    ghrh = {
        "kind": "secretagogue",
        "at_min": GHRH_AT,
        "drug": "sermorelin",
        "dose_ug": round(dose, 2),
        "infusion_min": 1.0,
    }
    aci = {"kind": "acipimox", "start_min": ACIPIMOX_FROM, "duration_min": GHRH_AT + 120.0}
    keys = {"duration_min": GHRH_AT + 120.0, **KEYS}
    out = {}
    for i, sub in enumerate(cohort_seeds(seed)):
        for pheno in ("healthy", "obese"):
            who = {"phenotype": pheno}
            out[f"{pheno}_placebo_{i}"] = scenario(
                f"lanzi_{pheno}_placebo_{i}", sub, subject=who, interventions=[ghrh], **keys
            )
            out[f"{pheno}_acipimox_{i}"] = scenario(
                f"lanzi_{pheno}_acipimox_{i}",
                sub,
                subject=who,
                interventions=[ghrh, aci],
                **keys,
            )
    return out


def _lanzi_measure(runs: dict[str, RunData]) -> Measured:
    t = runs["healthy_placebo_0"].timeseries["time_min"].to_numpy(float)
    on = (t >= GHRH_AT) & (t <= GHRH_AT + 120.0)
    auc, curves = {}, {"t": t}
    for pheno in ("healthy", "obese"):
        for arm in ("placebo", "acipimox"):
            key = f"{pheno}_{arm}"
            curves[key] = cohort_mean(runs, key, "gh_ug_l")
            auc[key] = float(np.trapezoid(curves[key][on], t[on]))
    values = {
        "obese_over_normal": auc["obese_placebo"] / auc["healthy_placebo"],
        "acipimox_over_placebo": auc["healthy_acipimox"] / auc["healthy_placebo"],
        "obese_over_normal_acipimox": auc["obese_acipimox"] / auc["healthy_acipimox"],
        "normal_auc_ug_l_120min": auc["healthy_placebo"],
    }
    return Measured(values, curves)


def _lanzi_draw(title: str, out) -> fg.Figure:  # noqa: ANN001
    c = out.curves
    fig, (a1,) = fg.panels(1, title, width=8)
    h = c["t"] / 60 + 8.0
    for key, col in (
        ("healthy_placebo", "tab:blue"),
        ("healthy_acipimox", "tab:cyan"),
        ("obese_placebo", "tab:red"),
        ("obese_acipimox", "tab:orange"),
    ):
        a1.plot(h, c[key], color=col, label=key.replace("_", ", "))
    fg.vband(a1, 13.0, 15.0, label="GH AUC, 120 min after GHRH")
    a1.set_xlabel("clock time (h)")
    a1.set_ylabel("plasma GH (ug/L)")
    return fig


LANZI_SRC = (
    "Lanzi et al. 1999, Metabolism 48:1152 (6 obese, BMI 36.8, and 6 normal subjects; GHRH "
    "0.6 ug/kg iv; GH AUC over 120 min: placebo obese 488 +/- 139 vs normal 1755 +/- 412; "
    "acipimox obese 1842 +/- 360 vs normal 4871 +/- 1286 ug/L.120 min; mean +/- SE)"
)
LANZI_PROTOCOL = (
    f"{COHORT} virtual subjects per phenotype (healthy, obese; same seeds), overnight fasted "
    f"from 08:00; sermorelin iv over 1 min at 13:00, the molar amount of {GHRH_UG_KG} ug/kg "
    "GHRH(1-44); acipimox from 08:00 through the test or none; GH AUC 13:00-15:00, group means"
)

V36 = Target(
    "V36",
    "GHRH in obesity and under acipimox: GH AUC (prediction)",
    LANZI_SRC,
    LANZI_PROTOCOL,
    (
        Criterion(
            "obese_over_normal", "GH AUC after GHRH, obese / normal", *_band(488, 139, 1755, 412)
        ),
        Criterion(
            "acipimox_over_placebo",
            "GH AUC after GHRH, normal, acipimox / placebo",
            *_band(4871, 1286, 1755, 412),
        ),
        Criterion(
            "obese_over_normal_acipimox",
            "GH AUC after GHRH under acipimox, obese / normal",
            *_band(1842, 360, 4871, 1286),
        ),
    ),
    _lanzi_scn,
    _lanzi_measure,
    _lanzi_draw,
    cost=3.0,
    prediction=True,
)

TARGETS = (V25, V26, V27, V33)
PENDING = (V23, V24, V34, V35, V36)
"""Pre-registered and failing, or sharing runs with one that fails (docs/validation.md):
the fasts (V23, V24, V34; V35 passes on the runs of V34) need glucose and insulin to fall
over days of fasting, which the body model does not do; the obese blunting of the GH
response to GHRH (V36) is too weak. Run with ``sim validate --only V23 V24 V34 V35 V36``;
never in the default suite (V34 and V35 run 5-day cohorts)."""
