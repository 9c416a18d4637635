"""``sleep_restriction``: nights of short sleep before the run; their sleep debt is carried
into it and recovers exponentially (S1)."""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from pydantic import Field

from sim.interventions.base import Kind, Strict, register


class SleepRestriction(Strict):
    kind: Literal["sleep_restriction"]
    nights: Annotated[int, Field(ge=1, le=60)]
    hours: Annotated[float, Field(ge=0, lt=8)]


@register
class SleepRestrictionKind(Kind):
    name = "sleep_restriction"
    Schema = SleepRestriction
    during_warm_up = True

    @classmethod
    def schedule(cls, iv: SleepRestriction, sch: Any, end: float) -> None:
        sch.prior_sleep_debt_h += sum(
            (sch.sleep_need_h - iv.hours) * math.exp(-(k * 24.0) / sch.sleep_debt_tau_h)
            for k in range(iv.nights)
        )
