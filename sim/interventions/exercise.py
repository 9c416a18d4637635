"""``exercise``: one bout of work at a fraction of VO2max (E1-E3, C2); the schedule's
exercise channel sets the intensity every layer reads."""

from __future__ import annotations

from typing import Any, Literal

from sim.interventions.base import Frac, Kind, NonNeg, Pos, Repeat, Span, register, span_end

Mode = Literal["aerobic", "resistance", "walk"]


class Exercise(Repeat):
    kind: Literal["exercise"]
    start_min: NonNeg
    duration_min: Pos
    intensity_vo2max: Frac
    mode: Mode = "aerobic"


@register
class ExerciseKind(Kind):
    name = "exercise"
    Schema = Exercise

    @classmethod
    def schedule(cls, iv: Exercise, sch: Any, end: float) -> None:
        for t in iv.times(iv.start_min, end):
            span = Span(t, span_end(t, iv.duration_min, end), iv.intensity_vo2max)
            sch.exercise.append((span, iv.mode))

    @classmethod
    def acts_after_t0(cls, iv: Exercise) -> bool:
        return iv.start_min > 0
