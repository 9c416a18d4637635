"""The rate laws of one cell traced into symbolic expressions: kept under this name for the
SBML export; the tracer itself is :mod:`sim.kinetics.cell_trace` (the cells' substep bound
differentiates the same traces, :mod:`sim.kinetics.stiffness`)."""

from __future__ import annotations

from sim.kinetics.cell_trace import (
    LAW_NAMES,
    SymbolicNumpy,
    TracedCell,
    TraceError,
    trace,
)

__all__ = ["LAW_NAMES", "SymbolicNumpy", "TraceError", "TracedCell", "trace"]
