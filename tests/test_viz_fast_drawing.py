"""The cheap drawing paths of the run figures give the same pictures as matplotlib's own.

``save_png`` draws a ``GridLayout`` figure once instead of twice and ``light_inner_x`` draws
the x ticks of an inner shared-x panel as two artists instead of one ``Tick`` per position
(see ``sim.viz.layout`` and ``sim.viz.style``); both must leave every pixel as it was.
"""

from __future__ import annotations

import io

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from sim.viz.layout import (
    GridLayout,
    InViewLocator,
    TextCanvasAgg,
    TextRendererAgg,
    png_bytes,
    save_png,
)
from sim.viz.style import format_time_axis, light_inner_x, light_y


def _grid_figure(light: bool, grid: bool = True) -> Figure:
    """Three shared-x panels of a 24-h axis, the lowest labelled, as the run figures do."""
    fig = Figure(figsize=(5.0, 5.0), layout=GridLayout())
    FigureCanvasAgg(fig)
    axes = fig.subplots(3, 1, sharex=True).ravel()
    t = np.linspace(0.0, 24.0, 200)
    for k, ax in enumerate(axes):
        ax.plot(t, np.sin(t / (k + 1)), gid=f"mean:{k}")
        ax.set_title(f"panel {k}", fontsize="small", y=1.0)
        if grid:
            ax.grid(alpha=0.3, lw=0.5)
    for k, ax in enumerate(axes):
        format_time_axis(ax, 24.0, k == 2, "small", 7.0)
        ax.set_xlim(0.0, 24.0)
    if light:
        assert [light_inner_x(ax) for ax in axes] == [True, True, False]
    return fig


def _pixels(fig: Figure) -> np.ndarray:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=80)
    return np.asarray(Image.open(buf))


@pytest.mark.parametrize("grid", [True, False])
def test_light_inner_x_draws_the_same_pixels(grid: bool) -> None:
    plain, light = _grid_figure(False, grid), _grid_figure(True, grid)
    # at most one grey level where a mark meets the spine (antialiasing order); a mark or
    # grid line missing or misplaced changes pixels by tens to hundreds of levels
    diff = np.abs(_pixels(light).astype(int) - _pixels(plain).astype(int))
    assert diff.max() <= 1, diff.max()
    inner, bottom = light.axes[0], light.axes[2]
    marks = next(line for line in inner.lines if line.get_gid() == "xticks:light")
    np.testing.assert_array_equal(marks.get_xdata(), [0, 6, 12, 18, 24])
    assert list(bottom.get_xticks()) == [-6, 0, 6, 12, 18, 24, 30]  # shared ticker untouched
    assert len(inner.xaxis.get_majorticklocs()) == 0
    has_grid = any(c.get_gid() == "xgrid:light" for c in inner.collections)
    assert has_grid == grid


def _y_panels(light: bool) -> Figure:
    """Two rows of two panels with their own y scales (ticks at most 4 intervals, labels
    small, grid on), the left ones with a y label, as the pathway figures draw them."""
    from matplotlib.ticker import MaxNLocator

    fig = Figure(figsize=(6.0, 4.0), layout=GridLayout())
    FigureCanvasAgg(fig)
    t = np.linspace(0.0, 24.0, 200)
    for k, ax in enumerate(fig.subplots(2, 2).ravel()):
        ax.plot(t, 0.1 * (k + 1) + 0.03 * np.sin(t / (k + 1)))
        ax.fill_between(t, 0.1 * k, 0.1 * k + 0.02 * (k + 1), alpha=0.2)
        ax.set_title(f"panel {k}", fontsize="small", y=1.0)
        ax.tick_params(labelsize="x-small")
        ax.yaxis.set_major_locator(MaxNLocator(4))
        ax.ticklabel_format(axis="y", useOffset=False, style="plain")
        ax.grid(alpha=0.3, lw=0.5)
        if k % 2 == 0:
            ax.set_ylabel("arm")
    if light:
        assert [light_y(ax) for ax in fig.axes] == [False, True, False, True]
    return fig


def test_light_y_draws_the_same_pixels(tmp_path) -> None:
    """Plain artists for the y ticks, labels and grid of a panel without a y label: the
    same PNG as matplotlib's ticks (the layout reserves the labels' room from them), and
    panels with a y label are left alone."""
    save_png(_y_panels(False), tmp_path / "plain.png", 100, 3)
    light = _y_panels(True)
    save_png(light, tmp_path / "light.png", 100, 3)
    assert (tmp_path / "plain.png").read_bytes() == (tmp_path / "light.png").read_bytes()
    ax = light.axes[1]
    labels = [t.get_text() for t in ax.texts if t.get_gid() == "yticklabel:light"]
    assert labels and labels == ax.yaxis.light_labels[0]
    assert len(ax.yaxis.get_majorticklocs()) == 0


def test_light_inner_x_leaves_a_labelled_axis_alone() -> None:
    fig = _grid_figure(False)
    low = fig.axes[2]
    before = list(low.get_xticks())
    assert not light_inner_x(low)
    assert list(low.get_xticks()) == before and not low.collections


def test_save_png_writes_the_pixels_savefig_writes(tmp_path) -> None:
    """One draw, ticks inside the view only and the PNG written by ``png_bytes`` (RGB,
    unfiltered rows): every pixel and the resolution as ``savefig`` writes them with the
    same text renderer (:class:`TextCanvasAgg`, tested below against matplotlib's)."""
    a, b = _grid_figure(True), _grid_figure(True)
    save_png(a, tmp_path / "a.png", 90, 3)
    TextCanvasAgg(b)
    b.savefig(tmp_path / "b.png", dpi=90, pil_kwargs={"compress_level": 3})
    with Image.open(tmp_path / "a.png") as img_a, Image.open(tmp_path / "b.png") as img_b:
        assert img_a.mode == "RGB" and img_a.size == img_b.size
        assert img_a.info["dpi"] == pytest.approx(img_b.info["dpi"], abs=0.01)
        np.testing.assert_array_equal(np.asarray(img_a), np.asarray(img_b.convert("RGB")))
    assert all(isinstance(ax.yaxis.get_major_locator(), InViewLocator) for ax in a.axes)
    assert len(a.axes[2].xaxis.majorTicks) < len(b.axes[2].xaxis.majorTicks)


def _drawn(fig: Figure, canvas_class: type) -> np.ndarray:
    canvas = canvas_class(fig)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba())[..., :3].astype(int)


def _text_figure(text: bool) -> Figure:
    fig = Figure(figsize=(4.0, 3.0), dpi=100, layout=GridLayout())
    ax = fig.add_subplot()
    t = np.linspace(0.0, 24.0, 100)
    ax.plot(t, np.sin(t), lw=1.4)
    ax.fill_between(t, np.sin(t) - 0.2, np.sin(t) + 0.2, alpha=0.2)
    if text:
        ax.set_title("IRS-1 pSer (fraction of total) µU/mL TNF-α", fontsize="small")
        ax.set_ylabel("insulin arm (rotated)")
        ax.set_xlabel("time since start (h) / clock time")
        ax.text(3.0, 0.5, "meal 75 g", rotation=30)
    else:
        ax.set_axis_off()
    return fig


def test_text_canvas_changes_text_pixels_only_and_keeps_their_ink() -> None:
    """Drawing a string as one bitmap (TextCanvasAgg) against matplotlib's per-glyph text:
    a figure without text has the very same pixels; with text, pixels differ only inside
    the drawn strings' boxes (plus 2 px), and each string, rotated ones included, puts as
    much ink in its box (within 5 %) as matplotlib's rendering: no glyph lost, moved out
    of place or drawn twice."""
    assert (
        _drawn(_text_figure(False), FigureCanvasAgg) == _drawn(_text_figure(False), TextCanvasAgg)
    ).all()
    ref_fig, new_fig = _text_figure(True), _text_figure(True)
    ref, new = _drawn(ref_fig, FigureCanvasAgg), _drawn(new_fig, TextCanvasAgg)
    assert ref.shape == new.shape
    height = ref.shape[0]
    renderer = ref_fig.canvas.get_renderer()
    inside = np.zeros(ref.shape[:2], bool)
    texts = [
        t
        for t in ref_fig.findobj(lambda a: a.__class__.__name__ == "Text")
        if t.get_text() and t.get_visible()
    ]
    assert len(texts) >= 8  # the four above and the tick labels
    for text in texts:
        box = text.get_window_extent(renderer)
        r0, r1 = int(height - box.y1) - 2, int(height - box.y0) + 3
        c0, c1 = int(box.x0) - 2, int(box.x1) + 3
        inside[max(r0, 0) : r1, max(c0, 0) : c1] = True
        ink_ref = (255 - ref[max(r0, 0) : r1, max(c0, 0) : c1]).sum()
        ink_new = (255 - new[max(r0, 0) : r1, max(c0, 0) : c1]).sum()
        assert ink_new == pytest.approx(ink_ref, rel=0.05), text.get_text()
    differs = (ref != new).any(axis=-1)
    assert differs.any()  # the text is drawn the other way
    assert not (differs & ~inside).any()


def test_text_measurement_is_matplotlibs() -> None:
    """The kept measurement of a string is matplotlib's own, for every font size and dpi."""
    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.font_manager import FontProperties

    for dpi in (72, 120):
        ours, theirs = TextRendererAgg(50, 50, dpi), RendererAgg(50, 50, dpi)
        for size in (6, 8.5, 12):
            prop = FontProperties(size=size)
            for s in ("0.12", "13:00", "IKKβ / NF-κB, active", "lp"):
                want = theirs.get_text_width_height_descent(s, prop, False)
                assert ours.get_text_width_height_descent(s, prop, False) == want
                assert ours.get_text_width_height_descent(s, prop, False) == want  # kept


def test_png_bytes_keeps_transparency() -> None:
    """A canvas with transparent pixels is written as RGBA, the pixels unchanged."""
    rng = np.random.default_rng(0)
    rgba = rng.integers(0, 256, size=(7, 5, 4), dtype=np.uint8)
    with Image.open(io.BytesIO(png_bytes(rgba, 100.0, 1))) as img:
        assert img.mode == "RGBA"
        np.testing.assert_array_equal(np.asarray(img), rgba)
    rgba[..., 3] = 255
    with Image.open(io.BytesIO(png_bytes(rgba, 100.0, 9))) as img:
        assert img.mode == "RGB"
        np.testing.assert_array_equal(np.asarray(img), rgba[..., :3])


def test_every_pathway_node_has_a_readable_name_and_arm():
    """A species added to a tissue gets a panel title and an arm row, not its bare id in the
    'other' row (cAMP was drawn as 'camp' in 'other arm')."""
    from sim.kinetics.species import ACCUMULATOR_NAMES, TISSUE_SPECIES
    from sim.viz.nodes import ARMS, NODES

    names = {s.name for species in TISSUE_SPECIES.values() for s in species}
    missing = sorted(n for n in names - set(ACCUMULATOR_NAMES) if n not in NODES)
    assert not missing
    assert all(info.arm in ARMS for info in NODES.values())


def test_compartment_layout_cache_gives_the_computed_positions(tmp_path, monkeypatch) -> None:
    """The layout cache returns the very floats the spring layout computes, keyed by the
    graph: another graph misses, an unreadable file is recomputed, ``off`` writes nothing."""
    import networkx as nx

    from sim.viz.tissue_graph import LAYOUT_CACHE_ENV, LAYOUT_SEED, _compartment_positions

    graph = nx.relabel_nodes(nx.cycle_graph(12), lambda n: 100 + 3 * n)
    monkeypatch.setenv(LAYOUT_CACHE_ENV, "off")
    fresh = _compartment_positions(graph, LAYOUT_SEED)
    assert not any(tmp_path.iterdir())
    monkeypatch.setenv(LAYOUT_CACHE_ENV, str(tmp_path))
    first = _compartment_positions(graph, LAYOUT_SEED)  # computed and stored
    (cached,) = tmp_path.glob("*.npy")
    second = _compartment_positions(graph, LAYOUT_SEED)  # read back
    for pos in (first, second):
        assert pos.keys() == fresh.keys()
        for n in fresh:
            np.testing.assert_array_equal(pos[n], fresh[n])
    other = graph.copy()
    other.add_edge(100, 118)
    _compartment_positions(other, LAYOUT_SEED)
    assert len(list(tmp_path.glob("*.npy"))) == 2  # a different graph, a different entry
    cached.write_bytes(b"not an array")
    again = _compartment_positions(graph, LAYOUT_SEED)
    np.testing.assert_array_equal(again[100], fresh[100])
