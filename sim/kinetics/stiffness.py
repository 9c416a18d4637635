"""The cell kernels' fastest rate, derived from the rate laws' Jacobian.

The RK4 substep of a tissue is chosen from an upper bound of the spectral radius of the
Jacobian ``J = d(rhs)/dy`` of its rate laws (:func:`sim.numerics.substeps`). Nothing here
restates a rate: the laws are traced into sympy expressions (:mod:`sim.kinetics.cell_trace`, the
live functions run on symbols) and differentiated, so a new species, rate constant or fast
cycle is in the bound as soon as it is in a law.

The bound. For any square matrix ``A``, ``rho(A) <= rho(|A|)`` (Wielandt), and the Perron root
``rho(|A|)`` is the smallest Gershgorin bound over every diagonal similarity scaling
(``min over D > 0`` of the largest row sum of ``D^-1 |A| D``), so fast two-species cycles
(free/bound receptor, a phosphorylation and its reversal) are bounded by their exact
magnitude instead of the doubled row sums of plain Gershgorin. For a population of cells,
``M = max over cells of |J(cell)|`` (entrywise) bounds every cell's ``|J|``, and the Perron
root is monotone in the entries of a non-negative matrix, so

    rho(J(cell)) <= rho(|J(cell)|) <= rho(M)   for every cell.

``rho(M)`` is the bound: one pass over the cells evaluating the Jacobian's non-zero entries
(about 80-110 per tissue, common subexpressions shared) and one eigenvalue problem of
~30 x 30 per tissue and step. The step-accumulator species (``cum_*``) are left out: nothing
reads them, so their rows add only zero eigenvalues.

Where a law has a kink (``np.maximum``, ``np.minimum``) its derivative is taken from the
side where the kink's argument is active (``step(0) = 1``). States enter the derivatives at
least at :data:`FLOOR`, so that ``x**n`` with a parameter exponent ``n >= 1``, whose sympy
derivative reads ``n * x**n / x``, is finite at ``x = 0``.

The expressions are generated once per version of the laws (sympy, ~1 s per tissue) and
kept as text in a cache folder beside the compiled kernels' (named by a hash of the law
sources and this file); the compiled evaluator (numba, a loop over cells) is made from that
text, the numpy one (blocks of cells) where numba is unavailable. Both take the same
operations, so the bound, and hence the substep count, does not depend on the kernel.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import math
import os
import sys
import types
from collections.abc import Sequence
from functools import cache
from importlib import metadata
from pathlib import Path
from types import SimpleNamespace

import numpy as np

from sim import numerics
from sim.kinetics import cell_inputs as declared_inputs
from sim.kinetics import compiled, extensions, signalling, species, tissues
from sim.types import FloatArray

FLOOR = 1e-12
"""Smallest state value at which the Jacobian is evaluated (see the module docstring)."""
BLOCK_CELLS = 8192
"""Cells evaluated together by the numpy evaluator (as the numpy kernel's blocks)."""


# ------------------------------------------------------------------ the expressions


def _printer():  # noqa: ANN202
    """A Python printer writing ``Max``/``Min`` as nested two-argument ``_max``/``_min``."""
    from sympy.printing.pycode import PythonCodePrinter

    class Printer(PythonCodePrinter):
        def _nested(self, name: str, args: Sequence) -> str:
            out = self._print(args[0])
            for a in args[1:]:
                out = f"{name}({out}, {self._print(a)})"
            return out

        def _print_Max(self, expr) -> str:  # noqa: ANN001
            return self._nested("_max", expr.args)

        def _print_Min(self, expr) -> str:  # noqa: ANN001
            return self._nested("_min", expr.args)

        def _print_Heaviside(self, expr) -> str:  # noqa: ANN001
            return f"_step({self._print(expr.args[0])})"

        def _print_Function(self, expr) -> str:  # noqa: ANN001
            raise TypeError(f"the Jacobian holds {expr.func}, which no evaluator reads")

    return Printer({"fully_qualified_modules": False, "standard": "python3"})


def derive(tissue: str) -> dict:
    """The Jacobian of ``tissue``'s laws as code text (needs sympy; a second or so).

    Returns a JSON-able mapping: ``species`` (the species differentiated, in state order,
    accumulators left out), ``rows`` (their rows in the state array), ``entries`` (the
    ``(i, j)`` of every entry not identically zero inside a diagonal block), ``blocks`` (the
    strongly connected components of the Jacobian's structure: after a permutation the
    matrix is block triangular, so its spectral radius is the largest of its diagonal
    blocks' and the entries between blocks need not be evaluated), ``states``, ``inputs`` and
    ``parameters`` (the names the expressions read), ``temps`` (``name = expression``
    lines of shared subexpressions, in order) and ``exprs`` (one expression per entry).
    """
    import sympy

    from sim.kinetics.cell_trace import trace

    traced = trace(tissue)
    names = [sp.name for sp in species.TISSUE_SPECIES[tissue]]
    live = [n for n in names if n not in species.ACCUMULATOR_NAMES]
    clash = (set(traced.inputs) | set(traced.parameters)) & set(names)
    clash |= set(traced.inputs) & set(traced.parameters)
    if clash:  # the tracer names symbols by their attribute name alone
        raise ValueError(f"{tissue}: a species, input and parameter share a name: {clash}")
    syms = [sympy.Symbol(n, real=True) for n in live]
    derivatives = {}
    for i, n in enumerate(live):
        rate = traced.rates[n]
        for j, x in enumerate(syms):
            e = sympy.diff(rate, x)
            if e != 0:
                derivatives[i, j] = e
    groups = components(len(live), list(derivatives))
    block_of = {i: b for b, g in enumerate(groups) for i in g}
    # Only the entries inside a diagonal block decide the spectral radius.
    entries = [(i, j) for i, j in derivatives if block_of[i] == block_of[j]]
    exprs = [derivatives[e] for e in entries]
    temps, reduced = sympy.cse(exprs, symbols=sympy.numbered_symbols("_t"), order="none")
    pr = _printer()
    free = set().union(*(e.free_symbols for e in exprs)) if exprs else set()
    read = {s.name for s in free}
    return {
        "tissue": tissue,
        "species": live,
        "rows": [names.index(n) for n in live],
        "entries": entries,
        "blocks": [list(g) for g in groups],
        "states": [n for n in live if n in read],
        "inputs": [n for n in traced.inputs if n in read],
        "parameters": [n for n in traced.parameters if n in read],
        "temps": [f"{t} = {pr.doprint(e)}" for t, e in temps],
        "exprs": [pr.doprint(e) for e in reduced],
        "temp_reads": [sorted(x.name for x in e.free_symbols) for _, e in temps],
        "expr_reads": [sorted(x.name for x in e.free_symbols) for e in reduced],
    }


def _key() -> str:
    h = hashlib.sha256()
    for mod in (signalling, tissues, species, sys.modules[__name__]):
        h.update(inspect.getsource(mod).encode())
    for name in ("cell_trace.py", "symbolic.py"):
        h.update((Path(__file__).resolve().parent / name).read_bytes())
    h.update(metadata.version("sympy").encode())
    h.update(extensions.signature().encode())  # species registered from outside the package
    return h.hexdigest()[:16]


def cache_dir() -> Path:
    """Where the derived Jacobians (and their compiled evaluators) are kept."""
    root = os.environ.get("SIM_NUMBA_CACHE") or Path.home() / ".cache" / "sim" / "numba"
    return Path(root) / f"jacobian_{_key()}"


@cache
def jacobian(tissue: str) -> dict:
    """:func:`derive` of ``tissue``, read from the cache folder (derived and written once)."""
    path = cache_dir() / f"{tissue}.json"
    if path.exists():
        try:
            return json.loads(path.read_text())
        except (OSError, ValueError):
            pass  # half-written by a crashed process: derive again
    code = derive(tissue)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(code))
    tmp.replace(path)  # atomic: parallel workers never see half a file
    return code


# ------------------------------------------------------------------ the evaluators


def _body(code: dict, pad: str, state: str, inp: dict[str, str], par: dict[str, str]) -> str:
    """Assignments of the variables, the shared subexpressions and nothing else."""
    lines = [f"{pad}{n} = {par[n]}" for n in code["parameters"]]
    lines += [f"{pad}{n} = {inp[n]}" for n in code["inputs"]]
    rows = dict(zip(code["species"], code["rows"], strict=True))
    lines += [f"{pad}{n} = _max({state.format(row=rows[n])}, FLOOR)" for n in code["states"]]
    lines += [pad + t for t in code["temps"]]
    return "\n".join(lines)


def _varying(code: dict, per_cell: set[str]) -> tuple[list[bool], list[bool]]:
    """Which shared subexpressions and which entries vary from cell to cell (read a state,
    a per-cell parameter or input, or such a subexpression); the others are computed once
    per call, outside the loop over cells."""
    varying = set(code["states"]) | per_cell
    temps = []
    for line, reads in zip(code["temps"], code["temp_reads"], strict=True):
        v = bool(varying.intersection(reads))
        if v:
            varying.add(line.split(" = ", 1)[0])
        temps.append(v)
    return temps, [bool(varying.intersection(r)) for r in code["expr_reads"]]


def numpy_source(code: dict) -> str:
    """Source of ``absmax(y, u, p, out)``: ``out[k] = max(out[k], max over the cells of y
    of |entry k|)`` with numpy over a block of cells (``u``, ``p`` namespaces)."""
    inp = {n: f"u.{n}" for n in code["inputs"]}
    par = {n: f"p.{n}" for n in code["parameters"]}
    update = "\n".join(
        f"    out[{k}] = np.maximum(out[{k}], np.max(np.abs({e})))"
        for k, e in enumerate(code["exprs"])
    )
    return f'''"""Generated by sim.kinetics.stiffness for {code["tissue"]}; do not edit."""
import numpy as np

FLOOR = {FLOOR!r}
_max = np.maximum
_min = np.minimum


def _step(x):
    return np.where(x >= 0.0, 1.0, 0.0)


def absmax(y, u, p, out):
{_body(code, "    ", "y[{row}]", inp, par)}
{update}
'''


def numba_source(
    code: dict,
    params: tuple[str, ...],
    per_cell: tuple[str, ...],
    cell_inputs: tuple[str, ...],
) -> str:
    """Source of the compiled ``absmax_range(y, a, b, us, uc, ps, pc, out)``: the same
    expressions, one cell at a time, for cells ``a:b`` (arrays packed as
    :func:`sim.kinetics.compiled.bind` packs them)."""
    scalar = [n for n in params if n not in per_cell]
    par = {
        n: f"pc[{per_cell.index(n)}, i]" if n in per_cell else f"ps[{scalar.index(n)}]"
        for n in code["parameters"]
    }
    u_scalar = [f for f in declared_inputs.NAMES if f not in cell_inputs]
    inp = {
        n: f"uc[{cell_inputs.index(n)}, i]" if n in cell_inputs else f"us[{u_scalar.index(n)}]"
        for n in code["inputs"]
    }
    per_cell_reads = {n for n in code["parameters"] if n in per_cell}
    per_cell_reads |= {n for n in code["inputs"] if n in cell_inputs}
    temp_varies, expr_varies = _varying(code, per_cell_reads)
    rows = dict(zip(code["species"], code["rows"], strict=True))
    once = [f"    {n} = {par[n]}" for n in code["parameters"] if n not in per_cell_reads]
    once += [f"    {n} = {inp[n]}" for n in code["inputs"] if n not in per_cell_reads]
    once += ["    " + t for t, v in zip(code["temps"], temp_varies, strict=True) if not v]
    each = [f"        {n} = {par[n]}" for n in code["parameters"] if n in per_cell_reads]
    each += [f"        {n} = {inp[n]}" for n in code["inputs"] if n in per_cell_reads]
    each += [f"        {n} = _max(y[{rows[n]}, i], FLOOR)" for n in code["states"]]
    each += ["        " + t for t, v in zip(code["temps"], temp_varies, strict=True) if v]
    # running maxima in local variables (registers), written back after the loop; a NaN
    # is kept (e != e) so that the caller sees it
    once += [f"    m{k} = out[{k}]" for k in range(len(code["exprs"]))]
    for k, (e, v) in enumerate(zip(code["exprs"], expr_varies, strict=True)):
        pad = "        " if v else "    "
        (each if v else once).append(
            f"{pad}e = abs({e})\n{pad}if e > m{k} or e != e:\n{pad}    m{k} = e"
        )
    loop = "\n".join(each) if each else "        pass"
    back = "\n".join(f"    out[{k}] = m{k}" for k in range(len(code["exprs"])))
    return f'''"""Generated by sim.kinetics.stiffness for {code["tissue"]}; do not edit."""
import numba
import numpy as np

FLOOR = {FLOOR!r}


@numba.njit(inline="always")
def _max(a, b):
    return np.maximum(a, b)


@numba.njit(inline="always")
def _min(a, b):
    return np.minimum(a, b)


@numba.njit(inline="always")
def _step(x):
    return 1.0 if x >= 0.0 else 0.0


@numba.njit(cache=True, error_model="numpy", nogil=True)
def absmax_range(y, a, b, us, uc, ps, pc, out):
    """out[k] = max(out[k], |entry k|) over cells a:b; the entries and shared
    subexpressions that are the same for every cell are computed once, before the loop."""
    if b <= a:
        return
{chr(10).join(once)}
    for i in range(a, b):
{loop}
{back}
'''


@cache
def _numpy_evaluator(tissue: str) -> types.FunctionType:
    namespace: dict = {}
    src = numpy_source(jacobian(tissue))
    exec(compile(src, f"<sim Jacobian {tissue}>", "exec"), namespace)  # noqa: S102
    return namespace["absmax"]


@cache
def _numba_evaluator(
    tissue: str, params: tuple[str, ...], per_cell: tuple[str, ...], cell_inputs: tuple[str, ...]
) -> types.FunctionType:
    src = numba_source(jacobian(tissue), params, per_cell, cell_inputs)
    digest = hashlib.sha256(src.encode()).hexdigest()[:12]
    return compiled._load(f"sim_jacobian_{tissue}_{digest}", src).absmax_range  # noqa: SLF001


def _block(ns: SimpleNamespace, a: int, b: int, n: int) -> SimpleNamespace:
    return SimpleNamespace(
        **{
            k: (v[a:b] if isinstance(v, np.ndarray) and v.ndim == 1 and v.shape[0] == n else v)
            for k, v in vars(ns).items()
        }
    )


def components(n: int, entries: Sequence[tuple[int, int]]) -> list[list[int]]:
    """The strongly connected components of the directed graph ``j -> i`` of the non-zero
    entries ``(i, j)`` of an ``n x n`` matrix, each sorted, in the order of their smallest
    member."""
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import connected_components

    if not entries:
        return [[i] for i in range(n)]
    i, j = zip(*entries, strict=True)
    graph = csr_matrix((np.ones(len(i)), (i, j)), shape=(n, n))
    _, label = connected_components(graph, directed=True, connection="strong")
    groups: dict[int, list[int]] = {}
    for q in range(n):
        groups.setdefault(int(label[q]), []).append(q)
    return sorted(groups.values())


@cache
def _stack_index(tissue: str) -> tuple:
    """Where each evaluated entry goes: the diagonal of a one-species block, or a cell of
    one of the larger blocks, stacked and padded with zeros to the largest size (a zero row
    and column add an eigenvalue 0, which does not change the radius)."""
    code = jacobian(tissue)
    big = [g for g in code["blocks"] if len(g) > 1]
    where = {q: (b, k) for b, g in enumerate(big) for k, q in enumerate(g)}
    single, stacked, sb, si, sj = [], [], [], [], []
    for k, (i, j) in enumerate(code["entries"]):
        if i in where:
            stacked.append(k)
            sb.append(where[i][0])
            si.append(where[i][1])
            sj.append(where[j][1])
        else:
            single.append(k)
    size = max((len(g) for g in big), default=0)
    idx = (np.array(sb, int), np.array(si, int), np.array(sj, int))
    return np.array(single, int), np.array(stacked, int), idx, (len(big), size, size)


def _packed_inputs(tissue: str, n: int, u: SimpleNamespace) -> tuple:
    """Scalar inputs, per-cell inputs (rows) and the per-cell names, packed as the cell
    kernel takes them (:func:`sim.kinetics.compiled.pack_inputs`, which keeps them for the
    kernel's call of the same step)."""
    return compiled.pack_inputs(tissue, n, u)


def absmax_entries(
    y: FloatArray, tissue: str, u: SimpleNamespace, p: SimpleNamespace, kernel: str | None = None
) -> FloatArray:
    """The entrywise maximum over the cells of ``y`` (shape (n_species, n)) of ``|J|``, one
    value per entry of :func:`jacobian` (accumulators left out).

    ``kernel`` ``"numba"`` or ``"numpy"``; None: numba where it imports (the substep count
    then does not depend on which kernel advances the cells). The compiled evaluator splits
    the cells over the kernel's threads as :func:`sim.kinetics.compiled.advance` does (a
    maximum does not depend on the order it is taken in).
    """
    code = jacobian(tissue)
    n = y.shape[1]
    if kernel is None:
        kernel = "numba" if compiled.available() else "numpy"
    if kernel == "numba":
        names, per_cell, scalars, cells = compiled.pack_params(p)
        us, uc, cell_in = _packed_inputs(tissue, n, u)
        fn = _numba_evaluator(tissue, names, per_cell, cell_in)
        y = np.ascontiguousarray(y)
        one = n < compiled.PARALLEL_MIN_CELLS or compiled.threads() == 1
        ranges = [(0, n)] if one else compiled._split(n)  # noqa: SLF001
        outs = np.zeros((len(ranges), len(code["exprs"])))
        jobs = [
            compiled._pool(len(ranges) - 1).submit(  # noqa: SLF001
                fn, y, a, b, us, uc, scalars, cells, out
            )
            for (a, b), out in zip(ranges[1:], outs[1:], strict=True)
        ]
        a, b = ranges[0]
        fn(y, a, b, us, uc, scalars, cells, outs[0])
        for job in jobs:
            job.result()
        out = outs[0] if len(outs) == 1 else np.max(outs, axis=0)  # NaN, if any, propagates
    else:
        out = np.zeros(len(code["exprs"]))
        fn = _numpy_evaluator(tissue)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            for a in range(0, n, BLOCK_CELLS):
                b = min(n, a + BLOCK_CELLS)
                fn(y[:, a:b], _block(u, a, b, n), _block(p, a, b, n), out)
    return out


def jacobian_absmax(
    y: FloatArray, tissue: str, u: SimpleNamespace, p: SimpleNamespace, kernel: str | None = None
) -> FloatArray:
    """``M``: the entrywise maximum over the cells of ``y`` of ``|J|`` as a square matrix over
    the species of :func:`jacobian`, the entries inside its diagonal blocks only (those
    between blocks are left 0: they do not change the spectral radius)."""
    code = jacobian(tissue)
    out = absmax_entries(y, tissue, u, p, kernel)
    m = np.zeros((len(code["species"]),) * 2)
    if code["entries"]:
        i, j = np.array(code["entries"]).T
        m[i, j] = out
    return m


def perron_root(m: FloatArray) -> float:
    """Spectral radius of a non-negative matrix (inf or NaN when an entry is not finite)."""
    if not np.all(np.isfinite(m)):
        return float("nan") if np.any(np.isnan(m)) else float("inf")
    return float(np.max(np.abs(np.linalg.eigvals(m)))) if m.size else 0.0


def fastest_rate(
    y: FloatArray, tissue: str, u: SimpleNamespace, p: SimpleNamespace, kernel: str | None = None
) -> float:
    """Upper bound (1/min) of the spectral radius of every cell's Jacobian: ``rho(M)``, the
    largest of the radii of its diagonal blocks (one eigenvalue problem for the stack of
    the larger blocks)."""
    out = absmax_entries(y, tissue, u, p, kernel)
    total = float(out.sum())
    if not math.isfinite(total):  # one sum instead of a test of every entry
        return float("nan") if np.any(np.isnan(out)) else float("inf")
    single, stacked, (b, i, j), shape = _stack_index(tissue)
    rho = float(np.max(out[single], initial=0.0))
    if shape[0]:
        stack = np.zeros(shape)
        stack[b, i, j] = out[stacked]
        rho = max(rho, float(np.max(np.abs(np.linalg.eigvals(stack)))))
    return rho


# ------------------------------------------------------------------ the substep count

BRACKET_RTOL = 1e-8
"""Relative margin put around the Collatz-Wielandt bounds before they are trusted to decide
the substep count: far above the round-off of the bounds (a few ulp) and of the eigenvalue
solver's Perron root of these ~6 x 6 blocks, so that whenever the margin-widened bracket
gives one count, the eigenvalue path would have given the same."""
BRACKET_ITERATIONS = 24
"""Most shifted power iterations per block and call before the eigenvalue problem decides."""

_BRACKET_SOURCE = '''"""Generated by sim.kinetics.stiffness; do not edit."""
import numba
import numpy as np


@numba.njit(cache=True, error_model="numpy", nogil=True)
def bracket(out, single, stacked, sb, si, sj, stack, sizes, v, iterations, rtol):
    """From the entries ``out`` of the largest |J|: the largest one-species entry, and the
    largest lower and upper Collatz-Wielandt bounds of the diagonal blocks' Perron roots
    (written into ``stack``); ``v`` holds each block's positive test vector, improved by
    shifted power iterations (M / hi + I) in place. NaN when an entry is not finite."""
    total = 0.0
    for k in range(out.shape[0]):
        total += out[k]
    if not np.isfinite(total):
        return np.nan, np.nan, np.nan
    rho1 = 0.0
    for k in single:
        if out[k] > rho1:
            rho1 = out[k]
    stack[:] = 0.0
    for q in range(stacked.shape[0]):
        stack[sb[q], si[q], sj[q]] = out[stacked[q]]
    lo_all = 0.0
    hi_all = 0.0
    w = np.empty(stack.shape[1])
    for blk in range(stack.shape[0]):
        m = sizes[blk]
        lo = 0.0
        hi = 0.0
        for it in range(iterations + 1):
            lo = np.inf
            hi = 0.0
            for i in range(m):
                s = 0.0
                for j in range(m):
                    s += stack[blk, i, j] * v[blk, j]
                w[i] = s
                r = s / v[blk, i]
                if r < lo:
                    lo = r
                if r > hi:
                    hi = r
            if hi <= 0.0 or hi - lo <= rtol * hi or it == iterations:
                break
            top = 0.0
            for i in range(m):
                v[blk, i] = w[i] / hi + v[blk, i]
                if v[blk, i] > top:
                    top = v[blk, i]
            for i in range(m):
                v[blk, i] = max(v[blk, i] / top, 1e-150)
        if lo > lo_all:
            lo_all = lo
        if hi > hi_all:
            hi_all = hi
    return rho1, lo_all, hi_all
'''


@cache
def _bracket():  # noqa: ANN202
    digest = hashlib.sha256(_BRACKET_SOURCE.encode()).hexdigest()[:12]
    return compiled._load(f"sim_perron_bracket_{digest}", _BRACKET_SOURCE).bracket  # noqa: SLF001


@cache
def _bracket_index(tissue: str) -> tuple:
    """:func:`_stack_index` as int64 arrays, the size of each stacked block, the stack's
    shape and each block's test vector for :func:`substeps` (ones at first, then kept from
    call to call: the last step's Perron vector is nearly this step's)."""
    code = jacobian(tissue)
    single, stacked, (b, i, j), shape = _stack_index(tissue)
    sizes = np.array([len(g) for g in code["blocks"] if len(g) > 1], np.int64)
    ints = [np.ascontiguousarray(a, np.int64) for a in (single, stacked, b, i, j)]
    return (*ints, sizes, shape, np.ones(shape[:2]))


def _count(dt: float, rate: float) -> int | None:
    """:func:`sim.numerics.substeps` of ``rate``, None where it would raise."""
    need = dt * rate / numerics.MAX_RATE_STEP
    return max(1, math.ceil(need)) if need <= numerics.MAX_SUBSTEPS else None


def substeps(dt: float, y: FloatArray, tissue: str, u: SimpleNamespace, p: SimpleNamespace) -> int:
    """``sim.numerics.substeps(dt, fastest_rate(y, tissue, u, p))``, the same integer (and the
    same error), for the compiled evaluator, with the eigenvalue problem left out whenever
    bounds of the Perron root already decide the count.

    For a non-negative matrix ``M`` and any positive vector ``v``, ``min_i (Mv)_i / v_i <=
    rho(M) <= max_i (Mv)_i / v_i`` (Collatz-Wielandt). Each diagonal block keeps its ``v``
    from the last call (improved by a few shifted power iterations, all compiled in one
    call with the filling of the blocks), so the two bounds are usually within a small
    fraction of each other. When the substep count of the lower bound and that of the upper
    bound, each widened by :data:`BRACKET_RTOL`, agree, it is the count of ``rho(M)``
    itself; otherwise (the rate within that margin of a count's edge, or bounds not yet
    close) the eigenvalues are taken exactly as :func:`fastest_rate` takes them.
    """
    out = absmax_entries(y, tissue, u, p, "numba")
    single, stacked, b, i, j, sizes, shape, kept = _bracket_index(tissue)
    stack, v = np.empty(shape), kept.copy()  # this call's own: threads may share a tissue
    rho1, lo, hi = _bracket()(
        out, single, stacked, b, i, j, stack, sizes, v, BRACKET_ITERATIONS, BRACKET_RTOL
    )
    kept[:] = v
    if math.isnan(rho1):  # not finite: the exact path names the problem
        return numerics.substeps(dt, fastest_rate(y, tissue, u, p, "numba"))
    if not sizes.size:
        return numerics.substeps(dt, rho1)
    low = _count(dt, max(rho1, lo) * (1.0 - BRACKET_RTOL))
    high = _count(dt, max(rho1, hi) * (1.0 + BRACKET_RTOL))
    if low is not None and low == high:
        return low
    rho = max(rho1, float(np.max(np.abs(np.linalg.eigvals(stack)))))
    return numerics.substeps(dt, rho)
