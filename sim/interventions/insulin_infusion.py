"""``insulin_infusion``: iv insulin into peripheral plasma, dosed per m2 of body surface
(Du Bois) and converted per kg of body mass."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from sim.interventions.base import NonNeg, Pos, Repeat, SpanKind, register
from sim.units import PMOL_PER_UU_INSULIN


class InsulinInfusion(Repeat):
    kind: Literal["insulin_infusion"]
    start_min: NonNeg
    duration_min: Pos
    rate_mU_m2_min: Annotated[float, Field(gt=0, le=5000)]


@register
class InsulinInfusionKind(SpanKind):
    """Channel ``insulin_inf`` in pmol/kg/min."""

    name = "insulin_infusion"
    Schema = InsulinInfusion
    channel = "insulin_inf"

    @classmethod
    def value(cls, iv: InsulinInfusion, sch: Any) -> float:
        # 1 mU = 6 pmol; rate per m2 converted per kg body mass.
        # pmol/kg/min: 1 mU = 6 pmol
        return iv.rate_mU_m2_min * PMOL_PER_UU_INSULIN * sch.bsa_m2 / sch.body_mass_kg
