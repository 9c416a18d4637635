"""Statistics of `sim compare` on synthetic data with known truth (sim.compare.stats) and the
virtual population's distribution (sim.compare.population)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from scipy import stats as st

from sim.compare import stats
from sim.compare.population import TRAITS, draw_population, draw_subject, lognormal_sigma
from sim.parameters import PHENOTYPES, all_params


def test_planted_effect_found_with_correct_sign():
    rng = np.random.default_rng(0)
    control = rng.normal(10.0, 2.0, 20)
    for shift in (1.0, -1.0):
        arm = control + shift + rng.normal(0.0, 0.5, 20)
        eff = stats.paired_effect(control, arm, seed=1)
        assert np.sign(eff["mean_difference"]) == np.sign(shift)
        assert eff["ci_low"] < eff["mean_difference"] < eff["ci_high"]
        assert np.sign(eff["ci_low"]) == np.sign(eff["ci_high"]) == np.sign(shift)
        assert np.sign(eff["hedges_g"]) == np.sign(shift)
        assert eff["p_value"] < 0.001 and eff["p_ttest"] < 0.001


def test_bootstrap_ci_covers_the_true_mean_about_95_percent():
    rng = np.random.default_rng(42)
    truth, reps, hits = 0.7, 300, 0
    for k in range(reps):
        d = rng.normal(truth, 1.0, 25)
        lo, hi = stats.bootstrap_ci(d, seed=k, n_resamples=1500)
        hits += lo <= truth <= hi
    coverage = hits / reps
    # binomial SD at 0.95 with 300 repeats is 0.013; BCa under-covers slightly at n = 25
    assert 0.90 <= coverage <= 0.985, coverage


def test_no_effect_gives_uniform_p_values():
    rng = np.random.default_rng(7)
    p_t, p_w = [], []
    for _ in range(400):
        d = rng.normal(0.0, 1.0, 15)
        p_t.append(stats.ttest_p(d))
        p_w.append(stats.wilcoxon_p(d))
    assert st.kstest(p_t, "uniform").pvalue > 0.01
    assert st.kstest(p_w, "uniform").pvalue > 0.01
    for p in (p_t, p_w):
        assert 0.02 <= np.mean(np.array(p) < 0.05) <= 0.09


def test_holm_matches_a_hand_worked_example():
    # sorted: 0.005*4 = 0.02, 0.01*3 = 0.03, 0.03*2 = 0.06, max(0.04*1, 0.06) = 0.06
    np.testing.assert_allclose(stats.holm([0.01, 0.04, 0.03, 0.005]), [0.03, 0.06, 0.06, 0.02])
    out = stats.holm([0.01, np.nan, 0.02])  # NaN does not count towards m
    np.testing.assert_allclose(out[[0, 2]], [0.02, 0.02])
    assert np.isnan(out[1])
    assert stats.holm([0.6, 0.9]).max() == 1.0  # capped at 1


def test_hedges_correction_agrees_with_its_approximation_and_hand_value():
    for df in (5, 10, 30, 100):  # Hedges 1981: J ~ 1 - 3 / (4 df - 1)
        assert stats.hedges_j(df) == pytest.approx(1 - 3 / (4 * df - 1), abs=2e-3)
    assert stats.hedges_j(10) < 1.0
    x, y = [1.0, 2.0, 3.0, 4.0], [2.0, 4.0, 5.0, 7.0]
    d_av = 2.0 / math.sqrt((np.var(x, ddof=1) + np.var(y, ddof=1)) / 2)  # = 2 / sqrt(3)
    j3 = math.gamma(1.5) / (math.sqrt(1.5) * math.gamma(1.0))
    assert stats.hedges_g_av(x, y) == pytest.approx(d_av * j3, rel=1e-9)


def test_attribution_recovers_a_planted_share():
    rng = np.random.default_rng(3)
    full = -2.0 + rng.normal(0.0, 0.2, 30)
    counterfactual = -0.5 + rng.normal(0.0, 0.2, 30)  # the mechanism carries 75 %
    res = stats.attribution(full, counterfactual, seed=4)
    assert res["ci_low"] < 0.75 < res["ci_high"]
    assert res["share"] == pytest.approx(0.75, abs=0.05)
    assert stats.attribution(full, full, seed=4)["share"] == pytest.approx(0.0)


def test_verdict_logic():
    assert stats.verdict("decrease", -2.0, -1.0, 0.01, 0.05) == "supported"
    assert stats.verdict("increase", -2.0, -1.0, 0.01, 0.05) == "contradicted"
    assert stats.verdict("decrease", -2.0, 0.5, 0.01, 0.05) == "inconclusive"
    assert stats.verdict("decrease", -2.0, -1.0, 0.2, 0.05) == "inconclusive"


def test_population_is_seeded_and_stable_under_more_replicates():
    a = draw_population(5, 11)
    b = draw_population(8, 11)
    assert [s.parameters for s in a] == [s.parameters for s in b[:5]]
    assert [s.seed for s in a] == [s.seed for s in b[:5]]
    assert draw_population(3, 12)[0].parameters != a[0].parameters


def test_population_stays_in_range_and_centres_on_the_phenotype():
    params = all_params()
    for pheno in ("healthy", "t2d"):
        for s in draw_population(200, 5, pheno, cv_scale=3.0):
            for key, value in s.parameters.items():
                lo, hi = params[key].bounds
                assert lo <= value <= hi, (key, value)
        centre = draw_subject(0, 5, pheno, cv_scale=0.0)
        for key, value in centre.parameters.items():
            assert value == pytest.approx(PHENOTYPES[pheno].get(key, params[key].value))


def test_population_factors_are_lognormal_with_the_declared_cv():
    subjects = draw_population(3000, 9)
    for trait in TRAITS:
        f = np.array([s.factors[trait.name] for s in subjects])
        assert np.median(f) == pytest.approx(1.0, abs=0.05)
        assert np.std(np.log(f)) == pytest.approx(lognormal_sigma(trait.cv), rel=0.06)
        assert np.std(f) / np.mean(f) == pytest.approx(trait.cv, rel=0.15)


def test_docs_trait_table_matches_the_code():
    doc = (Path(__file__).resolve().parent.parent / "docs" / "compare.md").read_text()
    rows = {line.split("|")[1].strip(" `"): line for line in doc.splitlines() if "| `" in line}
    for trait in TRAITS:
        assert trait.name in rows, trait.name
        assert f"| {trait.cv:.2f} |" in rows[trait.name], trait.name
        for target in trait.targets:
            assert f"`{target}`" in rows[trait.name]
