"""Rate laws shared by every cell type: insulin, GH, lipid, inflammatory and energy arms.

Each function is one named mechanism of DESIGN section 2 (its id in the docstring). All are
pure functions of a state view ``s`` (rows of a ``(n_species, n_cells)`` array), the inputs
``u`` reaching the cells, and parameters ``p`` (scalars or per-cell arrays); they write the
time derivative (per minute) into the view ``d``. No Mesa, networkx or I/O here.

Knockouts act through expression factors ``p.expr_<target>`` (1 = wild type): the fraction of
the protein left. Modulators act through ``u.mod_<process>`` (1 = unchanged, 0 = blocked).
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from sim.kinetics.species import StateView
from sim.types import FloatArray


def akt_effective(s: StateView, p: SimpleNamespace) -> FloatArray:
    """Akt activity seen by its substrates (AS160, FOXO1, GSK3, PDE3B)."""
    return s.akt_p * p.expr_akt


def socs_block_ir(s: StateView, p: SimpleNamespace) -> FloatArray:
    """G3: fraction of IR kinase activity left when SOCS1/SOCS3 bind the receptor."""
    return 1.0 / (1.0 + s.socs1 / p.K_socs1_ir + s.socs3 / p.K_socs3_ir)


def insulin_receptor(s: StateView, d: StateView, u: SimpleNamespace, p: SimpleNamespace) -> None:
    """I1: insulin binding, autophosphorylation, internalisation and recycling of IR.

    Mass action on a conserved receptor pool: free -> bound -> IR-P -> endosome -> free, with
    dissociation of bound and (after PTP1B dephosphorylation) of phosphorylated receptor.
    """
    bind = p.k_ir_on * u.ins_nM * s.ir_f
    unbind = p.k_ir_off * s.ir_b
    autophos = p.k_ir_autop * s.ir_b
    release = p.k_ir_dephos * s.ir_p
    internalise = p.k_ir_int * s.ir_p
    recycle = p.k_ir_rec * s.ir_i
    d.ir_f[:] = unbind + release + recycle - bind
    d.ir_b[:] = bind - unbind - autophos
    d.ir_p[:] = autophos - release - internalise
    d.ir_i[:] = internalise - recycle


def irs1_serine_rate(
    s: StateView, u: SimpleNamespace, p: SimpleNamespace, akt_eff: FloatArray
) -> FloatArray:
    """F2, N1, S1 and mTOR/S6K feedback: rate (1/min) of inhibitory IRS-1 serine phosphorylation."""
    return (
        p.k_ps_basal
        + p.k_ps_pkc * s.pkc * p.expr_pkc
        + p.k_ps_nfkb * s.nfkb * p.expr_nfkb
        + p.k_ps_s6k * akt_eff
        + p.k_ps_cort * u.cort_excess
    )


def irs1(
    s: StateView, d: StateView, u: SimpleNamespace, p: SimpleNamespace, akt_eff: FloatArray
) -> None:
    """I2 with F2/N1 serine blockade, G3 SOCS-targeted degradation and N3 renewal.

    IR-P (minus the share blocked by SOCS) tyrosine-phosphorylates unmodified IRS-1; serine
    phosphorylation moves unmodified and pY IRS-1 into the pS pool, which cannot be
    tyrosine-phosphorylated. SOCS1/3 target every form for proteasomal degradation; basal
    synthesis refills the pool. Autophagy renewal (``u.renewal``, caloric restriction and
    fasting) raises turnover, replacing serine-modified protein with fresh IRS-1.
    """
    kinase = p.k_irs1_py * s.ir_p * socs_block_ir(s, p)
    serine = irs1_serine_rate(s, u, p, akt_eff)
    turnover = p.k_irs1_turn * (1.0 + u.renewal)
    degrade = turnover + p.k_irs1_deg_socs * (s.socs1 + s.socs3)
    # Autophagy preferentially removes serine-modified IRS-1; new protein replaces it
    # (lumped as a pS -> unmodified conversion so the pool size is unchanged).
    clear_ps = p.k_irs1_dps * (1.0 + u.renewal)
    d.irs1_u[:] = (
        turnover * p.expr_irs1
        + p.k_irs1_dpy * s.irs1_py
        + clear_ps * s.irs1_ps
        - (kinase + serine + degrade) * s.irs1_u
    )
    d.irs1_py[:] = kinase * s.irs1_u - (p.k_irs1_dpy + serine + degrade) * s.irs1_py
    d.irs1_ps[:] = serine * (s.irs1_u + s.irs1_py) - (clear_ps + degrade) * s.irs1_ps


def pi3k_akt(s: StateView, d: StateView, p: SimpleNamespace) -> None:
    """I3: IRS-1-pY recruits PI3K (PIP3 lumped), PIP3 activates Akt; phosphatases reverse."""
    d.pi3k[:] = p.k_pi3k_on * s.irs1_py * (p.expr_pi3k - s.pi3k) - p.k_pi3k_off * s.pi3k
    # Akt needs PIP3 at two sites (PDK1 on T308, mTORC2 on S473): activation ~ PIP3^2.
    d.akt_p[:] = p.k_akt_on * s.pi3k**2 * (p.expr_akt - s.akt_p) - p.k_akt_off * s.akt_p


def gh_receptor(s: StateView, d: StateView, u: SimpleNamespace, p: SimpleNamespace) -> None:
    """G1: GH binds the preformed GHR dimer, activating JAK2; internalisation and recycling."""
    bind = p.k_gh_on * u.gh_nM * s.ghr_f
    unbind = p.k_gh_off * s.ghr_jak2
    internalise = p.k_ghr_int * s.ghr_jak2
    recycle = p.k_ghr_rec * s.ghr_i
    d.ghr_f[:] = unbind + recycle - bind
    d.ghr_jak2[:] = bind - unbind - internalise
    d.ghr_i[:] = internalise - recycle


def stat5(s: StateView, d: StateView, p: SimpleNamespace) -> None:
    """G1/G3: active JAK2 phosphorylates STAT5; SOCS3 (and SOCS1) inhibit JAK2's kinase."""
    jak = s.ghr_jak2 * p.expr_jak2 / (1.0 + s.socs3 / p.K_socs3_jak + s.socs1 / p.K_socs1_jak)
    d.stat5_p[:] = p.k_stat5_p * jak * (p.expr_stat5 - s.stat5_p) - p.k_stat5_dp * s.stat5_p


def socs_transcription(s: StateView, d: StateView, u: SimpleNamespace, p: SimpleNamespace) -> None:
    """G2: pSTAT5 (and NF-kB for SOCS3) drive delayed SOCS1/SOCS3 transcription.

    SOCS3 passes a two-stage transcript chain (delay), SOCS1 one stage. Levels are relative
    to full induction: with ``k_tx = k_mdeg`` and ``k_tl = k_deg`` the steady state equals
    the drive.
    """
    drive3 = (s.stat5_p + p.w_socs3_nfkb * s.nfkb * p.expr_nfkb) * u.mod_socs_transcription
    d.socs3_m1[:] = p.k_socs3_mdeg * drive3 - p.k_socs3_tr * s.socs3_m1
    d.socs3_m2[:] = p.k_socs3_tr * s.socs3_m1 - p.k_socs3_mdeg * s.socs3_m2
    d.socs3[:] = p.k_socs3_deg * (s.socs3_m2 * p.expr_socs3 - s.socs3)
    drive1 = s.stat5_p * u.mod_socs_transcription
    d.socs1_m[:] = p.k_socs1_mdeg * (drive1 - s.socs1_m)
    d.socs1[:] = p.k_socs1_deg * (s.socs1_m * p.expr_socs1 - s.socs1)


def lipid_pkc(
    s: StateView, d: StateView, u: SimpleNamespace, p: SimpleNamespace, oxidation: FloatArray
) -> None:
    """F1/F2: FFA uptake fills acyl-CoA; DAG/ceramide accumulate and activate novel PKC.

    ``oxidation`` is the relative beta-oxidation capacity (mitochondria, AMPK -> ACC -> CPT1).
    Acyl-CoA is normalised to 1 at fasting plasma FFA; its inflow is proportional to plasma
    FFA (CD36/FATP transport). ``p.dag_tg`` adds the DAG of a hepatocyte's stored
    triglyceride above its starting content (lipid-droplet DAG activating PKC-epsilon;
    Kumashiro 2011), set per cell by the remodelling (:mod:`sim.remodel.liver`), 0 otherwise.
    """
    inflow = p.k_lcfa * u.ffa_mM / p.ffa_ref_mM
    d.lcfa[:] = inflow - p.k_lcfa * (p.f_lcfa_ox * oxidation + 1.0 - p.f_lcfa_ox) * s.lcfa
    d.dag[:] = p.k_dag * (np.maximum(s.lcfa + p.dag_tg, 0.0) - s.dag)
    act = s.dag**2 / (p.K_dag_pkc**2 + s.dag**2) * u.mod_pkc_activation
    d.pkc[:] = p.k_pkc_on * act * (p.expr_pkc - s.pkc) - p.k_pkc_off * s.pkc


def nfkb(s: StateView, d: StateView, u: SimpleNamespace, p: SimpleNamespace) -> None:
    """N1-N3: TNF-alpha (TNFR1 -> IKK-beta), FFA (TLR4) and oxidative stress activate NF-kB.

    Omega-3 fatty acids and polyphenols damp activation (``u.anti_inflammatory`` in 0-1);
    caloric restriction and fasting lower the oxidative-stress drive (``u.ros``).
    """
    tnf = u.tnf_pg_ml / (u.tnf_pg_ml + p.K_tnf_pg_ml)
    lipid = p.w_nfkb_ffa * np.maximum(u.ffa_mM / p.ffa_ref_mM - 1.0, 0.0)
    drive = (p.nfkb_basal + tnf + lipid + u.ros) * (1.0 - u.anti_inflammatory)
    drive = drive * u.mod_nfkb_activation
    d.nfkb[:] = p.k_nfkb_on * drive * (p.expr_nfkb - s.nfkb) - p.k_nfkb_off * s.nfkb


def energy_ampk(
    s: StateView,
    d: StateView,
    u: SimpleNamespace,
    p: SimpleNamespace,
    load: FloatArray,
    capacity: FloatArray,
) -> None:
    """E1/N2: ATP turnover raises AMP:ATP, which activates AMPK (LKB1, cooperative AMP binding).

    ``load`` is the excess energy demand over oxidative supply (0 at rest); ``capacity`` the
    AMPK protein relative to an untrained wild-type cell. Polyphenols nudge activation (N2).
    """
    d.amp_atp[:] = p.k_amp * (1.0 + load - s.amp_atp)
    r = s.amp_atp**p.n_ampk
    act = r / (p.K_ampk**p.n_ampk + r) * (1.0 + p.w_ampk_poly * u.polyphenols)
    act = act * u.mod_ampk_activation
    d.ampk_p[:] = p.k_ampk_on * act * (capacity - s.ampk_p) - p.k_ampk_off * s.ampk_p


def common(
    s: StateView,
    d: StateView,
    u: SimpleNamespace,
    p: SimpleNamespace,
    oxidation: FloatArray,
    load: FloatArray,
    ampk_capacity: FloatArray | float = 1.0,
) -> FloatArray:
    """All shared arms at once; returns the effective Akt activity for tissue laws.

    Knockouts of IR, GHR and IRS-1 act through the size of their pools (set at the start by
    :func:`sim.engine.initial_state`; IRS-1 synthesis also scales), the others through
    ``p.expr_<target>`` where the protein acts.
    """
    akt = akt_effective(s, p)
    insulin_receptor(s, d, u, p)
    irs1(s, d, u, p, akt)
    pi3k_akt(s, d, p)
    gh_receptor(s, d, u, p)
    stat5(s, d, p)
    socs_transcription(s, d, u, p)
    lipid_pkc(s, d, u, p, oxidation)
    nfkb(s, d, u, p)
    energy_ampk(s, d, u, p, load, p.expr_ampk * ampk_capacity)
    return akt
