"""Sweep files: the pydantic model of CONTRACT's sweep keys, loading and clear errors.

A sweep file is validated completely (and its base scenario loaded) before anything runs or
is written; an error names the file, the key path, the offending value and what is allowed.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from sim import limits
from sim.inputs import is_number, short
from sim.scenario import ScenarioError, format_validation_error, read_yaml_mapping

DesignKind = Literal["grid", "random", "lhs", "sobol", "morris"]
SAMPLES_MEANING = {
    "random": "number of runs",
    "lhs": "number of runs",
    "sobol": "base sample size N (runs = N x (D + 2)); a power of two",
    "morris": "number of trajectories (runs = trajectories x (D + 1))",
}


class SweepError(ScenarioError):
    """Invalid sweep input; the message is meant for the user (exit status 2)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Design(_Strict):
    """How the swept points are chosen (CONTRACT: Sweeps, ``design``)."""

    kind: DesignKind
    parameters: dict[str, list[Any]]
    samples: Annotated[int, Field(ge=1)] | None = None

    @model_validator(mode="after")
    def _check(self) -> Design:
        if not self.parameters:
            raise ValueError("design.parameters: at least one dotted scenario key is needed")
        for key, values in self.parameters.items():
            _check_values(self.kind, key, values)
        if self.kind == "grid" and self.samples is not None:
            raise ValueError("design.samples is not used by a grid design (remove it)")
        if self.kind != "grid" and self.samples is None:
            raise ValueError(
                f"design.samples is required for {self.kind}: {SAMPLES_MEANING[self.kind]}"
            )
        if self.kind == "sobol" and self.samples & (self.samples - 1):
            raise ValueError(
                f"design.samples={self.samples}: sobol needs a power of two (e.g. 8, 16, 64)"
            )
        return self

    def n_points(self) -> int:
        """How many design points the design gives (before replicates)."""
        d = len(self.parameters)
        if self.kind == "grid":
            return math.prod(len(v) for v in self.parameters.values())
        n = self.samples or 0
        return {"sobol": n * (d + 2), "morris": n * (d + 1)}.get(self.kind, n)

    def names(self) -> list[str]:
        """The swept keys, in file order."""
        return list(self.parameters)


def _check_values(kind: str, key: str, values: list[Any]) -> None:
    where = f"design.parameters.{key}"
    if not values:
        raise ValueError(f"{where}: empty list; give the values (grid) or [low, high] (others)")
    if kind == "grid":
        kinds = {_value_kind(v) for v in values}
        if None in kinds or len(kinds) > 1:
            raise ValueError(
                f"{where}={short(values)}: grid values must all be numbers (finite), all text "
                "or all true/false"
            )
        return
    if len(values) != 2 or not all(is_number(v) for v in values):
        raise ValueError(f"{where}={values}: a {kind} design needs [low, high] with two numbers")
    if not values[0] < values[1]:
        raise ValueError(f"{where}={values}: low must be < high")


def _value_kind(v: Any) -> str | None:
    """``number``, ``text`` or ``bool`` for a usable grid value, else None."""
    if isinstance(v, bool):
        return "bool"
    if is_number(v):
        return "number"
    return "text" if isinstance(v, str) else None


class SweepSpec(_Strict):
    """A complete, validated sweep file (CONTRACT: Sweeps)."""

    name: Annotated[str, Field(min_length=1, max_length=120, pattern=r"^[A-Za-z0-9_.\-]+$")]
    base: str | dict[str, Any]
    seed: Annotated[int, Field(ge=0, le=2**63 - 1)] = 0
    replicates: Annotated[int, Field(ge=1, le=100_000)] = 1
    paired: bool = True
    design: Design
    keep: Literal["none", "summary", "full"] = "summary"

    @model_validator(mode="after")
    def _bounded_runs(self) -> SweepSpec:
        """The design's run count is bounded (:mod:`sim.limits`) before anything is planned."""
        limits.check("runs", self.design.n_points() * self.replicates, "design x replicates")
        return self


def _format_error(source: str, err: ValidationError) -> str:
    keys = sorted({*SweepSpec.model_fields, *Design.model_fields})
    return format_validation_error(source, "sweep file", err, keys)


def parse_sweep(data: dict[str, Any], label: str = "<sweep>") -> SweepSpec:
    """Validate a sweep mapping.

    Raises:
        SweepError: naming ``label``, the key path, the value and what is allowed.
    """
    try:
        return SweepSpec.model_validate(data)
    except ValidationError as err:
        raise SweepError(_format_error(label, err)) from None


def load_sweep(source: str | Path | dict[str, Any]) -> tuple[SweepSpec, dict[str, Any]]:
    """Load a sweep file and its base scenario mapping (not yet validated as a scenario).

    Returns:
        The validated sweep with ``base`` resolved to an inline mapping, and that mapping.
    """
    if isinstance(source, dict):
        data, label, folder = dict(source), "<sweep>", Path.cwd()
    else:
        path = Path(source)
        data = read_yaml_mapping(path, "a sweep file", SweepError)
        label, folder = str(path), path.parent
    spec = parse_sweep(data, label)
    if isinstance(spec.base, str):
        base_path = folder / spec.base
        if not base_path.is_file():
            raise SweepError(f"{label}: base: scenario file {str(base_path)!r} not found")
        base = read_yaml_mapping(base_path, "a scenario file", SweepError)
    else:
        base = spec.base
    return spec.model_copy(update={"base": base}), base


def to_yaml(spec: SweepSpec) -> str:
    """The resolved sweep (base inlined, defaults filled in) as YAML."""
    return yaml.safe_dump(spec.model_dump(mode="json"), sort_keys=False)
