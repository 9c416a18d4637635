"""Tissue-remodelling targets (issue 26): overfeeding and adipose macrophages (R01-R05),
muscle and GH (R06-R10), hepatocyte lipid (R11-R12).

Each number is from the cited abstract with its own uncertainty; the band says how it was set.
Targets marked ``prediction`` were never used to set a parameter. Every run simulates weeks
(one full-resolution day in seven, docs/remodelling.md), so they take minutes: they are run
only when named (``sim validate --only R01 ...``), like the pending targets. First results
on the model as it stood before any parameter was changed for them: docs/remodelling.md.
"""

from __future__ import annotations

import numpy as np

from sim.validate import figures as fg
from sim.validate.core import Criterion, Measured, RunData, Target, scenario

CELLS = {"muscle": 60, "liver": 30, "adipose": 160}
WEEK = 10080.0
MEALS = [
    {"kind": "meal", "at_min": 60, "carbs_g": 60, "protein_g": 20, "fat_g": 15, "fiber_g": 5},
    {"kind": "meal", "at_min": 360, "carbs_g": 75, "protein_g": 30, "fat_g": 20, "fiber_g": 8},
    {"kind": "meal", "at_min": 720, "carbs_g": 75, "protein_g": 35, "fat_g": 25, "fiber_g": 8},
]
CLAMP_MIN = 240.0


RUN_IN = WEEK
"""A surplus eaten as meals starts after a week at energy balance: day 0 is the day the
remodelling rules refer to, and the surplus's first day must be a simulated one."""


def _surplus(kcal: float, days: int, **keys) -> dict:
    """The diet of ``days`` at ``kcal`` a day over needs, after the run-in week."""
    return {
        "kind": "diet", "energy_balance_kcal_day": kcal, "start_min": RUN_IN,
        "duration_min": days * 1440.0, **keys,
    }  # fmt: skip


def _overfed(
    name: str, seed: int, kcal: float, days: int, clamp: bool = False, run_in: bool = False,
    **keys,
) -> dict:  # fmt: skip
    """``days`` of free living with three daily meals and ``kcal`` a day over needs (with
    ``run_in``: after a week at energy balance, :data:`RUN_IN`); with ``clamp``, a
    hyperinsulinaemic euglycaemic clamp (100 uU/mL) after the night that follows, on a
    simulated day (days is a multiple of 7)."""
    start = RUN_IN if run_in else 0.0
    end = start + days * 1440.0
    meals = [{**m, "repeat_every_min": 1440, "repeat_until_min": end - 1} for m in MEALS]
    diet = _surplus(kcal, days) if run_in else {"kind": "diet", "energy_balance_kcal_day": kcal}
    extra = {}
    if clamp:
        extra["protocol"] = {
            "kind": "clamp", "insulin_uU_ml": 100, "step_min": CLAMP_MIN, "start_min": end + 120,
        }  # fmt: skip
        end += 120 + CLAMP_MIN
    return scenario(
        name,
        seed,
        cells=dict(CELLS),
        duration_min=end,
        record_every_min=60,
        cell_record_every_min=end,
        start_clock_h=7.0,
        remodel={"every_min": 1440, "simulate_every_days": 7},
        interventions=[*meals, diet],
        **extra,
        **keys,
    )


def _first_last(run: RunData, col: str, t_end: float | None = None) -> tuple[float, float]:
    ts = run.timeseries
    last = ts if t_end is None else ts[ts["time_min"] <= t_end + 1e-9]
    return float(ts[col].iloc[0]), float(last[col].iloc[-1])


# ---------------------------------------------------------------- R01-R03: 8 weeks overfed


def _eight_weeks(seed: int) -> dict:
    return {
        "surplus": _overfed("overfed_8wk", seed, 1000.0, 56, clamp=True, run_in=True),
        "control": _overfed("overfed_8wk_control", seed, 0.0, 56, clamp=True, run_in=True),
    }


END_8WK = RUN_IN + 56 * 1440.0
"""The end of the 8 weeks of overfeeding (R01, R03 read from the first record to it: arm
and control are the same run until the surplus starts)."""


def _fat_gain(runs: dict[str, RunData]) -> Measured:
    end = END_8WK
    gain = {a: np.subtract(*_first_last(runs[a], "fat_mass_kg", end)[::-1]) for a in runs}
    return Measured(
        {"fat_gain_kg": float(gain["surplus"] - gain["control"])},
        {"fat": {a: runs[a].timeseries[["time_min", "fat_mass_kg"]] for a in runs}},
    )


def _m_change(runs: dict[str, RunData]) -> Measured:
    m = {a: float(runs[a].summary["m_value_mg_kg_min"]) for a in runs}
    return Measured(
        {"m_change_pct": 100.0 * (m["surplus"] / m["control"] - 1.0)},
        {"m": m},
    )


def _lipid_change(runs: dict[str, RunData]) -> Measured:
    end = END_8WK
    col = "adipose.lipid_ug_mean_subcutaneous"
    first, last = _first_last(runs["surplus"], col, end)
    c0, c1 = _first_last(runs["control"], col, end)
    return Measured(
        {"lipid_change_ug": (last - first) - (c1 - c0), "lipid_start_ug": first},
        {"lipid": {a: runs[a].timeseries[["time_min", col]] for a in runs}},
    )


def _draw_bars(title: str, out) -> fg.Figure:  # noqa: ANN001
    fig, axes = fg.panels(1, title)
    c = out.criteria[0]
    fg.bars(axes[0], [c.label], [c.value], c.key)
    fg.hband(axes[0], c.band[0], c.band[1])
    return fg.finish(fig)


SOURCE_BOUCHARD = (
    "Bouchard 1990, N Engl J Med 322:1477: 12 pairs of twins overfed 1000 kcal/day (84,000 "
    "kcal in 100 days) gained 8.1 kg (range 4.3-13.3), 5.4 kg of it fat"
)
R01 = Target(
    id="R01",
    name="Fat gained over 8 weeks at +1000 kcal/day (remodelling)",
    source=SOURCE_BOUCHARD,
    protocol="a week at energy balance, then 56 days at diet.energy_balance_kcal_day 1000 "
    "(eaten with the three daily meals) against 0; fat "
    "mass gained (arm minus control). Band: Bouchard's 5.4 kg per 84,000 kcal scaled to "
    "56,000 kcal (3.6 kg), widened by the range of the gains (4.3-13.3 kg of 8.1): 1.9-5.9 kg",
    criteria=(Criterion("fat_gain_kg", "fat gained", 1.9, 5.9, "kg"),),
    scenarios=_eight_weeks,
    measure=_fat_gain,
    draw=_draw_bars,
    cost=60.0,
)
R02 = Target(
    id="R02",
    name="Insulin sensitivity after 8 weeks of overfeeding (remodelling)",
    source="Johannsen 2014, Diabetes Care 37:2789: 29 men overfed 40 % for 8 weeks, clamp "
    "insulin sensitivity -18 % (P < 0.001); Samocha-Bonet 2010, Diabetes 59:2164: +1250 "
    "kcal/day for 28 days, -11 % (54.6 +/- 18.7 to 48.9 +/- 15.7 umol/kg FFM/min)",
    protocol="as R01, then after an overnight fast a 240-min clamp at 100 uU/mL on day 64; M "
    "(last 30 min) of the overfed arm relative to the control. Band: -30 % to -5 %, around "
    "the two studies' mean falls (-18 %, -11 %)",
    criteria=(Criterion("m_change_pct", "clamp M change", -30.0, -5.0, "%"),),
    scenarios=_eight_weeks,
    measure=_m_change,
    draw=_draw_bars,
    cost=60.0,
    prediction=True,
)
R03 = Target(
    id="R03",
    name="Subcutaneous adipocyte growth over 8 weeks of overfeeding (remodelling)",
    source="Tchoukalova 2010, PNAS 107:18226: 28 lean adults overfed 8 weeks gained 3.5 kg "
    "of fat; abdominal subcutaneous adipocytes grew by 0.16 +/- 0.06 ug lipid per cell",
    protocol="as R01; change in the mean lipid per subcutaneous adipocyte (arm minus control). "
    "Band: 0.16 +/- 2 x 0.06 ug",
    criteria=(Criterion("lipid_change_ug", "lipid per s.c. adipocyte", 0.04, 0.28, "ug"),),
    scenarios=_eight_weeks,
    measure=_lipid_change,
    draw=_draw_bars,
    cost=60.0,
    prediction=True,
)

# ---------------------------------------------------------------- R04: macrophages


MANY = {"muscle": 40, "liver": 20, "adipose": 480}
"""R04 counts a few percent of the adipocytes: more adipocyte agents, less sampling noise."""


def _lean_obese(seed: int) -> dict:
    obese = {"body.fat_fraction": 0.5, "body.visceral_fraction": 0.2}
    lean = _overfed("macrophages_lean", seed, 0.0, 56)
    fat = _overfed(
        "macrophages_obese",
        seed,
        0.0,
        56,
        subject={"phenotype": "obese", "body_mass_kg": 130.0},
        parameters=obese,
    )
    return {"lean": {**lean, "cells": dict(MANY)}, "obese": {**fat, "cells": dict(MANY)}}


def _macrophages(runs: dict[str, RunData]) -> Measured:
    col = "adipose.macrophages_per_100_adipocytes"
    last_weeks = {  # the mean over the last 4 weekly values (the count is a few dozen agents)
        a: float(r.timeseries.loc[r.timeseries["time_min"] >= 4 * WEEK, col].mean())
        for a, r in runs.items()
    }
    return Measured(
        {"obese_per_100": last_weeks["obese"], "lean_per_100": last_weeks["lean"]},
        {"macrophages": {a: r.timeseries[["time_min", col]] for a, r in runs.items()}},
    )


R04 = Target(
    id="R04",
    name="Adipose tissue macrophages, lean against morbidly obese (remodelling)",
    source="Cancello 2005, Diabetes 54:2277: HAM56+/CD68+ macrophages in subcutaneous fat, "
    "1.4 +/- 0.6 % in 7 lean and 22.6 +/- 4.3 % in 17 morbidly obese subjects",
    protocol="8 weeks at energy balance: a healthy 75-kg subject (20 % fat) and a 130-kg "
    "subject with 50 % fat (obese preset); macrophages per 100 adipocytes, mean of weeks 4-8. "
    "Bands: each mean +/- 2 of its stated spreads",
    criteria=(
        Criterion("obese_per_100", "obese", 14.0, 31.2, "per 100 adipocytes"),
        Criterion("lean_per_100", "lean", 0.2, 2.6, "per 100 adipocytes"),
    ),
    scenarios=_lean_obese,
    measure=_macrophages,
    draw=_draw_bars,
    cost=60.0,
)

# ---------------------------------------------------------------- R05: 4 weeks overfed


def _four_weeks(seed: int) -> dict:
    """480 adipocyte agents (as R04): with 160, one macrophage agent is 0.6 per 100
    adipocytes, as large as the band's half-width."""
    return {
        "surplus": {**_overfed("overfed_4wk", seed, 1250.0, 28, run_in=True), "cells": dict(MANY)},
        "control": {
            **_overfed("overfed_4wk_control", seed, 0.0, 28, run_in=True),
            "cells": dict(MANY),
        },
    }


def _macrophage_change(runs: dict[str, RunData]) -> Measured:
    col = "adipose.macrophages_per_100_adipocytes"
    change = {a: np.subtract(*_first_last(r, col)[::-1]) for a, r in runs.items()}
    return Measured({"macrophage_change": float(change["surplus"] - change["control"])})


R05 = Target(
    id="R05",
    name="No macrophage rise after 4 weeks of overfeeding (remodelling)",
    source="Samocha-Bonet 2010, Diabetes 59:2164: +1250 kcal/day for 28 days, weight +2.7 +/- "
    "1.6 kg; no change in adipose tissue macrophage number (flow cytometry and "
    "immunohistochemistry)",
    protocol="a week at energy balance, then 28 days at +1250 kcal/day (eaten) against 0, "
    "480 adipocyte agents; change in "
    "macrophages per 100 adipocytes (arm minus control). Band: +/- 1.2 per 100, twice the "
    "spread of lean subjects' macrophage share in Cancello 2005 (0.6)",
    criteria=(Criterion("macrophage_change", "macrophage change", -1.2, 1.2, "per 100"),),
    scenarios=_four_weeks,
    measure=_macrophage_change,
    draw=_draw_bars,
    cost=30.0,
    prediction=True,
)


# ---------------------------------------------------------------- R06-R10: muscle and GH (R3)


def _remodel_run(name: str, seed: int, days: int, interventions: list, **keys) -> dict:
    """``days`` of free living with three daily meals plus ``interventions``, remodelling
    with one full-resolution day in seven."""
    end = days * 1440.0
    meals = [{**m, "repeat_every_min": 1440} for m in MEALS]
    return scenario(
        name,
        seed,
        cells=keys.pop("cells", dict(CELLS)),
        duration_min=end,
        record_every_min=1440,
        cell_record_every_min=end,
        start_clock_h=7.0,
        remodel={"every_min": 1440, "simulate_every_days": 7},
        interventions=[*meals, *interventions],
        **keys,
    )


def _session(mode: str, minutes: float, intensity: float) -> dict:
    """A daily session at 17:00 (10 h after the 07:00 start)."""
    return {
        "kind": "exercise", "mode": mode, "start_min": 600, "duration_min": minutes,
        "intensity_vo2max": intensity, "repeat_every_min": 1440,
    }  # fmt: skip


def _change(runs: dict[str, RunData], col: str, arm: str = "trained") -> float:
    """Relative change (%) of ``col`` from the first to the last record, arm minus control."""
    rel = {a: np.divide(*_first_last(runs[a], col)[::-1]) - 1.0 for a in runs}
    return 100.0 * float(rel[arm] - rel["control"])


# R06: McCall 1996, 12 weeks of resistance training (3 x 45 min a week given as a daily
# 19-min session: the multi-rate scheme needs daily events; the mechanical signal decays
# over 1.5 days, so its weekly mean is the same)
def _resistance_12wk(seed: int) -> dict:
    rt = _session("resistance", 19.0, 0.8)
    return {
        "trained": _remodel_run("resistance_12wk", seed, 84, [rt]),
        "control": _remodel_run("resistance_12wk_control", seed, 84, []),
    }


def _hypertrophy(runs: dict[str, RunData]) -> Measured:
    return Measured(
        {
            "csa_type_II_pct": _change(runs, "muscle.csa_um2_type_II"),
            "csa_type_I_pct": _change(runs, "muscle.csa_um2_type_I"),
        },
        {a: runs[a].timeseries[["time_min", "muscle.csa_um2_mean"]] for a in runs},
    )


def _draw_two(title: str, out) -> fg.Figure:  # noqa: ANN001
    fig, axes = fg.panels(len(out.criteria), title)
    for ax, c in zip(axes, out.criteria, strict=True):
        fg.bars(ax, [c.label], [c.value], c.key)
        fg.hband(ax, c.band[0], c.band[1])
    return fg.finish(fig)


R06 = Target(
    id="R06",
    name="Fibre hypertrophy after 12 weeks of resistance training (remodelling)",
    source="McCall 1996, J Appl Physiol 81:2004: 12 weeks, 3 sessions a week, 11 men; fibre "
    "area type II 6,378 +/- 1,552 -> 7,474 +/- 2,017 um2 (+17 %), type I 4,196 +/- 859 -> "
    "4,617 +/- 1,116 um2 (+10 %)",
    protocol="84 days, a daily 19-min resistance session at 0.8 VO2max (the weekly set time "
    "of 3 x 45 min) against none; relative change of mean fibre area, arm minus control. "
    "Bands: type II +8 to +30 %, type I +3 to +20 % (around +17 % and +10 %, the spread of the "
    "post-training areas)",
    criteria=(
        Criterion("csa_type_II_pct", "type II area", 8.0, 30.0, "%"),
        Criterion("csa_type_I_pct", "type I area", 3.0, 20.0, "%"),
    ),
    scenarios=_resistance_12wk,
    measure=_hypertrophy,
    draw=_draw_two,
    cost=120.0,
)


# R07/R08: Ingjer 1979, 24 weeks of endurance training
def _endurance_24wk(seed: int) -> dict:
    cells = {"muscle": 200, "liver": 30, "adipose": 80}  # capillary counts: sampling noise
    et = _session("aerobic", 45.0, 0.7)
    return {
        "trained": _remodel_run("endurance_24wk", seed, 168, [et], cells=dict(cells)),
        "control": _remodel_run("endurance_24wk_control", seed, 168, [], cells=dict(cells)),
    }


def _capillaries(runs: dict[str, RunData]) -> Measured:
    last = {a: _first_last(runs[a], "muscle.type_I_fraction") for a in runs}
    shift = (last["trained"][1] - last["trained"][0]) - (last["control"][1] - last["control"][0])
    return Measured(
        {
            "cf_change_pct": _change(runs, "muscle.capillaries_per_fibre"),
            "type_I_change_pp": 100.0 * shift,
        },
        {a: runs[a].timeseries[["time_min", "muscle.capillaries_per_fibre"]] for a in runs},
    )


SOURCE_INGJER = (
    "Ingjer 1979, J Physiol 294:419: 7 young women, 24 weeks of intensive endurance training; "
    "capillaries per fibre 1.39 -> 1.79 (+28.8 %, P < 0.005), type I fibres 57.9 -> 56.5 % "
    "(no significant change; the shifts were within type II, IIB 9.2 -> 3.4 %)"
)
R07 = Target(
    id="R07",
    name="Capillaries per fibre after 24 weeks of endurance training (remodelling)",
    source=SOURCE_INGJER,
    protocol="168 days, a daily 45-min session at 0.7 VO2max against none; relative change of "
    "capillaries per fibre, arm minus control. Band: +15 to +45 % around +28.8 %",
    criteria=(Criterion("cf_change_pct", "capillaries per fibre", 15.0, 45.0, "%"),),
    scenarios=_endurance_24wk,
    measure=_capillaries,
    draw=_draw_bars,
    cost=240.0,
)
R08 = Target(
    id="R08",
    name="No type I shift after 24 weeks of endurance training (remodelling)",
    source=SOURCE_INGJER,
    protocol="as R07; change of the type I fraction (percentage points), arm minus control. "
    "Band: -5 to +5 points (Ingjer: -1.4 points, not significant)",
    criteria=(Criterion("type_I_change_pp", "type I fraction", -5.0, 5.0, "points"),),
    scenarios=_endurance_24wk,
    measure=lambda runs: Measured(
        {
            "type_I_change_pp": _capillaries(runs).values["type_I_change_pp"],
            # reported beside the criterion: Ingjer's IIB (IIx) share fell 9.2 -> 3.4 %
            "type_IIx_change_pp": 100.0
            * float(
                np.subtract(*_first_last(runs["trained"], "muscle.type_IIx_fraction")[::-1])
                - np.subtract(*_first_last(runs["control"], "muscle.type_IIx_fraction")[::-1])
            ),
        }
    ),
    draw=_draw_bars,
    cost=240.0,
    prediction=True,
)


# R09/R10: 26 weeks of GH replacement in GH-deficient adults (the shipped scenario pair)
def _gh_26wk(seed: int) -> dict:
    from pathlib import Path

    import yaml

    root = Path(__file__).resolve().parents[2] / "configs" / "scenarios"
    arms = {
        "gh": root / "gh_replacement_26wk.yaml",
        "control": root / "controls" / "gh_replacement_26wk.yaml",
    }
    return {a: {**yaml.safe_load(p.read_text()), "seed": seed} for a, p in arms.items()}


def _gh_body(runs: dict[str, RunData]) -> Measured:
    out = {}
    for col, key in (("fat_mass_kg", "fat_change_kg"), ("lean_mass_kg", "lean_change_kg")):
        ch = {a: np.subtract(*_first_last(runs[a], col)[::-1]) for a in runs}
        out[key] = float(ch["gh"] - ch["control"])
    return Measured(out, {a: runs[a].timeseries[["time_min", "fat_mass_kg"]] for a in runs})


SOURCE_GH = (
    "Saizen trial, J Clin Endocrinol Metab 2002 (DOI 10.1210/jcem.87.6.8542): 115 GH-"
    "deficient adults, 0.005-0.010 mg/kg/day or placebo for 6 months; DEXA treatment "
    "differences: fat mass -2.8 kg, lean body mass +2.1 kg (P < 0.0001; men +3.13 kg, 95 % "
    "CI 2.42-3.84, against placebo +0.11). Meta-analysis of 54 RCTs (Hazem 2012, Eur J "
    "Endocrinol 166:13): body fat -2.56 kg (95 % CI -2.97 to -2.16), lean mass +1.38 kg "
    "(1.10 to 1.65)"
)
R09 = Target(
    id="R09",
    name="Fat mass after 26 weeks of GH replacement in GH deficiency (remodelling)",
    source=SOURCE_GH,
    protocol="configs/scenarios/gh_replacement_26wk.yaml against its control: fat mass change "
    "over the run, GH minus control. Band: -4.0 to -1.5 kg (the trial's -2.8 kg and the "
    "meta-analysis' CI -2.97 to -2.16, widened for the trials' spread)",
    criteria=(Criterion("fat_change_kg", "fat mass change", -4.0, -1.5, "kg"),),
    scenarios=_gh_26wk,
    measure=_gh_body,
    draw=_draw_bars,
    cost=240.0,
    prediction=True,
)
R10 = Target(
    id="R10",
    name="Lean mass after 26 weeks of GH replacement in GH deficiency (remodelling)",
    source=SOURCE_GH,
    protocol="as R09; lean mass change (the fibres' muscle plus fixed non-muscle lean), GH "
    "minus control. Band: +1.0 to +3.2 kg (the meta-analysis' +1.38 kg to the trial's men, "
    "+3.13 kg; DEXA lean mass also counts the water GH retains, which the model lacks)",
    criteria=(Criterion("lean_change_kg", "lean mass change", 1.0, 3.2, "kg"),),
    scenarios=_gh_26wk,
    measure=lambda runs: Measured({"lean_change_kg": _gh_body(runs).values["lean_change_kg"]}),
    draw=_draw_bars,
    cost=240.0,
)


# ---------------------------------------------------------------- R11-R12: hepatocyte lipid


OVERWEIGHT = {"phenotype": "obese", "body_mass_kg": 94.0}
"""Sevastianova 2012's subjects: BMI 30.6 +/- 1.2 (94 kg at 1.75 m)."""


def _liver_arms(name: str, seed: int, days: int, kcal: float, carb: float, fat_pct: float) -> dict:
    """A surplus after the run-in week (eaten as meals); a deficit from day 0."""
    keys = {"subject": dict(OVERWEIGHT), "parameters": {"remodel.liver_fat_pct": fat_pct}}
    if kcal > 0:
        diet = _surplus(kcal, days, surplus_carbohydrate_fraction=carb)
        days += int(RUN_IN / 1440.0)
    else:
        diet = {
            "kind": "diet",
            "energy_balance_kcal_day": kcal,
            "surplus_carbohydrate_fraction": carb,
        }
    return {
        "arm": _remodel_run(name, seed, days, [diet], **keys),
        "control": _remodel_run(f"{name}_control", seed, days, [], **keys),
    }


def _liver_fat_change(runs: dict[str, RunData]) -> Measured:
    """Relative change (%) of liver fat from the start, arm minus control."""
    return Measured(
        {"liver_fat_change_pct": _change(runs, "liver.lipid_pct", arm="arm")},
        {a: runs[a].timeseries[["time_min", "liver.lipid_pct"]] for a in runs},
    )


SOURCE_SEVASTIANOVA = (
    "Sevastianova 2012, Am J Clin Nutr 96:727: 16 overweight subjects (BMI 30.6 +/- 1.2) "
    "overfed >1000 kcal/day of simple carbohydrates for 3 weeks: weight +1.8 +/- 0.3 kg, "
    "liver fat (1H-MRS) 9.2 +/- 1.9 -> 11.7 +/- 1.9 % (+27 %, P = 0.005); then 6 months "
    "hypocaloric: weight -3.2 +/- 0.6 kg (-4 %), liver fat 11.7 +/- 1.9 -> 8.8 +/- 1.8 % "
    "(-25 %, P < 0.05)"
)
R11 = Target(
    id="R11",
    name="Liver fat after 3 weeks of carbohydrate overfeeding (remodelling)",
    source=SOURCE_SEVASTIANOVA,
    protocol="an overweight subject (obese preset, 94 kg) with 9.2 % liver fat, a week at "
    "energy balance, then 21 days at "
    "+1000 kcal/day of carbohydrate (surplus_carbohydrate_fraction 1) against 0; relative "
    "change of liver fat, arm minus control. Band: +27 % +/- 2 standard errors of the change "
    "(2.5 points, P = 0.005 with 16 subjects: SE 0.76 points, 8.3 % of 9.2): +11 to +44 %",
    criteria=(Criterion("liver_fat_change_pct", "liver fat change", 11.0, 44.0, "%"),),
    scenarios=lambda seed: _liver_arms("carb_overfeeding_3wk", seed, 21, 1000.0, 1.0, 9.2),
    measure=_liver_fat_change,
    draw=_draw_bars,
    cost=30.0,
)
R12 = Target(
    id="R12",
    name="Liver fat after 6 months of a modest deficit (remodelling)",
    source=SOURCE_SEVASTIANOVA,
    protocol="the same subject with 11.7 % liver fat, 182 days at -200 kcal/day (mixed "
    "diet, surplus_carbohydrate_fraction 0.5; about the deficit of 3.2 kg lost in 6 months: "
    "2.4 kg of fat x 9.4 kcal/g / f_surplus_fat 0.6 / 182 days) against 0; relative change of "
    "liver fat, arm minus control. Band: -25 % with P < 0.05 (SE at most 12.5 points of "
    "the relative change): -50 to -5 %",
    criteria=(Criterion("liver_fat_change_pct", "liver fat change", -50.0, -5.0, "%"),),
    scenarios=lambda seed: _liver_arms("deficit_26wk", seed, 182, -200.0, 0.5, 11.7),
    measure=_liver_fat_change,
    draw=_draw_bars,
    cost=240.0,
    prediction=True,
)

TARGETS = (R01, R02, R03, R04, R05, R06, R07, R08, R09, R10, R11, R12)
