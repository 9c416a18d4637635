"""Hypothesis testing (``sim compare``): intervention arms over a virtual population, paired
effect sizes with bootstrap intervals, corrected tests and mechanism attribution.

``run_compare(sources, out=..., replicates=..., workers=..., scheduler=..., resume=...)`` is
the API behind ``sim compare``; ``prepare`` validates a study and lists its runs without
running them; ``plot_compare(folder)`` draws a finished comparison's figures.
"""

from __future__ import annotations

from sim.compare.core import CompareOutcome, prepare, run_compare
from sim.compare.figures import plot_compare
from sim.compare.population import TRAITS, draw_population
from sim.compare.spec import CompareError

__all__ = [
    "TRAITS",
    "CompareError",
    "CompareOutcome",
    "draw_population",
    "plot_compare",
    "prepare",
    "run_compare",
]
