"""The fast paths compute what the reference paths compute.

- the block-wise, in-place numpy RK4 against :func:`sim.numerics.rk4` over all cells at once
  (bit for bit: the same operations in the same order);
- the sparse exchange operators against the networkx graph they stand for, now that the
  graph is assembled lazily from arrays;
- lazily created Mesa agents: real agents on their graph nodes, views on the tissue arrays;
- the compiled per-cell (numba) kernel against the numpy path to 1e-12, one step of each
  tissue and a whole warmed-up run (compiling the three kernels takes ~20 s on a machine's
  first run; numba comes with the ``test`` extra).
"""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest
import scipy.sparse as sp

from sim import engine as en
from sim import numerics
from sim.graph import build as build_graph
from sim.kinetics.tissues import BoundRHS, cell_rhs
from sim.model import PhysiologyModel

CELLS = {"muscle": 23, "liver": 21, "adipose": 19}


@pytest.fixture(scope="module")
def model() -> PhysiologyModel:
    """A small warmed-up model with spread between cells and a meal under way."""
    m = PhysiologyModel(
        {
            "name": "fast",
            "seed": 5,
            "duration_min": 30,
            "cells": CELLS,
            "heterogeneity_cv": 0.3,
            "interventions": [{"kind": "meal", "at_min": 0, "carbs_g": 75}],
        }
    )
    for _ in range(10):
        m.step()
    return m


def _tissue_step(model: PhysiologyModel, name: str):  # noqa: ANN202
    t = model.tissues[name]
    base = en.systemic_inputs(model.time_min, model.x, model.ctx)
    u = en.tissue_inputs(model.time_min, model.x, model.ctx, t, base, model.last_flux)
    return t, u, en.cell_substeps(1.0, t, u)


@pytest.mark.parametrize("name", ["muscle", "liver", "adipose"])
def test_blockwise_inplace_numpy_equals_plain_rk4(model, name, monkeypatch):
    t, u, n_sub = _tissue_step(model, name)
    y0 = t.y.copy()
    y0[t.acc_rows] = 0.0
    # reference: plain rk4 over all cells at once, a fresh derivative array per call
    reference = numerics.rk4(lambda _t, y: cell_rhs(name, y, u, t.params), 0.0, y0, 1.0, n_sub)
    monkeypatch.setattr(en, "BLOCK_CELLS", 4)  # several blocks and a ragged last one
    blocked = en.advance_cells(name, t.y, u, t.params, 1.0, n_sub, t.acc_rows, kernel="numpy")
    np.testing.assert_array_equal(blocked, reference)
    assert np.any(blocked != y0)  # it did advance


def test_rk4_inplace_is_rk4_and_fourth_order():
    """Same numbers as rk4, input untouched, and the error against exp falls as h^4."""
    rate = np.array([[0.3], [1.7], [-0.9]])

    def rhs(t: float, y: np.ndarray) -> np.ndarray:
        return -rate * y + 0.1 * np.cos(t)

    y0 = np.ones((3, 5))
    keep = y0.copy()
    np.testing.assert_array_equal(
        numerics.rk4_inplace(rhs, 0.2, y0, 1.3, 7), numerics.rk4(rhs, 0.2, y0, 1.3, 7)
    )
    np.testing.assert_array_equal(y0, keep)
    decay = lambda t, y: -rate * y  # noqa: E731
    exact = np.exp(-rate * 2.0) * y0
    errs = [np.abs(numerics.rk4_inplace(decay, 0.0, y0, 2.0, n) - exact).max() for n in (4, 8)]
    assert 12.0 < errs[0] / errs[1] < 20.0  # 2^4 = 16


@pytest.mark.parametrize("name", ["muscle", "liver", "adipose"])
def test_rate_laws_write_every_derivative_row(model, name):
    """cell_rhs and BoundRHS write into uninitialised arrays without zeroing them: every
    row must be assigned by the rate laws, whatever was in the array before."""
    t, u, _ = _tissue_step(model, name)
    expected = cell_rhs(name, t.y, u, t.params, out=np.zeros_like(t.y))
    for fill in (np.nan, 1e300):
        out = np.full_like(t.y, fill)
        np.testing.assert_array_equal(cell_rhs(name, t.y, u, t.params, out=out), expected)
        out = np.full_like(t.y, fill)
        np.testing.assert_array_equal(BoundRHS(name, u, t.params)(0.0, t.y, out), expected)


def test_rk4_inplace_with_preallocated_derivatives_is_rk4():
    """The writes_into path (work arrays reused across substeps, derivative written into
    them) gives rk4's numbers bit for bit and leaves the input alone."""
    rate = np.array([[0.3], [1.7], [-0.9]])

    def rhs(t: float, y: np.ndarray) -> np.ndarray:
        return -rate * y + 0.1 * np.cos(t)

    class Into:
        writes_into = True
        arrays: set[int] = set()

        def __call__(self, t: float, y: np.ndarray, out: np.ndarray) -> np.ndarray:
            self.arrays.add(id(out))
            out[...] = np.nan  # stale content must not leak into the result
            np.multiply(-rate, y, out=out)
            out += 0.1 * np.cos(t)
            return out

    y0 = np.ones((3, 5))
    keep = y0.copy()
    into = Into()
    for n in (1, 2, 7):
        np.testing.assert_array_equal(
            numerics.rk4_inplace(into, 0.2, y0, 1.3, n), numerics.rk4(rhs, 0.2, y0, 1.3, n)
        )
    np.testing.assert_array_equal(y0, keep)
    assert len(into.arrays) <= 3 * 4  # four derivative buffers per call, never more


def test_sparse_operators_match_the_lazily_built_graph():
    """a_muscle / a_adipose are the fibre/adipocyte-to-capillary edges of the graph, and the
    Laplacians its capillary-to-capillary edges: derived here from networkx independently."""
    tg = build_graph({"muscle": 37, "liver": 25, "adipose": 31}, 0.5, 0.2, 0.5, 0.1, _rng())
    g = tg.graph
    assert g.number_of_nodes() == tg.n_nodes
    for tissue, kind, op, lap in (
        ("muscle", "capillary_segment", tg.geometry.a_muscle, tg.geometry.lap_muscle),
        ("adipose", "depot_capillary", tg.geometry.a_adipose, tg.geometry.lap_adipose),
    ):
        caps = [n for n, d in g.nodes(data=True) if d["kind"] == kind]
        col = {c: j for j, c in enumerate(caps)}
        cells = tg.layouts[tissue].nodes
        inc = np.zeros(op.shape)
        for i, c in enumerate(cells):
            for nb in g.neighbors(int(c)):
                inc[i, col[nb]] = 1.0
        np.testing.assert_array_equal(op.toarray(), inc)
        sub = g.subgraph(caps)
        ref = sp.csr_matrix(
            np.diag([sub.degree(c) for c in caps])
            - np.array([[1.0 if sub.has_edge(a, b) else 0.0 for b in caps] for a in caps])
        )
        np.testing.assert_array_equal(lap.toarray(), ref.toarray())
    hep = tg.layouts["liver"].nodes
    assert all(g.nodes[int(h)]["kind"] == "cell" for h in hep)


def _rng() -> np.random.Generator:
    return np.random.default_rng(11)


def test_agents_exist_from_construction_and_are_real_mesa_agents(model):
    m = model  # built and stepped by the vectorised engine
    agents = list(m.agents)
    assert len(agents) == sum(CELLS.values())
    assert len({a.unique_id for a in agents}) == len(agents)
    for a in agents:
        assert a.cell.coordinate == int(a.tissue.layout.nodes[a.i])
        assert a in a.cell.agents and a.model is m
    a = agents[-1]
    np.testing.assert_array_equal(a.state, a.tissue.y[:, a.i])
    assert m.space.G is m.graph


def test_kernel_choice_falls_back_to_numpy(monkeypatch):
    monkeypatch.setattr(en.compiled, "available", lambda: True)
    monkeypatch.delenv("SIM_KERNEL", raising=False)
    assert en.default_kernel() == "numba"  # installed: the compiled kernel by default
    monkeypatch.setenv("SIM_KERNEL", "numpy")
    assert en.default_kernel() == "numpy"  # forced
    monkeypatch.setenv("SIM_KERNEL", "numba")
    monkeypatch.setattr(en.compiled, "available", lambda: False)
    assert en.default_kernel() == "numpy"  # not installed: the fallback
    monkeypatch.delenv("SIM_KERNEL")
    assert en.default_kernel() == "numpy"


def test_scalar_source_edits_only_what_it_must_and_refuses_the_rest():
    """The per-cell copy of a rate law: slice writes become field writes, ``*_like``
    constants become numbers, nothing else changes; a law it cannot read is refused."""
    from sim.kinetics.compiled import scalar_source

    law = (
        "def f(s, d, u, p):\n"
        "    a = np.maximum(s.x - p.k, 0.0) * np.ones_like(s.x)\n"
        "    d.x[:] = a + np.zeros_like(a)\n"
        "    d.y[:] = -a\n"
    )
    out = scalar_source(law)
    assert "d.x = a + 0.0" in out and "d.y = -a" in out
    assert "np.maximum(s.x - p.k, 0.0) * 1.0" in out and "[:]" not in out
    with pytest.raises(ImportError, match=r"g\(\), line 2: a derivative not written as"):
        scalar_source("def g(s, d):\n    d.x[0] = s.x\n")
    with pytest.raises(ImportError, match=r"line 2: np.full_like is outside the dialect"):
        scalar_source("def g(s, d):\n    d.x[:] = np.full_like(s.x, 2.0)\n")


@pytest.mark.skipif(importlib.util.find_spec("numba") is None, reason="numba not installed")
@pytest.mark.parametrize("name", ["muscle", "liver", "adipose"])
def test_numba_kernel_matches_numpy(model, name):
    t, u, n_sub = _tissue_step(model, name)
    y = t.y.copy()
    y[t.acc_rows] = 7.0  # last step's accumulations: both kernels must restart them from 0
    ref = en.advance_cells(name, y, u, t.params, 1.0, n_sub, t.acc_rows, kernel="numpy")
    before = y.copy()
    fast = en.advance_cells(name, y, u, t.params, 1.0, n_sub, t.acc_rows, kernel="numba")
    np.testing.assert_array_equal(y, before)  # the input state is left as it was
    np.testing.assert_allclose(fast, ref, rtol=1e-12, atol=1e-15)
    restarted = en.advance_cells(name, t.y, u, t.params, 1.0, n_sub, t.acc_rows, "numba")
    np.testing.assert_array_equal(fast, restarted)


@pytest.mark.skipif(importlib.util.find_spec("numba") is None, reason="numba not installed")
def test_numba_run_matches_numpy_run(monkeypatch):
    """The whole model, warm-up included, on each kernel: cells and body agree to 1e-12
    after the 420-min warm-up and an hour with a meal (round-off accumulates over ~6,000
    RK4 substeps; measured ~4e-14)."""
    monkeypatch.setenv("SIM_WARM_CACHE", "off")
    runs = {}
    for kernel in ("numpy", "numba"):
        monkeypatch.setenv("SIM_KERNEL", kernel)
        m = PhysiologyModel(
            {
                "name": "kernels",
                "seed": 2,
                "duration_min": 60,
                "cells": {"muscle": 40, "liver": 30, "adipose": 20},
                "heterogeneity_cv": 0.3,
                "interventions": [{"kind": "meal", "at_min": 0, "carbs_g": 75}],
            }
        )
        for _ in range(60):
            m.step()
        runs[kernel] = m
    a, b = runs["numpy"], runs["numba"]
    for name in a.tissues:
        np.testing.assert_allclose(b.tissues[name].y, a.tissues[name].y, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(b.x, a.x, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", ["muscle", "liver", "adipose"])
def test_python_per_cell_kernel_matches_vectorised_numpy(model, name):
    """The per-agent engine's plain-Python RK4 (the rate-law source run on floats, one cell)
    follows the vectorised numpy kernel to ~1e-10 over a few steps, for one cell."""
    from sim.kinetics.compiled import python_cell_kernel

    t, u, n_sub = _tissue_step(model, name)
    i = 5
    advance = python_cell_kernel(name)
    reset = tuple(r in t.acc_rows for r in range(t.y.shape[0]))
    p = {
        k: float(v[i]) if isinstance(v, np.ndarray) else float(v) for k, v in vars(t.params).items()
    }
    cell_u = {k: float(v[i]) if isinstance(v, np.ndarray) else float(v) for k, v in vars(u).items()}
    from types import SimpleNamespace

    p, cell_u = SimpleNamespace(**p), SimpleNamespace(**cell_u)
    y_vec, y_py = t.y.copy(), t.y[:, i].tolist()
    for _ in range(4):
        y_vec = en.advance_cells(name, y_vec, u, t.params, 1.0, n_sub, t.acc_rows, kernel="numpy")
        y_py = advance(y_py, reset, cell_u, p, 1.0, n_sub)
        assert all(type(v) is float for v in y_py)  # Python floats throughout, no numpy scalars
        np.testing.assert_allclose(y_py, y_vec[:, i], rtol=1e-10, atol=1e-14)
    assert np.any(y_vec[:, i] != t.y[:, i])


def test_kernel_threads_from_environment(monkeypatch):
    from sim.kinetics import compiled

    monkeypatch.setenv("SIM_THREADS", "3")
    assert compiled.threads() == 3
    monkeypatch.delenv("SIM_THREADS")
    assert compiled.threads() >= 1  # the cores this process may use
    for bad in ("0", "-2", "two"):
        monkeypatch.setenv("SIM_THREADS", bad)
        with pytest.raises(ValueError, match="SIM_THREADS"):
            compiled.threads()


@pytest.mark.skipif(importlib.util.find_spec("numba") is None, reason="numba not installed")
@pytest.mark.parametrize("name", ["muscle", "liver", "adipose"])
def test_compiled_kernel_same_bytes_on_one_and_two_threads(model, name, monkeypatch):
    """Cells split over two threads give the very bytes of one thread (and the threads
    really ran: the pool was asked for ranges of cells)."""
    from sim.kinetics import compiled

    t, u, n_sub = _tissue_step(model, name)
    monkeypatch.setattr(compiled, "PARALLEL_MIN_CELLS", 4)  # split even these ~20 cells
    out = {}
    for k in (1, 2):
        monkeypatch.setenv("SIM_THREADS", str(k))
        compiled._forget_pool()
        out[k] = compiled.advance(name, t.y, u, t.params, 1.0, n_sub, t.acc_rows)
        assert ("pool" in compiled._POOL) is (k == 2)  # the second thread came from the pool
    assert out[1].tobytes() == out[2].tobytes()
    assert np.any(out[1] != t.y)


@pytest.mark.skipif(importlib.util.find_spec("numba") is None, reason="numba not installed")
def test_model_same_bytes_on_one_and_two_threads(monkeypatch):
    """A whole run (warm-up, a meal) with every tissue split over threads: state bytes equal."""
    from sim.kinetics import compiled

    monkeypatch.setenv("SIM_WARM_CACHE", "off")
    monkeypatch.setattr(compiled, "PARALLEL_MIN_CELLS", 16)
    states = []
    for k in (1, 2):
        monkeypatch.setenv("SIM_THREADS", str(k))
        m = PhysiologyModel(
            {
                "name": "threads",
                "seed": 4,
                "duration_min": 20,
                "cells": {"muscle": 60, "liver": 40, "adipose": 30},
                "heterogeneity_cv": 0.3,
                "interventions": [{"kind": "meal", "at_min": 0, "carbs_g": 75}],
            }
        )
        for _ in range(20):
            m.step()
        states.append(b"".join(m.tissues[t].y.tobytes() for t in m.tissues) + m.x.tobytes())
    assert states[0] == states[1]


def test_numba_that_cannot_import_means_numpy(monkeypatch):
    """numba is a core dependency, but where it is missing or broken the numpy kernel runs
    and the reason is kept for the run's manifest and message."""
    import builtins

    from sim.kinetics import compiled

    real_import = builtins.__import__

    def broken(name, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        if name == "numba":
            raise ImportError("numpy version not supported")
        return real_import(name, *args, **kwargs)

    compiled.unavailable_reason.cache_clear()
    monkeypatch.setattr(builtins, "__import__", broken)
    monkeypatch.delenv("SIM_KERNEL", raising=False)
    try:
        reason = compiled.unavailable_reason()
        assert not compiled.available()
        assert en.default_kernel() == "numpy"
    finally:
        monkeypatch.undo()
        compiled.unavailable_reason.cache_clear()
    assert "cannot be imported" in reason and "numpy version not supported" in reason
