"""The rate laws of one cell traced into symbolic expressions (sympy).

The simulator's rate laws (:mod:`sim.kinetics.tissues`, :mod:`sim.kinetics.signalling`) are
called once with sympy symbols for every state variable, input and parameter: each
``d.<species>[:] = ...`` they execute records the expression it assigns. The functions run
are the live code objects of those modules (rebound to a namespace whose ``np`` is
:class:`SymbolicNumpy`), so the traced expressions are the laws the engines integrate; a
changed law changes them, and nothing here restates a rate.

The rate-law dialect the tracer accepts: arithmetic and ``**`` on state, inputs and
parameters; ``np.maximum``, ``np.minimum`` (two arguments), ``np.ones_like``,
``np.zeros_like``; derivatives written as ``d.<name>[:] = expression``. Anything else (another
numpy function, a comparison used as a branch) raises :class:`TraceError` naming it.
"""

from __future__ import annotations

import types
from dataclasses import dataclass
from functools import cache

import sympy

from sim.kinetics import extensions, signalling, tissues
from sim.kinetics.species import TISSUE_SPECIES
from sim.kinetics.symbolic import Reader, TraceError, rebind

LAW_NAMES = {"muscle": "muscle_rhs", "liver": "liver_rhs", "adipose": "adipose_rhs"}


class SymbolicNumpy:
    """The few numpy functions the rate-law dialect allows, on sympy expressions."""

    @staticmethod
    def maximum(a: object, b: object) -> sympy.Expr:
        return sympy.Max(a, b)

    @staticmethod
    def minimum(a: object, b: object) -> sympy.Expr:
        return sympy.Min(a, b)

    @staticmethod
    def ones_like(a: object) -> sympy.Expr:
        return sympy.Float(1.0)

    @staticmethod
    def zeros_like(a: object) -> sympy.Expr:
        return sympy.Float(0.0)

    def __getattr__(self, name: str) -> object:
        raise TraceError(
            f"a rate law calls np.{name}, which the SBML exporter cannot translate "
            "(allowed: maximum, minimum, ones_like, zeros_like)"
        )


class _Slot:
    """``d.<name>``: records the expression assigned to ``d.<name>[:]``."""

    def __init__(self, name: str, out: dict[str, sympy.Expr]) -> None:
        self._name, self._out = name, out

    def __setitem__(self, key: object, value: object) -> None:
        if key != slice(None):
            raise TraceError(f"d.{self._name}[{key!r}] = ...: only d.{self._name}[:] = ...")
        if self._name in self._out:
            raise TraceError(f"d.{self._name} is assigned twice")
        self._out[self._name] = sympy.sympify(value)


class _Derivative:
    def __init__(self) -> None:
        self.out: dict[str, sympy.Expr] = {}

    def __getattr__(self, name: str) -> _Slot:
        if name.startswith("_"):
            raise AttributeError(name)
        return _Slot(name, self.out)


@dataclass(frozen=True)
class TracedCell:
    """One cell type's laws as expressions.

    Attributes:
        tissue: ``muscle``, ``liver`` or ``adipose``.
        rates: species name -> d(species)/dt (per minute), in species order.
        inputs: names of the inputs (``u``) the laws read, in first-read order.
        parameters: names of the parameters (``p``) the laws read, in first-read order.
    """

    tissue: str
    rates: dict[str, sympy.Expr]
    inputs: tuple[str, ...]
    parameters: tuple[str, ...]


@cache
def trace(tissue: str) -> TracedCell:
    """Run ``tissue``'s right-hand side on symbols and return what it computes."""
    np_ = SymbolicNumpy()
    sig = rebind(signalling, {"np": np_})
    tis = rebind(tissues, {"np": np_, "sig": sig})
    s, u, p, d = Reader("s"), Reader("u"), Reader("p"), _Derivative()
    try:
        getattr(tis, LAW_NAMES[tissue])(s, d, u, p)
        for law in extensions.laws(tissue):  # species registered from outside the package
            rebound = types.FunctionType(
                law.__code__,
                {**law.__globals__, "np": np_},
                law.__name__,
                law.__defaults__,
                law.__closure__,
            )
            rebound(s, d, u, p)
    except TypeError as exc:  # e.g. a comparison of symbols used as a Python bool
        raise TraceError(f"{tissue}: the rate law cannot run on symbols ({exc})") from exc
    names = [sp.name for sp in TISSUE_SPECIES[tissue]]
    missing = [n for n in names if n not in d.out]
    unknown = [n for n in d.out if n not in names] + [n for n in s._read if n not in names]
    if missing or unknown:
        raise TraceError(
            f"{tissue}: derivatives missing for {missing}; undeclared species {unknown}"
        )
    return TracedCell(
        tissue,
        {n: d.out[n] for n in names},
        tuple(u._read),
        tuple(p._read),
    )
