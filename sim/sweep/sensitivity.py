"""Global sensitivity analysis of a finished sobol or morris sweep (SALib), and its chart.

The design matrix is regenerated from the sweep (it is seeded), each metric is averaged over
the replicates of a point, and SALib's analysers give first-order and total Sobol indices or
Morris mu*/sigma per metric and parameter.
"""

from __future__ import annotations

import logging
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from sim.sweep.design import problem, sample_matrix
from sim.sweep.spec import Design

log = logging.getLogger(__name__)
COLUMNS = {
    "sobol": ["S1", "S1_conf", "ST", "ST_conf"],
    "morris": ["mu_star", "mu_star_conf", "sigma", "mu"],
}
NOT_METRICS = {
    "run_id",
    "point",
    "seed",
    "replicate",
    "status",
    "error",
    "wall_seconds",
    "glucose_balance_error",  # a numerical check, not an outcome
}


def point_means(summary: pd.DataFrame, keys: list[str], n_points: int) -> pd.DataFrame:
    """Numeric metrics averaged over the completed replicates of each point (NaN if none)."""
    skip = NOT_METRICS | set(keys)
    metrics = [
        c for c in summary.columns if c not in skip and pd.api.types.is_numeric_dtype(summary[c])
    ]
    ok = summary[summary["status"] == "completed"]
    means = ok.groupby("point")[metrics].mean()
    return means.reindex(range(n_points))


def _indices(design: Design, x: NDArray, y: NDArray, seed: int) -> dict[str, NDArray]:
    prob = problem(design)
    if design.kind == "sobol":
        from SALib.analyze import sobol

        return sobol.analyze(prob, y, calc_second_order=False, seed=seed)
    from SALib.analyze import morris

    return morris.analyze(prob, x, y, seed=seed)


def analyse(design: Design, summary: pd.DataFrame, seed: int) -> pd.DataFrame:
    """Sensitivity indices per metric and parameter (long table).

    Metrics that are constant, or missing at some point (failed runs), get no rows; a log
    message says which.
    """
    x = sample_matrix(design, seed)
    means = point_means(summary, design.names(), len(x))
    rows = []
    for metric in means.columns:
        y = means[metric].to_numpy(dtype=float)
        if not np.isfinite(y).all() or np.ptp(y) == 0:
            log.info("sensitivity: skipping %s (constant or missing at some points)", metric)
            continue
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            res = _indices(design, x, y, seed)
        for i, name in enumerate(design.names()):
            row = {"metric": metric, "parameter": name}
            row.update({c: float(np.asarray(res[c])[i]) for c in COLUMNS[design.kind]})
            rows.append(row)
    return pd.DataFrame(rows, columns=["metric", "parameter", *COLUMNS[design.kind]])


def plot(indices: pd.DataFrame, kind: str, path: Path, title: str = "") -> Path:
    """Bar chart, one panel per metric: S1 and ST (sobol) or mu* and sigma (morris)."""
    metrics = list(dict.fromkeys(indices["metric"]))
    ncols = min(3, max(1, len(metrics)))
    nrows = max(1, -(-len(metrics) // ncols))
    from matplotlib.figure import Figure  # here: a sweep's workers never draw

    fig = Figure(figsize=(4.6 * ncols, 3.4 * nrows), layout="constrained")
    bars = (
        [("S1", "S1_conf"), ("ST", "ST_conf")]
        if kind == "sobol"
        else [
            ("mu_star", "mu_star_conf"),
            ("sigma", None),
        ]
    )
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    for ax, metric in zip(axes, metrics, strict=False):
        sub = indices[indices["metric"] == metric]
        pos = np.arange(len(sub))
        for j, (col, err) in enumerate(bars):
            yerr = sub[err].to_numpy() if err else None
            ax.bar(pos + (j - 0.5) * 0.38, sub[col], 0.38, yerr=yerr, capsize=3, label=col)
        ax.set_xticks(
            pos, [p.removeprefix("parameters.") for p in sub["parameter"]], rotation=30, ha="right"
        )
        ax.set_title(metric, fontsize=10)
        ax.axhline(0, color="black", linewidth=0.6)
    for ax in axes[len(metrics) :]:
        ax.set_visible(False)
    if metrics:
        axes[0].legend(fontsize=8)
    fig.suptitle(title or ("Sobol indices" if kind == "sobol" else "Morris screening"))
    fig.savefig(path, dpi=110)
    return path
