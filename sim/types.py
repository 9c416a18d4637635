"""Declarations shared by every layer: parameters and species carry names, units and sources.

The model is a declaration (species, parameters with values, units and provenance) that the
numerical layers consume by name, never by position.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TypeAlias

import numpy as np
import numpy.typing as npt

FloatArray: TypeAlias = npt.NDArray[np.float64]
"""An array of float64; cell arrays are shaped (n_species, n_cells) or (n_cells,)."""
BoolArray: TypeAlias = npt.NDArray[np.bool_]
"""A mask, e.g. over the cells of a tissue."""
PROVENANCE_KIND = re.compile(r"^(literature|assumed|calibrated to [VR]\d+[a-z]?)$")
"""The provenance kinds a parameter may declare."""
CALIBRATED_TO = re.compile(r"\bcalibrated (?:to|against|on) ([VR]\d+[a-z]?)\b", re.IGNORECASE)
"""A source's own statement of the validation target a value was fitted to."""


@dataclass(frozen=True)
class Param:
    """A model parameter: its default value, unit, provenance and admissible range.

    Attributes:
        name: identifier used in scenario overrides (``<tissue>.<name>``).
        value: default (healthy) value.
        unit: physical unit, ``1`` for dimensionless.
        source: literature citation, or ``calibrated to Vxx`` when fitted to a validation target.
        bounds: inclusive admissible range used by validation and property tests.
        cv: per-cell spread multiplier; 0 keeps the parameter uniform across cells, 1 draws
            it with the scenario's ``heterogeneity_cv``.
        kind: provenance kind, ``literature``, ``calibrated to Vxx`` (the validation target
            it was fitted to) or ``assumed`` (a modelling choice or model scale); empty for
            declarations that predate the field, whose kind :attr:`provenance` reads from the
            source's "calibrated to Vxx" convention.
    """

    name: str
    value: float
    unit: str
    source: str
    bounds: tuple[float, float] = (0.0, float("inf"))
    cv: float = 0.0
    kind: str = ""

    def __post_init__(self) -> None:
        if self.kind and not PROVENANCE_KIND.match(self.kind):
            raise ValueError(
                f"parameter {self.name}: kind {self.kind!r} is not literature, "
                "'calibrated to <target id>' or assumed"
            )

    @property
    def provenance(self) -> str:
        """``literature``, ``calibrated to Vxx`` or ``assumed``: the explicit ``kind``; for
        a declaration without one, ``calibrated to <id>`` when its source says so in those
        words, ``assumed`` for a model scale or a value set per cell, else ``literature``."""
        if self.kind:
            return self.kind
        found = CALIBRATED_TO.search(self.source)
        if found:
            return f"calibrated to {found.group(1)}"
        s = self.source.lower()
        if "model scale" in s or "set per" in s or "multiplied per" in s or "expression" in s:
            return "assumed"
        return "literature"


@dataclass(frozen=True)
class Species:
    """A state variable of a cell: name, unit, description and initial value.

    Attributes:
        name: identifier; also the column name in ``cells.parquet``.
        unit: ``fraction`` for pathway nodes (fraction of their total), otherwise a unit.
        description: what the variable stands for.
        initial: value before pre-equilibration.
        conserved_group: name of the moiety whose total is fixed (``""`` if none).
    """

    name: str
    unit: str
    description: str
    initial: float = 0.0
    conserved_group: str = ""


@dataclass(frozen=True)
class DiagramInput:
    """How a cell input appears in the pathway diagram (:mod:`sim.viz.pathway_diagram`).

    Attributes:
        label: the input box's label.
        column: the ``timeseries.parquet`` column whose value the box shows.
        unit: that column's unit, as displayed.
        arm: the diagram's row band (an arm of :data:`sim.viz.nodes.ARMS`).
    """

    label: str
    column: str
    unit: str
    arm: str


@dataclass(frozen=True)
class CellInput:
    """An input every cell of a tissue reads from outside (``u.<name>`` in the rate laws).

    Attributes:
        name: identifier (``u.<name>``); the unit is in the name where it has one.
        unit: physical unit, ``1`` or ``relative`` for dimensionless signals.
        description: what the input stands for.
        neutral: its value when nothing acts on it (hormones absent, nutrients at their
            fasting level, a modulator 1, a diet effect 0); a tissue whose rate laws do not
            read the input is handed this value.
        tissues: the tissues whose rate laws read it.
        source: where its value comes from (body state, graph operator, schedule,
            intervention kind).
        diagram: its box in the pathway diagram (None: not drawn).
        engaged: its value where the pathway diagram's Jacobian is taken, every arm engaged
            (None: the neutral value).
    """

    name: str
    unit: str
    description: str
    neutral: float
    tissues: tuple[str, ...]
    source: str
    diagram: DiagramInput | None = None
    engaged: float | None = None
