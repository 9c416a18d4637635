"""The signalling network of a tissue drawn as a graph, derived from the model's rate laws.

Edges are not drawn by hand: they are the signs of the Jacobian of the tissue's right-hand
side (:func:`sim.kinetics.tissues.cell_rhs`, the same functions the simulator integrates),
taken by central differences with respect to every state variable and to the inputs reaching
the cell (insulin, GH, FFA, TNF-alpha, glucose, exercise intensity, cortisol excess). An entry
``d(rate of B)/d(A) > 0`` is an activation A -> B, ``< 0`` an inhibition A -| B. The Jacobian is
evaluated at several seeded interior states with every arm engaged (all inputs raised), and
an edge is kept when its sign is the same at all of them.

Internal states that are not signalling nodes (free and internalised receptor, unmodified
IRS-1, SOCS transcripts, training states) are contracted: A -> hidden -> ... -> B becomes one
edge whose sign is the product along the shortest such path (summed over equally short
paths). Conversions between forms of one protein (e.g. IRS-1-pY and IRS-1-pS) are mass flow,
not regulation, and are left out. Rate accumulators become output nodes (glucose uptake,
hepatic glucose output, FFA release).

Nodes are coloured by their mean over cells (``timeseries.parquet``) at a chosen time, so a
reader sees where the signal stops (e.g. high IR-P but low IRS-1-pY under high SOCS3 and PKC).
Artists carrying data have a ``gid``: ``node:<name>`` and ``edge:<+|->:<source>><target>``.
"""

from __future__ import annotations

import logging
from collections import deque
from dataclasses import dataclass
from functools import cache
from types import SimpleNamespace

import networkx as nx
import numpy as np
from matplotlib.colors import Normalize, TwoSlopeNorm
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch

from sim.kinetics.cell_inputs import BY_NAME, CELL_INPUTS
from sim.viz.data import RunData
from sim.viz.layout import add_colorbar
from sim.viz.nodes import ARMS, node_info
from sim.viz.style import figure_title, new_figure

logger = logging.getLogger(__name__)

INPUTS: dict[str, tuple[str, str, str]] = {
    i.name: (i.diagram.label, i.diagram.column, i.diagram.unit)
    for i in CELL_INPUTS
    if i.diagram is not None
}
"""Cell inputs drawn (those with a ``diagram`` entry in the cell-input table,
:mod:`sim.kinetics.cell_inputs`): name in the diagram, timeseries column, unit."""
INPUT_LEVELS: dict[str, float] = {i.name: i.engaged for i in CELL_INPUTS if i.engaged is not None}
"""Inputs at which the Jacobian is taken (the table's ``engaged`` values): every arm engaged
(fed insulin, a GH pulse, raised FFA and TNF-alpha, exercise at 60 % VO2max, some cortisol
excess and adrenergic drive); the others at their neutral values."""
OUTPUTS: dict[str, dict[str, tuple[str, str, str]]] = {
    "muscle": {"cum_glc": ("glucose uptake", "uptake_muscle_mg_kg_min", "mg/kg/min")},
    "liver": {"cum_egp": ("glucose output", "egp_mg_kg_min", "mg/kg/min")},
    "adipose": {
        "cum_glc": ("glucose uptake", "uptake_adipose_mg_kg_min", "mg/kg/min"),
        "cum_ffa_out": ("FFA release", "ffa_release_umol_kg_min", "µmol/kg/min"),
    },
}
"""Accumulators drawn as output nodes: label, timeseries column, unit."""
HIDDEN: frozenset[str] = frozenset(
    {
        "ir_f", "ir_b", "ir_i", "irs1_u", "ghr_f", "ghr_i", "socs1_m", "socs3_m1", "socs3_m2",
        "glut4_content", "mito", "ampk_content", "pgc1a", "igf1_m", "cum_gng", "cum_tnf",
    }
)  # fmt: skip
"""States contracted away (not signalling nodes, or slow training/transcript states)."""
POOLS: dict[str, str] = {
    **dict.fromkeys(("ir_f", "ir_b", "ir_p", "ir_i"), "IR"),
    **dict.fromkeys(("irs1_u", "irs1_py", "irs1_ps"), "IRS-1"),
    **dict.fromkeys(("ghr_f", "ghr_jak2", "ghr_i"), "GHR"),
}
"""Forms of one protein: flows between them are conversions, not regulation (a path into a
pool through another of its forms counts only from an input, i.e. ligand binding)."""
RELATIVE = frozenset({"lcfa", "dag", "amp_atp"})
N_STATES = 4
STEP = 1e-6
TOL = 1e-7


@dataclass(frozen=True)
class Edge:
    """A signed influence in the pathway diagram."""

    source: str
    target: str
    sign: int


class _Inputs(SimpleNamespace):
    """Cell inputs, an input not given at its declared neutral value (modulators 1, no diet,
    no drug; :mod:`sim.kinetics.cell_inputs`)."""

    def __getattr__(self, name: str) -> float:
        if name.startswith("__") or name not in BY_NAME:
            raise AttributeError(name)
        return BY_NAME[name].neutral


def _reference(tissue: str) -> tuple[np.ndarray, _Inputs, SimpleNamespace, list[str]]:
    """A one-cell state, inputs (``INPUT_LEVELS``) and the tissue's default parameters."""
    from sim.engine import build_params, initial_state
    from sim.graph import build as build_graph
    from sim.kinetics.species import TISSUE_SPECIES

    rng = np.random.default_rng(0)
    layout = build_graph({"muscle": 1, "liver": 1, "adipose": 1}, 0.5, 0.0, 0.5, 0.0, rng)
    p = build_params(tissue, {}, layout.layouts[tissue], 0.0, rng)
    u = _Inputs(**{k: np.full(1, v) for k, v in INPUT_LEVELS.items()})
    return initial_state(tissue, 1, p), u, p, [sp.name for sp in TISSUE_SPECIES[tissue]]


def _jacobian(
    tissue: str, y: np.ndarray, u: SimpleNamespace, p: SimpleNamespace, names: list[str]
) -> tuple[np.ndarray, np.ndarray]:
    """``(d f / d y, d f / d u)`` of one cell by central differences (inputs in ``INPUTS``).

    The rate laws are elementwise over cells, so every perturbed copy of the cell is one
    column of a single right-hand-side call (``2 (n + m)`` columns for ``n`` states and ``m``
    inputs), each computed as it would be alone.
    """
    from sim.kinetics.tissues import cell_rhs

    n, m = len(names), len(INPUTS)
    cols = 2 * (n + m)
    ys = np.repeat(y.reshape(n, 1), cols, axis=1)
    j = np.arange(n)
    ys[j, 2 * j] += STEP
    ys[j, 2 * j + 1] -= STEP
    inputs = {
        k: np.repeat(np.asarray(v, dtype=float).reshape(-1)[:1], cols) for k, v in vars(u).items()
    }
    for k, key in enumerate(INPUTS):
        col = 2 * (n + k)
        inputs[key][col] += STEP
        inputs[key][col + 1] -= STEP
    f = cell_rhs(tissue, ys, _Inputs(**inputs), p)
    diff = (f[:, 0::2] - f[:, 1::2]) / (2 * STEP)
    return diff[:, :n], diff[:, n:]


@cache
def direct_influences(tissue: str, seed: int = 0) -> dict[tuple[str, str], int]:
    """Signs of the Jacobian entries (source, target) consistent over ``N_STATES`` states.

    Sources are states and inputs (input names as in ``INPUTS``); targets are states.
    """
    y0, u, p, names = _reference(tissue)
    rng = np.random.default_rng(seed)
    relative = {"lcfa", "dag", "amp_atp", "glut4_content", "mito", "ampk_content", "pgc1a"}
    signs: dict[tuple[str, str], set[int]] = {}
    for _ in range(N_STATES):
        y = y0.copy()
        for i, name in enumerate(names):
            if name.startswith("cum_"):
                y[i] = 0.0
            else:
                y[i] = rng.uniform(1.0, 2.0) if name in relative else rng.uniform(0.1, 0.5)
        jy, ju = _jacobian(tissue, y, u, p, names)
        sources = names + list(INPUTS)
        full = np.hstack([jy, ju])
        for (i, j), v in np.ndenumerate(full):
            if abs(v) > TOL and sources[j] != names[i]:
                signs.setdefault((sources[j], names[i]), set()).add(int(np.sign(v)))
    return {k: s.pop() for k, s in signs.items() if len(s) == 1}


def _shown(tissue: str, name: str) -> bool:
    """Whether a state is a node of the diagram (inputs and outputs are added separately)."""
    return name not in HIDDEN and not name.startswith("cum_")


def pathway_edges(tissue: str) -> list[Edge]:
    """The diagram's edges: direct influences with hidden states contracted (see module doc).

    Returns:
        Edges between inputs, shown states and outputs, sorted by (source, target).
    """
    direct = direct_influences(tissue)
    outputs = OUTPUTS.get(tissue, {})
    succ: dict[str, list[tuple[str, int]]] = {}
    for (a, b), s in direct.items():
        succ.setdefault(a, []).append((b, s))
    nodes = {a for a, _ in direct} | {b for _, b in direct}
    sources = [n for n in nodes if n in INPUTS or _shown(tissue, n)]
    edges = []
    for a in sorted(sources):
        for b, sign in _reach(a, succ, tissue, outputs).items():
            same_pool = a in POOLS and POOLS.get(a) == POOLS.get(b)
            if b != a and not same_pool and sign != 0:
                edges.append(Edge(a, b, sign))
    return sorted(edges, key=lambda e: (e.source, e.target))


def _reach(a: str, succ: dict, tissue: str, outputs: dict) -> dict[str, int]:
    """Net sign from ``a`` to each shown node or output reached through hidden states only,
    along shortest paths (breadth first; path signs multiplied, equal-length paths summed)."""
    best: dict[str, tuple[int, int]] = {}
    queue = deque([(a, 1, 0)])
    seen_hidden: dict[str, int] = {}
    while queue:
        node, sign, depth = queue.popleft()
        for b, s in succ.get(node, []):
            total = sign * s
            via_pool = node != a and node in POOLS and POOLS[node] == POOLS.get(b)
            if via_pool and a not in INPUTS:
                continue  # substrate flow into another form of the protein, not regulation
            if b in outputs or _shown(tissue, b):
                if b not in best or best[b][1] == depth:
                    prev = best.get(b, (0, depth))[0]
                    best[b] = (prev + total, depth)
            elif b not in seen_hidden or seen_hidden[b] == depth + 1:
                seen_hidden[b] = depth + 1
                queue.append((b, total, depth + 1))
    return {b: int(np.sign(v)) for b, (v, _) in best.items()}


def node_label(tissue: str, name: str) -> str:
    """Display name of a diagram node."""
    if name in INPUTS:
        return INPUTS[name][0]
    if name in OUTPUTS.get(tissue, {}):
        return OUTPUTS[tissue][name][0]
    return name


def diagram_graph(tissue: str) -> nx.DiGraph:
    """The pathway diagram as a directed graph (edge attribute ``sign``: +1 or -1).

    Node attribute ``layer``: inputs 0, then the longest chain of activations leading to the
    node (feedback inhibitions do not count), outputs last: the signal flows left to right.
    """
    g = nx.DiGraph()
    for e in pathway_edges(tissue):
        g.add_edge(e.source, e.target, sign=e.sign)
    act = nx.DiGraph([(a, b) for a, b, d in g.edges(data=True) if d["sign"] > 0])
    act.add_nodes_from(g)
    while not nx.is_directed_acyclic_graph(act):  # break activation loops, if any
        act.remove_edge(*nx.find_cycle(act)[-1][:2])
    layer: dict[str, int] = {}
    for n in nx.topological_sort(act):
        preds = [layer[m] + 1 for m in act.predecessors(n)]
        layer[n] = 0 if n in INPUTS else max(preds, default=1)
    outputs = OUTPUTS.get(tissue, {})
    last = max((v for n, v in layer.items() if n not in outputs), default=0) + 1
    for n in g:
        g.nodes[n]["layer"] = last if n in outputs else layer[n]
    return g


def diagram_time(run: RunData) -> float:
    """Default time of the diagram: the peak of plasma insulin (else the last record)."""
    ts = run.timeseries
    if "insulin_uU_ml" in ts.columns and ts["insulin_uU_ml"].notna().any():
        return float(ts.loc[ts["insulin_uU_ml"].idxmax(), "time_min"])
    return float(ts["time_min"].iloc[-1])


def node_values(run: RunData, tissue: str, time_min: float) -> dict[str, float]:
    """Mean over cells of every diagram node at the record nearest ``time_min``; inputs and
    outputs from their whole-body columns."""
    ts = run.timeseries
    row = ts.iloc[int(np.argmin(np.abs(ts["time_min"].to_numpy(float) - time_min)))]
    out = {}
    for col, value in row.items():
        if str(col).startswith(f"{tissue}."):
            out[str(col)[len(tissue) + 1 :]] = float(value)
    for key, (_, col, _) in {**INPUTS, **OUTPUTS.get(tissue, {})}.items():
        if col in row.index:
            out[key] = float(row[col])
    return out


INPUT_ARMS: dict[str, str] = {i.name: i.diagram.arm for i in CELL_INPUTS if i.diagram is not None}
"""Arm of each input box (its row band in the diagram)."""


def arm_rank(node: str) -> int:
    """Row band of a node: its arm's position in ``sim.viz.nodes.ARMS`` (insulin on top)."""
    arm = INPUT_ARMS.get(node) or node_info(node).arm
    return ARMS.index(arm) if arm in ARMS else len(ARMS)


def _layout(g: nx.DiGraph, sweeps: int = 4) -> dict[str, np.ndarray]:
    """Layers left to right; within a layer, nodes in bands by arm (insulin, GH, lipid,
    energy, inflammation from the top), and within an arm ordered by the mean height of their
    neighbours in the previous layers (barycentre sweeps, fewer crossings)."""
    layers: dict[int, list[str]] = {}
    for n, d in sorted(g.nodes(data=True)):
        layers.setdefault(d["layer"], []).append(n)
    y = {n: float(i) for members in layers.values() for i, n in enumerate(members)}
    for _ in range(sweeps):
        for k in sorted(layers)[1:] + sorted(layers)[:1]:

            def centre(n: str, k: int = k) -> tuple[int, float]:
                nb = [
                    y[m]
                    for m in nx.all_neighbors(g, n)
                    if g.nodes[m]["layer"] < k or (k == 0 and g.nodes[m]["layer"] > 0)
                ]
                return arm_rank(n), float(np.mean(nb)) if nb else y[n]

            layers[k].sort(key=centre)
            for i, n in enumerate(layers[k]):
                y[n] = i - (len(layers[k]) - 1) / 2.0
    return {n: np.array([float(g.nodes[n]["layer"]), -y[n]]) for n in g}


def pathway_diagram_figure(
    run: RunData, tissue: str, time_min: float | None = None
) -> Figure | None:
    """The tissue's signalling network, nodes coloured by activity at ``time_min``.

    Activation edges are blue arrows, inhibition edges red bars (``-[``). Fraction nodes use
    one colour scale (0-1); relative nodes (acyl-CoA, DAG, AMP:ATP) a diverging scale around 1
    (basal); inputs and outputs are boxes labelled with their whole-body value.

    Returns:
        The figure, or ``None`` if the run has no pathway columns for ``tissue``.
    """
    if not any(c.startswith(f"{tissue}.") for c in run.timeseries.columns):
        return None
    t = diagram_time(run) if time_min is None else time_min
    g = diagram_graph(tissue)
    values = node_values(run, tissue, t)
    pos = _layout(g)
    fig, (ax,) = new_figure(1, 1, 15.0, 7.5, layout="grid")
    frac_norm, rel_norm = Normalize(0.0, 1.0), TwoSlopeNorm(1.0, 0.0, 3.0)
    _draw_edges(ax, g, pos)
    frac, rel = _draw_nodes(ax, g, pos, tissue, values, frac_norm, rel_norm)
    add_colorbar(fig, frac, ax, label="signalling node (fraction active)", shrink=0.6, pad=0.01)
    add_colorbar(
        fig, rel, ax, label="acyl-CoA, DAG, AMP:ATP (relative to basal = 1)", shrink=0.6, pad=0.01
    )
    ax.set_axis_off()
    ax.margins(0.08)
    fig.legend(
        handles=[
            Line2D([], [], color="tab:blue", marker=">", label="activates (arrow)"),
            Line2D([], [], color="tab:red", marker="|", ms=10, label="inhibits (bar)"),
        ],
        loc="outside lower center",
        ncols=2,
        fontsize="small",
        frameon=False,
    )
    clock = ""
    if run.start_clock_h is not None:
        m = round(((run.start_clock_h + t / 60.0) % 24.0) * 60.0) % 1440
        clock = f", {m // 60:02d}:{m % 60:02d}"
    fig.suptitle(
        figure_title(
            run,
            f"{tissue} signalling network at t = {t / 60:.2f} h{clock} "
            "(edges from the model's rate-law Jacobian; colour: mean over "
            "cells)",
        ),
        fontsize="medium",
    )
    return fig


def _draw_edges(ax, g: nx.DiGraph, pos: dict) -> None:  # noqa: ANN001
    """Arrows for activation, bars for inhibition; curved so that opposite edges separate."""
    for a, b, d in g.edges(data=True):
        act = d["sign"] > 0
        patch = FancyArrowPatch(
            pos[a], pos[b],
            arrowstyle="-|>,head_length=0.7,head_width=0.35" if act else "-[,widthB=0.5,lengthB=0",
            mutation_scale=14,
            color="tab:blue" if act else "tab:red",
            lw=1.3, alpha=0.85, shrinkA=20, shrinkB=20,
            connectionstyle="arc3,rad=0.08", zorder=1,
            gid=f"edge:{'+' if act else '-'}:{a}>{b}",
        )  # fmt: skip
        # not add_patch: that measures each arrow's clipped curve (a third of the figure's
        # cost) to widen the data limits, which are set from the node positions instead
        ax.add_artist(patch)
    ax.update_datalim(np.array([pos[n] for n in g], dtype=float).reshape(-1, 2))


def _draw_nodes(ax, g, pos, tissue, values, frac_norm, rel_norm):  # noqa: ANN001, ANN202
    """Circles for states (coloured by value), boxes for inputs and outputs."""
    from matplotlib import colormaps

    cm_frac, cm_rel = colormaps["viridis"], colormaps["coolwarm"]
    frac_sm = ax.scatter([], [], c=[], cmap=cm_frac, norm=frac_norm)
    rel_sm = ax.scatter([], [], c=[], cmap=cm_rel, norm=rel_norm)
    for n in g:
        x, y = pos[n]
        v = values.get(n, np.nan)
        label = node_label(tissue, n)
        if n in INPUTS or n in OUTPUTS.get(tissue, {}):
            unit = (INPUTS.get(n) or OUTPUTS[tissue][n])[2]
            text = f"{label}\n{v:.3g} {unit}" if np.isfinite(v) else label
            ax.text(
                x,
                y,
                text,
                ha="center",
                va="center",
                fontsize="small",
                zorder=3,
                bbox={"boxstyle": "round", "fc": "0.92", "ec": "0.4"},
                gid=f"node:{n}",
            )
            continue
        if n in RELATIVE:
            color = cm_rel(rel_norm(v)) if np.isfinite(v) else "0.8"
        else:
            color = cm_frac(frac_norm(v)) if np.isfinite(v) else "0.8"
        ax.scatter([x], [y], s=1500, color=color, edgecolors="0.2", zorder=2, gid=f"node:{n}")
        light = np.isfinite(v) and (n in RELATIVE or frac_norm(v) > 0.6)
        ax.text(
            x,
            y,
            f"{label}\n{v:.2f}" if np.isfinite(v) else label,
            ha="center",
            va="center",
            fontsize="x-small",
            zorder=3,
            color="black" if light else "white",
        )
    return frac_sm, rel_sm
