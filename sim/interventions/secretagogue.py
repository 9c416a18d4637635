"""``secretagogue``: a GH secretagogue peptide (H2/B3), Ipamorelin (ghrelin-receptor agonist)
or Sermorelin (GHRH analogue): an sc dose into an injection-site depot, or iv over
``infusion_min`` (Gobburu 1999: 15 min)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from sim.interventions.base import BodyAccess, Event, Kind, NonNeg, Repeat, Span, register


class Secretagogue(Repeat):
    kind: Literal["secretagogue"]
    at_min: NonNeg
    drug: Literal["sermorelin", "ipamorelin"]
    dose_ug: Annotated[float, Field(gt=0, le=10000)]
    infusion_min: NonNeg = 0.0


@register
class SecretagogueKind(Kind):
    """Body compartments ``ipam``/``serm`` (plasma) and ``ipam_sc``/``serm_sc`` (depot);
    the iv form is the schedule channel ``drug_inf`` (ug/kg/min per drug)."""

    name = "secretagogue"
    Schema = Secretagogue
    events = ("ipam_sc", "serm_sc")
    KEY = {"ipamorelin": "ipam", "sermorelin": "serm"}

    @classmethod
    def schedule(cls, iv: Secretagogue, sch: Any, end: float) -> None:
        key = cls.KEY[iv.drug]
        ug_kg = iv.dose_ug / sch.body_mass_kg
        for t in iv.times(iv.at_min, end):
            if iv.infusion_min > 0:
                stop = min(t + iv.infusion_min, end)
                sch.drug_inf.setdefault(key, []).append(Span(t, stop, ug_kg / iv.infusion_min))
            else:  # sc injection into a depot
                sch.events.append(Event(t, f"{key}_sc", {"ug_kg": ug_kg}))

    @classmethod
    def apply_event(cls, ev: Event, body: BodyAccess) -> None:
        body.add(ev.kind, ev.amounts["ug_kg"])

    @classmethod
    def check(cls, iv: Secretagogue, i: int, scn: Any) -> None:
        inf, end = iv.infusion_min, scn.duration_min
        if inf and not scn.dt_min <= inf <= end:
            raise ValueError(
                f"interventions.{i}.infusion_min={inf:g}: 0 (a bolus) or from dt_min="
                f"{scn.dt_min:g} to the run's duration_min={end:g}"
            )

    @classmethod
    def acts_after_t0(cls, iv: Secretagogue) -> bool:
        return iv.infusion_min == 0 or iv.at_min > 0  # a bolus, or an iv span after t = 0
