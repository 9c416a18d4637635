"""The body's fastest rate, derived from the Jacobian of its traced laws.

The body's RK4 substep is chosen from an upper bound of the spectral radius of the Jacobian
``J = d(body_rhs)/dx`` at the step's start (:func:`sim.numerics.substeps`), as each tissue's
is from its cells' (:mod:`sim.kinetics.stiffness`). Nothing here restates a rate: the traced
right-hand side (:func:`sim.kinetics.body_trace.trace_node_laws`, the trace the compiled body
and the SBML export are made from) is differentiated with sympy, so a new body species, rate
constant or controller is in the bound as soon as it is in :func:`~sim.kinetics.body.body_rhs`.

The bound is guaranteed, not estimated:

- The scalar states' Jacobian is split into the strongly connected components of its
  structure; after a permutation it is block triangular, so its spectral radius is the
  largest of its diagonal blocks'. A one-state block is its own eigenvalue; a larger block
  ``B`` (the glucose pools with the clamp's integral, plasma insulin with the second-phase
  secretion, the stomach with the duodenal feedback) is bounded by the Perron root of
  ``|B|`` (``rho(B) <= rho(|B|)``, Wielandt), taken from above to round-off by the
  Collatz-Wielandt ratio of a power iteration (every iterate is an upper bound; plain
  arithmetic, so compiled and interpreted code give the same number).
- The interstitial insulin nodes read plasma insulin and perfusion but no scalar reads them
  (the generator checks it), so they form the last diagonal block. Each node's law is traced
  once per tissue with its exchange term as a symbol; its diagonal entry is ``d(law)/d(node)
  + d(law)/d(exchange) * L_kk`` and its off-diagonal entries ``d(law)/d(exchange) * L_kj``
  (``L`` the geometry's Laplacian), and the block is bounded by Gershgorin's largest
  ``|J_kk| + sum_j |J_kj|`` over the nodes.

The inputs switch within a step (a clamp starting, an infusion stopping), so the bound is
the largest of its values with the inputs at the step's start, midpoint and end. Where a law
has a kink (``max``, ``min``) its derivative is taken from the side where the kink's argument
is active (``step(0) = 1``). The generated code lives in the compiled body's module
(:mod:`sim.kinetics.body_compiled`, cached on disk with it) and is compiled by numba where
it imports; without numba the same code runs in Python, so the bound, and hence the body's
substep count, does not depend on which kernel advances the body.
"""

from __future__ import annotations

from typing import Any

PERRON_ITERATIONS = 200
"""Most power iterations of a block's Perron root (each gives a valid upper bound; a 2 x 2
or 3 x 3 block with a positive diagonal meets :data:`PERRON_RTOL` within ~10-40)."""
PERRON_RTOL = 1e-12
PERRON_SHIFT = 0.1
"""The shift ``c`` of the power iteration, relative to the block's mean row sum: it keeps
the iterate positive and the iteration converging where a block has a zero diagonal at a
state (a larger shift converges more slowly: measured on the body's blocks, 10-35 iterations
at 0.1, 25-130 at 1)."""
"""The iteration stops when the upper and lower Collatz-Wielandt bounds agree to this, or
the upper one changes by less than it from one iterate to the next."""


def _printer():  # noqa: ANN202
    """sympy's Python printer (floats with every digit) with ``Heaviside`` as ``_step``."""
    from sympy.printing.pycode import PythonCodePrinter

    class Printer(PythonCodePrinter):
        def _print_Float(self, expr: Any) -> str:
            return repr(float(expr))

        def _print_Heaviside(self, expr: Any) -> str:
            return f"_step({self._print(expr.args[0])})"

        def _print_Function(self, expr: Any) -> str:
            raise TypeError(f"the body's Jacobian holds {expr.func}, which no evaluator reads")

    return Printer({"fully_qualified_modules": True})


def _scalar_jacobian(traced: Any, scalars: tuple[str, ...]) -> dict[tuple[int, int], Any]:
    """``(i, j) -> d(rate of scalar i)/d(scalar j)`` for every entry not identically zero;
    raises when a scalar's law reads an interstitial node (the bound's block structure)."""
    import sympy

    syms = {s.name: s for e in traced.rates.values() for s in e.free_symbols}
    nodes = {syms[n] for n in ("isf_0", "isf_1") if n in syms}
    out = {}
    for i, name in enumerate(scalars):
        rate = traced.rates[name]
        if rate.free_symbols & nodes:
            raise RuntimeError(
                f"the body law of {name} reads an interstitial insulin node: the body's "
                "stiffness bound (sim/kinetics/body_stiffness.py) assumes the nodes feed "
                "nothing back"
            )
        for j, other in enumerate(scalars):
            if other not in syms:
                continue
            e = sympy.diff(rate, syms[other])
            if e != 0:
                out[i, j] = e
    return out


def _node_entries(traced: Any) -> list[tuple[Any, Any]]:
    """Per tissue (muscle node 0, adipose node 1): the derivative of the node's law by its
    own value and by its exchange term (the law must be linear in the latter)."""
    import sympy

    out = []
    for k in (0, 1):
        rate = traced.rates[f"isf_{k}"]
        isf, lap = sympy.Symbol(f"isf_{k}", real=True), sympy.Symbol(f"lap_{k}", real=True)
        by_lap = sympy.diff(rate, lap)
        if sympy.diff(by_lap, lap) != 0 or sympy.diff(by_lap, isf) != 0:
            raise RuntimeError(
                "an interstitial node's law is not linear in its exchange term: the body's "
                "stiffness bound (sim/kinetics/body_stiffness.py) needs it to be"
            )
        out.append((sympy.diff(rate, isf), by_lap))
    return out


def source_lines(traced: Any, scalars: tuple[str, ...], rename: dict, unpack: list[str]) -> str:
    """Source of ``fastest_rate(x, inp3, fl, par, kte, n_m, lp_ptr, lp_ind, lp_dat)`` for the
    generated body module: the bound of the module docstring, the largest over the rows of
    ``inp3`` (the inputs at the step's start, midpoint and end). ``rename`` maps the trace's
    symbols to the module's local variables; ``unpack`` assigns those read from ``x``,
    ``inp``, ``fl`` and ``par``."""
    import sympy

    from sim.kinetics.stiffness import components

    entries = _scalar_jacobian(traced, scalars)
    blocks = components(len(scalars), list(entries))
    block_of = {i: b for b, g in enumerate(blocks) for i in g}
    diagonal = [(i, e) for (i, j), e in entries.items() if i == j and len(blocks[block_of[i]]) == 1]
    big = [g for g in blocks if len(g) > 1]
    in_big = [
        [(g.index(i), g.index(j), e) for (i, j), e in entries.items() if i in g and j in g]
        for g in big
    ]
    exprs = [e.xreplace(rename) for _, e in diagonal]
    exprs += [e.xreplace(rename) for cells in in_big for _, _, e in cells]
    temps, reduced = sympy.cse(exprs, symbols=sympy.numbered_symbols("j_"))
    pr = _printer()
    pad = " " * 8
    lines = [pad + line.strip() for line in unpack]
    lines += [f"{pad}{pr.doprint(s)} = {pr.doprint(e)}" for s, e in temps]
    k = 0
    for _ in diagonal:
        lines.append(f"{pad}rho = _larger(rho, abs({pr.doprint(reduced[k])}))")
        k += 1
    for g, cells in zip(big, in_big, strict=True):
        lines.append(f"{pad}m = np.zeros(({len(g)}, {len(g)}))")
        for i, j, _ in cells:
            lines.append(f"{pad}m[{i}, {j}] = abs({pr.doprint(reduced[k])})")
            k += 1
        lines.append(f"{pad}rho = _larger(rho, _perron_root(m))")
    nodes = _node_entries(traced)
    node_code = [
        tuple(pr.doprint(e.xreplace(rename)) for e in pair) for pair in nodes
    ]  # (d/d node, d/d exchange) of the muscle node, then the adipose node
    loop = f"""
        for k in range(x.shape[0] - N_SCALARS):
            v_node_isf = x[N_SCALARS + k]
            v_node_kte = kte[k]
            if k < n_m:
                own = {node_code[0][0]}
                ex = {node_code[0][1]}
            else:
                own = {node_code[1][0]}
                ex = {node_code[1][1]}
            diag = 0.0
            off = 0.0
            for q in range(lp_ptr[k], lp_ptr[k + 1]):
                if lp_ind[q] == k:
                    diag += lp_dat[q]
                else:
                    off += abs(lp_dat[q])
            rho = _larger(rho, abs(own + ex * diag) + abs(ex) * off)"""
    read = set().union(*(e.free_symbols for e in exprs))
    read |= set().union(*(e.xreplace(rename).free_symbols for pair in nodes for e in pair))
    names = {s.name for s in read}
    jac_inputs = [k for k, n in enumerate(traced.inputs) if f"v_{n}" in names]
    described = ", ".join(f"{len(g)}" for g in big)
    return f'''
PERRON_ITERATIONS = {PERRON_ITERATIONS}
PERRON_SHIFT = {PERRON_SHIFT!r}
PERRON_RTOL = {PERRON_RTOL!r}


JACOBIAN_INPUTS = np.array({jac_inputs!r}, dtype=np.int64)
"""The inputs the Jacobian reads (positions in INPUTS)."""


@numba.njit(inline="always")
def _same_inputs(a, b):
    """Whether two input rows agree in every input the Jacobian reads (then it is the same
    matrix and is not evaluated twice)."""
    for q in JACOBIAN_INPUTS:
        if a[q] != b[q]:
            return False
    return True


@numba.njit(inline="always")
def _step(v):
    return 1.0 if v >= 0.0 else 0.0


@numba.njit(inline="always")
def _larger(rho, e):
    """The larger of rho and e; a NaN, once seen, is kept (the caller reports it)."""
    return e if (e > rho or e != e) and rho == rho else rho


@numba.njit(cache=True, error_model="numpy", nogil=True)
def _perron_root(m):
    """An upper bound, tight to round-off, of the spectral radius of a small non-negative
    matrix m: Collatz-Wielandt, rho(m) <= max_i (m v)_i / v_i for any v > 0, with v from the
    power iteration of m + c I (c > 0 keeps v positive; rho(m + c I) = rho(m) + c) until the
    upper and lower Collatz-Wielandt bounds meet or the upper one settles. NaN or inf when an
    entry is not finite."""
    n = m.shape[0]
    s = 0.0
    for i in range(n):
        for j in range(n):
            s += m[i, j]
    if s != s or s == np.inf:
        return s
    if s == 0.0:
        return 0.0
    c = PERRON_SHIFT * s / n
    v = np.ones(n)
    w = np.empty(n)
    hi = np.inf
    for _ in range(PERRON_ITERATIONS):
        last = hi
        hi = 0.0
        lo = np.inf
        top = 0.0
        for i in range(n):
            acc = c * v[i]
            for j in range(n):
                acc += m[i, j] * v[j]
            w[i] = acc
            ratio = acc / v[i]
            hi = max(hi, ratio)
            lo = min(lo, ratio)
            top = max(top, acc)
        # the upper bound never rises from one iterate to the next; a reducible block
        # (a zero row at this state) keeps the lower bound away, so stop also when the
        # upper one has settled
        if hi - lo <= PERRON_RTOL * hi or last - hi <= PERRON_RTOL * hi:
            break
        for i in range(n):
            v[i] = w[i] / top
    return hi - c


@numba.njit(cache=True, error_model="numpy", nogil=True)
def fastest_rate(x, inp3, fl, par, kte, n_m, lp_ptr, lp_ind, lp_dat):
    """Upper bound (1/min) of the spectral radius of the body's Jacobian at x, the largest
    over the input rows inp3 (sim.kinetics.body_stiffness): {len(diagonal)} one-state blocks,
    blocks of {described} states (Perron roots) and the interstitial nodes (Gershgorin)."""
    rho = 0.0
    for r in range(inp3.shape[0]):
        if r > 0 and _same_inputs(inp3[r], inp3[r - 1]):
            continue
        inp = inp3[r]
{chr(10).join(lines)}{loop}
    return rho
'''


def fastest_rate(t: float, x: Any, cf: Any, ctx: Any, dt: float) -> float:
    """The bound of the module docstring (1/min) for the body at ``x`` over the step from
    ``t`` to ``t + dt``, with the cell fluxes ``cf`` and the run context ``ctx``."""
    import numpy as np

    from sim.kinetics import body_compiled

    mod = body_compiled.module()
    inp = body_compiled.input_rows(ctx.sch, ctx.bp, (t, t + 0.5 * dt, t + dt))
    return float(
        mod.fastest_rate(
            np.ascontiguousarray(x, dtype=np.float64),
            inp,
            body_compiled.flux_row(cf),
            *body_compiled.bind(ctx.bp, ctx.geo),
        )
    )
