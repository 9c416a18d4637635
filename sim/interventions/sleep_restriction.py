"""``sleep_restriction``: nights of short sleep before the run; their sleep debt is carried
into it and recovers exponentially (S1)."""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from pydantic import Field

from sim.interventions.base import Kind, Strict, register

SLEEP_DEBT_TAU_H = 36.0
"""Recovery time constant of sleep debt (h); Spiegel 1999 (recovery over 2-3 nights)."""


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
            (8.0 - iv.hours) * math.exp(-(k * 24.0) / SLEEP_DEBT_TAU_H) for k in range(iv.nights)
        )
