"""V40's day of food is Koopman 2005's standardised diet: 0.16 MJ/kg/day for the 75-kg
subject, 55 / 15 / 29 energy % carbohydrate / protein / fat, at the suite's meal times."""

from __future__ import annotations

import pytest

from sim.validate import targets_ghstim as tg
from sim.validate.targets_gh import MEALS


def test_koopman_meals_give_the_published_energy_and_macronutrient_split():
    meals = tg.koopman_meals()
    carbs, protein, fat = (sum(m[i] for m in meals) for i in (1, 2, 3))
    kj = {"c": carbs * 17.0, "p": protein * 17.0, "f": fat * 37.0}
    total = sum(kj.values())
    assert total == pytest.approx(tg.KOOPMAN_MJ_KG_DAY * tg.KOOPMAN_KG * 1000.0, rel=0.01)
    assert kj["c"] / total == pytest.approx(0.55, abs=0.01)
    assert kj["p"] / total == pytest.approx(0.15, abs=0.01)
    assert kj["f"] / total == pytest.approx(0.29, abs=0.01)
    assert [m[0] for m in meals] == [m[0] for m in MEALS]  # the suite's meal times


def test_v40_scenarios_feed_the_diet_on_day_1_only_and_test_fasted():
    scn = tg._koopman_scn(0)["exercise_0"]
    meals = [i for i in scn["interventions"] if i["kind"] == "meal"]
    assert sum(m["carbs_g"] for m in meals) == sum(m[1] for m in tg.koopman_meals())
    assert max(m["at_min"] for m in meals) < 1440.0 < tg.ITT_AT
    # repeated daily only until the end of day 1: day 2 starts fasted with the test
    assert all(m["repeat_until_min"] == 1440.0 for m in meals)
