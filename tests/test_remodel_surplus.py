"""A diet's energy surplus eaten as meals (``diet.surplus_meals``, issue 26): its carbohydrate
and fat reach the fast model at the three meal times from day 1 on, so the surplus's insulin
suppresses lipolysis and the plasma fatty acids that reach the liver; the slow rules do not
count the food twice (hepatic lipogenesis, expenditure)."""

from __future__ import annotations

import numpy as np
import pytest
from remodel_helpers import small_scenario

import sim
from sim.kinetics import body as bk
from sim.model import PhysiologyModel
from sim.parameters import body_params
from sim.remodel import rules
from sim.remodel.core import remodel_params
from sim.scenario import ScenarioError
from sim.signals import build_schedule

FEW = {"muscle": 8, "liver": 12, "adipose": 20}


def small(days: float = 2, **extra) -> dict:
    return small_scenario("surplus_meals", FEW, 720, 1440, 1440, days, **extra)


def surplus(kcal: float = 1000.0, **keys) -> dict:
    return {"kind": "diet", "energy_balance_kcal_day": kcal, "start_min": 1440, **keys}


def meal_events(scn: dict) -> list:
    s = sim.load_scenario(scn)
    sch = build_schedule(s, np.random.default_rng(0))
    return [e for e in sch.events if e.kind == "meal" and e.amounts["protein_g"] == 0.0]


def test_the_surplus_is_eaten_in_three_portions_from_its_start_to_its_end():
    diet = surplus(900.0, surplus_carbohydrate_fraction=0.4, duration_min=2880)
    scn = small(days=5, start_clock_h=7.0, interventions=[*small()["interventions"], diet])
    events = meal_events(scn)
    bp = body_params({})
    carb_kcal, fat_kcal = bp.diet_kcal_per_g_carbohydrate, bp.diet_kcal_per_g_fat  # 4, 9
    assert (carb_kcal, fat_kcal) == (4.0, 9.0)
    # three portions a day on days 1 and 2, at 08:00, 13:00 and 19:00 (start 07:00)
    assert sorted(e.t for e in events) == [
        d * 1440 + h for d in (1, 2) for h in (60.0, 360.0, 720.0)
    ]
    for e in events:
        assert e.amounts["carbs_g"] == pytest.approx(900 * 0.4 / carb_kcal / 3)
        assert e.amounts["fat_g"] == pytest.approx(900 * 0.6 / fat_kcal / 3)
    kcal = sum(e.amounts["carbs_g"] * carb_kcal + e.amounts["fat_g"] * fat_kcal for e in events)
    assert kcal == pytest.approx(2 * 900.0)
    # switched off, a deficit, or no surplus: no meal of the diet
    for diet in (surplus(surplus_meals=False), surplus(-500.0), surplus(0.0)):
        scn = small(days=3, interventions=[*small()["interventions"], diet])
        assert meal_events(scn) == []


@pytest.mark.parametrize(
    "diet, k, days, words",
    [
        ({"start_min": 0}, 1, 3, "start_min=0.*day 1 or later"),
        ({"start_min": 600}, 1, 3, "start_min=600.*day 1 or later"),
        ({"start_min": 1440}, 7, 14, "start_min=1440.*simulated day"),
        ({"start_min": 10080, "duration_min": 1440}, 7, 14, "duration_min=11520.*simulated"),
    ],
)
def test_a_surplus_eaten_on_the_reference_day_or_a_replayed_day_is_refused(diet, k, days, words):
    scn = small(days=days, interventions=[*small()["interventions"], surplus(**diet)])
    scn["remodel"]["simulate_every_days"] = k
    with pytest.raises(ScenarioError, match=words):
        sim.load_scenario(scn)
    # not eaten (the pre-change rule), it may start on day 0
    scn["interventions"][-1] = surplus(start_min=0, surplus_meals=False)
    sim.load_scenario(scn)


def test_a_surplus_from_a_simulated_day_is_accepted():
    scn = small(days=14, interventions=[*small()["interventions"], surplus(start_min=10080)])
    scn["remodel"]["simulate_every_days"] = 7
    sim.load_scenario(scn)


def _day_one(diet: dict | None) -> dict:
    """Day 1 (the surplus's first day) of a 2-day run: mean plasma insulin and FFA, the
    liver's esterified NEFA and the slow step's fat oxidation against the first day."""
    ivs = small()["interventions"] + ([diet] if diet else [])
    m = PhysiologyModel(small(days=2, interventions=ivs))
    rm = m.remodel
    seen, fat_ox = [], []
    slow = rm.slow_step

    def spy(t, sig, ffa, msig=None, lsig=None):  # noqa: ANN001, ANN202
        slow(t, sig, ffa, msig, lsig)
        if t > 1440 and msig is not None:
            fat_ox.append((msig.fat_ox, rm.muscle.ref.fat_ox, rm.ee_delta))

    rm.slow_step = spy
    while m.running:
        m.step()
        if m.time_min > 1440:
            seen.append((bk.insulin_pmol_l(m.x, m.ctx.bp), bk.ffa_mM(m.x, m.ctx.bp)))
    ins, ffa = np.mean(seen, axis=0)
    lean = rm.muscle.lean_kg() - rm.muscle.lean_other - rm.muscle.mass0
    return {
        "insulin": ins,
        "ffa": ffa,
        "nefa": float(rm.liver.last_flux.nefa.mean()),
        "fat_ox": fat_ox[-1],
        "lean_term": rules.energy_expenditure_delta(0.0, 0.0, lean, rm.rp),
    }


@pytest.fixture(scope="module")
def day_one() -> dict:
    return {
        "control": _day_one(None),
        "off": _day_one(surplus(surplus_meals=False)),
        "on": _day_one(surplus()),
        "double": _day_one(surplus(2000.0)),
    }


def test_eaten_surplus_raises_insulin_and_lowers_the_fatty_acids_reaching_the_liver(day_one):
    """Perturbation (1000 and 2000 kcal/day) and switch-off (``surplus_meals`` false: the
    fast model's surplus day is the control's, to the last bit)."""
    c, off, on, double = (day_one[k] for k in ("control", "off", "on", "double"))
    assert off["insulin"] == c["insulin"] and off["ffa"] == c["ffa"]
    assert on["insulin"] > 1.1 * c["insulin"] and double["insulin"] > on["insulin"]
    assert on["ffa"] < 0.95 * c["ffa"] and double["ffa"] < on["ffa"]
    assert on["nefa"] < off["nefa"] and double["nefa"] < on["nefa"]


def test_fat_oxidation_the_eaten_surplus_displaces_is_not_counted_as_expenditure(day_one):
    """The surplus's food displaces fat oxidation (the fall is real in the fast model), but
    its energy is already in the surplus's storage (``f_surplus_fat``): the expenditure
    change keeps only the lean-mass term; not eaten, the fat-oxidation term acts as before."""
    ox, ref, ee = day_one["on"]["fat_ox"]
    assert ox < ref  # the carbohydrate displaced fat oxidation
    assert ee == pytest.approx(day_one["on"]["lean_term"], abs=1e-9)
    ox_off, ref_off, ee_off = day_one["off"]["fat_ox"]
    full = rules.energy_expenditure_delta(ox_off, ref_off, 0.0, remodel_params({}))
    assert full != 0.0
    assert ee_off == pytest.approx(full + day_one["off"]["lean_term"], abs=1e-9)
