"""Rate laws run on sympy symbols: the pieces shared by every tracer.

A tracer calls the live code objects of a law module with symbols in place of numbers
(:func:`rebind` swaps the names the functions look up, :class:`Reader` hands out a symbol
for every attribute read), so the expressions it records are the laws the engines
integrate. Used by the cells' trace (:mod:`sim.kinetics.cell_trace`: the SBML export and the
cells' substep bound) and by the body's
trace (:mod:`sim.kinetics.body_trace`), from which the compiled body is generated.
"""

from __future__ import annotations

import types

import sympy


class TraceError(RuntimeError):
    """A rate law uses a construct the symbolic tracer cannot translate."""


class Reader:
    """``s``, ``u`` or ``p``: every attribute read is a symbol, and is remembered."""

    def __init__(self, kind: str) -> None:
        self._kind = kind
        self._read: dict[str, sympy.Symbol] = {}

    def __getattr__(self, name: str) -> sympy.Symbol:
        if name.startswith("_"):
            raise AttributeError(name)
        sym = self._read.get(name)
        if sym is None:
            sym = self._read[name] = sympy.Symbol(name, real=True)
        return sym


def rebind(module: types.ModuleType, extra: dict[str, object]) -> types.SimpleNamespace:
    """The functions of ``module`` with their globals replaced by a copy updated by
    ``extra`` (same code objects; only the names they look up differ)."""
    g = dict(vars(module))
    g.update(extra)
    for name, obj in list(g.items()):
        if isinstance(obj, types.FunctionType) and obj.__module__ == module.__name__:
            g[name] = types.FunctionType(
                obj.__code__, g, obj.__name__, obj.__defaults__, obj.__closure__
            )
    return types.SimpleNamespace(**g)
