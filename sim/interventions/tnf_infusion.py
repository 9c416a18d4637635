"""``tnf_infusion``: plasma TNF-alpha held at a level (N1)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from sim.interventions.base import NonNeg, Pos, Repeat, SpanKind, register


class TnfInfusion(Repeat):
    kind: Literal["tnf_infusion"]
    start_min: NonNeg
    duration_min: Pos
    tnf_pg_ml: Annotated[float, Field(gt=0, le=10000)]


@register
class TnfInfusionKind(SpanKind):
    """Channel ``tnf``: the TNF-alpha level held (pg/mL)."""

    name = "tnf_infusion"
    Schema = TnfInfusion
    channel = "tnf"
    field = "tnf_pg_ml"
