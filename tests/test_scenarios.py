"""The scenario library: each file shows the direction its header states, against its control.

The default suite runs every library scenario shortened (few cells, the first days); the
full-length runs are marked ``slow`` (``pytest -m slow``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

import sim

LIB = Path(__file__).resolve().parent.parent / "configs" / "scenarios"
FEW = {"muscle": 16, "liver": 10, "adipose": 10}


def _drop(kinds: set[str]):
    def control(scn: dict) -> dict:
        return {
            **scn,
            "interventions": [iv for iv in scn["interventions"] if iv["kind"] not in kinds],
        }

    return control


def _high_carb_dinner(scn: dict) -> dict:
    ivs = [dict(iv) for iv in scn["interventions"]]
    ivs[-1]["carbs_g"] = 120
    return {**scn, "interventions": ivs}


def _lean_viscera(scn: dict) -> dict:
    return {**scn, "parameters": {**scn.get("parameters", {}), "body.visceral_fraction": 0.1}}


def _no_surplus(scn: dict) -> dict:
    ivs = [
        {**iv, "energy_balance_kcal_day": 0} if iv["kind"] == "diet" else iv
        for iv in scn["interventions"]
    ]
    return {**scn, "interventions": ivs}


def after_meals(name: str, col: str, hours: float = 3.0):
    """Mean of ``col`` over the ``hours`` after each of the scenario's daily meals (the
    reading its header states: insulin-stimulated membrane GLUT4 after meals)."""

    def read(ts: pd.DataFrame) -> float:
        ivs = _load(name)["interventions"]
        meals = [iv["at_min"] % 1440 for iv in ivs if iv["kind"] == "meal"]
        clock = ts["time_min"] % 1440
        sel = np.zeros(len(ts), dtype=bool)
        for m in meals:
            sel |= ((clock - m) % 1440) < hours * 60.0
        return float(ts.loc[sel, col].mean())

    return read


def mean(col: str):
    return lambda ts: float(ts[col].mean())


def last(col: str):
    return lambda ts: float(ts[col].iloc[-1])


def after(col: str, t0: float):
    return lambda ts: float(ts.loc[ts["time_min"] >= t0, col].mean())


def sleep_onset_gh(ts: pd.DataFrame) -> float:
    """Peak GH within 90 min of the first sleep onset (Van Cauter 1996)."""
    onset = float(ts.loc[ts["asleep"] > 0, "time_min"].iloc[0])
    sel = (ts["time_min"] >= onset) & (ts["time_min"] <= onset + 90)
    return float(ts.loc[sel, "gh_ug_l"].max())


def iauc(ts: pd.DataFrame) -> float:
    g = ts["glucose_mM"].to_numpy()
    return float(np.trapezoid(np.maximum(g - g[0], 0), ts["time_min"].to_numpy()))


# file, control, short duration (min) or None, [(metric name, metric, expected sign)]
CASES = [
    (
        "gh_secretagogue_nightly",
        _drop({"secretagogue"}),
        1440,
        [
            ("mean GH", mean("gh_ug_l"), +1),
            ("final IGF-1", last("igf1_ug_l"), +1),
            ("muscle SOCS3", mean("muscle.socs3"), +1),
        ],
    ),
    (
        "gh_plus_resistance_training",
        _drop({"training"}),
        1440,
        [
            ("muscle GLUT4 content", last("muscle.glut4_content"), +1),
            ("muscle AMPK", mean("muscle.ampk_p"), +1),
        ],
    ),
    (
        "gh_plus_post_meal_walk",
        _drop({"exercise"}),
        960,
        [
            ("glucose peak", lambda ts: float(ts["glucose_mM"].max()), -1),
            ("glucose iAUC", iauc, -1),
        ],
    ),
    (
        "carbs_around_workout",
        _drop({"exercise"}),
        None,
        [
            ("glucose iAUC", iauc, -1),
            ("muscle uptake after the meal", after("uptake_muscle_mg_kg_min", 130), +1),
        ],
    ),
    (
        "evening_carb_reduction",
        _high_carb_dinner,
        None,
        [("sleep-onset GH peak", sleep_onset_gh, +1)],
    ),
    (
        "sleep_restriction",
        _drop({"sleep_restriction"}),
        None,
        [
            ("cortisol", mean("cortisol_nM"), +1),
            # cortisol-driven insulin resistance, compensated by insulin (the closed loop
            # holds glucose within 0.1 % in one day): IRS-1 serine tone and insulin rise
            ("muscle IRS-1-pS", mean("muscle.irs1_ps"), +1),
            ("insulin mean", mean("insulin_uU_ml"), +1),
            ("liver PEPCK", mean("liver.pepck"), +1),
        ],
    ),
    (
        "omega3_polyphenols",
        _drop({"diet"}),
        1440,
        [
            ("muscle NF-kB", mean("muscle.nfkb"), -1),
            ("liver NF-kB", mean("liver.nfkb"), -1),
            ("liver IRS-1 pS", mean("liver.irs1_ps"), -1),
            ("adipose IRS-1 pS", mean("adipose.irs1_ps"), -1),
        ],
    ),
    (
        "intermittent_fasting",
        _drop({"diet"}),
        1440,
        [
            ("muscle NF-kB", mean("muscle.nfkb"), -1),
            ("muscle IRS-1 pS", mean("muscle.irs1_ps"), -1),
        ],
    ),
    (
        "visceral_obesity",
        _lean_viscera,
        None,
        [
            ("plasma TNF", mean("tnf_pg_ml"), +1),
            ("liver NF-kB", mean("liver.nfkb"), +1),
            ("glucose mean", mean("glucose_mM"), +1),
        ],
    ),
    (
        "energy_surplus_8wk",
        _no_surplus,
        8 * 1440,
        [
            ("fat mass", last("fat_mass_kg"), +1),
            ("mean adipocyte diameter", last("adipose.diameter_um_mean"), +1),
            ("liver fat", last("liver.lipid_pct"), +1),
            # the header's reading, after meals: the surplus is eaten with the meals, and
            # its insulin raises membrane GLUT4 (0.168 against 0.149 over the full run)
            ("adipocyte membrane GLUT4", after_meals("energy_surplus_8wk", "adipose.glut4_pm"), +1),
        ],
    ),
    (
        "gh_replacement_26wk",
        _drop({"gh_injection"}),
        8 * 1440,  # the baseline week and the first treated day
        [
            ("fat mass", last("fat_mass_kg"), -1),
            ("lean mass", last("lean_mass_kg"), +1),
            ("mean fibre area", last("muscle.csa_um2_mean"), +1),
        ],
    ),
    (
        "rhgh_replacement",
        _drop({"gh_injection"}),
        1440,
        [
            # daily evening sc rhGH: read over the run (the short check has one dose)
            ("IGF-1 mean", mean("igf1_ug_l"), +1),
            ("FFA mean", mean("ffa_mM"), +1),
            ("glucose mean", mean("glucose_mM"), +1),
        ],
    ),
]


def _load(name: str) -> dict:
    return yaml.safe_load((LIB / f"{name}.yaml").read_text())


def _load_control(name: str) -> dict:
    """The shipped control arm (``configs/scenarios/controls/<name>.yaml``)."""
    return yaml.safe_load((LIB / "controls" / f"{name}.yaml").read_text())


FULL_ONLY: set[tuple[str, str]] = set()
"""Directions that hold over the whole run but not in its first week (none at present)."""


def _check(name, control, duration, checks, full: bool):
    scn, ctl_scn = _load(name), _load_control(name)
    if not full:
        for s in (scn, ctl_scn):
            s["cells"] = dict(FEW)
            if duration is not None:
                s["duration_min"] = duration
    arm, ctl = sim.run(scn).timeseries, sim.run(ctl_scn).timeseries
    for label, metric, sign in checks:
        if not full and (name, label) in FULL_ONLY:
            continue
        a, c = metric(arm), metric(ctl)
        assert np.sign(a - c) == sign and abs(a - c) > 1e-6 * max(abs(c), 1e-9), (
            f"{name}: {label} {a:.4g} vs control {c:.4g}, expected sign {sign:+d}"
        )


def test_every_library_file_is_tested():
    assert {p.stem for p in LIB.glob("*.yaml")} == {c[0] for c in CASES}


@pytest.mark.parametrize("name,control", [c[:2] for c in CASES], ids=[c[0] for c in CASES])
def test_shipped_control_is_the_stated_control(name, control):
    """Each shipped control differs from its arm exactly as the header says (and the name)."""
    assert _load_control(name) == {**control(_load(name)), "name": f"{name}_control"}


@pytest.mark.parametrize("name,control,duration,checks", CASES, ids=[c[0] for c in CASES])
def test_library_direction_short(name, control, duration, checks):
    _check(name, control, duration, checks, full=False)


@pytest.mark.slow
@pytest.mark.parametrize("name,control,duration,checks", CASES, ids=[c[0] for c in CASES])
def test_library_direction_full(name, control, duration, checks):
    _check(name, control, duration, checks, full=True)
