"""Turn a scenario's interventions, its protocol and the sleep record into time periods.

Figures shade these periods so every trace can be read against what was done to the body
(meals, exercise, infusions, clamp steps) and whether it was asleep. Only the saved scenario
mapping and the ``asleep`` column are used, so this works on any run folder.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

logger = logging.getLogger(__name__)

_START_KEYS_MIN: tuple[str, ...] = ("start_min", "at_min")
_START_KEYS_H: tuple[str, ...] = ("start_h", "at_h")


@dataclass(frozen=True)
class Period:
    """Something that happened during a run.

    Attributes:
        kind: ``sleep``, or the intervention / protocol ``kind`` (e.g. ``meal``, ``exercise``).
        start_min: start, minutes since the run start.
        end_min: end, minutes since the run start; ``None`` for an instantaneous event.
        label: legend label.
    """

    kind: str
    start_min: float
    end_min: float | None
    label: str

    @property
    def is_meal(self) -> bool:
        """Whether this is a meal (drawn as a marker plus its short span)."""
        return "meal" in self.kind.lower()


def sleep_periods(timeseries: pd.DataFrame) -> list[Period]:
    """Contiguous runs of ``asleep == 1`` as periods.

    A run of sleep rows ends at the time of the first awake row after it (or at the last row).

    Args:
        timeseries: the ``timeseries.parquet`` table, sorted by time.

    Returns:
        Sleep periods in time order; empty if the ``asleep`` column is absent.
    """
    if "asleep" not in timeseries.columns or timeseries.empty:
        return []
    t = timeseries["time_min"].to_numpy(dtype=float)
    asleep = timeseries["asleep"].fillna(0).to_numpy(dtype=float) > 0.5
    edges = np.diff(np.concatenate(([0], asleep.astype(np.int8), [0])))
    starts, stops = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    periods = []
    for i, j in zip(starts, stops, strict=True):
        end = t[j] if j < len(t) else t[-1]
        periods.append(Period("sleep", float(t[i]), float(end), "sleep"))
    return periods


def _start_min(spec: Mapping[str, Any]) -> float | None:
    """Start time of an intervention in minutes, from ``start_min``/``at_min``/``*_h`` keys."""
    for key in _START_KEYS_MIN:
        if spec.get(key) is not None:
            return float(spec[key])
    for key in _START_KEYS_H:
        if spec.get(key) is not None:
            return 60.0 * float(spec[key])
    return None


def _duration_min(spec: Mapping[str, Any], start: float | None) -> float | None:
    """Duration in minutes from ``duration_min``, ``duration_h`` or ``end_min``."""
    if spec.get("duration_min") is not None:
        return float(spec["duration_min"])
    if spec.get("duration_h") is not None:
        return 60.0 * float(spec["duration_h"])
    if spec.get("end_min") is not None and start is not None:
        return float(spec["end_min"]) - start
    return None


def _period(spec: Mapping[str, Any], kind: str, start: float, label: str) -> Period:
    """A period from a spec with a known start."""
    duration = _duration_min(spec, start)
    end = None if duration is None or duration <= 0 else start + duration
    return Period(kind, start, end, label)


def _repeats(spec: Mapping[str, Any], start: float, end_min: float | None) -> list[float]:
    """Start times of an intervention and its repetitions (``repeat_every_min``, up to
    ``repeat_until_min``) before ``end_min``; only ``start`` when the run's end is unknown."""
    every = spec.get("repeat_every_min")
    if not every or end_min is None:
        return [start]
    until = spec.get("repeat_until_min")
    until = end_min if until is None else min(float(until), end_min)
    n = int(np.floor((until - start) / float(every))) + 1 if until >= start else 0
    return [start + k * float(every) for k in range(n) if start + k * float(every) < end_min]


def intervention_periods(
    interventions: Iterable[Any], end_min: float | None = None
) -> list[Period]:
    """Periods of the scenario's ``interventions`` list.

    Args:
        interventions: mappings with ``kind`` and timing keys (``at_min`` or ``start_min``,
            ``at_h`` or ``start_h``; optional ``duration_min``, ``duration_h`` or ``end_min``;
            optional ``repeat_every_min`` and ``repeat_until_min``).
        end_min: the run's length; repetitions are listed up to it (None: first ones only).

    Returns:
        One period per intervention (and repetition) with a start time; interventions without
        one are logged and skipped.
    """
    periods = []
    for spec in interventions or []:
        if not isinstance(spec, Mapping):
            continue
        kind = str(spec.get("kind", "intervention"))
        start = _start_min(spec)
        if start is None:
            logger.info("intervention %r has no start time; not shaded", kind)
            continue
        for t in _repeats(spec, start, end_min):
            periods.append(_period(spec, kind, t, kind.replace("_", " ")))
    return periods


def protocol_periods(protocol: Any) -> list[Period]:
    """Periods of the scenario's ``protocol`` mapping (e.g. clamp steps).

    Every list of mappings inside the protocol (e.g. ``steps``) gives one period per item;
    without such steps the protocol itself is one period if it has a start. A step without a
    start begins where the previous step ended (or at the protocol start, else 0), so
    sequential steps given only by duration are placed back to back.

    Args:
        protocol: the scenario's ``protocol`` value (mapping or ``None``).

    Returns:
        Periods in declaration order.
    """
    if not isinstance(protocol, Mapping):
        return []
    kind = str(protocol.get("kind") or protocol.get("name") or "protocol")
    own_start = _start_min(protocol)
    periods: list[Period] = []
    for value in protocol.values():
        if isinstance(value, list) and any(isinstance(v, Mapping) for v in value):
            periods += _step_periods(value, kind, own_start or 0.0)
    if not periods and protocol.get("step_min") is not None:
        periods += _insulin_steps(protocol, kind, own_start or 0.0)
    if not periods and own_start is not None:
        periods.append(_period(protocol, kind, own_start, kind))
    return periods


def _insulin_steps(protocol: Mapping[str, Any], kind: str, start: float) -> list[Period]:
    """Clamp steps of ``step_min`` each, one per ``insulin_uU_ml`` level (a number or list)."""
    levels = protocol.get("insulin_uU_ml")
    levels = levels if isinstance(levels, list) else [levels]
    step = float(protocol["step_min"])
    return [
        Period(kind, start + k * step, start + (k + 1) * step, f"{kind} step")
        for k in range(len(levels))
    ]


def _step_periods(steps: list[Any], kind: str, cursor: float) -> list[Period]:
    """Sequential periods of a protocol's list of step mappings."""
    periods = []
    for step in steps:
        if not isinstance(step, Mapping):
            continue
        start = _start_min(step)
        start = cursor if start is None else start
        period = _period(step, str(step.get("kind", kind)), start, f"{kind} step")
        if period.end_min is None and _start_min(step) is None:
            continue
        periods.append(period)
        cursor = period.end_min if period.end_min is not None else start
    return periods


def scenario_periods(scenario: Mapping[str, Any]) -> list[Period]:
    """Protocol and intervention periods of a parsed ``scenario.yaml`` (repeated
    interventions up to its ``duration_min``)."""
    interventions = scenario.get("interventions") or []
    end = scenario.get("duration_min")
    end_min = float(end) if isinstance(end, int | float) else None
    return protocol_periods(scenario.get("protocol")) + intervention_periods(interventions, end_min)


def run_periods(scenario: Mapping[str, Any], timeseries: pd.DataFrame) -> list[Period]:
    """All shaded periods of a run: sleep first (drawn underneath), then scenario periods."""
    return sleep_periods(timeseries) + scenario_periods(scenario)
