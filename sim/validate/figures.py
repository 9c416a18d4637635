"""Drawing helpers shared by the target figures: accepted bands, reference overlays, layout.

Every figure shows the simulated curve (or dose-response) with the accepted band drawn on it,
units on the axes, and, where a reference SBML model exists, its curve normalised alongside.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

BAND = {"color": "tab:green", "alpha": 0.15, "lw": 0}
OURS = {"color": "tab:blue", "lw": 1.8}
REF = {"color": "black", "lw": 1.4, "ls": "--"}


def hband(ax: Axes, low: float | None, high: float | None, label: str = "accepted") -> None:
    """Shade the accepted range of a value plotted on the y axis."""
    lo = ax.get_ylim()[0] if low is None else low
    hi = ax.get_ylim()[1] if high is None else high
    ax.axhspan(lo, hi, label=label, **BAND)


def vband(ax: Axes, low: float | None, high: float | None, label: str = "accepted") -> None:
    """Shade the accepted range of a value plotted on the x axis (e.g. a peak time)."""
    lo = ax.get_xlim()[0] if low is None else low
    hi = ax.get_xlim()[1] if high is None else high
    ax.axvspan(lo, hi, label=label, **BAND)


def panels(n: int, title: str, width: float = 5.0, height: float = 3.6) -> tuple[Figure, list]:
    """A row of ``n`` axes with a figure title."""
    fig, axes = plt.subplots(1, n, figsize=(width * n, height), squeeze=False)
    fig.suptitle(title, fontsize=11)
    return fig, list(axes[0])


def bars(ax: Axes, labels: Sequence[str], values: Sequence[float], ylabel: str) -> None:
    """A labelled bar chart (conditions of a paired comparison)."""
    ax.bar(
        range(len(values)),
        values,
        color=["tab:gray", "tab:orange", "tab:blue", "tab:red"][: len(values)],
    )
    ax.set_xticks(range(len(values)), labels, fontsize=8)
    ax.set_ylabel(ylabel)


def finish(fig: Figure) -> Figure:
    for ax in fig.axes:
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=7, loc="best")
        ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig
