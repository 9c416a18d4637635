"""Tissue-remodelling targets (issue 26): overfeeding and adipose macrophages (R01-R05).

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


def _overfed(name: str, seed: int, kcal: float, days: int, clamp: bool = False, **keys) -> dict:
    """``days`` of free living with three daily meals and ``kcal`` a day over needs; with
    ``clamp``, a hyperinsulinaemic euglycaemic clamp (100 uU/mL) after the night that
    follows, on a simulated day (days is a multiple of 7)."""
    end = days * 1440.0
    meals = [{**m, "repeat_every_min": 1440, "repeat_until_min": end - 1} for m in MEALS]
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
        interventions=[*meals, {"kind": "diet", "energy_balance_kcal_day": kcal}],
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
        "surplus": _overfed("overfed_8wk", seed, 1000.0, 56, clamp=True),
        "control": _overfed("overfed_8wk_control", seed, 0.0, 56, clamp=True),
    }


def _fat_gain(runs: dict[str, RunData]) -> Measured:
    end = 56 * 1440.0
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
    end = 56 * 1440.0
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
    protocol="56 days, three daily meals, diet.energy_balance_kcal_day 1000 against 0; fat "
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
    protocol="as R01, then after an overnight fast a 240-min clamp at 100 uU/mL on day 57; M "
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
    return {
        "surplus": _overfed("overfed_4wk", seed, 1250.0, 28),
        "control": _overfed("overfed_4wk_control", seed, 0.0, 28),
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
    protocol="28 days at +1250 kcal/day against 0; change in macrophages per 100 adipocytes "
    "(arm minus control). Band: +/- 1.2 per 100, twice the spread of lean subjects' "
    "macrophage share in Cancello 2005 (0.6)",
    criteria=(Criterion("macrophage_change", "macrophage change", -1.2, 1.2, "per 100"),),
    scenarios=_four_weeks,
    measure=_macrophage_change,
    draw=_draw_bars,
    cost=30.0,
    prediction=True,
)

TARGETS = (R01, R02, R03, R04, R05)
