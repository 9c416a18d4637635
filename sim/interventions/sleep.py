"""``sleep``: a sleep episode (sleep-onset GH burst, B3; sleep debt, S1). Nights not given
default to 8 h from 23:00 (:mod:`sim.signals`)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from sim.interventions.base import Kind, NonNeg, Repeat, Span, register


class Sleep(Repeat):
    kind: Literal["sleep"]
    start_min: NonNeg
    duration_h: Annotated[float, Field(gt=0, le=24)]


@register
class SleepKind(Kind):
    name = "sleep"
    Schema = Sleep
    during_warm_up = True

    @classmethod
    def schedule(cls, iv: Sleep, sch: Any, end: float) -> None:
        for t in iv.times(iv.start_min, end):
            sch.sleep.append(Span(t, min(t + iv.duration_h * 60.0, end), 1.0))
