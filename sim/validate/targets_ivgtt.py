"""Insulin-secretion targets (issue 22, item 5): the intravenous glucose tolerance test (V28-V31)
and the incretin effect of oral against intravenous glucose (V32).

Each number is from the cited abstract with its own uncertainty; the band says how it was set.
Targets marked ``prediction`` were never used to set a parameter (reported apart by
``sim validate``); the others are calibration targets and the parameters fitted to them say
so in their provenance. First results on the model as it stood before any parameter was
changed for them: docs/validation.md.
"""

from __future__ import annotations

import numpy as np

from sim.validate import figures as fg
from sim.validate import metrics as mx
from sim.validate.core import (
    Criterion,
    Measured,
    RunData,
    Target,
    scenario,
    series,
    window,
)

BOLUS_MIN = 30.0
"""The bolus (or the oral/iv load) is given at 30 min, after a 30-min basal window (08:00 start,
overnight fasted)."""
BASAL = (0.0, BOLUS_MIN)
KEYS = {"record_every_min": 1, "cell_record_every_min": 600}
IVGTT_G_KG = 0.3  # Hovorka 2002's dose; the standard 0.3 g/kg test


def _ivgtt_scn(seed: int) -> dict:
    proto = {"kind": "ivgtt", "glucose_g_kg": IVGTT_G_KG, "at_min": BOLUS_MIN}
    return {"ivgtt": scenario("ivgtt_0.3", seed, protocol=proto, duration_min=210, **KEYS)}


def k_glucose(t: np.ndarray, g: np.ndarray, t0: float, t1: float) -> float:
    """Glucose disappearance constant K (%/min): minus the slope of ln(plasma glucose) against
    time between ``t0`` and ``t1`` min after the bolus, times 100 (the classical K value)."""
    on = (t >= t0) & (t <= t1)
    return float(-np.polyfit(t[on], np.log(g[on]), 1)[0] * 100.0)


def _ivgtt_measure(runs: dict[str, RunData]) -> Measured:
    r = runs["ivgtt"]
    t, g = series(r, "glucose_mM")
    _, ins = series(r, "insulin_uU_ml")
    _, egp = series(r, "egp_mg_kg_min")
    _, rd = series(r, "rd_mg_kg_min")
    _, other = series(r, "uptake_other_mg_kg_min")
    tt = t - BOLUS_MIN
    ins0, egp0 = window(r, "insulin_uU_ml", *BASAL), window(r, "egp_mg_kg_min", *BASAL)
    # insulin-dependent disposal clearance (mL-equivalent: uptake per unit glucose), the
    # quantity Hovorka's model calls the insulin effect on disposal
    clear = (rd - other) / g
    clear0 = float(np.mean(clear[(t >= BASAL[0]) & (t < BASAL[1])]))
    first = (tt >= 0) & (tt <= 10)
    hour = (tt >= 0) & (tt <= 60)
    values = {
        "ins_peak_min_0_10": float(tt[first][np.argmax(ins[first])]),
        "air_uU_ml": float(np.mean(ins[first] - ins0)),
        "k_10_40": k_glucose(tt, g, 10.0, 40.0),
        "egp_supp_60": float(1.0 - np.min(egp[hour]) / egp0),
        "disposal_activation": float(np.max(clear[hour]) / clear0 - 1.0),
        "ins_peak_uU_ml": float(np.max(ins[first])),
        "ins_30_uU_ml": mx.value_at(tt, ins, 30.0),
    }
    curves = {"t": tt, "g": g, "ins": ins, "egp": egp / egp0, "clear": clear / clear0 - 1.0}
    return Measured(values, curves)


def _ivgtt_draw(title: str, out) -> fg.Figure:  # noqa: ANN001
    c = out.curves
    fig, (a1, a2) = fg.panels(2, title)
    a1.plot(c["t"], c["ins"], **fg.OURS, label="insulin")
    a1.axvspan(0.0, 5.0, **fg.BAND, label="first-phase peak (V28)")
    a1.set_xlim(-10, 120)
    a1.set_xlabel("time from the bolus (min)")
    a1.set_ylabel("plasma insulin (uU/mL)")
    a2.plot(c["t"], c["g"], color="tab:red", label="glucose")
    a2.set_xlim(-10, 120)
    a2.set_yscale("log")
    a2.set_xlabel("time from the bolus (min)")
    a2.set_ylabel("plasma glucose (mM, log scale)")
    return fig


def _draw_fluxes(title: str, out) -> fg.Figure:  # noqa: ANN001
    c = out.curves
    fig, (a1,) = fg.panels(1, title)
    a1.plot(c["t"], c["egp"], color="tab:green", label="EGP / basal")
    a1.plot(c["t"], c["clear"], color="tab:red", label="insulin-dependent clearance, rise")
    a1.set_xlim(-10, 120)
    a1.set_xlabel("time from the bolus (min)")
    a1.set_ylabel("relative to basal")
    return fig


IVGTT_PROTOCOL = (
    f"healthy, overnight fasted (08:00); {IVGTT_G_KG:g} g/kg iv glucose bolus at "
    f"{BOLUS_MIN:g} min; basal = the 30 min before"
)

V28 = Target(
    "V28",
    "IVGTT: the first-phase insulin peak comes within minutes of the bolus",
    "first-phase insulin response: peak insulin within the 1 + 3 min samples (DPT-1 first-test "
    "study, Pediatr Diabetes 2015;16:129); the 3-5 min insulin as the first-phase marker "
    "(Davies et al. 1994, Diabet Med 11:432)",
    IVGTT_PROTOCOL + "; time of the highest plasma insulin in the first 10 min after the bolus; "
    "band: at or before the 5-min sample (no uncertainty given: a shape criterion)",
    (Criterion("ins_peak_min_0_10", "time of the insulin peak, 0-10 min", 0.0, 5.0, "min"),),
    _ivgtt_scn,
    _ivgtt_measure,
    _ivgtt_draw,
    cost=1.0,
)

V29 = Target(
    "V29",
    "IVGTT: glucose disappearance constant K of a healthy subject",
    "A High-Dose Intravenous Glucose Tolerance Test (50 g/1.73 m2, 61 healthy nonobese "
    "subjects < 50 y: K range 1.0-5.0, mode 1.5-1.9, mean 2.6 %/min; 95 % above 1.5, the "
    "lower limit of normal)",
    IVGTT_PROTOCOL + "; K = -100 x slope of ln(glucose) 10-40 min after the bolus; band from the "
    "lower limit of normal (1.5) to the top of the healthy range (5.0)",
    (Criterion("k_10_40", "glucose disappearance K, 10-40 min", 1.5, 5.0, "%/min"),),
    _ivgtt_scn,
    _ivgtt_measure,
    _ivgtt_draw,
    cost=1.0,
)

V30 = Target(
    "V30",
    "IVGTT: endogenous glucose production suppressed within an hour",
    "Hovorka et al. 2002, Am J Physiol Endocrinol Metab 282:E992 (6 healthy lean men, 0.3 g/kg "
    "dual-tracer IVGTT: EGP suppressed by 70 % (52-82 %, 95 % CI) within 60 min)",
    IVGTT_PROTOCOL + "; suppression = 1 - (lowest EGP in the 60 min after the bolus) / basal "
    "EGP; band = the 95 % CI",
    (Criterion("egp_supp_60", "EGP suppression within 60 min", 0.52, 0.82),),
    _ivgtt_scn,
    _ivgtt_measure,
    _draw_fluxes,
    cost=1.0,
    prediction=True,
)

V31 = Target(
    "V31",
    "IVGTT: insulin activation of glucose disposal",
    "Hovorka et al. 2002 (as V30: glucose disposal maximally activated by 279 % (116-565 %, "
    "95 % CI) above basal, at 20 min)",
    IVGTT_PROTOCOL + "; activation = highest insulin-dependent glucose clearance (disposal minus "
    "brain/other uptake, per unit plasma glucose) in the 60 min after the bolus / basal - 1; "
    "band = the 95 % CI",
    (Criterion("disposal_activation", "peak disposal activation", 1.16, 5.65),),
    _ivgtt_scn,
    _ivgtt_measure,
    _draw_fluxes,
    cost=1.0,
    prediction=True,
)


# --------------------------------------------------------------------------- Elrick 1964
ELRICK_G = 20.0
ELRICK_MIN = 60.0
ISO_SEG_MIN = 5.0
"""Length of each constant-rate step of the isoglycaemic iv infusion."""
ISO_ITERATIONS = 6
"""Rounds of adjusting the iv steps to the oral arm's glucose (the deviation falls below
~0.1 mM within five)."""
ISO_GAIN = 4.0
"""mg/kg/min added to a step per mM its glucose (half a step to a step and a half later) is
below the oral arm's: ~1/(20 min) of the ~3.4 dL/kg the glucose spreads into."""


def _elrick_scn(seed: int) -> dict:
    """20 g glucose as a drink at the start of the hour; the iv arm is designed from this run
    (:func:`isoglycaemic_iv`) when it is measured."""
    oral = {"kind": "ogtt", "glucose_g": ELRICK_G, "at_min": BOLUS_MIN}
    end = BOLUS_MIN + 2 * ELRICK_MIN
    return {"oral": scenario("elrick_oral", seed, duration_min=end, protocol=oral, **KEYS)}


def _iv_run(oral: dict, starts: np.ndarray, rates: np.ndarray) -> RunData:
    """The oral arm's subject (same seed, cells and parameters) given iv glucose in steps of
    ``ISO_SEG_MIN`` from ``starts`` at ``rates`` (mg/kg/min) instead of the drink."""
    from sim.validate.suite import run_job

    iv = [
        {
            "kind": "glucose_infusion",
            "start_min": float(a),
            "duration_min": ISO_SEG_MIN,
            "rate_mg_kg_min": float(r),
        }
        for a, r in zip(starts, rates, strict=True)
        if r > 1e-3
    ]
    scn = {k: v for k, v in oral.items() if k != "protocol"}
    return run_job({**scn, "name": "elrick_iv_isoglycaemic", "interventions": iv})


def isoglycaemic_iv(oral: RunData) -> tuple[RunData, float]:
    """The iv arm of an isoglycaemic comparison (Nauck 1986): iv glucose in 5-min steps,
    adjusted over ``ISO_ITERATIONS`` rounds until plasma glucose copies the oral arm's, as
    the investigators adjusted the pump to the oral test's curve. Starts from 80 % of the
    oral arm's gut appearance; each round raises a step by ``ISO_GAIN`` per mM its glucose
    fell short. Returns the iv run and the glucose it was given (g, 75 kg subject)."""
    t, g_oral = series(oral, "glucose_mM")
    _, ra = series(oral, "ra_meal_mg_kg_min")
    n = int(round(2 * ELRICK_MIN / ISO_SEG_MIN))
    starts = BOLUS_MIN + ISO_SEG_MIN * np.arange(n)

    def seg_mean(y: np.ndarray, a: float, b: float) -> float:
        return float(y[(t >= a) & (t < b)].mean())

    rates = np.array([0.8 * seg_mean(ra, a, a + ISO_SEG_MIN) for a in starts])
    for _ in range(ISO_ITERATIONS):
        iv = _iv_run(oral.scenario, starts, rates)
        short = g_oral - series(iv, "glucose_mM")[1]
        err = np.array(
            [seg_mean(short, a + ISO_SEG_MIN / 2, a + 1.5 * ISO_SEG_MIN) for a in starts]
        )
        rates = np.maximum(rates + ISO_GAIN * err, 0.0)
    iv = _iv_run(oral.scenario, starts, rates)
    body_kg = float(oral.scenario.get("subject", {}).get("body_mass_kg", 75.0))
    return iv, float(rates.sum() * ISO_SEG_MIN * body_kg / 1000.0)


def _elrick_measure(runs: dict[str, RunData]) -> Measured:
    w = (BOLUS_MIN, BOLUS_MIN + 2 * ELRICK_MIN)
    # a given iv arm (a test's synthetic run) is used as it is; otherwise it is designed here
    iv, iv_g = (runs["iv"], float("nan")) if "iv" in runs else isoglycaemic_iv(runs["oral"])
    arms = {"oral": runs["oral"], "iv": iv}

    def incr(r: RunData, col: str) -> float:
        return window(r, col, *w) - window(r, col, *BASAL)

    t, g_oral = series(arms["oral"], "glucose_mM")
    on = (t >= w[0]) & (t <= w[1])
    values = {
        "insulin_ratio": incr(arms["oral"], "insulin_uU_ml") / incr(arms["iv"], "insulin_uU_ml"),
        "glucose_ratio": incr(arms["oral"], "glucose_mM") / incr(arms["iv"], "glucose_mM"),
        "glucose_max_dev_mM": float(
            np.max(np.abs(g_oral - series(arms["iv"], "glucose_mM")[1])[on])
        ),
        "iv_glucose_g": iv_g,
    }
    curves = {"t": t}
    for arm in ("oral", "iv"):
        curves[f"{arm}_g"] = series(arms[arm], "glucose_mM")[1]
        curves[f"{arm}_i"] = series(arms[arm], "insulin_uU_ml")[1]
    return Measured(values, curves)


def _elrick_draw(title: str, out) -> fg.Figure:  # noqa: ANN001
    c = out.curves
    fig, (a1, a2) = fg.panels(2, title)
    for arm, colour in (("oral", "tab:blue"), ("iv", "tab:red")):
        label = "iv, isoglycaemic" if arm == "iv" else arm
        a1.plot(c["t"], c[f"{arm}_g"], color=colour, label=label)
        a2.plot(c["t"], c[f"{arm}_i"], color=colour, label=label)
    a1.set_xlabel("time (min)")
    a1.set_ylabel("plasma glucose (mM)")
    a2.set_xlabel("time (min)")
    a2.set_ylabel("plasma insulin (uU/mL)")
    return fig


V32 = Target(
    "V32",
    "incretin effect: more insulin after oral than after isoglycaemic iv glucose",
    "Elrick et al. 1964, J Clin Endocrinol Metab 24:1076 (20 g glucose orally or iv over 1 h in "
    "10 normal adults: similar glucose and K, plasma insulin higher and more sustained after "
    "oral glucose); isoglycaemic design of Nauck et al. 1986, J Clin Endocrinol Metab 63:492",
    f"healthy, overnight fasted; {ELRICK_G:g} g glucose as a drink at {BOLUS_MIN:g} min; the "
    f"same subject given iv glucose in {ISO_SEG_MIN:g}-min steps adjusted until plasma glucose "
    "copies the oral arm's (isoglycaemic, as Elrick's arms were and Nauck's design makes "
    "explicit); mean insulin increment over 2 h oral / iv; a strict direction (the abstract "
    "gives no uncertainty)",
    (Criterion("insulin_ratio", "insulin increment, oral / iv", 1.0, None, strict=True),),
    _elrick_scn,
    _elrick_measure,
    _elrick_draw,
    cost=1.0,
    prediction=True,
)

TARGETS = (V28, V30, V31, V32)

PENDING = (V29,)
"""Pre-registered targets the model still fails (docs/validation.md gives their first and
latest results): not run by ``sim validate`` until the mechanism behind each is fixed (V29:
insulin-dependent glucose disposal drawn from plasma, not from the tissue glucose pool, and
no insulin effect on glucose transport). Run with ``sim validate --only V29``."""


if __name__ == "__main__":  # pragma: no cover - a manual check of the pending targets
    from sim.validate.core import judge
    from sim.validate.suite import run_job

    for tgt in PENDING:
        for seed in (0, 1, 2):
            runs = {k: run_job(v) for k, v in tgt.scenarios(seed).items()}
            out = judge(tgt, seed, tgt.measure(runs), None)
            print(tgt.id, seed, {c.key: round(c.value, 3) for c in out.criteria}, out.passed)
