"""Figures of a remodelling run (issue 26), drawn from its saved outputs only.

``remodel_graph``: the adipose depot graph at the end of the run, adipocytes coloured by
diameter, dead adipocytes (crown-like structures when macrophages gather) marked, and the
macrophages drawn on their nodes coloured by polarisation. ``remodel_sizes``: the
adipocyte diameter distribution at each cell snapshot. ``remodel_timecourse``: fat mass,
mean diameter, adipocyte and macrophage counts, lean mass, fibre area by type, type I
fraction, capillaries per fibre, the change of energy expenditure and liver fat over the
run. ``remodel_muscle``: the fibres of each capillary segment at the end, by area change and
type, with their capillaries (new ones hollow). They
are part of ``--plot`` and ``sim plot`` only for runs whose folder has ``remodel.json``.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import matplotlib as mpl
import networkx as nx
import numpy as np
from matplotlib.cm import ScalarMappable
from matplotlib.colors import Normalize
from matplotlib.figure import Figure

from sim.viz.data import RunData
from sim.viz.style import new_figure


def _export(run: RunData) -> dict | None:
    path = run.run_dir / "remodel.json"
    return json.loads(path.read_text()) if path.is_file() else None


def remodel_figures(run: RunData) -> list[tuple[str, Callable[[], Figure | None]]]:
    """``(file stem, builder)`` of the remodelling figures; none for other runs."""
    if not (run.run_dir / "remodel.json").is_file():
        return []
    return [
        ("remodel_graph", lambda: graph_figure(run)),
        ("remodel_sizes", lambda: size_figure(run)),
        ("remodel_timecourse", lambda: timecourse_figure(run)),
        ("remodel_muscle", lambda: muscle_figure(run)),
    ]


def _last_adipocytes(run: RunData):  # noqa: ANN202
    cells = run.cells
    fat = cells[cells["tissue"] == "adipose"]
    if fat.empty or "diameter_um" not in fat:
        return None
    return fat[fat["time_min"] == fat["time_min"].max()]


def graph_figure(run: RunData) -> Figure | None:
    """The depot graph at the last cell snapshot, coloured by adipocyte diameter."""
    ex, last = _export(run), _last_adipocytes(run)
    if ex is None or last is None:
        return None
    g = nx.Graph()
    for n in ex["nodes"]:
        g.add_node(n["node"], **n)
    g.add_edges_from((a, b) for a, b, _ in ex["edges"])
    pos = nx.kamada_kawai_layout(g) if g.number_of_nodes() <= 600 else nx.spring_layout(g, seed=0)
    fig, (ax,) = new_figure(1, 1, 7.5, 6.5)
    nx.draw_networkx_edges(g, pos, ax=ax, width=0.4, alpha=0.35)
    kinds = {n: d.get("kind") for n, d in g.nodes(data=True)}
    diam = dict(zip(last["cell_id"].astype(int), last["diameter_um"], strict=True))
    living = [n for n in g if kinds[n] == "cell" and n in diam]
    dead = [n for n in g if kinds[n] == "cell" and n not in diam]
    vals = np.array([diam[n] for n in living])
    visceral = [g.nodes[n].get("depot") == "visceral" for n in living]
    art = ax.scatter(
        [pos[n][0] for n in living],
        [pos[n][1] for n in living],
        c=vals,
        s=14 + 0.004 * vals**2,
        cmap="viridis",
        edgecolors=["k" if v else "none" for v in visceral],
        linewidths=0.8,
        zorder=2,
    )
    fig.colorbar(art, ax=ax, label="adipocyte diameter (µm)", shrink=0.7)
    for kind, marker, color, label in (
        ("depot_capillary", "s", "tab:red", "capillary"),
        ("precursor", "^", "tab:gray", "precursor"),
    ):
        ns = [n for n in g if kinds[n] == kind]
        ax.scatter(*np.array([pos[n] for n in ns]).T, marker=marker, s=18, c=color, label=label)
    if dead:
        ax.scatter(*np.array([pos[n] for n in dead]).T, marker="x", s=60, c="k", label="dead")
    _draw_macrophages(ax, ex, pos)
    t_days = float(last["time_min"].iloc[0]) / 1440.0
    ax.set_title(
        f"adipose depot graph at day {t_days:g}: {len(living)} adipocyte agents, "
        f"{len(dead)} dead awaiting clearance (black rim: visceral)",
        fontsize="small",
    )
    ax.legend(fontsize="x-small", loc="upper right")
    ax.set_axis_off()
    return fig


def _draw_macrophages(ax, ex: dict, pos: dict) -> None:  # noqa: ANN001
    """Macrophages of the last slow step, spread around their node, by M1 share."""
    m = ex["macrophages"]
    if not m["time_min"]:
        return
    t = np.asarray(m["time_min"])
    on = t == t.max()
    nodes, m1 = np.asarray(m["node"])[on], np.asarray(m["m1"])[on]
    rng = np.random.default_rng(0)  # jitter only, for drawing
    xy = np.array([pos[n] for n in nodes if n in pos])
    if not len(xy):
        return
    angle = rng.uniform(0, 2 * np.pi, len(xy))
    xy = xy + 0.02 * np.c_[np.cos(angle), np.sin(angle)]
    keep = [n in pos for n in nodes]
    ax.scatter(
        xy[:, 0],
        xy[:, 1],
        c=m1[keep],
        cmap="coolwarm",
        vmin=0,
        vmax=1,
        s=22,
        marker="o",
        edgecolors="k",
        linewidths=0.4,
        zorder=3,
        label="macrophage (blue M2 - red M1)",
    )


def size_figure(run: RunData) -> Figure | None:
    """Adipocyte diameter distributions at each cell snapshot, by depot."""
    cells = run.cells
    fat = cells[cells["tissue"] == "adipose"]
    if fat.empty or "diameter_um" not in fat:
        return None
    times = sorted(fat["time_min"].unique())
    fig, axes = new_figure(2, 2, 4.6, 3.4)
    cmap = mpl.colormaps["viridis"]
    d_all = fat["diameter_um"].dropna()
    bins = np.linspace(max(0.0, d_all.min() - 5), d_all.max() + 5, 36)
    for ax, depot in zip(axes, ("subcutaneous", "visceral"), strict=True):
        sub = fat[fat["subtype"] == depot]
        for k, t in enumerate(times):
            d = sub.loc[sub["time_min"] == t, "diameter_um"].dropna()
            if d.empty:
                continue
            ax.hist(
                d,
                bins=bins,
                histtype="step",
                density=True,
                color=cmap(k / max(len(times) - 1, 1)),
                label=f"day {t / 1440:g} (n={len(d)}, mean {d.mean():.1f} µm)",
            )
        ax.set_title(f"{depot} adipocytes", fontsize="small")
        ax.set_xlabel("diameter (µm)")
        ax.set_ylabel("density")
        ax.legend(fontsize="xx-small")
    return fig


TIMECOURSE = (
    ("fat_mass_kg", "fat mass (kg)"),
    ("adipose.diameter_um_mean", "mean adipocyte diameter (µm)"),
    ("adipose.cell_count", "adipocyte agents"),
    ("adipose.macrophages_per_100_adipocytes", "macrophages per 100 adipocytes"),
    ("adipose.cls_count", "crown-like structures"),
    ("adipose.glut4_pm", "adipocyte membrane GLUT4, daily mean"),
    ("lean_mass_kg", "lean mass (kg)"),
    ("muscle.csa_um2_type_I", "type I fibre area (µm²)"),
    ("muscle.csa_um2_type_II", "type II fibre area (µm²)"),
    ("muscle.type_I_fraction", "type I fibre fraction"),
    ("muscle.capillaries_per_fibre", "capillaries per fibre"),
    ("energy_expenditure_delta_kcal_day", "expenditure change (kcal/day)"),
    ("muscle.type_IIx_fraction", "type IIx fibre fraction"),
    ("liver.lipid_pct", "liver fat (% of weight)"),
    ("liver.lipid_pct_pericentral", "pericentral liver fat (%)"),
)
DAILY = {"adipose.glut4_pm"}
"""Columns shown as the mean of each simulated day (they follow the meals within a day)."""


def timecourse_figure(run: RunData) -> Figure | None:
    """The remodelling columns over the run (days)."""
    ts = run.timeseries
    panels = [(c, label) for c, label in TIMECOURSE if c in ts]
    if not panels:
        return None
    fig, axes = new_figure(len(panels), 2, 4.2, 2.4)
    days = ts["time_min"].to_numpy(float) / 1440.0
    for ax, (col, label) in zip(axes, panels, strict=False):
        if col in DAILY:
            whole = np.floor(days + 1e-9)
            full = ts.groupby(whole)["time_min"].count()
            means = ts.groupby(whole)[col].mean()[full > full.max() / 2]  # simulated days
            ax.plot(means.index + 0.5, means.to_numpy(float), lw=1.0, marker="o", ms=3)
        else:
            ax.plot(days, ts[col].to_numpy(float), lw=1.0, marker=".", ms=2)
        ax.set_ylabel(label, fontsize="x-small")
        ax.set_xlabel("day")
        ax.grid(alpha=0.3, lw=0.5)
    return fig


TYPE_MARKERS = {"I": ("o", "type I"), "IIa": ("s", "type IIa"), "IIx": ("^", "type IIx")}


def muscle_figure(run: RunData) -> Figure | None:
    """The fibre graph at the end of the run: each capillary segment's fibres on a ring,
    drawn with area proportional to their cross-sectional area, coloured by its change
    from the start and shaped by type, with the segment's capillaries in the ring (hollow:
    grown during the run)."""
    ex = _export(run)
    if ex is None or "muscle" not in ex:
        return None
    fibres, caps = ex["muscle"]["fibres"], ex["muscle"]["capillaries"]
    segments = sorted({f["segment"] for f in fibres})
    cols = int(np.ceil(np.sqrt(len(segments))))
    fig, (ax,) = new_figure(1, 1, 7.5, 7.0)
    change = np.array([100.0 * (f["csa_um2"] / f["csa0_um2"] - 1.0) for f in fibres])
    lim = max(float(np.abs(change).max(initial=0.0)), 1.0)
    norm = Normalize(-lim, lim)
    ring = 1.0
    labelled: set[str] = set()

    def once(label: str) -> str | None:
        """The legend label the first time a kind of marker is drawn, in whichever segment."""
        if label in labelled:
            return None
        labelled.add(label)
        return label

    for k, seg in enumerate(segments):
        cx, cy = 3.2 * (k % cols), -3.2 * (k // cols)
        mine = [i for i, f in enumerate(fibres) if f["segment"] == seg]
        angle = 2 * np.pi * np.arange(len(mine)) / max(len(mine), 1)
        xy = np.c_[cx + ring * np.cos(angle), cy + ring * np.sin(angle)]
        for kind, (marker, label) in TYPE_MARKERS.items():
            sel = [j for j, i in enumerate(mine) if fibres[i]["type"] == kind]
            if not sel:
                continue
            idx = [mine[j] for j in sel]
            ax.scatter(
                xy[sel, 0],
                xy[sel, 1],
                s=[fibres[i]["csa_um2"] / 40.0 for i in idx],
                c=change[idx],
                cmap="coolwarm",
                norm=norm,
                marker=marker,
                edgecolors="k",
                linewidths=0.4,
                label=once(label),
                zorder=2,
            )
        seg_caps = [c for c in caps if c["segment"] == seg]
        a2 = 2 * np.pi * (np.arange(len(seg_caps)) + 0.5) / max(len(seg_caps), 1)
        cxy = np.c_[cx + 0.45 * np.cos(a2), cy + 0.45 * np.sin(a2)]
        old = np.array([c["born_min"] is None for c in seg_caps], dtype=bool)
        if old.any():
            ax.scatter(*cxy[old].T, s=10, c="tab:red", label=once("capillary"))
        if (~old).any():
            ax.scatter(
                *cxy[~old].T,
                s=14,
                facecolors="none",
                edgecolors="tab:red",
                label=once("new capillary"),
            )
    sm = ScalarMappable(norm=norm, cmap="coolwarm")
    fig.colorbar(sm, ax=ax, label="fibre area change from the start (%)", shrink=0.7)
    kinds = {t: sum(f["type"] == t for f in fibres) for t in TYPE_MARKERS}
    ax.set_title(
        f"muscle fibres by capillary segment at the end: {len(fibres)} fibres "
        f"(I {kinds['I']}, IIa {kinds['IIa']}, IIx {kinds['IIx']}),\n{len(caps)} capillaries "
        f"({len(caps) / max(len(fibres), 1):.2f} per fibre); marker area ∝ fibre area",
        fontsize="small",
    )
    ax.legend(fontsize="x-small", loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=5)
    ax.set_aspect("equal")
    rows = int(np.ceil(len(segments) / cols))
    ax.set_xlim(-1.8, 3.2 * (cols - 1) + 1.8)
    ax.set_ylim(-3.2 * (rows - 1) - 1.8, 1.8)
    ax.set_axis_off()
    return fig
