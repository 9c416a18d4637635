"""The whole-body right-hand side traced into expressions (sympy).

:func:`sim.kinetics.body.body_rhs` is a pure function of the body state, the scheduled
inputs (:class:`~sim.kinetics.body.BodyInputs`), the cell fluxes
(:class:`~sim.kinetics.body.CellFluxes`), the body parameters and the exchange geometry. It
is called here on sympy symbols: its live code objects, with the names they look up
rebound (:func:`sim.kinetics.symbolic.rebind`) so that ``max``/``min`` give ``Max``/``Min``,
``float`` passes a symbol through, ``math`` works on symbols, :func:`~sim.kinetics.body.choose`
gives a ``Piecewise`` and the unit conversions of :mod:`sim.units` (and the controller rate
``HOLD_RATE``) are named constants with units. Nothing here restates a rate.

The on/off switches of the inputs (a clamp running, a clamp at basal glucose, a lipid or a
TNF-alpha infusion holding its level) are Python branches of the right-hand side: the
function is traced once for every combination and the results are joined into piecewise
expressions of the switch parameters (``clamp_on`` and the others, 0 or 1).

Two consumers read the trace: the SBML export (:mod:`sim.export.body`) and the compiled
body of the engine (:mod:`sim.kinetics.body_compiled`). This module needs sympy only (no
libSBML), so the engine can trace the body where the export's libraries are not installed.
"""

from __future__ import annotations

import itertools
import math
import types
from dataclasses import dataclass, fields

import numpy as np
import sympy

from sim import units as simunits
from sim.kinetics import body as bk
from sim.kinetics.symbolic import Reader, TraceError, rebind

FLAGS = ("clamp_on", "clamp_basal", "lipid_on", "tnf_on")
"""Switch inputs of :class:`BodyInputs` (Python branches of the right-hand side)."""
SET_POINT = "cort_set_point"
"""The circadian cortisol set point (nM), an input of the exported model."""
CONSTANTS: dict[str, tuple[float, str, str]] = {
    "MG_DL_PER_MM_GLC": (simunits.MG_DL_PER_MM_GLC, "mg/(dL*mM)", "glucose: mg/dL per mM"),
    "PMOL_PER_UU_INSULIN": (
        simunits.PMOL_PER_UU_INSULIN,
        "(pmol/L)/(uU/mL)",
        "insulin: pmol/L per uU/mL",
    ),
    "FA_UMOL_PER_G_TG": (simunits.FA_UMOL_PER_G_TG, "umol/g", "fatty acids per g triacylglycerol"),
    "PALMITATE_KG_PER_UMOL": (simunits.PALMITATE_KG_PER_UMOL, "kg/umol", "palmitate mass"),
    "HOLD_RATE": (bk.HOLD_RATE, "1/min", "tracking rate of an infusion holding a level"),
}
"""Module constants the right-hand side reads: (value, unit, description)."""


class _SymbolicMath:
    """``math`` for the traced module: numbers stay numbers, symbols become sympy."""

    pi = math.pi

    @staticmethod
    def _f(fn_num, fn_sym, v):  # noqa: ANN001, ANN205
        return fn_num(v) if isinstance(v, int | float) else fn_sym(v)

    def log(self, v: object) -> object:
        return self._f(math.log, sympy.log, v)

    def exp(self, v: object) -> object:
        return self._f(math.exp, sympy.exp, v)

    def cos(self, v: object) -> object:
        return self._f(math.cos, sympy.cos, v)

    def sqrt(self, v: object) -> object:
        return self._f(math.sqrt, sympy.sqrt, v)

    def __getattr__(self, name: str) -> object:
        raise TraceError(f"the body's right-hand side calls math.{name}, not translated")


def _extremum(py, sym):  # noqa: ANN001, ANN202
    def f(*args: object) -> object:
        if all(isinstance(a, int | float) for a in args):
            return py(*args)
        return sym(*args)

    return f


def _choose(condition: object, if_true: object, if_false: object) -> object:
    if isinstance(condition, bool):
        return if_true if condition else if_false
    return sympy.Piecewise((if_true, condition), (if_false, True))


class _Inputs(Reader):
    """``inp``: switches are the combination being traced, everything else a symbol."""

    def __init__(self, flags: dict[str, bool]) -> None:
        super().__init__("inp")
        self._flags = flags

    def __getattr__(self, name: str) -> object:
        if name in FLAGS:
            return self._flags[name]
        return super().__getattr__(name)


@dataclass(frozen=True)
class TracedBody:
    """The body's laws as expressions.

    Attributes:
        states: state ids in the body's order (scalars, then ``isf_<k>`` nodes).
        rates: state id -> d(state)/dt (per minute), piecewise in the switches.
        inputs: scheduled inputs read (switches included).
        fluxes: cell fluxes read.
        parameters: body parameters read.
        constants: unit conversions and the controller rate read.
        isf_muscle: how many ``isf`` nodes are muscle capillary segments (the rest adipose).
    """

    states: tuple[str, ...]
    rates: dict[str, sympy.Expr]
    inputs: tuple[str, ...]
    fluxes: tuple[str, ...]
    parameters: tuple[str, ...]
    constants: tuple[str, ...]
    isf_muscle: int


def _geometry(geo: bk.Geometry) -> types.SimpleNamespace:
    """The exchange geometry with dense operators (sympy-friendly) and the hepatic
    extraction as a parameter."""
    return types.SimpleNamespace(
        n_isf=geo.n_isf,
        kte_muscle=np.asarray(geo.kte_muscle, dtype=float),
        kte_adipose=np.asarray(geo.kte_adipose, dtype=float),
        lap_isf=geo.lap_isf.toarray(),
        hepatic_extraction=sympy.Symbol("hepatic_extraction", real=True),
        # the exported body is the unremodelled one: distribution volumes and insulin
        # clearance at their parameters (integers, so no factor 1.0 enters an expression)
        v_ecw=1,
        v_plasma=1,
        ins_clear=1,
    )


def _join(flags: tuple[str, ...], traced: dict[tuple[bool, ...], sympy.Expr]) -> sympy.Expr:
    """One expression from the traces of every switch combination: a piecewise on the first
    switch whose branches differ, recursively (equal branches collapse)."""
    values = set(traced.values())
    if len(values) == 1:
        return values.pop()
    first, rest = flags[0], flags[1:]
    on = {k[1:]: v for k, v in traced.items() if k[0]}
    off = {k[1:]: v for k, v in traced.items() if not k[0]}
    a, b = _join(rest, on), _join(rest, off)
    if a == b:
        return a
    return sympy.Piecewise((a, sympy.Symbol(first, real=True) > 0.5), (b, True))


def trace_body(geo: bk.Geometry) -> TracedBody:
    """Run :func:`sim.kinetics.body.body_rhs` on symbols for the geometry ``geo``."""
    return _trace(_geometry(geo))


NODE_SYMBOLS = ("kte_0", "kte_1", "lap_0", "lap_1")
"""Symbols of :func:`trace_node_laws`: each node's transendothelial rate multiplier and
its exchange term (its row of the Laplacian times the nodes), node 0 muscle, 1 adipose."""


class _SymbolicLaplacian:
    """``lap_isf @ isf`` of :func:`trace_node_laws`: node k's exchange term is ``lap_k``."""

    def __matmul__(self, isf: np.ndarray) -> np.ndarray:
        return np.array([sympy.Symbol(f"lap_{k}", real=True) for k in range(len(isf))])


def trace_node_laws() -> TracedBody:
    """:func:`sim.kinetics.body.body_rhs` on symbols for a geometry of one muscle node
    (``isf_0``) and one adipose node (``isf_1``) whose transendothelial multipliers and
    exchange terms are the symbols :data:`NODE_SYMBOLS` (parameters of the result): the
    scalar laws and the law of every interstitial node of either tissue, for a body that
    loops over the nodes of any geometry (:mod:`sim.kinetics.body_compiled`)."""
    kte = [sympy.Symbol(n, real=True) for n in NODE_SYMBOLS[:2]]
    return _trace(
        types.SimpleNamespace(
            n_isf=(1, 1),
            kte_muscle=np.array(kte[:1], dtype=object),
            kte_adipose=np.array(kte[1:], dtype=object),
            lap_isf=_SymbolicLaplacian(),
            hepatic_extraction=sympy.Symbol("hepatic_extraction", real=True),
            **{n: sympy.Symbol(n, real=True) for n in bk.COMPOSITION_FIELDS},
            symbols=("hepatic_extraction", *bk.COMPOSITION_FIELDS, *NODE_SYMBOLS),
        )
    )


def _trace(geo: types.SimpleNamespace) -> TracedBody:
    consts = {name: sympy.Symbol(name, real=True) for name in CONSTANTS}
    set_point = sympy.Symbol(SET_POINT, real=True)
    mod = rebind(
        bk,
        {
            "max": _extremum(max, sympy.Max),
            "min": _extremum(min, sympy.Min),
            "float": lambda v: v,
            "math": _SymbolicMath(),
            "choose": _choose,
            # the circadian set point is an input of the exported model (module docstring)
            "cortisol_target": lambda clock_h, debt_h, bp: set_point,
            **consts,
        },
    )
    n_isf = sum(geo.n_isf)
    states = tuple(bk.SCALARS) + tuple(f"isf_{k}" for k in range(n_isf))
    x = np.array([sympy.Symbol(n, real=True) for n in states], dtype=object)
    traces: dict[tuple[bool, ...], np.ndarray] = {}
    inp_read: dict[str, None] = {}
    bp, cf = Reader("bp"), Reader("cf")
    for combo in itertools.product((True, False), repeat=len(FLAGS)):
        inp = _Inputs(dict(zip(FLAGS, combo, strict=True)))
        try:
            dx = mod.body_rhs(x, inp, cf, bp, geo)
        except TypeError as exc:  # a comparison of symbols used as a Python bool
            raise TraceError(f"body: the right-hand side cannot run on symbols ({exc})") from exc
        traces[combo] = dx
        inp_read.update(dict.fromkeys(inp._read))
    rates = {
        name: _join(FLAGS, {c: sympy.sympify(dx[i]) for c, dx in traces.items()})
        for i, name in enumerate(states)
    }
    used = set().union(*(e.free_symbols for e in rates.values()))
    used_names = {s.name for s in used}
    inputs = tuple(n for n in (*inp_read, *FLAGS, SET_POINT) if n in used_names)
    parameters = tuple(n for n in bp._read if n in used_names)
    # the geometry's own symbols are parameters too (a caller may trace one generic node)
    geo_symbols = getattr(geo, "symbols", ("hepatic_extraction",))
    parameters = (*parameters, *(n for n in geo_symbols if n in used_names))
    fluxes = tuple(n for n in cf._read if n in used_names)
    constants = tuple(n for n in CONSTANTS if n in used_names)
    groups = [set(states), set(inputs), set(parameters), set(fluxes), set(constants)]
    for a, b in itertools.combinations(groups, 2):
        if a & b:
            raise TraceError(f"body: one name in two roles: {sorted(a & b)}")
    unknown = used_names - set().union(*groups)
    if unknown:
        raise TraceError(f"body: symbols of no role: {sorted(unknown)}")
    return TracedBody(states, rates, inputs, fluxes, parameters, constants, geo.n_isf[0])


def input_values(inp: bk.BodyInputs, bp: object) -> dict[str, float]:
    """The exported model's input parameters for the simulator's inputs ``inp`` (switches
    as 0/1, the cortisol set point from the clock and sleep debt)."""
    out = {f.name: float(getattr(inp, f.name)) for f in fields(inp)}
    out[SET_POINT] = bk.cortisol_target(inp.clock_h, inp.sleep_debt_h, bp)
    return out
