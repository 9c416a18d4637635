"""Plotting layer: figures of saved runs, sweeps and comparisons, read from their files.

Every figure is drawn from a saved folder (``timeseries.parquet``, ``cells.parquet``,
``scenario.yaml``, ``summary.json``, ``manifest.json``; a sweep's ``summary.parquet`` and
``sweep.yaml``), so any saved run can be re-plotted and the drawn data tested. Two figures
reach into the simulator's code, never its state: the tissue graph is rebuilt with
``sim.graph.build`` from the saved cells, and the pathway diagram's edges are the signs of the
rate laws' Jacobian. The live dashboard (``sim.viz.dashboard``, needs the ``dashboard`` extra)
drives a running model.
"""

from sim.viz.data import (
    RunData,
    cell_order,
    heatmap_matrix,
    load_run,
    node_unit,
    pathway_quantiles,
    run_tissues,
    tissue_nodes,
)
from sim.viz.events import Period, run_periods, scenario_periods, sleep_periods
from sim.viz.figures import (
    flux_stack,
    glucose_flux_figure,
    iter_figures,
    pathway_overlay_figure,
    pathways_figure,
    plot_run,
    whole_body_figure,
    whole_body_panels,
)
from sim.viz.heatmaps import HEATMAP_NODES, heatmap_figure, heatmap_nodes
from sim.viz.pathway_diagram import diagram_graph, pathway_diagram_figure, pathway_edges
from sim.viz.sweep import load_sweep, plot_sweep, point_stats
from sim.viz.tissue_graph import animate_graph, rebuild_graph, tissue_graph_figure

__all__ = [
    "animate_graph",
    "diagram_graph",
    "load_sweep",
    "pathway_diagram_figure",
    "pathway_edges",
    "pathway_overlay_figure",
    "plot_sweep",
    "point_stats",
    "rebuild_graph",
    "tissue_graph_figure",
    "HEATMAP_NODES",
    "Period",
    "RunData",
    "cell_order",
    "flux_stack",
    "glucose_flux_figure",
    "heatmap_figure",
    "heatmap_matrix",
    "heatmap_nodes",
    "iter_figures",
    "load_run",
    "node_unit",
    "pathway_quantiles",
    "pathways_figure",
    "plot_run",
    "run_periods",
    "run_tissues",
    "scenario_periods",
    "sleep_periods",
    "tissue_nodes",
    "whole_body_figure",
    "whole_body_panels",
]
