"""Shared look of the run figures: period shading, hour-based time axes, legends.

Kept apart from the figure builders so every figure shades sleep, meals, exercise,
infusions and clamp steps the same way and uses the same time axis.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import matplotlib as mpl
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.axis import Ticker
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import TICKDOWN, TICKLEFT, Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MultipleLocator, NullFormatter, NullLocator
from matplotlib.transforms import Bbox, TransformedBbox

from sim.viz.data import RunData
from sim.viz.events import Period
from sim.viz.layout import GridLayout

SLEEP_COLOR = "0.55"
SPAN_ALPHA = 0.16
_KIND_COLORS: tuple[tuple[str, str], ...] = (
    ("meal", "tab:green"),
    ("exercise", "tab:orange"),
    ("clamp", "tab:olive"),
    ("infusion", "tab:purple"),
    ("bolus", "tab:purple"),
    ("inject", "tab:purple"),
    ("dose", "tab:purple"),
)
_HOUR_STEPS: tuple[float, ...] = (0.05, 0.1, 0.25, 0.5, 1, 2, 3, 4, 6, 12, 24, 48, 72, 168)
TIME_LABEL = "time since start (h)"


def period_color(kind: str) -> str:
    """Colour of a period kind (sleep grey; unknown kinds brown)."""
    if kind == "sleep":
        return SLEEP_COLOR
    lowered = kind.lower()
    return next((c for key, c in _KIND_COLORS if key in lowered), "tab:brown")


def shade_periods(ax: Axes, periods: Iterable[Period], zorder: float = 0.0) -> None:
    """Draw periods on a time axis in hours.

    Sleep and timed interventions are vertical spans (protocol steps also get a thin line at
    their start, so back-to-back steps stay distinguishable); meals add a marker at the top
    edge; instantaneous non-meal events are dashed vertical lines.

    Args:
        ax: axes whose x axis is hours since the run start.
        periods: periods to draw.
        zorder: z-order of the spans (0 draws them beneath everything; use 1.5 to tint
            filled areas while staying beneath lines).
    """
    meals: dict[str, list[float]] = {}
    for p in periods:
        color = period_color(p.kind)
        x0 = p.start_min / 60.0
        if p.end_min is not None:
            alpha = 0.15 if p.kind == "sleep" else SPAN_ALPHA
            ax.axvspan(
                x0,
                p.end_min / 60.0,
                color=color,
                alpha=alpha,
                lw=0,
                zorder=zorder,
                gid=f"period:{p.kind}",
            )
            if p.label.endswith("step"):
                ax.axvline(x0, color=color, lw=0.8, alpha=0.7, zorder=zorder)
        if p.is_meal:
            meals.setdefault(p.kind, []).append(x0)
        elif p.end_min is None:
            ax.axvline(x0, color=color, ls="--", lw=1.0, zorder=1, gid=f"period:{p.kind}")
    for kind, xs in meals.items():  # one artist per kind of meal: many panels draw them
        (marker,) = ax.plot(
            xs,
            [0.97] * len(xs),
            marker="v",
            ms=7,
            color=period_color(kind),
            ls="none",
            transform=ax.get_xaxis_transform(),
            zorder=5,
            gid=f"period:{kind}",
        )
        # shown whole at the top edge, hidden outside the x range (a run still running
        # has meals ahead of it), and kept out of the layout
        marker.set_clip_box(TransformedBbox(Bbox([[0.0, 0.0], [1.0, 1.05]]), ax.transAxes))
        marker.set_in_layout(False)


def period_handles(periods: Iterable[Period]) -> list[Artist]:
    """One legend handle per distinct period label, in first-seen order."""
    handles: dict[str, Artist] = {}
    for p in periods:
        if p.label in handles:
            continue
        color = period_color(p.kind)
        if p.is_meal:
            handles[p.label] = Line2D([], [], marker="v", ls="none", color=color, label=p.label)
        elif p.end_min is None:
            handles[p.label] = Line2D([], [], ls="--", color=color, label=p.label)
        else:
            alpha = 0.3 if p.kind == "sleep" else 2 * SPAN_ALPHA
            handles[p.label] = Patch(color=color, alpha=alpha, label=p.label)
    return list(handles.values())


def hour_step(span_h: float, max_ticks: int = 10) -> float:
    """Tick spacing in hours giving at most ``max_ticks`` intervals over ``span_h``."""
    for step in _HOUR_STEPS:
        if span_h / step <= max_ticks:
            return step
    return 24.0 * math.ceil(span_h / (24.0 * max_ticks))


def clock_text(start_clock_h: float, x_h: float) -> str:
    """Clock time ``HH:MM`` of ``x_h`` hours after a start at ``start_clock_h``."""
    minutes = round(((start_clock_h + x_h) % 24.0) * 60.0) % 1440
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def format_time_axis(
    ax: Axes,
    span_h: float,
    label: bool = True,
    fontsize: str | None = None,
    start_clock_h: float | None = None,
) -> None:
    """Hour ticks on a time axis; x label (at ``fontsize``) only where ``label``.

    With ``start_clock_h`` each tick reads hours since the start over the clock time
    (``6`` over ``14:00``), for figures without a clock axis on top; these two-line labels
    come at most 4 intervals to an axis (every 6 h of a day).
    """
    step = hour_step(span_h) if start_clock_h is None else max(0.5, hour_step(span_h, 4))
    ax.xaxis.set_major_locator(MultipleLocator(step))
    if start_clock_h is not None:
        ax.xaxis.set_major_formatter(
            FuncFormatter(lambda x, _pos: f"{x:g}\n{clock_text(start_clock_h, x)}")
        )
    if label:
        text = TIME_LABEL if start_clock_h is None else f"{TIME_LABEL} / clock time"
        ax.set_xlabel(text, fontsize=fontsize)


def _grid_style(kw: dict) -> dict:
    """The line style of an axis's grid from its tick parameters (``kw``, from
    ``Axis.get_tick_params``), falling back to the rc settings as matplotlib does."""
    return {
        "colors": kw.get("grid_color", mpl.rcParams["grid.color"]),
        "alpha": kw.get("grid_alpha", mpl.rcParams["grid.alpha"]),
        "linewidths": kw.get("grid_lw", kw.get("grid_linewidth", mpl.rcParams["grid.linewidth"])),
        "linestyles": kw.get("grid_ls", kw.get("grid_linestyle", mpl.rcParams["grid.linestyle"])),
    }


def light_inner_x(ax: Axes) -> bool:
    """Draw the x ticks (and x grid) of a panel without x tick labels as two artists.

    Matplotlib makes a ``Tick`` (two marks, a grid line, two labels) per tick position of
    every axis and formats and measures its labels even when they are hidden: about 9 ms of
    CPU per inner panel of a shared-x grid, most of the drawing of a 15-19-panel figure that
    does not show. For an axes whose x axis shows no tick label and no label, this draws the
    same tick marks (outward, the axis's tick size, width and colour) as one marker line and
    the x grid lines (if on, with the axis's grid style) as one line collection, and gives
    the axes its own x ticker with no ticks; the x axis stays (its spine and the room the
    layout keeps for the marks). Call it last, once the shared x limits and locator are
    final: the marks are placed at the locator's positions in the limits of that moment.

    Returns:
        Whether the axis was replaced (``False`` if it shows labels, has inward ticks or a
        non-linear scale, and is left as it was).
    """
    xa = ax.xaxis
    kw = xa.get_tick_params()
    if (
        kw.get("labelbottom") or kw.get("labeltop") or xa.label.get_text()
        or kw.get("top") or xa.get_scale() != "linear"
        or kw.get("direction", mpl.rcParams["xtick.direction"]) != "out"
    ):  # fmt: skip
        return False
    lo, hi = sorted(ax.get_xlim())
    tol = 1e-10 * (hi - lo)
    locs = [float(v) for v in xa.get_majorticklocs() if lo - tol <= v <= hi + tol]
    xa.major = Ticker()  # this axes only: a shared axis shares its ticker with the others
    xa.set_major_locator(NullLocator())
    xa.set_major_formatter(NullFormatter())
    if kw.get("gridOn"):
        ax.vlines(
            locs,
            0,
            1,
            transform=ax.get_xaxis_transform(which="grid"),
            **_grid_style(kw),
            zorder=xa.get_zorder(),
            gid="xgrid:light",
        )
    if kw.get("bottom", True):
        ax.plot(
            locs,
            [0.0] * len(locs),
            ls="none",
            marker=TICKDOWN,
            ms=kw.get("size", mpl.rcParams["xtick.major.size"]),
            mew=kw.get("width", mpl.rcParams["xtick.major.width"]),
            color=kw.get("color", mpl.rcParams["xtick.color"]),
            transform=ax.get_xaxis_transform(which="tick1"),
            clip_on=False,
            zorder=xa.get_zorder(),
            gid="xticks:light",
        )
    return True


def light_y(ax: Axes) -> bool:
    """Draw the y ticks, tick labels and y grid of a panel without a y label as three kinds
    of plain artists instead of a ``Tick`` per position (see :func:`light_inner_x`).

    The marks (outward, the axis's tick size, width and colour) are one marker line, the
    grid lines (if on) one line collection, the labels one text each, formatted by the
    axis's formatter at its locator's positions inside the view and placed where a tick
    label goes (``get_yaxis_text1_transform`` at the tick's pad plus its length, right
    aligned, centred on the baseline). The grid layout reserves their room
    (``GridLayout`` reads them from ``axis.light_labels``). Call it last, once the y limits
    and locator are final (a ``MaxNLocator`` with fixed bins, whose ticks do not depend on
    the axis's length).

    Returns:
        Whether the axis was replaced (``False`` if it has a label, an offset or
        multiplier text, right-hand ticks or labels, inward ticks or a non-linear scale).
    """
    ya = ax.yaxis
    kw = ya.get_tick_params()
    if (
        ya.label.get_text() or not kw.get("left", True) or kw.get("right")
        or kw.get("labelright") or not kw.get("labelleft", True) or ya.get_scale() != "linear"
        or kw.get("direction", mpl.rcParams["ytick.direction"]) != "out"
    ):  # fmt: skip
        return False
    view = ax.get_ylim()
    lo, hi = sorted(view)
    if not hi > lo:
        return False
    tol = 1e-9 * (hi - lo)
    locs = [float(v) for v in ya.get_majorticklocs() if lo - tol <= v <= hi + tol]
    formatter = ya.get_major_formatter()
    labels = formatter.format_ticks(locs)
    if formatter.get_offset():
        return False
    size = float(kw.get("size", mpl.rcParams["ytick.major.size"]))
    pad = float(kw.get("pad", mpl.rcParams["ytick.major.pad"])) + size  # as Tick pads "out"
    color = kw.get("color", mpl.rcParams["ytick.color"])
    label_color = kw.get("labelcolor", mpl.rcParams["ytick.labelcolor"])
    if label_color == "inherit":
        label_color = color
    label_size = kw.get("labelsize", mpl.rcParams["ytick.labelsize"])
    z = ya.get_zorder()
    ya.set_major_locator(NullLocator())
    ya.set_major_formatter(NullFormatter())
    ya.light_labels = (labels, [(v - lo) / (hi - lo) for v in locs])
    if kw.get("gridOn"):
        ax.hlines(
            locs,
            0,
            1,
            transform=ax.get_yaxis_transform(which="grid"),
            **_grid_style(kw),
            zorder=z,
            gid="ygrid:light",
        )
    ax.plot(
        [0.0] * len(locs),
        locs,
        ls="none",
        marker=TICKLEFT,
        ms=size,
        mew=kw.get("width", mpl.rcParams["ytick.major.width"]),
        color=color,
        transform=ax.get_yaxis_transform(which="tick1"),
        clip_on=False,
        zorder=z,
        gid="yticks:light",
    )
    transform, va, ha = ax.get_yaxis_text1_transform(pad)
    for v, text in zip(locs, labels, strict=True):
        t = ax.text(0.0, v, text, transform=transform, va=va, ha=ha, fontsize=label_size)
        t.set(color=label_color, zorder=z, gid="yticklabel:light", in_layout=False)
    ax.set_ylim(view)  # the marks are data too: the limits must not grow around them
    return True


def set_min_span(
    ax: Axes, values: Sequence[float], min_span: float, floor: float | None = 0.0
) -> None:
    """Give a y axis at least ``min_span`` (data units) around the data, without offset or
    scientific tick labels, so a change of a fraction of a percent does not fill the panel.

    Args:
        ax: the axes (after plotting).
        values: the plotted values (non-finite ignored).
        min_span: smallest y range shown.
        floor: lowest y shown when the range is widened (``None``: no floor).
    """
    finite = [float(v) for v in values if math.isfinite(float(v))]
    ax.ticklabel_format(axis="y", useOffset=False, style="plain")
    if not finite:
        return
    lo, hi = min(finite), max(finite)
    if hi - lo >= min_span:
        return
    mid = 0.5 * (lo + hi)
    lo, hi = mid - 0.55 * min_span, mid + 0.55 * min_span
    if floor is not None and lo < floor <= min(finite):
        lo, hi = floor, floor + 1.1 * min_span
    ax.set_ylim(lo, hi)


def add_clock_axis(ax: Axes, start_clock_h: float | None, span_h: float) -> None:
    """A top axis showing clock time (HH:MM) for the elapsed-hours x axis."""
    if start_clock_h is None:
        return
    top = ax.secondary_xaxis("top")
    top.xaxis.set_major_locator(MultipleLocator(hour_step(span_h)))

    top.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: clock_text(start_clock_h, x)))
    top.set_xlabel("clock time (hh:mm)", fontsize="small")
    top.tick_params(labelsize="small")


def time_span_h(times_min: Sequence[float]) -> tuple[float, float]:
    """``(first, last)`` of a time vector in hours; an hour from the first time when the
    vector has one time (a run just started) and ``(0, 1)`` if it is empty, so an axis
    never gets identical limits."""
    if len(times_min) == 0:
        return 0.0, 1.0
    first, last = float(min(times_min)) / 60.0, float(max(times_min)) / 60.0
    return (first, last) if last > first else (first, first + 1.0)


def period_rug(ax: Axes, periods: Iterable[Period]) -> None:
    """Draw periods as a thin coloured strip just above the axes (for image panels).

    Args:
        ax: axes whose x axis is hours since the run start.
        periods: periods to draw.
    """
    # clipped to the axes' x range (a period may run past the last time drawn) and to a strip
    # just above them; kept out of the layout so the strip never squeezes the axes
    strip = TransformedBbox(Bbox([[0.0, 0.0], [1.0, 1.05]]), ax.transAxes)
    for p in periods:
        color = period_color(p.kind)
        x0 = p.start_min / 60.0
        drawn: list[Artist] = []
        if p.end_min is not None:
            drawn.append(
                ax.axvspan(
                    x0,
                    p.end_min / 60.0,
                    ymin=1.005,
                    ymax=1.035,
                    color=color,
                    alpha=0.6 if p.kind == "sleep" else 0.8,
                    lw=0,
                    gid=f"period:{p.kind}",
                )
            )
        if p.is_meal or p.end_min is None:
            drawn += ax.plot(
                [x0],
                [1.02],
                marker="v",
                ms=6,
                color=color,
                ls="none",
                transform=ax.get_xaxis_transform(),
                zorder=5,
                gid=f"period:{p.kind}",
            )
        for artist in drawn:
            artist.set_clip_box(strip)
            artist.set_in_layout(False)


def _figure(width_in: float, height_in: float, layout: str) -> Figure:
    """An Agg figure with constrained layout or, with ``layout="grid"``, the measured grid
    layout of :mod:`sim.viz.layout` (several times cheaper to draw)."""
    if layout not in ("constrained", "grid"):
        raise ValueError(f"layout must be 'constrained' or 'grid', not {layout!r}")
    engine = GridLayout() if layout == "grid" else "constrained"
    fig = Figure(figsize=(width_in, height_in), layout=engine)
    FigureCanvasAgg(fig)
    return fig


def new_figure(
    n_panels: int, ncols: int, panel_w: float, panel_h: float, layout: str = "constrained"
) -> tuple[Figure, list[Axes]]:
    """An Agg figure with a shared-x grid of panels.

    Unused grid cells are removed and the panels above them get x tick labels back.

    Args:
        n_panels: number of panels.
        ncols: grid columns.
        panel_w: width of one panel (inches).
        panel_h: height of one panel (inches).
        layout: ``"constrained"`` or ``"grid"`` (:class:`sim.viz.layout.GridLayout`).

    Returns:
        The figure and its panels in row-major order.
    """
    nrows = math.ceil(n_panels / ncols)
    fig = _figure(panel_w * ncols, panel_h * nrows + 0.9, layout)
    grid = fig.subplots(nrows, ncols, sharex=True, squeeze=False)
    axes = list(grid.ravel())
    for ax in axes[n_panels:]:
        fig.delaxes(ax)
    for i, ax in enumerate(axes[:n_panels]):
        if i + ncols >= n_panels:
            ax.tick_params(labelbottom=True)
    return fig, axes[:n_panels]


def grid_figure(
    nrows: int, ncols: int, w: float, h: float, layout: str = "constrained"
) -> tuple[Figure, list[Axes]]:
    """An Agg figure of independent (unshared) panels, row-major.

    Args:
        nrows: grid rows.
        ncols: grid columns.
        w: width of one panel (inches).
        h: height of one panel (inches).
        layout: ``"constrained"`` or ``"grid"`` (:class:`sim.viz.layout.GridLayout`).
    """
    fig = _figure(w * ncols + 1.2, h * nrows + 0.6, layout)
    return fig, list(fig.subplots(nrows, ncols, squeeze=False).ravel())


def figure_title(run: RunData, what: str) -> str:
    """Figure title: scenario name (or run folder name) and what is shown."""
    return f"{run.scenario.get('name') or run.run_dir.name} — {what}"


def add_legend(
    fig: Figure, handles: Sequence[Artist], ncols: int = 6, labels: Sequence[str] | None = None
) -> None:
    """A figure legend below the panels (nothing if there are no handles); ``labels``
    replace the handles' own labels."""
    if handles:
        fig.legend(
            handles=list(handles),
            **({"labels": list(labels)} if labels is not None else {}),
            loc="outside lower center",
            ncols=min(ncols, len(handles)),
            fontsize="small",
            frameon=False,
        )


def is_bottom(i: int, n_panels: int, ncols: int) -> bool:
    """Whether panel ``i`` (row-major) is the lowest of its column."""
    return i + ncols >= n_panels
