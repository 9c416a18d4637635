"""Plotting layer: figures of a saved run, read from its output files only.

Nothing here imports the simulator core; every figure is drawn from a run folder
(``timeseries.parquet``, ``cells.parquet``, ``scenario.yaml``, ``summary.json``,
``manifest.json``) so any saved run can be re-plotted and the drawn data tested.
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
    pathways_figure,
    plot_run,
    whole_body_figure,
    whole_body_panels,
)
from sim.viz.heatmaps import HEATMAP_NODES, heatmap_figure, heatmap_nodes

__all__ = [
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
