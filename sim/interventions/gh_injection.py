"""``gh_injection``: rhGH, an iv bolus into plasma or an sc dose into the two-stage
injection-site depot (B3; Laursen 1995)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from sim.interventions.base import BodyAccess, Event, Kind, NonNeg, Repeat, register


class GhInjection(Repeat):
    kind: Literal["gh_injection"]
    at_min: NonNeg
    dose_mg: Annotated[float, Field(gt=0, le=20)]
    route: Literal["sc", "iv"] = "sc"


@register
class GhInjectionKind(Kind):
    name = "gh_injection"
    Schema = GhInjection
    events = ("gh_iv", "gh_sc")
    _COMPARTMENT = {"gh_iv": "gh", "gh_sc": "gh_sc"}

    @classmethod
    def schedule(cls, iv: GhInjection, sch: Any, end: float) -> None:
        for t in iv.times(iv.at_min, end):
            sch.events.append(
                Event(t, f"gh_{iv.route}", {"ug_kg": iv.dose_mg * 1000.0 / sch.body_mass_kg})
            )

    @classmethod
    def apply_event(cls, ev: Event, body: BodyAccess) -> None:
        body.add(cls._COMPARTMENT[ev.kind], ev.amounts["ug_kg"])

    @classmethod
    def acts_after_t0(cls, iv: GhInjection) -> bool:
        return True  # a bolus: applied by the step that starts at its time
