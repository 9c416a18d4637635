"""Compiled kernels of the very same rate laws (optional: needs numba, the ``fast`` extra).

Nothing here restates a rate law. The law functions of :mod:`sim.kinetics.signalling` and
:mod:`sim.kinetics.tissues` are compiled a second time with ``numba.njit``, for one cell at a
time: the state view and the derivative view become numba records (one float field per
species, so ``s.akt_p`` reads a number and ``d.akt_p = ...`` writes one), the inputs and
parameters named tuples of numbers. :mod:`sim.kinetics.dialect` makes the per-cell copy on
the syntax tree: it finds the laws from the tissues' entry points, checks them against the
rate-law dialect (docs/rate_laws.md) and refuses, naming file, line and rule, anything
outside it; it then turns ``d.<name>[:] = e`` into ``d.<name> = e`` and ``np.ones_like(x)``
/ ``np.zeros_like(x)`` into ``1.0`` / ``0.0``, and leaves every expression's tree as it is
(``np.maximum``, ``np.minimum`` and the arithmetic mean the same on numbers), so each
operation is the numpy path's, in the same order. On top sits one fused kernel per
tissue: a loop over cells, each cell's classical RK4 with the same substeps and the same
arithmetic order as :func:`sim.numerics.rk4`, entirely in registers and cache; no
population-sized temporaries and no per-call overhead, so its cost per cell does not depend
on the number of cells.

Compiling takes ~4 s per tissue here, so the copies are written as modules into a cache
folder (``SIM_NUMBA_CACHE``, default ``~/.cache/sim/numba``) named by a hash of the kinetics
source, this file and the numba/numpy versions, and numba caches the machine code beside
them: a changed rate law gets a fresh folder, an unchanged one loads in under a second.

The numpy path stays the reference; the two agree to round-off (``tests/test_fast.py``).
"""

from __future__ import annotations

import hashlib
import importlib.util
import inspect
import math
import os
import sys
import types
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from types import SimpleNamespace

import numpy as np

from sim.kinetics import cell_inputs as declared_inputs
from sim.kinetics import dialect, signalling, species, tissues
from sim.types import FloatArray

_LAW_NAMES = dialect.ENTRY_POINTS
_JIT_FOOTER = """

# ---- appended by sim.kinetics.compiled: every law function of this copy compiled by numba
# (error_model="numpy": a division by zero gives inf/nan as in the numpy path, which
# check_state then reports, instead of raising inside the kernel). inline="always" puts
# each law into the kernel's own code: called, the law took its ~150 parameters as
# arguments at each of the 12 calls per cell-step and LLVM could not optimise across the
# call; inlined, the kernel runs 2.0-2.3x faster (49 / 63 / 43 ns per law evaluation for
# muscle / liver / adipose instead of 98 / 147 / 91) with the same floating-point operations
# in the same order, so the same results bit for bit, and compiles faster (13 s cold).
import numba as _numba  # noqa: E402

for _name in {laws!r}:
    globals()[_name] = _numba.njit(cache=True, error_model="numpy", inline="always")(
        globals()[_name]
    )
"""


def scalar_source(source: str) -> str:
    """The rate-law ``source`` (every function in it a law) as it reads for one cell.

    Made on the syntax tree by :func:`sim.kinetics.dialect.per_cell_function_source`: the
    laws are checked against the dialect first, and a law outside it raises
    :class:`~sim.kinetics.dialect.DialectError` (an ``ImportError``) naming line and rule.
    """
    return dialect.per_cell_function_source(source)


@cache
def unavailable_reason() -> str | None:
    """None when numba imports; otherwise why not (then the numpy kernel runs)."""
    if importlib.util.find_spec("numba") is None:
        return "numba is not installed"
    try:
        import numba  # noqa: F401
    except Exception as exc:  # a broken install or a numpy it does not support
        return f"numba cannot be imported ({type(exc).__name__}: {exc})"
    return None


def available() -> bool:
    """True when numba is installed and imports (a core dependency; the numpy kernel is the
    fallback where it cannot be installed or imported)."""
    return unavailable_reason() is None


PARALLEL_MIN_CELLS = 2048
"""A tissue is split over threads only from this many cells on: below it a call takes
under ~2 ms and handing chunks to threads costs more than it saves (measured in
docs/performance.md); small runs and sweep workers stay on one thread."""


def threads() -> int:
    """Threads the compiled kernel uses: ``SIM_THREADS`` when set (a positive integer),
    otherwise every core this process may run on. Results do not depend on it: each cell is
    advanced by the same code whichever thread takes it, and cells do not interact inside
    the kernel, so the output is bit for bit the same for any thread count."""
    value = os.environ.get("SIM_THREADS", "").strip()
    if value:
        try:
            n = int(value)
        except ValueError:
            n = 0
        if n < 1:
            raise ValueError(f"SIM_THREADS={value!r}: must be a positive integer")
        return n
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


_POOL: dict[str, object] = {}


def _pool(n: int):  # noqa: ANN202
    """A thread pool of ``n`` workers, made once per process and thread count."""
    from concurrent.futures import ThreadPoolExecutor

    pool = _POOL.get("pool")
    if pool is None or _POOL.get("n") != n:
        if pool is not None:
            pool.shutdown(wait=False)
        pool = _POOL["pool"] = ThreadPoolExecutor(n, thread_name_prefix="sim-kernel")
        _POOL["n"] = n
    return pool


def _forget_pool() -> None:
    """A forked child inherits the pool object but not its threads: make a new one."""
    _POOL.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_pool)


@cache
def _key() -> str:
    import numba

    h = hashlib.sha256()
    for mod in (signalling, tissues, species, dialect, sys.modules[__name__]):
        h.update(inspect.getsource(mod).encode())
    h.update(f"{numba.__version__} {np.__version__} {sys.version}".encode())
    return h.hexdigest()[:16]


def cache_dir() -> Path:
    """Where the generated modules and numba's machine code live."""
    root = os.environ.get("SIM_NUMBA_CACHE") or Path.home() / ".cache" / "sim" / "numba"
    return Path(root) / _key()


def _load(name: str, source: str) -> types.ModuleType:
    """Write ``source`` as module ``name`` into the cache folder (once) and import it."""
    if name in sys.modules:
        return sys.modules[name]
    folder = cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    # The generated modules must also be importable by name: numba's on-disk index of a shared
    # law (sig.common, ...) holds the overloads of every tissue's kernel, pickled with their
    # argument types, which live in the kernel modules; a process that compiles one tissue
    # while another process has already stored an overload for a second one unpickles that
    # index and imports the second kernel's module (ModuleNotFoundError before this).
    if str(folder) not in sys.path:
        sys.path.append(str(folder))
    path = folder / f"{name}.py"
    if not path.exists() or path.read_text() != source:
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(source)
        tmp.replace(path)  # atomic: parallel workers never see half a file
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _sources() -> tuple[str, str, tuple[str, str]]:
    files = (inspect.getsourcefile(signalling), inspect.getsourcefile(tissues))
    return inspect.getsource(signalling), inspect.getsource(tissues), files


@cache
def _laws() -> dict[str, object]:
    """The compiled copies of the tissue right-hand sides."""
    key = _key()
    sig_src, tis_src, files = _sources()
    sig_name = f"sim_sig_{key}"
    laws = dialect.per_cell(sig_src, tis_src, python=False, sig_module=sig_name, filenames=files)
    _load(sig_name, laws.signalling + _JIT_FOOTER.format(laws=laws.signalling_laws))
    tis = _load(f"sim_tis_{key}", laws.tissues + _JIT_FOOTER.format(laws=laws.tissues_laws))
    return {t: (tis.__name__, law) for t, law in _LAW_NAMES.items()}


@cache
def python_laws() -> dict[str, types.FunctionType]:
    """The tissue right-hand sides as plain Python on floats, one cell at a time.

    The same per-cell copy the compiled kernel is built from (:mod:`sim.kinetics.dialect`),
    executed by the interpreter instead of numba, with ``np.maximum`` / ``np.minimum`` read
    as ``max`` / ``min``: on Python floats they give what numpy's give (for finite numbers;
    a NaN is reported by the state check either way) and keep the result a Python float
    (numpy's functions would turn every later operation into numpy scalar arithmetic,
    several times slower). What a Mesa user's per-agent ``step()`` on Python floats runs,
    without a second, hand-written copy of any rate law. Needs no numba.
    """
    sig_src, tis_src, files = _sources()
    laws = dialect.per_cell(sig_src, tis_src, python=True, sig_module=None, filenames=files)
    sig = types.ModuleType("sim_sig_python")
    exec(compile(laws.signalling, "<sim per-cell signalling>", "exec"), vars(sig))  # noqa: S102
    tis = types.ModuleType("sim_tis_python")
    tis.sig = sig
    exec(compile(laws.tissues, "<sim per-cell tissues>", "exec"), vars(tis))  # noqa: S102
    return {t: getattr(tis, law) for t, law in _LAW_NAMES.items()}


def rk4_substep(names: Sequence[str], y: str, indent: int) -> str:
    """Source of one classical RK4 substep of one cell, field by field: the one RK4 of both
    per-cell kernels (compiled and plain Python). Stages, their order and their arithmetic
    are those of :func:`sim.numerics.rk4` (and :func:`sim.numerics.rk4_inplace`, the numpy
    kernel's), so every kernel takes the same floating-point steps. Reads ``law``, ``u``,
    ``p``, ``h`` and the records ``y`` (named by the argument), ``stage``, ``k1``-``k4``."""
    pad = " " * indent

    def each(template: str) -> str:
        return "\n".join(pad + template.format(n=n, y=y) for n in names)

    return "\n".join(
        [
            f"{pad}law({y}, k1, u, p)",
            each("stage.{n} = {y}.{n} + (0.5 * h) * k1.{n}"),
            f"{pad}law(stage, k2, u, p)",
            each("stage.{n} = {y}.{n} + (0.5 * h) * k2.{n}"),
            f"{pad}law(stage, k3, u, p)",
            each("stage.{n} = {y}.{n} + h * k3.{n}"),
            f"{pad}law(stage, k4, u, p)",
            each("{y}.{n} = {y}.{n} + (h / 6.0) * (k1.{n} + 2.0 * k2.{n} + 2.0 * k3.{n} + k4.{n})"),
        ]
    )


def _extension_sources(tissue: str, python: bool) -> list[tuple[str, str]]:
    """(function name, per-cell source) of each law registered for ``tissue`` from outside
    the package (:mod:`sim.kinetics.extensions`), edited as the package's laws are."""
    from sim.kinetics import extensions

    return [
        (e.law.__name__, dialect.per_cell_function_source(e.source, python=python))
        for e in extensions.registered(tissue)
    ]


def _law_source(tissue: str, module: str, law: str) -> str:
    """The kernel module's ``law``: the tissue's compiled law, followed by the compiled
    per-cell copies of the laws registered for it (none: the import alone, as ever)."""
    extra = _extension_sources(tissue, python=False)
    if not extra:
        return f"from {module} import {law} as law"
    lines = [f"import math\n\nfrom {module} import {law} as _tissue_law\n"]
    for k, (name, src) in enumerate(extra):
        lines.append(src)
        lines.append(f'_extra_{k} = numba.njit(error_model="numpy", inline="always")({name})\n')
    calls = "\n".join(f"    _extra_{k}(s, d, u, p)" for k in range(len(extra)))
    lines.append(
        '@numba.njit(error_model="numpy", inline="always")\n'
        f"def law(s, d, u, p):\n    _tissue_law(s, d, u, p)\n{calls}\n"
    )
    return "\n".join(lines)


def _python_law(tissue: str) -> types.FunctionType:
    """The per-cell Python law of ``tissue`` followed by those registered for it."""
    law = python_laws()[tissue]
    extra = []
    for name, src in _extension_sources(tissue, python=True):
        namespace: dict = {"math": math, "np": np}
        exec(compile(src, f"<registered law {name}>", "exec"), namespace)  # noqa: S102
        extra.append(namespace[name])
    if not extra:
        return law

    def with_extra(s, d, u, p) -> None:  # noqa: ANN001
        law(s, d, u, p)
        for fn in extra:
            fn(s, d, u, p)

    return with_extra


def _python_cell_source(tissue: str) -> str:
    """Source of the plain-Python RK4 of one cell of ``tissue`` (:func:`rk4_substep`)."""
    names = [s.name for s in species.TISSUE_SPECIES[tissue]]

    def each(template: str, indent: int = 8) -> str:
        return "\n".join(" " * indent + template.format(n=n, k=k) for k, n in enumerate(names))

    return f'''
class Cell:
    __slots__ = {tuple(names)!r}


def advance(y, reset, u, p, dt, n):
    """RK4 (n substeps of dt / n) of one cell: y a list of floats in species order; the
    species flagged in reset start from 0.0. Returns the new list."""
    h = dt / n
    y_ = Cell()
    stage = Cell()
    k1 = Cell()
    k2 = Cell()
    k3 = Cell()
    k4 = Cell()
{each("y_.{n} = 0.0 if reset[{k}] else y[{k}]", 4)}
    for _ in range(n):
{rk4_substep(names, "y_", 8)}
    return [{", ".join(f"y_.{n}" for n in names)}]
'''


@cache
def python_cell_kernel(tissue: str) -> types.FunctionType:
    """``advance(y, reset, u, p, dt, n)``: one cell of ``tissue`` over ``dt`` in plain
    Python floats (see :func:`python_laws`); ``u`` and ``p`` hold numbers."""
    namespace = {"law": _python_law(tissue)}
    exec(compile(_python_cell_source(tissue), f"<sim per-cell RK4 {tissue}>", "exec"), namespace)  # noqa: S102
    return namespace["advance"]


def _kernel_source(
    tissue: str,
    params: tuple[str, ...],
    per_cell: tuple[str, ...],
    inputs: tuple[str, ...],
    cell_inputs: tuple[str, ...],
    reset: tuple[str, ...],
) -> str:
    """Source of the fused per-cell kernel module of one tissue (records, RK4 per cell);
    the species in ``reset`` (step accumulators) start every call from zero."""
    module, law = _laws()[tissue]
    names = [s.name for s in species.TISSUE_SPECIES[tissue]]
    scalar = [n for n in params if n not in per_cell]
    p_args = ", ".join(
        f"pc[{per_cell.index(n)}, i]" if n in per_cell else f"ps[{scalar.index(n)}]" for n in params
    )
    u_scalar = [f for f in inputs if f not in cell_inputs]
    u_args = ", ".join(
        f"uc[{cell_inputs.index(f)}, i]" if f in cell_inputs else f"us[{u_scalar.index(f)}]"
        for f in inputs
    )

    def each(template: str, indent: int) -> str:
        """One line per species."""
        return "\n".join(" " * indent + template.format(n=n, k=k) for k, n in enumerate(names))

    load = "\n".join(
        f"        y.{n} = " + ("0.0" if n in reset else f"y_all[{k}, i]")
        for k, n in enumerate(names)
    )

    return f'''"""Generated by sim.kinetics.compiled for {tissue}; do not edit."""
from collections import namedtuple

import numba
import numpy as np

{_law_source(tissue, module, law)}

Cell = np.dtype([(n, np.float64) for n in {names!r}])
Params = namedtuple("Params", {list(params)!r})
Inputs = namedtuple("Inputs", {list(inputs)!r})


@numba.njit(cache=True, error_model="numpy", nogil=True)
def advance_range(y_all, out, a, b, us, uc, ps, pc, dt, n):
    """RK4 as sim.numerics.rk4 (n substeps of dt / n), one cell at a time, for cells a:b
    of y_all into the same columns of out. It releases the GIL, so threads can each take
    a range of cells; every cell's arithmetic is the same whichever thread runs it."""
    h = dt / n
    work = np.zeros(6, dtype=Cell)
    y = work[0]
    stage = work[1]
    k1 = work[2]
    k2 = work[3]
    k3 = work[4]
    k4 = work[5]
    for i in range(a, b):
        p = Params({p_args})
        u = Inputs({u_args})
{load}
        for _ in range(n):
{rk4_substep(names, "y", 12)}
{each("out[{k}, i] = y.{n}", 8)}
'''


@cache
def _kernel(
    tissue: str,
    params: tuple[str, ...],
    per_cell: tuple[str, ...],
    inputs: tuple[str, ...],
    cell_inputs: tuple[str, ...],
    reset: tuple[str, ...],
) -> types.ModuleType:
    src = _kernel_source(tissue, params, per_cell, inputs, cell_inputs, reset)
    digest = hashlib.sha256(src.encode()).hexdigest()[:12]
    return _load(f"sim_kernel_{tissue}_{digest}", src)


_PACKED: dict[int, tuple[SimpleNamespace, tuple[int, ...], tuple]] = {}


def pack_params(
    p: SimpleNamespace,
) -> tuple[tuple[str, ...], tuple[str, ...], FloatArray, FloatArray]:
    """Names, per-cell names, scalar values (1-D float64) and per-cell values (2-D float64,
    one row per per-cell name) of ``p``.

    Plain arrays, not a named tuple of ~150 fields, cross into the compiled kernel: numba
    types arrays in its C dispatcher, while typing such a tuple took about 2 ms a call (most
    of a 1,000-cell warm-up). Packed once per parameter namespace and reused while its
    values are the same objects.
    """
    values = vars(p)
    key = tuple(map(id, values.values()))
    hit = _PACKED.get(id(p))
    if hit is not None and hit[0] is p and hit[1] == key:
        return hit[2]
    names = tuple(values)
    per_cell = tuple(k for k, v in values.items() if isinstance(v, np.ndarray) and v.ndim == 1)
    scalars = np.array([float(values[k]) for k in names if k not in per_cell], dtype=np.float64)
    rows = [np.asarray(values[k], dtype=np.float64) for k in per_cell]
    cells = np.ascontiguousarray(np.stack(rows)) if rows else np.zeros((0, 0))
    if len(_PACKED) >= 64:  # a long-lived sweep worker must not keep every run's parameters
        _PACKED.clear()
    packed = (names, per_cell, scalars, cells)
    _PACKED[id(p)] = (p, key, packed)
    return packed


def advance(
    tissue: str,
    y: FloatArray,
    u: SimpleNamespace,
    p: SimpleNamespace,
    dt: float,
    n_sub: int,
    reset_rows: Sequence[int],
) -> FloatArray:
    """Advance every cell of ``tissue`` over ``dt`` (``n_sub`` RK4 substeps), compiled.

    The species in ``reset_rows`` (step accumulators) start from zero whatever ``y`` holds;
    ``y`` itself is not modified.
    """
    mod, us, uc, scalars, cells = bind(tissue, y.shape[1], u, p, reset_rows)
    y = np.ascontiguousarray(y)
    out = np.empty_like(y)
    n, dt, n_sub = y.shape[1], float(dt), int(n_sub)
    k = threads() if n >= PARALLEL_MIN_CELLS else 1
    if k == 1:
        mod.advance_range(y, out, 0, n, us, uc, scalars, cells, dt, n_sub)
        return out
    # One contiguous range of cells per thread: this thread takes the first, the pool the
    # others (one hand-over each: a round trip to the pool costs ~50 us on an idle machine,
    # up to ~1 ms when other processes compete for the cores). Each range is written by
    # exactly one thread and no cell reads another, so the result is that of one thread.
    edges = np.linspace(0, n, k + 1).astype(int).tolist()
    jobs = [
        _pool(k - 1).submit(mod.advance_range, y, out, a, b, us, uc, scalars, cells, dt, n_sub)
        for a, b in zip(edges[1:-1], edges[2:], strict=True)
    ]
    mod.advance_range(y, out, edges[0], edges[1], us, uc, scalars, cells, dt, n_sub)
    for job in jobs:
        job.result()
    return out


def bind(
    tissue: str, n: int, u: SimpleNamespace, p: SimpleNamespace, reset_rows: Sequence[int]
) -> tuple[types.ModuleType, FloatArray, FloatArray, FloatArray, FloatArray]:
    """The compiled kernel module of ``tissue`` for these inputs and parameters of ``n``
    cells, and the
    arrays it takes: scalar inputs, per-cell inputs (one row per field), scalar parameters,
    per-cell parameters (one row per name). ``mod.advance_range(y, out, a, b, us, uc, ps,
    pc, dt, n)`` advances cells ``a:b``."""
    names, per_cell, scalars, cells = pack_params(p)
    us, uc, cell_inputs = pack_inputs(tissue, n, u)
    all_species = [sp.name for sp in species.TISSUE_SPECIES[tissue]]
    reset = tuple(all_species[r] for r in sorted(reset_rows))
    mod = _kernel(tissue, names, per_cell, declared_inputs.NAMES, cell_inputs, reset)
    return mod, us, uc, scalars, cells


_INPUTS: dict[str, tuple] = {}


def pack_inputs(
    tissue: str, n: int, u: SimpleNamespace
) -> tuple[FloatArray, FloatArray, tuple[str, ...]]:
    """Scalar inputs (1-D), per-cell inputs (2-D, one row per field) and the names of the
    per-cell fields of the inputs ``u`` of ``n`` cells of ``tissue``, as the compiled kernels
    take them. Inputs that differ between cells (local insulin always; others where a
    caller gives an array) cross as rows, the rest as scalars.

    The last packing of each tissue is kept and returned again while ``u`` is the same
    namespace holding the same objects (kept alive with it, so no other object can take an
    id): a step packs its inputs once for the substep bound (:mod:`sim.kinetics.stiffness`)
    and the kernel. An array written in place between two calls is not seen: the engine
    makes a new namespace every step. Callers must not write into the packed arrays.
    """
    values = vars(u)
    held = tuple(values.values())
    key = tuple(map(id, held))
    hit = _INPUTS.get(tissue)
    if hit is not None and hit[0] is u and hit[2] == key and hit[3] == n:
        return hit[4]
    declared_inputs.check(values, f"{tissue} kernel")
    inputs = declared_inputs.NAMES  # the declared inputs, sorted
    cell_inputs = tuple(
        f
        for f in inputs
        if f == "ins_nM" or (isinstance(values[f], np.ndarray) and values[f].ndim > 0)
    )
    uc = np.empty((len(cell_inputs), n))
    for row, f in zip(uc, cell_inputs, strict=True):
        row[:] = values[f]  # a number or one value per cell
    us = np.array([float(values[f]) for f in inputs if f not in cell_inputs], np.float64)
    packed = (us, uc, cell_inputs)
    _INPUTS[tissue] = (u, held, key, n, packed)
    return packed


# -- state checks over large tissues ------------------------------------------------------
# numpy's reductions release the GIL, so the checks of sim.numerics can run on the kernel's
# column ranges side by side; each range is checked by the same numpy call as the whole.


def _split(n: int) -> list[tuple[int, int]]:
    """Contiguous column ranges, one per thread, as :func:`advance` splits a tissue."""
    k = threads() if n >= PARALLEL_MIN_CELLS else 1
    edges = np.linspace(0, n, k + 1).astype(int).tolist()
    return list(zip(edges[:-1], edges[1:], strict=True))


def _each_range(fn, y: FloatArray) -> list:  # noqa: ANN001
    """``fn(y[:, a:b])`` for every range of :func:`_split`, this thread taking the first and
    the kernel's pool the others."""
    ranges = _split(y.shape[1])
    jobs = [_pool(len(ranges) - 1).submit(fn, y[:, a:b]) for a, b in ranges[1:]]
    a, b = ranges[0]
    return [fn(y[:, a:b])] + [job.result() for job in jobs]


def _min_max(v: FloatArray) -> tuple[float, float]:
    return float(v.min()), float(v.max())


def state_min_max(y: FloatArray) -> tuple[float, float]:
    """``(y.min(), y.max())`` of a 2-D state, its column ranges reduced side by side; NaN
    when any value is NaN (numpy's reductions propagate it)."""
    parts = _each_range(_min_max, y)
    if any(math.isnan(lo) or math.isnan(hi) for lo, hi in parts):
        return math.nan, math.nan
    return min(lo for lo, _ in parts), max(hi for _, hi in parts)


def _clip(v: FloatArray) -> None:
    np.maximum(v, 0.0, out=v)


def clip_negative(y: FloatArray) -> None:
    """``np.maximum(y, 0.0, out=y)``, column ranges side by side (the same values)."""
    _each_range(_clip, y)


def rows_max(y: FloatArray, rows: Sequence[int]) -> FloatArray:
    """``y[rows].max(axis=1)``, column ranges side by side."""
    idx = np.asarray(rows, dtype=np.int64)
    return np.max(np.stack(_each_range(lambda v: v[idx].max(axis=1), y)), axis=0)
