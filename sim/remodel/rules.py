"""Rate laws of tissue remodelling (R1, R2): pure functions of per-cell arrays.

Each function is one named mechanism with its parameters from ``sim.parameters.REMODEL``
(a namespace ``rp``). No Mesa, networkx or model state here: the remodeller
(:mod:`sim.remodel.core`) and the agents call them, and the tests check each one's
direction and its switch-off on its own.
"""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np

from sim.types import FloatArray

UG_PER_G = 1e6
UM3_PER_ML = 1e12
MIN_PER_DAY = 1440.0
FFA_G_PER_UMOL = 256e-6
"""Palmitate as the representative fatty acid (as the body model's fat balance)."""


def diameter_um(lipid_ug: FloatArray | float, rp: SimpleNamespace) -> FloatArray:
    """R1: diameter of a spherical adipocyte whose volume is its lipid (unilocular droplet):
    V = m / rho, d = (6 V / pi)^(1/3) (the sizing convention of Di Girolamo 1971 and of
    the osmium/collagenase methods; rho: ``lipid_density_g_ml``, Martin 1994)."""
    volume_um3 = np.asarray(lipid_ug) / UG_PER_G / rp.lipid_density_g_ml * UM3_PER_ML
    return np.cbrt(6.0 * volume_um3 / math.pi)


def lipid_ug(diameter: FloatArray | float, rp: SimpleNamespace) -> FloatArray:
    """Inverse of :func:`diameter_um`: lipid (ug) of a cell of ``diameter`` (um)."""
    volume_um3 = math.pi / 6.0 * np.asarray(diameter, dtype=float) ** 3
    return volume_um3 / UM3_PER_ML * rp.lipid_density_g_ml * UG_PER_G


def glut4_insulin_factor(size_rel: FloatArray, rp: SimpleNamespace) -> FloatArray:
    """R1: insulin-stimulated GLUT4 translocation of a cell relative to a reference-size
    cell: falls linearly with the volume in excess of the reference (small cells keep the
    full response), floor ``glut4_size_floor`` (Franck 2007)."""
    return np.maximum(1.0 - rp.w_size_glut4 * np.maximum(size_rel - 1.0, 0.0), rp.glut4_size_floor)


def hypoxia(hops: FloatArray, diameter: FloatArray, rp: SimpleNamespace) -> FloatArray:
    """R1: hypoxia (0-1) from the oxygen path to the cell's capillary: graph hops from the
    capillary times the cell diameter, over the diffusion limit ``diameter_hypoxia_um``;
    0 below the limit, 1 at twice it."""
    path = hops * diameter
    return np.clip(path / rp.diameter_hypoxia_um - 1.0, 0.0, 1.0)


def chemokine(diameter: FloatArray, hyp: FloatArray, rp: SimpleNamespace) -> FloatArray:
    """R1/R2: MCP-1/chemokine output of living adipocytes relative to a reference-size,
    normoxic one: (d / d_ref)^n, raised by hypoxia (HIF-1a; Trayhurn 2013)."""
    size = np.power(np.maximum(diameter, 0.0) / rp.diameter_reference_um, rp.n_chemokine_size)
    return size * (1.0 + rp.w_hypoxia_tnf * hyp)


def death_hazard(
    diameter: FloatArray,
    hyp: FloatArray,
    visceral: FloatArray,
    rp: SimpleNamespace,
) -> FloatArray:
    """R1: adipocyte death hazard (1/day): the reference turnover scaled by (d / d_ref)^n
    (death frequency rises with size, Cinti 2005; d_ref ``diameter_reference_um``), raised
    by hypoxia and in the visceral depot."""
    size = np.power(np.maximum(diameter, 0.0) / rp.diameter_reference_um, rp.n_death_size)
    depot = 1.0 + (rp.death_visceral - 1.0) * visceral
    return rp.k_death_ref * size * (1.0 + rp.w_death_hypoxia * hyp) * depot


def differentiation_rate(
    neighbour_size: FloatArray,
    akt_rise: float,
    visceral: FloatArray,
    rp: SimpleNamespace,
    basal: FloatArray | float = 0.0,
) -> FloatArray:
    """R1: precursor -> adipocyte differentiation rate (1/day): a ``basal`` renewal plus a
    drive from large neighbours (mean volume relative to the reference above
    ``size_diff_threshold``) and from the depot's insulin (Akt) drive above its first-day
    level; the driven part lower in the visceral depot."""
    drive = np.maximum(neighbour_size - rp.size_diff_threshold, 0.0) + rp.w_diff_insulin * max(
        akt_rise, 0.0
    )
    depot = 1.0 + (rp.diff_visceral - 1.0) * visceral
    return basal + rp.k_diff * drive * depot


def storage_shares(uptake: FloatArray, alive: FloatArray) -> FloatArray:
    """R1: share of a depot's lipid storage each cell takes: its own insulin-stimulated
    glucose uptake (glycerol-3-phosphate for re-esterification; LPL is insulin-activated in
    step with GLUT4), among the living cells of the depot. Equal shares when none takes up."""
    w = np.where(alive, np.maximum(uptake, 0.0), 0.0)
    total = float(w.sum())
    if total <= 0.0:
        n = float(np.count_nonzero(alive))
        return np.where(alive, 1.0 / n, 0.0) if n else w
    return w / total


def chance(rate_per_day: FloatArray, days: float) -> FloatArray:
    """Probability of at least one event of a Poisson process of ``rate_per_day`` in
    ``days``."""
    return -np.expm1(-np.asarray(rate_per_day) * days)


def m1_target(ffa_mM: float, at_dead: bool, anti_inflammatory: float, rp: SimpleNamespace) -> float:
    """R2: the M1 (inflammatory) share a macrophage tends to: local FFA above
    ``m1_ffa_threshold_mM`` (TLR4, Shi 2006) and a dead adipocyte under it (Lumeng 2007)
    push towards M1; omega-3 (the diet's anti-inflammatory input) pulls towards the
    resolving M2 state."""
    drive = rp.w_m1_ffa * max(ffa_mM - rp.m1_ffa_threshold_mM, 0.0) + rp.w_m1_dead * float(at_dead)
    drive *= 1.0 - min(max(anti_inflammatory, 0.0), 1.0)
    return drive / (1.0 + drive)


# ---------------------------------------------------------------------- muscle fibres (R3)


def protein_balance(
    akt_rel: FloatArray,
    igf1_rel: float,
    aa_rel: float,
    load: FloatArray,
    cort_rel: float,
    deficit: float,
    rp: SimpleNamespace,
    stat5_rise: FloatArray | float = 0.0,
) -> FloatArray:
    """R3: net growth rate of a fibre's cross-sectional area (1/day): myofibrillar protein
    synthesis (mTORC1: Akt from insulin, plasma IGF-1, the fibre's own GH signal through
    STAT5 (``stat5_rise``: its STAT5-P above its first-day level; local IGF-1), amino acids,
    the mechanical signal of resistance exercise) less breakdown (FOXO, released when Akt
    falls; cortisol; an energy deficit; a smaller rise after resistance exercise), each
    relative to its first-day level, both equal to ``fsr_basal`` there (a fibre at its
    reference signals keeps its size)."""
    synthesis = (
        1.0
        + rp.w_syn_akt * (akt_rel - 1.0)
        + rp.w_syn_igf1 * (igf1_rel - 1.0)
        + rp.w_syn_stat5 * stat5_rise
        + rp.w_syn_aa * (aa_rel - 1.0)
        + rp.w_syn_load * load
    )
    breakdown = (
        1.0
        + rp.w_brk_foxo * (1.0 - akt_rel)
        + rp.w_brk_cort * (cort_rel - 1.0)
        + rp.w_brk_deficit * max(deficit, 0.0)
        + rp.w_brk_load * load
    )
    return rp.fsr_basal * (np.maximum(synthesis, 0.0) - np.maximum(breakdown, 0.0))


def type_shift_hazard(
    pgc1a: FloatArray, is_type_i: FloatArray, is_iix: FloatArray, rp: SimpleNamespace
) -> FloatArray:
    """R3: hazard (1/day) that a fibre takes the next slower myosin type, in sequence IIx ->
    IIa -> I (the next-neighbour rule of fibre-type transitions; Pette 2000): sustained
    PGC-1alpha above ``pgc_type_threshold`` (calcineurin/PGC-1alpha drive the slow
    programme; Lin 2002) converts a IIx fibre at ``k_type_shift`` per unit, a IIa fibre
    to type I at ``w_type_IIa_I`` of that (endurance training shifts fibres within type II,
    IIa -> I only rarely); type I fibres stay."""
    drive = rp.k_type_shift * np.maximum(pgc1a - rp.pgc_type_threshold, 0.0)
    step = np.asarray(is_iix) + rp.w_type_IIa_I * (1.0 - np.asarray(is_iix))
    return drive * step * (1.0 - is_type_i)


def capillary_target(pgc1a: FloatArray, csa_rel: FloatArray, rp: SimpleNamespace) -> FloatArray:
    """R3: capillaries a fibre's surroundings tend to (its share of the capillary-to-fibre
    ratio): ``cf_ratio_ref`` raised by the fibre's PGC-1alpha (PGC-1alpha -> VEGF,
    angiogenesis; Arany 2008) and by its growth over its first size (capillary supply
    follows fibre size; Andersen 1977)."""
    drive = 1.0 + rp.w_angio_pgc * np.maximum(pgc1a, 0.0)
    drive = drive + rp.w_angio_size * (csa_rel - 1.0)
    return rp.cf_ratio_ref * np.maximum(drive, 0.0)


def energy_expenditure_delta(
    fat_ox_umol_min: float, fat_ox_ref: float, lean_delta_kg: float, rp: SimpleNamespace
) -> float:
    """R3/R1: change of daily energy expenditure (kcal/day) from its first-day level: the
    part ``f_fatox_ee`` of extra fat oxidation that adds to expenditure (the rest displaces
    carbohydrate oxidation) plus the resting expenditure of extra lean mass."""
    g_day = (fat_ox_umol_min - fat_ox_ref) * MIN_PER_DAY * FFA_G_PER_UMOL
    return rp.f_fatox_ee * g_day * rp.kcal_per_g_fat + rp.ree_per_kg_lean * lean_delta_kg


# ---------------------------------------------------------------------- hepatocyte lipid


G_TG_PER_UMOL_FA = 285.6e-6
"""Triglyceride per esterified fatty acid (g/umol): a mixed triglyceride of ~857 g/mol
carries three fatty acids."""
G_PER_KG_PER_PCT = 10.0
"""1 % of liver weight is 10 g of triglyceride per kg of liver."""


def pct_per_day(umol_kg_min: FloatArray | float) -> FloatArray:
    """A fatty-acid flux (umol per kg liver per min) as liver fat (% of weight) per day."""
    return np.asarray(umol_kg_min) * MIN_PER_DAY * G_TG_PER_UMOL_FA / G_PER_KG_PER_PCT


def vldl_export(lipid_pct: FloatArray, vmax: FloatArray, rp: SimpleNamespace) -> FloatArray:
    """Hepatocyte lipid: VLDL-triglyceride export (umol FA per kg liver per min), saturating
    in the cell's own triglyceride (secretion rises with liver fat and plateaus from ~10 %;
    Fabbrini 2008)."""
    lipid = np.maximum(lipid_pct, 0.0)
    return vmax * lipid / (rp.K_vldl_pct + lipid)


def vldl_capacity(inflow: FloatArray, lipid_pct: FloatArray, rp: SimpleNamespace) -> FloatArray:
    """The VLDL capacity at which a cell of ``lipid_pct`` exports its whole ``inflow``
    (its steady state)."""
    lipid = np.maximum(lipid_pct, 1e-9)
    return np.asarray(inflow) * (rp.K_vldl_pct + lipid) / lipid


def liver_lipid_step(
    lipid_pct: FloatArray,
    inflow: FloatArray,
    vmax: FloatArray,
    days: float,
    rp: SimpleNamespace,
    substeps: int = 48,
) -> FloatArray:
    """Hepatocyte lipid over ``days``: d lipid/dt = esterified inflow - VLDL export, each
    cell on its own (explicit substeps of at most half an hour; the pool turns over in
    days, Fabbrini 2008's 11 umol TG/min against ~50 g of liver fat)."""
    lipid = np.asarray(lipid_pct, dtype=float).copy()
    h = days / substeps
    for _ in range(substeps):
        lipid = np.maximum(lipid + h * pct_per_day(inflow - vldl_export(lipid, vmax, rp)), 0.0)
    return lipid


def surplus_dnl_umol_kg_min(carb_kcal_day: float, liver_kg: float, rp: SimpleNamespace) -> float:
    """Hepatic de novo lipogenesis added by a carbohydrate surplus of ``carb_kcal_day``
    (negative in a deficit: less lipogenesis), umol FA per kg liver per min
    (``dnl_g_per_1000kcal``; Lammert 2000)."""
    g_day = rp.dnl_g_per_1000kcal * carb_kcal_day / 1000.0
    return g_day / FFA_G_PER_UMOL / MIN_PER_DAY / liver_kg


def dag_from_lipid(lipid_pct: FloatArray, lipid0: FloatArray, rp: SimpleNamespace) -> FloatArray:
    """Hepatocyte DAG from its stored triglyceride above its starting content (relative to
    the acyl-CoA-derived DAG): lipid-droplet DAG tracks liver fat (Kumashiro 2011); the
    per-cell parameter ``dag_tg`` of the liver law."""
    return rp.w_dag_tg * (np.asarray(lipid_pct) / np.maximum(lipid0, 1e-9) - 1.0)
