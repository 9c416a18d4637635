"""The numerical core of one run, free of Mesa: tissue arrays, inputs, fluxes, stepping.

One engine step of ``dt`` is operator-split: (1) the inputs each cell sees are computed from
the body state at ``t`` through the exchange operators; (2) every cell advances over ``dt``
with those inputs (vectorised here, or agent by agent with the very same function);
(3) the cells' integrated fluxes (glucose uptake and output, FFA, TNF-alpha) drive the body
over the same ``dt``. The glucose taken up by the cells in (2) is exactly what the body loses
in (3), so whole-body glucose mass balance holds to round-off.
"""

from __future__ import annotations

import dataclasses
import math
import os
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import numpy as np

from sim import numerics
from sim.graph import CellLayout
from sim.interventions import REGISTRY
from sim.interventions.diet import diet_inputs, diet_level  # noqa: F401  (re-exported)
from sim.kinetics import body as bk
from sim.kinetics import body_compiled, body_stiffness, cell_inputs, compiled, stiffness
from sim.kinetics.body import CellFluxes
from sim.kinetics.species import ACCUMULATOR_NAMES, TISSUE_SPECIES, index
from sim.kinetics.tissues import BoundRHS, stiffness_bound
from sim.parameters import (  # noqa: F401 (BodyParams, body_params re-exported)
    TISSUE_PARAMS,
    BodyParams,
    TissueParams,
    body_params,
    tissue_params,
)
from sim.types import BoolArray, FloatArray


@dataclass(frozen=True, slots=True)
class RunContext:
    """What a run's numerical layers read and never change while stepping.

    Attributes:
        bp: the body parameters (:class:`sim.parameters.BodyParams`).
        sch: the schedule of inputs (:class:`sim.signals.Schedule`; the fasting warm-up runs
            on a context with its warm-up schedule).
        geo: the exchange geometry (:class:`sim.kinetics.body.Geometry`); a remodelled
            tissue replaces the context with a new geometry when its cells change.
        masses: tissue masses (:class:`sim.kinetics.body.Masses`).
        medium: the ``medium`` protocol of a cells-in-medium run (None: a body).
    """

    bp: BodyParams
    sch: Any
    geo: bk.Geometry
    masses: bk.Masses
    medium: Any = None


@dataclass
class Tissue:
    """State and parameters of every cell of one tissue (structure of arrays)."""

    name: str
    y: FloatArray
    params: TissueParams
    layout: CellLayout
    mass_kg: float
    names: list[str] = field(init=False)
    acc_rows: list[int] = field(init=False)
    _rows: dict[str, int] = field(init=False, repr=False, compare=False)
    _means: dict[str, tuple[object, float]] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )
    alive: BoolArray | None = None
    """Remodelled tissue (:mod:`sim.remodel`): the columns that are living cells (None: all)."""
    local_tnf: FloatArray | None = None
    """Remodelled tissue: paracrine TNF-alpha (pg/mL) each cell sees over plasma (None: 0)."""

    def __post_init__(self) -> None:
        self.names = [s.name for s in TISSUE_SPECIES[self.name]]
        self.acc_rows = [i for i, n in enumerate(self.names) if n in ACCUMULATOR_NAMES]
        self._rows = index(self.name)

    @property
    def n(self) -> int:
        return self.y.shape[1]

    def row(self, species: str) -> FloatArray:
        return self.y[self._rows[species]]

    def param_mean(self, name: str) -> float:
        """Mean over cells of parameter ``name``; computed again whenever the parameter is
        replaced (parameters are set when the model is built and not changed in place)."""
        value = getattr(self.params, name)
        hit = self._means.get(name)
        if hit is None or hit[0] is not value:
            hit = self._means[name] = (value, float(np.mean(value)))
        return hit[1]


def _lognormal(rng: np.random.Generator, cv: float, n: int) -> FloatArray:
    s2 = math.log1p(cv**2)
    return rng.lognormal(-0.5 * s2, math.sqrt(s2), n)


def build_params(
    tissue: str,
    overrides: dict[str, float],
    layout: CellLayout,
    cv: float,
    rng: np.random.Generator,
) -> TissueParams:
    """Resolve a tissue's parameters: defaults, overrides, per-cell layout and spread, as
    the tissue's frozen parameter class (:data:`sim.parameters.TISSUE_PARAMS`; per-cell
    arrays read-only).

    Parameters declared with ``cv > 0`` are drawn per cell from a log-normal distribution of
    mean 1 and coefficient of variation ``cv`` (seeded); layout values (fibre type, zone,
    adipocyte size) multiply the declared value.
    """
    n = len(layout.nodes)
    out = {}
    for name, par in tissue_params(tissue).items():
        value: float | FloatArray = overrides.get(f"{tissue}.{name}", par.value)
        if name in layout.params:
            value = value * layout.params[name]
        if par.cv > 0 and cv > 0:
            value = value * _lognormal(rng, cv * par.cv, n)
        if isinstance(value, np.ndarray):
            value.setflags(write=False)
        out[name] = value
    return TISSUE_PARAMS[tissue](**out)


KNOCKOUT_POOLS = {
    "ir_f": "expr_ir",
    "ghr_f": "expr_ghr",
    "irs1_u": "expr_irs1",
    "irs1_ps": "expr_irs1",
}
"""Species whose starting amount is the protein left by a knockout (fraction of wild type)."""


def initial_state(tissue: str, n: int, params: SimpleNamespace | None = None) -> FloatArray:
    """Starting state of ``n`` cells; knocked-out pools start at their expression level."""
    y = np.repeat(np.array([[s.initial] for s in TISSUE_SPECIES[tissue]]), n, axis=1)
    if params is not None:
        for i, s in enumerate(TISSUE_SPECIES[tissue]):
            if s.name in KNOCKOUT_POOLS:
                y[i] = y[i] * getattr(params, KNOCKOUT_POOLS[s.name])
    return y


BLOCK_CELLS = 8192
"""Cells advanced together by the numpy path. A block's arrays (31 species x 8192 x 8 B =
2 MiB each, ~10 live) stay in cache instead of streaming from memory ~300 times per
right-hand side: about 2x less CPU per cell-step at 10^5 cells, and work memory no longer
grows with the population (measured in docs/performance.md)."""


def block_namespace(ns: SimpleNamespace, a: int, b: int, n: int) -> SimpleNamespace:
    """The per-cell entries of ``ns`` cut to cells ``a:b`` (views); scalars unchanged."""
    return SimpleNamespace(
        **{
            k: (v[a:b] if isinstance(v, np.ndarray) and v.shape == (n,) else v)
            for k, v in vars(ns).items()
        }
    )


def default_kernel() -> str:
    """The cell kernel: the compiled per-cell kernel (``numba``, a core dependency) where
    numba imports, the numpy path otherwise (the fallback, and the reference the compiled
    one is tested against). ``SIM_KERNEL=numpy`` forces numpy; ``SIM_KERNEL=numba`` asks for
    the compiled kernel and falls back to numpy where numba cannot be imported. The
    compiled kernel splits a tissue of :data:`compiled.PARALLEL_MIN_CELLS` cells or more
    over ``SIM_THREADS`` threads (default: every core), with the same result to the bit.

    With it the body runs compiled too (:func:`advance_body`). The first use on a machine
    compiles the three tissue kernels (~15 s here) and generates and compiles the body
    (~5-10 s) into ``~/.cache/sim/numba``; later processes load them.
    """
    if os.environ.get("SIM_KERNEL", "").lower() != "numpy" and compiled.available():
        return "numba"
    return "numpy"


def advance_cells(
    tissue: str,
    y: FloatArray,
    u: SimpleNamespace,
    p: SimpleNamespace,
    dt: float,
    n_sub: int,
    acc_rows: list[int],
    kernel: str | None = None,
) -> FloatArray:
    """Advance cells over ``dt`` with frozen inputs; accumulators restart from zero.

    Every operation is elementwise over cells, so cells are advanced in equal blocks of at
    most :data:`BLOCK_CELLS` with the same result as all at once. ``kernel="numba"`` runs the
    compiled copy of the same rate laws (:mod:`sim.kinetics.compiled`); ``None`` picks
    :func:`default_kernel`.
    """
    cell_inputs.check(vars(u), f"{tissue} cells")
    n = y.shape[1]
    if (kernel or default_kernel()) == "numba":
        return compiled.advance(tissue, y, u, p, dt, n_sub, acc_rows)
    out = np.empty_like(y)  # the only population-sized work array
    edges = np.linspace(0, n, -(-n // BLOCK_CELLS) + 1).astype(int).tolist()  # equal blocks
    for a, b in zip(edges[:-1], edges[1:], strict=True):
        yb = y[:, a:b].copy()
        yb[acc_rows] = 0.0
        rhs = BoundRHS(tissue, block_namespace(u, a, b, n), block_namespace(p, a, b, n))
        out[:, a:b] = numerics.rk4_inplace(rhs, 0.0, yb, dt, n_sub)
    return out


def cell_substeps(dt: float, tissue: Tissue, u: SimpleNamespace) -> int:
    """RK4 substeps of ``tissue`` over ``dt`` with inputs ``u``: set by the bound of its
    cells' fastest rate (:func:`~sim.kinetics.tissues.stiffness_bound`). Where numba
    imports, :func:`sim.kinetics.stiffness.substeps` gives the same integer, mostly without
    an eigenvalue problem, and packs the inputs once for the bound and the kernel."""
    if compiled.available():
        return stiffness.substeps(dt, tissue.y, tissue.name, u, tissue.params)
    return numerics.substeps(dt, stiffness_bound(tissue.y, tissue.name, u, tissue.params))


def slice_namespace(ns: SimpleNamespace, i: int, n: int) -> SimpleNamespace:
    """The part of a per-cell namespace that belongs to cell ``i`` (shape-(1,) arrays)."""
    return SimpleNamespace(
        **{
            k: (v[i : i + 1] if isinstance(v, np.ndarray) and v.shape == (n,) else v)
            for k, v in vars(ns).items()
        }
    )


# ---------------------------------------------------------------- inputs to the cells


def _medium_value(v: float | list, t: float) -> float:
    if isinstance(v, int | float):
        return float(v)
    value = 0.0
    for at, val in sorted(v):
        if t >= at:
            value = val
    return value


def systemic_inputs(t: float, x: FloatArray, ctx: RunContext) -> dict[str, float]:
    """Plasma concentrations and signals common to every cell at time ``t``."""
    bp, sch = ctx.bp, ctx.sch
    if ctx.medium is not None:
        m = ctx.medium
        return {
            "glc_mM": _medium_value(m.glucose_mM, t),
            "ffa_mM": _medium_value(m.ffa_mM, t),
            "gh_nM": _medium_value(m.gh_ug_l, t) * bk.GH_NM_PER_UG_L,
            "tnf_pg_ml": _medium_value(m.tnf_pg_ml, t),
            "cort_excess": 0.0,
            "intensity": 0.0,
            "catechol": 0.0,
            # C1: no glucagon is added to a medium; hepatocytes see the fasting portal level
            # (their PKA at its reference), so medium runs keep their meaning
            "glucagon_pg_ml": ctx.bp.gcg_basal_pg_ml * (1.0 + ctx.bp.gcg_portal_excess),
            "ins_nM": _medium_value(m.insulin_nM, t),
        }
    intensity = sch.intensity(t)
    glc = bk.glucose_mM(x, bp)
    return {
        "glc_mM": glc,
        "ffa_mM": bk.ffa_mM(x, bp),
        "gh_nM": bk.gh_ug_l(x, bp) * bk.GH_NM_PER_UG_L,
        "tnf_pg_ml": bk.tnf_pg_ml(x, bp),
        "cort_excess": max(float(x[bk.IDX["cort"]]) / bp.cort_ref_nM - 1.0, 0.0),
        "intensity": intensity,
        "catechol": bk.adrenergic_signal(x, bp),
        "glucagon_pg_ml": bk.portal_glucagon(x, bp),
    }


def tissue_inputs(
    t: float,
    x: FloatArray,
    ctx: RunContext,
    tissue: Tissue,
    base: dict[str, float],
    last_flux: CellFluxes | None,
) -> SimpleNamespace:
    """Inputs of every cell of ``tissue``: local insulin through the graph operators;
    ``last_flux``: the cell fluxes of the last step (visceral FFA and TNF-alpha reach the
    liver through the portal vein; None before the first step: none)."""
    bp, geo = ctx.bp, ctx.geo
    u = cell_inputs.neutral()  # every declared input (sim/kinetics/cell_inputs.py)
    u.update(base)
    for kind in REGISTRY.values():  # diet, modulators, acipimox, ... each sets its inputs
        kind.cell_inputs(ctx, t, tissue, u)
    for name in cell_inputs.UNREAD[tissue.name]:  # e.g. exercise intensity outside muscle
        u[name] = cell_inputs.BY_NAME[name].neutral
    if ctx.medium is not None:
        u["ins_nM"] = np.full(tissue.n, base["ins_nM"])
        cell_inputs.check(u, f"{tissue.name} inputs")
        return SimpleNamespace(**u)
    n_m, _ = geo.n_isf
    isf = x[bk.N_SCALARS :]
    if tissue.name == "muscle":
        u["ins_nM"] = geo.a_muscle @ isf[:n_m] / 1000.0
    elif tissue.name == "adipose":
        u["ins_nM"] = geo.a_adipose @ isf[n_m:] / 1000.0
        if tissue.local_tnf is not None:  # R2: macrophage TNF-alpha on graph neighbours
            u["tnf_pg_ml"] = base["tnf_pg_ml"] + tissue.local_tnf
    else:  # liver: portal blood = plasma + pancreatic insulin, gut glucose, visceral FFA/TNF
        q = bp.portal_flow_l_kg_min
        portal_ins = bk.insulin_pmol_l(x, bp) + float(x[bk.IDX["beta_y"]]) / q
        u["ins_nM"] = portal_ins * geo.liver_atten / 1000.0
        ra = bp.f_abs * bp.k_abs * float(x[bk.IDX["gut"]])
        u["glc_mM"] = base["glc_mM"] + ra / q / bk.MG_PER_MMOL_GLC
        visc_ffa = 0.0 if last_flux is None else last_flux.ffa_release_visc
        visc_tnf = 0.0 if last_flux is None else last_flux.tnf_visceral
        u["ffa_mM"] = base["ffa_mM"] + visc_ffa / q / 1000.0
        u["tnf_pg_ml"] = base["tnf_pg_ml"] + visc_tnf / q / 1000.0
    cell_inputs.check(u, f"{tissue.name} inputs")
    return SimpleNamespace(**u)


# ---------------------------------------------------------------- fluxes back to the body


def _per_body(
    tissue: Tissue,
    species: str,
    dt: float,
    mass_kg: float,
    bw: float,
    cells: BoolArray | None = None,
    weights: FloatArray | None = None,
) -> float:
    """Whole-body flux (per kg body mass per minute) of the step accumulator ``species``:
    its mean over ``cells`` (all when None; zero when none) scaled to the tissue mass;
    ``weights`` (mean 1): each cell's share of the tissue mass (remodelled muscle fibres)."""
    row = tissue.row(species)
    if weights is not None:
        row = row * weights
    if cells is not None:
        row = row[cells]
    mean = _mean(row) if row.size else 0.0
    return mean * mass_kg / bw / dt


def _mean(v: FloatArray) -> float:
    """``float(np.mean(v))`` of a 1-D float array, bit for bit (the same pairwise sum,
    divided by the count), without ``np.mean``'s Python-level dispatch (~3 us a call, ten
    calls a step)."""
    return float(np.add.reduce(v)) / v.size


def cell_fluxes(
    tissues: dict[str, Tissue],
    x: FloatArray,
    dt: float,
    ctx: RunContext,
    pool: Any = None,
    muscle_w: FloatArray | None = None,
) -> CellFluxes:
    """Whole-body fluxes (per kg body mass per minute) from the cells' step accumulators.

    ``pool``: the remodelled adipose tissue (:mod:`sim.remodel`; None: not remodelled);
    ``muscle_w``: each muscle fibre's share of the muscle mass (mean 1; None: equal)."""
    bw = ctx.masses.body
    mu, li, ad = tissues["muscle"], tissues["liver"], tissues["adipose"]
    sc_cells, visc_cells = ctx.geo.subcutaneous_cells, ctx.geo.visceral_cells
    fat_sc, fat_visc = float(x[bk.IDX["fat_sc"]]), float(x[bk.IDX["fat_visc"]])
    fat = fat_sc + fat_visc
    living, fat_cells = None, fat
    if pool is not None:  # remodelling: living cells only, each a fixed share of the depot
        sc_cells, visc_cells, fat_sc, fat_visc = pool.flux_masks()
        living, fat_cells = sc_cells | visc_cells, fat_sc + fat_visc
    rel_sc = _per_body(ad, "cum_ffa_out", dt, fat_sc, bw, sc_cells)
    rel_visc = _per_body(ad, "cum_ffa_out", dt, fat_visc, bw, visc_cells)
    tnf_sc = _per_body(ad, "cum_tnf", dt, fat_sc, bw, sc_cells)
    tnf_visc = _per_body(ad, "cum_tnf", dt, fat_visc, bw, visc_cells)
    if pool is not None:  # R2: macrophage TNF-alpha into each depot's venous outflow
        tnf_sc += pool.macrophage_tnf[0]
        tnf_visc += pool.macrophage_tnf[1]
    return CellFluxes(
        egp=_per_body(li, "cum_egp", dt, ctx.masses.liver, bw),
        gng=_per_body(li, "cum_gng", dt, ctx.masses.liver, bw),
        u_muscle=_per_body(mu, "cum_glc", dt, ctx.masses.muscle, bw, weights=muscle_w),
        u_adipose=_per_body(ad, "cum_glc", dt, fat_cells, bw, living),
        u_liver=_per_body(li, "cum_glc", dt, ctx.masses.liver, bw),
        ffa_release=rel_sc + rel_visc,
        ffa_release_sc=rel_sc,
        ffa_release_visc=rel_visc,
        # F1: cellular FFA uptake is first order in plasma FFA (CD36/FATP), so the body
        # applies it to its current FFA (umol/kg BW/min per mM): a frozen flux could drain
        # the small, fast plasma pool below zero within one step. E1/F1: working muscle takes
        # up more FFA (its perfusion, body state `flow`, and sarcolemmal CD36 follow work).
        ffa_clearance=(
            mu.param_mean("v_ffa_uptake")
            * ctx.masses.muscle
            * (1.0 + ctx.bp.w_ffa_uptake_ex * float(x[bk.IDX["flow"]]))
            + li.param_mean("v_ffa_uptake") * ctx.masses.liver
            + ad.param_mean("v_ffa_uptake") * fat
        )
        / bw,
        tnf_adipose=tnf_sc + tnf_visc,
        tnf_visceral=tnf_visc,
        igf1_m=_mean(li.row("igf1_m")),
    )


GLUCOSE_FLUXES = ("egp", "u_muscle", "u_adipose", "u_liver")


class BodyRHS:
    """Body right-hand side with the step's cell fluxes bound.

    With the previous step's fluxes, each glucose flux varies linearly across the step through
    its step mean (the slope is the change since the last step, limited so the flux stays
    non-negative): the step's integral is unchanged, so mass balance holds exactly, while
    dG/dt inside the step follows the cells instead of jumping at step boundaries.
    """

    def __init__(
        self,
        cf: CellFluxes,
        ctx: RunContext,
        t0: float = 0.0,
        dt: float = 1.0,
        prev: CellFluxes | None = None,
    ) -> None:
        self.cf, self.ctx, self.t0, self.dt = cf, ctx, t0, dt
        self.slopes = {}
        if prev is not None:
            for k in GLUCOSE_FLUXES:
                mean, change = getattr(cf, k), getattr(cf, k) - getattr(prev, k)
                half = max(-mean, min(mean, 0.5 * change))  # flux >= 0 at both ends
                self.slopes[k] = 2.0 * half / dt

    def fluxes(self, t: float) -> CellFluxes:
        """The cell fluxes the body sees at time ``t`` inside the step."""
        if not self.slopes:
            return self.cf
        tau = t - self.t0 - 0.5 * self.dt
        at_t = {k: getattr(self.cf, k) + slope * tau for k, slope in self.slopes.items()}
        return dataclasses.replace(self.cf, **at_t)

    def __call__(self, t: float, x: FloatArray) -> FloatArray:
        ctx = self.ctx
        inputs = bk.body_inputs(t, ctx.sch, ctx.bp)
        return bk.body_rhs(x, inputs, self.fluxes(t), ctx.bp, ctx.geo)


def body_fastest_rate(t: float, x: FloatArray, cf: CellFluxes, ctx: RunContext, dt: float) -> float:
    """An upper bound (1/min) of the spectral radius of the body's Jacobian at ``x`` over
    the step from ``t`` to ``t + dt``, derived from the traced body laws
    (:mod:`sim.kinetics.body_stiffness`); no rate is restated here."""
    return body_stiffness.fastest_rate(t, x, cf, ctx, dt)


def body_substeps(t: float, x: FloatArray, cf: CellFluxes, ctx: RunContext, dt: float) -> int:
    """RK4 substeps of the body over ``dt`` from ``(t, x)``: set by its fastest rate."""
    return numerics.substeps(dt, body_fastest_rate(t, x, cf, ctx, dt))


def advance_body(
    t: float,
    x: FloatArray,
    cf: CellFluxes,
    ctx: RunContext,
    dt: float,
    prev: CellFluxes | None = None,
    kernel: str | None = None,
) -> FloatArray:
    """Advance the body over ``dt`` with the cells' fluxes of this step (``prev``, the last
    step's, sets how the glucose fluxes vary across it: :class:`BodyRHS`).

    ``kernel="numba"`` (the default where numba imports, :func:`default_kernel`) runs the
    same RK4 of the same right-hand side compiled (:mod:`sim.kinetics.body_compiled`,
    generated from the traced :func:`~sim.kinetics.body.body_rhs`); ``"numpy"``, or a
    compiled body that cannot be made, runs it in Python (the reference)."""
    rhs = BodyRHS(cf, ctx, t, dt, prev)
    if (kernel or default_kernel()) == "numba" and body_compiled.available():
        return body_compiled.advance(rhs, t, x, dt)  # the substeps of body_substeps
    return numerics.rk4(rhs, t, x, dt, body_substeps(t, x, cf, ctx, dt))
