"""Differences at numerical round-off between arms are reported as no difference.

Two arms that share a trajectory (an insulin peak reached before an arm's intervention
starts) give outcome values equal to ~1e-13 relative; with every subject's difference of the
same sign a signed-rank test calls that "significant". ``sim.compare.stats`` treats paired
differences below ``ROUNDOFF_REL`` of the values as zero.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.compare import analysis, stats
from sim.compare.report import METHODS

CONTROL = np.array([61.2, 55.8, 70.4, 48.9, 66.0, 58.3, 52.7, 63.1])
"""Insulin peaks (uU/mL) of eight virtual subjects."""


def test_round_off_differences_are_no_difference() -> None:
    arm = CONTROL * (1 + 2e-13)  # the same peaks, last bits apart, every subject the same way
    assert stats.wilcoxon_p(arm - CONTROL) < 0.01  # what the raw differences would claim
    eff = stats.paired_effect(CONTROL, arm, seed=1)
    assert eff["mean_difference"] == 0.0 and eff["relative_difference"] == 0.0
    assert (eff["ci_low"], eff["ci_high"]) == (0.0, 0.0)
    assert eff["p_value"] == 1.0 and eff["p_ttest"] == 1.0 and eff["hedges_g"] == 0.0
    p_holm = stats.holm([eff["p_value"], 0.001])[0]
    verdict = stats.verdict("increase", eff["ci_low"], eff["ci_high"], p_holm, 0.05)
    assert verdict == "no difference"


def test_a_small_real_difference_above_the_tolerance_is_still_found() -> None:
    arm = CONTROL * (1 + 1e-6)  # 1000x the tolerance: tiny, but not round-off
    eff = stats.paired_effect(CONTROL, arm, seed=1)
    assert eff["mean_difference"] > 0 and eff["ci_low"] > 0
    assert eff["p_value"] < 0.01
    assert stats.verdict("increase", eff["ci_low"], eff["ci_high"], eff["p_value"], 0.05) == (
        "supported"
    )


def test_only_the_round_off_subjects_are_zeroed() -> None:
    arm = CONTROL.copy()
    arm[:4] *= 1 + 3e-13  # round-off
    arm[4:] += np.array([1.0, 2.0, -0.5, 1.5])  # real effects
    d = stats.paired_differences(CONTROL, arm)
    assert np.all(d[:4] == 0.0)
    np.testing.assert_allclose(d[4:], [1.0, 2.0, -0.5, 1.5], rtol=1e-12)
    assert abs(stats.ROUNDOFF_REL - 1e-9) < 1e-24  # the stated tolerance


def test_attribution_differences_drop_round_off_too() -> None:
    results = pd.DataFrame(
        {
            "subject": np.tile(np.arange(len(CONTROL)), 2),
            "arm": ["control"] * len(CONTROL) + ["arm"] * len(CONTROL),
            "status": "completed",
            "ins_peak": np.concatenate([CONTROL, CONTROL * (1 - 4e-13)]),
        }
    )
    diffs = analysis._diffs(results, "ins_peak", "arm", "control")
    assert list(diffs.index) == list(range(len(CONTROL))) and np.all(diffs.to_numpy() == 0.0)


def test_the_report_states_the_tolerance() -> None:
    assert "a difference below 1e-9 of the values" in METHODS and "*no difference*" in METHODS
