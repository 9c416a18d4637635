"""Standard figures of a saved run, drawn from its output files only.

``plot_run`` turns a run folder into PNGs (whole-body hormones and metabolites, glucose
fluxes, per-tissue pathway means with the spread across cells, and cells x time heatmaps) so a
run can be inspected without the simulator. Figures are built on ``matplotlib.figure.Figure``
with the Agg canvas (no pyplot global state); every builder returns its ``Figure`` so tests can
compare the drawn artists with the Parquet data. Artists carrying data have a ``gid``:
``series:<column>``, ``mean:<tissue>.<node>``, ``iqr:<node>``, ``median:<node>``,
``stack:<column>``, ``heatmap:<node>``, ``period:<kind>``. The tissue graph and the pathway
diagram are built in :mod:`sim.viz.tissue_graph` and :mod:`sim.viz.pathway_diagram`.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from sim.scenario import ScenarioError
from sim.viz.data import (
    RunData,
    any_positive,
    load_run,
    pathway_quantiles,
    present_columns,
    run_tissues,
)
from sim.viz.events import run_periods
from sim.viz.heatmaps import heatmap_figure
from sim.viz.layout import save_png
from sim.viz.nodes import node_label
from sim.viz.pathway_diagram import pathway_diagram_figure
from sim.viz.pathways import pathway_panel_nodes, pathways_figure, step_band
from sim.viz.remodel import remodel_figures
from sim.viz.style import (
    add_clock_axis,
    add_legend,
    figure_title,
    format_time_axis,
    is_bottom,
    light_inner_x,
    new_figure,
    period_handles,
    period_rug,
    set_min_span,
    shade_periods,
    time_span_h,
)
from sim.viz.tissue_graph import DEFAULT_GRAPH_NODE, check_node, tissue_graph_figure

logger = logging.getLogger(__name__)

DPI = 120
PNG_COMPRESS_LEVEL = 3
"""zlib level of the PNG files (written by :func:`sim.viz.layout.png_bytes`: RGB, rows
unfiltered): on the 12 figures of the 1,100-cell baseline 0.37 s of CPU and 3.6 MB, against
0.66 s and 4.5 MB for Pillow's RGBA at the same level (0.57 s, 3.3 MB at level 6)."""
WHOLE_BODY_PANELS: tuple[tuple[str, str], ...] = (
    ("glucose_mM", "glucose (mM)"),
    ("insulin_uU_ml", "insulin (µU/mL)"),
    ("ffa_mM", "FFA (mM)"),
    ("gh_ug_l", "GH (µg/L)"),
    ("igf1_ug_l", "IGF-1 (µg/L)"),
    ("cortisol_nM", "cortisol (nM)"),
    ("tnf_pg_ml", "TNF-α (pg/mL)"),
    ("glucagon_pg_ml", "glucagon (pg/mL)"),
    ("adrenaline_pg_ml", "adrenaline (pg/mL)"),
    ("noradrenaline_pg_ml", "noradrenaline (pg/mL)"),
)
GIR_PANEL: tuple[str, str] = ("gir_mg_kg_min", "GIR (mg/kg/min)")
MIN_SPANS: dict[str, float] = {
    "glucose_mM": 2.0,
    "insulin_uU_ml": 10.0,
    "ffa_mM": 0.2,
    "gh_ug_l": 1.0,
    "igf1_ug_l": 50.0,
    "cortisol_nM": 100.0,
    "tnf_pg_ml": 1.0,
    "glucagon_pg_ml": 40.0,
    "adrenaline_pg_ml": 40.0,
    "noradrenaline_pg_ml": 200.0,
    "gir_mg_kg_min": 2.0,
}
"""Smallest y range of a whole-body panel (a physiologically small change, not round-off or
a 1 % drift, should look small); other columns get 20 % of their median."""


def min_span(col: str, values: np.ndarray) -> float:
    """Smallest y range of the whole-body panel of ``col``."""
    if col in MIN_SPANS:
        return MIN_SPANS[col]
    finite = values[np.isfinite(values)]
    return 0.2 * float(np.median(np.abs(finite))) if finite.size else 0.0


FLUX_STACK: tuple[tuple[str, str], ...] = (
    ("uptake_muscle_mg_kg_min", "muscle uptake"),
    ("uptake_adipose_mg_kg_min", "adipose uptake"),
    ("uptake_liver_mg_kg_min", "liver uptake"),
    ("uptake_other_mg_kg_min", "other uptake"),
    ("renal_mg_kg_min", "renal excretion"),
)
FLUX_LINES: tuple[tuple[str, str, str, str], ...] = (
    ("egp_mg_kg_min", "EGP", "black", "-"),
    ("ra_meal_mg_kg_min", "meal Ra", "#d7191c", "-"),
    ("gir_mg_kg_min", "GIR", "#2166ac", "-."),
    ("rd_mg_kg_min", "total Rd", "0.25", ":"),
)
_STACK_COLORS = ("#7b3294", "#f1b6da", "#a6611a", "#80cdc1", "#fee08b")
"""Muscle purple, adipose pink, liver brown, other teal, renal yellow: none shared with a
line (EGP black, meal Ra red, GIR blue, Rd grey) or a period shade (green meals, orange
exercise, olive clamp, grey sleep)."""
FLUX_UNIT = "flux (mg/kg/min)"
BAND_COLOR = "tab:blue"
MEDIAN_COLOR = "midnightblue"


def _hours(frame: pd.DataFrame) -> np.ndarray:
    """The ``time_min`` column of a frame in hours."""
    return frame["time_min"].to_numpy(dtype=float) / 60.0


def _finish_time_axes(
    axes: list[Axes], run: RunData, ncols: int, fontsize: str | None = None
) -> None:
    """Hour ticks on every panel and the x label on the bottom panel of each column."""
    t0, t1 = time_span_h(run.timeseries["time_min"].tolist())
    for i, ax in enumerate(axes):
        format_time_axis(ax, t1 - t0, is_bottom(i, len(axes), ncols), fontsize)
        ax.set_xlim(t0, t1)
    for i, ax in enumerate(axes):
        if not is_bottom(i, len(axes), ncols):
            light_inner_x(ax)


def whole_body_panels(timeseries: pd.DataFrame) -> list[tuple[str, str]]:
    """``(column, axis label)`` of the whole-body panels present in the timeseries.

    GIR is included only if any GIR value is > 0.
    """
    present = set(present_columns(timeseries, [c for c, _ in WHOLE_BODY_PANELS]))
    panels = [(c, label) for c, label in WHOLE_BODY_PANELS if c in present]
    if any_positive(timeseries, GIR_PANEL[0]):
        panels.append(GIR_PANEL)
    return panels


def whole_body_figure(run: RunData, columns: Sequence[str] | None = None) -> Figure | None:
    """Hormones and metabolites against time, with periods shaded.

    Args:
        run: loaded run.
        columns: only these whole-body columns (default: every one present).

    Returns:
        The figure, or ``None`` if no whole-body column is present.
    """
    panels = whole_body_panels(run.timeseries)
    if columns is not None:
        panels = [(c, label) for c, label in panels if c in columns]
    if not panels:
        logger.warning("no whole-body columns in %s", run.run_dir)
        return None
    periods = run_periods(run.scenario, run.timeseries)
    fig, axes = new_figure(len(panels), 1, 10.0, 1.55, layout="grid")
    t_h = _hours(run.timeseries)
    for ax, (col, label) in zip(axes, panels, strict=True):
        shade_periods(ax, periods)
        ax.plot(
            t_h,
            run.timeseries[col].to_numpy(dtype=float),
            color="tab:blue",
            lw=1.3,
            gid=f"series:{col}",
        )
        ax.set_ylabel(label, fontsize="small")
        ax.grid(alpha=0.3, lw=0.5)
        values = run.timeseries[col].to_numpy(dtype=float)
        set_min_span(ax, values, min_span(col, values))
    _finish_time_axes(axes, run, 1)
    t0, t1 = time_span_h(run.timeseries["time_min"].tolist())
    add_clock_axis(axes[0], run.start_clock_h, t1 - t0)
    fig.suptitle(figure_title(run, "whole body"))
    add_legend(fig, period_handles(periods))
    return fig


def flux_stack(timeseries: pd.DataFrame) -> pd.DataFrame:
    """Cumulative tops of the stacked glucose-disposal layers (NaN counted as 0).

    Layers, bottom to top: muscle, adipose, liver and other uptake, then renal excretion if
    any is > 0; absent columns are skipped.

    Args:
        timeseries: the ``timeseries.parquet`` table.

    Returns:
        Frame with ``time_min`` and one column per layer holding the cumulative sum up to and
        including that layer, in stacking order.
    """
    cols = present_columns(timeseries, [c for c, _ in FLUX_STACK[:-1]])
    if any_positive(timeseries, FLUX_STACK[-1][0]):
        cols.append(FLUX_STACK[-1][0])
    tops = timeseries[cols].astype(float).fillna(0.0).cumsum(axis=1)
    return pd.concat([timeseries[["time_min"]], tops], axis=1)


def flux_line_columns(timeseries: pd.DataFrame) -> list[str]:
    """Flux columns drawn as lines (EGP, meal Ra, GIR if any > 0, total Rd), if present."""
    cols = present_columns(timeseries, [c for c, *_ in FLUX_LINES])
    return [c for c in cols if c != GIR_PANEL[0] or any_positive(timeseries, c)]


def _draw_fluxes(ax: Axes, timeseries: pd.DataFrame, stack: pd.DataFrame, lines: list[str]) -> None:
    """Stacked disposal layers (``flux_stack``) and the flux lines, labelled for the legend."""
    t_h = _hours(timeseries)
    labels = dict(FLUX_STACK)
    lower = np.zeros(len(stack))
    for color, col in zip(_STACK_COLORS, stack.columns[1:], strict=False):
        upper = stack[col].to_numpy(dtype=float)
        ax.fill_between(
            t_h, lower, upper, color=color, lw=0, zorder=1, label=labels[col], gid=f"stack:{col}"
        )
        lower = upper
    styles = {c: (label, color, ls) for c, label, color, ls in FLUX_LINES}
    for col in lines:
        label, color, ls = styles[col]
        ax.plot(
            t_h,
            timeseries[col].to_numpy(dtype=float),
            color=color,
            ls=ls,
            lw=1.5,
            label=label,
            gid=f"series:{col}",
        )


def glucose_flux_figure(run: RunData) -> Figure | None:
    """Stacked tissue glucose uptakes with EGP, meal Ra (and GIR, Rd) as lines.

    Args:
        run: loaded run.

    Returns:
        The figure, or ``None`` if no flux column is present.
    """
    stack, lines = flux_stack(run.timeseries), flux_line_columns(run.timeseries)
    if stack.shape[1] == 1 and not lines:
        logger.warning("no glucose-flux columns in %s", run.run_dir)
        return None
    periods = run_periods(run.scenario, run.timeseries)
    fig, (ax,) = new_figure(1, 1, 10.0, 4.2, layout="grid")
    # spans beneath the opaque layers (which keep their legend colours), and a strip above
    # the axes that shows every period in full (meal markers there only)
    shade_periods(ax, [p for p in periods if not p.is_meal], zorder=0)
    period_rug(ax, periods)
    _draw_fluxes(ax, run.timeseries, stack, lines)
    ax.set_ylabel(FLUX_UNIT)
    ax.grid(alpha=0.3, lw=0.5)
    _finish_time_axes([ax], run, 1)
    t0, t1 = time_span_h(run.timeseries["time_min"].tolist())
    add_clock_axis(ax, run.start_clock_h, t1 - t0)
    fig.suptitle(figure_title(run, "glucose fluxes"))
    handles, _ = ax.get_legend_handles_labels()
    add_legend(fig, handles + period_handles(periods), ncols=5)
    return fig


def pathway_overlay_figure(run: RunData, tissue: str, nodes: Sequence[str]) -> Figure | None:
    """Several fraction-valued nodes of a tissue on one axes: mean over cells (line, at the
    recording cadence) and the interquartile band across cells of each cell snapshot, drawn
    as steps (``step_band``); a compact view for the live dashboard.

    Args:
        run: loaded (or live) run.
        tissue: tissue prefix.
        nodes: nodes to draw (those without a mean column are skipped).

    Returns:
        The figure, or ``None`` if no node has a mean column.
    """
    present = [n for n in nodes if n in pathway_panel_nodes(run, tissue)]
    if not present:
        return None
    fig, (ax,) = new_figure(1, 1, 7.0, 3.6)
    shade_periods(ax, run_periods(run.scenario, run.timeseries))
    for k, node in enumerate(present):
        color = f"C{k % 10}"
        col = f"{tissue}.{node}"
        ax.plot(
            _hours(run.timeseries),
            run.timeseries[col].to_numpy(float),
            color=color,
            lw=1.4,
            label=node_label(node),
            gid=f"mean:{col}",
        )
        q = pathway_quantiles(run.cells, tissue, node)
        if not q.empty:  # each snapshot's band held over its own time, as in pathways_figure
            x, lo, _mid, hi = step_band(q)
            t0, t1 = time_span_h(run.timeseries["time_min"].tolist())
            ax.fill_between(
                np.clip(x, t0, t1), lo, hi, color=color, alpha=0.2, lw=0, gid=f"iqr:{node}"
            )
    ax.set_ylabel(f"{tissue} node (fraction of total)")
    ax.grid(alpha=0.3, lw=0.5)
    _finish_time_axes([ax], run, 1)
    ax.legend(fontsize="small", ncols=2, loc="upper left")
    ax.set_title(f"{tissue}: mean over cells, band = interquartile range", fontsize="small")
    return fig


FIGURE_COST: dict[str, float] = {
    "pathways": 3.0,
    "tissue_graph": 2.0,
    "whole_body": 1.5,
    "heatmap": 1.0,
    "pathway_diagram": 0.7,
    "glucose_fluxes": 0.4,
}
"""Relative drawing cost of each figure kind (measured on the 1,100-cell baseline), used to
hand the dearest figures out first when several processes draw."""


def figure_plan(
    run: RunData,
    graph_node: str | None = None,
    graph_times_min: Sequence[float] | None = None,
    diagram_time_min: float | None = None,
) -> list[tuple[str, Callable[[], Figure | None]]]:
    """``(file stem, builder)`` for every figure the run may have, in drawing order.

    A builder returns ``None`` when the run lacks the data for its figure.
    """

    def graph() -> Figure | None:
        try:
            return tissue_graph_figure(run, graph_node or DEFAULT_GRAPH_NODE, graph_times_min)
        except ScenarioError as exc:  # cells that do not match the graph builder: say so
            logger.warning("tissue graph not drawn: %s", exc)
            return None

    plan: list[tuple[str, Callable[[], Figure | None]]] = [
        ("whole_body", lambda: whole_body_figure(run)),
        ("glucose_fluxes", lambda: glucose_flux_figure(run)),
    ]
    for tissue in run_tissues(run):
        plan += [
            (f"pathways_{tissue}", partial(pathways_figure, run, tissue)),
            (f"heatmap_{tissue}", partial(heatmap_figure, run, tissue)),
            (
                f"pathway_diagram_{tissue}",
                partial(pathway_diagram_figure, run, tissue, diagram_time_min),
            ),
        ]
    remodel = remodel_figures(run)  # issue 26: only for runs with remodel.json
    if not remodel:  # a remodelled depot is drawn by remodel_graph (its cells change)
        plan.append(("tissue_graph", graph))
    plan += remodel
    return plan


def iter_figures(
    run: RunData,
    graph_node: str | None = None,
    graph_times_min: Sequence[float] | None = None,
    diagram_time_min: float | None = None,
) -> Iterator[tuple[str, Figure]]:
    """``(file stem, figure)`` for every figure the run supports, built lazily.

    Args:
        run: loaded run.
        graph_node: node colouring the tissue graph (default ``akt_p``).
        graph_times_min: times of the tissue-graph panels (default: four, evenly spread).
        diagram_time_min: time of the pathway diagrams (default: peak plasma insulin).
    """
    for stem, build in figure_plan(run, graph_node, graph_times_min, diagram_time_min):
        fig = build()
        if fig is not None:
            yield stem, fig


def _cost(stem: str) -> float:
    return next((v for k, v in FIGURE_COST.items() if stem.startswith(k)), 1.0)


def plot_workers() -> int:
    """Processes ``plot_run`` draws with by default: the CPUs this process may use (at most
    4), or ``SIM_PLOT_WORKERS``."""
    raw = os.environ.get("SIM_PLOT_WORKERS", "").strip()
    if raw:
        try:
            return max(1, int(raw))
        except ValueError:
            logger.warning("SIM_PLOT_WORKERS=%r is not a whole number; using the default", raw)
    return max(1, min(4, len(os.sched_getaffinity(0))))


_WORKER_RUN: dict[str, RunData] = {}


def _draw(run_dir: str, args: tuple, stem: str, out: str) -> str | None:
    """Draw one figure of a run in a worker process (the run is loaded once per process)."""
    run = _WORKER_RUN.get(run_dir)
    if run is None:
        run = _WORKER_RUN[run_dir] = load_run(run_dir)
    build = dict(figure_plan(run, *args))[stem]
    return _save(build(), Path(out) / f"{stem}.png")


def _start_method() -> str:
    """``fork`` while this process runs no other Python thread (a forked worker inherits the
    imports and the loaded run: no second import of matplotlib and pandas, ~1 s of CPU);
    ``spawn`` otherwise, e.g. after a run in the same process started the compiled kernel's
    thread pool, whose locks a forked child could inherit held."""
    return "fork" if threading.active_count() == 1 and "fork" in _METHODS else "spawn"


_METHODS = multiprocessing.get_all_start_methods()


def _save(fig: Figure | None, path: Path) -> str | None:
    if fig is None:
        return None
    save_png(fig, path, DPI, PNG_COMPRESS_LEVEL)
    return str(path)


def plot_run(
    run_dir: str | Path,
    out_dir: Path | None = None,
    graph_node: str | None = None,
    graph_times_min: Sequence[float] | None = None,
    diagram_time_min: float | None = None,
    workers: int | None = None,
) -> list[Path]:
    """Write the standard PNG figures of a run folder.

    Args:
        run_dir: run folder (``timeseries.parquet`` required; other files optional).
        out_dir: destination folder; defaults to ``run_dir/figures``.
        graph_node: node colouring the tissue graph (default ``akt_p``).
        graph_times_min: times of the tissue-graph panels (default: four, evenly spread).
        diagram_time_min: time of the pathway diagrams (default: peak plasma insulin).
        workers: processes drawing figures side by side (default :func:`plot_workers`; 1
            draws in this process). The files are the same byte for byte either way.

    Returns:
        Paths of the PNG files written, in drawing order.

    Raises:
        ScenarioError: if ``graph_node`` is not recorded in ``cells.parquet`` (nothing written).
    """
    run = load_run(run_dir)
    if graph_node is not None:
        check_node(run, graph_node, None)
    out = Path(out_dir) if out_dir is not None else run.run_dir / "figures"
    out.mkdir(parents=True, exist_ok=True)
    args = (graph_node, graph_times_min, diagram_time_min)
    plan = figure_plan(run, *args)
    n = min(workers or plot_workers(), len(plan))
    # Drawing makes some 10^5 Python objects a figure, most of them alive until the figure
    # is dropped: the cyclic garbage collector scans them again and again while they pile
    # up. It is off while figures are drawn: in this process each figure's garbage is
    # collected after it, with the objects that existed before frozen (not scanned); a
    # worker process collects none (it peaks ~40 MiB higher), and the objects that exist
    # before the pool forks are frozen so that no collection in a worker touches them
    # (which would copy their memory pages into it). The same PNG bytes, ~10 % less CPU
    # for `sim plot` of the baseline day on 2 workers (docs/performance.md).
    collecting = gc.isenabled()
    gc.disable()
    try:
        if n <= 1:
            gc.freeze()  # each figure's garbage collected after it, the rest not scanned
            try:
                done = {}
                for stem, build in plan:
                    done[stem] = _save(build(), out / f"{stem}.png")
                    gc.collect()
            finally:
                gc.unfreeze()
        else:
            # Figures are independent and Agg drawing holds the GIL: separate processes.
            # This process is one of the n: n - 1 workers take the figures from the dearest
            # down while this one takes them from the cheapest up (each one it can still
            # withdraw from the pool), until they meet: one process fewer to start than n
            # workers beside an idle parent.
            # The cheapest figure is drawn before the workers fork, so that they start with
            # what a first figure sets up (fonts, the rendered tick-label strings, matplotlib's
            # lazily built parts) instead of each doing it again: 2 processes then cost
            # about the CPU of 1 on the baseline day (~0.8 s more without it; load 17-20).
            stems = sorted((stem for stem, _ in plan), key=_cost, reverse=True)
            builders = dict(plan)
            first = stems.pop()
            ctx = multiprocessing.get_context(_start_method())
            _WORKER_RUN[str(run.run_dir)] = run  # a forked worker starts with the run loaded
            gc.freeze()
            try:
                done = {first: _save(builders[first](), out / f"{first}.png")}
                gc.collect()  # its garbage, before the workers fork
                gc.freeze()
                with ProcessPoolExecutor(n - 1, mp_context=ctx, initializer=gc.disable) as pool:
                    jobs = {
                        s: pool.submit(_draw, str(run.run_dir), args, s, str(out)) for s in stems
                    }
                    for s in reversed(stems):
                        if not jobs[s].cancel():
                            break  # a worker has it, and every dearer one
                        done[s] = _save(builders[s](), out / f"{s}.png")
                        gc.collect()
                    done.update({s: job.result() for s, job in jobs.items() if s not in done})
            finally:
                gc.unfreeze()
                _WORKER_RUN.pop(str(run.run_dir), None)
    finally:
        if collecting:
            gc.enable()
    written = [Path(done[stem]) for stem, _ in plan if done[stem] is not None]
    for path in written:
        logger.info("wrote %s", path)
    return written
