"""``meal``: carbohydrate into the stomach, protein and fat slowing emptying (B2), meal fat
to the chylomicron pool (B4) and amino acids towards glucagon secretion (C1)."""

from __future__ import annotations

from typing import Any, Literal

from sim.interventions.base import BodyAccess, Event, Grams, Kind, NonNeg, Repeat, register


class Meal(Repeat):
    kind: Literal["meal"]
    at_min: NonNeg
    carbs_g: Grams = 0.0
    protein_g: Grams = 0.0
    fat_g: Grams = 0.0
    fiber_g: Grams = 0.0


@register
class MealKind(Kind):
    """A bolus (``meal`` event) at each repetition; an OGTT is a liquid one."""

    name = "meal"
    Schema = Meal
    events = ("meal",)

    @classmethod
    def schedule(cls, iv: Meal, sch: Any, end: float) -> None:
        for t in iv.times(iv.at_min, end):
            amounts = {
                "carbs_g": iv.carbs_g,
                "protein_g": iv.protein_g,
                "fat_g": iv.fat_g,
                "fiber_g": iv.fiber_g,
            }
            sch.events.append(Event(t, "meal", amounts))

    @classmethod
    def apply_event(cls, ev: Event, body: BodyAccess) -> None:
        a, bw, bp = ev.amounts, body.body_mass_kg, body.bp
        # B2: a glucose drink needs no grinding and enters the emptying compartment.
        body.add("sto2" if a.get("liquid", 0.0) else "sto1", a["carbs_g"] * 1000.0 / bw)
        body.add(
            "sto_slow",
            bp.w_slow_protein * a["protein_g"]
            + bp.w_slow_fat * a["fat_g"]
            + bp.w_slow_fiber * a["fiber_g"],
        )
        body.add("chylo", a["fat_g"])
        body.add("aa_gut", a["protein_g"] / bw)  # C1: amino acids -> glucagon

    @classmethod
    def acts_after_t0(cls, iv: Meal) -> bool:
        return True  # a bolus: applied by the step that starts at its time
