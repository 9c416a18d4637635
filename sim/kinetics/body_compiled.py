"""The body's right-hand side and its RK4 in compiled code, generated from the body's laws.

Nothing here restates a rate law. :func:`sim.kinetics.body.body_rhs` is traced on sympy
symbols (:func:`sim.kinetics.body_trace.trace_node_laws`, the trace the SBML export is made
from; the switches of a clamp or a held infusion become piecewise expressions) with one
generic interstitial node per tissue; the traced expressions are reduced to common
subexpressions (``sympy.cse``) and printed as straight-line Python on flat float arrays:
``x`` (the state: scalars, then interstitial nodes), ``inp`` (the scheduled inputs),
``fl`` (the cell fluxes) and ``par`` (body parameters, the geometry's hepatic extraction
and the unit constants). The generated ``rhs`` writes every scalar's derivative and loops
over the nodes of the actual geometry (each node's law with its transendothelial multiplier
and its exchange term, the Laplacian row times the nodes in scipy's CSR order). A fixed
template adds ``advance``: the classical RK4 of :func:`sim.numerics.rk4`, same stages, same
stage times and same arithmetic order, with the glucose fluxes varying across the step as
:class:`sim.engine.BodyRHS` sets them. Both are compiled with ``numba.njit``.

Tracing and reducing take ~3 s, so the generated module is written into the numba cache
folder (``SIM_NUMBA_CACHE``, default ``~/.cache/sim/numba``) under a name made of a hash of
the sources it may depend on (every kinetics module, this file among them, the unit
constants and the tracer) and of the sympy, numba, numpy and Python versions, and numba
caches its machine code beside it: an edited law gets a new module, an unchanged one loads
in well under a second. The module follows the
source files: a law replaced while the process runs (a monkeypatched function) reaches the
Python body only (``SIM_KERNEL=numpy``), not a module already made.

The Python body (:func:`sim.numerics.rk4` of :class:`sim.engine.BodyRHS`) stays the
reference and the fallback (no numba, or no sympy to trace with); the compiled derivative
agrees with :func:`~sim.kinetics.body.body_rhs` to round-off (``tests/test_body_compiled.py``).
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
import sys
import types
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from sim import numerics
from sim.kinetics import body as bk
from sim.kinetics import body_stiffness, compiled
from sim.types import FloatArray

log = logging.getLogger(__name__)

_SOURCES = ("kinetics/*.py", "units.py")
"""Files the generated module may depend on (globs in the package folder): the body's laws
and anything they could call, this generator and the tracer."""

_NODE = "node_"
"""Prefix of the per-node variables of the generated node loop."""

_TEMPLATE = '''

@numba.njit(cache=True, error_model="numpy", nogil=True)
def laplacian_row(x, k, lp_ptr, lp_ind, lp_dat):
    """Row k of the Laplacian times the nodes, summed in scipy's CSR order."""
    s = 0.0
    for j in range(lp_ptr[k], lp_ptr[k + 1]):
        s += lp_dat[j] * x[N_SCALARS + lp_ind[j]]
    return s


@numba.njit(cache=True, error_model="numpy", nogil=True)
def fluxes_at(tt, f0, slope, t0, dt, fl):
    """The cell fluxes at time tt inside the step (sim.engine.BodyRHS.fluxes)."""
    tau = tt - t0 - 0.5 * dt
    for j in range(f0.shape[0]):
        fl[j] = f0[j] + slope[j] * tau


@numba.njit(cache=True, error_model="numpy", nogil=True)
def advance(x, t, dt, n, inp, f0, slope, t0, dt_f, par, kte, n_m, lp_ptr, lp_ind, lp_dat):
    """RK4 as sim.numerics.rk4 (n substeps of dt / n) from (t, x). inp[i, j]: the inputs
    of substep i at its start (j = 0), midpoint (1) and end (2); the fluxes are f0 + slope *
    (time - t0 - dt_f / 2). Returns the new state; x is not modified."""
    h = dt / n
    m = x.shape[0]
    y = x.copy()
    stage = np.empty(m)
    k1 = np.empty(m)
    k2 = np.empty(m)
    k3 = np.empty(m)
    k4 = np.empty(m)
    fl = np.empty(f0.shape[0])
    for i in range(n):
        ti = t + i * h
        fluxes_at(ti, f0, slope, t0, dt_f, fl)
        rhs(y, inp[i, 0], fl, par, kte, n_m, lp_ptr, lp_ind, lp_dat, k1)
        for j in range(m):
            stage[j] = y[j] + (0.5 * h) * k1[j]
        fluxes_at(ti + 0.5 * h, f0, slope, t0, dt_f, fl)
        rhs(stage, inp[i, 1], fl, par, kte, n_m, lp_ptr, lp_ind, lp_dat, k2)
        for j in range(m):
            stage[j] = y[j] + (0.5 * h) * k2[j]
        rhs(stage, inp[i, 1], fl, par, kte, n_m, lp_ptr, lp_ind, lp_dat, k3)
        for j in range(m):
            stage[j] = y[j] + h * k3[j]
        fluxes_at(ti + h, f0, slope, t0, dt_f, fl)
        rhs(stage, inp[i, 2], fl, par, kte, n_m, lp_ptr, lp_ind, lp_dat, k4)
        for j in range(m):
            y[j] = y[j] + (h / 6.0) * (k1[j] + 2.0 * k2[j] + 2.0 * k3[j] + k4[j])
    return y
'''


@cache
def key() -> str:
    """Hash of the sources the generated module is made from and of the tool versions."""
    try:
        import numba

        numba_version = numba.__version__
    except Exception:  # not installed: the module runs in Python (INTERPRETED)
        numba_version = "none"
    h = hashlib.sha256()
    package = Path(bk.__file__).resolve().parents[1]
    for path in sorted({f for pattern in _SOURCES for f in package.glob(pattern)}):
        h.update(path.relative_to(package).as_posix().encode())
        h.update(path.read_bytes())
    try:
        from importlib.metadata import version

        sympy_version = version("sympy")
    except Exception:  # not installed: only a cached module can be used
        sympy_version = "none"
    h.update(f"{sympy_version} {numba_version} {np.__version__} {sys.version}".encode())
    return h.hexdigest()[:16]


def _printer():  # noqa: ANN202
    """sympy's Python printer, floats written with every digit (``repr``)."""
    from sympy.printing.pycode import PythonCodePrinter

    class Printer(PythonCodePrinter):
        def _print_Float(self, expr: Any) -> str:
            return repr(float(expr))

    return Printer({"fully_qualified_modules": True})


def _local_names(traced: Any, node_symbols: tuple[str, ...]) -> dict[Any, Any]:
    """Every symbol of the trace -> the local variable of the generated code: ``v_<name>``
    (names of different roles do not clash: the tracer checks it), the two nodes' own
    symbols (``isf_k``, ``kte_k``, ``lap_k``) one variable each, set by the node loop."""
    import sympy

    rename: dict[Any, Any] = {}
    for s in set().union(*(e.free_symbols for e in traced.rates.values())):
        name = s.name
        if name in ("isf_0", "isf_1"):
            name = f"{_NODE}isf"
        elif name in node_symbols:
            name = f"{_NODE}{name[:3]}"
        rename[s] = sympy.Symbol(f"v_{name}", real=True)
    return rename


def generate_source() -> str:
    """The generated module (see the module docstring): trace, reduce, print."""
    import sympy

    from sim.kinetics.body_trace import NODE_SYMBOLS, SET_POINT, trace_node_laws

    traced = trace_node_laws()
    scalars = traced.states[: bk.N_SCALARS]
    if scalars != bk.SCALARS:
        raise RuntimeError("the traced body states are not sim.kinetics.body.SCALARS")
    params = tuple(p for p in traced.parameters if p not in NODE_SYMBOLS) + traced.constants
    rename = _local_names(traced, NODE_SYMBOLS)
    scalar_rates = [traced.rates[n].xreplace(rename) for n in scalars]
    temps, reduced = sympy.cse(scalar_rates, symbols=sympy.numbered_symbols("c_"))
    node_rates = [traced.rates[f"isf_{k}"].xreplace(rename) for k in (0, 1)]
    pr = _printer()

    def unpack(names: tuple[str, ...], array: str) -> list[str]:
        return [f"    v_{n} = {array}[{k}]" for k, n in enumerate(names)]

    unpacked = [
        *unpack(scalars, "x"),
        *unpack(traced.inputs, "inp"),
        *unpack(traced.fluxes, "fl"),
        *unpack(params, "par"),
    ]
    body = [
        *unpacked,
        *(f"    {pr.doprint(sym)} = {pr.doprint(e)}" for sym, e in temps),
        *(f"    dx[{k}] = {pr.doprint(e)}" for k, e in enumerate(reduced)),
        "    for k in range(x.shape[0] - N_SCALARS):",
        f"        v_{_NODE}isf = x[N_SCALARS + k]",
        f"        v_{_NODE}kte = kte[k]",
        f"        v_{_NODE}lap = laplacian_row(x, k, lp_ptr, lp_ind, lp_dat)",
        "        if k < n_m:",
        f"            dx[N_SCALARS + k] = {pr.doprint(node_rates[0])}",
        "        else:",
        f"            dx[N_SCALARS + k] = {pr.doprint(node_rates[1])}",
    ]
    head = f'''"""Generated by sim.kinetics.body_compiled from body_rhs; do not edit."""
import math

import numpy as np

try:
    import numba
except ImportError:  # the same functions, run by the interpreter
    from sim.kinetics.body_compiled import INTERPRETED as numba

N_SCALARS = {len(scalars)}
INPUTS = {traced.inputs!r}
FLUXES = {traced.fluxes!r}
PARAMETERS = {params!r}
CONSTANTS = {traced.constants!r}
SET_POINT = {SET_POINT!r}


@numba.njit(cache=True, error_model="numpy", nogil=True)
def rhs(x, inp, fl, par, kte, n_m, lp_ptr, lp_ind, lp_dat, dx):
    """d(x)/dt into dx: the traced body_rhs (scalars, then every interstitial node; nodes
    below n_m are muscle capillary segments, the rest adipose)."""
'''
    bound = body_stiffness.source_lines(traced, scalars, rename, unpacked)
    return head + "\n".join(body) + "\n" + _TEMPLATE + bound


class _Interpreted:
    """Stands in for numba in the generated module where numba cannot be imported: the
    decorators return the functions unchanged, so the same code runs in Python (the
    stiffness bound of :mod:`sim.kinetics.body_stiffness` is then the same numbers)."""

    @staticmethod
    def njit(*args: Any, **kwargs: Any) -> Any:
        if args and callable(args[0]):
            return args[0]
        return lambda fn: fn


INTERPRETED = _Interpreted()


def _cache_folder() -> Path:
    root = os.environ.get("SIM_NUMBA_CACHE") or Path.home() / ".cache" / "sim" / "numba"
    return Path(root) / f"body_{key()}"


def _write(path: Path, text: str) -> None:
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(text)
    tmp.replace(path)  # atomic: parallel workers never see half a file


@cache
def module() -> types.ModuleType:
    """The generated module, from the cache folder or generated and written there first."""
    name = f"sim_body_{key()}"
    if name in sys.modules:
        return sys.modules[name]
    folder = _cache_folder()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.py"
    if not path.exists():
        _write(path, generate_source())
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


@cache
def unavailable_reason() -> str | None:
    """None when the compiled body can be used; otherwise why not (the Python body runs)."""
    reason = compiled.unavailable_reason()
    if reason is not None:
        return reason
    try:
        module()
    except Exception as exc:  # no sympy to trace with, or a law the tracer refuses
        log.warning("compiled body unavailable, the Python body runs: %s", exc)
        return f"{type(exc).__name__}: {exc}"
    return None


def available() -> bool:
    """True when numba imports and the generated body module loads."""
    return unavailable_reason() is None


_BOUND: dict[str, tuple[object, object, tuple]] = {}
GEOMETRY_SCALARS = ("hepatic_extraction", *bk.COMPOSITION_FIELDS)
"""Parameters of the generated module read from the geometry (:class:`bk.Geometry`)."""


def bind(bp: Any, geo: bk.Geometry) -> tuple:
    """The parameter array and geometry arrays of ``rhs`` and ``advance`` for the body
    parameters ``bp`` and the geometry ``geo``; made once per pair (both are frozen) and
    reused while they are the same objects."""
    hit = _BOUND.get("last")
    if hit is not None and hit[0] is bp and hit[1] is geo:
        return hit[2]
    mod = module()
    values = [
        getattr(geo, n)  # hepatic extraction, a remodelled body's volumes and clearance
        if n in GEOMETRY_SCALARS
        else getattr(bk, n)  # a unit constant or the controller rate, as body.py reads it
        if n in mod.CONSTANTS
        else getattr(bp, n)
        for n in mod.PARAMETERS
    ]
    lap = geo.lap_isf
    packed = (
        np.array(values, dtype=np.float64),
        np.concatenate([geo.kte_muscle, geo.kte_adipose]).astype(np.float64),
        int(geo.n_isf[0]),
        lap.indptr.astype(np.int64),
        lap.indices.astype(np.int64),
        lap.data.astype(np.float64),
    )
    _BOUND["last"] = (bp, geo, packed)
    return packed


def input_row(inp: bk.BodyInputs, bp: Any) -> FloatArray:
    """The scheduled inputs ``inp`` as the generated module's ``inp`` array (switches as
    0/1; the circadian cortisol set point from the clock and the sleep debt)."""
    mod = module()
    set_point = bk.cortisol_target(inp.clock_h, inp.sleep_debt_h, bp)
    return np.array(
        [set_point if n == mod.SET_POINT else float(getattr(inp, n)) for n in mod.INPUTS]
    )


def flux_row(cf: bk.CellFluxes) -> FloatArray:
    """The cell fluxes ``cf`` as the generated module's ``fl`` array."""
    return np.array([getattr(cf, n) for n in module().FLUXES], dtype=np.float64)


def derivative(
    x: FloatArray, inp: bk.BodyInputs, cf: bk.CellFluxes, bp: Any, geo: Any
) -> FloatArray:
    """The compiled d(x)/dt, for the arguments of :func:`sim.kinetics.body.body_rhs`."""
    dx = np.empty_like(x)
    module().rhs(
        np.ascontiguousarray(x, dtype=np.float64),
        input_row(inp, bp),
        flux_row(cf),
        *bind(bp, geo),
        dx,
    )
    return dx


_ROWS: dict[str, Any] = {"owner": None, "rows": {}}
ROWS_KEPT = 16
"""Input rows kept (:func:`_rows`): a step's two body advances (half step, whole step)
share their start and midpoint times, and a step starts at the last one's end."""


def input_rows(sch: Any, bp: Any, times: tuple[float, ...]) -> FloatArray:
    """The input rows (:func:`input_row`) at ``times``, one per row, from the memo of
    :func:`_rows`."""
    rows = _rows(sch, bp)
    out = np.empty((len(times), len(module().INPUTS)))
    for j, tj in enumerate(times):
        row = rows.get(tj)
        if row is None:
            row = rows[tj] = input_row(bk.body_inputs(tj, sch, bp), bp)
        out[j] = row
    return out


def _rows(sch: Any, bp: Any) -> dict[float, FloatArray]:
    """The input rows already built for the schedule ``sch`` and parameters ``bp``, by
    time: the inputs are a function of (time, schedule, parameters), and a run's schedule
    and parameters do not change while it steps (a new schedule, e.g. the fasting warm-up's,
    or new parameters start a new memo)."""
    owner = _ROWS["owner"]
    if owner is None or owner[0] is not sch or owner[1] is not bp:
        _ROWS["owner"], _ROWS["rows"] = (sch, bp), {}
    rows = _ROWS["rows"]
    if len(rows) > ROWS_KEPT:
        rows.clear()
    return rows


def advance(rhs: Any, t: float, x: FloatArray, dt: float, n: int | None = None) -> FloatArray:
    """:func:`sim.numerics.rk4` of the body right-hand side ``rhs`` (a
    :class:`sim.engine.BodyRHS`: its fluxes, their slopes across the step and its context)
    from ``(t, x)`` over ``dt``, compiled, in ``n`` substeps, by default as many as the
    body's stiffness bound at ``x`` asks for (:mod:`sim.kinetics.body_stiffness`,
    :func:`sim.numerics.substeps`).
    The scheduled inputs are built in Python (:func:`sim.kinetics.body.body_inputs`) once per
    distinct stage time (:func:`_rows`); those of the step's start, midpoint and end serve
    the bound and, in one substep (the usual case), the stages too."""
    ctx = rhs.ctx
    bp, sch, mod = ctx.bp, ctx.sch, module()
    bound = bind(bp, ctx.geo)
    x = np.ascontiguousarray(x, dtype=np.float64)
    ends = input_rows(sch, bp, (t, t + 0.5 * dt, t + dt))
    f0 = flux_row(rhs.cf)
    if n is None:
        n = numerics.substeps(dt, float(mod.fastest_rate(x, ends, f0, *bound)))
    if n == 1:
        inp = ends[None]
    else:
        h = dt / n
        starts = [t + i * h for i in range(n)]  # the stage times of rk4, its arithmetic
        times = [tj for ti in starts for tj in (ti, ti + 0.5 * h, ti + h)]
        inp = input_rows(sch, bp, tuple(times)).reshape(n, 3, -1)
    slope = np.array([rhs.slopes.get(k, 0.0) for k in mod.FLUXES], dtype=np.float64)
    return mod.advance(
        x, float(t), float(dt), n, inp, f0, slope, float(rhs.t0), float(rhs.dt), *bound
    )
