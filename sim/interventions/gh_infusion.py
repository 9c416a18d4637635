"""``gh_infusion``: iv rhGH at a constant rate into plasma (B3)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from sim.interventions.base import NonNeg, Pos, Repeat, SpanKind, register


class GhInfusion(Repeat):
    kind: Literal["gh_infusion"]
    start_min: NonNeg
    duration_min: Pos
    rate_ng_kg_min: Annotated[float, Field(gt=0, le=1000)]


@register
class GhInfusionKind(SpanKind):
    """Channel ``gh_inf`` in ug/kg/min."""

    name = "gh_infusion"
    Schema = GhInfusion
    channel = "gh_inf"

    @classmethod
    def value(cls, iv: GhInfusion, sch: Any) -> float:
        return iv.rate_ng_kg_min / 1000.0
