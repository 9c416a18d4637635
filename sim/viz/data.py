"""Read a run folder and derive the exact numbers the figures draw.

The plotting layer depends only on the files a run writes (the output contract:
``timeseries.parquet``, ``cells.parquet``, ``scenario.yaml``, ``summary.json``,
``manifest.json``), never on simulator objects. Every quantity that a figure draws is computed
here by a pure function, so tests can check the plotted data against the Parquet files and
figures can be re-drawn from any saved run.
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.inputs import load_json, load_yaml, read_text
from sim.kinetics.species import TISSUE_SPECIES
from sim.types import Species

logger = logging.getLogger(__name__)

TISSUES: tuple[str, ...] = ("muscle", "liver", "adipose")
"""Known tissues, in display order; other tissue prefixes are appended alphabetically."""

SUBTYPE_ORDER: tuple[str, ...] = (
    "type_I",
    "type_II",
    "periportal",
    "midzonal",
    "pericentral",
    "subcutaneous",
    "visceral",
)
"""Display order of cell subtypes; unknown subtypes follow alphabetically."""


DECLARED_SPECIES: dict[str, Species] = {
    s.name: s for species in TISSUE_SPECIES.values() for s in species
}
"""Each cell species by name, as sim.kinetics.species declares it (unit, initial value)."""
RELATIVE_NODES: frozenset[str] = frozenset(
    name for name, s in DECLARED_SPECIES.items() if s.unit == "relative" and s.initial == 1.0
)
"""Pathway nodes expressed as a ratio to a reference level (1 = fasting, rest, untrained)."""

CELL_ID_COLUMNS: tuple[str, ...] = ("cell_id", "tissue", "subtype", "zone", "time_min")
"""Identifying columns of ``cells.parquet`` (everything else is a per-cell quantity)."""

QUANTILE_COLUMNS: tuple[str, ...] = ("time_min", "q25", "q50", "q75")


@dataclass(frozen=True)
class RunData:
    """The saved outputs of one run.

    Attributes:
        run_dir: the run folder.
        timeseries: ``timeseries.parquet`` sorted by ``time_min``.
        cells: ``cells.parquet`` (empty frame with the identifying columns if absent).
        scenario: parsed ``scenario.yaml`` (empty mapping if absent).
        summary: parsed ``summary.json`` (empty mapping if absent).
        manifest: parsed ``manifest.json`` (empty mapping if absent).
    """

    run_dir: Path
    timeseries: pd.DataFrame
    cells: pd.DataFrame
    scenario: dict[str, Any]
    summary: dict[str, Any]
    manifest: dict[str, Any]

    @property
    def units(self) -> dict[str, str]:
        """Optional per-column unit overrides from ``manifest.json`` (key ``units``)."""
        units = self.manifest.get("units")
        return {str(k): str(v) for k, v in units.items()} if isinstance(units, Mapping) else {}

    @property
    def start_clock_h(self) -> float | None:
        """Clock hour at ``time_min == 0``, from the scenario or the timeseries."""
        value = self.scenario.get("start_clock_h")
        if value is None and "clock_h" in self.timeseries.columns and len(self.timeseries):
            first = self.timeseries.iloc[0]
            value = float(first["clock_h"]) - float(first["time_min"]) / 60.0
        return None if value is None else float(value)


def _read_mapping(path: Path, loader: str) -> dict[str, Any]:
    """Read a YAML or JSON mapping; a missing or non-mapping file gives ``{}``."""
    if not path.is_file():
        logger.warning("%s not found; continuing without it", path)
        return {}
    text = read_text(path, f"a {loader.upper()} file")
    data = load_yaml(text, str(path)) if loader == "yaml" else load_json(text, str(path))
    return dict(data) if isinstance(data, Mapping) else {}


def load_run(run_dir: str | Path) -> RunData:
    """Load the saved outputs of a run folder.

    Args:
        run_dir: folder holding at least ``timeseries.parquet``.

    Returns:
        The run's tables and metadata.

    Raises:
        FileNotFoundError: if ``timeseries.parquet`` is missing.
    """
    run_dir = Path(run_dir)
    ts_path = run_dir / "timeseries.parquet"
    if not ts_path.is_file():
        raise FileNotFoundError(f"no timeseries.parquet in {run_dir}")
    timeseries = pd.read_parquet(ts_path).sort_values("time_min", kind="stable")
    cells_path = run_dir / "cells.parquet"
    if cells_path.is_file():
        cells = pd.read_parquet(cells_path)
    else:
        logger.warning("%s not found; cell-level figures are skipped", cells_path)
        cells = pd.DataFrame(columns=list(CELL_ID_COLUMNS))
    return RunData(
        run_dir=run_dir,
        timeseries=timeseries.reset_index(drop=True),
        cells=cells,
        scenario=_read_mapping(run_dir / "scenario.yaml", "yaml"),
        summary=_read_mapping(run_dir / "summary.json", "json"),
        manifest=_read_mapping(run_dir / "manifest.json", "json"),
    )


def _ordered(names: Iterable[str], preferred: Iterable[str]) -> list[str]:
    """Unique ``names`` with ``preferred`` ones first (in that order), the rest sorted."""
    unique = set(names)
    head = [n for n in preferred if n in unique]
    return head + sorted(unique.difference(head))


def tissue_nodes(columns: Iterable[str], tissue: str) -> list[str]:
    """Pathway nodes recorded for a tissue in the timeseries, in column order.

    Args:
        columns: timeseries column names (``<tissue>.<node>`` for pathway means).
        tissue: tissue prefix.

    Returns:
        Node names without the tissue prefix.
    """
    prefix = f"{tissue}."
    return [c[len(prefix) :] for c in columns if c.startswith(prefix) and len(c) > len(prefix)]


WHOLE_BODY_PREFIXES: frozenset[str] = frozenset({"body"})
"""Timeseries column prefixes of whole-body quantities, not of a tissue's cells (a
remodelling run's ``body.extracellular_water_rel`` ...; docs/remodelling.md)."""


def run_tissues(run: RunData) -> list[str]:
    """Tissues present in the timeseries column prefixes or in the cells table (whole-body
    prefixes such as ``body.`` are not tissues: they have no cells and no pathway)."""
    prefixes = [
        p
        for p in (c.split(".", 1)[0] for c in run.timeseries.columns if "." in c)
        if p not in WHOLE_BODY_PREFIXES
    ]
    if "tissue" in run.cells.columns:
        prefixes += [str(t) for t in run.cells["tissue"].dropna().unique()]
    return _ordered(prefixes, TISSUES)


def node_unit(node: str, units: Mapping[str, str] | None = None, tissue: str = "") -> str:
    """Unit label of a pathway node.

    Args:
        node: node name (no tissue prefix).
        units: optional overrides keyed by ``<tissue>.<node>`` or ``<node>``.
        tissue: tissue used to look up a prefixed override.

    Returns:
        The unit string for axis and colour-bar labels.
    """
    units = units or {}
    for key in (f"{tissue}.{node}", node):
        if key in units:
            return units[key]
    declared = DECLARED_SPECIES.get(node)
    if declared is None or declared.unit == "fraction":
        return "fraction"
    if declared.unit == "relative":  # a ratio to a reference level, or a signal's own units
        return "relative to basal" if node in RELATIVE_NODES else "relative units"
    return declared.unit


def cell_node_values(cells: pd.DataFrame, tissue: str, node: str) -> pd.DataFrame:
    """Non-missing ``(cell_id, time_min, value)`` rows of one node in one tissue.

    Args:
        cells: the ``cells.parquet`` table.
        tissue: tissue to select.
        node: node column (no prefix).

    Returns:
        Frame with columns ``cell_id``, ``time_min`` and ``node``; empty if the node is absent.
    """
    cols = ["cell_id", "time_min", node]
    if node not in cells.columns or "tissue" not in cells.columns:
        return pd.DataFrame(columns=cols)
    sub = cells.loc[cells["tissue"] == tissue, cols]
    return sub.dropna(subset=[node])


_SNAPSHOT_ROWS: dict[tuple[int, str], tuple[weakref.ref, int, tuple]] = {}


def _snapshot_rows(
    cells: pd.DataFrame, tissue: str
) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """The rows of ``tissue`` in ``cells`` ordered by time (stable), and the snapshot
    times, first positions and counts in that order (``np.unique``): the same for every
    node of the tissue, so worked out once per cells table (a run's is not changed after
    loading; a table of another length, or another table, is worked out again)."""
    key = (id(cells), tissue)
    hit = _SNAPSHOT_ROWS.get(key)
    if hit is not None and hit[0]() is cells and hit[1] == len(cells):
        return hit[2]
    rows = np.flatnonzero((cells["tissue"] == tissue).to_numpy(dtype=bool))
    times = cells["time_min"].to_numpy(dtype=float)[rows]
    order = np.argsort(times, kind="stable")
    rows = rows[order]
    out = (rows, np.unique(times[order], return_index=True, return_counts=True))
    if len(_SNAPSHOT_ROWS) > 64:  # tables of earlier runs in a long session
        _SNAPSHOT_ROWS.clear()
    _SNAPSHOT_ROWS[key] = (weakref.ref(cells), len(cells), out)
    return out


def pathway_quantiles(cells: pd.DataFrame, tissue: str, node: str) -> pd.DataFrame:
    """Interquartile range and median of a node across a tissue's cells at each snapshot.

    Quantiles use linear interpolation (the NumPy/pandas default) over non-missing values.

    Args:
        cells: the ``cells.parquet`` table.
        tissue: tissue to select.
        node: node column (no prefix).

    Returns:
        Frame with columns ``time_min``, ``q25``, ``q50``, ``q75`` sorted by time; empty if the
        node has no values in that tissue.
    """
    if node not in cells.columns or "tissue" not in cells.columns:
        return pd.DataFrame(columns=list(QUANTILE_COLUMNS), dtype=float)
    # plain arrays: this runs once per panel, and pandas selection was most of its cost
    rows, groups = _snapshot_rows(cells, tissue)
    values = cells[node].to_numpy(dtype=float)[rows]
    if np.isnan(values).any():  # the node's missing values left out: group again
        keep = ~np.isnan(values)
        times, values = cells["time_min"].to_numpy(dtype=float)[rows][keep], values[keep]
        groups = np.unique(times, return_index=True, return_counts=True)
    snapshot_times, starts, counts = groups
    if not values.size:
        return pd.DataFrame(columns=list(QUANTILE_COLUMNS), dtype=float)
    if (counts == counts[0]).all():  # every snapshot holds the same cells: one call
        q = np.quantile(values.reshape(len(starts), counts[0]), (0.25, 0.5, 0.75), axis=1).T
    else:
        ends = starts + counts
        q = [np.quantile(values[a:b], (0.25, 0.5, 0.75)) for a, b in zip(starts, ends, strict=True)]
    table = np.column_stack([snapshot_times, np.asarray(q).reshape(-1, 3)])
    return pd.DataFrame(table, columns=list(QUANTILE_COLUMNS))


def cell_order(cells: pd.DataFrame, tissue: str) -> pd.DataFrame:
    """The cells of a tissue ordered by subtype (see ``SUBTYPE_ORDER``), then zone, then id.

    Args:
        cells: the ``cells.parquet`` table.
        tissue: tissue to select.

    Returns:
        Frame with columns ``cell_id``, ``subtype``, ``zone``, one row per cell, in display order.
    """
    if "tissue" not in cells.columns:
        return pd.DataFrame(columns=["cell_id", "subtype", "zone"])
    sub = cells.loc[cells["tissue"] == tissue].drop_duplicates("cell_id")
    sub = sub.reindex(columns=["cell_id", "subtype", "zone"])
    sub["subtype"] = sub["subtype"].fillna("").astype(str)
    rank = {s: i for i, s in enumerate(_ordered(sub["subtype"], SUBTYPE_ORDER))}
    sub = sub.assign(_rank=sub["subtype"].map(rank))
    sub = sub.sort_values(["_rank", "zone", "cell_id"], kind="stable", na_position="last")
    return sub.drop(columns="_rank").reset_index(drop=True)


def heatmap_matrix(
    cells: pd.DataFrame, tissue: str, node: str, order: pd.DataFrame | None = None
) -> pd.DataFrame:
    """A node as a cells x snapshot-times matrix, rows in ``cell_order``.

    Args:
        cells: the ``cells.parquet`` table.
        tissue: tissue to select.
        node: node column (no prefix).
        order: ``cell_order(cells, tissue)`` if the caller has it already.

    Returns:
        Frame indexed by ``cell_id`` (display order) with one column per snapshot time of the
        tissue (sorted ``time_min``); missing values are NaN (a cell recorded twice at one
        time gets the mean). Empty if the node has no values in that tissue.
    """
    if node not in cells.columns or "tissue" not in cells.columns:
        return pd.DataFrame()
    # plain arrays, as in pathway_quantiles: pandas selection was most of this per node
    mask = (cells["tissue"] == tissue).to_numpy(dtype=bool)
    tissue_times = cells["time_min"].to_numpy(dtype=float)[mask]
    vals = cells[node].to_numpy(dtype=float)[mask]
    present = ~np.isnan(vals)
    if not present.any():
        return pd.DataFrame()
    times = np.unique(tissue_times)
    ids = (cell_order(cells, tissue) if order is None else order)["cell_id"].to_numpy()
    row = pd.Index(ids).get_indexer(cells["cell_id"].to_numpy()[mask][present])
    col = np.searchsorted(times, tissue_times[present])
    keep = row >= 0  # every cell of the tissue is in its order; a foreign order drops rows
    row, col, vals = row[keep], col[keep], vals[present][keep]
    total = np.zeros((len(ids), len(times)))
    count = np.zeros((len(ids), len(times)))
    np.add.at(total, (row, col), vals)
    np.add.at(count, (row, col), 1.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(count > 0, total / count, np.nan)
    return pd.DataFrame(mean, index=pd.Index(ids, name="cell_id"), columns=times)


def present_columns(frame: pd.DataFrame, columns: Iterable[str]) -> list[str]:
    """The given columns that exist in ``frame`` and hold at least one finite value."""
    out = []
    for col in columns:
        if col in frame.columns and np.isfinite(frame[col].to_numpy(dtype=float)).any():
            out.append(col)
    return out


def any_positive(frame: pd.DataFrame, column: str) -> bool:
    """Whether ``column`` exists and has any value > 0 (NaN-safe)."""
    if column not in frame.columns:
        return False
    return bool((frame[column].to_numpy(dtype=float) > 0).any())
