"""Intervention kinds: direct and downstream effects, switching off, composition, bad input."""

from __future__ import annotations

import numpy as np
import pytest

import sim
from sim import engine as en
from sim.engine import diet_level
from sim.scenario import ScenarioError, load_scenario
from sim.signals import build_schedule

CELLS = {"muscle": 6, "liver": 6, "adipose": 6}


def _run(ivs: list[dict], duration: float = 360, **extra) -> sim.RunResult:
    return sim.run(
        {
            "name": "iv",
            "duration_min": duration,
            "cells": CELLS,
            "heterogeneity_cv": 0.0,
            "interventions": ivs,
            **extra,
        }
    )


def _mean(r, col, t0=0.0, t1=1e9) -> float:
    ts = r.timeseries
    return float(ts.loc[(ts.time_min >= t0) & (ts.time_min <= t1), col].mean())


GH_INF = {"kind": "gh_infusion", "start_min": 0, "duration_min": 300, "rate_ng_kg_min": 30}
ACIPIMOX = {"kind": "acipimox", "start_min": 0, "duration_min": 360, "inhibition": 0.9}


@pytest.fixture(scope="module")
def gh_runs():
    return {
        "ctrl": _run([]),
        "gh": _run([GH_INF]),
        "gh_acipimox": _run([GH_INF, ACIPIMOX]),
        "gh_hsl_ko": _run([GH_INF, {"kind": "knockout", "target": "hsl", "tissue": "adipose"}]),
        "gh_hsl_ko_acipimox": _run(
            [GH_INF, ACIPIMOX, {"kind": "knockout", "target": "hsl", "tissue": "adipose"}]
        ),
    }


def test_gh_infusion_raises_gh_stat5_then_ffa(gh_runs):
    gh, ctrl = gh_runs["gh"], gh_runs["ctrl"]
    assert _mean(gh, "gh_ug_l", 60, 300) > 3 * _mean(ctrl, "gh_ug_l", 60, 300)
    assert _mean(gh, "muscle.stat5_p", 60, 300) > _mean(ctrl, "muscle.stat5_p", 60, 300)
    assert _mean(gh, "ffa_mM", 180, 360) > _mean(ctrl, "ffa_mM", 180, 360)


def test_acipimox_lowers_ffa_and_its_lipid_signal(gh_runs):
    gh, aci = gh_runs["gh"], gh_runs["gh_acipimox"]
    assert _mean(aci, "ffa_mM", 60, 360) < 0.7 * _mean(gh, "ffa_mM", 60, 360)
    assert _mean(aci, "muscle.pkc", 120, 360) < _mean(gh, "muscle.pkc", 120, 360)


def test_acipimox_has_no_target_without_hsl(gh_runs):
    ko, ko_aci = gh_runs["gh_hsl_ko"], gh_runs["gh_hsl_ko_acipimox"]
    assert _mean(ko_aci, "ffa_mM", 60, 360) == pytest.approx(_mean(ko, "ffa_mM", 60, 360), rel=1e-6)


def test_sermorelin_raises_gh_unless_secretion_is_blocked():
    dose = {"kind": "secretagogue", "drug": "sermorelin", "dose_ug": 100, "at_min": 30}
    ctrl = _run([], duration=180)
    serm = _run([dose], duration=180)
    blocked = _run(
        [dose, {"kind": "modulator", "target": "gh_secretion", "factor": 0.0}], duration=180
    )
    assert _mean(serm, "gh_ug_l", 30, 120) > 1.5 * _mean(ctrl, "gh_ug_l", 30, 120)
    assert _mean(blocked, "gh_ug_l", 60, 180) < 0.5 * _mean(ctrl, "gh_ug_l", 60, 180)


def test_secretagogue_response_shrinks_under_high_glucose():
    dose = {
        "kind": "secretagogue",
        "drug": "ipamorelin",
        "dose_ug": 300,
        "at_min": 0,
        "infusion_min": 15,
    }
    fasting = _run([dose], duration=150)
    glucose = _run(
        [
            dose,
            {"kind": "glucose_infusion", "start_min": 0, "duration_min": 150, "rate_mg_kg_min": 8},
        ],
        duration=150,
    )
    # the response (15-150 min after the start) is smaller under hyperglycaemia
    assert _mean(glucose, "gh_ug_l", 15, 150) < 0.8 * _mean(fasting, "gh_ug_l", 15, 150)


def test_diet_has_onset_and_washout():
    levels = [
        diet_level(t, 1440, 1440 + 7 * 1440, en.body_params({}).diet_onset_min)
        for t in (0, 1440, 3 * 1440, 8 * 1440, 9 * 1440, 16 * 1440)
    ]
    assert levels[0] == levels[1] == 0.0
    assert 0 < levels[2] < levels[3] <= 1.0
    assert levels[3] > levels[4] > levels[5] > 0.0


def test_repeat_places_every_repetition():
    scn = load_scenario(
        {
            "name": "rep",
            "duration_min": 3 * 1440,
            "interventions": [
                {"kind": "meal", "at_min": 60, "carbs_g": 50, "repeat_every_min": 1440},
                {
                    "kind": "exercise",
                    "start_min": 600,
                    "duration_min": 30,
                    "intensity_vo2max": 0.5,
                    "repeat_every_min": 1440,
                    "repeat_until_min": 2000,
                },
            ],
        }
    )
    sch = build_schedule(scn, np.random.default_rng(0))
    assert [e.t for e in sch.events if e.kind == "meal"] == [60.0, 1500.0, 2940.0]
    assert [s.start for s, _ in sch.exercise] == [600.0]


def test_training_sessions_follow_the_weekly_plan():
    scn = load_scenario(
        {
            "name": "tr",
            "duration_min": 14 * 1440,
            "start_clock_h": 7.0,
            "interventions": [
                {
                    "kind": "training",
                    "sessions_per_week": 3,
                    "weeks": 2,
                    "session_min": 45,
                    "intensity_vo2max": 0.7,
                    "clock_h": 17.0,
                }
            ],
        }
    )
    sch = build_schedule(scn, np.random.default_rng(0))
    starts = [s.start for s, _ in sch.exercise]
    assert len(starts) == 6
    assert all(abs((7.0 + t / 60.0) % 24 - 17.0) < 1e-9 for t in starts)


def test_overlapping_interventions_compose_and_conserve_glucose():
    r = _run(
        [
            GH_INF,
            {"kind": "exercise", "start_min": 60, "duration_min": 60, "intensity_vo2max": 0.7},
            {"kind": "meal", "at_min": 90, "carbs_g": 60},
            {
                "kind": "insulin_infusion",
                "start_min": 100,
                "duration_min": 60,
                "rate_mU_m2_min": 20,
            },
            {"kind": "lipid_infusion", "start_min": 150, "duration_min": 120, "ffa_mM": 1.2},
            {"kind": "tnf_infusion", "start_min": 200, "duration_min": 60, "tnf_pg_ml": 40},
        ]
    )
    assert r.summary["glucose_balance_error"] < 1e-9
    ts = r.timeseries
    held = ts.loc[(ts.time_min > 170) & (ts.time_min < 270), "ffa_mM"]
    assert abs(held.mean() - 1.2) < 0.05


@pytest.mark.parametrize(
    "iv,needle",
    [
        ({"kind": "gh_injection", "at_min": 0, "dose_mg": -0.1}, "dose_mg"),
        (
            {"kind": "exercise", "start_min": 0, "duration_min": 30, "intensity_vo2max": 1.2},
            "intensity_vo2max",
        ),
        ({"kind": "secretagogue", "at_min": 0, "drug": "hexarelin", "dose_ug": 100}, "drug"),
        ({"kind": "knockout", "target": "glut9"}, "target"),
        ({"kind": "modulator", "target": "teleportation", "factor": 0.5}, "target"),
        ({"kind": "acipimox", "start_min": 0, "duration_min": 30, "inhibition": 1.5}, "inhibition"),
        ({"kind": "lipid_infusion", "start_min": 0, "duration_min": 30, "ffa_mM": -1}, "ffa_mM"),
        ({"kind": "diet", "caloric_restriction": 0.9}, "caloric_restriction"),
        ({"kind": "sleep_restriction", "nights": 0, "hours": 4}, "nights"),
        (
            {
                "kind": "training",
                "sessions_per_week": 3,
                "weeks": 2,
                "session_min": 40,
                "intensity_vo2max": 0.7,
                "mode": "swimming",
            },
            "mode",
        ),
        ({"kind": "meal", "at_min": 0, "carbs_g": 50, "sugar_g": 5}, "sugar_g"),
    ],
)
def test_bad_intervention_is_rejected_with_its_key(iv, needle):
    with pytest.raises(ScenarioError, match=needle):
        load_scenario({"name": "bad", "duration_min": 60, "interventions": [iv]})


def test_a_run_that_starts_at_night_keeps_the_nights_real_start():
    """A run from 02:00 is inside the night begun at 23:00: its slow-wave sleep (the GH
    drive of sleep onset) began before the run, and its first three hours are not sleep
    lost. The pulse generator's draws do not depend on the sleep schedule."""
    scn = load_scenario({"name": "night", "duration_min": 1440, "start_clock_h": 2.0})
    sch = build_schedule(scn, np.random.default_rng(0))
    assert sch.asleep(0.0)
    assert sch.sleep_onsets()[0] == pytest.approx(-180.0)
    assert sch.sleep_since(0.0) == pytest.approx(180.0)
    assert sch.sleep_debt_h(600.0) == 0.0
    day = load_scenario({"name": "day", "duration_min": 1440, "start_clock_h": 8.0})
    assert np.array_equal(sch.gh_pulses, build_schedule(day, np.random.default_rng(0)).gh_pulses)
    # a longer run extends the same sequence of draws (arms of different length share bursts)
    two = load_scenario({"name": "two", "duration_min": 2880, "start_clock_h": 8.0})
    longer = build_schedule(two, np.random.default_rng(0)).gh_pulses
    assert len(longer) > len(sch.gh_pulses)
    assert np.array_equal(longer[: len(sch.gh_pulses)], sch.gh_pulses)


# ------------------------------------------------------------------ clamp protocol


def _clamp(glucose, levels=(3.0, 100.0)) -> sim.RunResult:
    proto = {
        "kind": "clamp",
        "insulin_uU_ml": list(levels),
        "step_min": 60,
        "start_min": 30,
        "glucose_mM": glucose,
    }
    return sim.run(
        {
            "name": "clamp",
            "duration_min": 150,
            "cells": CELLS,
            "heterogeneity_cv": 0.0,
            "protocol": proto,
        }
    )


def test_basal_clamp_holds_the_glucose_the_subject_had_when_it_started():
    """`glucose_mM: basal` holds each subject's own level (DeFronzo's euglycaemic clamp): at
    100 uU/mL glucose stays at the level of t = 30 min, while a 4.0 mM target pulls the
    same subject down."""
    basal, low = _clamp("basal"), _clamp(4.0)
    ts = basal.timeseries
    g_start = float(ts.loc[ts.time_min == 30, "glucose_mM"].iloc[0])
    end = ts.time_min >= 120
    assert abs(float(ts.loc[end, "glucose_mM"].mean()) - g_start) < 0.05 * g_start
    assert float(ts.loc[end, "gir_mg_kg_min"].mean()) > 2.0  # it really clamps
    assert g_start > 4.5
    ts4 = low.timeseries  # a fixed 4.0 mM target pulls the same subject well below it
    assert float(ts4.loc[ts4.time_min >= 120, "glucose_mM"].mean()) < g_start - 0.5


def test_clamp_steps_report_the_measured_insulin_of_a_step_set_below_basal():
    """CONTRACT: clamp_steps are means over the last 30 min; a step set below the subject's
    own insulin cannot remove insulin (an infusion only adds), so it reports what was
    measured there, above the set 3 uU/mL, while a reached step reports its level."""
    steps = _clamp("basal").summary["clamp_steps"]
    assert steps[0]["insulin_uU_ml"] > 3.0 * 1.5
    assert steps[1]["insulin_uU_ml"] == pytest.approx(100.0, rel=0.02)


def test_clamp_glucose_accepts_a_number_or_basal_only():
    with pytest.raises(ScenarioError, match="glucose_mM"):
        load_scenario({"name": "x", "protocol": {"kind": "clamp", "glucose_mM": "fasting"}})
