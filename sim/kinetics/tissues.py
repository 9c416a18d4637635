"""Tissue-specific rate laws and the right-hand side of each cell type.

Muscle fibres (I4, E1-E4, F1, C2), hepatocytes (I5, F3, G4, S1, C1, C2) and adipocytes (I4, I6,
G5, B4, C2) add their own mechanisms to the shared arms of :mod:`sim.kinetics.signalling`.
``cell_rhs(tissue, y, u, p)`` is the single entry point used by every engine and by the
reference solver.
"""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np

from sim.kinetics import signalling as sig
from sim.kinetics.species import StateView, index
from sim.types import FloatArray

_IDX = {t: index(t) for t in ("muscle", "liver", "adipose")}


def glut4_translocation(
    s: StateView,
    d: StateView,
    u: SimpleNamespace,
    p: SimpleNamespace,
    insulin_drive: FloatArray,
    ampk_drive: FloatArray,
    contraction_drive: FloatArray | float = 0.0,
) -> None:
    """I4/E2/S1: Akt (via AS160), AMPK (via TBC1D1) and AMPK-independent contraction signals
    (Ca2+/CaMKII, Rac1, mechanical stress; Sylow 2017) add to GLUT4 exocytosis; cortisol
    impairs it; endocytosis is constitutive."""
    exo = p.k_exo_basal + (
        p.k_exo_ins * insulin_drive + p.k_exo_ampk * ampk_drive + contraction_drive
    ) * u.mod_glut4_translocation / (1.0 + p.w_cort_glut4 * u.cort_excess)
    d.glut4_pm[:] = exo * (1.0 - s.glut4_pm) - p.k_endo * s.glut4_pm


def michaelis(glc_mM: FloatArray, km_mM: float) -> FloatArray:
    """Saturable transporter occupancy."""
    return glc_mM / (km_mM + glc_mM)


def recruitment(u: SimpleNamespace, p: SimpleNamespace) -> FloatArray:
    """E1: Henneman recruitment: type I fibres work from low intensities, type II fibres are
    recruited progressively above ``recruit_II_start`` (fraction of VO2max)."""
    # clip to [0, 1] written as minimum/maximum so the compiled copy accepts scalars too
    share = (u.intensity - p.recruit_II_start) / p.recruit_II_span
    recruit_ii = np.minimum(np.maximum(share, 0.0), 1.0)
    return p.is_type_I + (1.0 - p.is_type_I) * recruit_ii


def muscle_load(
    u: SimpleNamespace, p: SimpleNamespace, recruit: FloatArray, mito: FloatArray
) -> FloatArray:
    """E1: excess ATP demand of a working fibre over what its oxidative capacity (fibre-type
    capacity times mitochondrial density) covers; it raises AMP:ATP."""
    demand = u.intensity / (p.oxidative_capacity * mito)
    return recruit * p.g_load * np.maximum(demand - p.demand_threshold, 0.0)


def muscle_gs_active(akt: FloatArray, depleted: FloatArray, p: SimpleNamespace) -> FloatArray:
    """C3/E3: fraction of muscle glycogen synthase in its active, dephosphorylated form:
    activated by insulin through Akt (GSK3 inhibition; Hill ``n_gs_akt_m``) or by a
    glycogen deficit (Hill 2), either route independently of the other."""
    a = akt**p.n_gs_akt_m
    by_insulin = a / (p.K_gs_akt_m**p.n_gs_akt_m + a)
    dd = depleted * depleted
    by_depletion = dd / (p.K_gs_depleted_m**2 + dd)
    return by_insulin + (1.0 - by_insulin) * by_depletion


def muscle_rhs(s: StateView, d: StateView, u: SimpleNamespace, p: SimpleNamespace) -> None:
    """Skeletal-muscle fibre: shared arms plus GLUT4, Randle cycle, glycogen and training."""
    oxidation = s.mito * (1.0 + p.w_ox_ampk * s.ampk_p * p.expr_ampk)
    recruit = recruitment(u, p)
    load = muscle_load(u, p, recruit, s.mito)
    akt = sig.common(s, d, u, p, oxidation, load, s.ampk_content)
    ampk = s.ampk_p
    depleted = np.maximum(1.0 - s.glycogen, 0.0)  # a trained, enlarged store can overfill
    # E2: AMPK above its resting activity (scaled by the cell's AMPK content) adds exocytosis.
    ampk_excess = np.maximum(ampk - p.ampk_rest * s.ampk_content, 0.0)
    # E3: post-exercise insulin sensitisation, the second phase of Richter 1982 / Garetto
    # 1984. AMPK phosphorylates TBC1D4 (AS160) at its own site during work; the mark
    # outlasts the bout by many hours (Treebak 2009; Kjobsted 2017: the sensitisation needs
    # AMPK) and the sensitisation it primes develops behind it over the first hours, as the
    # insulin-independent first phase (AMPK and contraction exocytosis, which stop with the
    # work) wanes. Primed TBC1D4 lets Akt release GLUT4 vesicles more effectively; low
    # glycogen sensitises too.
    d.tbc1d4_p[:] = p.k_prime_on * ampk_excess * (1.0 - s.tbc1d4_p) - p.k_prime_off * s.tbc1d4_p
    d.tbc1d4_prime[:] = p.k_prime_dev * (s.tbc1d4_p - s.tbc1d4_prime)
    insulin_drive = akt * (1.0 + p.w_e3_sens * depleted + p.w_prime_ins * s.tbc1d4_prime)
    # E2: AMPK-independent contraction signals of a recruited fibre scale with its work rate.
    contraction = p.k_exo_contraction * recruit * u.intensity
    glut4_translocation(s, d, u, p, insulin_drive, ampk_excess, contraction)
    # F1 Randle cycle: acyl-CoA oxidation (citrate, acetyl-CoA, G6P) limits glucose disposal.
    randle = (1.0 + p.w_randle) / (1.0 + p.w_randle * s.lcfa)
    # G5/F1 in muscle: GH (pSTAT5) induces PDK4 only together with the fatty-acid signal
    # (acyl-CoA, lcfa; PDK4 is a fatty-acid/PPAR target gene), and PDK4 inactivates PDH: GH
    # restrains glucose oxidation and uptake through lipolysis, insulin signalling intact.
    # Insulin represses PDK4 transcription through Akt (FOXO exclusion; Kim 2006), also with
    # the fatty-acid signal held up (Tsintzas 2007): 1 at overnight-fasted Akt.
    ins_repress = (1.0 + p.w_pdk4_akt * p.pdk4_akt_ref) / (1.0 + p.w_pdk4_akt * akt)
    d.pdk4_m[:] = p.k_pdk4 * (s.stat5_p * s.lcfa * ins_repress - s.pdk4_m)  # transcription
    d.pdk4[:] = p.k_pdk4 * (s.pdk4_m - s.pdk4)  # translation
    pdh = 1.0 / (1.0 + p.w_pdh_pdk4 * s.pdk4)
    # I5-in-muscle/E3: Akt -> GSK3 -> glycogen synthase pulls G6P, relieving hexokinase; in
    # a primed (exercised) fibre insulin activates glycogen synthase faster and further
    # (Wojtaszewski 2000) with the same Akt and GSK3 signal;
    # E1: in a working fibre glycolysis pulls G6P too (uptake control shifts to transport).
    disposal = (
        1.0
        + p.w_gs_akt * akt * (1.0 + p.w_prime_ins * s.tbc1d4_prime)
        + p.w_gs_glycogen * depleted
        + p.w_disposal_work * recruit * u.intensity
    )
    # C2: adrenaline drives muscle glycogenolysis; the G6P it makes inhibits hexokinase, so
    # circulating adrenaline restrains glucose uptake in working muscle (adrenaline
    # infusion lowered exercising glucose uptake and clearance: Howlett 2008, Watt 2001).
    adrenergic = 1.0 / (1.0 + p.w_uptake_adr * u.catechol)
    glut4 = p.glut4_total * s.glut4_content * p.expr_glut4 * s.glut4_pm
    uptake = p.v_glut4 * glut4 * randle * pdh * disposal * adrenergic * michaelis(
        u.glc_mM, p.km_glut4_mM
    ) + p.v_glut1 * michaelis(u.glc_mM, p.km_glut1_mM)
    d.cum_glc[:] = uptake
    cap = p.glycogen_cap_mg_kg * (1.0 + p.w_glycogen_cap_mito * (s.mito - 1.0))
    # C3: only active (dephosphorylated) glycogen synthase stores the glucose taken up;
    # in the fasted fibre it is phosphorylated (GSK3 active) and the glucose is glycolysed
    # (muscle glycogen is flat over days of fasting). Insulin (Akt -> GSK3 off, PP1 on) or
    # a glycogen deficit after work (GS dephosphorylation rises as glycogen falls, Jensen
    # 2006) activates it; the two combine as independent routes to the active form.
    synthesis = (
        uptake
        * p.f_glycogen_store
        * depleted
        / (depleted + p.K_glycogen_full)
        * muscle_gs_active(akt, depleted, p)
    )
    use = (
        p.v_glycogen_use * recruit * u.intensity**2 * s.glycogen / (s.glycogen + p.km_glycogen_use)
    )
    d.glycogen[:] = (synthesis - use) / cap
    # E4: PGC-1alpha integrates the AMPK activity FRACTION above rest (not the amount, which
    # training itself raises: that would close a runaway loop through AMPK content);
    # GLUT4, mitochondria and AMPK protein follow PGC-1alpha.
    active = np.maximum(ampk / s.ampk_content - p.ampk_rest, 0.0)
    d.pgc1a[:] = p.k_pgc * active - p.k_pgc_decay * s.pgc1a
    d.glut4_content[:] = p.k_glut4_turn * (1.0 + p.g_glut4_pgc * s.pgc1a - s.glut4_content)
    d.mito[:] = p.k_mito_turn * (1.0 + p.g_mito_pgc * s.pgc1a - s.mito)
    d.ampk_content[:] = p.k_glut4_turn * (1.0 + p.g_ampk_pgc * s.pgc1a - s.ampk_content)


def gk_expression_target(akt: FloatArray, pka: FloatArray, p: SimpleNamespace) -> FloatArray:
    """C1/C3: glucokinase expression the hepatocyte's transcription drives towards, relative
    to the overnight-fasted (and fed) level (1 at Akt ``gk_akt_ref`` and above, at fasting
    glucagon): a basal share plus insulin (Akt) induction (Hill ``n_gk_akt``), repressed by
    PKA above its fasting activity."""
    n = p.n_gk_akt
    k_n = p.K_gk_akt**n
    ref = p.gk_akt_ref**n / (k_n + p.gk_akt_ref**n)
    akt_n = akt**n
    induced = p.gk_basal + (1.0 - p.gk_basal) * akt_n / (k_n + akt_n) / ref
    # the fed level is the glucokinase capacity the meal targets were calibrated with:
    # insulin restores it after a fast but does not induce beyond it
    return np.minimum(induced, 1.0) / (1.0 + p.w_gk_pka * np.maximum(pka, 0.0))


def gng_precursor_supply(glc_mM: FloatArray, ffa_mM: FloatArray, p: SimpleNamespace) -> FloatArray:
    """C3: delivery of gluconeogenic precursors to the liver relative to the overnight fast
    (1 = lactate, alanine and glycerol at their postabsorptive rates).

    Lactate (Cori cycle) comes from the glycolysis of glucose by red cells, brain and muscle
    and follows glucose through a saturable uptake (``km_lactate_glc_mM``); alanine (from
    muscle protein and the glucose-alanine cycle) is held at its postabsorptive rate, which
    insulin does not change (Fukagawa 1985: alanine flux unchanged up to 2400 uU/mL);
    glycerol comes from adipose lipolysis, whose rate plasma FFA follows (an adipocyte has no
    glycerol kinase, so each lipolysed triglyceride releases its glycerol: Nurjhan 1992).
    Each enters at its postabsorptive share of the carbon incorporated into glucose
    (``f_gng_lactate``, ``f_gng_glycerol``; alanine the rest). ``w_gng_supply`` 0 holds the
    delivery at 1 (switch-off)."""
    lactate = michaelis(glc_mM, p.km_lactate_glc_mM) / (
        p.gng_glc_ref_mM / (p.km_lactate_glc_mM + p.gng_glc_ref_mM)
    )
    glycerol = ffa_mM / p.ffa_ref_mM
    change = p.f_gng_lactate * (lactate - 1.0) + p.f_gng_glycerol * (glycerol - 1.0)
    return np.maximum(1.0 + p.w_gng_supply * change, 0.0)


def liver_rhs(s: StateView, d: StateView, u: SimpleNamespace, p: SimpleNamespace) -> None:
    """Hepatocyte: shared arms plus FOXO1/PEPCK, gluconeogenesis, glycogen and IGF-1."""
    akt = sig.common(s, d, u, p, np.ones_like(s.lcfa), np.zeros_like(s.lcfa))
    # I5: Akt phosphorylates FOXO1, exporting it from the nucleus.
    d.foxo1[:] = p.k_foxo_in * (1.0 - s.foxo1) - p.k_foxo_out * (1.0 + p.w_foxo_akt * akt) * s.foxo1
    # I5/S1: FOXO1 and glucocorticoid receptor drive PEPCK transcription.
    target = s.foxo1 * (1.0 + p.w_pepck_cort * u.cort_excess) / (1.0 + p.w_pepck_cort)
    d.pepck[:] = p.k_pepck * (target - s.pepck)
    # F3: fatty-acid oxidation supplies acetyl-CoA (pyruvate carboxylase) and ATP for GNG.
    lipid = 1.0 + p.w_gng_ffa * (s.lcfa - 1.0)
    drive = s.pepck * np.maximum(lipid, 0.0)
    # I5: Akt (GSK3 off -> GS on; G6Pase down) sends gluconeogenic G6P into glycogen.
    n = p.n_akt_liver
    akt_n = akt**n
    room = 1.0 - s.glycogen  # glycogen synthase stops as the store fills
    to_glycogen = akt_n / (p.K_g6p_akt**n + akt_n) * room / (room + p.K_gs_room)
    # C1/C2: glucagon receptor (and hepatic beta2-adrenoceptors) -> Gs -> adenylyl cyclase
    # -> cAMP -> PKA, more in periportal cells (zone_gng; GCGR zonation, Jungermann 1996).
    # pka is PKA activity above that of the fasting state (negative when glucagon falls).
    occupancy = u.glucagon_pg_ml / (u.glucagon_pg_ml + p.K_gcgr_pg_ml)
    d.camp[:] = p.k_camp * (p.zone_gng * (occupancy + p.w_camp_adr * u.catechol) - s.camp)
    pka = s.camp - p.zone_gng * p.gcg_ref_pg_ml / (p.gcg_ref_pg_ml + p.K_gcgr_pg_ml)
    # C1: PKA lowers fructose-2,6-bisphosphate and inhibits L-pyruvate kinase, pushing flux
    # through gluconeogenesis (Pilkis 1992); insulin acts against it through FOXO1/PEPCK.
    drive = drive * np.maximum(1.0 + p.w_gng_pka * pka, 0.0)
    # C3: precursor supply limits gluconeogenesis. The enzymatic drive (PEPCK, FFA-oxidation
    # acetyl-CoA and ATP, PKA) sets the fraction of the delivered lactate, glycerol and
    # alanine the hepatocyte extracts; extraction saturates as the drive rises, so the flux
    # approaches the precursor delivery (v_gng x gng_drive_sat) instead of growing in
    # proportion to the drive (GNG rises at most ~2-fold in moderate exercise while
    # glycogenolysis carries the rest: Wahren 1971, Trimmer 2002).
    # The gluconeogenesis modulator scales the pathway's flux as a whole (1 = unchanged,
    # 0 = blocked), as it did before the precursor limit.
    # The extracted fraction multiplies the precursor delivery (gng_precursor_supply): with
    # the extraction saturated, gluconeogenesis follows its substrate supply.
    supply = gng_precursor_supply(u.glc_mM, u.ffa_mM, p)
    gng = p.v_gng * p.zone_gng * drive / (1.0 + drive / p.gng_drive_sat) * supply
    gng = gng * u.mod_gluconeogenesis
    # I5: insulin (Akt -> PP1) restrains phosphorylase with a delay: the insulin restraint of
    # hepatic glycogenolysis follows its Akt-driven target at k_hgo_delay (the "delayed
    # insulin action" on EGP of Dalla Man 2007). Clamp plateaus sit on the Hill law, but after
    # oral glucose EGP falls over about an hour, as in the Dalla Man 2007 meal model built on
    # triple-tracer data (Basu 2003), instead of by ~85 % within 15 min. Glucose inhibits
    # phosphorylase too. C1/C2: PKA phosphorylates phosphorylase kinase, activating
    # phosphorylase against insulin's PP1 restraint: glucagon and adrenaline oppose insulin
    # on glycogenolysis (Cherrington 2002), so EGP rises in exercise and hypoglycaemia.
    d.hgo_restraint[:] = p.k_hgo_delay * (akt_n / (p.K_gly_akt**n + akt_n) - s.hgo_restraint)
    # C1: hepatic autoregulation of the cAMP-stimulated part. Glucose bound to phosphorylase
    # a makes it a substrate of PP1 (Bollen 1998), so a small rise of glucose above its
    # fasting level switches off the glycogenolysis that glucagon or adrenaline stimulate
    # (Ferrannini 1982: +1.4 mM with insulin held basal took glucagon-stimulated production
    # from 1.44 to 0.07 mg/kg/min): a difference controller on glucose, the feedback that
    # holds glucose during exercise (Jenkins 1986). Only the suppression above the reference
    # is modelled (below it the gate stays open, 1; hypoglycaemic counter-regulation runs
    # through glucagon and adrenaline). Only PKA above its fasting level is gated; its fall
    # below (glucagon suppressed after a meal) is not.
    rise = (u.glc_mM - p.gly_pka_glc_ref_mM) / p.s_gly_pka_glc_mM
    autoreg = 2.0 / (1.0 + math.e ** np.maximum(rise, 0.0))
    pka_effect = np.maximum(pka, 0.0) * autoreg + np.minimum(pka, 0.0)
    # phosphorylase a: its activation against insulin's restraint (PKA, delayed Akt)
    phosphorylase = np.maximum(1.0 - s.hgo_restraint + p.w_gly_pka * pka_effect, 0.0)
    glycogenolysis = (
        p.v_glycogenolysis
        * s.glycogen
        / (s.glycogen + p.K_glycogenolysis)
        * phosphorylase
        / (1.0 + (u.glc_mM / p.K_gly_glc_mM) ** 2)
    )
    # C1/C3: glucokinase expression (gk, 1 = overnight-fasted) follows its transcription:
    # insulin induces the GK gene through Akt/SREBP-1c and glucagon/cAMP represses it
    # (Iynedjian 1989), so over a fast, as insulin falls and glucagon rises, the liver loses
    # the enzyme that phosphorylates plasma glucose; after a meal it regains it.
    d.gk[:] = p.k_gk * (gk_expression_target(akt, pka, p) - s.gk)
    # I5/C1: glycogen synthase (GS) activation. Phosphorylase a inhibits the glycogen-bound
    # GS phosphatase, so GS stays phosphorylated (inactive) while phosphorylase is active
    # and is activated once insulin inactivates phosphorylase (Stalmans 1974, Bollen
    # 1998); the GS phosphatase answers the Akt signal directly, with the cooperativity of
    # the restraint (hepatic GS is activated within the first half hour of an oral load).
    # PKA above its fasting activity phosphorylates GS as well (glucagon inactivates
    # hepatic GS, Ciudad 1984). 1 = fully active (fed, insulin high).
    akt_hill = akt_n / (p.K_gs_akt**n + akt_n)
    gs_active = 1.0 / (1.0 + p.w_gs_phos * (1.0 - akt_hill) + p.w_gs_pka * np.maximum(pka, 0.0))
    # I5: glucokinase (sigmoid in glucose, times its expression) phosphorylates plasma
    # glucose with the Akt-dependent pull of G6P; active GS stores that G6P as glycogen
    # (direct pathway), the rest is glycolysed (fasting splanchnic glucose uptake, ~25 %
    # of disposal, is not stored: DeFronzo 2004). The gluconeogenic G6P that Akt routes
    # to glycogen (indirect pathway) passes the same GS: in the fasted liver it leaves as
    # glucose instead of cycling through glycogen.
    gk = u.glc_mM**p.n_gk / (p.km_gk_mM**p.n_gk + u.glc_mM**p.n_gk) * s.gk
    synthesis = p.v_glycogen_synth * p.zone_gk * gk * (p.gs_basal + akt) * (1.0 - s.glycogen)
    stored = (synthesis + gng * to_glycogen) * gs_active
    d.glycogen[:] = (stored - glycogenolysis) / p.glycogen_cap_mg_kg
    d.cum_glc[:] = synthesis
    d.cum_egp[:] = gng * (1.0 - to_glycogen * gs_active) + glycogenolysis
    d.cum_gng[:] = gng
    # G4: pSTAT5 drives IGF-1 transcription.
    d.igf1_m[:] = p.k_igf1_m * (
        p.igf1_basal + (1.0 - p.igf1_basal) * s.stat5_p * p.expr_stat5 - s.igf1_m
    )


def adipose_rhs(s: StateView, d: StateView, u: SimpleNamespace, p: SimpleNamespace) -> None:
    """Adipocyte: shared arms plus GLUT4, HSL lipolysis (I6, G5) and TNF-alpha output (B4)."""
    akt = sig.common(s, d, u, p, np.ones_like(s.lcfa), np.zeros_like(s.lcfa))
    glut4_translocation(s, d, u, p, akt, np.zeros_like(akt))
    d.cum_glc[:] = p.v_glut4 * p.glut4_total * p.expr_glut4 * s.glut4_pm * michaelis(
        u.glc_mM, p.km_glut4_mM
    ) + p.v_glut1 * michaelis(u.glc_mM, p.km_glut1_mM)
    # G5: GH induces a slow lipolytic programme through STAT5: transcription (FSP27/G0S2
    # down), then synthesis and turnover of the proteins (less PDE3B, more ATGL activity)
    # until the programme acts: three first-order stages (linear chain), a gamma-distributed
    # delay of mean 3/k_gh_lipo whose response to a pulse peaks 2/k_gh_lipo (~2.2 h) after
    # it, so the FFA rise peaks 2-3 h after a bolus (Jorgensen 2006) while sustained GH
    # reaches 70 % of its full effect within 4 h (Moller 1989).
    d.gh_lipo_m[:] = p.k_gh_lipo * (s.stat5_p * p.expr_stat5 - s.gh_lipo_m)
    d.gh_lipo_p[:] = p.k_gh_lipo * (s.gh_lipo_m - s.gh_lipo_p)
    d.gh_lipo[:] = p.k_gh_lipo * (s.gh_lipo_p - s.gh_lipo)
    drive = (
        p.hsl_basal * p.size_rel
        + p.w_hsl_gh * s.gh_lipo
        + p.w_hsl_catechol * u.catechol
        + p.w_hsl_cort * u.cort_excess
    )
    # I6: insulin -> Akt -> PDE3B lowers cAMP/PKA, dephosphorylating HSL.
    d.hsl[:] = (
        p.k_hsl_on * drive * (p.expr_hsl - s.hsl) - p.k_hsl_off * (1.0 + p.w_hsl_akt * akt) * s.hsl
    )
    # at most all of the hydrolysed fatty acids can be re-esterified (the sum of the basal and
    # insulin-stimulated shares exceeds 1 for some parameter values within their ranges)
    reesterified = np.minimum(p.f_reester_basal + p.f_reester_akt * akt, 1.0)
    d.cum_ffa_out[:] = p.v_lipolysis * p.size_rel * s.hsl * u.mod_lipolysis * (1.0 - reesterified)
    # B4/N1: TNF-alpha secretion scales with adipocyte size, depot and NF-kB activity.
    d.cum_tnf[:] = p.v_tnf * p.size_rel**2 * p.depot_tnf * (p.tnf_basal_frac + s.nfkb)


_LAWS = {"muscle": muscle_rhs, "liver": liver_rhs, "adipose": adipose_rhs}


def cell_rhs(
    tissue: str,
    y: FloatArray,
    u: SimpleNamespace,
    p: SimpleNamespace,
    out: FloatArray | None = None,
) -> FloatArray:
    """Time derivative (per minute) of a tissue state array ``y`` of shape (n_species, n).

    The rate laws assign every row of the derivative (``d.name[:] = ...``; a test fills
    ``out`` with NaN and checks), so ``out``, when given, is written without zeroing.
    """
    return BoundRHS(tissue, u, p)(0.0, y, np.empty_like(y) if out is None else out)


class BoundRHS:
    """:func:`cell_rhs` of one tissue with its inputs and parameters bound, writing into a
    given array (``writes_into``, for :func:`sim.numerics.rk4_inplace`).

    An integrator passes the same few work arrays on every call, so the named row views of
    each are made once and kept (they keep their array alive), instead of twice per call.
    """

    writes_into = True

    def __init__(self, tissue: str, u: SimpleNamespace, p: SimpleNamespace) -> None:
        self.tissue, self.u, self.p = tissue, u, p
        self._law, self._idx = _LAWS[tissue], _IDX[tissue]
        from sim.kinetics import extensions  # species registered from outside the package

        self._extra = extensions.laws(tissue)
        self._views: dict[int, tuple[FloatArray, StateView]] = {}

    def _view(self, a: FloatArray) -> StateView:
        hit = self._views.get(id(a))
        if hit is None or hit[0] is not a:
            hit = self._views[id(a)] = (a, StateView(a, self._idx, ordered=True))
        return hit[1]

    def __call__(self, t: float, y: FloatArray, out: FloatArray) -> FloatArray:
        s, d = self._view(y), self._view(out)
        self._law(s, d, self.u, self.p)
        for law in self._extra:
            law(s, d, self.u, self.p)
        return out


def stiffness_bound(y: FloatArray, tissue: str, u: SimpleNamespace, p: SimpleNamespace) -> float:
    """An upper bound of the fastest first-order rate (1/min) of the cells ``y`` for the given
    inputs: the spectral radius of every cell's Jacobian is at most it.

    Derived from these laws, not restated: :func:`sim.kinetics.stiffness.fastest_rate` (the
    Perron root of the cells' entrywise largest ``|Jacobian|``, traced and differentiated
    from the laws). The integrator picks its substep from it (:func:`sim.numerics.substeps`)
    so that every mode stays well inside the explicit scheme's accurate region.
    """
    from sim.kinetics import stiffness  # imports this module

    return stiffness.fastest_rate(y, tissue, u, p)
