"""Cells x time heatmaps of key pathway nodes, one figure per tissue.

The timeseries keeps only tissue means; these heatmaps show how individual cells (ordered by
subtype, then zone) diverge from that mean, from the snapshots in ``cells.parquet``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.collections import QuadMesh
from matplotlib.figure import Figure

from sim.viz.data import RunData, cell_order, heatmap_matrix, node_unit
from sim.viz.events import run_periods
from sim.viz.layout import add_colorbar
from sim.viz.nodes import UNIT_TEXT, node_label
from sim.viz.style import (
    add_legend,
    figure_title,
    format_time_axis,
    is_bottom,
    light_inner_x,
    new_figure,
    period_handles,
    period_rug,
    time_span_h,
)

HEATMAP_NODES: tuple[str, ...] = ("akt_p", "glut4_pm", "stat5_p", "socs3", "pkc", "nfkb")
"""Nodes drawn as heatmaps, in this order, whichever have values in the tissue."""


def _edges(centres: np.ndarray) -> np.ndarray:
    """Cell edges around sorted centres (a 1 h wide cell for a single centre)."""
    if len(centres) == 1:
        return np.array([centres[0] - 0.5, centres[0] + 0.5])
    mids = (centres[:-1] + centres[1:]) / 2.0
    return np.concatenate(([2 * centres[0] - mids[0]], mids, [2 * centres[-1] - mids[-1]]))


FLAT_SPAN = 0.02
"""Smallest colour range, relative to the node's magnitude: a node that moves less than this
is drawn nearly uniform instead of having round-off-sized changes stretched over the map."""


def _widen_flat_range(mesh: QuadMesh, values: np.ndarray) -> None:
    """Give a nearly constant node a colour range of at least ``FLAT_SPAN`` of its size."""
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return
    lo, hi = float(finite.min()), float(finite.max())
    span = FLAT_SPAN * max(abs(lo), abs(hi), 1e-3)
    if hi - lo < span:
        mid = 0.5 * (lo + hi)
        mesh.set_clim(mid - span / 2, mid + span / 2)


def heatmap_nodes(cells: pd.DataFrame, tissue: str) -> list[str]:
    """Key nodes (``HEATMAP_NODES``) with at least one value in the tissue's cells."""
    if "tissue" not in cells.columns:
        return []
    mask = (cells["tissue"] == tissue).to_numpy(dtype=bool)  # once, not per node
    return [
        n for n in HEATMAP_NODES if n in cells.columns and cells[n].notna().to_numpy()[mask].any()
    ]


def _label_subtypes(ax: Axes, subtypes: pd.Series) -> None:
    """Subtype names at the centre of each block of rows, white lines between blocks."""
    values = subtypes.to_numpy()
    starts = np.flatnonzero(np.r_[True, values[1:] != values[:-1]])
    ends = np.r_[starts[1:], len(values)]
    ax.set_yticks((starts + ends - 1) / 2.0, [str(values[s]) or "?" for s in starts])
    for b in starts[1:]:
        ax.axhline(b - 0.5, color="white", lw=1.2)
    ax.tick_params(axis="y", labelsize="x-small")


def _draw_heatmap(
    fig: Figure, ax: Axes, run: RunData, tissue: str, node: str, order: pd.DataFrame
) -> None:
    """One cells x time heatmap with its labelled colour bar (rows in ``order``)."""
    matrix = heatmap_matrix(run.cells, tissue, node, order)
    x = _edges(matrix.columns.to_numpy(dtype=float) / 60.0)
    y = np.arange(len(matrix) + 1) - 0.5
    mesh = ax.pcolormesh(
        x,
        y,
        np.ma.masked_invalid(matrix.to_numpy(dtype=float)),
        cmap="viridis",
        gid=f"heatmap:{node}",
    )
    _widen_flat_range(mesh, matrix.to_numpy(dtype=float))
    unit = node_unit(node, run.units, tissue)
    add_colorbar(fig, mesh, ax, label=UNIT_TEXT.get(unit, unit), fraction=0.05, pad=0.02)
    t0, t1 = time_span_h(run.timeseries["time_min"].tolist())  # the run, not the cell edges
    ax.set_xlim(max(x[0], t0), min(x[-1], t1) if t1 > t0 else x[-1])
    ax.set_ylim(y[-1], y[0])
    _label_subtypes(ax, order["subtype"])
    ax.set_ylabel(f"{len(matrix)} cells (subtype, zone)", fontsize="small")
    ax.set_title(node_label(node), fontsize="small", pad=10, y=1.0)  # y: see pathways.py


def heatmap_figure(run: RunData, tissue: str) -> Figure | None:
    """Cells x time heatmaps of key nodes, cells ordered by subtype then zone.

    Args:
        run: loaded run.
        tissue: value of the ``tissue`` column in ``cells.parquet``.

    Returns:
        The figure, or ``None`` if none of ``HEATMAP_NODES`` has values in that tissue.
    """
    nodes = heatmap_nodes(run.cells, tissue)
    if not nodes:
        return None
    periods = run_periods(run.scenario, run.timeseries)
    ncols = 2 if len(nodes) > 3 else 1
    fig, axes = new_figure(len(nodes), ncols, 6.0, 2.6, layout="grid")
    order = cell_order(run.cells, tissue)
    for ax, node in zip(axes, nodes, strict=True):
        _draw_heatmap(fig, ax, run, tissue, node, order)
        period_rug(ax, periods)
    span = float(np.ptp(run.cells["time_min"].to_numpy(dtype=float))) / 60.0
    for i, ax in enumerate(axes):
        format_time_axis(
            ax, max(span, 1.0), is_bottom(i, len(axes), ncols), start_clock_h=run.start_clock_h
        )
    for i, ax in enumerate(axes):
        if not is_bottom(i, len(axes), ncols):
            light_inner_x(ax)
    fig.suptitle(figure_title(run, f"{tissue} cells × time"))
    add_legend(fig, period_handles(periods))
    return fig
