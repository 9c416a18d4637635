"""Growth-hormone targets: an iv GH bolus (V07), 48 h of pulsatile secretion with the
sleep-onset surge (V13) and an iv Ipamorelin infusion (V14)."""

from __future__ import annotations

import numpy as np

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

# --------------------------------------------------------------------------- V07
V07_AT = 30.0
"""min: the bolus follows a 30 min baseline."""


def _v07_scn(seed: int) -> dict:
    """A cohort of virtual subjects (their own seeds, so their own endogenous pulses and
    cells; Jørgensen 2006 studied six men), each given GH and, on another day, saline."""
    gh = {"kind": "gh_injection", "at_min": V07_AT, "dose_mg": 0.5, "route": "iv"}
    keys = {"duration_min": V07_AT + 300, "record_every_min": 1}
    out = {}
    for i, sub in enumerate(cohort_seeds(seed)):
        out[f"gh_{i}"] = scenario(f"V07_gh_bolus_{i}", sub, interventions=[gh], **keys)
        out[f"saline_{i}"] = scenario(f"V07_saline_{i}", sub, **keys)
    return out


def _v07_measure(runs: dict[str, RunData]) -> Measured:
    """Group means of the GH arm over group means of the saline arm, as the study reports
    them. Each subject's saline run has the same seed (the same endogenous pulses) as its GH
    run, so a pulse cannot masquerade as an effect; averaging the cohort keeps one
    subject's pulse from deciding the peak time."""
    t = runs["gh_0"].timeseries["time_min"].to_numpy(float)
    ffa = cohort_mean(runs, "gh", "ffa_mM") / cohort_mean(runs, "saline", "ffa_mM")
    after = t >= V07_AT
    tp, vp = mx.peak(t[after], ffa[after])
    values = {"ffa_rise": vp - 1, "ffa_peak_min": tp - V07_AT}
    curves = {"t": t - V07_AT, "ffa": ffa}
    for tissue in ("muscle", "adipose"):
        for node in ("stat5_p", "akt_p"):
            col = f"{tissue}.{node}"
            y = cohort_mean(runs, "gh", col) / cohort_mean(runs, "saline", col)
            w = mx.window_mean(t, y, V07_AT + 30, V07_AT + 60)
            curves[col] = y
            if node == "stat5_p":
                values[f"{tissue}_pstat5_fold"] = w
            else:
                values[f"{tissue}_akt_change"] = abs(w - 1)
    return Measured(values, curves)


def _v07_draw(title: str, out) -> fg.Figure:  # noqa: ANN001
    c = out.curves
    fig, (a1, a2) = fg.panels(2, title)
    a1.plot(c["t"], c["ffa"], **fg.OURS, label=f"plasma FFA, GH / saline (means of {COHORT})")
    fg.vband(a1, 120, 200, label="accepted peak time")
    a1.axhspan(1.3, 1.75, color="tab:purple", alpha=0.12, lw=0, label="accepted peak (+30-75 %)")
    a1.set_xlabel("time after 0.5 mg iv GH (min)")
    a1.set_ylabel("FFA, ratio to saline")
    styles = (
        ("muscle.stat5_p", "tab:red", "-"),
        ("adipose.stat5_p", "tab:orange", "--"),
        ("muscle.akt_p", "tab:gray", "-"),
        ("adipose.akt_p", "black", "--"),
    )
    for key, col, ls in styles:
        a2.plot(c["t"], c[key], color=col, ls=ls, label=key)
    a2.axvspan(30, 60, color="tab:green", alpha=0.1, lw=0, label="window: pSTAT5 >= x2, Akt +-10 %")
    a2.set_yscale("log")
    a2.set_xlabel("time after 0.5 mg iv GH (min)")
    a2.set_ylabel(f"ratio to saline (means of {COHORT}, same seeds)")
    return fig


V07 = Target(
    "V07",
    "0.5 mg iv GH bolus, fasting: FFA rise, pSTAT5 up, Akt unchanged",
    "Jørgensen et al. 2006, Am J Physiol Endocrinol Metab 291:E899 (+52 % FFA at 155 min)",
    f"healthy, fasting; {COHORT} virtual subjects, each given 0.5 mg GH iv at 30 min and saline "
    "with the same seed (the same endogenous pulses), 300 min after; every value is the "
    "group-mean GH/saline ratio; pSTAT5 and Akt: mean 30-60 min after the bolus ('clearly "
    "up' read as >= 2-fold)",
    (
        Criterion("ffa_rise", "FFA peak rise", 0.30, 0.75),
        Criterion("ffa_peak_min", "FFA peak time after the bolus", 120.0, 200.0, "min"),
        Criterion("muscle_pstat5_fold", "muscle pSTAT5 fold at 30-60 min", 2.0, None),
        Criterion("adipose_pstat5_fold", "adipose pSTAT5 fold at 30-60 min", 2.0, None),
        Criterion("muscle_akt_change", "muscle Akt change at 30-60 min", None, 0.10, strict=True),
        Criterion("adipose_akt_change", "adipose Akt change at 30-60 min", None, 0.10, strict=True),
    ),
    _v07_scn,
    _v07_measure,
    _v07_draw,
    cost=2.0,
)


# --------------------------------------------------------------------------- V13
V13_DAYS = 2
PULSE_PROMINENCE_UG_L = 0.5
"""A GH pulse must stand this far above its surrounding nadirs (assay-level pulses; Winer
1990 used cluster analysis with a similar increment)."""
MEALS = (  # (at_min from 08:00, carbs, protein, fat, fiber)
    (30, 60, 20, 15, 5),
    (270, 75, 30, 20, 8),
    (630, 75, 35, 25, 8),
)
LATE_MEAL = (840, 150, 10, 5, 2)
"""A high-carbohydrate meal at 22:00, one hour before sleep onset (Van Cauter 1996)."""


def _v13_scn(seed: int) -> dict:
    keys = {"duration_min": 1440 * V13_DAYS, "record_every_min": 1, "cell_record_every_min": 720}
    return {
        "day": scenario("V13_free_living", seed, interventions=daily_meals(MEALS), **keys),
        "late": scenario(
            "V13_late_meal", seed, interventions=daily_meals((*MEALS[:2], LATE_MEAL)), **keys
        ),
    }


def _onsets(ts) -> np.ndarray:  # noqa: ANN001
    a = ts["asleep"].to_numpy(float) > 0.5
    t = ts["time_min"].to_numpy(float)
    return t[1:][a[1:] & ~a[:-1]]


def _onset_pulse(t: np.ndarray, gh: np.ndarray, onsets: np.ndarray) -> float:
    return float(np.mean([gh[(t >= o) & (t <= o + 90)].max() for o in onsets]))


def _v13_measure(runs: dict[str, RunData]) -> Measured:
    ts = runs["day"].timeseries
    t, gh = ts["time_min"].to_numpy(float), ts["gh_ug_l"].to_numpy(float)
    pk = mx.count_pulses(t, gh, PULSE_PROMINENCE_UG_L)
    onsets = _onsets(ts)
    hits = []
    for o in onsets:
        win = (t >= o - 900) & (t < o + 480)  # 08:00 to 07:00 around that night
        hits.append(o <= t[win][int(np.argmax(gh[win]))] <= o + 90)
    late = runs["late"].timeseries
    ratio = _onset_pulse(t, late["gh_ug_l"].to_numpy(float), onsets) / _onset_pulse(t, gh, onsets)
    values = {
        "half_life_min": mx.decay_half_life(t, gh, pk),
        "pulses_per_day": len(pk) / (t[-1] / 1440.0),
        "largest_at_onset_frac": float(np.mean(hits)) if hits else float("nan"),
        "late_meal_ratio": ratio,
    }
    curves = {
        "t": t,
        "gh": gh,
        "gh_late": late["gh_ug_l"].to_numpy(float),
        "peaks": pk,
        "onsets": onsets,
    }
    return Measured(values, curves)


def _v13_draw(title: str, out) -> fg.Figure:  # noqa: ANN001
    c = out.curves
    fig, (a1,) = fg.panels(1, title, width=11)
    h = c["t"] / 60.0
    a1.plot(h, c["gh"], **fg.OURS, label="GH, usual dinner 18:30")
    a1.plot(h, c["gh_late"], color="tab:orange", lw=1, alpha=0.8, label="high-carb meal at 22:00")
    a1.plot(
        c["peaks"] / 60.0,
        np.interp(c["peaks"], c["t"], c["gh"]),
        "kv",
        ms=4,
        label="counted pulses",
    )
    for k, o in enumerate(c["onsets"]):
        a1.axvspan(
            o / 60,
            (o + 90) / 60,
            **fg.BAND,
            label="accepted: largest pulse within 90 min of sleep onset" if k == 0 else None,
        )
    a1.set_xlabel("time (h from 08:00)")
    a1.set_ylabel("plasma GH (ug/L)")
    return fig


V13 = Target(
    "V13",
    "48 h free-living: GH half-life, pulse count, sleep-onset surge, late-meal blunting",
    "Holl et al. 1993, JCEM 77:216; Winer et al. 1990, JCEM 70:1678; Van Cauter et al. 1996, "
    "J Pediatr 128:S32",
    "healthy, 48 h from 08:00, three meals a day, default nights 23:00-07:00; pulses = peaks "
    f"with prominence >= {PULSE_PROMINENCE_UG_L} ug/L; half-life = median log-linear fall "
    "15-45 min after each pulse; late-meal arm: the dinner replaced by 150 g carbohydrate at "
    "22:00 (same seed)",
    (
        Criterion("half_life_min", "GH plasma half-life", 14.0, 26.0, "min"),
        Criterion("pulses_per_day", "GH pulses per day", 8.0, 18.0),
        Criterion(
            "largest_at_onset_frac",
            "nights whose largest pulse is within 90 min of onset",
            1.0,
            1.0,
        ),
        Criterion(
            "late_meal_ratio", "sleep-onset pulse, late meal / usual", None, 1.0, strict=True
        ),
    ),
    _v13_scn,
    _v13_measure,
    _v13_draw,
    cost=30.0,
)


# --------------------------------------------------------------------------- V14
V14_AT = 60.0
V14_DOSE_UG = 750.0
"""About 10 ug/kg (14 nmol/kg, one of Gobburu 1999's doses) for a 75 kg subject."""


def _v14_scn(seed: int) -> dict:
    drug = {
        "kind": "secretagogue",
        "drug": "ipamorelin",
        "at_min": V14_AT,
        "dose_ug": V14_DOSE_UG,
        "infusion_min": 15,
    }
    keys = {"duration_min": V14_AT + 240, "record_every_min": 1}
    return {
        "control": scenario("V14_control", seed, **keys),
        "drug": scenario("V14_ipamorelin", seed, interventions=[drug], **keys),
    }


def _v14_measure(runs: dict[str, RunData]) -> Measured:
    c, d = runs["control"].timeseries, runs["drug"].timeseries
    t = c["time_min"].to_numpy(float)
    diff = (d["gh_ug_l"] - c["gh_ug_l"]).to_numpy(float)
    tp, _ = mx.peak(t, diff, V14_AT)
    values = {"peak_h": (tp - V14_AT) / 60.0}
    return Measured(
        values,
        {
            "t": (t - V14_AT) / 60.0,
            "gh": d["gh_ug_l"].to_numpy(float),
            "gh_c": c["gh_ug_l"].to_numpy(float),
            "diff": diff,
        },
    )


def _v14_draw(title: str, out) -> fg.Figure:  # noqa: ANN001
    c = out.curves
    fig, (a1,) = fg.panels(1, title, width=7)
    a1.plot(c["t"], c["gh"], **fg.OURS, label="Ipamorelin 15-min iv at 0")
    a1.plot(c["t"], c["gh_c"], color="tab:gray", label="control (same seed)")
    a1.plot(c["t"], c["diff"], color="tab:orange", ls="--", label="drug - control")
    fg.vband(a1, 0.5, 0.9, label="accepted peak time")
    a1.set_xlabel("time after start of infusion (h)")
    a1.set_ylabel("plasma GH (ug/L)")
    return fig


V14 = Target(
    "V14",
    "15-min iv Ipamorelin: time of the GH peak",
    "Gobburu et al. 1999, Pharm Res 16:1412 (peak 0.67 h)",
    f"healthy, fasting; {V14_DOSE_UG:g} ug Ipamorelin iv over 15 min at {V14_AT:g} min; the "
    "peak of (drug - control) GH with the same seed (endogenous pulses cancel)",
    (Criterion("peak_h", "GH peak after the start", 0.5, 0.9, "h"),),
    _v14_scn,
    _v14_measure,
    _v14_draw,
    cost=4.0,
)

TARGETS = (V07, V13, V14)
