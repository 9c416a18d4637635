"""Whole-body rate laws: plasma glucose, insulin, FFA, GH, IGF-1, cortisol, TNF-alpha, gut,
and the counter-regulatory hormones glucagon, adrenaline and noradrenaline (C1, C2).

The body exchanges with the cells through fluxes that the cells compute (uptake, glucose
output, FFA release, TNF-alpha output), held constant over one engine step, and through the
concentrations it hands back to them (:func:`cell_inputs`). Interstitial insulin of muscle
capillary segments and adipose depots is part of the body state, one value per exchange node
of the tissue graph (B1 transendothelial delay). Units: glucose mg/kg body mass, insulin
pmol/kg, FFA umol/kg, GH ug/kg, IGF-1 ug/L, cortisol nM, TNF-alpha pg/kg, glucagon,
adrenaline and noradrenaline pg/mL of plasma, meal amino acids g protein/kg.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

from sim import units
from sim.types import BoolArray, FloatArray
from sim.units import (
    FA_UMOL_PER_G_TG,
    MG_DL_PER_MM_GLC,
    PALMITATE_KG_PER_UMOL,
    PMOL_PER_UU_INSULIN,
)

if TYPE_CHECKING:
    from sim.parameters import BodyParams

SCALARS: tuple[str, ...] = (
    "q_glc",
    "q_gt",
    "ins_p",
    "beta_y",
    "rrp",
    "g_adapt",
    "ffa",
    "gh",
    "gh_sc",
    "gh_sc2",
    "gh_pool",
    "gh_ex",
    "ghrh",
    "sst",
    "ghrelin",
    "igfbp1",
    "gh_hazard",
    "gh_fired",
    "gh_b1",
    "gh_b2",
    "ipam",
    "ipam_sc",
    "serm",
    "serm_sc",
    "igf1",
    "cort",
    "tnf",
    "sto1",
    "sto2",
    "gut",
    "sto_slow",
    "chylo",
    "tg_chylo",
    "clamp_int",
    "clamp_glc",
    "flow",
    "gcg",
    "adr",
    "nor",
    "ex_dur",
    "aa_gut",
    "aa",
    "fat_sc",
    "fat_visc",
    "bhb",
    "acc_egp",
    "acc_ra",
    "acc_gir",
    "acc_infusion",
    "acc_muscle",
    "acc_adipose",
    "acc_liver",
    "acc_other",
    "acc_renal",
    "acc_spill",
)
ACCUMULATORS = tuple(n for n in SCALARS if n.startswith("acc_"))
IDX = {n: i for i, n in enumerate(SCALARS)}
N_SCALARS = len(SCALARS)
GH_NM_PER_UG_L = units.GH_NM_PER_UG_L
MG_PER_MMOL_GLC = units.MG_PER_MMOL_GLC


@dataclass(frozen=True)
class Geometry:
    """Exchange structure built once from the tissue graph (sparse, no networkx in steps).

    Attributes:
        a_muscle: (n_muscle, n_capillary) row-normalised fibre-to-segment incidence.
        lap_muscle: (n_capillary, n_capillary) graph Laplacian between capillary segments.
        kte_muscle: (n_capillary,) transendothelial rate multipliers (heterogeneity).
        a_adipose, lap_adipose, kte_adipose: the same for adipose depot capillaries.
        liver_atten: (n_liver,) sinusoidal insulin at each hepatocyte relative to portal inflow.
        hepatic_extraction: 1 - outflow/inflow insulin along the sinusoids.
        visceral: (n_adipose,) 1 for visceral adipocytes, 0 for subcutaneous.
        v_ecw: extracellular water relative to the start: the glucose and GH distribution
            volumes (body parameters ``vg_dl_kg``, ``gh_vd_l_kg``) are multiplied by it.
        v_plasma: plasma volume relative to the start: the insulin, FFA and TNF-alpha
            distribution volumes (``vi_l_kg``, ``vffa_l_kg``, ``tnf_v_ml_kg``).
        ins_clear: systemic insulin clearance relative to ``k_ins_clear``.

    The last three are 1 unless a remodelled body changes its composition
    (:mod:`sim.remodel.body`; issue 26 item 5). The body state of a species with a
    distribution volume is its concentration times the volume of the start per kg of the
    starting body mass, so every concentration helper (:func:`glucose_mM`, ...) reads it
    unchanged; :func:`body_rhs` works on amounts (state x relative volume) and divides their
    rates by the relative volume.
    """

    a_muscle: sp.csr_matrix
    lap_muscle: sp.csr_matrix
    kte_muscle: FloatArray
    a_adipose: sp.csr_matrix
    lap_adipose: sp.csr_matrix
    kte_adipose: FloatArray
    liver_atten: FloatArray
    hepatic_extraction: float
    visceral: FloatArray
    v_ecw: float = 1.0
    v_plasma: float = 1.0
    ins_clear: float = 1.0

    @cached_property
    def n_isf(self) -> tuple[int, int]:
        """Interstitial insulin nodes of muscle and of adipose tissue."""
        return self.a_muscle.shape[1], self.a_adipose.shape[1]

    @cached_property
    def kte_max(self) -> float:
        """The largest transendothelial rate multiplier (sets the body's substeps)."""
        return max(float(np.max(self.kte_muscle)), float(np.max(self.kte_adipose, initial=1.0)))

    @cached_property
    def visceral_cells(self) -> BoolArray:
        """Adipocytes of the visceral depot."""
        return self.visceral > 0

    @cached_property
    def subcutaneous_cells(self) -> BoolArray:
        """Adipocytes of the subcutaneous depot."""
        return 1.0 - self.visceral > 0

    @cached_property
    def lap_isf(self) -> sp.csr_matrix:
        """Both Laplacians as one block-diagonal operator on all interstitial nodes (muscle
        first): one sparse product per right-hand side, each row summed as in its block."""
        return sp.block_diag((self.lap_muscle, self.lap_adipose), format="csr")


COMPOSITION_FIELDS = ("v_ecw", "v_plasma", "ins_clear")
"""The :class:`Geometry` fields a remodelled body's composition sets (1 otherwise)."""
VOLUME_OF: dict[str, str] = {
    "q_glc": "v_ecw",
    "gh": "v_ecw",
    "ins_p": "v_plasma",
    "ffa": "v_plasma",
    "tnf": "v_plasma",
}
"""Each body state with a distribution volume and the :class:`Geometry` field of its volume
relative to the start (extracellular water: glucose space and GH; plasma: insulin, FFA and
TNF-alpha)."""


@dataclass(frozen=True)
class Masses:
    """Tissue masses (kg) that convert per-cell fluxes to whole-body ones."""

    body: float
    muscle: float
    liver: float
    fat_sc0: float
    fat_visc0: float


@dataclass(frozen=True, slots=True)
class CellFluxes:
    """What the cells give the body over one engine step, per kg body mass per minute
    (:func:`sim.engine.cell_fluxes`).

    Attributes:
        egp, gng: hepatic glucose output and its gluconeogenic part (mg/kg/min).
        u_muscle, u_adipose, u_liver: glucose uptake by each tissue (mg/kg/min).
        ffa_release, ffa_release_sc, ffa_release_visc: adipocyte FFA release, all depots and
            each (umol/kg/min).
        ffa_clearance: cellular FFA uptake per mM of plasma FFA (umol/kg/min per mM).
        tnf_adipose, tnf_visceral: TNF-alpha output of adipose tissue, all and visceral
            (pg/kg/min).
        igf1_m: hepatocyte IGF-1 mRNA, mean over cells (drives IGF-1 production).
    """

    egp: float
    gng: float
    u_muscle: float
    u_adipose: float
    u_liver: float
    ffa_release: float
    ffa_release_sc: float
    ffa_release_visc: float
    ffa_clearance: float
    tnf_adipose: float
    tnf_visceral: float
    igf1_m: float


def masses(bp: BodyParams) -> Masses:
    """Tissue masses from body mass and composition (DESIGN: muscle 40 % of lean mass)."""
    fat = bp.body_mass_kg * bp.fat_fraction
    lean = bp.body_mass_kg - fat
    return Masses(
        bp.body_mass_kg,
        bp.muscle_fraction_lean * lean,
        bp.liver_mass_kg,
        fat * (1 - bp.visceral_fraction),
        fat * bp.visceral_fraction,
    )


def glucose_mM(x: FloatArray, bp: BodyParams) -> float:
    return float(x[IDX["q_glc"]]) / bp.vg_dl_kg / MG_DL_PER_MM_GLC


def insulin_pmol_l(x: FloatArray, bp: BodyParams) -> float:
    return float(x[IDX["ins_p"]]) / bp.vi_l_kg


def ffa_mM(x: FloatArray, bp: BodyParams) -> float:
    return float(x[IDX["ffa"]]) / bp.vffa_l_kg / 1000.0


def gh_ug_l(x: FloatArray, bp: BodyParams) -> float:
    return float(x[IDX["gh"]]) / bp.gh_vd_l_kg


def tnf_pg_ml(x: FloatArray, bp: BodyParams) -> float:
    return float(x[IDX["tnf"]]) / bp.tnf_v_ml_kg


def brain_uptake(g_mM: float, bp: BodyParams) -> float:
    """Brain glucose uptake (mg/kg/min) through saturated GLUT1/3, ``v_brain`` at the
    reference glucose (the postabsorptive brain, ketones at their overnight level)."""
    return (
        bp.v_brain
        * g_mM
        * (bp.km_brain_mM + bp.glc_ref_mM)
        / (bp.glc_ref_mM * (bp.km_brain_mM + g_mM))
    )


def brain_other_uptake(g_mM: float, bp: BodyParams) -> float:
    """Insulin-independent uptake (mg/kg/min): brain (saturated GLUT1/3) and other tissues."""
    return brain_uptake(g_mM, bp) + bp.v_other * g_mM / bp.glc_ref_mM


def brain_ketone_share(bhb_mM: float, bp: BodyParams) -> float:
    """K1: share of the brain's fuel that ketone bodies supply at plasma
    beta-hydroxybutyrate ``bhb_mM``: a Hill function (``n_brain_bhb``) with half-share at
    ``K_brain_bhb_mM`` (brain monocarboxylate transport; negligible after an overnight or
    18-h fast, London 1986; a quarter of brain glucose use replaced after 3.5 days,
    Hasselbalch 1994; the predominant fuel after weeks, Owen 1967)."""
    b = bhb_mM**bp.n_brain_bhb
    return b / (bp.K_brain_bhb_mM**bp.n_brain_bhb + b)


def brain_glucose_spared(g_mM: float, bhb_mM: float, bp: BodyParams) -> float:
    """K1: brain glucose use (mg/kg/min) that ketone oxidation replaces, relative to the
    postabsorptive brain that ``v_brain`` describes (plasma ketones at ``bhb_ref_mM``):
    positive in a fast, slightly negative after a meal suppresses ketogenesis."""
    ref = brain_ketone_share(bp.bhb_ref_mM, bp)
    return brain_uptake(g_mM, bp) * (brain_ketone_share(bhb_mM, bp) - ref) / (1.0 - ref)


def ketogenesis(ffa_mM: float, ins_uU: float, gcg_pg_ml: float, bp: BodyParams) -> float:
    """K1: hepatic ketone body production (umol/kg/min): fatty-acid delivery to
    mitochondrial beta-oxidation (Hill 2 in plasma FFA), restrained by insulin and promoted
    by glucagon (a share ``w_keto_gcg`` of it proportional to glucagon over basal), both
    through malonyl-CoA's inhibition of CPT1 (McGarry & Foster 1980); ketogenesis rises as
    FFA rise and the insulin/glucagon ratio falls (Balasse & Fery 1989)."""
    ffa2 = ffa_mM * ffa_mM
    delivery = ffa2 / (bp.K_keto_ffa_mM**2 + ffa2)
    restraint = bp.K_keto_ins_uU**2 / (bp.K_keto_ins_uU**2 + ins_uU * ins_uU)
    glucagon = 1.0 - bp.w_keto_gcg + bp.w_keto_gcg * gcg_pg_ml / bp.gcg_basal_pg_ml
    return bp.v_ketogenesis * delivery * restraint * glucagon


def brain_ketone_uptake(g_mM: float, bhb_mM: float, bp: BodyParams) -> float:
    """K1: the brain's ketone uptake (umol/kg/min): the glucose its ketone share replaces
    (of the use it would have on glucose alone, ``brain_uptake / (1 - share at
    bhb_ref_mM)``), ``1 / brain_glc_per_bhb`` umol of BHB per umol of glucose."""
    ref = brain_ketone_share(bp.bhb_ref_mM, bp)
    replaced_mg = brain_uptake(g_mM, bp) * brain_ketone_share(bhb_mM, bp) / (1.0 - ref)
    return replaced_mg / MG_PER_MMOL_GLC * 1000.0 / bp.brain_glc_per_bhb


def ketone_disposal(bhb_mM: float, g_mM: float, bp: BodyParams) -> float:
    """K1: ketone body disposal (umol/kg/min): saturable oxidation by muscle, heart and
    kidney (``vmax_ketone_ox``, ``km_ketone_ox_mM``) plus the brain's uptake."""
    peripheral = bp.vmax_ketone_ox * bhb_mM / (bp.km_ketone_ox_mM + bhb_mM)
    return peripheral + brain_ketone_uptake(g_mM, bhb_mM, bp)


def renal_loss(g_mM: float, bp: BodyParams) -> float:
    """Renal glucose excretion above threshold (mg/kg/min); Dalla Man 2007."""
    return bp.k_renal * max(g_mM - bp.renal_threshold_mM, 0.0) * MG_DL_PER_MM_GLC * bp.vg_dl_kg


def exercise_drive(intensity: float, start: float, power: float) -> float:
    """C2: sympathoadrenal drive of work rate: zero below ``start`` (fraction of VO2max),
    rising as a power of the intensity above it (1 at VO2max)."""
    return (max(intensity - start, 0.0) / (1.0 - start)) ** power


def sympathetic_drive(intensity: float, ex_dur: float, bp: BodyParams) -> tuple[float, float]:
    """C2: adrenomedullary (adrenaline) and sympathetic neural (noradrenaline) drive of
    exercise, each raised as the bout goes on (``ex_dur``: 0 at rest, towards 1 after about
    an hour of work; Galbo 1975: catecholamines keep rising during prolonged exercise).
    Adrenaline rises steeply only at higher intensities (power 2), noradrenaline from lower
    ones, roughly in step with heart rate (power 1; Rostrup 1998)."""
    longer = 1.0 + bp.w_symp_duration * ex_dur
    adr = exercise_drive(intensity, bp.symp_start_vo2max, 2.0) * longer
    nor = exercise_drive(intensity, bp.symp_start_vo2max, 1.0) * longer
    return adr, nor


def hypoglycaemia(g_mM: float, bp: BodyParams) -> float:
    """C1/C2: glucose deficit (mM) below the glycaemic threshold of counter-regulation
    (glucagon, adrenaline and noradrenaline all at ~3.8 mM; Mitrakou 1991)."""
    return max(bp.counterreg_threshold_mM - g_mM, 0.0)


def catecholamine_targets(
    intensity: float, ex_dur: float, g_mM: float, bp: BodyParams
) -> tuple[float, float]:
    """C2: plasma adrenaline and noradrenaline (pg/mL) the adrenal medulla and sympathetic
    nerves drive towards: basal, times exercise and hypoglycaemia gains."""
    adr_ex, nor_ex = sympathetic_drive(intensity, ex_dur, bp)
    hypo = hypoglycaemia(g_mM, bp)
    adr = (
        bp.adrenal_capacity
        * bp.adr_basal_pg_ml
        * (1.0 + bp.w_adr_exercise * adr_ex + bp.w_adr_hypo * hypo)
    )
    nor = bp.nor_basal_pg_ml * (1.0 + bp.w_nor_exercise * nor_ex + bp.w_nor_hypo * hypo)
    return adr, nor


def adrenergic_signal(x: FloatArray, bp: BodyParams) -> float:
    """C2: circulating beta/alpha2-adrenergic signal to cells and beta cells: plasma
    adrenaline above basal, in units of its rise per unit of exercise drive (so 0 at rest
    and ~0.3 after a few minutes at 70 % VO2max, the scale the cell laws were built on)."""
    excess = float(x[IDX["adr"]]) / bp.adr_basal_pg_ml - 1.0
    return max(excess, 0.0) / bp.w_adr_exercise


def noradrenergic_signal(x: FloatArray, bp: BodyParams) -> float:
    """C1/C2: sympathetic neural tone (plasma noradrenaline above basal, fold - 1)."""
    return max(float(x[IDX["nor"]]) / bp.nor_basal_pg_ml - 1.0, 0.0)


def glucagon_secretion(
    g_mM: float, ins_uU: float, islet_rel: float, aa: float, nor: float, bp: BodyParams
) -> float:
    """C1: alpha-cell secretion relative to the fasting rate.

    Glucose suppresses it (directly and through paracrine somatostatin: a smooth fall above
    and rise below the fasting level) and hypoglycaemia below the counter-regulatory
    threshold stimulates it (Mitrakou 1991); intra-islet insulin (beta-cell secretion
    ``islet_rel`` relative to fasting) restrains it, so its fall below fasting signals
    hypoglycaemia (Raju & Cryer 2005), and circulating insulin above fasting suppresses
    it too; absorbed amino acids (``aa``, g protein/kg in the circulation) and
    sympathetic neural tone (``nor``, fold - 1 of noradrenaline) stimulate it.
    """
    glc = (bp.gcg_K_glc_mM + bp.glc_ref_mM) / (bp.gcg_K_glc_mM + max(g_mM, 0.0))
    hypo = 1.0 + bp.w_gcg_hypo * hypoglycaemia(g_mM, bp)
    # the paracrine restraint is near its maximum at fasting intra-islet insulin, so only
    # its fall (the "switch-off" signal) changes glucagon
    islet = (1.0 + bp.w_gcg_islet) / (1.0 + bp.w_gcg_islet * min(max(islet_rel, 0.0), 1.0))
    systemic = 1.0 / (1.0 + max(ins_uU - bp.beta_fb_ref_uU, 0.0) / bp.gcg_K_ins_uU)
    stim = 1.0 + bp.w_gcg_aa * max(aa, 0.0) + bp.w_gcg_symp * nor
    return glc * hypo * islet * systemic * stim


def portal_glucagon(x: FloatArray, bp: BodyParams) -> float:
    """C1: glucagon reaching the liver (pg/mL): plasma plus the pancreatic output diluted
    in portal blood (portal ~1.5x peripheral at rest)."""
    return float(x[IDX["gcg"]]) * (1.0 + bp.gcg_portal_excess)


def beta_static(g_mM: float, ra: float, bp: BodyParams) -> float:
    """B1: steady-state secretion (pmol/kg/min) for glucose, with the incretin gain of oral Ra."""
    g = max(g_mM, 0.0) ** bp.beta_n
    sr = bp.beta_sr_max * g / (bp.beta_k_mM**bp.beta_n + g)
    return bp.beta_capacity * sr * (1.0 + bp.k_incretin * ra)


def first_phase_release(g_mM: float, g_adapt: float, rrp: float, bp: BodyParams) -> float:
    """B1 first phase: fraction of the readily releasable pool (RRP) exocytosed per minute.

    Mechanism (Grodsky 1972, threshold-distributed granule packets; Henquin 2000, K-ATP
    triggering of docked granules): a rise of glucose above the level the beta cell has
    adapted to (``g_adapt``, which follows glucose with rate ``k_glc_adapt``) triggers
    exocytosis of the docked, primed granules in proportion to the rise and to the filling of
    the pool ``rrp`` (0-1). An abrupt rise (iv bolus, hyperglycaemic clamp) empties the pool
    within minutes, a spike that refills slowly (``k_rrp_refill``); a slow rise (a meal)
    releases it gradually, which for a ramp reduces to derivative control (release ~ dG/dt /
    k_glc_adapt; Dalla Man 2007). Only above basal glucose: a 0.5 mM ramp from
    ``beta_fp_threshold_mM`` (a rebound from hypoglycaemia triggers no first phase).
    """
    gate = min(max((g_mM - bp.beta_fp_threshold_mM) / 0.5, 0.0), 1.0)
    return bp.k_rrp_release * gate * max(g_mM - g_adapt, 0.0) * max(rrp, 0.0)


def cortisol_target(clock_h: float, debt_h: float, bp: BodyParams) -> float:
    """S1: circadian cortisol set point (nM), raised by sleep debt.

    A quiescent period at ``cort_min_nM`` around the first half of the night, a rise from 6 h
    before the habitual waking time to a maximum 1 h before it, and a slow decline to the
    quiescent level 15 h after it (Weitzman 1971: quiescent period, main secretory episodes
    in the second half of the night, declining daytime secretion), each a half cosine. The
    clock is the subject's habitual one (``cort_habitual_wake_clock_h``); the awakening
    response (:func:`cortisol_awakening`) follows actual waking.
    """
    x = (clock_h - bp.cort_habitual_wake_clock_h + bp.cort_rise_lead_h) % 24.0  # since the rise
    up, down = bp.cort_rise_h, bp.cort_fall_h
    if x <= up:
        shape = 0.5 * (1.0 - math.cos(math.pi * x / up))
    elif x <= up + down:
        shape = 0.5 * (1.0 + math.cos(math.pi * (x - up) / down))
    else:
        shape = 0.0
    base = bp.cort_min_nM + (bp.cort_max_nM - bp.cort_min_nM) * shape
    return base * (1.0 + bp.cort_debt_gain * debt_h)


CAR_SPAN_THETAS = 12.0
"""The awakening burst is followed for 12 time constants (its tail is then < 1e-4)."""


def wake_times(sch, bp: BodyParams) -> list[float]:  # noqa: ANN001
    """Run times (min) of waking: the end of every sleep period that ends inside the run,
    and, for a run begun within 12 h after the habitual waking time, that waking before
    t = 0 when no sleep period covers or replaces it (the subject of a run begun in the
    morning woke at the habitual time; the fasting warm-up carries that awakening response
    into t = 0). Computed once, when the schedule is built (``Schedule.wakes``)."""
    ends = [s.end for s in sch.sleep if s.end < sch.duration_min - 1e-9]
    before = -(((sch.start_clock_h - bp.cort_habitual_wake_clock_h) % 24.0) * 60.0)
    covered = any(s.start - 1e-9 <= before < s.end for s in sch.sleep)
    near = any(abs(s.end - before) < 180.0 for s in sch.sleep)
    if before > -720.0 and not covered and not near:
        ends.append(before)
    return sorted(ends)


def cortisol_awakening(t: float, sch, bp: BodyParams) -> float:  # noqa: ANN001
    """S1: the cortisol awakening response, nM/min of extra plasma cortisol.

    Each waking releases an ACTH-driven burst of ``cort_car_nM`` (gamma kernel with time
    constant ``cort_car_theta_min``: secretion peaks ``theta`` after waking, plasma ~30 min),
    gated by the circadian phase of waking: full at the habitual waking time, falling as a
    cosine to none 6 h or more away from it (the response is larger the earlier the waking,
    Edwards 2001, Federenko 2004; absent after daytime naps).
    """
    theta = bp.cort_car_theta_min
    w = 2.0 * math.pi / 24.0
    wakes = sch.wakes
    total = 0.0
    # only the wakings of the last CAR_SPAN_THETAS time constants (a run of months has one a
    # day; the right-hand side must not walk all of them at every evaluation)
    lo = bisect.bisect_left(wakes, t - CAR_SPAN_THETAS * theta)
    for tw in wakes[lo : bisect.bisect_left(wakes, t)]:
        tau = t - tw
        gate = math.cos(w * (sch.clock_h(tw) - bp.cort_habitual_wake_clock_h))
        if gate > 0.0:
            total += bp.cort_car_nM * gate * tau / theta**2 * math.exp(-tau / theta)
    return total


def free_cortisol_nM(total_nM: float, bp: BodyParams) -> float:
    """Unbound plasma cortisol (nM) from total, by mass action (Coolens 1987): one
    high-affinity CBG site (capacity ``cbg_nM``, affinity ``k_cbg_per_nM``) and albumin binding
    in proportion to the free hormone (``albumin_bound_ratio`` bound per free). Solves
    C = U (1 + N) + T K U / (1 + K U) for the free U (the positive root)."""
    a = (1.0 + bp.albumin_bound_ratio) * bp.k_cbg_per_nM
    b = 1.0 + bp.albumin_bound_ratio + bp.k_cbg_per_nM * (bp.cbg_nM - total_nM)
    return (math.sqrt(b * b + 4.0 * a * total_nM) - b) / (2.0 * a) if total_nM > 0 else 0.0


def sws_drive(t: float, sch, bp: BodyParams) -> float:
    """H1: slow-wave sleep intensity (0-1): deepest in the first sleep cycle after sleep onset
    and fading over the next (Van Cauter & Copinschi 2000: GH secretion follows SW sleep);
    zero awake."""
    since = sch.sleep_since(t)
    return 0.0 if since is None else math.exp(-since / bp.sws_tau_min)


def sleep_metab_gate(t: float, sch, bp: BodyParams) -> float:
    """H1: share of the metabolic inhibition of GH release (hyperglycaemia's somatostatin
    tone, insulin's somatotroph inhibition) withdrawn while asleep, ``w_sleep_metab``; 0
    awake. Sleep-associated GH release is neural and escapes it: the sleep GH peak is not
    correlated with plasma glucose or insulin (Takahashi 1968), and neither diabetic
    hyperglycaemia nor a constant glucose infusion in normal subjects suppresses GH release
    in sleep ('Sleep release of human growth hormone in treated juvenile diabetics', Diabetes
    1971)."""
    return 0.0 if sch.sleep_since(t) is None else bp.w_sleep_metab


def presleep_debt_h(t: float, sch, bp: BodyParams) -> float:
    """S1/H1: hours of sleep debt while awake shortly before a scheduled sleep onset."""
    for onset in sch.sleep_onsets():
        if 0.0 < onset - t <= bp.presleep_window_min:
            return sch.sleep_debt_h(t)
    return 0.0


def free_igf1_rel(x: FloatArray, bp: BodyParams) -> float:
    """H1: free IGF-1 relative to the overnight-fasted reference: total IGF-1 over the
    binding it meets; IGFBP-1 (``igfbp1``, 1 at overnight fasting) binds more when insulin
    is low (Suikkari 1988), so free IGF-1 falls in fasting while total IGF-1 is unchanged."""
    k = bp.igfbp1_binding
    total = max(float(x[IDX["igf1"]]), 0.0) / bp.igf1_ref_ug_l
    return total * (1.0 + k) / (1.0 + k * max(float(x[IDX["igfbp1"]]), 0.0))


def igfbp1_target(ins_uU: float, bp: BodyParams) -> float:
    """H1: hepatic IGFBP-1 output repressed by insulin (Suikkari 1988), 1 at fasting insulin."""
    k = bp.igfbp1_ins_K_uU
    return (k + bp.igfbp1_ins_ref_uU) / (k + max(ins_uU, 0.0))


def circadian_ghrh(clock_h: float, bp: BodyParams) -> float:
    """H1: circadian GHRH drive (0-1), a bump of the clock time peaking at
    ``gh_circ_peak_h`` and ``(1 + cos)/2`` raised to ``gh_circ_power`` (2.4 h wide at half
    height at the default power). After an abrupt 8-h delay of sleep every subject
    still had a GH pulse at the usual time of early sleep, and the GH secreted 23:00-03:00
    awake did not differ significantly from that of night sleepers (Weibel 1997, Chronobiol
    Int 14:49); the 24-h GH rhythm has a circadian component beside the sleep one
    (Brandenberger & Weibel 2004). :func:`ghrh_target` adds it while awake only: the
    slow-wave-sleep weight ``w_ghrh_sws`` was calibrated to the sleep-onset peak of
    subjects asleep at the habitual time (V13), which already holds whatever the clock adds
    then, so asleep the drive would be counted twice."""
    phase = 2.0 * math.pi * (clock_h - bp.gh_circ_peak_h) / 24.0
    return (0.5 * (1.0 + math.cos(phase))) ** bp.gh_circ_power


def ghrh_target(x: FloatArray, inp: BodyInputs, bp: BodyParams) -> float:
    """H1: hypothalamic GHRH drive (1 = awake, rested, daytime): raised by slow-wave sleep
    (Van Cauter & Copinschi 2000; the nocturnal rise is GHRH-driven, not somatostatin
    withdrawal, Dimaraki 2003), by the circadian night-time drive while awake
    (:func:`circadian_ghrh`), by alpha2-adrenergic (noradrenergic) drive in exercise and by
    sleep pressure before a scheduled sleep onset under sleep debt (Spiegel 2000)."""
    return bp.ghrh_expr * (
        1.0
        + bp.w_ghrh_sws * inp.sws
        + bp.w_ghrh_circ * circadian_ghrh(inp.clock_h, bp) * (1.0 - inp.asleep)
        + bp.w_ghrh_nor * noradrenergic_signal(x, bp)
        + bp.w_ghrh_debt * inp.presleep_debt_h
    )


def exercise_gh_signal(intensity: float, bp: BodyParams) -> float:
    """H1: work above the lactate threshold (0 below it, 1 at VO2max), the exercise stimulus
    of GH release: circulating GH rises only when a work rate corresponding to the lactate
    threshold is exceeded (Felsing 1992), and its release rises linearly with intensity
    above it (Pritzlaff 1999)."""
    lt = bp.gh_ex_lt_vo2max
    return max(intensity - lt, 0.0) / (1.0 - lt)


def exercise_gh_occupancy(x: FloatArray, bp: BodyParams) -> float:
    """H1: share of the maximal release of the pituitary's readily releasable GH pool
    driven by the hypothalamic exercise drive ``gh_ex`` (the supra-threshold work integrated
    over ``gh_ex_tau_min``: lactate, catecholamines and central drive acting on GHRH and
    somatostatin neurons; Wideman 2002 review). A steep Hill function of the drive gives the
    duration threshold: plasma GH rises within 10-20 min of exercise onset (Kanaley 1997),
    consistently only after 10 min above the lactate threshold and not after 5 (Felsing
    1992). ``w_gh_ex`` 0 switches the route off."""
    e = max(float(x[IDX["gh_ex"]]), 0.0)
    n = bp.gh_ex_hill
    return bp.w_gh_ex * e**n / (bp.gh_ex_K**n + e**n)


def sst_target(x: FloatArray, g_mM: float, inp: BodyInputs, bp: BodyParams) -> float:
    """H1: hypothalamic somatostatin tone (1 = awake, overnight fasted): raised by glucose
    above and lowered by glucose below the reference (hypothalamic glucose sensing; Roth
    1963), raised by free IGF-1 (long-loop feedback) and by plasma GH (short-loop
    auto-feedback, Kanaley 1999) and withdrawn by circulating amino acids (arginine
    suppresses hypothalamic somatostatin release, Alba-Roth 1988, and abolishes the glucose
    inhibition of the GH response to GHRH, Ghigo 1992). Slow-wave sleep withdraws the share
    ``w_sst_sws`` of it (0: the nocturnal GH rise is GHRH-driven and persists under constant
    somatostatinergic tone, Dimaraki 2003). The rise with hyperglycaemia is withdrawn while
    asleep (``sleep_metab_gate``); the fall with hypoglycaemia is not."""
    excess = (g_mM - bp.sst_glc_ref_mM) / bp.gh_glc_K_mM
    gate = inp.sleep_metab_gate  # hyperglycaemia's tone is withdrawn asleep
    glc = max(1.0 + max(excess, 0.0) * (1.0 - gate) + min(excess, 0.0), bp.sst_glc_floor)
    amino = 1.0 / (1.0 + max(float(x[IDX["aa"]]), 0.0) / bp.sst_aa_K_g_kg)
    igf = free_igf1_rel(x, bp) ** bp.sst_igf1_n
    w, k_fb = bp.w_sst_gh, bp.sst_gh_fb_K_ug_l
    fb = (1.0 + w * gh_ug_l(x, bp) / k_fb) / (1.0 + w * bp.sst_gh_ref_ug_l / k_fb)
    sleep = 1.0 - bp.w_sst_sws * inp.sws
    return bp.sst_expr * glc * igf * fb * sleep * amino


def ghrelin_target(ra: float, aa_abs: float, bp: BodyParams) -> float:
    """H1: gastric ghrelin secretion (pg/mL at steady state) suppressed by nutrients being
    absorbed, carbohydrate and protein, not by plasma glucose or insulin (Schaller 2003);
    it recovers as absorption ends, so it rises again before the next meal (Cummings 2004)."""
    nutrient = max(ra, 0.0) / bp.ghrelin_ra_K + max(aa_abs, 0.0) / bp.ghrelin_aa_K
    return bp.ghrelin_expr * bp.ghrelin_basal_pg_ml / (1.0 + nutrient)


def receptor_occupancy(amount_ug_kg: float, vd_l_kg: float, mw: float, ec50_nM: float) -> float:
    """H2: Emax occupancy of a secretagogue's receptor at its plasma concentration."""
    c_nM = max(amount_ug_kg, 0.0) / vd_l_kg / mw * 1000.0
    return c_nM / (ec50_nM + c_nM)


def serm_occupancy(x: FloatArray, bp: BodyParams) -> float:
    """H2: sermorelin (GHRH 1-29) on the somatotroph GHRH receptor."""
    return receptor_occupancy(float(x[IDX["serm"]]), bp.serm_vd_l_kg, bp.serm_mw, bp.serm_ec50_nM)


def ipam_occupancy(x: FloatArray, bp: BodyParams) -> float:
    """H2: Ipamorelin on the ghrelin receptor (GHS-R1a)."""
    return receptor_occupancy(float(x[IDX["ipam"]]), bp.ipam_vd_l_kg, bp.ipam_mw, bp.ipam_ec50_nM)


def gh_drive(x: FloatArray, bp: BodyParams) -> float:
    """H1/H2: somatotroph drive (1 = awake, rested, overnight fasted): GHRH-receptor signal
    (endogenous GHRH plus sermorelin) amplified by ghrelin-receptor signal (ghrelin plus
    Ipamorelin), inhibited by somatostatin; its withdrawal permits the pulses."""
    ghrh = max(float(x[IDX["ghrh"]]), 0.0) + bp.serm_ghrh_emax * serm_occupancy(x, bp)
    ghr = max(float(x[IDX["ghrelin"]]), 0.0)
    occ = ghr / (bp.ghrelin_ec50_pg_ml + ghr) + ipam_occupancy(x, bp)
    occ0 = bp.ghrelin_basal_pg_ml / (bp.ghrelin_ec50_pg_ml + bp.ghrelin_basal_pg_ml)
    ghrelin_gain = (1.0 + bp.w_ghrelin * min(occ, 1.0)) / (1.0 + bp.w_ghrelin * occ0)
    k = bp.sst_K
    sst = max(float(x[IDX["sst"]]), 0.0)
    return ghrh * ghrelin_gain * (1.0 + 1.0 / k) / (1.0 + sst / k)


def gh_suppression(
    ins_uU: float, ffa: float, mod: float, bp: BodyParams, sleep_gate: float = 0.0
) -> float:
    """H1: direct somatotroph inhibition by insulin and FFA; the ``gh_secretion`` modulator
    scales release (0 switches it off).

    Insulin inhibits GH release in proportion to its level from the lowest levels up, 1 at
    overnight-fasted insulin ``gh_ins_ref_uU`` (Lanzi et al., healthy subjects, the study
    Lanzi 1999 builds on: at equally low FFA the GH
    response to GHRH fell to 0.50 and 0.22 of its value at 2 uU/mL insulin when insulin was
    held at 17 and 32 uU/mL), so it rises when insulin falls below fasting; FFA inhibit above
    0.7 mM (Imaki 1985). Inhibition by insulin above fasting is withdrawn by the share
    ``sleep_gate`` (``sleep_metab_gate``: asleep, the GH release is neural and escapes it);
    the rise when insulin falls below fasting is kept."""
    k = bp.gh_ins_K_uU_ml
    insulin = (1.0 + bp.gh_ins_ref_uU / k) / (1.0 + max(ins_uU, 0.0) / k)
    insulin = min(insulin, 1.0) ** (1.0 - sleep_gate) * max(insulin, 1.0)
    return mod * insulin / (1.0 + max(ffa - bp.gh_ffa_threshold_mM, 0.0) / bp.gh_ffa_K_mM)


def gh_dilution(bp: BodyParams) -> float:
    """H1/B3: plasma GH per unit of pituitary output, relative to the reference subject
    (fat share ``gh_ref_fat_fraction``, for whom the burst mass, basal secretion and the
    releasable pool are set).

    The somatotrophs' output follows the fat-free body, while GH distributes into and is
    cleared from the whole body, fat included: metabolic clearance rises in proportion to body
    weight in obese as in lean subjects (Dubey 1988, rhesus monkeys: 19.5 vs 12.7 L/24 h, the
    same per kg) and is 33 % and 51 % higher in lower- and upper-body obese women with an
    unchanged half-life (Langendonk 1999), so distribution volume grows with it. Per kg of body
    mass, output scales with the lean share ``1 - f`` and distribution and clearance with
    ``1 - f + w f`` (``w_gh_fat_clearance``, fat per kg against lean tissue); the half-life is
    unchanged. 1 for the reference subject; ``w`` 0 switches the mechanism off."""
    w = bp.w_gh_fat_clearance
    lean, lean_ref = 1.0 - bp.fat_fraction, 1.0 - bp.gh_ref_fat_fraction
    return (lean / (lean + w * bp.fat_fraction)) / (
        lean_ref / (lean_ref + w * bp.gh_ref_fat_fraction)
    )


def pulse_mass(x: FloatArray, bp: BodyParams, multiplier: float, sup: float) -> float:
    """H1: GH released by one secretory burst into plasma (ug/kg): the mean mass scaled by
    the somatotroph drive at its start (mass rises more than frequency, Hartman 1992), the
    burst's own log-normal factor, the direct pituitary inhibition and the body's dilution of
    pituitary output (:func:`gh_dilution`)."""
    drive = gh_drive(x, bp) ** bp.gh_mass_exponent
    return bp.gh_pulse_ug_kg * multiplier * drive * sup * gh_dilution(bp)


def fire_gh_pulses(
    x: FloatArray,
    draws: FloatArray,
    gain: float,
    bp: BodyParams,
    sleep_gate: float = 0.0,
    max_age: float = 0.0,
) -> int:
    """H1: start every burst whose threshold the integrated pulse hazard has crossed.

    The pulse generator is a time-rescaled renewal process: the hazard ``gh_hazard``
    integrates ``gh_drive / gh_pulse_interval_min``, and burst k starts when it reaches
    the k-th pre-drawn gamma(4) threshold (``draws[k, 0]``, mean 1), so intervals are as
    regular as gamma(4) at constant drive and shorten as the drive rises. The thresholds and
    the mass factors (``draws[k, 1]``) are drawn once from the run's seed
    (:func:`sim.signals.gh_pulse_draws`); ``gain`` is the ``gh_secretion`` modulator now and
    ``sleep_gate`` the share of metabolic inhibition withdrawn (:func:`sleep_metab_gate`).
    A stochastic event between engine steps, not part of the right-hand side: it changes
    ``x`` in place. Returns the number of bursts started.

    The engine looks at the hazard only at its step boundaries, so a threshold is found up
    to one step (``max_age``) after the hazard crossed it. The burst is started where it
    would be had it begun at the crossing: its age is the hazard past the threshold over the
    hazard's current rate (at most ``max_age``), its mass is put into the two-stage kernel as
    the kernel holds it after that age (``gh_b1 = M e^-a``, ``gh_b2 = M a e^-a``,
    a = age / ``gh_pulse_tau_min``) and the part already released goes to plasma GH. Without
    this a burst's rise lagged the stiff reference by up to a step, and liver STAT5-P's
    worst error did not shrink with the step (8.1 % at 0.25 min); with it, 0.7 %
    (tests/test_accuracy.py). The reference solver stops at the crossing: ``max_age`` 0.
    """
    if len(draws) == 0:
        return 0
    fired = 0
    ins_uU = insulin_pmol_l(x, bp) / PMOL_PER_UU_INSULIN
    sup = gh_suppression(ins_uU, ffa_mM(x, bp), gain, bp, sleep_gate)
    while True:
        k = int(round(x[IDX["gh_fired"]])) % len(draws)
        if x[IDX["gh_hazard"]] < draws[k, 0]:
            return fired
        x[IDX["gh_hazard"]] -= draws[k, 0]
        x[IDX["gh_fired"]] += 1.0
        mass = pulse_mass(x, bp, float(draws[k, 1]), sup)
        rate = gh_drive(x, bp) / bp.gh_pulse_interval_min
        age = min(max_age, x[IDX["gh_hazard"]] / rate) if rate > 0.0 and max_age > 0.0 else 0.0
        a = age / bp.gh_pulse_tau_min
        b1, b2 = mass * math.exp(-a), mass * a * math.exp(-a)
        x[IDX["gh_b1"]] += b1
        x[IDX["gh_b2"]] += b2
        x[IDX["gh"]] += mass - b1 - b2
        fired += 1


def gh_secretion(x: FloatArray, bp: BodyParams, suppression: float) -> float:
    """H1: endogenous GH release (ug/kg/min): the bursts in progress (two-stage secretory
    kernel, time constant ``gh_pulse_tau_min``) plus basal secretion (both diluted by body
    fat, :func:`gh_dilution`)."""
    basal = bp.gh_basal_ug_kg_min * suppression * gh_dilution(bp)
    return x[IDX["gh_b2"]] / bp.gh_pulse_tau_min + basal


def _sum_on(spans: list, t: float) -> float:
    return float(sum(s.value for s in spans if s.on(t)))


def _held(spans: list, t: float) -> float | None:
    vals = [s.value for s in spans if s.on(t)]
    return max(vals) if vals else None


@dataclass(frozen=True, slots=True)
class BodyInputs:
    """Everything the body's right-hand side reads that is neither its state nor a parameter:
    the scheduled inputs at one time, built by :func:`body_inputs` from the run's schedule.

    Attributes:
        intensity: exercise work rate (fraction of VO2max; resistance sets alternate).
        glucose_inf: iv glucose infusion (mg/kg/min).
        insulin_inf: iv insulin infusion (pmol/kg/min).
        gh_inf: iv GH infusion (ug/kg/min).
        ipam_inf, serm_inf: iv Ipamorelin and sermorelin infusions (ug/kg/min).
        clamp_on: a glucose clamp is running (insulin held, glucose held by the GIR).
        clamp_insulin_uU: the clamp's insulin target (uU/mL; 0 without a clamp).
        clamp_basal: the glucose target is the subject's own glucose at the clamp's start
            (body state ``clamp_glc``) rather than ``clamp_glucose_mM``.
        clamp_glucose_mM: the clamp's glucose target (mM; 0 when basal or no clamp).
        lipid_on, lipid_mM: a lipid infusion holds plasma FFA at ``lipid_mM`` (mM).
        tnf_on, tnf_pg_ml: a TNF-alpha infusion holds plasma TNF-alpha at ``tnf_pg_ml``.
        insulin_secretion_gain, gh_secretion_gain: the ``insulin_secretion`` and
            ``gh_secretion`` modulators (1 = untouched, 0 = switched off).
        clock_h: time of day (h).
        sleep_debt_h: hours of sleep lost in earlier nights (:meth:`Schedule.sleep_debt_h`).
        cortisol_awakening: the awakening response now (nM/min, :func:`cortisol_awakening`).
        sws: slow-wave sleep intensity (0-1, :func:`sws_drive`).
        sleep_metab_gate: share of the metabolic inhibition of GH release withdrawn while
            asleep (0-1, :func:`sleep_metab_gate`; 0 awake).
        presleep_debt_h: sleep debt shortly before a scheduled sleep onset
            (:func:`presleep_debt_h`; 0 otherwise).
        asleep: 1 during a sleep episode, 0 awake.
    """

    intensity: float = 0.0
    glucose_inf: float = 0.0
    insulin_inf: float = 0.0
    gh_inf: float = 0.0
    ipam_inf: float = 0.0
    serm_inf: float = 0.0
    clamp_on: bool = False
    clamp_insulin_uU: float = 0.0
    clamp_basal: bool = False
    clamp_glucose_mM: float = 0.0
    lipid_on: bool = False
    lipid_mM: float = 0.0
    tnf_on: bool = False
    tnf_pg_ml: float = 0.0
    insulin_secretion_gain: float = 1.0
    gh_secretion_gain: float = 1.0
    clock_h: float = 0.0
    sleep_debt_h: float = 0.0
    cortisol_awakening: float = 0.0
    sws: float = 0.0
    sleep_metab_gate: float = 0.0
    presleep_debt_h: float = 0.0
    asleep: float = 0.0


def body_inputs(t: float, sch, bp: BodyParams) -> BodyInputs:  # noqa: ANN001
    """The body's inputs at run time ``t`` from the schedule ``sch`` (a
    :class:`sim.signals.Schedule`, its clamp included) and the body parameters (the
    awakening response, slow-wave sleep and pre-sleep windows have parameters)."""
    clamp = None if sch.clamp is None else sch.clamp(t)
    lipid, tnf = _held(sch.lipid, t), _held(sch.tnf, t)
    return BodyInputs(
        intensity=sch.intensity(t),
        glucose_inf=_sum_on(sch.glucose_inf, t),
        insulin_inf=_sum_on(sch.insulin_inf, t),
        gh_inf=_sum_on(sch.gh_inf, t),
        ipam_inf=_sum_on(sch.drug_inf.get("ipam", []), t),
        serm_inf=_sum_on(sch.drug_inf.get("serm", []), t),
        clamp_on=clamp is not None,
        clamp_insulin_uU=0.0 if clamp is None else clamp[0],
        clamp_basal=clamp is not None and clamp[1] is None,
        clamp_glucose_mM=0.0 if clamp is None or clamp[1] is None else clamp[1],
        lipid_on=lipid is not None,
        lipid_mM=0.0 if lipid is None else lipid,
        tnf_on=tnf is not None,
        tnf_pg_ml=0.0 if tnf is None else tnf,
        insulin_secretion_gain=sch.modulator("insulin_secretion", "all", t),
        gh_secretion_gain=sch.modulator("gh_secretion", "all", t),
        clock_h=sch.clock_h(t),
        sleep_debt_h=sch.sleep_debt_h(t),
        cortisol_awakening=cortisol_awakening(t, sch, bp),
        sws=sws_drive(t, sch, bp),
        sleep_metab_gate=sleep_metab_gate(t, sch, bp),
        presleep_debt_h=presleep_debt_h(t, sch, bp),
        asleep=0.0 if sch.sleep_since(t) is None else 1.0,
    )


def choose(condition: bool, if_true: float, if_false: float) -> float:
    """``if_true`` where ``condition`` holds, else ``if_false``: a branch on the state inside
    the right-hand side, written as a call so that the SBML exporter
    (:mod:`sim.export.body`) reads it as a piecewise expression."""
    return if_true if condition else if_false


HOLD_RATE = 0.5
"""1/min: how fast a held level (clamp insulin, lipid or TNF infusion) tracks its target (a
property of the infusion's controller, not of the subject)."""


def body_rhs(
    x: FloatArray, inp: BodyInputs, cf: CellFluxes, bp: BodyParams, geo: Geometry
) -> FloatArray:
    """Time derivative of the body state (scalars then interstitial insulin nodes).

    A pure function: of the state ``x``, the scheduled inputs ``inp`` (:func:`body_inputs`),
    the cell fluxes ``cf`` over the current step (per kg body mass per minute), the body
    parameters ``bp`` and the exchange geometry ``geo``; it changes nothing but the array
    it returns.
    """
    # Scalars as Python floats (numpy scalar arithmetic is several times slower) and their
    # derivatives by name, written into the state-shaped array at the end.
    s = dict(zip(SCALARS, x[:N_SCALARS].tolist(), strict=True))
    d: dict[str, float] = dict.fromkeys(SCALARS, 0.0)
    # Species with a distribution volume: amounts per kg of the starting body mass (state x
    # volume relative to the start; Geometry), their rates divided by that volume at the end.
    vol = {name: getattr(geo, field) for name, field in VOLUME_OF.items()}
    for name, v in vol.items():
        s[name] *= v
    g, ins = glucose_mM(x, bp), insulin_pmol_l(x, bp)
    ffa = ffa_mM(x, bp)
    # B2 gut: grinding, emptying slowed by protein/fat/fibre, absorption.
    # Duodenal nutrient feedback: carbohydrate in the small intestine slows emptying, so a
    # drink empties fast at first and then near 2 kcal/min (Brener 1983; Lin 1989).
    k_e = bp.k_empt / (1.0 + s["sto_slow"] / bp.slow_K_g) / (1.0 + s["gut"] / bp.K_duodenal)
    ra = bp.f_abs * bp.k_abs * s["gut"]
    d["sto1"] = -bp.k_gri * s["sto1"]
    d["sto2"] = bp.k_gri * s["sto1"] - k_e * s["sto2"]
    d["gut"] = k_e * s["sto2"] - bp.k_abs * s["gut"]
    d["sto_slow"] = -k_e * s["sto_slow"]
    d["chylo"] = -bp.k_chylo * s["chylo"]
    # B4: lipoprotein lipase hydrolyses chylomicron triacylglycerol; a share of the fatty
    # acids escapes uptake by the tissue beside the lipase and "spills over" into plasma FFA
    # (Griffiths 1994; Piche 2018), the rest is stored.
    lpl = bp.k_lpl_chylo * s["tg_chylo"]  # g/min, whole body
    d["tg_chylo"] = bp.k_chylo * s["chylo"] - lpl
    spill = bp.f_spillover * lpl * FA_UMOL_PER_G_TG / bp.body_mass_kg  # umol/kg/min
    d["acc_spill"] = spill
    # Clamp: insulin held at target, glucose held by a PI-controlled infusion (GIR).
    gir = 0.0
    if inp.clamp_on:
        # a clamp at "basal" holds the glucose the subject had when it started (clamp_glc,
        # set by the model at the start and constant after)
        err = (s["clamp_glc"] if inp.clamp_basal else inp.clamp_glucose_mM) - g
        gir = max(0.0, bp.clamp_kp * (err + s["clamp_int"] / bp.clamp_ti_min))
        # the integral runs while the infusion is on or glucose is below target (anti-windup)
        d["clamp_int"] = choose(gir > 0.0, err, choose(err > 0.0, err, 0.0))
    infusion = inp.glucose_inf
    # Glucose mass balance (mg/kg/min).
    # K1: ketone bodies (plasma beta-hydroxybutyrate, mM of body water) from hepatic
    # ketogenesis; the brain oxidises them in place of part of its glucose.
    bhb = s["bhb"]
    spared = brain_glucose_spared(g, bhb, bp)
    keto = ketogenesis(ffa, ins / PMOL_PER_UU_INSULIN, s["gcg"], bp)
    d["bhb"] = (keto - ketone_disposal(bhb, g, bp)) / (bp.vd_ketone_l_kg * 1000.0)
    other, renal = brain_other_uptake(g, bp) - spared, renal_loss(g, bp)
    exchange = bp.k_glc_pt * s["q_glc"] - bp.k_glc_tp * s["q_gt"]  # slow tissue glucose pool
    d["q_glc"] = (
        cf.egp
        + ra
        + gir
        + infusion
        - cf.u_muscle
        - cf.u_adipose
        - cf.u_liver
        - other
        - renal
        - exchange
    )
    d["q_gt"] = exchange
    # B1: beta-cell secretion into the portal vein; hepatic first pass; peripheral clearance.
    # Second phase: a lagged sigmoid of glucose (beta_y); first phase: exocytosis of the
    # readily releasable pool of docked granules (rrp) -- see first_phase_release.
    # Circulating insulin inhibits its own secretion (Elahi 1982), so under a clamp the
    # beta cells keep secreting at a reduced rate and the liver sees portal insulin on top.
    # Exercise catecholamines inhibit secretion through beta-cell alpha2-adrenoceptors.
    adrenergic = 1.0 + bp.w_beta_catechol * adrenergic_signal(x, bp)
    secretion_gain = inp.insulin_secretion_gain / adrenergic
    feedback = (bp.beta_fb_K_uU + bp.beta_fb_ref_uU) / (bp.beta_fb_K_uU + ins / PMOL_PER_UU_INSULIN)
    sr_target = secretion_gain * feedback * beta_static(g, ra, bp)
    d["beta_y"] = bp.beta_alpha * (sr_target - s["beta_y"])
    release = first_phase_release(g, s["g_adapt"], s["rrp"], bp)
    first_phase = secretion_gain * bp.beta_capacity * bp.rrp_pmol_kg * release
    d["rrp"] = bp.k_rrp_refill * (1.0 - s["rrp"]) - release
    d["g_adapt"] = bp.k_glc_adapt * (g - s["g_adapt"])
    d["ins_p"] = (
        (1.0 - geo.hepatic_extraction) * (s["beta_y"] + first_phase)
        + inp.insulin_inf
        - bp.k_ins_clear * geo.ins_clear * s["ins_p"]
    )
    if inp.clamp_on:
        _hold(d, "ins_p", s, inp.clamp_insulin_uU * PMOL_PER_UU_INSULIN * bp.vi_l_kg * vol["ins_p"])
    for name, v in (
        ("acc_egp", cf.egp),
        ("acc_ra", ra),
        ("acc_gir", gir),
        ("acc_infusion", infusion),
        ("acc_muscle", cf.u_muscle),
        ("acc_adipose", cf.u_adipose),
        ("acc_liver", cf.u_liver),
        ("acc_other", other),
        ("acc_renal", renal),
    ):
        d[name] = v
    # FFA: adipose release minus tissue uptake; lipid infusion holds the level.
    d["ffa"] = cf.ffa_release + spill - (cf.ffa_clearance + bp.v_ffa_other) * ffa
    if inp.lipid_on:
        _hold(d, "ffa", s, inp.lipid_mM * bp.vffa_l_kg * 1000.0 * vol["ffa"])
    _gh_rhs(x, s, d, g, ins / PMOL_PER_UU_INSULIN, ffa, ra, inp, bp)
    d["igf1"] = bp.igf1_prod * cf.igf1_m - math.log(2) / bp.igf1_half_life_min * s["igf1"]
    target = cortisol_target(inp.clock_h, inp.sleep_debt_h, bp)
    d["cort"] = math.log(2) / bp.cort_half_life_min * (target - s["cort"]) + inp.cortisol_awakening
    d["tnf"] = (
        bp.tnf_other_pg_kg_min + cf.tnf_adipose - math.log(2) / bp.tnf_half_life_min * s["tnf"]
    )
    if inp.tnf_on:
        _hold(d, "tnf", s, inp.tnf_pg_ml * bp.tnf_v_ml_kg * vol["tnf"])
    _counterreg_rhs(s, d, g, ins / PMOL_PER_UU_INSULIN, inp, bp)
    # B4: depots lose net FFA release (palmitate 256 g/mol) and gain the stored share of
    # the hydrolysed meal fat.
    stored = (1.0 - bp.f_spillover) * lpl / 1000.0
    visc = bp.fat_storage_share_visceral
    d["fat_sc"] = (1 - visc) * stored - cf.ffa_release_sc * bp.body_mass_kg * PALMITATE_KG_PER_UMOL
    d["fat_visc"] = visc * stored - cf.ffa_release_visc * bp.body_mass_kg * PALMITATE_KG_PER_UMOL
    # B1/E3: muscle microvascular perfusion follows work rate quickly and stays raised for
    # hours after exercise (Sjoberg 2017), so insulin reaches the fibres faster post exercise.
    work = inp.intensity
    k_flow = choose(work > s["flow"], bp.k_flow_on, bp.k_flow_off)
    d["flow"] = k_flow * (work - s["flow"])
    for name, v in vol.items():
        d[name] /= v
    dx = np.empty_like(x)
    dx[:N_SCALARS] = list(d.values())
    _isf_rhs(x, dx, ins, s["flow"], bp, geo)
    return dx


def _counterreg_rhs(
    s: dict[str, float],
    d: dict[str, float],
    g: float,
    ins_uU: float,
    inp: BodyInputs,
    bp: BodyParams,
) -> None:
    """C1/C2: glucagon, adrenaline and noradrenaline, the exercise-duration term and the
    meal amino acids that stimulate glucagon. Each hormone relaxes to its secretion-driven
    level at its plasma clearance rate (first-order, half-lives of minutes)."""
    work = inp.intensity
    d["ex_dur"] = bp.k_ex_dur * choose(work > bp.symp_start_vo2max, 1.0 - s["ex_dur"], -s["ex_dur"])
    adr, nor = catecholamine_targets(work, s["ex_dur"], g, bp)
    k_cat = math.log(2) / bp.catechol_half_life_min
    d["adr"] = k_cat * (adr - s["adr"])
    d["nor"] = k_cat * (nor - s["nor"])
    d["aa_gut"] = -bp.k_aa_abs * s["aa_gut"]
    d["aa"] = bp.k_aa_abs * s["aa_gut"] - bp.k_aa_clear * s["aa"]
    islet = s["beta_y"] / islet_reference(bp)
    nor_tone = max(s["nor"] / bp.nor_basal_pg_ml - 1.0, 0.0)
    sec = bp.alpha_capacity * glucagon_secretion(g, ins_uU, islet, s["aa"], nor_tone, bp)
    d["gcg"] = math.log(2) / bp.gcg_half_life_min * (bp.gcg_basal_pg_ml * sec - s["gcg"])


def islet_reference(bp: BodyParams) -> float:
    """C1: secretion (pmol/kg/min) of a healthy islet at 5 mM glucose, against which the
    intra-islet insulin signal to the alpha cells is measured."""
    g = bp.glc_ref_mM**bp.beta_n
    return bp.beta_sr_max * g / (bp.beta_k_mM**bp.beta_n + g)


def _hold(d: dict[str, float], name: str, s: dict[str, float], target: float) -> None:
    """An infusion that holds ``name`` at ``target``: it cancels the natural rate of change
    and adds first-order tracking; infusions cannot be negative."""
    d[name] += max(0.0, HOLD_RATE * (target - s[name]) - d[name])


def _gh_rhs(
    x: FloatArray,
    s: dict[str, float],
    d: dict[str, float],
    g: float,
    ins_uU: float,
    ffa: float,
    ra: float,
    inp: BodyInputs,
    bp: BodyParams,
) -> None:
    """H1/H2/B3: hypothalamic regulators, the pulse hazard and bursts, the exercise drive,
    release of the pituitary pool by secretagogues and exercise, rhGH kinetics."""
    sup = gh_suppression(ins_uU, ffa, inp.gh_secretion_gain, bp, inp.sleep_metab_gate)
    d["ghrh"] = (ghrh_target(x, inp, bp) - s["ghrh"]) / bp.ghrh_tau_min
    d["sst"] = (sst_target(x, g, inp, bp) - s["sst"]) / bp.sst_tau_min
    aa_abs = bp.k_aa_abs * s["aa_gut"]
    d["ghrelin"] = (
        (ghrelin_target(ra, aa_abs, bp) - s["ghrelin"]) * math.log(2) / bp.ghrelin_half_life_min
    )
    d["igfbp1"] = (igfbp1_target(ins_uU, bp) - s["igfbp1"]) / bp.igfbp1_tau_min
    d["gh_hazard"] = gh_drive(x, bp) / bp.gh_pulse_interval_min
    tau = bp.gh_pulse_tau_min
    d["gh_b1"] = -s["gh_b1"] / tau
    d["gh_b2"] = (s["gh_b1"] - s["gh_b2"]) / tau
    d["gh_ex"] = (exercise_gh_signal(inp.intensity, bp) - s["gh_ex"]) / bp.gh_ex_tau_min
    occ = ipam_occupancy(x, bp) + serm_occupancy(x, bp) + exercise_gh_occupancy(x, bp)
    release = bp.k_pool_release * occ * s["gh_pool"]
    d["gh_pool"] = bp.k_pool_refill * (1.0 - s["gh_pool"]) - release
    k_gh = math.log(2) / bp.gh_half_life_min
    d["gh"] = (
        gh_secretion(x, bp, sup)
        + bp.pool_ug_kg * release * sup * gh_dilution(bp)
        + inp.gh_inf
        + bp.sc_gh_ka * bp.sc_gh_f * s["gh_sc2"]
        - k_gh * s["gh"]
    )
    # sc rhGH: injection site -> lymphatic transit -> plasma (Tmax 4-6 h)
    d["gh_sc"] = -bp.sc_gh_ka * s["gh_sc"]
    d["gh_sc2"] = bp.sc_gh_ka * (s["gh_sc"] - s["gh_sc2"])
    for drug in ("ipam", "serm"):
        k = math.log(2) / getattr(bp, f"{drug}_half_life_min")
        inf = getattr(inp, f"{drug}_inf")
        d[drug] = bp.ka_sc_peptide * s[f"{drug}_sc"] + inf - k * s[drug]
        d[f"{drug}_sc"] = -bp.ka_sc_peptide * s[f"{drug}_sc"]


def _isf_rhs(
    x: FloatArray,
    dx: FloatArray,
    ins_pmol_l: float,
    flow: float,
    bp: BodyParams,
    geo: Geometry,
) -> None:
    """B1: transendothelial insulin transport into capillary-segment interstitium, local
    degradation, and exchange between neighbouring segments (graph Laplacian)."""
    n_m = geo.n_isf[0]
    isf = x[N_SCALARS:]
    recruit = 1.0 + bp.capillary_recruit * flow  # muscle capillaries only
    rate = np.empty_like(isf)  # transendothelial rate constant of each node
    rate[:n_m] = bp.k_isf_insulin * recruit * geo.kte_muscle
    rate[n_m:] = bp.k_isf_insulin * geo.kte_adipose
    dx[N_SCALARS:] = (
        rate * (ins_pmol_l - isf) - bp.k_isf_degrade * isf - bp.d_isf * (geo.lap_isf @ isf)
    )
