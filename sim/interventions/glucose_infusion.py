"""``glucose_infusion``: iv glucose at a constant rate; also applies the iv glucose bolus of
the IVGTT protocol (event ``iv_glucose``)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from sim.interventions.base import BodyAccess, Event, NonNeg, Pos, Repeat, SpanKind, register


class GlucoseInfusion(Repeat):
    kind: Literal["glucose_infusion"]
    start_min: NonNeg
    duration_min: Pos
    rate_mg_kg_min: Annotated[float, Field(gt=0, le=100)]


@register
class GlucoseInfusionKind(SpanKind):
    """Channel ``glucose_inf`` in mg/kg/min (counted in the glucose balance)."""

    name = "glucose_infusion"
    Schema = GlucoseInfusion
    channel = "glucose_inf"
    field = "rate_mg_kg_min"
    events = ("iv_glucose",)

    @classmethod
    def apply_event(cls, ev: Event, body: BodyAccess) -> None:
        body.add("q_glc", ev.amounts["mg_kg"])
        body.add("acc_infusion", ev.amounts["mg_kg"])
