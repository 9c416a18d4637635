"""A grid layout for the run figures that measures only what it places.

Matplotlib's constrained layout finds the space around each panel from the tight bounding
box of every axis, which makes and measures every tick label of every panel, twice per
draw; on the 15-19-panel pathway figures that was half of the drawing time.
:class:`GridLayout` places the same kinds of figure (panels on one grid, colour bars beside
them, a clock axis on top, a title above and a legend below) from a few measurements: the
widest tick label of each axis (formatted from its locator, no tick artists made), the axis
labels, titles, colour-bar labels, the figure's title and legend. Rows and columns get
separate gaps, as in constrained layout, so a row with tick labels under it gets more room
than a row without. It runs at every draw, so the layout follows the dpi of ``savefig``, and
solves twice, as the number of ticks an axis gets depends on its length.

Colour bars that the layout should place are added with :func:`add_colorbar` (a colour bar
made by ``Figure.colorbar(ax=...)`` is placed by matplotlib, not here). Each sits to the
right of its parents (the rightmost parent's column gets the room), the last one added
nearest, ``shrink`` of the parents' height, ``1 / aspect`` as wide as tall, as matplotlib
draws them.
"""

from __future__ import annotations

import math
import struct
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import matplotlib as mpl
import numpy as np
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg, get_hinting_flag
from matplotlib.cm import ScalarMappable
from matplotlib.colorbar import Colorbar
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.ft2font import FT2Font
from matplotlib.layout_engine import LayoutEngine
from matplotlib.text import Text
from matplotlib.ticker import Locator, NullLocator
from matplotlib.transforms import Bbox

PAD_PT = 4.0
"""Space (points) between neighbouring decorations and at the figure's edges."""


@dataclass
class _Colorbar:
    cax: Axes
    parents: list[Axes]
    fraction: float
    pad: float
    shrink: float
    aspect: float


@dataclass
class _Decor:
    """Room (pixels) an axes needs beyond its box on each side."""

    left: float = 0.0
    right: float = 0.0
    bottom: float = 0.0
    top: float = 0.0

    def grow(self, other: _Decor) -> None:
        self.left = max(self.left, other.left)
        self.right = max(self.right, other.right)
        self.bottom = max(self.bottom, other.bottom)
        self.top = max(self.top, other.top)


class GridLayout(LayoutEngine):
    """Places the panels of one grid with measured gaps (see the module docstring).

    Args:
        pad_pt: space between decorations and at the figure's edges, in points.
    """

    _adjust_compatible = False
    _colorbar_gridspec = False

    def __init__(self, pad_pt: float = PAD_PT) -> None:
        super().__init__()
        self.pad_pt = pad_pt
        self.colorbars: list[_Colorbar] = []
        self._extents: dict[tuple, tuple[float, float]] = {}
        self._boxes: dict[tuple, tuple[float, float]] = {}

    def execute(self, fig: Figure) -> None:
        self._renderer, self._fig = fig.canvas.get_renderer(), fig
        # twice: how many ticks an axis gets (and so its widest label) depends on its size;
        # the second solve is skipped when placing the panels changed no tick label (it
        # would give the same positions)
        before = self._tick_signature(fig)
        self._legend_boxes: dict[int, Bbox] = {}  # a figure legend's box, once per draw
        self._solve(fig)
        if self._tick_signature(fig) != before:
            self._solve(fig)

    def _tick_signature(self, fig: Figure) -> list[tuple[str, ...]]:
        """The major tick labels of every axis the layout measures, in a fixed order."""
        sig = []
        for ax in fig.axes:
            for a in (ax, *ax.child_axes):
                for axis in (a.xaxis, a.yaxis):
                    sig.append(tuple(self._tick_labels(axis)[0]))
        return sig

    def _solve(self, fig: Figure) -> None:
        px = fig.dpi / 72.0
        pad = self.pad_pt * px
        width, height = fig.bbox.width, fig.bbox.height
        bars = {id(cb.cax) for cb in self.colorbars}
        panels = [
            ax
            for ax in fig.axes
            if id(ax) not in bars and ax.get_subplotspec() is not None and ax.get_in_layout()
        ]
        if not panels:
            return
        nrows, ncols = panels[0].get_subplotspec().get_gridspec().get_geometry()
        top_reserved, bottom_reserved = self._figure_texts(fig, pad)
        col_l, col_r = [0.0] * ncols, [0.0] * ncols
        row_b, row_t = [0.0] * nrows, [0.0] * nrows
        for ax in panels:
            spec = ax.get_subplotspec()
            d = self._decor(ax)
            for child in ax.child_axes:  # a secondary (clock) axis on top or below
                c = self._decor(child)
                d.top, d.bottom = d.top + c.top, d.bottom + c.bottom
                d.left, d.right = max(d.left, c.left), max(d.right, c.right)  # end labels
            col_l[spec.colspan.start] = max(col_l[spec.colspan.start], d.left)
            col_r[spec.colspan.stop - 1] = max(col_r[spec.colspan.stop - 1], d.right)
            row_t[spec.rowspan.start] = max(row_t[spec.rowspan.start], d.top)
            row_b[spec.rowspan.stop - 1] = max(row_b[spec.rowspan.stop - 1], d.bottom)
        # rows first: a colour bar's width follows from its height (its aspect)
        fixed_h = top_reserved + bottom_reserved + sum(row_t) + sum(row_b) + pad * (nrows - 1)
        row_h = max((height - fixed_h) / nrows, 1.0)
        cell_w0 = max((width - 2 * pad - sum(col_l) - sum(col_r) - pad * (ncols - 1)) / ncols, 1.0)
        bar_room = self._colorbar_room(panels, ncols, row_h, cell_w0)
        fixed_w = 2 * pad + sum(col_l) + sum(col_r) + sum(bar_room) + pad * (ncols - 1)
        col_w = max((width - fixed_w) / ncols, 1.0)
        x0, x = [], pad
        for c in range(ncols):
            x += col_l[c]
            x0.append(x)
            x += col_w + bar_room[c] + col_r[c] + pad
        y1, y = [], height - top_reserved
        for r in range(nrows):
            y -= row_t[r]
            y1.append(y)
            y -= row_h + row_b[r] + pad
        for ax in panels:
            spec = ax.get_subplotspec()
            c0, c1 = spec.colspan.start, spec.colspan.stop - 1
            r0, r1 = spec.rowspan.start, spec.rowspan.stop - 1
            left, right = x0[c0], x0[c1] + col_w
            top, bottom = y1[r0], y1[r1] - row_h
            box = Bbox.from_extents(left / width, bottom / height, right / width, top / height)
            _place(ax, box)
        self._place_colorbars(width, height, cell_w0)

    # -- measurements ---------------------------------------------------------------------

    def _extent(self, text: str, size: float, rotation: float = 0.0) -> tuple[float, float]:
        """Width and height (pixels) of ``text`` at ``size`` points, cached per draw dpi."""
        key = (text, size, rotation, self._fig.dpi)
        hit = self._extents.get(key)
        if hit is None:
            t = Text(0, 0, text, fontproperties=FontProperties(size=size), rotation=rotation)
            t.set_figure(self._fig)
            box = t.get_window_extent(self._renderer)
            hit = self._extents[key] = (box.width, box.height)
        return hit

    def _text_box(self, t: Text) -> tuple[float, float]:
        """Width and height (pixels) of a text artist, cached by what sets its size (a title
        or label is measured once, not at each of the two solves of every draw)."""
        if not t.get_visible() or not t.get_text():
            return 0.0, 0.0
        fp = t.get_fontproperties()
        font = (tuple(fp.get_family()), fp.get_style(), fp.get_variant(), fp.get_weight())
        font += (fp.get_stretch(), fp.get_size_in_points(), fp.get_file())
        key = (t.get_text(), font, t.get_rotation(), t.get_linespacing(), self._fig.dpi)
        hit = self._boxes.get(key)
        if hit is None:
            box = t.get_window_extent(self._renderer)
            hit = self._boxes[key] = (box.width, box.height)
        return hit

    def _tick_labels(self, axis: Axis) -> tuple[list[str], list[float]]:
        """The major tick labels an axis will draw and where (0-1 along the axis): those
        :func:`sim.viz.style.light_y` drew as plain texts, if it did."""
        light = getattr(axis, "light_labels", None)
        if light is not None:
            return light
        lo, hi = sorted(axis.get_view_interval())
        if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
            return [], []
        tol = 1e-9 * (hi - lo)
        locs = [float(v) for v in axis.get_majorticklocs() if lo - tol <= v <= hi + tol]
        labels = axis.get_major_formatter().format_ticks(locs)
        scale = axis.get_transform()
        a, b = scale.transform([lo, hi])
        where = [(scale.transform([v])[0] - a) / (b - a) for v in locs]
        return labels, where

    def _axis_decor(self, axis: Axis, name: str) -> tuple[float, float, float]:
        """(low side, high side, overhang along the axis) in pixels for ``name`` x or y."""
        px = self._fig.dpi / 72.0
        kw = axis.get_tick_params()
        low, high = ("bottom", "top") if name == "x" else ("left", "right")
        size = kw.get("labelsize", mpl.rcParams[f"{name}tick.labelsize"])
        size = FontProperties(size=size).get_size_in_points()
        major = f"{name}tick.major"
        tick_len = float(kw.get("size", mpl.rcParams[f"{major}.size"]))
        direction = kw.get("direction", mpl.rcParams[f"{name}tick.direction"])
        out = tick_len if direction in ("out", "inout") else 0.0
        tick_pad = float(kw.get("pad", mpl.rcParams[f"{major}.pad"]))
        sides = {s: out * px if kw.get(s, False) else 0.0 for s in (low, high)}  # tick marks
        overhang = 0.0
        on = {s: kw.get(f"label{s}", False) for s in (low, high)}
        if any(on.values()):
            labels, where = self._tick_labels(axis)
            if labels:
                ext = [self._extent(s, size) for s in labels]
                across = max(w if name == "y" else h for w, h in ext)
                along = [h if name == "y" else w for w, h in ext]
                for s in (low, high):
                    if on[s]:
                        sides[s] = (out + tick_pad) * px + across
                ends = [a / 2 for a, f in zip(along, where, strict=True) if f < 0.02 or f > 0.98]
                overhang = max(ends, default=0.0)
        w, h = self._text_box(axis.label)
        if w or h:
            side = axis.get_label_position()
            sides[side] += axis.labelpad * px + (w if name == "y" else h)
        return sides[low], sides[high], overhang

    def _decor(self, ax: Axes) -> _Decor:
        d = _Decor()
        if not ax.axison:
            return d
        if ax.xaxis.get_visible():
            d.bottom, d.top, over = self._axis_decor(ax.xaxis, "x")
            d.left, d.right = max(d.left, over), max(d.right, over)
        if ax.yaxis.get_visible():
            left, right, over = self._axis_decor(ax.yaxis, "y")
            d.left, d.right = max(d.left, left), max(d.right, right)
            d.top, d.bottom = max(d.top, over), max(d.bottom, over)
        title_h = self._text_box(ax.title)[1]  # the figures here use centred titles only
        if title_h:
            d.top += title_h + ax.titleOffsetTrans.get_matrix()[1, 2]
        return d

    def _figure_texts(self, fig: Figure, pad: float) -> tuple[float, float]:
        """Room at the top (titles) and bottom (legends); titles are moved to the top edge."""
        top = bottom = pad
        for t in fig.texts:
            if not t.get_visible() or not t.get_text():
                continue
            _w, h = self._text_box(t)
            _, y = t.get_position()
            if y >= 0.5:
                t.set_y(1.0 - pad / fig.bbox.height)
                t.set_verticalalignment("top")
                top = max(top, pad + h + pad)
        for leg in fig.legends:  # placed in figure coordinates: the panels do not move it
            box = self._legend_boxes.get(id(leg))
            if box is None:
                box = self._legend_boxes[id(leg)] = leg.get_window_extent(self._renderer)
            if box.y0 < fig.bbox.height / 2:
                bottom = max(bottom, box.y1 + pad)
            else:
                top = max(top, fig.bbox.height - box.y0 + pad)
        return top, bottom

    # -- colour bars ----------------------------------------------------------------------

    def _colorbar_room(
        self, panels: Sequence[Axes], ncols: int, row_h: float, cell_w: float
    ) -> list[float]:
        room = [0.0] * ncols
        per_host: dict[int, float] = {}
        self._bar_w: dict[int, float] = {}
        for cb in self.colorbars:
            host = max(cb.parents, key=lambda a: a.get_subplotspec().colspan.stop)
            rows = {r for p in cb.parents for r in p.get_subplotspec().rowspan}
            bar_w = min(cb.fraction * cell_w, cb.shrink * row_h * len(rows) / cb.aspect)
            self._bar_w[id(cb.cax)] = bar_w
            d = self._decor(cb.cax)
            need = cb.pad * cell_w + bar_w + d.right
            per_host[id(host)] = per_host.get(id(host), 0.0) + need
            col = host.get_subplotspec().colspan.stop - 1
            room[col] = max(room[col], per_host[id(host)])
        return room

    def _place_colorbars(self, width: float, height: float, cell_w: float) -> None:
        offset: dict[int, float] = {}
        for cb in reversed(self.colorbars):  # the last added sits nearest its parents
            boxes = [p.get_position(original=True) for p in cb.parents]
            x1 = max(b.x1 for b in boxes) * width
            y0, y1 = min(b.y0 for b in boxes) * height, max(b.y1 for b in boxes) * height
            host = id(max(cb.parents, key=lambda a: a.get_position(original=True).x1))
            x = x1 + offset.get(host, 0.0) + cb.pad * cell_w
            bar_w = self._bar_w[id(cb.cax)]
            h = cb.shrink * (y1 - y0)
            yc = 0.5 * (y0 + y1)
            box = Bbox.from_extents(
                x / width, (yc - h / 2) / height, (x + bar_w) / width, (yc + h / 2) / height
            )
            _place(cb.cax, box)
            offset[host] = x + bar_w + self._decor(cb.cax).right - x1


def _place(ax: Axes, box: Bbox) -> None:
    """Move ``ax`` to ``box`` (figure fraction) and keep it under the layout (a position set
    from outside takes an axes out of its figure's layout)."""
    ax.set_position(box, which="both")
    ax.set_in_layout(True)


class InViewLocator(Locator):
    """The ticks of ``base`` inside the axis's view interval only.

    Matplotlib makes a ``Tick`` (two marks, a grid line, two labels) for every position its
    locator returns, also those beyond the view limits that are never drawn (a
    ``MaxNLocator`` or ``MultipleLocator`` returns one more on each side): on the run
    figures a quarter of the ``Tick`` objects, each costing more than drawing one. The
    drawn ticks and labels are the ones ``base`` gives; a shared axis shares the wrapper.
    """

    def __init__(self, base: Locator) -> None:
        self.base = base

    def set_axis(self, axis: Axis) -> None:
        super().set_axis(axis)
        self.base.set_axis(axis)

    def __call__(self) -> list[float]:
        lo, hi = sorted(self.axis.get_view_interval())
        tol = 1e-9 * (hi - lo) if hi > lo else 0.0
        return [float(v) for v in self.base() if lo - tol <= v <= hi + tol]

    def tick_values(self, vmin: float, vmax: float) -> list[float]:
        return self.base.tick_values(vmin, vmax)

    def view_limits(self, vmin: float, vmax: float) -> tuple[float, float]:
        return self.base.view_limits(vmin, vmax)

    def nonsingular(self, v0: float, v1: float) -> tuple[float, float]:
        return self.base.nonsingular(v0, v1)


def trim_ticks(fig: Figure) -> None:
    """Wrap the major locator of every x and y axis of ``fig`` (and of their clock axes) in
    :class:`InViewLocator`; call it when the view limits are final, before drawing."""
    for ax in fig.axes:
        for a in (ax, *ax.child_axes):
            for axis in (a.xaxis, a.yaxis):
                loc = axis.get_major_locator()
                if not isinstance(loc, InViewLocator | NullLocator):
                    axis.set_major_locator(InViewLocator(loc))


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bytes(rgba: np.ndarray, dpi: float, compress_level: int) -> bytes:
    """An 8-bit PNG of an RGBA canvas: RGB when every pixel is opaque (the figures here,
    with their opaque face), each row unfiltered, deflated at ``compress_level``, with the
    resolution (``pHYs``) of ``dpi``.

    Pillow tries every PNG row filter on every row, which costs more than the deflate at
    a low level and gains little on figures of flat colours: on the 12 figures of the
    baseline run this writes the same pixels in about half the CPU, in fewer bytes.
    """
    h, w, _ = rgba.shape
    opaque = bool((rgba[..., 3] == 255).all())
    pix = rgba[..., :3] if opaque else rgba
    rows = np.zeros((h, 1 + w * pix.shape[2]), np.uint8)  # filter byte 0 (none) per row
    rows[:, 1:] = pix.reshape(h, -1)
    ppm = round(dpi / 0.0254)
    ihdr = struct.pack(">IIBBBBB", w, h, 8, 2 if opaque else 6, 0, 0, 0)
    return b"".join(
        (
            b"\x89PNG\r\n\x1a\n",
            _png_chunk(b"IHDR", ihdr),
            _png_chunk(b"pHYs", struct.pack(">IIB", ppm, ppm, 1)),
            _png_chunk(b"IDAT", zlib.compress(rows.tobytes(), compress_level)),
            _png_chunk(b"IEND", b""),
        )
    )


TEXT_IMAGES_MAX = 4096
"""Rendered strings :class:`TextRendererAgg` keeps per process (a few kB each)."""
_PER_GLYPH = hasattr(FT2Font, "_render_glyph")
"""Whether this matplotlib draws text a glyph at a time (3.10 and later)."""
_TEXT_IMAGES: dict[tuple, tuple[np.ndarray, float, float, float]] = {}
_TEXT_METRICS: dict[tuple, tuple[float, float, float]] = {}


class TextRendererAgg(RendererAgg):
    """Matplotlib's Agg renderer, drawing each plain-text string as one bitmap.

    Matplotlib 3.10+ renders every glyph of every string by a separate FreeType call at
    its exact sub-pixel position, with a few Python and numpy operations around each
    (some 10,000 glyphs on the 12 figures of the baseline day: about a third of their
    drawing time). This renders a string once into a bitmap (FreeType's layout of the
    string, kerning and font fallback included), keeps the bitmap per string, font,
    size and dpi (strings repeat: tick labels, units), and places it at the nearest whole
    pixel, rotated as a whole: how matplotlib drew text up to 3.9. Glyph shapes, sizes
    and text positions are those of matplotlib's own measurement (which the layout uses;
    it is not changed); a glyph may sit up to half a pixel from where the per-glyph
    rendering puts it. Mathtext and text with font features or a language set are drawn
    by matplotlib as before.
    """

    def draw_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):  # noqa: ANN001, ANN201, D102
        special = mtext is not None and any(
            getattr(mtext, f"get_{k}", lambda: None)() for k in ("fontfeatures", "language")
        )
        if ismath or special or not s or not _PER_GLYPH:
            return super().draw_text(gc, x, y, s, prop, angle, ismath, mtext)
        flags = get_hinting_flag()
        key = (s, _font_key(prop), self.dpi, flags, gc.get_antialiased())
        hit = _TEXT_IMAGES.get(key)
        if hit is None:
            font = self._prepare_font(prop)
            font.set_text(s, 0, flags=flags)
            font.draw_glyphs_to_bitmap(antialiased=gc.get_antialiased())
            xo, yo = font.get_bitmap_offset()
            if len(_TEXT_IMAGES) >= TEXT_IMAGES_MAX:
                _TEXT_IMAGES.clear()
            image = np.array(font.get_image())
            hit = _TEXT_IMAGES[key] = (image, font.get_descent() / 64.0, xo / 64.0, yo / 64.0)
        image, descent, xo, yo = hit
        # the descent (below the baseline) turns with the text
        xd = descent * math.sin(math.radians(angle))
        yd = descent * math.cos(math.radians(angle))
        self._renderer.draw_text_image(image, round(x + xo + xd), round(y + yo + yd) + 1, angle, gc)
        return None

    def get_text_width_height_descent(self, s, prop, ismath):  # noqa: ANN001, ANN201, D102
        # matplotlib's measurement, kept across renderers (it keeps it per renderer: one
        # per figure): a pure function of the string, font, dpi and hinting
        if ismath or not _PER_GLYPH:
            return super().get_text_width_height_descent(s, prop, ismath)
        key = (s, _font_key(prop), self.dpi, get_hinting_flag())
        hit = _TEXT_METRICS.get(key)
        if hit is None:
            if len(_TEXT_METRICS) >= TEXT_IMAGES_MAX:
                _TEXT_METRICS.clear()
            hit = _TEXT_METRICS[key] = super().get_text_width_height_descent(s, prop, False)
        return hit


def _font_key(prop: FontProperties) -> tuple:
    """What of ``prop`` selects the font and its size (as ``FontProperties.__hash__``)."""
    return (
        tuple(prop.get_family()),
        prop.get_slant(),
        prop.get_variant(),
        prop.get_weight(),
        prop.get_stretch(),
        prop.get_size_in_points(),
        prop.get_file(),
    )


class TextCanvasAgg(FigureCanvasAgg):
    """The Agg canvas with :class:`TextRendererAgg`."""

    def get_renderer(self) -> RendererAgg:  # noqa: D102
        w, h = self.get_width_height(physical=True)
        key = w, h, self.figure.dpi
        if self._lastKey != key:
            self.renderer = TextRendererAgg(w, h, self.figure.dpi)
            self._lastKey = key
        return self.renderer


def save_png(fig: Figure, path: str | Path, dpi: float, compress_level: int = 6) -> None:
    """Write ``fig`` as a PNG at ``dpi``, drawing it once.

    ``Figure.savefig`` draws a figure that has a layout engine twice (a dry run so that a
    layout measuring drawn artists, such as constrained layout, sees them, then the real
    draw). :class:`GridLayout` measures nothing that a draw makes, so a figure laid out by it
    is drawn once here, at ``dpi``, and the canvas written by :func:`png_bytes`: the same
    pixels as ``savefig`` for about 30 % less CPU on the run figures. Only ticks inside the
    view are made (:func:`trim_ticks`). Text is drawn a string at a time
    (:class:`TextCanvasAgg`). Other figures go through ``savefig``. The figure's dpi is
    left at ``dpi``.
    """
    trim_ticks(fig)
    canvas = TextCanvasAgg(fig)  # the figure's canvas from now on
    if not isinstance(fig.get_layout_engine(), GridLayout):
        fig.savefig(path, dpi=dpi, pil_kwargs={"compress_level": compress_level})
        return
    fig.set_dpi(dpi)
    canvas.draw()
    Path(path).write_bytes(png_bytes(np.asarray(canvas.buffer_rgba()), dpi, compress_level))


def add_colorbar(
    fig: Figure,
    mappable: ScalarMappable,
    parents: Axes | Sequence[Axes],
    label: str = "",
    fraction: float = 0.15,
    pad: float = 0.05,
    shrink: float = 1.0,
    aspect: float = 20.0,
) -> Colorbar:
    """A vertical colour bar right of ``parents``, placed by the figure's layout.

    ``fraction`` and ``pad`` are fractions of a grid cell's width, ``shrink`` of the
    parents' height, ``aspect`` the bar's height over its width (matplotlib's meanings).
    With a layout other than :class:`GridLayout` this is ``Figure.colorbar(ax=parents)``.
    """
    axes = [parents] if isinstance(parents, Axes) else list(parents)
    engine = fig.get_layout_engine()
    if not isinstance(engine, GridLayout):
        return fig.colorbar(
            mappable, ax=axes, label=label, fraction=fraction, pad=pad, shrink=shrink
        )
    cax = fig.add_axes((0.0, 0.0, 0.01, 0.01))
    engine.colorbars.append(_Colorbar(cax, axes, fraction, pad, shrink, aspect))
    return fig.colorbar(mappable, cax=cax, label=label)
