"""Live dashboard on Mesa's Solara visualisation: run the model and watch it.

The one module of ``sim.viz`` that drives a live :class:`sim.model.PhysiologyModel` instead of
reading a saved run. The user picks a phenotype, interventions (meal, exercise, rhGH
injection, Ipamorelin secretagogue) and a cell count, then steps or plays the model; the
panels (plasma glucose, insulin, FFA and GH; tissue glucose uptake with EGP; pathway activity
per tissue; the tissue graph coloured by a chosen node) are redrawn after each step.

Panels reuse the saved-run figure builders: :func:`live_run` turns the running model into the
same :class:`~sim.viz.data.RunData` a run folder gives (timeseries rows from the model's
recorder, one per-cell snapshot per dashboard step), so the dashboard and ``sim plot`` draw
identical figures. ``sim dashboard`` serves :func:`Page` with ``solara run`` (bound to
127.0.0.1 unless ``--host`` says otherwise).

Intervention doses follow the scenario library: a 75 g mixed breakfast (configs/ogtt.yaml
carbohydrate load), 45 min cycling at 60 % VO2max, 0.5 mg sc rhGH
(an adult replacement dose; Molitch 2011) and 300 ug sc Ipamorelin
(configs/scenarios/gh_secretagogue_nightly.yaml).
"""

from __future__ import annotations

import io
import logging
import os
import threading
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import solara
from matplotlib.figure import Figure

from sim.model import PhysiologyModel
from sim.viz.data import RunData, node_unit
from sim.viz.figures import glucose_flux_figure, pathway_overlay_figure, whole_body_figure
from sim.viz.style import add_legend, grid_figure
from sim.viz.tissue_graph import (
    CMAP,
    TissueLayout,
    _cell_size,
    _draw_static,
    tissue_layout,
)

with warnings.catch_warnings():
    # Solara's rules-of-hooks linter flags a hook in Mesa's own tab view (ComponentsView,
    # which this page does not use) when Mesa's Solara module is imported: Mesa's code.
    warnings.filterwarnings("ignore", message=r".*solara_viz\.py.*", category=UserWarning)
    from mesa.visualization.solara_viz import ModelController, ShowSteps
    from mesa.visualization.utils import update_counter

logger = logging.getLogger(__name__)

PHENOTYPES: tuple[str, ...] = ("healthy", "obese", "t2d")
CELL_SHARES: dict[str, float] = {"muscle": 600 / 1100, "liver": 250 / 1100, "adipose": 250 / 1100}
"""Split of the agents between tissues, as in configs/baseline.yaml."""
PLASMA_COLUMNS: tuple[str, ...] = ("glucose_mM", "insulin_uU_ml", "ffa_mM", "gh_ug_l")
LIVE_NODES: tuple[str, ...] = (
    "ir_p",
    "irs1_py",
    "akt_p",
    "glut4_pm",
    "stat5_p",
    "socs3",
    "pkc",
    "ampk_p",
)
"""Pathway nodes kept per cell at every dashboard step (the panels draw these)."""
LIVE_FRACTION_NODES: tuple[str, ...] = LIVE_NODES
"""All of ``LIVE_NODES`` are fractions of their total (0-1), so they share one axis."""
DURATION_MIN = 1440.0
START_CLOCK_H = 7.0
_LAYOUTS: dict[tuple[str, int, int], TissueLayout] = {}
_BUILD_LOCK = threading.Lock()
"""Models are built one at a time in the server process: two builds compiling the kernels
into an empty cache at once (two visitors, or a visitor's Reset) can hang each other."""


def dashboard_scenario(
    phenotype: str = "healthy",
    n_cells: int = 300,
    meal: bool = True,
    exercise: bool = False,
    gh_injection: bool = False,
    secretagogue: bool = False,
    seed: int = 0,
) -> dict[str, Any]:
    """The scenario mapping a set of dashboard choices stands for (24 h from 07:00).

    Args:
        phenotype: ``healthy``, ``obese`` or ``t2d``.
        n_cells: agents in all (split muscle:liver:adipose as ``CELL_SHARES``; at least 3 each).
        meal: 75 g carbohydrate mixed breakfast at 08:00.
        exercise: 45 min cycling at 60 % VO2max from 10:00.
        gh_injection: 0.5 mg rhGH subcutaneously at 07:00.
        secretagogue: 300 ug Ipamorelin subcutaneously at 07:00.
        seed: scenario seed.

    Returns:
        A mapping for :func:`sim.load_scenario` (validated when the model is built).
    """
    cells = {t: max(3, round(n_cells * share)) for t, share in CELL_SHARES.items()}
    interventions: list[dict[str, Any]] = []
    if meal:
        interventions.append(
            {
                "kind": "meal",
                "at_min": 60,
                "carbs_g": 75,
                "protein_g": 20,
                "fat_g": 15,
                "fiber_g": 5,
            }
        )
    if exercise:
        interventions.append(
            {"kind": "exercise", "start_min": 180, "duration_min": 45, "intensity_vo2max": 0.6}
        )
    if gh_injection:
        interventions.append({"kind": "gh_injection", "at_min": 0, "dose_mg": 0.5, "route": "sc"})
    if secretagogue:
        interventions.append(
            {"kind": "secretagogue", "at_min": 0, "drug": "ipamorelin", "dose_ug": 300}
        )
    return {
        "name": f"dashboard-{phenotype}",
        "seed": int(seed),
        "duration_min": DURATION_MIN,
        "start_clock_h": START_CLOCK_H,
        "record_every_min": 5,
        "cell_record_every_min": DURATION_MIN,
        "subject": {"phenotype": phenotype},
        "cells": cells,
        "interventions": interventions,
    }


class DashboardModel(PhysiologyModel):
    """The physiology model as the dashboard drives it: one step = ``minutes_per_step``.

    Keeps a per-cell snapshot of ``LIVE_NODES`` after every dashboard step for the pathway
    and graph panels.
    """

    def __init__(
        self,
        phenotype: str = "healthy",
        n_cells: int = 300,
        meal: bool = True,
        exercise: bool = False,
        gh_injection: bool = False,
        secretagogue: bool = False,
        minutes_per_step: int = 10,
        seed: int = 0,
    ) -> None:
        scenario = dashboard_scenario(
            phenotype, n_cells, meal, exercise, gh_injection, secretagogue, seed
        )
        with _BUILD_LOCK:  # one build at a time: the first ones compile and fill the caches
            super().__init__(scenario)
        self.minutes_per_step = max(1, int(minutes_per_step))
        self.settings: dict[str, Any] = {
            "phenotype": phenotype,
            "n_cells": n_cells,
            "meal": meal,
            "exercise": exercise,
            "gh_injection": gh_injection,
            "secretagogue": secretagogue,
            "minutes_per_step": minutes_per_step,
            "seed": seed,
        }
        """The page settings this model was built with (the page compares them to its own)."""
        self.snapshots: list[pd.DataFrame] = [self.cell_snapshot()]

    def step(self) -> None:
        """Advance ``minutes_per_step`` model minutes (or to the end) and snapshot the cells."""
        for _ in range(self.minutes_per_step):
            if not self.running:
                break
            super().step()
        self.snapshots.append(self.cell_snapshot())

    def cell_snapshot(self) -> pd.DataFrame:
        """The current ``LIVE_NODES`` of every cell, in the ``cells.parquet`` layout."""
        frames = []
        for name, tissue in self.tissues.items():
            lay = tissue.layout
            df = pd.DataFrame(
                {
                    "cell_id": lay.nodes.astype(np.int64),
                    "tissue": name,
                    "subtype": lay.subtype,
                    "zone": lay.zone,
                    "time_min": self.time_min,
                }
            )
            for node in LIVE_NODES:
                df[node] = tissue.y[tissue.names.index(node)] if node in tissue.names else np.nan
            frames.append(df)
        return pd.concat(frames, ignore_index=True)


def live_run(model: DashboardModel) -> RunData:
    """The running model as a :class:`RunData`, so the saved-run figure builders draw it."""
    return RunData(
        run_dir=Path(model.scenario.name),
        timeseries=model.recorder.timeseries(),
        cells=pd.concat(model.snapshots, ignore_index=True),
        scenario=model.scenario.model_dump(mode="json"),
        summary={},
        manifest={},
    )


def _layout(model: DashboardModel, tissue: str) -> TissueLayout:
    """The seeded layout of a tissue's graph, cached by the graph's size."""
    key = (tissue, model.graph.number_of_nodes(), model.graph.number_of_edges())
    if key not in _LAYOUTS:
        _LAYOUTS[key] = tissue_layout(model.graph, tissue)
    return _LAYOUTS[key]


def session_max(model: DashboardModel, tissue: str, node: str) -> float:
    """Largest value of a node in a tissue's cells so far (one colour scale for the session,
    so colours stay comparable between steps)."""
    current = model.tissues[tissue]
    values = [current.y[current.names.index(node)]]
    values += [
        s.loc[s["tissue"] == tissue, node].to_numpy(float)
        for s in model.snapshots
        if node in s.columns
    ]
    top = max(float(np.nanmax(v)) if np.isfinite(v).any() else 0.0 for v in values)
    return max(top, 1e-6)


def graph_figure(model: DashboardModel, tissue: str, node: str) -> Figure:
    """The tissue graph with each cell coloured by its current ``node`` value."""
    lay = _layout(model, tissue)
    t = model.tissues[tissue]
    values = pd.Series(t.y[t.names.index(node)], index=t.layout.nodes.astype(int))
    fig, (ax,) = grid_figure(1, 1, 5.0, 4.2)
    _draw_static(ax, lay)
    v = values.reindex(lay.cell_ids).to_numpy(float)
    vmax = session_max(model, tissue, node)
    sc = ax.scatter(
        lay.cell_xy[:, 0],
        lay.cell_xy[:, 1],
        c=v,
        cmap=CMAP,
        vmin=0.0,
        vmax=vmax,
        s=_cell_size(len(lay.cell_ids)),
        zorder=3,
        gid=f"cells:{tissue}:{model.time_min:g}",
    )
    fig.colorbar(sc, ax=ax, label=f"{node} ({node_unit(node)})", shrink=0.8)
    ax.set_title(f"{tissue} graph, {node} at t = {model.time_min / 60:.2f} h", fontsize="small")
    return fig


def clock(model: DashboardModel) -> str:
    """Simulated time as ``t = H.HH h (HH:MM)``."""
    minutes = round((START_CLOCK_H * 60 + model.time_min) % 1440)
    return f"t = {model.time_min / 60:.2f} h ({minutes // 60:02d}:{minutes % 60:02d})"


PANEL_WIDTH_IN = 5.2
"""Width the panel figures are drawn at. The saved-run builders make 7-10 in figures for a page
of their own; shown in a half-width panel (~500 px on a 1,500-px window) their 10-pt text
came out at ~6-8 px. At 5.2 in it is ~13 px; ``PANEL_DPI`` keeps the PNG sharper than the
panel."""
PANEL_DPI = 130
PANEL_LEGEND_COLUMNS = 3


def panel_png(fig: Figure | None) -> bytes | None:
    """A figure as PNG bytes at the dashboard's panel width; its height shrinks less (at most
    to 3/4), so titles, clock axis and legend leave room for the axes."""
    if fig is None:
        return None
    w, h = fig.get_size_inches()
    fig.set_size_inches(PANEL_WIDTH_IN, h * max(PANEL_WIDTH_IN / w, 0.75))
    for legend in list(fig.legends):  # the legend below the panels, re-flowed to fit
        handles, labels = legend.legend_handles, [t.get_text() for t in legend.get_texts()]
        legend.remove()
        add_legend(fig, handles, ncols=PANEL_LEGEND_COLUMNS, labels=labels)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=PANEL_DPI)
    return buf.getvalue()


@solara.component
def Panel(fig: Figure | None) -> None:
    """A figure as an image filling its column (blank when there is nothing to draw)."""
    png = panel_png(fig)
    if png is not None:
        solara.Image(png, width="100%", classes=["sim-panel"])


@solara.component
def StatusView(model: DashboardModel) -> None:
    """Simulated time and the current plasma values (text, for a quick read)."""
    update_counter.get()
    row = model.recorder.rows[-1]
    n = sum(t.n for t in model.tissues.values())
    solara.Markdown(
        f"**{clock(model)}** · {n} cells · glucose **{row['glucose_mM']:.2f} mM** · "
        f"insulin {row['insulin_uU_ml']:.1f} µU/mL · FFA {row['ffa_mM']:.2f} mM · "
        f"GH {row['gh_ug_l']:.2f} µg/L",
        style={"font-size": "1.15em"},
    )


@solara.component
def PlasmaView(model: DashboardModel) -> None:
    """Plasma glucose, insulin, FFA and GH so far, interventions shaded."""
    update_counter.get()
    Panel(whole_body_figure(live_run(model), columns=PLASMA_COLUMNS))


@solara.component
def UptakeView(model: DashboardModel) -> None:
    """Tissue glucose uptake (stacked) with EGP and meal appearance."""
    update_counter.get()
    Panel(glucose_flux_figure(live_run(model)))


@solara.component
def PathwayView(model: DashboardModel) -> None:
    """Mean and interquartile band across cells of key nodes in a chosen tissue."""
    update_counter.get()
    tissue, set_tissue = solara.use_state("muscle")
    solara.ToggleButtonsSingle(value=tissue, on_value=set_tissue, values=list(model.tissues))
    Panel(pathway_overlay_figure(live_run(model), tissue, LIVE_FRACTION_NODES))


@solara.component
def GraphView(model: DashboardModel) -> None:
    """The tissue graph coloured by the current value of a chosen node."""
    update_counter.get()
    tissue, set_tissue = solara.use_state("muscle")
    node, set_node = solara.use_state("akt_p")
    with solara.Row():
        solara.Select("tissue", value=tissue, values=list(model.tissues), on_value=set_tissue)
        names = [n for n in LIVE_NODES if n in model.tissues[tissue].names]
        solara.Select(
            "node", value=node if node in names else names[0], values=names, on_value=set_node
        )
    shown = node if node in names else names[0]
    Panel(graph_figure(model, tissue, shown))


MODEL_PARAMS: dict[str, dict[str, Any]] = {
    "phenotype": {
        "type": "Select",
        "value": "healthy",
        "values": list(PHENOTYPES),
        "label": "phenotype",
    },
    "n_cells": {
        "type": "SliderInt",
        "value": 300,
        "min": 20,
        "max": 3000,
        "step": 10,
        "label": "cells (all tissues)",
    },
    "meal": {"type": "Checkbox", "value": True, "label": "meal 75 g at 08:00"},
    "exercise": {"type": "Checkbox", "value": False, "label": "exercise 45 min 60 % VO2max 10:00"},
    "gh_injection": {"type": "Checkbox", "value": False, "label": "rhGH 0.5 mg sc at 07:00"},
    "secretagogue": {"type": "Checkbox", "value": False, "label": "Ipamorelin 300 µg sc 07:00"},
    "minutes_per_step": {
        "type": "SliderInt",
        "value": 10,
        "min": 1,
        "max": 60,
        "step": 1,
        "label": "simulated minutes per step",
        "unit": " min",
    },
    "seed": {"type": "SliderInt", "value": 0, "min": 0, "max": 99, "step": 1, "label": "seed"},
}
"""The model's settings on the page: Mesa's ``model_params`` layout (``type``, ``value``,
bounds, ``label``) plus an optional ``unit`` shown after a slider's value."""
COMPONENTS = [StatusView, PlasmaView, UptakeView, PathwayView, GraphView]
TITLE = "sim dashboard: insulin, GH, FFA and exercise signalling"
"""The browser tab's title and the app bar's text."""
PLAY_INTERVAL_MS = 50
CSS = """
.sim-slider-value { font-weight: 600; min-width: 4.5em; text-align: right; }
.sim-slider .v-input__slot { margin-bottom: 0; }
.sim-panel { display: block; max-width: 100%; }
"""


CELLS_ENV = "SIM_DASHBOARD_CELLS"
"""Environment variable with the starting cell count (``sim dashboard --cells N`` sets it)."""


def model_params() -> dict[str, dict[str, Any]]:
    """``MODEL_PARAMS`` with the starting cell count from ``CELLS_ENV`` when set."""
    params = {k: dict(v) for k, v in MODEL_PARAMS.items()}
    if os.environ.get(CELLS_ENV):
        params["n_cells"]["value"] = int(os.environ[CELLS_ENV])
    return params


@solara.component
def ValueSlider(
    name: str,
    label: str,
    value: int,
    on_value: Callable[[int], None],
    bounds: tuple[int, int, int],
    unit: str = "",
) -> None:
    """An integer slider with its label on the left and its current value on the right."""
    lo, hi, step = bounds
    with solara.Column(gap="0px", classes=["sim-slider", f"sim-slider-{name}"]):
        with solara.Row(justify="space-between", style={"align-items": "baseline"}):
            solara.Text(label)
            solara.Text(f"{value}{unit}", classes=["sim-slider-value"])
        solara.SliderInt("", value=value, on_value=on_value, min=lo, max=hi, step=step)


@solara.component
def SettingsView(params: dict[str, dict[str, Any]], chosen: solara.Reactive[dict]) -> None:
    """The model's settings (``MODEL_PARAMS`` layout); every slider shows its value."""
    for name, spec in params.items():

        def set_value(value: Any, name: str = name) -> None:
            chosen.set({**chosen.value, name: value})

        value = chosen.value.get(name, spec["value"])
        label = spec.get("label", name)
        if spec["type"] == "SliderInt":
            bounds = (spec["min"], spec["max"], spec["step"])
            ValueSlider(name, label, value, set_value, bounds, spec.get("unit", ""))
        elif spec["type"] == "Select":
            solara.Select(label, value=value, values=spec["values"], on_value=set_value)
        elif spec["type"] == "Checkbox":
            solara.Checkbox(label=label, value=value, on_value=set_value)
        else:
            raise ValueError(f"MODEL_PARAMS[{name!r}]: unsupported type {spec['type']!r}")


def pending_changes(model: DashboardModel, chosen: dict[str, Any]) -> list[str]:
    """The settings chosen on the page that the running model was not built with."""
    return [k for k, v in chosen.items() if model.settings.get(k) != v]


PREPARING = (
    "Preparing the model. The first start after installing (or updating) sim compiles the "
    "cell kernels, about 15 s on a quiet 2-core machine and up to a minute on a busy one; "
    "they are cached, and later starts take a few seconds."
)


@solara.component
def Page() -> None:
    """The dashboard page served by ``sim dashboard``.

    The page (title, app bar) shows at once; the starting model is built in a thread, with a
    notice while it is (the first build on a machine compiles the kernels), then
    :func:`Dashboard` takes over.
    """
    params = model_params()
    defaults = {k: v["value"] for k, v in params.items()}
    # intrusive_cancel=False: Solara's cancellable threads trace every Python line, which
    # made the first build (compiling the kernels) ~2.5x slower
    built = solara.use_thread(
        lambda: DashboardModel(**defaults), dependencies=[], intrusive_cancel=False
    )
    solara.Title(TITLE)
    solara.Style(CSS)
    with solara.AppBar():
        solara.AppBarTitle(TITLE)
    if built.state == solara.ResultState.FINISHED:
        Dashboard(built.value, params)
    elif built.state == solara.ResultState.ERROR:
        solara.Error(f"the model could not be built: {built.error}")
    else:
        with solara.Column(style={"padding": "24px"}):
            solara.Info(PREPARING)
            solara.ProgressLinear(True)


@solara.component
def Dashboard(first: DashboardModel, params: dict[str, dict[str, Any]]) -> None:
    """Controls, settings and panels around a built model.

    Built from Mesa's SolaraViz parts (its :func:`ModelController` for Reset / Play / Step
    and :func:`ShowSteps`) around a page of our own: SolaraViz's own layout puts the panels
    behind a tab labelled "Page 0" and shows no slider values.
    """
    model = solara.use_reactive(first)
    chosen = solara.use_reactive(first.settings)
    play_ms = solara.use_reactive(PLAY_INTERVAL_MS)
    render_every = solara.use_reactive(1)
    threads = solara.use_reactive(False)
    with solara.Sidebar(), solara.Column():
        with solara.Card("Controls"):
            ValueSlider(
                "play_ms", "play interval", play_ms.value, play_ms.set, (10, 500, 10), " ms"
            )
            ValueSlider(
                "render_every",
                "steps per redraw",
                render_every.value,
                render_every.set,
                (1, 100, 1),
            )
            ModelController(
                model,
                model_parameters=chosen,
                play_interval=play_ms,
                render_interval=render_every,
                use_threads=threads,
            )
        with solara.Card("Model settings"):
            SettingsView(params, chosen)
            waiting = pending_changes(model.value, chosen.value)
            if waiting:
                solara.Info(f"Reset applies: {', '.join(waiting)}", dense=True)
        with solara.Card("Information"):
            ShowSteps(model.value)
    with solara.Column(style={"padding": "4px 12px"}):
        StatusView(model.value)
        with solara.Columns([1, 1]):
            PlasmaView(model.value)
            UptakeView(model.value)
        with solara.Columns([1, 1]):
            PathwayView(model.value)
            GraphView(model.value)


def measure_step_seconds(n_cells: int, steps: int = 10, minutes_per_step: int = 10) -> dict:
    """Wall seconds to build the model, per dashboard step, and per full redraw of the panels.

    The redraw builds every panel's figure and renders it to PNG, as the browser gets it.
    """
    t0 = time.perf_counter()
    model = DashboardModel(n_cells=n_cells, minutes_per_step=minutes_per_step)
    build = time.perf_counter() - t0
    step_s, draw_s = [], []
    for _ in range(steps):
        t1 = time.perf_counter()
        model.step()
        t2 = time.perf_counter()
        run = live_run(model)
        for fig in (
            whole_body_figure(run, columns=PLASMA_COLUMNS),
            glucose_flux_figure(run),
            pathway_overlay_figure(run, "muscle", LIVE_FRACTION_NODES),
            graph_figure(model, "muscle", "akt_p"),
        ):
            panel_png(fig)
        step_s.append(t2 - t1)
        draw_s.append(time.perf_counter() - t2)
    return {
        "cells": sum(t.n for t in model.tissues.values()),
        "build_s": build,
        "step_s": float(np.median(step_s)),
        "redraw_s": float(np.median(draw_s[1:] or draw_s)),
        "minutes_per_step": minutes_per_step,
    }
