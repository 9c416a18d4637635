"""Figures of a sweep folder: a metric over two swept keys, and metric-versus-key curves.

Read from the saved sweep only: ``summary.parquet`` (one row per run: swept keys, seed,
replicate, status, every summary metric) and ``sweep.yaml`` (the resolved sweep, which names
the swept keys, the design, the base scenario and whether replicates are paired). Failed runs
and non-finite metric values are left out; the replicates of a design point are summarised by
their mean, standard deviation and count, the numbers the figures draw (tests compare them
with ``summary.parquet``). Axes name a key by what it is in the base scenario
("gh injection: dose (mg)"), not by its dotted path.

When replicates share their seed across points (``paired: true``, the default), the
contrasts figure shows each point's paired difference from the reference point (the first
level of every key) replicate by replicate: the seed noise common to both cancels, and the
spread that is left is what the design point itself does.

Artists carrying data have a ``gid``: ``sweep_heatmap:<metric>`` (mesh of point means),
``sweep_scatter:<metric>`` (non-grid designs), ``sweep_mean:<key>:<level>`` (curve of means),
``sweep_runs:<key>`` (every run), ``sweep_contrast:<point>`` (a point's paired contrasts).
"""

from __future__ import annotations

import logging
import math
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


UNIT_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("_rate_ng_kg_min", "ng/kg/min"),
    ("_mg_kg_min", "mg/kg/min"),
    ("_mU_m2_min", "mU/m²/min"),
    ("_uU_ml", "µU/mL"),
    ("_pg_ml", "pg/mL"),
    ("_ug_l", "µg/L"),
    ("_vo2max", "fraction of VO2max"),
    ("_mM", "mM"),
    ("_mg", "mg"),
    ("_ug", "µg"),
    ("_g", "g"),
    ("_kg", "kg"),
    ("_cm", "cm"),
    ("_min", "min"),
    ("_h", "h"),
)


def _field(name: str) -> str:
    """``dose_mg`` -> ``dose (mg)``."""
    for suffix, unit in UNIT_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return f"{name[: -len(suffix)].replace('_', ' ')} ({unit})"
    return name.replace("_", " ")


def key_label(key: str, spec: dict[str, Any] | None = None) -> str:
    """Readable axis label of a dotted scenario key, using the base scenario in ``spec``:
    ``interventions.0.dose_mg`` -> ``gh injection: dose (mg)``, ``parameters.muscle.x`` ->
    ``muscle x``, ``protocol.insulin_uU_ml`` -> ``clamp: insulin (µU/mL)``."""
    base = (spec or {}).get("base")
    base = base if isinstance(base, dict) else {}
    parts = key.split(".")
    if parts[0] == "interventions" and len(parts) == 3 and parts[1].isdigit():
        items = base.get("interventions") or []
        k = int(parts[1])
        kind = items[k].get("kind") if k < len(items) and isinstance(items[k], dict) else None
        what = str(kind).replace("_", " ") if kind else f"intervention {k}"
        return f"{what}: {_field(parts[2])}"
    if parts[0] == "protocol" and len(parts) == 2:
        kind = (base.get("protocol") or {}).get("kind", "protocol")
        return f"{kind}: {_field(parts[1])}"
    if parts[0] == "parameters" and len(parts) >= 3:
        return f"{parts[1]} {'.'.join(parts[2:])} (parameter)"
    return " ".join(_field(p) if i == len(parts) - 1 else p for i, p in enumerate(parts))


def _label(key: str, sweep: SweepData | None = None) -> str:
    """Axis label of a swept key (see :func:`key_label`)."""
    return key_label(key, sweep.spec if sweep is not None else None)


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
        stats = point_stats(sweep, metric, [y_key, x_key])
        sd = stats.pivot(index=y_key, columns=x_key, values="std").to_numpy(float)
        count = stats.pivot(index=y_key, columns=x_key, values="count").to_numpy(float)
        for (i, j), v in np.ndenumerate(values):
            if np.isfinite(v):
                spread = f"\n± {sd[i, j]:.2g} (n={count[i, j]:g})" if count[i, j] > 1 else ""
                ax.text(j + 0.5, i + 0.5, f"{v:.3g}{spread}", ha="center", va="center",
                        color="white", fontsize="small")  # fmt: skip
        n_rep = int(np.nanmax(count)) if count.size else 0
        what = "mean" + (f" ± SD over {n_rep} replicates" if n_rep > 1 else " (1 replicate)")
        what += f" and {', '.join(others)}" if others else ""
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
    ax.set_xlabel(_label(x_key, sweep))
    ax.set_ylabel(_label(y_key, sweep))
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
                    lab = (
                        "mean ± SD"
                        if level is None
                        else f"{_label(group_key, sweep)} = {_fmt(level)}"
                    )
                    _mean_line(ax, s, key, f"C{k}", lab, level)
                    if is_paired(sweep):
                        runs = done if level is None else done[done[group_key] == level]
                        _replicate_lines(ax, runs, key, metric, f"C{k}")
        ax.set_xlabel(_label(key, sweep))
        ax.set_ylabel(metric)
        ax.grid(alpha=0.3, lw=0.5)
        ax.legend(fontsize="x-small")
    thin = "; thin lines: one replicate (same seed) across levels" if is_paired(sweep) else ""
    fig.suptitle(  # two lines: one line overflowed a one-key figure's width
        f"{sweep.name} — {metric} against each swept key\n(band: ±1 SD over replicates{thin})",
        fontsize="medium",
    )
    return fig


def _replicate_lines(ax: Any, runs: pd.DataFrame, key: str, metric: str, color: str) -> None:
    """Thin lines joining each replicate's runs (the same seed) across the levels of ``key``
    (averaged over any other swept key): the paired comparisons a reader's eye should make."""
    values = runs.assign(_v=pd.to_numeric(runs[metric], errors="coerce"))
    per = values.groupby(["replicate", key], sort=True)["_v"].mean().reset_index()
    for _, rep in per.groupby("replicate"):
        ax.plot(rep[key], rep["_v"], color=color, lw=0.6, alpha=0.45)


def _mean_line(ax: Any, s: pd.DataFrame, key: str, color: str, label: str, level: Any) -> None:
    """Mean line with a ±1 SD band (SD 0 where a point has one replicate)."""
    x = s[key].to_numpy()
    mean, sd = s["mean"].to_numpy(float), np.nan_to_num(s["std"].to_numpy(float))
    ax.plot(x, mean, "-o", color=color, ms=4, label=label, gid=f"sweep_mean:{key}:{level}")
    ax.fill_between(x, mean - sd, mean + sd, color=color, alpha=0.2, lw=0)


def is_paired(sweep: SweepData) -> bool:
    """Whether replicate r shares its seed across points (``paired`` in ``sweep.yaml``;
    sweeps written before the key existed were seeded per run)."""
    return bool(sweep.spec.get("paired", False))


def paired_contrasts(sweep: SweepData, metric: str) -> pd.DataFrame:
    """Each point's difference from the reference point (the lowest point number: the first
    level of every key in a grid), replicate by replicate.

    Returns:
        One row per other point: ``point``, each swept key, ``n`` (replicates finite at both
        points), ``mean`` and ``sd`` of the paired differences, ``sd_unpaired`` (the SD a
        difference of two independent runs would have: sqrt(SD_point² + SD_reference²)),
        and ``differences`` (a list, by replicate).
    """
    done = completed(sweep.summary)
    done = done.assign(_v=pd.to_numeric(done[metric], errors="coerce"))
    done = done[np.isfinite(done["_v"].to_numpy(float))]
    wide = done.pivot_table(index="replicate", columns="point", values="_v", aggfunc="first")
    if wide.shape[1] < 2:
        return pd.DataFrame()
    ref = int(min(wide.columns))
    levels = done.drop_duplicates("point").set_index("point")[sweep.keys]
    rows = []
    for point in wide.columns:
        if point == ref:
            continue
        both = wide[[ref, point]].dropna()
        d = (both[point] - both[ref]).to_numpy(float)
        sd_u = (
            math.sqrt(wide[point].var(ddof=1) + wide[ref].var(ddof=1))
            if len(both) > 1
            else math.nan
        )
        rows.append(
            {"point": int(point), **levels.loc[point].to_dict(), "n": len(d),
             "mean": float(d.mean()) if len(d) else math.nan,
             "sd": float(d.std(ddof=1)) if len(d) > 1 else math.nan,
             "sd_unpaired": sd_u, "differences": d.tolist()}
        )  # fmt: skip
    return pd.DataFrame(rows)


def sweep_contrasts_figure(sweep: SweepData, metric: str) -> Figure | None:
    """Paired contrasts of a grid sweep with replicates: every replicate's difference from
    the reference point (grey dots), their mean ± SD (black), and for comparison ± the SD an
    unpaired difference would have had (light bar).

    Returns:
        The figure, or ``None`` unless the sweep is a paired grid with 2+ replicates.
    """
    if sweep.design != "grid" or not is_paired(sweep):
        return None
    con = paired_contrasts(sweep, metric)
    if con.empty or con["n"].max() < 2:
        return None
    ref = completed(sweep.summary).sort_values("point").iloc[0]
    fig, (ax,) = new_figure(1, 1, 7.5, 0.42 * len(con) + 2.0)
    y = np.arange(len(con))
    for k, row in enumerate(con.itertuples()):
        ax.plot(row.differences, [k] * len(row.differences), "o", color="0.45", ms=3.5, zorder=4,
                gid=f"sweep_contrast:{row.point}")  # fmt: skip
    ax.errorbar(con["mean"], y, xerr=con["sd_unpaired"].fillna(0), fmt="none", ecolor="#9ecae1",
                elinewidth=7, label="± SD if unpaired: √(SD²point + SD²reference)")  # fmt: skip
    ax.errorbar(con["mean"], y, xerr=con["sd"].fillna(0), fmt="D", color="black", ms=5,
                capsize=3, label="mean ± SD of the paired differences")  # fmt: skip
    ax.axvline(0, color="0.3", lw=0.8)
    names = [", ".join(_fmt(v) for v in r) for r in con[sweep.keys].itertuples(index=False)]
    ax.set_yticks(y, names)
    ax.invert_yaxis()
    ax.set_ylabel("point: " + ", ".join(_label(k, sweep) for k in sweep.keys), fontsize="small")
    ax.set_xlabel(f"{metric}: difference from the reference point, same replicate (same seed)")
    at = ", ".join(f"{_fmt(ref[k])}" for k in sweep.keys)
    ax.set_title(
        f"{sweep.name} — paired contrasts against the reference point ({at}), "
        f"{int(con['n'].max())} replicates; grey: each replicate",
        fontsize="small",
    )
    ax.grid(axis="x", alpha=0.3, lw=0.5)
    ax.legend(fontsize="x-small", loc="best")
    return fig


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
        ("sweep_contrasts", sweep_contrasts_figure(sweep, metric)),
    ):
        if fig is not None:
            path = out / f"{stem}.png"
            fig.savefig(path, dpi=DPI)
            written.append(path)
    return written
