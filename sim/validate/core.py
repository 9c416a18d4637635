"""Declarations of a validation target: criteria with accepted bands, outcomes, run data.

A target (VALIDATION.md) is a small experiment: scenario mappings built for a seed and run
through the public interface (``sim.load_scenario`` / ``sim.run``), a ``measure`` function
turning the runs into named values (and curves for the figure), and criteria that accept or
reject each value. A target passes only if every criterion passes.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from sim.validate import metrics as mx

SMALL_CELLS = {"muscle": 30, "liver": 20, "adipose": 20}
"""Agents per tissue in validation runs: whole-body figures do not depend on the agent count
(DESIGN: the agent count is resolution), so the suite stays small and fast."""


@dataclass(frozen=True)
class Criterion:
    """One accepted band: ``low <= value <= high`` (either side may be open).

    ``strict`` makes the bounds exclusive (directions such as "ratio > 1").
    """

    key: str
    label: str
    low: float | None = None
    high: float | None = None
    unit: str = ""
    strict: bool = False

    def passes(self, value: float) -> bool:
        if value is None or not math.isfinite(value):
            return False
        if self.low is not None and (value <= self.low if self.strict else value < self.low):
            return False
        return not (
            self.high is not None and (value >= self.high if self.strict else value > self.high)
        )

    def distance(self, value: float) -> float:
        """Distance outside the band in units of its width (0 inside; 10 for NaN).

        One-sided bands are normalised by the bound's magnitude (or 1 when it is 0).
        """
        if value is None or not math.isfinite(value):
            return 10.0
        if self.passes(value):
            return 0.0
        if self.low is not None and self.high is not None:
            # a point band (V13's "every night", 1-1) is normalised like a one-sided bound
            scale = (self.high - self.low) or abs(self.high) or 1.0
        else:
            bound = self.low if self.low is not None else self.high
            scale = abs(bound) or 1.0
        if self.low is not None and value <= self.low:
            return (self.low - value) / scale + (1e-3 if self.strict else 0.0)
        return (value - self.high) / scale + (1e-3 if self.strict else 0.0)

    def band(self) -> list[float | None]:
        return [self.low, self.high]

    def band_text(self) -> str:
        op_lo, op_hi = (">", "<") if self.strict else (">=", "<=")
        u = f" {self.unit}" if self.unit else ""
        if self.low is not None and self.high is not None:
            return f"{self.low:g}-{self.high:g}{u}"
        if self.low is not None:
            return f"{op_lo} {self.low:g}{u}"
        return f"{op_hi} {self.high:g}{u}"


@dataclass
class RunData:
    """What a target needs from one run (picklable; no Mesa model)."""

    timeseries: pd.DataFrame
    cells: pd.DataFrame
    summary: dict[str, Any]
    scenario: dict[str, Any] = field(default_factory=dict)
    """The scenario mapping the run was made from (with any overrides), for targets whose
    protocol designs a second run from the first (V32's isoglycaemic iv arm)."""


@dataclass
class Measured:
    """Values keyed like the criteria, plus curves and notes for the figure."""

    values: dict[str, float]
    curves: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Target:
    """A validation target of VALIDATION.md as a declared experiment.

    Attributes:
        id: ``V01``..``V17``.
        name: what is simulated, one line.
        source: the citation the band comes from.
        protocol: the protocol in words (for the report).
        criteria: accepted bands; the first is the headline value of the table.
        scenarios: seed -> {run name: scenario mapping} (CONTRACT scenario keys only).
        measure: runs by name -> measured values and curves.
        draw: (figure title, Outcome) -> a matplotlib Figure with the simulated curve and
            the accepted band (and the reference curve when there is one).
        reference: optional libroadrunner run of the named SBML model on the same
            protocol, returning ``Measured`` (values keyed ``ref_<key>``) for side by side.
        cost: rough relative cost, used to start expensive work first.
        prediction: no parameter was ever calibrated to this target; reported apart from the
            calibrated ones (VALIDATION.md, "Adding targets").
    """

    id: str
    name: str
    source: str
    protocol: str
    criteria: tuple[Criterion, ...]
    scenarios: Callable[[int], dict[str, dict[str, Any]]]
    measure: Callable[[dict[str, RunData]], Measured]
    draw: Callable[..., None]
    reference: Callable[[], Measured] | None = None
    cost: float = 1.0
    prediction: bool = False


@dataclass
class CriterionResult:
    key: str
    label: str
    value: float
    band: list[float | None]
    band_text: str
    passed: bool
    distance: float


@dataclass
class Outcome:
    """One target evaluated for one seed."""

    target: Target
    seed: int
    criteria: list[CriterionResult]
    curves: dict[str, Any]
    reference: Measured | None = None
    error: str | None = None
    values: dict[str, float] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return self.error is None and all(c.passed for c in self.criteria)

    @property
    def loss(self) -> float:
        """Sum of the criteria's distances outside their bands (calibration loss)."""
        if self.error is not None:
            return 10.0 * len(self.target.criteria)
        return float(sum(c.distance for c in self.criteria))

    def also_measured(self) -> dict[str, float]:
        """Values the target measures beside its criteria and reference figures (reported,
        not judged)."""
        judged = {c.key for c in self.criteria}
        if self.reference is not None:
            judged |= {k.removeprefix("ref_") for k in self.reference.values}
        return {k: v for k, v in self.values.items() if k not in judged}

    def record(self) -> dict[str, Any]:
        """The CONTRACT ``validation.json`` object, with every sub-criterion."""
        head = self.criteria[0] if self.criteria else None
        out: dict[str, Any] = {
            "id": self.target.id,
            "name": self.target.name,
            "value": _num(head.value) if head else None,
            "band": head.band if head else None,
            "band_text": head.band_text if head else None,
            "pass": self.passed,
            "seed": self.seed,
            "prediction": self.target.prediction,
            "source": self.target.source,
            "criteria": [
                {
                    "key": c.key,
                    "label": c.label,
                    "value": _num(c.value),
                    "band": c.band,
                    "band_text": c.band_text,
                    "pass": c.passed,
                    "distance": _num(c.distance),
                }
                for c in self.criteria
            ],
        }
        if self.reference is not None:
            out["reference"] = {
                k.removeprefix("ref_"): {
                    "ours": _num(self.values.get(k.removeprefix("ref_"), float("nan"))),
                    "reference": _num(v),
                }
                for k, v in self.reference.values.items()
            }
        extra = self.also_measured()
        if extra:
            out["also_measured"] = {k: _num(v) for k, v in extra.items()}
        if self.error is not None:
            out["error"] = self.error
        return out


def _num(v: float | None) -> float | None:
    return None if v is None or not math.isfinite(v) else float(v)


def judge(target: Target, seed: int, measured: Measured, ref: Measured | None) -> Outcome:
    """Check every criterion of ``target`` against the measured values."""
    results = []
    for c in target.criteria:
        v = float(measured.values.get(c.key, float("nan")))
        results.append(
            CriterionResult(c.key, c.label, v, c.band(), c.band_text(), c.passes(v), c.distance(v))
        )
    return Outcome(target, seed, results, measured.curves, ref, values=dict(measured.values))


COHORT = 6
"""Virtual subjects per seed where a target reports group means (V05, V07, V15, V16; V01
uses Rizza's 15): endogenous GH pulses differ between subjects, and one subject's pulse
during a critical window would otherwise decide the result (Jørgensen 2006 studied six)."""


def cohort_seeds(seed: int, n: int = COHORT) -> list[int]:
    """The ``n`` subjects' own seeds; different suite seeds give disjoint cohorts."""
    return [seed * n + i for i in range(n)]


def cohort_mean(runs: dict[str, RunData], arm: str, column: str) -> np.ndarray:
    """Group mean of a timeseries column over the runs ``{arm}_0`` .. ``{arm}_{COHORT-1}``."""
    cols = [runs[f"{arm}_{i}"].timeseries[column].to_numpy(float) for i in range(COHORT)]
    return np.mean(cols, axis=0)


def scenario(name: str, seed: int, **keys: Any) -> dict[str, Any]:
    """A scenario mapping with the suite's defaults (small cell counts, the given seed)."""
    base: dict[str, Any] = {"name": name, "seed": seed, "cells": dict(SMALL_CELLS)}
    base.update(keys)
    return base


def series(run: RunData, col: str) -> tuple[np.ndarray, np.ndarray]:
    """Time (min) and the timeseries column ``col`` of one run, as float arrays."""
    ts = run.timeseries
    return ts["time_min"].to_numpy(float), ts[col].to_numpy(float)


def window(run: RunData, col: str, t0: float, t1: float) -> float:
    """Time-weighted mean of the column ``col`` of one run over ``[t0, t1]`` minutes."""
    return mx.window_mean(*series(run, col), t0, t1)


def daily_meals(
    rows: tuple[tuple[float, float, float, float, float], ...],
    repeat_until_min: float | None = None,
) -> list[dict[str, Any]]:
    """Meal interventions repeated every day: one per ``(at_min, carbs_g, protein_g, fat_g,
    fiber_g)`` row, until ``repeat_until_min`` when given (else the run's end)."""
    meals = []
    for at, carbs, protein, fat, fiber in rows:
        meal = {
            "kind": "meal",
            "at_min": at,
            "carbs_g": carbs,
            "protein_g": protein,
            "fat_g": fat,
            "fiber_g": fiber,
            "repeat_every_min": 1440,
        }
        if repeat_until_min is not None:
            meal["repeat_until_min"] = repeat_until_min
        meals.append(meal)
    return meals
