"""``lipid_infusion``: plasma FFA held at a level by an infusion that cannot be negative
(F1-F3)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from sim.interventions.base import NonNeg, Pos, Repeat, SpanKind, register


class LipidInfusion(Repeat):
    kind: Literal["lipid_infusion"]
    start_min: NonNeg
    duration_min: Pos
    ffa_mM: Annotated[float, Field(gt=0, le=10)]


@register
class LipidInfusionKind(SpanKind):
    """Channel ``lipid``: the FFA level held (mM)."""

    name = "lipid_infusion"
    Schema = LipidInfusion
    channel = "lipid"
    field = "ffa_mM"
