"""``modulator``: a named process multiplied by ``factor`` (0 blocks it, 2 doubles it) in
one tissue or all, over a time window: seven act inside cells (a cell input
``mod_<target>``), two on the body (insulin and GH secretion)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from sim.interventions.base import Kind, NonNeg, Pos, Span, Strict, Tissue, register, span_end

MODULATOR_TARGETS = (
    "lipolysis",
    "glut4_translocation",
    "socs_transcription",
    "pkc_activation",
    "nfkb_activation",
    "ampk_activation",
    "gluconeogenesis",
    "insulin_secretion",
    "gh_secretion",
)
IN_BODY = ("insulin_secretion", "gh_secretion")
"""Targets that act on the body (read from the schedule by the body's rate laws)."""
IN_CELLS = tuple(t for t in MODULATOR_TARGETS if t not in IN_BODY)
"""Targets that act inside cells, through the cell input ``mod_<target>``."""


class Modulator(Strict):
    kind: Literal["modulator"]
    target: Literal[MODULATOR_TARGETS]  # type: ignore[valid-type]
    tissue: Tissue = "all"
    factor: Annotated[float, Field(ge=0, le=100)]
    start_min: NonNeg = 0.0
    duration_min: Pos | None = None


@register
class ModulatorKind(Kind):
    """The schedule's ``modulators`` channel (spans per target, with their tissue)."""

    name = "modulator"
    Schema = Modulator

    @classmethod
    def schedule(cls, iv: Modulator, sch: Any, end: float) -> None:
        stop = span_end(iv.start_min, iv.duration_min, end)
        span = Span(iv.start_min, stop, iv.factor, iv.tissue)
        sch.modulators.setdefault(iv.target, []).append(span)

    @classmethod
    def cell_inputs(cls, ctx: Any, t: float, tissue: Any, u: dict[str, Any]) -> None:
        for target in IN_CELLS:
            u[f"mod_{target}"] *= ctx.sch.modulator(target, tissue.name, t)

    @classmethod
    def check_simulated_days(cls, iv: Modulator, i: int, k: int) -> None:
        """A modulator window is not tied to a day's events."""

    @classmethod
    def acts_after_t0(cls, iv: Modulator) -> bool:
        return iv.start_min > 0
