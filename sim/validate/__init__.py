"""Validation suite: the 17 published targets of VALIDATION.md as declared experiments.

Each target builds scenario mappings (CONTRACT keys only), runs them through the public API
(``sim.load_scenario`` / ``sim.run``), measures the runs and checks each value against its
accepted band; V08, V09, V10 and V16 also run their curated SBML reference model with
libroadrunner on the same protocol. ``sim validate`` and ``sim calibrate`` are the command
lines; :func:`validate` and :func:`sim.validate.calibrate.calibrate` the Python API.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sim.validate.core import Outcome

__all__ = ["validate"]


def validate(
    only: Iterable[str] | None = None,
    seeds: Iterable[int] = (0,),
    out: str | Path | None = None,
    workers: int | None = None,
    overrides: Mapping[str, float] | None = None,
    progress: bool = False,
) -> list[Outcome]:
    """Run the selected targets for every seed; write the report folder when ``out`` is given."""
    from sim.validate.report import prepare_out, write_report
    from sim.validate.suite import run_targets, select

    targets = select(only)
    if out is not None:
        prepare_out(Path(out))
    outcomes = run_targets(targets, list(seeds), overrides, workers, progress)
    if out is not None:
        write_report(outcomes, Path(out))
    return outcomes
