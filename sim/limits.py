"""Bounds on the work one input file may ask for, each with an explicit override.

A scenario or sweep file is small, but the work it names need not be: ``dt_min: 1e-9`` asks
for 10^12 steps, ``repeat_every_min: 1e-9`` for 10^12 events, a grid of ten keys with five
values each for ten million runs. These are refused at validation, before anything is
planned, allocated or written, with a message naming the key and the environment variable
that raises the bound for a user who really means it.
"""

from __future__ import annotations

import math
import os

WARMUP_MIN = 240.0
"""Coupled fasting warm-up before t = 0 (:mod:`sim.model`), stepped at the scenario's
``dt_min``: part of the work a scenario asks for."""

DEFAULTS = {
    "steps": 5_000_000,  # a year at dt_min = 0.1 min is 5.3e6; the default dt is 1 min
    "events": 100_000,  # every meal of 20 years is 2e4
    "runs": 100_000,  # runs of one sweep or study (design points x replicates)
}
"""Default bound of each kind of work."""


def env_name(kind: str) -> str:
    """The environment variable overriding the bound on ``kind`` (``SIM_MAX_STEPS`` ...)."""
    return f"SIM_MAX_{kind.upper()}"


def bound(kind: str) -> int:
    """The bound on ``kind``: its environment variable when set to a positive whole number,
    else :data:`DEFAULTS` (an unusable value is ignored, never fatal)."""
    raw = os.environ.get(env_name(kind), "").strip()
    try:
        value = int(float(raw)) if raw else 0
    except (ValueError, OverflowError):
        value = 0
    return value if value > 0 else DEFAULTS[kind]


def check(kind: str, n: float, what: str) -> None:
    """Raise ValueError (a validation message) when ``n`` exceeds the bound on ``kind``."""
    limit = bound(kind)
    try:
        finite = math.isfinite(n)
    except OverflowError:  # an int too large for a float
        finite = False
    if not finite or n > limit:
        shown = f"{n:.3g}" if finite else "unboundedly many"
        raise ValueError(
            f"{what} asks for {shown} {kind}, more than the {limit:,} allowed; if you mean "
            f"it, set {env_name(kind)} to a larger number"
        )
