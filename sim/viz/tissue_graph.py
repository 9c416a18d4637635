"""The tissue interaction graph of a saved run, its cells coloured by a pathway node.

The graph is physiology (DESIGN section 3): muscle fibres around capillary segments,
hepatocytes along sinusoids from the portal vein to the central vein, adipocytes on depot
capillaries draining to plasma (subcutaneous) or the portal vein (visceral). A run folder does
not store the graph, so it is rebuilt with :func:`sim.graph.build` from what the run saved:
the cell ids, tissues and subtypes in ``cells.parquet``. The topology depends only on the cell
counts and the number of visceral adipocytes (random draws only set per-cell parameters), and
the rebuilt cell nodes are checked against ``cells.parquet`` before anything is drawn.

Layouts are seeded (a ``networkx.spring_layout(seed=...)`` of the exchange compartments, each
cell on a ring around its compartment), so the same run always gives the same picture and
frames of an animation line up. Artists carrying data have a ``gid``:
``cells:<tissue>:<time_min>`` (cell colours, in ``TissueLayout.cell_ids`` order) and
``compartments:<tissue>`` (capillary / sinusoid / vein nodes).
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
from matplotlib import animation
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.colors import Normalize
from matplotlib.figure import Figure

from sim.graph import build as build_graph
from sim.scenario import ScenarioError
from sim.viz.data import TISSUES, RunData, cell_node_values, node_unit, run_tissues
from sim.viz.layout import add_colorbar
from sim.viz.style import clock_text, figure_title, grid_figure

logger = logging.getLogger(__name__)

LAYOUT_SEED = 0
"""Seed of the spring layout (same run, same picture)."""
LAYOUT_ITERATIONS = 60
"""Fruchterman-Reingold iterations of the compartment layout."""
ANCHORS: dict[str, tuple[str, ...]] = {
    "muscle": ("plasma",),
    "liver": ("portal_vein", "central_vein"),
    "adipose": ("plasma", "portal_vein"),
}
"""Body compartments drawn with each tissue (they connect its capillary beds)."""
ANCHOR_KINDS = frozenset(k for kinds in ANCHORS.values() for k in kinds)
DEFAULT_GRAPH_NODE = "akt_p"
CMAP = "viridis"


@dataclass(frozen=True)
class TissueLayout:
    """Positions of one tissue's part of the graph.

    Attributes:
        tissue: tissue name.
        cell_ids: graph node ids of the cells, in drawing order.
        cell_xy: ``(n_cells, 2)`` positions of the cells.
        other_ids: ids of the exchange compartments drawn with the tissue.
        other_xy: their positions.
        other_kinds: their ``kind`` attribute (``capillary_segment``, ``plasma`` ...).
        edges: ``(n_edges, 2, 2)`` segment end points of the tissue's edges.
    """

    tissue: str
    cell_ids: np.ndarray
    cell_xy: np.ndarray
    other_ids: np.ndarray
    other_xy: np.ndarray
    other_kinds: tuple[str, ...]
    edges: np.ndarray


def _cell_table(cells: pd.DataFrame) -> pd.DataFrame:
    """One row per cell: ``cell_id``, ``tissue``, ``subtype`` (first snapshot)."""
    if cells.empty or "cell_id" not in cells.columns:
        raise ScenarioError("cells.parquet is missing or empty: the tissue graph needs it")
    table = cells.drop_duplicates("cell_id")[["cell_id", "tissue", "subtype"]]
    return table.astype({"cell_id": int}).sort_values("cell_id")


def rebuild_graph(run: RunData) -> nx.Graph:
    """Rebuild the run's interaction graph from the cells saved in ``cells.parquet``.

    Args:
        run: loaded run with a non-empty cells table.

    Returns:
        The graph (node attributes ``kind``, ``tissue``; edge attribute ``kind``).

    Raises:
        ScenarioError: if ``cells.parquet`` is absent, or the rebuilt cell nodes (ids,
            tissues, adipose depots, liver zones) differ from the saved ones.
    """
    table = _cell_table(run.cells)
    counts = {t: int((table["tissue"] == t).sum()) for t in TISSUES}
    adipose = table[table["tissue"] == "adipose"]
    n_visc = int((adipose["subtype"] == "visceral").sum())
    visceral_frac = n_visc / len(adipose) if len(adipose) else 0.0
    # Only cell parameters use the random stream; the topology is fixed by counts and depots.
    params = run.scenario.get("parameters") or {}
    layout_overrides = {
        k[len("layout.") :]: v for k, v in params.items() if k.startswith("layout.")
    }
    tg = build_graph(
        counts, 0.5, visceral_frac, 0.5, 0.0, np.random.default_rng(0), layout_overrides
    )
    for tissue, layout in tg.layouts.items():
        saved = table[table["tissue"] == tissue]
        same_ids = np.array_equal(np.sort(layout.nodes), saved["cell_id"].to_numpy())
        check_subtype = tissue != "muscle"  # fibre types are random draws
        rebuilt = dict(zip(layout.nodes.tolist(), layout.subtype.tolist(), strict=True))
        same_sub = not check_subtype or all(
            rebuilt.get(i) == s for i, s in zip(saved["cell_id"], saved["subtype"], strict=True)
        )
        if not (same_ids and same_sub):
            raise ScenarioError(
                f"{run.run_dir / 'cells.parquet'}: the {tissue} cells (ids/subtypes) do not match "
                "the graph sim.graph.build gives for these cell counts; was the run written by "
                "another version of the simulator?"
            )
    return tg.graph


def tissue_layout(graph: nx.Graph, tissue: str, seed: int = LAYOUT_SEED) -> TissueLayout:
    """Layout of one tissue: its exchange compartments, then its cells around them.

    The compartments (capillary segments, sinusoid segments, depot capillaries and their body
    anchors) get a seeded spring layout; they are a few hundred nodes at most, so this takes a
    fraction of a second where a spring layout of every cell took seconds. Each cell is then
    put on a ring around the compartment it exchanges with (its one non-cell neighbour), so
    the picture keeps the tissue's topology: fibres around their capillary segment,
    hepatocytes beside their sinusoid segment, adipocytes around their depot capillary. A
    cell without a compartment neighbour sits at the mean of its placed neighbours.

    Args:
        graph: the rebuilt interaction graph.
        tissue: tissue to lay out.
        seed: layout seed.

    Returns:
        The tissue's node positions and edge segments.
    """
    kind = nx.get_node_attributes(graph, "kind")
    where = nx.get_node_attributes(graph, "tissue")
    anchors = ANCHORS.get(tissue, ())
    keep = [n for n in graph if where.get(n) == tissue or kind.get(n) in anchors]
    sub = graph.subgraph(keep)
    cells = np.array(sorted(n for n in sub if kind[n] == "cell"), dtype=int)
    others = np.array(sorted(n for n in sub if kind[n] != "cell"), dtype=int)
    pos = _compartment_positions(sub.subgraph(others.tolist()), seed)
    _ring_cells(sub, cells, kind, pos)
    xy = lambda ids: np.array([pos[i] for i in ids]).reshape(-1, 2)  # noqa: E731
    edges = np.array([[pos[a], pos[b]] for a, b in sub.edges()]).reshape(-1, 2, 2)
    return TissueLayout(
        tissue,
        cells,
        xy(cells),
        others,
        xy(others),
        tuple(kind[i] for i in others),
        edges,
    )


LAYOUT_CACHE_ENV = "SIM_LAYOUT_CACHE"
"""Folder of the cached compartment layouts (default ``~/.cache/sim/layouts``); ``off``
switches the cache off."""


def layout_cache_folder() -> Path | None:
    """Where compartment layouts are cached, or ``None`` when the cache is off."""
    value = os.environ.get(LAYOUT_CACHE_ENV, "").strip()
    if value.lower() in {"off", "0", "no", "false", "none"}:
        return None
    return Path(value).expanduser() if value else Path.home() / ".cache" / "sim" / "layouts"


def _compartment_positions(graph: nx.Graph, seed: int) -> dict[int, np.ndarray]:
    """The seeded spring layout of the compartment graph, from the layout cache when it holds
    one for the same nodes, edges, seed, iterations and networkx/numpy versions (the layout is
    a deterministic function of these; the cached positions are the same floats)."""
    nodes = np.array(sorted(graph), dtype=np.int64)
    edges = np.array(sorted(tuple(sorted(e)) for e in graph.edges()), dtype=np.int64)
    key = hashlib.sha256(nodes.tobytes() + b"|" + edges.tobytes())
    key.update(f"|{seed}|{LAYOUT_ITERATIONS}|{nx.__version__}|{np.__version__}".encode())
    folder = layout_cache_folder()
    path = folder / f"{key.hexdigest()[:32]}.npy" if folder is not None else None
    if path is not None and path.is_file():
        try:
            xy = np.load(path, allow_pickle=False)
            if xy.shape == (len(nodes), 2):
                return {int(n): xy[i].copy() for i, n in enumerate(nodes)}
        except (OSError, ValueError) as exc:
            logger.debug("layout cache %s unreadable (%s); recomputing", path, exc)
    pos = nx.spring_layout(graph, seed=seed, iterations=LAYOUT_ITERATIONS)
    pos = {n: np.asarray(p, dtype=float) for n, p in pos.items()}
    if path is not None:
        try:  # written whole under a temporary name, then renamed: readers never see half
            path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".tmp", delete=False) as f:
                np.save(f, np.array([pos[int(n)] for n in nodes]).reshape(-1, 2))
            os.replace(f.name, path)
        except OSError as exc:
            logger.debug("layout cache %s not written (%s)", path, exc)
    return pos


def _ring_cells(
    sub: nx.Graph, cells: np.ndarray, kind: dict[int, str], pos: dict[int, np.ndarray]
) -> None:
    """Put each cell on a ring around its compartment (in place, into ``pos``)."""
    hub: dict[int, list[int]] = {}
    loose = []
    for c in cells.tolist():
        comp = [n for n in sub[c] if kind[n] != "cell" and n in pos]
        if comp:
            hub.setdefault(min(comp), []).append(c)
        else:
            loose.append(c)
    links = [
        np.linalg.norm(pos[a] - pos[b])
        for a, b in sub.edges()
        if a in pos and b in pos and kind[a] not in ANCHOR_KINDS and kind[b] not in ANCHOR_KINDS
    ]
    spacing = float(np.median(links)) if links else 0.1
    for h, members in hub.items():
        k = len(members)
        radius = 0.35 * spacing if k > 1 else 0.25 * spacing
        phase = (h * 0.618034) % 1.0  # golden-ratio phase: neighbouring rings do not align
        angle = 2 * np.pi * (np.arange(k) / k + phase)
        ring = pos[h] + radius * np.c_[np.cos(angle), np.sin(angle)]
        pos.update(zip(members, ring, strict=True))
    for c in loose:
        placed = [pos[n] for n in sub[c] if n in pos]
        pos[c] = np.mean(placed, axis=0) if placed else np.zeros(2)


def node_at(cells: pd.DataFrame, tissue: str, node: str, time_min: float) -> pd.Series:
    """A node's per-cell values in one tissue at the snapshot nearest ``time_min``.

    Returns:
        Series indexed by ``cell_id`` (name: the snapshot time actually used).
    """
    sub = cell_node_values(cells, tissue, node)
    times = np.unique(sub["time_min"].to_numpy(dtype=float))
    t = float(times[np.argmin(np.abs(times - time_min))])
    at = sub[sub["time_min"].astype(float) == t]
    return pd.Series(at[node].to_numpy(float), index=at["cell_id"].astype(int), name=t)


def graph_nodes(cells: pd.DataFrame, tissue: str | None = None) -> list[str]:
    """Pathway nodes with values in the cells table (in one tissue, or in any)."""
    skip = {"cell_id", "tissue", "subtype", "zone", "time_min", "uptake_mg_kg_min"}
    sub = cells if tissue is None else cells[cells["tissue"] == tissue]
    return [c for c in cells.columns if c not in skip and sub[c].notna().any()]


def check_node(run: RunData, node: str, tissue: str | None) -> list[str]:
    """Tissues to draw for ``node`` (all that have it unless ``tissue`` is given).

    Raises:
        ScenarioError: naming the allowed tissues or nodes when either is unknown.
    """
    tissues = run_tissues(run)
    where = run.run_dir / "cells.parquet"
    if tissue is not None and tissue not in tissues:
        raise ScenarioError(f"{where}: --tissue {tissue!r} unknown; allowed: {', '.join(tissues)}")
    allowed = graph_nodes(run.cells, tissue)
    if node not in allowed:
        scope = f"the {tissue} cells" if tissue else "the cells"
        raise ScenarioError(
            f"{where}: node {node!r} is not recorded for {scope}; allowed: {', '.join(allowed)}"
        )
    return [
        t for t in tissues if tissue in (None, t) and not cell_node_values(run.cells, t, node).empty
    ]


def _norm(cells: pd.DataFrame, tissue: str, node: str) -> Normalize:
    """One colour scale for a tissue's node over the whole run (frames are comparable)."""
    v = cell_node_values(cells, tissue, node)[node].to_numpy(float)
    lo, hi = float(np.nanmin(v)), float(np.nanmax(v))
    return Normalize(lo, hi if hi > lo else lo + max(abs(lo), 1e-3) * 0.01)


def _draw_static(ax: Axes, lay: TissueLayout) -> None:
    """Edges and exchange compartments (grey), beneath the cells."""
    ax.add_collection(LineCollection(lay.edges, colors="0.75", linewidths=0.4, zorder=1))
    big = np.array([k in ("plasma", "portal_vein", "central_vein") for k in lay.other_kinds])
    ax.scatter(
        lay.other_xy[:, 0],
        lay.other_xy[:, 1],
        s=np.where(big, 60, 6),
        marker="s",
        c=np.where(big, "black", "0.55"),
        zorder=2,
        gid=f"compartments:{lay.tissue}",
    )
    for (x, y), kind in zip(lay.other_xy[big], np.array(lay.other_kinds)[big], strict=True):
        ax.annotate(
            kind.replace("_", " "),
            (x, y),
            fontsize="x-small",
            xytext=(3, 3),
            textcoords="offset points",
        )
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])


def _draw_cells(
    ax: Axes, lay: TissueLayout, values: pd.Series, norm: Normalize, size: float
) -> PathCollection:
    """Cells as circles coloured by ``values`` (indexed by cell id; missing = grey)."""
    v = values.reindex(lay.cell_ids).to_numpy(float)
    return ax.scatter(
        lay.cell_xy[:, 0],
        lay.cell_xy[:, 1],
        c=np.ma.masked_invalid(v),
        cmap=CMAP,
        norm=norm,
        s=size,
        edgecolors="none",
        plotnonfinite=True,
        zorder=3,
        gid=f"cells:{lay.tissue}:{values.name:g}",
    )


def _cell_size(n: int) -> float:
    """Marker area (pt^2) that keeps a few hundred to a few thousand cells legible."""
    return float(np.clip(4000.0 / max(n, 1), 4.0, 60.0))


def _when(run: RunData, time_min: float) -> str:
    """``t = 8 h (15:00)``: hours since the start and, when known, the clock time."""
    text = f"t = {time_min / 60:.4g} h"
    clock = run.start_clock_h
    return text if clock is None else f"{text} ({clock_text(clock, time_min / 60)})"


def default_times(cells: pd.DataFrame, n: int = 4) -> list[float]:
    """``n`` snapshot times spread evenly over the run (first and last included)."""
    times = np.unique(cells["time_min"].to_numpy(dtype=float))
    idx = np.unique(np.round(np.linspace(0, len(times) - 1, min(n, len(times)))).astype(int))
    return [float(times[i]) for i in idx]


def tissue_graph_figure(
    run: RunData,
    node: str = DEFAULT_GRAPH_NODE,
    times_min: Sequence[float] | None = None,
    layouts: dict[str, TissueLayout] | None = None,
) -> Figure | None:
    """Each tissue's graph (rows) at chosen times (columns), cells coloured by ``node``.

    Args:
        run: loaded run.
        node: pathway node (a ``cells.parquet`` column).
        times_min: snapshot times (nearest snapshot is used); default: four spread evenly.
        layouts: precomputed layouts by tissue (computed if absent).

    Returns:
        The figure, or ``None`` if there are no cells or no tissue records ``node``.
    """
    if run.cells.empty or node not in run.cells.columns:
        return None
    tissues = [t for t in run_tissues(run) if not cell_node_values(run.cells, t, node).empty]
    if not tissues:
        return None
    if layouts is None:
        graph = rebuild_graph(run)
        layouts = {t: tissue_layout(graph, t) for t in tissues}
    times = list(times_min) if times_min else default_times(run.cells)
    fig, axes = grid_figure(len(tissues), len(times), 3.2, 3.0, layout="grid")
    for r, tissue in enumerate(tissues):
        lay, norm = layouts[tissue], _norm(run.cells, tissue, node)
        row = axes[r * len(times) : (r + 1) * len(times)]
        for ax, t in zip(row, times, strict=True):
            _draw_static(ax, lay)
            values = node_at(run.cells, tissue, node, t)
            mappable = _draw_cells(ax, lay, values, norm, _cell_size(len(lay.cell_ids)))
            ax.set_title(f"{tissue}, {_when(run, values.name)}", fontsize="small", y=1.0)
        unit = node_unit(node, run.units, tissue)
        add_colorbar(fig, mappable, row, label=f"{tissue} {node} ({unit})", shrink=0.85)
    fig.suptitle(
        figure_title(
            run,
            f"tissue graph coloured by {node} (grey squares: capillary, "
            "sinusoid and vein compartments)",
        )
    )
    return fig


def animate_graph(
    run: RunData,
    node: str,
    out_stem: Path,
    tissue: str | None = None,
    fps: float = 4.0,
) -> list[Path]:
    """Animate the tissue graph coloured by ``node``: one frame per cell snapshot.

    Writes ``<out_stem>.gif`` (Pillow) and, if ffmpeg is available, ``<out_stem>.mp4``.

    Args:
        run: loaded run.
        node: pathway node; must be recorded in ``cells.parquet`` for the tissue(s).
        out_stem: output path without suffix.
        tissue: one tissue, or ``None`` for every tissue with the node (one panel each).
        fps: frames per second.

    Returns:
        The files written.

    Raises:
        ScenarioError: if ``node`` or ``tissue`` is unknown (the message lists allowed ones).
    """
    tissues = check_node(run, node, tissue)
    graph = rebuild_graph(run)
    lays = [tissue_layout(graph, t) for t in tissues]
    times = np.unique(run.cells["time_min"].to_numpy(dtype=float))
    fig, axes = grid_figure(1, len(lays), 4.2, 4.2)
    scatters = []
    for ax, lay in zip(axes, lays, strict=True):
        _draw_static(ax, lay)
        norm = _norm(run.cells, lay.tissue, node)
        sc = _draw_cells(
            ax,
            lay,
            node_at(run.cells, lay.tissue, node, times[0]),
            norm,
            _cell_size(len(lay.cell_ids)),
        )
        fig.colorbar(
            sc, ax=ax, label=f"{node} ({node_unit(node, run.units, lay.tissue)})", shrink=0.8
        )
        ax.set_title(lay.tissue, fontsize="small")
        scatters.append(sc)
    title = fig.suptitle("")

    def frame(k: int) -> list:
        """Recolour every tissue's cells with snapshot ``k``."""
        for sc, lay in zip(scatters, lays, strict=True):
            v = node_at(run.cells, lay.tissue, node, times[k]).reindex(lay.cell_ids)
            sc.set_array(np.ma.masked_invalid(v.to_numpy(float)))
        title.set_text(figure_title(run, f"{node}, {_when(run, times[k])}"))
        return [*scatters, title]

    anim = animation.FuncAnimation(fig, frame, frames=len(times), blit=False)
    out_stem.parent.mkdir(parents=True, exist_ok=True)
    written = [out_stem.with_suffix(".gif")]
    anim.save(written[0], writer=animation.PillowWriter(fps=fps), dpi=90)
    if shutil.which("ffmpeg") and animation.writers.is_available("ffmpeg"):
        written.append(out_stem.with_suffix(".mp4"))
        anim.save(written[1], writer=animation.FFMpegWriter(fps=fps), dpi=90)
    logger.info("wrote %s", ", ".join(map(str, written)))
    return written
