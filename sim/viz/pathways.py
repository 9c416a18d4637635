"""``pathways_<tissue>.png``: every read-out node of a tissue, one row of panels per arm.

Panels carry readable names and units (``sim.viz.nodes``) and are grouped by signalling arm
(insulin, GH, lipid, energy, inflammation). Internal states (free and internalised receptor,
transcripts, delay stages) are left out by default, and nodes that do not move over the run
are named in a note instead of getting a flat panel. Each panel shows the mean over cells at
the recording cadence (``timeseries.parquet``) and, from the per-cell snapshots
(``cells.parquet``), the median and interquartile range across cells drawn as steps: each
snapshot's band is held from halfway since the previous snapshot to halfway to the next, never
interpolated between snapshots hours apart.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from sim.viz.data import RunData, node_unit, pathway_quantiles, present_columns, tissue_nodes
from sim.viz.events import run_periods
from sim.viz.layout import GridLayout
from sim.viz.nodes import UNIT_TEXT, group_by_arm, node_info
from sim.viz.style import (
    add_legend,
    figure_title,
    format_time_axis,
    light_inner_x,
    light_y,
    period_handles,
    set_min_span,
    shade_periods,
    time_span_h,
)

BAND_COLOR = "tab:blue"
MEDIAN_COLOR = "midnightblue"
MEAN_COLOR = "tab:blue"
NCOLS = 4
CONSTANT_REL = 1e-6
"""A node whose range over the run is below this fraction of its size is called constant."""
MIN_SPAN = {"fraction": 0.02, "relative to basal": 0.1, "relative units": 0.1}
"""Smallest y range of a panel by unit: 2 % of the total, 0.1 x basal, 0.1 of a signal."""
ARM_COLORS = {
    "insulin": "tab:blue",
    "GH": "tab:purple",
    "lipid": "tab:orange",
    "energy": "tab:green",
    "inflammation": "tab:red",
    "other": "0.3",
}


def pathway_panel_nodes(run: RunData, tissue: str) -> list[str]:
    """Nodes of a tissue with a timeseries mean column holding at least one finite value."""
    nodes = tissue_nodes(run.timeseries.columns, tissue)
    return [n for n in nodes if present_columns(run.timeseries, [f"{tissue}.{n}"])]


def is_constant(values: np.ndarray) -> bool:
    """Whether a series does not move (round-off only) over the run."""
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return True
    lo, hi = float(finite.min()), float(finite.max())
    return hi - lo <= CONSTANT_REL * max(abs(lo), abs(hi), 1e-9)


def step_band(q: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The quantiles of ``pathway_quantiles`` as steps: edge times (h) halfway between
    snapshots (the first and last snapshot hold for half an interval outward), and per edge
    pair the held q25, q50, q75.

    Returns:
        ``x`` (2n edge points), ``q25``, ``q50``, ``q75`` (each 2n: every snapshot's value at
        its left and right edge), so a snapshot's value covers its own time.
    """
    t = q["time_min"].to_numpy(float) / 60.0
    if len(t) == 1:
        edges = np.array([t[0] - 0.5, t[0] + 0.5])
    else:
        mids = (t[:-1] + t[1:]) / 2.0
        edges = np.concatenate(([t[0] - (mids[0] - t[0])], mids, [t[-1] + (t[-1] - mids[-1])]))
    x = np.repeat(edges, 2)[1:-1]
    cols = [np.repeat(q[c].to_numpy(float), 2) for c in ("q25", "q50", "q75")]
    return x, cols[0], cols[1], cols[2]


def _unit(run: RunData, tissue: str, node: str) -> str:
    unit = node_unit(node, run.units, tissue)
    return UNIT_TEXT.get(unit, unit)


def _draw_panel(ax: Axes, run: RunData, tissue: str, node: str) -> None:
    """Mean line at the recording cadence plus the median and IQR across cells as steps."""
    col = f"{tissue}.{node}"
    t0, t1 = time_span_h(run.timeseries["time_min"].tolist())
    mean = run.timeseries[col].to_numpy(dtype=float)
    q = pathway_quantiles(run.cells, tissue, node)
    plotted = [mean]
    if not q.empty:
        x, lo, mid, hi = step_band(q)
        x = np.clip(x, t0, t1)
        ax.fill_between(x, lo, hi, color=BAND_COLOR, alpha=0.22, lw=0, zorder=2, gid=f"iqr:{node}")
        ax.plot(x, mid, color=MEDIAN_COLOR, lw=0.8, ls="--", zorder=4, gid=f"median:{node}")
        plotted += [lo, hi]
    ax.plot(
        run.timeseries["time_min"].to_numpy(float) / 60.0,
        mean,
        color=MEAN_COLOR,
        lw=1.4,
        zorder=3,
        gid=f"mean:{col}",
    )
    unit = node_unit(node, run.units, tissue)
    set_min_span(ax, np.concatenate(plotted), MIN_SPAN.get(unit, 0.0))
    info = node_info(node)
    ax.set_title(
        f"{info.label} ({_unit(run, tissue, node)})",
        fontsize="small",
        color=ARM_COLORS.get(info.arm, "0.3"),
        y=1.0,  # fixed: matplotlib's search for a title position measures every tick label
    )
    ax.tick_params(labelsize="x-small")
    # at most 4 intervals: on a 1.6-in panel matplotlib's default gives 7-9 ticks, and ticks
    # are most of what a panel costs to draw
    ax.yaxis.set_major_locator(MaxNLocator(4))
    ax.grid(alpha=0.3, lw=0.5)


def _layout(groups: list[tuple[str, list[str]]], ncols: int) -> list[tuple[int, int, str, str]]:
    """``(row, col, arm, node)`` of every panel: each arm starts a new row."""
    cells, row = [], 0
    for arm, members in groups:
        for k, node in enumerate(members):
            cells.append((row + k // ncols, k % ncols, arm, node))
        row += math.ceil(len(members) / ncols)
    return cells


def _note(run: RunData, tissue: str, hidden: list[str], constant: list[str]) -> str:
    parts = []
    if constant:
        values = [
            f"{node_info(n).label} = {run.timeseries[f'{tissue}.{n}'].iloc[0]:.3g}"
            for n in constant
        ]
        parts.append("constant over the run: " + ", ".join(values))
    if hidden:
        parts.append("internal states not shown: " + ", ".join(hidden))
    return "\n".join(textwrap.fill(p, 170) for p in parts)


def pathways_figure(
    run: RunData, tissue: str, nodes: Sequence[str] | None = None, internal: bool = False
) -> Figure | None:
    """The read-out nodes of a tissue, one row of panels per arm.

    Args:
        run: loaded run.
        tissue: tissue prefix of the timeseries columns.
        nodes: only these nodes (shown even if internal or constant); default: every
            recorded node that moves, internal states left out.
        internal: with the default nodes, include the internal states.

    Returns:
        The figure, or ``None`` if the tissue has no node columns.
    """
    present = pathway_panel_nodes(run, tissue)
    if nodes is not None:
        chosen = [n for n in nodes if n in present]
        groups, hidden, constant = group_by_arm(chosen, internal=True), [], []
    else:
        shown = [n for n in present if internal or not node_info(n).internal]
        hidden = [n for n in present if n not in shown]
        constant = [
            n for n in shown if is_constant(run.timeseries[f"{tissue}.{n}"].to_numpy(float))
        ]
        groups = group_by_arm([n for n in shown if n not in constant], internal=True)
    if not groups:
        return None
    ncols = min(NCOLS, max(len(m) for _, m in groups))
    cells = _layout(groups, ncols)
    nrows = max(r for r, *_ in cells) + 1
    fig = Figure(figsize=(3.4 * ncols + 0.6, 2.1 * nrows + 1.4), layout=GridLayout())
    FigureCanvasAgg(fig)
    spec = fig.add_gridspec(nrows, ncols)
    periods = run_periods(run.scenario, run.timeseries)
    panels: dict[tuple[int, int], Axes] = {}
    first: Axes | None = None
    for row, col, arm, node in cells:  # only the cells that hold a panel
        ax = panels[row, col] = fig.add_subplot(spec[row, col], sharex=first)
        first = first or ax
        shade_periods(ax, periods)
        _draw_panel(ax, run, tissue, node)
        if col == 0:
            ax.set_ylabel(f"{arm} arm", fontsize="small", color=ARM_COLORS.get(arm, "0.3"))
    _finish_axes(panels, run)
    note = _note(run, tissue, hidden, constant)
    title = figure_title(run, f"{tissue} pathway nodes by arm")
    fig.suptitle(title + ("\n" + note if note else ""), fontsize="medium")
    add_legend(fig, _legend_handles() + period_handles(periods), ncols=4)
    return fig


def _finish_axes(panels: dict[tuple[int, int], Axes], run: RunData) -> None:
    """The shared time range; hour and clock tick labels under the lowest panel of each
    column only."""
    t0, t1 = time_span_h(run.timeseries["time_min"].tolist())
    next(iter(panels.values())).set_xlim(t0, t1)  # shared by every panel
    lowest = {}
    for row, col in panels:
        lowest[col] = max(row, lowest.get(col, row))
    for (row, col), ax in panels.items():
        if row == lowest[col]:
            format_time_axis(ax, t1 - t0, True, "small", run.start_clock_h)
        else:
            ax.tick_params(labelbottom=False)
    for (row, col), ax in panels.items():  # once the shared locator is set
        if row != lowest[col]:
            light_inner_x(ax)
        light_y(ax)  # a panel with an arm label keeps matplotlib's ticks


def _legend_handles() -> list:
    return [
        Line2D([], [], color=MEAN_COLOR, lw=1.4, label="mean over cells (every record)"),
        Line2D([], [], color=MEDIAN_COLOR, lw=0.8, ls="--", label="median across cells"),
        Patch(
            color=BAND_COLOR,
            alpha=0.22,
            label="interquartile range across cells (each snapshot held ± half the interval)",
        ),
    ]
