"""``diet``: omega-3 and polyphenols damp NF-kB, polyphenols nudge AMPK (N2); caloric
restriction and a fasting window lower the oxidative-stress drive of NF-kB and speed the
renewal of the signalling protein pool (N3); a sustained energy surplus or deficit acts on
the adipocytes' stored lipid and, by its carbohydrate part, on hepatic lipogenesis
(:mod:`sim.remodel`), and a surplus's food is eaten with the three meals; added protein is
absorbed as amino acids. Effects set in and wash out over days."""

from __future__ import annotations

import math
from types import SimpleNamespace
from typing import Annotated, Any, Literal

from pydantic import Field

from sim.interventions.base import Event, Kind, NonNeg, Pos, Strict, register


class Diet(Strict):
    kind: Literal["diet"]
    omega3_g_day: Annotated[float, Field(ge=0, le=20)] = 0.0
    polyphenols_mg_day: Annotated[float, Field(ge=0, le=5000)] = 0.0
    caloric_restriction: Annotated[float, Field(ge=0, le=0.6)] = 0.0
    fasting_window_h: Annotated[float, Field(ge=0, le=24)] = 0.0
    energy_balance_kcal_day: Annotated[float, Field(ge=-2000, le=3000)] = 0.0
    """A sustained daily surplus (> 0) or deficit (< 0) over energy needs; it acts on the
    lipid stored by the adipocytes and needs a ``remodel:`` block (docs/remodelling.md)."""
    surplus_carbohydrate_fraction: Annotated[float, Field(ge=0, le=1)] = 0.5
    """Share of the surplus's energy from carbohydrate: it sets the hepatic de novo
    lipogenesis the surplus adds to the hepatocytes' lipid (docs/remodelling.md)."""
    surplus_meals: bool = True
    """A surplus (> 0) is eaten: its carbohydrate and fat, in three equal portions at 08:00,
    13:00 and 19:00 clock time, are absorbed like a meal's (insulin, glucose, chylomicrons)
    from ``start_min`` on, which must then be day 1 or later (day 0 is the energy-balance
    day the remodelling rules refer to). False: the surplus acts only on the stored lipid and
    the hepatic lipogenesis (docs/remodelling.md)."""
    protein_g_kg_day: Annotated[float, Field(ge=0, le=3)] = 0.0
    """Protein added to the day's food (g per kg body mass per day), in three equal portions
    at 08:00, 13:00 and 19:00 clock time: its amino acids are absorbed like a meal's (B2,
    C1) and raise the muscle fibres' protein synthesis in a remodelling run (mTORC1)."""
    start_min: NonNeg = 0.0
    duration_min: Pos | None = None


PROTEIN_CLOCK_H = (8.0, 13.0, 19.0)
"""Clock times of the diet's added protein portions (and of a surplus's portions)."""


def surplus_portion(iv: Diet, sch: Any = None) -> dict[str, float] | None:
    """One of the three daily portions of the diet's energy surplus as a meal's amounts
    (carbohydrate and fat by ``surplus_carbohydrate_fraction``, in grams by the schedule's
    ``kcal_per_g_*``, body.diet_kcal_per_g_*), or None when the surplus is not eaten as
    meals (no surplus, a deficit, or ``surplus_meals`` false). Without ``sch``: only
    whether it is eaten (the amounts are zero)."""
    kcal = iv.energy_balance_kcal_day
    if kcal <= 0 or not iv.surplus_meals:
        return None
    if sch is None:
        return {"carbs_g": 0.0, "protein_g": 0.0, "fat_g": 0.0, "fiber_g": 0.0}
    f = iv.surplus_carbohydrate_fraction
    n = len(PROTEIN_CLOCK_H)
    return {
        "carbs_g": kcal * f / sch.kcal_per_g_carbohydrate / n,
        "protein_g": 0.0,
        "fat_g": kcal * (1.0 - f) / sch.kcal_per_g_fat / n,
        "fiber_g": 0.0,
    }


def _daily_portions(iv: Diet, sch: Any, end: float, portion: dict[str, float]) -> None:
    """``portion`` as a meal event at each of :data:`PROTEIN_CLOCK_H` every day the diet
    lasts."""
    stop = end if iv.duration_min is None else min(end, iv.start_min + iv.duration_min)
    for h in PROTEIN_CLOCK_H:
        t = (h - sch.start_clock_h) * 60.0 % 1440.0
        while t < stop:
            if t >= iv.start_min:
                sch.events.append(Event(t, "meal", dict(portion)))
            t += 1440.0


def diet_level(t: float, start: float, end: float, onset_min: float) -> float:
    """Fraction of the full diet effect at ``t``: first-order onset from ``start`` and
    washout after ``end``, both with time constant ``onset_min`` (body.diet_onset_min)."""
    if t <= start:
        return 0.0
    reached = 1.0 - math.exp(-(min(t, end) - start) / onset_min)
    return reached * (math.exp(-(t - end) / onset_min) if t > end else 1.0)


def diet_inputs(
    t: float, diet: SimpleNamespace, nfkb_basal: float, bp: SimpleNamespace
) -> dict[str, float]:
    """N2/N3: diet effects, with onset and washout (:func:`diet_level`); ``bp`` the body
    parameters (``diet_*``)."""
    on = diet_level(
        t, getattr(diet, "start", 0.0), getattr(diet, "end", math.inf), bp.diet_onset_min
    )
    restriction = min(1.0, bp.diet_cr_gain * diet.cr + diet.fasting_h / bp.diet_fasting_stress_h)
    damping = bp.diet_omega3_per_g * diet.omega3 + bp.diet_polyphenol_per_mg * diet.polyphenols
    return {
        "anti_inflammatory": on * min(bp.diet_anti_inflammatory_max, damping),
        "polyphenols": on * min(1.0, diet.polyphenols / bp.diet_polyphenol_ref_mg),
        "renewal": on * (bp.diet_cr_gain * diet.cr + diet.fasting_h / bp.diet_fasting_renewal_h),
        "ros": -on * nfkb_basal * restriction,
    }


@register
class DietKind(Kind):
    """The schedule's ``diet`` setting (no diet: all zero), read into the cell inputs
    ``anti_inflammatory``, ``polyphenols``, ``renewal`` and ``ros`` at every step."""

    name = "diet"
    Schema = Diet
    during_warm_up = True

    @classmethod
    def schedule(cls, iv: Diet, sch: Any, end: float) -> None:
        if iv.protein_g_kg_day > 0:  # portions as protein-only meal events (every day)
            grams = iv.protein_g_kg_day * sch.body_mass_kg / len(PROTEIN_CLOCK_H)
            portion = {"carbs_g": 0.0, "protein_g": grams, "fat_g": 0.0, "fiber_g": 0.0}
            _daily_portions(iv, sch, end, portion)
        surplus = surplus_portion(iv, sch)
        if surplus is not None:  # the surplus's food, eaten with the three meals
            _daily_portions(iv, sch, end, surplus)
        sch.diet = SimpleNamespace(
            omega3=iv.omega3_g_day,
            polyphenols=iv.polyphenols_mg_day,
            cr=iv.caloric_restriction,
            fasting_h=iv.fasting_window_h,
            start=iv.start_min,
            end=math.inf if iv.duration_min is None else iv.start_min + iv.duration_min,
        )

    @classmethod
    def cell_inputs(cls, ctx: Any, t: float, tissue: Any, u: dict[str, Any]) -> None:
        u.update(diet_inputs(t, ctx.sch.diet, tissue.param_mean("nfkb_basal"), ctx.bp))

    @classmethod
    def check(cls, iv: Diet, i: int, scn: Any) -> None:
        if iv.energy_balance_kcal_day != 0 and scn.remodel is None:
            raise ValueError(
                f"interventions.{i}.energy_balance_kcal_day acts on the stored "
                "lipid of the adipocytes: add a remodel: block (e.g. remodel: "
                "{every_min: 1440})"
            )
        if surplus_portion(iv) is not None and iv.start_min < 1440.0:
            raise ValueError(
                f"interventions.{i}.start_min={iv.start_min:g}: a surplus eaten as meals "
                "(energy_balance_kcal_day > 0, surplus_meals true) must start on day 1 or "
                "later (start_min >= 1440): the remodelling rules take day 0 as the "
                "subject's energy-balance day. Or set surplus_meals: false"
            )

    @classmethod
    def check_simulated_days(cls, iv: Diet, i: int, k: int) -> None:
        """A diet acts on every day alike, but a surplus eaten as meals changes the days'
        food from its first day (and back after its last): those must be simulated days."""
        if surplus_portion(iv) is None:
            return
        edges = [("start_min", iv.start_min)]
        if iv.duration_min is not None:
            edges.append(("start_min + duration_min", iv.start_min + iv.duration_min))
        for key, t in edges:
            if t % (k * 1440.0) != 0.0:
                raise ValueError(
                    f"interventions.{i}.{key}={t:g}: with remodel.simulate_every_days={k} a "
                    f"surplus eaten as meals must start and end at the start of a simulated "
                    f"day (a multiple of {k * 1440:g} min), or set surplus_meals: false"
                )
