"""``knockout``: a fraction of a pathway protein removed in a tissue's cells; its expression
factor ``expr_<target>`` scales the protein's pools and the rates where it acts."""

from __future__ import annotations

from typing import Any, Literal

from sim.interventions.base import Frac, Kind, Strict, Tissue, register
from sim.parameters import KNOCKOUT_TARGETS


class Knockout(Strict):
    kind: Literal["knockout"]
    target: Literal[KNOCKOUT_TARGETS]  # type: ignore[valid-type]
    tissue: Tissue = "all"
    fraction: Frac = 1.0


@register
class KnockoutKind(Kind):
    name = "knockout"
    Schema = Knockout

    @classmethod
    def schedule(cls, iv: Knockout, sch: Any, end: float) -> None:
        """A knockout acts on the cells' parameters when the model is built, not in time."""

    @classmethod
    def parameter_factors(cls, iv: Knockout, tissue: str) -> dict[str, float]:
        if iv.tissue not in ("all", tissue):
            return {}
        return {f"{tissue}.expr_{iv.target}": 1.0 - iv.fraction}

    @classmethod
    def check_simulated_days(cls, iv: Knockout, i: int, k: int) -> None:
        """A knockout acts on every day alike."""
