"""``training``: a programme of sessions inside the run (E4: chronic adaptation accrues
from the sessions' AMPK activity and decays after the last)."""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from pydantic import Field

from sim.interventions.base import Frac, Kind, NonNeg, Pos, Span, Strict, register
from sim.interventions.exercise import Mode

DAY_MIN = 1440.0


class Training(Strict):
    kind: Literal["training"]
    mode: Mode = "aerobic"
    sessions_per_week: Annotated[int, Field(ge=1, le=14)]
    weeks: Pos
    session_min: Pos
    intensity_vo2max: Frac
    start_min: NonNeg = 0.0
    clock_h: Annotated[float, Field(ge=0, lt=24)] = 17.0


@register
class TrainingKind(Kind):
    name = "training"
    Schema = Training

    @classmethod
    def schedule(cls, iv: Training, sch: Any, end: float) -> None:
        """E4: place ``sessions_per_week`` sessions evenly over each week at ``clock_h``."""
        first_day = iv.start_min
        n_days = int(math.ceil(iv.weeks * 7))
        spacing = 7.0 / iv.sessions_per_week
        k = 0
        while True:
            day = int(math.floor(k * spacing))
            if day >= n_days:
                break
            offset = (iv.clock_h - sch.start_clock_h) * 60.0 % DAY_MIN
            t = first_day + day * DAY_MIN + offset
            if t >= end:
                break
            span = Span(t, min(t + iv.session_min, end), iv.intensity_vo2max)
            sch.exercise.append((span, iv.mode))
            k += 1

    @classmethod
    def check_simulated_days(cls, iv: Training, i: int, k: int) -> None:
        raise ValueError(
            f"interventions.{i}: training needs remodel.simulate_every_days 1 (its "
            "sessions fall on particular days)"
        )
