"""Figures of a sweep folder: a metric over two swept keys, and metric-versus-key curves.

Read from the saved sweep only: ``summary.parquet`` (one row per run: swept keys, seed,
replicate, status, every summary metric) and ``sweep.yaml`` (the resolved sweep, which names
the swept keys and the design). Failed runs and non-finite metric values are left out; the
replicates of a design point are summarised by their mean, standard deviation and count, the
numbers the figures draw (tests compare them with ``summary.parquet``).

Artists carrying data have a ``gid``: ``sweep_heatmap:<metric>`` (mesh of point means),
``sweep_scatter:<metric>`` (non-grid designs), ``sweep_mean:<key>:<level>`` (curve of means),
``sweep_runs:<key>`` (every run).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml
from matplotlib.figure import Figure

from sim.scenario import ScenarioError
from sim.viz.style import grid_figure, new_figure

logger = logging.getLogger(__name__)

FIXED_COLUMNS = frozenset(
    {"run_id", "point", "seed", "replicate", "status", "error", "wall_seconds"}
)
PREFERRED_METRICS: tuple[str, ...] = (
    "m_value_mg_kg_min",
    "matsuda_index",
    "glucose_iauc_mM_min",
    "glucose_mean_mM",
)
MAX_CATEGORIES = 12
"""A key with at most this many distinct values is drawn as categories (grid levels)."""
DPI = 120


@dataclass(frozen=True)
class SweepData:
    """A saved sweep: its summary table, resolved sweep file and swept keys."""

    folder: Path
    summary: pd.DataFrame
    spec: dict[str, Any]
    keys: list[str]

    @property
    def name(self) -> str:
        """The sweep's name (or its folder name)."""
        return str(self.spec.get("name") or self.folder.name)

    @property
    def design(self) -> str:
        """The design kind (``grid``, ``random``, ``lhs``, ``sobol``, ``morris``)."""
        return str((self.spec.get("design") or {}).get("kind", "grid"))


def load_sweep(folder: str | Path) -> SweepData:
    """Load ``summary.parquet`` and ``sweep.yaml`` of a sweep folder.

    Raises:
        ScenarioError: if ``summary.parquet`` is missing or names no swept key.
    """
    folder = Path(folder)
    path = folder / "summary.parquet"
    if not path.is_file():
        raise ScenarioError(f"{folder}: not a sweep folder (no summary.parquet)")
    summary = pd.read_parquet(path)
    spec_path = folder / "sweep.yaml"
    spec = yaml.safe_load(spec_path.read_text()) if spec_path.is_file() else {}
    spec = spec if isinstance(spec, dict) else {}
    keys = list(((spec.get("design") or {}).get("parameters") or {}).keys())
    if not keys:  # the table puts the swept keys between ``point`` and ``seed``
        cols = list(summary.columns)
        if "point" in cols and "seed" in cols:
            keys = cols[cols.index("point") + 1 : cols.index("seed")]
    keys = [k for k in keys if k in summary.columns]
    if not keys:
        raise ScenarioError(f"{spec_path}: design.parameters names no column of {path}")
    return SweepData(folder, summary, spec, keys)


def metric_columns(sweep: SweepData) -> list[str]:
    """Numeric metric columns with at least one finite value among completed runs."""
    done = completed(sweep.summary)
    out = []
    for col in done.columns:
        if col in FIXED_COLUMNS or col in sweep.keys:
            continue
        values = pd.to_numeric(done[col], errors="coerce").to_numpy(float)
        if np.isfinite(values).any():
            out.append(col)
    return out


def completed(summary: pd.DataFrame) -> pd.DataFrame:
    """Rows of completed runs (all rows if there is no ``status`` column)."""
    if "status" not in summary.columns:
        return summary
    return summary[summary["status"].astype(str) == "completed"]


def choose_metric(sweep: SweepData, metric: str | None) -> str:
    """``metric`` if the sweep has it, else the first of ``PREFERRED_METRICS`` present.

    Raises:
        ScenarioError: if ``metric`` is not a metric of the sweep (the message lists them).
    """
    allowed = metric_columns(sweep)
    if metric is not None:
        if metric not in allowed:
            raise ScenarioError(
                f"{sweep.folder / 'summary.parquet'}: metric {metric!r} unknown; allowed: "
                + ", ".join(allowed)
            )
        return metric
    if not allowed:
        raise ScenarioError(f"{sweep.folder / 'summary.parquet'}: no completed run has a metric")
    return next((m for m in PREFERRED_METRICS if m in allowed), allowed[0])


def point_stats(sweep: SweepData, metric: str, keys: list[str] | None = None) -> pd.DataFrame:
    """Mean, standard deviation (ddof 1), min, max and count of ``metric`` per value
    combination of ``keys`` (default: every swept key), over completed finite runs."""
    keys = sweep.keys if keys is None else keys
    done = completed(sweep.summary)
    values = pd.to_numeric(done[metric], errors="coerce")
    frame = done[keys].assign(_v=values)[np.isfinite(values.to_numpy(float))]
    stats = frame.groupby(keys, sort=True)["_v"].agg(["mean", "std", "min", "max", "count"])
    return stats.reset_index()


def is_categorical(sweep: SweepData, key: str) -> bool:
    """Whether a key takes few distinct values (grid levels or strings)."""
    col = sweep.summary[key]
    return col.nunique() <= MAX_CATEGORIES or not pd.api.types.is_numeric_dtype(col)


def heatmap_matrix(sweep: SweepData, metric: str, x_key: str, y_key: str) -> pd.DataFrame:
    """Point means of ``metric`` with ``y_key`` levels as rows and ``x_key`` levels as columns
    (averaged over replicates and any other swept key)."""
    stats = point_stats(sweep, metric, [y_key, x_key])
    return stats.pivot(index=y_key, columns=x_key, values="mean")


def _fmt(value: Any) -> str:
    """A level as text: numbers in short ``g`` format, anything else as is."""
    return f"{value:g}" if isinstance(value, int | float | np.number) else str(value)


def _label(key: str) -> str:
    """Axis label of a dotted scenario key (the key itself; units are in its last part)."""
    return key.replace("interventions.", "intervention ")


def sweep_heatmap_figure(sweep: SweepData, metric: str) -> Figure | None:
    """``metric`` over the first two swept keys: a heatmap of point means for grid levels, a
    scatter coloured by each run's value for continuous designs.

    Returns:
        The figure, or ``None`` if fewer than two keys were swept.
    """
    if len(sweep.keys) < 2:
        return None
    x_key, y_key = sweep.keys[0], sweep.keys[1]
    fig, (ax,) = new_figure(1, 1, 7.0, 5.2)
    others = [k for k in sweep.keys if k not in (x_key, y_key)]
    if is_categorical(sweep, x_key) and is_categorical(sweep, y_key):
        matrix = heatmap_matrix(sweep, metric, x_key, y_key)
        values = matrix.to_numpy(float)
        mesh = ax.pcolormesh(
            np.ma.masked_invalid(values), cmap="viridis", gid=f"sweep_heatmap:{metric}"
        )
        ax.set_xticks(np.arange(values.shape[1]) + 0.5, [_fmt(v) for v in matrix.columns])
        ax.set_yticks(np.arange(values.shape[0]) + 0.5, [_fmt(v) for v in matrix.index])
        for (i, j), v in np.ndenumerate(values):
            if np.isfinite(v):
                ax.text(
                    j + 0.5,
                    i + 0.5,
                    f"{v:.3g}",
                    ha="center",
                    va="center",
                    color="white",
                    fontsize="small",
                )
        what = "mean over replicates" + (f" and {', '.join(others)}" if others else "")
    else:
        done = completed(sweep.summary)
        mesh = ax.scatter(
            done[x_key],
            done[y_key],
            c=pd.to_numeric(done[metric], errors="coerce"),
            cmap="viridis",
            s=30,
            gid=f"sweep_scatter:{metric}",
        )
        what = "one point per run"
    fig.colorbar(mesh, ax=ax, label=metric)
    ax.set_xlabel(_label(x_key))
    ax.set_ylabel(_label(y_key))
    fig.suptitle(f"{sweep.name} ({sweep.design}) — {metric}: {what}")
    return fig


def sweep_curves_figure(sweep: SweepData, metric: str) -> Figure:
    """``metric`` against each swept key: every run as a dot, the mean over replicates as a
    line with a ±1 SD band (one line per level of the second key when it has few levels)."""
    ncols = min(2, len(sweep.keys))
    fig, axes = grid_figure(-(-len(sweep.keys) // ncols), ncols, 5.5, 3.8)
    for ax in axes[len(sweep.keys) :]:
        fig.delaxes(ax)
    for ax, key in zip(axes, sweep.keys, strict=False):
        done = completed(sweep.summary)
        ax.plot(
            done[key],
            pd.to_numeric(done[metric], errors="coerce"),
            "o",
            color="0.6",
            ms=3,
            label="each run",
            gid=f"sweep_runs:{key}",
        )
        other = next((k for k in sweep.keys if k != key and is_categorical(sweep, k)), None)
        if is_categorical(sweep, key):
            groups = [(None, [key])] if other is None else [(other, [other, key])]
            for group_key, keys in groups:
                stats = point_stats(sweep, metric, keys)
                levels = [None] if group_key is None else sorted(stats[group_key].unique())
                for k, level in enumerate(levels):
                    s = stats if level is None else stats[stats[group_key] == level]
                    lab = "mean ± SD" if level is None else f"{group_key} = {_fmt(level)}"
                    _mean_line(ax, s, key, f"C{k}", lab, level)
        ax.set_xlabel(_label(key))
        ax.set_ylabel(metric)
        ax.grid(alpha=0.3, lw=0.5)
        ax.legend(fontsize="x-small")
    fig.suptitle(f"{sweep.name} — {metric} against each swept key (band: ±1 SD over replicates)")
    return fig


def _mean_line(ax: Any, s: pd.DataFrame, key: str, color: str, label: str, level: Any) -> None:
    """Mean line with a ±1 SD band (SD 0 where a point has one replicate)."""
    x = s[key].to_numpy()
    mean, sd = s["mean"].to_numpy(float), np.nan_to_num(s["std"].to_numpy(float))
    ax.plot(x, mean, "-o", color=color, ms=4, label=label, gid=f"sweep_mean:{key}:{level}")
    ax.fill_between(x, mean - sd, mean + sd, color=color, alpha=0.2, lw=0)


def plot_sweep(
    folder: str | Path, metric: str | None = None, out_dir: Path | None = None
) -> list[Path]:
    """Write the sweep figures (``sweep_heatmap.png`` if two or more keys were swept,
    ``sweep_curves.png``) into ``out_dir`` (default ``folder/figures``)."""
    sweep = load_sweep(folder)
    metric = choose_metric(sweep, metric)
    out = Path(out_dir) if out_dir is not None else sweep.folder / "figures"
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for stem, fig in (
        ("sweep_heatmap", sweep_heatmap_figure(sweep, metric)),
        ("sweep_curves", sweep_curves_figure(sweep, metric)),
    ):
        if fig is not None:
            path = out / f"{stem}.png"
            fig.savefig(path, dpi=DPI)
            written.append(path)
    return written
