"""``acipimox``: a nicotinic-acid analogue that blocks adipocyte lipolysis (HSL-driven FFA
release); a fraction of lipolysis inhibited while it acts."""

from __future__ import annotations

from typing import Any, Literal

from sim.interventions.base import Frac, NonNeg, Pos, Repeat, SpanKind, register
from sim.parameters import INTERVENTION_VALUES


class Acipimox(Repeat):
    kind: Literal["acipimox"]
    start_min: NonNeg
    duration_min: Pos
    inhibition: Frac = INTERVENTION_VALUES["acipimox_inhibition"]


@register
class AcipimoxKind(SpanKind):
    """Channel ``acipimox`` (inhibition fraction); the strongest active span scales every
    cell's ``mod_lipolysis`` input by one minus its inhibition."""

    name = "acipimox"
    Schema = Acipimox
    channel = "acipimox"
    field = "inhibition"

    @classmethod
    def cell_inputs(cls, ctx: Any, t: float, tissue: Any, u: dict[str, Any]) -> None:
        on = [s.value for s in ctx.sch.acipimox if s.on(t)]
        u["mod_lipolysis"] *= 1.0 - max(on, default=0.0)
