"""Every model parameter, declared once with unit, source and admissible range.

Cell parameters are declared for all tissues and overridden per tissue where the biology
differs; body parameters describe the whole-body compartments. Phenotype presets change a few
physiologically named parameters. Overrides use dotted names: ``muscle.glut4_total``,
``body.beta_capacity``.

Sources are cited as first author and year; "calibrated to Vxx" marks values fitted to a
validation target (docs/validation.md); "model scale" marks normalisations that carry no
physiological meaning beyond setting a reference level.
"""

from __future__ import annotations

import dataclasses

from sim.types import Param

P = Param
KNOCKOUT_TARGETS = (
    "ir", "irs1", "pi3k", "akt", "glut4", "ghr", "jak2", "stat5", "socs1", "socs3", "ampk",
    "pkc", "nfkb", "hsl",
)  # fmt: skip
"""Proteins a ``knockout`` can remove; each has an expression factor ``expr_<target>``."""
INF = float("inf")

SED = "Sedaghat 2002 (BIOMD0000000137), order of magnitude"
BRA = "Brannmark 2010 (BIOMD0000000343), order of magnitude"
BACH = "Bachmann 2011 (BIOMD0000000347), order of magnitude"

#: Parameters common to every cell type (tissue tables below override values).
CELL_COMMON: tuple[Param, ...] = (
    # I1 insulin receptor
    P(
        "k_ir_on",
        0.2,
        "1/(nM*min)",
        "calibrated to V01/V10; literature 0.06 (Koschorreck 2008)",
        (0.01, 10),
    ),
    P("k_ir_off", 0.2, "1/min", "Sedaghat 2002 k-1 = 0.2 /min", (0.01, 5)),
    P(
        "k_ir_autop",
        2.0,
        "1/min",
        "lumped; Sedaghat 2002 k3 is faster; calibrated to V09",
        (0.1, 50),
    ),
    P(
        "k_ir_dephos",
        0.25,
        "1/min",
        "PTP1B dephosphorylation + dissociation; calibrated to V09",
        (0.01, 5),
    ),
    P("k_ir_int", 0.25, "1/min", "IR-P endocytosis; Brannmark 2010 internalisation, V09", (0.0, 5)),
    P("k_ir_rec", 0.2, "1/min", "endosomal recycling; calibrated to V09 overshoot", (0.001, 5)),
    # I2, F2, N1, S1, G3, N3 on IRS-1
    P("k_irs1_py", 5.0, "1/min", "IR kinase on IRS-1; calibrated to V09/V10", (0.01, 20), cv=1.0),
    P(
        "k_irs1_dpy",
        1.0,
        "1/min",
        "PTP1B on IRS-1-pY; " + SED + "; V09 overshoot timing",
        (0.01, 10),
    ),
    P("k_ps_basal", 0.005, "1/min", "basal serine kinase tone (model scale)", (0.0, 1)),
    P("k_ps_pkc", 0.05, "1/min", "PKC-theta on IRS-1 Ser1101; Li 2004; calibrated to V04", (0, 1)),
    P("k_ps_nfkb", 0.05, "1/min", "IKK-beta on IRS-1 Ser307; Gao 2002; calibrated to V04", (0, 1)),
    P("k_ps_s6k", 0.03, "1/min", "mTORC1/S6K1 feedback on IRS-1; Um 2004; V09 overshoot", (0, 1)),
    P(
        "k_ps_cort",
        0.01,
        "1/min",
        "glucocorticoid-induced serine kinase tone; Rafacho 2014",
        (0, 1),
    ),
    P("k_irs1_dps", 0.1, "1/min", "PP2A on IRS-1-pS (model scale)", (0.001, 5)),
    P("k_irs1_turn", 0.0019, "1/min", "IRS-1 protein half-life ~6 h; Zhande 2002", (1e-4, 0.05)),
    P("k_irs1_deg_socs", 0.005, "1/min", "SOCS1/3-targeted IRS-1 degradation; Rui 2002", (0, 0.1)),
    P("K_socs1_ir", 1.0, "1", "SOCS1 level halving IR kinase activity; Ueki 2004; V06", (0.01, 10)),
    P(
        "K_socs3_ir",
        1.0,
        "1",
        "SOCS3 level halving IR kinase activity; Emanuelli 2001; V06",
        (0.01, 10),
    ),
    # I3
    P("k_pi3k_on", 2.0, "1/min", "PI3K recruitment by IRS-1-pY; " + SED, (0.01, 50)),
    P("k_pi3k_off", 1.0, "1/min", "PTEN/SHIP2 PIP3 turnover; " + SED, (0.01, 50)),
    P(
        "k_akt_on",
        10.0,
        "1/min",
        "PDK1/mTORC2 dual-site Akt activation (PIP3^2); calibrated V10",
        (0.1, 100),
        kind="calibrated to V10",
    ),
    P("k_akt_off", 1.0, "1/min", "PP2A/PHLPP on Akt; " + SED, (0.01, 20)),
    # G1
    P(
        "k_gh_on",
        0.1,
        "1/(nM*min)",
        "GH-GHR association; Haugh 2004; calibrated to V07 (pSTAT5 x2 after 0.5 mg iv)",
        (0.01, 10),
    ),
    P("k_gh_off", 0.1, "1/min", "GH dissociation from the dimer; Haugh 2004", (0.001, 5)),
    P("k_ghr_int", 0.1, "1/min", "ligand-induced GHR endocytosis; Haugh 2004", (0.0, 5)),
    P(
        "k_ghr_rec",
        0.02,
        "1/min",
        "GHR return to the surface after ligand-induced internalisation (resynthesis/recycling; "
        "Haugh 2004 structure), ~50 min: sets how far sustained GH out-signals pulses; "
        "calibrated to V06 (a 4-h GH infusion, Moller 1989; 0.01 left it at 0.19-0.22 once "
        "muscle IRS-1 degradation by SOCS was made weak). Rat liver after a large GH bolus "
        "recovers more slowly (free receptors back to normal at 12 h; Maiter 1988)",
        (1e-4, 1),
    ),
    P(
        "k_stat5_p",
        0.5,
        "1/min",
        "JAK2 on STAT5; Bachmann 2011 pSTAT5 peak ~7 min",
        (0.01, 20),
        cv=1.0,
    ),
    P("k_stat5_dp", 0.1, "1/min", "nuclear STAT5 dephosphorylation; " + BACH, (0.01, 5)),
    P(
        "K_socs3_jak",
        0.08,
        "1",
        "SOCS3 level halving JAK2 activity (KIR domain); Bachmann 2011",
        (0.01, 10),
    ),
    P("K_socs1_jak", 0.5, "1", "SOCS1 level halving JAK2 activity; Yamada 2003", (0.01, 10)),
    # G2
    P("k_socs3_mdeg", 0.04, "1/min", "SOCS3 mRNA half-life ~17 min; Ehlting 2007", (0.005, 1)),
    P(
        "k_socs3_tr",
        0.1,
        "1/min",
        "SOCS3 transcript maturation delay; Adams 1998 mRNA peak 30 min",
        (0.005, 1),
    ),
    P("k_socs3_deg", 0.02, "1/min", "SOCS3 protein half-life ~35 min; Siewert 1999", (0.002, 1)),
    P("w_socs3_nfkb", 0.3, "1", "NF-kB induction of SOCS3; Ueki 2004", (0, 5)),
    P("k_socs1_mdeg", 0.03, "1/min", "SOCS1 mRNA turnover; Yamada 2003 order", (0.005, 1)),
    P(
        "k_socs1_deg",
        0.015,
        "1/min",
        "SOCS1 protein half-life ~45 min; Yamada 2003 order",
        (0.002, 1),
    ),
    # F1, F2
    P("ffa_ref_mM", 0.5, "mM", "fasting plasma FFA; Frayn 2003", (0.2, 1.0)),
    P("k_lcfa", 0.05, "1/min", "acyl-CoA pool turnover (model scale)", (0.005, 1)),
    P("f_lcfa_ox", 0.6, "1", "share of acyl-CoA disposal by beta-oxidation; Kelley 1999", (0, 1)),
    P(
        "k_dag",
        0.005,
        "1/min",
        "DAG/ceramide turnover ~2 h; Itani 2002 (PKC up after 3-5 h)",
        (5e-4, 0.1),
    ),
    P(
        "K_dag_pkc",
        2.0,
        "relative",
        "DAG level for half-maximal PKC activation (model scale)",
        (0.1, 20),
    ),
    P(
        "dag_tg",
        0.0,
        "relative",
        "set per hepatocyte by remodelling (docs/remodelling.md, hepatocyte lipid): DAG from "
        "the cell's stored triglyceride above its starting content, added to the acyl-CoA "
        "derived DAG; 0 in every other cell and run",
        (-1, 50),
    ),
    P("k_pkc_on", 0.05, "1/min", "PKC activation (model scale); calibrated to V04", (0.001, 1)),
    P("k_pkc_off", 0.05, "1/min", "PKC inactivation (model scale)", (0.001, 1)),
    P(
        "v_ffa_uptake",
        13.0,
        "umol/(kg*min*mM)",
        "muscle FFA uptake ~35 % of Ra; Frayn 2003",
        (0, 500),
        cv=1.0,
    ),
    # N1-N3
    P(
        "K_tnf_pg_ml",
        10.0,
        "pg/mL",
        "TNF level for half-maximal IKK drive; calibrated N1 tests",
        (0.1, 1000),
        kind="assumed",
    ),
    P("w_nfkb_ffa", 0.1, "1", "FFA -> TLR4 -> IKK; Shi 2006", (0, 5)),
    P("nfkb_basal", 0.05, "1", "basal IKK drive (model scale)", (0, 1)),
    P("k_nfkb_on", 0.02, "1/min", "IKK/NF-kB activation (model scale)", (0.001, 1)),
    P(
        "k_nfkb_off",
        0.05,
        "1/min",
        "IkB resynthesis feedback, NF-kB export; Hoffmann 2002",
        (0.001, 1),
    ),
    # E1, N2
    P("k_amp", 0.5, "1/min", "adenylate kinase equilibration of AMP:ATP (fast)", (0.05, 5)),
    P("n_ampk", 3.0, "1", "cooperative AMP binding to AMPK gamma; Hardie 2011", (1, 4)),
    P(
        "K_ampk",
        3.0,
        "relative",
        "AMP:ATP (x rest) for half-maximal AMPK drive; calibrated V11",
        (1, 20),
        kind="calibrated to V11",
    ),
    P("k_ampk_on", 0.12, "1/min", "LKB1 on AMPK T172; calibrated to V11", (0.001, 5)),
    P("k_ampk_off", 0.05, "1/min", "PP2C on AMPK; V11 recovery within 3 h", (0.001, 5)),
    P(
        "w_ampk_poly",
        0.05,
        "1",
        "polyphenol (resveratrol) AMPK activation, a nudge in humans: 150 mg/d raised muscle "
        "AMPK phosphorylation with a small HOMA fall (Timmers 2011), while 0.6-1.5 g/d left "
        "insulin sensitivity and glucose unchanged (Poulsen 2013; Kjaer 2017; Woerdeman "
        "2018); calibrated so that 800 mg/d lowers 24-h glucose by ~3 % in the omega-3 "
        "scenario (0.3, from mice fed 400 mg/kg/d (Lagouge 2006), gave -15 %)",
        (0, 2),
        kind="assumed",
    ),
    # knockouts (1 = wild type; the knockout intervention lowers them)
    *(
        P(f"expr_{t}", 1.0, "1", "knockout expression factor (1 = wild type)", (0, 1))
        for t in KNOCKOUT_TARGETS
    ),
)

GLUT4: tuple[Param, ...] = (
    P(
        "k_endo",
        0.07,
        "1/min",
        "GLUT4 endocytosis; Karlsson 2009 / Sedaghat 2002 (t1/2 ~5 min)",
        (0.005, 1),
    ),
    P(
        "k_exo_basal",
        0.003,
        "1/min",
        "basal GLUT4 exocytosis: 4 % at the membrane; Sedaghat 2002",
        (0, 0.1),
    ),
    P(
        "k_exo_ins",
        0.058,
        "1/min",
        "Akt/AS160-driven exocytosis; x10 at saturation, V10",
        (0, 2),
        cv=1.0,
    ),
    P("k_exo_ampk", 0.5, "1/min", "AMPK/TBC1D1-driven exocytosis; calibrated to V11", (0, 2)),
    P(
        "w_cort_glut4",
        0.3,
        "1",
        "glucocorticoid impairment of GLUT4 translocation; Weinstein 1998",
        (0, 5),
    ),
    P("km_glut4_mM", 5.0, "mM", "GLUT4 Km for glucose ~5 mM; Gould 1993", (1, 20)),
    P("km_glut1_mM", 1.5, "mM", "GLUT1 Km ~1-3 mM; Gould 1993", (0.1, 20)),
    P(
        "glut4_total",
        1.0,
        "relative",
        "GLUT4 content (1 = healthy); phenotype presets",
        (0, 5),
        cv=1.0,
    ),
)

MUSCLE: tuple[Param, ...] = (
    *GLUT4,
    P(
        "v_glut4",
        20.0,
        "mg/(kg*min)",
        "GLUT4 capacity per kg muscle; calibrated to V01/V03",
        (1, 1000),
    ),
    P(
        "k_exo_contraction",
        0.06,
        "1/min",
        "AMPK-independent contraction-stimulated GLUT4 exocytosis (Ca2+/CaMKII, Rac1) per "
        "unit intensity of a recruited fibre; Sylow 2017; calibrated to V11",
        (0, 1),
    ),
    P(
        "v_glut1",
        0.4,
        "mg/(kg*min)",
        "GLUT1 basal uptake per kg muscle; calibrated to V02",
        (0, 50),
        cv=1.0,
    ),
    P(
        "w_randle",
        0.2,
        "1",
        "acute Randle cycle strength; weak: FFA raise no G6P in human muscle and inhibit "
        "transport only after ~3 h (Roden 1996); calibrated to V06 (muscle onset)",
        (0, 5),
    ),
    P(
        "k_ps_pkc",
        0.25,
        "1/min",
        "PKC-theta on IRS-1 Ser1101 in muscle (Li 2004): the slow DAG route carries "
        "lipid-induced muscle insulin resistance (Itani 2002); calibrated to V06",
        (0, 1),
    ),
    P(
        "k_pdk4",
        0.01,
        "1/min",
        "GH-induced PDK4 transcription and translation, two stages of ~100 min each (PDK4 mRNA "
        "up in muscle during a GH infusion while canonical insulin signalling is unaffected, "
        "Nellemann 2014, Acta Physiol); calibrated to V06 (muscle after liver: forearm uptake "
        "falls from 180 min, EGP rises from 120 min, Moller 1989)",
        (1e-4, 1),
    ),
    P(
        "w_pdk4_akt",
        5.0,
        "1",
        "repression of muscle PDK4 transcription per unit Akt-P (Akt -> FOXO exclusion; insulin "
        "suppresses muscle PDK4 mRNA, impaired with Akt/FOXO1 phosphorylation in lipid-induced "
        "insulin resistance, Kim 2006, Diabetes 55:2311): with plasma FFA held up by Intralipid "
        "a 6-h clamp lowered human muscle PDK4 mRNA 2-fold within 3 h and no further (Tsintzas "
        "2007, JCEM 92:3967); calibrated to that 2-fold at the model's muscle Akt-P in a clamp "
        "at 80 uU/mL with FFA held at 1 mM (0.35, against pdk4_akt_ref at fasting)",
        (0, 100),
        kind="literature",
    ),
    P(
        "pdk4_akt_ref",
        0.07,
        "1",
        "muscle Akt-P after an overnight fast (the model at V02's conditions), where insulin's "
        "repression of PDK4 transcription is 1 (keeps the fasting PDK4 of the V02 calibration)",
        (0, 1),
        kind="assumed",
    ),
    P(
        "w_pdh_pdk4",
        4.0,
        "1",
        "PDH inactivation per unit GH-induced PDK4 (steady state pSTAT5 x acyl-CoA): GH lowers "
        "insulin-stimulated PDHa with insulin signalling and DAG/ceramide unchanged, and "
        "acipimox abolishes it (Nellemann 2014; Hogild 2019, Diabetologia: GIR AUC 595 control, "
        "468 GH, 654 GH + acipimox); a GH infusion in the fasting state lowers forearm glucose "
        "uptake 40-50 % (Moller 1990); calibrated to V02 (insulin-dependent share of fasting "
        "disposal) within V05 (Rd at the low step), V06 and V15 (5 raised the OGTT increment "
        "to 3.9 mM)",
        (0, 1000),
    ),
    P(
        "k_irs1_deg_socs",
        0.001,
        "1/min",
        "SOCS-targeted IRS-1 degradation in muscle: weak, GH leaves human muscle insulin "
        "signalling intact and its muscle insulin resistance follows lipolysis (Hogild 2019, "
        "Diabetologia, GH x acipimox 2x2: GIR AUC 595 control, 468 GH, 654 GH + acipimox, no "
        "change in muscle insulin signalling or DAG; Bak 1991: insulin-receptor kinase "
        "unaffected by GH); calibrated to V05, V12 and V15 (at 0.005, endogenous and exercise "
        "GH pulses lowered clamp Rd and Akt)",
        (0, 0.1),
    ),
    P(
        "K_socs1_ir",
        10.0,
        "1",
        "SOCS1 level halving muscle IR kinase: weak, GH insulin resistance in muscle is "
        "FFA-mediated (abolished by acipimox; Nielsen 2001); calibrated to V06",
        (0.01, 10),
    ),
    P(
        "K_socs3_ir",
        10.0,
        "1",
        "SOCS3 level halving muscle IR kinase: weak, as K_socs1_ir (Nielsen 2001); V06",
        (0.01, 10),
    ),
    P(
        "w_gs_akt",
        8.0,
        "1",
        "Akt->GSK3->GS and hexokinase relief of G6P; Shulman 1990 (glycogen 90 % of Rd); "
        "uptake fold (x20) exceeds GLUT4 translocation fold (x10); calibrated to V01/V10",
        (0, 10),
    ),
    P("w_gs_glycogen", 0.5, "1", "GS activation when glycogen is low; Jensen 2006", (0, 10)),
    P(
        "w_disposal_work",
        5.0,
        "1",
        "glycolytic G6P removal in a working fibre relieves hexokinase (per unit intensity x "
        "recruitment); Fueger 2004 (distributed control of exercise uptake); calibrated to V11 "
        "(x5 at 50 %, x10-20 at 75 % VO2max)",
        (0, 20),
    ),
    P(
        "w_uptake_adr",
        0.25,
        "1",
        "adrenergic restraint of muscle glucose uptake per unit of circulating adrenergic "
        "signal (glycogenolytic G6P inhibits hexokinase; adrenaline lowered exercising "
        "glucose uptake and clearance: Howlett 2008, Watt 2001); calibrated to V11 (x10-20 "
        "at 75 % VO2max once counter-regulation holds glucose and insulin)",
        (0, 5),
    ),
    P("w_e3_sens", 1.0, "1", "post-exercise insulin sensitisation via AS160; Cartee 2015", (0, 10)),
    P(
        "k_prime_on",
        0.1,
        "1/min",
        "AMPK phosphorylation of TBC1D4 at its AMPK site per unit AMPK activity above rest "
        "(raised at the end of a 60-min bout; Treebak 2009); order of magnitude",
        (0, 5),
    ),
    P(
        "k_prime_off",
        0.001,
        "1/min",
        "loss of the TBC1D4 priming (half-life ~12 h): insulin sensitivity stays raised for "
        "at least 16 h after one bout (Borghouts & Keizer 2000 review) and is back near "
        "baseline within ~48 h (Mikines 1988)",
        (0, 1),
    ),
    P(
        "k_prime_dev",
        0.0058,
        "1/min",
        "development of the insulin sensitisation behind TBC1D4 phosphorylation (half-time "
        "~2 h): increased insulin sensitivity follows the insulin-independent phase, which "
        "wanes over 1-3 h (Richter 1982; Garetto 1984, rat muscle); order of magnitude",
        (0, 1),
    ),
    P(
        "w_prime_ins",
        1.5,
        "1",
        "gain of Akt-driven GLUT4 exocytosis per unit of primed TBC1D4; calibrated to V57 "
        "(Wojtaszewski 2000: 2-4-fold insulin-stimulated uptake 4 h after exercise)",
        (0, 50),
    ),
    P("w_ox_ampk", 1.0, "1", "AMPK->ACC->CPT1 oxidation gain; Hardie 2011", (0, 10)),
    P(
        "glycogen_cap_mg_kg",
        15000.0,
        "mg/kg",
        "muscle glycogen ~80-90 mmol glucosyl/kg ww",
        (1000, 40000),
    ),
    P("w_glycogen_cap_mito", 0.3, "1", "training raises glycogen capacity; Holloszy 1984", (0, 2)),
    P("f_glycogen_store", 0.6, "1", "share of uptake stored at low glycogen; Shulman 1990", (0, 1)),
    P("K_glycogen_full", 0.1, "1", "glycogen deficit halving storage (model scale)", (0.01, 1)),
    # C3: insulin / glycogen-deficit gate on muscle glycogen synthase
    P(
        "K_gs_akt_m",
        0.15,
        "fraction",
        "muscle Akt for half-maximal insulin activation of glycogen synthase; between the "
        "fibre's overnight-fasted Akt (~0.06) and its Akt after a meal (~0.35), so GS is "
        "mostly inactive fasted and mostly active fed (insulin raises GS fractional "
        "activity ~2-3-fold in human muscle: Bogardus 1984, Yki-Jarvinen 1987); fasted "
        "muscle glycogen stays flat over days (Nilsson 1973)",
        (0.01, 1),
        kind="assumed",
    ),
    P(
        "n_gs_akt_m",
        2.0,
        "1",
        "cooperativity of Akt -> GSK3 -> glycogen synthase activation in muscle (multi-site "
        "GS dephosphorylation); order of magnitude",
        (1, 4),
        kind="assumed",
    ),
    P(
        "K_gs_depleted_m",
        0.5,
        "1",
        "glycogen deficit (fraction of capacity) for half-maximal insulin-independent GS "
        "activation: GS fractional activity rises as glycogen falls after exercise (Jensen "
        "2006; Nielsen 2001), little at the resting deficit (~0.2)",
        (0.05, 2),
        kind="assumed",
    ),
    P("v_glycogen_use", 250.0, "mg/(kg*min)", "glycogenolysis at VO2max; Gollnick 1974", (0, 2000)),
    P(
        "km_glycogen_use",
        0.05,
        "fraction",
        "glycogen content (of capacity) halving its use in working muscle: use slows only as "
        "the store nears empty",
        (0.001, 1),
        kind="assumed",
    ),
    P(
        "recruit_II_start",
        0.4,
        "VO2max",
        "type II recruitment onset; Henneman; Vollestad 1985",
        (0, 1),
    ),
    P("recruit_II_span", 0.4, "VO2max", "range over which type II fibres are recruited", (0.05, 1)),
    P("g_load", 3.7, "1", "AMP:ATP gain per unit excess demand; calibrated to V11", (0, 100)),
    P("demand_threshold", 0.45, "1", "demand covered by oxidation; calibrated to V11", (0, 2)),
    P("oxidative_capacity", 1.0, "relative", "set per fibre: type I 1.2, type II 0.8", (0.1, 5)),
    P("is_type_I", 1.0, "1", "multiplied per fibre by its type (1 type I, 0 type II)", (0, 1)),
    P(
        "type_I_fraction",
        0.5,
        "1",
        "share of type I fibres in vastus lateralis; Simoneau 1989",
        (0, 1),
    ),
    P("ampk_rest", 0.08, "fraction", "resting AMPK activity (E2 and E4 act above it)", (0, 1)),
    P("k_pgc", 0.03, "1/min", "PGC-1alpha induction by AMPK; calibrated to V17", (0, 1)),
    P("k_pgc_decay", 1.0 / 4320, "1/min", "training signal decays over ~3 days", (1e-6, 0.01)),
    P(
        "k_glut4_turn",
        1.0 / 10080,
        "1/min",
        "GLUT4 protein turnover ~1 week (detraining)",
        (1e-6, 0.01),
    ),
    P(
        "g_glut4_pgc",
        2.4,
        "1",
        "GLUT4 gain per unit PGC-1alpha; calibrated to V17 (Houmard 1993 x1.8)",
        (0, 10),
    ),
    P(
        "g_ampk_pgc",
        0.3,
        "1",
        "AMPK alpha2 protein gain per unit PGC-1alpha; Frosig 2004 (+~30 %)",
        (0, 5),
    ),
    P(
        "k_mito_turn",
        1.0 / 14400,
        "1/min",
        "mitochondrial turnover ~10 days; Hood 2001",
        (1e-6, 0.01),
    ),
    P("g_mito_pgc", 0.4, "1", "mitochondrial gain per unit PGC-1alpha; Holloszy 1984", (0, 10)),
)

LIVER: tuple[Param, ...] = (
    P(
        "k_gh_on",
        0.3,
        "1/(nM*min)",
        "hepatocytes carry the most GHR; Haugh 2004; calibrated to V08",
        (0.01, 10),
    ),
    P(
        "k_ir_on",
        0.25,
        "1/(nM*min)",
        "hepatocyte IR binding; calibrated to V01 (EGP EC50 20-40 uU/mL) and V05",
        (0.01, 10),
    ),
    P(
        "v_ffa_uptake",
        169.0,
        "umol/(kg*min*mM)",
        "hepatic FFA uptake ~30 % of Ra; Frayn 2003",
        (0, 2000),
        cv=1.0,
    ),
    P("k_foxo_in", 0.1, "1/min", "FOXO1 nuclear import (model scale)", (0.001, 5)),
    P("k_foxo_out", 0.05, "1/min", "FOXO1 export; Akt-dependent; Matsumoto 2007", (0.001, 5)),
    P("w_foxo_akt", 10.0, "1", "Akt acceleration of FOXO1 export; calibrated to V01", (0, 100)),
    P("k_pepck", 0.01, "1/min", "PEPCK mRNA half-life ~70 min; Hanson 1997", (1e-4, 1)),
    P("w_pepck_cort", 0.5, "1", "glucocorticoid induction of PEPCK (GRE); Hanson 1997", (0, 5)),
    P(
        "w_gng_ffa",
        1.0,
        "1",
        "FFA oxidation drive of gluconeogenesis (indirect insulin action via lipolysis); "
        "Rebrin 1996 (F3); calibrated to V05",
        (0, 5),
    ),
    P(
        "v_gng",
        150.0,
        "mg/(kg*min)",
        "gluconeogenesis ~50 % of fasting EGP (Landau 1996); with the precursor limit on, "
        "x (1 + 0.46 / gng_drive_sat) keeps the overnight-fasted GNG (184.5 at 2, 219 at 1)",
        (0, 1000),
        cv=1.0,
    ),
    P(
        "gng_drive_sat",
        float("inf"),
        "1",
        "enzymatic GNG drive (PEPCK x FFA-oxidation x PKA factors; ~0.46 in the overnight "
        "fast) at which hepatic extraction of the delivered precursors is half-saturated "
        "(C3 precursor limit; infinite = no limit, the default). On, GNG rises ~2-3-fold in "
        "60 min at 70 % VO2max instead of ~4-fold (Wahren 1971, Trimmer 2002); with the "
        "hepatic autoregulation V05 and V56 pass at 2 (v_gng 184.5, w_camp_adr 2.5), but "
        "V07 seed 2 fails (adipose Akt change 0.101 against < 0.1; 0.1001 at 3): off until "
        "that is resolved (docs/validation.md, V56)",
        (1e-3, float("inf")),
        kind="assumed",
    ),
    # C3: gluconeogenic precursor delivery (tissues.gng_precursor_supply)
    P(
        "w_gng_supply",
        0.0,
        "1",
        "switch of the precursor-delivery law: 1 = gluconeogenesis scales with the delivery "
        "of lactate (following glucose) and glycerol (following lipolysis), alanine held; "
        "0 = delivery held at its postabsorptive rate",
        (0, 1),
        kind="assumed",
    ),
    P(
        "f_gng_lactate",
        0.66,
        "1",
        "lactate's share of the 3-carbon precursors incorporated into glucose after an "
        "overnight fast: lactate 4.24 +/- 0.44, alanine 1.83 +/- 0.20 umol/kg/min (Consoli "
        "1990), glycerol 0.36 +/- 0.02 (Nurjhan 1992); 4.24 / 6.43",
        (0, 1),
    ),
    P(
        "f_gng_glycerol",
        0.056,
        "1",
        "glycerol's share of the precursors incorporated into glucose after an overnight "
        "fast: 0.36 / 6.43 (Nurjhan 1992; Consoli 1990); glycerol 3.0 +/- 0.2 % of hepatic "
        "glucose output (Nurjhan 1992), 0.4 +/- 0.3 of 10.7 umol/kg/min at 16 h (Jones 2001)",
        (0, 1),
    ),
    P(
        "km_lactate_glc_mM",
        1.5,
        "mM",
        "glucose for half-maximal glycolytic lactate production by the insulin-independent "
        "tissues (red cells, GLUT1 Km ~1.5 mM; Mueckler 1994): Cori-cycle lactate falls "
        "little as glucose falls in a fast",
        (0.1, 20),
        kind="assumed",
    ),
    P(
        "gng_glc_ref_mM",
        5.0,
        "mM",
        "glucose at which the lactate delivery is its postabsorptive rate (the healthy "
        "fasting level, glc_ref_mM of the body table)",
        (2, 15),
    ),
    P(
        "zone_gng",
        1.0,
        "1",
        "set per cell: periportal 1.5 to pericentral 0.5; Jungermann 1996",
        (0, 3),
    ),
    P(
        "v_glycogenolysis",
        235.0,
        "mg/(kg*min)",
        "glycogenolysis ~50 % of fasting EGP; V02",
        (0, 2000),
    ),
    P(
        "K_glycogenolysis",
        0.2,
        "1",
        "glycogen level halving phosphorylase flux (model scale)",
        (0.01, 1),
    ),
    # C1/C2: glucagon receptor / beta2-adrenergic cAMP-PKA arm of the hepatocyte
    P(
        "k_camp",
        1.0,
        "1/min",
        "cAMP/PKA follow receptor occupancy within minutes: glucagon raises EGP within "
        "5-10 min (Cherrington 1981, dog); model scale",
        (0.05, 20),
    ),
    P(
        "K_gcgr_pg_ml",
        250.0,
        "pg/mL",
        "portal glucagon for half-maximal cAMP/PKA: hepatic glucose output rises steeply over "
        "the physiological portal range ~100-400 pg/mL (Cherrington 2002; Rizza 1979 EC50 of "
        "glucagon on EGP ~150-300 pg/mL); order of magnitude",
        (10, 5000),
    ),
    P(
        "gcg_ref_pg_ml",
        135.0,
        "pg/mL",
        "portal glucagon of the fasting state (body.gcg_basal_pg_ml x (1 + "
        "body.gcg_portal_excess)): PKA above this raises hepatic output; model scale",
        (10, 1000),
    ),
    P(
        "w_camp_adr",
        1.5,
        "1",
        "hepatic beta2-adrenergic cAMP per unit of circulating adrenergic signal (adrenaline "
        "raises EGP early in exercise and when glucagon is deficient: Howlett 1999, Rizza "
        "1980); calibrated to V18 (2.5 with the precursor limit at gng_drive_sat 2, judged "
        "with V56)",
        (0, 10),
    ),
    P(
        "w_gly_pka",
        0.8,
        "1",
        "PKA -> phosphorylase kinase -> phosphorylase a per unit PKA above fasting, against "
        "insulin's PP1 restraint (glycogenolysis carries most of the glucagon/exercise rise "
        "in EGP: Wahren 1971, Cherrington 2002); calibrated to V18 and V19",
        (0, 50),
    ),
    P(
        "w_gng_pka",
        1.0,
        "1",
        "PKA -> less fructose-2,6-bisphosphate / L-pyruvate kinase inhibition -> more "
        "gluconeogenic flux per unit PKA above fasting (Pilkis 1992); order of magnitude",
        (0, 20),
    ),
    P(
        "n_akt_liver",
        7.0,
        "1",
        "cooperativity of Akt control of hepatic glucose output "
        "(multi-site GS/phosphorylase/G6Pase control); calibrated to V01 (EGP Hill ~3; "
        "steeper than 5 once hepatic action is delayed)",
        (1, 8),
    ),
    P(
        "K_gly_akt",
        0.235,
        "fraction",
        "Akt (PP1, phosphorylase a) halving glycogenolysis; calibrated to V01/V05",
        (0.001, 1),
    ),
    P(
        "K_gs_room",
        0.01,
        "fraction",
        "glycogen synthase slows as the store fills (fraction of capacity left); V01",
        (0.001, 0.5),
    ),
    P(
        "K_g6p_akt",
        0.245,
        "fraction",
        "Akt directing gluconeogenic G6P to glycogen (GS on, G6Pase down); calibrated to V01",
        (0.001, 1),
    ),
    P(
        "k_hgo_delay",
        0.018,
        "1/min",
        "rate of the delayed insulin restraint of hepatic glycogenolysis (half-time ~40 min; "
        "the direct hepatic effect of insulin begins within minutes, Cherrington 2002; "
        "Dalla Man 2007's delayed action ki 0.0079/min is slower); calibrated to V01 (EGP "
        ">= 90 % suppressed after 2 h at 60 uU/mL) with V06 (liver onset >= 90 min); V15's "
        "OGTT EGP suppression (<= 0.5 over 0-120 min) asks for a slower one (0.006)",
        (0.001, 1),
    ),
    P(
        "K_gly_glc_mM",
        40.0,
        "mM",
        "glucose inhibition of phosphorylase a (Bollen 1998), seen as portal glucose; sets "
        "hepatic autoregulation near Dalla Man 2007 kp2 (~1-4 %/mM); calibrated to V15",
        (1, 100),
    ),
    P(
        "gly_pka_glc_ref_mM",
        5.0,
        "mM",
        "glucose at which the autoregulation of cAMP-stimulated glycogenolysis is neutral: "
        "the healthy fasting level (glc_ref_mM of the body table)",
        (2, 15),
    ),
    P(
        "s_gly_pka_glc_mM",
        0.5,
        "mM",
        "glucose scale of the autoregulation of cAMP-stimulated glycogenolysis (logistic "
        "above the reference, 2 / (1 + exp((G - ref) / s)), 1 below); Ferrannini 1982: "
        "+1.4 mM with insulin held basal suppressed glucagon-stimulated glucose production "
        "by 95 % (1.44 -> 0.07 mg/kg/min), which s 0.5 mM gives (88 %); infinite = off",
        (0.05, float("inf")),
    ),
    P("km_gk_mM", 8.0, "mM", "glucokinase S0.5 ~8 mM; Matschinsky 1996", (2, 20)),
    P("n_gk", 1.7, "1", "glucokinase Hill coefficient; Matschinsky 1996", (1, 3)),
    P(
        "v_glycogen_synth",
        400.0,
        "mg/(kg*min)",
        "hepatic glycogen synthesis (first-pass uptake of oral glucose); calibrated to V15, "
        "V16 (meal glucose peak at three seeds) and V02",
        (0, 3000),
    ),
    P(
        "zone_gk",
        1.0,
        "1",
        "set per cell: periportal 0.5 to pericentral 1.5; Jungermann 1996",
        (0, 3),
    ),
    P("gs_basal", 0.1, "1", "insulin-independent glycogen synthase activity", (0, 1)),
    # C1/C3: glycogen synthase inactivation and glucokinase expression over a fast
    P(
        "w_gs_phos",
        0.0,
        "1",
        "inhibition of hepatic glycogen synthase activation per unit of phosphorylase a "
        "not yet released by Akt (phosphorylase a inhibits the glycogen-bound GS "
        "phosphatase, so GS is activated only once phosphorylase is inactivated: Stalmans "
        "1974, Bollen 1998). Off (0) by default: at 3 the fasted liver stops cycling ~0.4 "
        "of its gluconeogenic G6P through glycogen and V61's 42-h share rises from ~0.65 "
        "to ~0.84, but V01's EC50 of EGP suppression falls from 20.6 to 18.5 uU/mL (band "
        "20-40; 19.2 at 1), see docs/validation.md (V61)",
        (0, 50),
        kind="assumed",
    ),
    P(
        "K_gs_akt",
        0.235,
        "fraction",
        "hepatocyte Akt for half-maximal release of glycogen synthase from phosphorylase-a "
        "inhibition (Hill n_akt_liver): the value of K_gly_akt, as the same Akt -> PP1 "
        "signal inactivates phosphorylase; acts only with w_gs_phos > 0",
        (0.001, 1),
        kind="assumed",
    ),
    P(
        "w_gs_pka",
        2.0,
        "1",
        "inactivation of hepatic glycogen synthase per unit of PKA above its fasting "
        "activity (PKA phosphorylates GS site 2; glucagon inactivates GS in hepatocytes, "
        "Ciudad 1984); order of magnitude",
        (0, 50),
        kind="assumed",
    ),
    P(
        "k_gk",
        0.00096,
        "1/min",
        "glucokinase expression turnover (half-time 12 h): GK mRNA falls within hours of "
        "insulin withdrawal and is re-induced within 2 h of refeeding (Iynedjian 1989, "
        "rat liver and hepatocytes), enzyme activity follows over about a day (Massa "
        "2011 review); order of magnitude",
        (1e-5, 0.01),
        kind="assumed",
    ),
    P(
        "gk_basal",
        0.2,
        "1",
        "glucokinase expression without insulin, relative to the overnight-fasted level "
        "(insulin-deficient rat liver keeps a small fraction of its GK; Iynedjian 1989)",
        (0, 1),
        kind="assumed",
    ),
    P(
        "K_gk_akt",
        0.3,
        "fraction",
        "hepatocyte Akt for half-maximal insulin induction of the GK gene (Akt/SREBP-1c; "
        "Iynedjian 1989: induction by insulin at physiological concentrations); order of "
        "magnitude",
        (0.01, 1),
        kind="assumed",
    ),
    P(
        "n_gk_akt",
        2.0,
        "1",
        "cooperativity of the insulin induction of GK transcription (insulin raised GK mRNA "
        "steeply between 1 and 10 nM in cultured hepatocytes: Iynedjian 1989); order of "
        "magnitude",
        (1, 4),
        kind="assumed",
    ),
    P(
        "gk_akt_ref",
        0.23,
        "fraction",
        "hepatocyte Akt of the overnight-fasted state, at which GK expression is 1 (its "
        "initial value): model scale",
        (0.01, 1),
        kind="assumed",
    ),
    P(
        "w_gk_pka",
        2.0,
        "1",
        "repression of GK transcription per unit of PKA above fasting (glucagon/cAMP "
        "represses the GK gene, dominant over insulin: Iynedjian 1989); order of magnitude",
        (0, 50),
        kind="assumed",
    ),
    P(
        "glycogen_cap_mg_kg",
        65000.0,
        "mg/kg",
        "liver glycogen ~65 g/kg when full; Nilsson 1973",
        (1000, 150000),
    ),
    P("k_igf1_m", 0.002, "1/min", "IGF-1 mRNA turnover (hours); Bichell 1992", (1e-5, 0.1)),
    P("igf1_basal", 0.3, "fraction", "STAT5-independent IGF-1 transcription", (0, 1)),
)

ADIPOSE: tuple[Param, ...] = (
    *GLUT4,
    P(
        "k_irs1_py",
        10.0,
        "1/min",
        "adipocyte IR kinase on IRS-1 (IRS-1-pY peaks at 1-2 min); calibrated to V09 "
        "(Cedersund 2008, Brannmark 2010)",
        (0.01, 20),
        cv=1.0,
    ),
    P("k_irs1_dpy", 2.0, "1/min", "adipocyte PTP1B on IRS-1-pY; calibrated to V09", (0.01, 10)),
    P(
        "v_ffa_uptake",
        2.0,
        "umol/(kg*min*mM)",
        "adipocyte FFA uptake (small); Frayn 2003",
        (0, 100),
        cv=1.0,
    ),
    P(
        "v_glut4",
        22.0,
        "mg/(kg*min)",
        "adipose GLUT4 capacity; calibrated to V03 (<=10 %)",
        (0, 500),
    ),
    P("v_glut1", 0.13, "mg/(kg*min)", "adipose basal uptake; calibrated to V02", (0, 10)),
    P(
        "k_gh_lipo",
        0.015,
        "1/min",
        "GH lipolytic programme, each of three stages (transcription, protein synthesis, "
        "turnover); calibrated to V07 (FFA peak 155 min after a bolus, Jorgensen 2006) and V06 "
        "(lipolysis after ~2 h of GH, Moller 1989)",
        (1e-4, 1),
    ),
    P(
        "hsl_basal",
        0.15,
        "1",
        "basal PKA drive of HSL (model scale); fasting FFA ~0.5 mM, V02",
        (0, 5),
    ),
    P(
        "w_hsl_gh",
        6.0,
        "1",
        "GH drive of lipolysis; calibrated to V07 (+52 % FFA) and V06 (GIR -25 to -45 % at "
        "240 min)",
        (0, 20),
    ),
    P("w_hsl_catechol", 2.0, "1", "catecholamine drive during exercise; Horowitz 1997", (0, 20)),
    P("w_hsl_cort", 0.03, "1", "glucocorticoid lipolysis; Djurhuus 2002", (0, 5)),
    P("k_hsl_on", 0.1, "1/min", "PKA on HSL (model scale)", (0.001, 5)),
    P("k_hsl_off", 0.05, "1/min", "HSL dephosphorylation (model scale)", (0.001, 5)),
    P(
        "w_hsl_akt",
        50.0,
        "1",
        "insulin/PDE3B antilipolysis: lipolysis very sensitive to small insulin rises "
        "(Conte 2012); V05",
        (0, 100),
    ),
    P("f_reester_basal", 0.2, "1", "basal FA re-esterification in adipocytes; Reshef 2003", (0, 1)),
    P(
        "f_reester_akt",
        0.8,
        "1",
        "insulin-stimulated re-esterification (glyceroneogenesis)",
        (0, 1),
    ),
    P(
        "v_lipolysis",
        290.0,
        "umol/(kg*min)",
        "FFA release; fasting Ra ~6 umol/kg BW/min, Frayn",
        (0, 5000),
        cv=1.0,
    ),
    P(
        "v_tnf",
        8.6,
        "pg/(kg*min)",
        "adipose TNF-alpha output; Mohamed-Ali 1997 (30 % of total)",
        (0, 1000),
    ),
    P("tnf_basal_frac", 0.5, "1", "NF-kB-independent TNF transcription (model scale)", (0, 5)),
    P("depot_tnf", 1.0, "1", "set per cell: subcutaneous 1, visceral 3; Fain 2004", (0, 10)),
    P("size_rel", 1.0, "1", "set per cell: adipocyte volume relative to the mean", (0.05, 20)),
)

BODY: tuple[Param, ...] = (
    P("body_mass_kg", 75.0, "kg", "scenario subject.body_mass_kg", (20, 400)),
    P("height_cm", 175.0, "cm", "body surface area (Du Bois) for mU/m2 doses", (100, 230)),
    P("fat_fraction", 0.2, "1", "healthy adult man; phenotype presets", (0.03, 0.7)),
    P("visceral_fraction", 0.1, "1", "visceral share of fat mass; Shen 2003", (0.01, 0.6)),
    P(
        "muscle_fraction_lean",
        0.4,
        "1",
        "muscle share of lean mass, assumed (skeletal muscle is 38 % of body mass in men; "
        "Janssen 2000)",
        (0.2, 0.6),
    ),
    P(
        "liver_mass_kg",
        1.6,
        "kg",
        "adult liver 1.5-1.8 kg (ICRP 2002 reference man 1.8 kg, woman 1.4 kg)",
        (0.8, 3.0),
    ),
    P("vg_dl_kg", 1.88, "dL/kg", "glucose distribution volume; Dalla Man 2007", (1, 3)),
    P("k_glc_pt", 0.065, "1/min", "plasma -> tissue glucose exchange; Dalla Man 2007 k1", (0, 1)),
    P(
        "k_glc_tp",
        0.079,
        "1/min",
        "tissue -> plasma glucose exchange; Dalla Man 2007 k2 (> 0: it divides)",
        (1e-3, 1),
    ),
    P("v_brain", 0.95, "mg/(kg*min)", "brain glucose use ~1 mg/kg/min; DeFronzo 2004", (0, 5)),
    P("km_brain_mM", 1.0, "mM", "GLUT1/3 saturation of brain uptake", (0.1, 10)),
    P(
        "v_other",
        0.2,
        "mg/(kg*min)",
        "RBC, kidney, gut insulin-independent use at 5 mM; V02",
        (0, 5),
    ),
    # K1: ketone bodies (beta-hydroxybutyrate): hepatic ketogenesis from FFA, peripheral and
    # brain oxidation, the brain's glucose sparing over a fast
    P(
        "v_ketogenesis",
        30.0,
        "umol/(kg*min)",
        "maximal hepatic ketone body production (FFA saturating, no insulin, basal "
        "glucagon); set so plasma BHB sits near bhb_ref_mM after the model's overnight fast "
        "(FFA ~0.7 mM, insulin ~12 uU/mL): ~2.3 umol/kg/min against vmax_ketone_ox; "
        "calibrated to nothing else",
        (0, 500),
        kind="assumed",
    ),
    P(
        "K_keto_ffa_mM",
        0.7,
        "mM",
        "plasma FFA for half-maximal fatty-acid delivery to hepatic beta-oxidation and "
        "ketogenesis (Hill 2): ketogenesis rises with FFA over ~0.3-1.5 mM (Balasse & Fery "
        "1989); order of magnitude",
        (0.05, 5),
        kind="assumed",
    ),
    P(
        "K_keto_ins_uU",
        5.0,
        "uU/mL",
        "plasma insulin halving ketogenesis at given FFA (Hill 2; malonyl-CoA inhibition of "
        "CPT1, McGarry & Foster 1980): ketogenesis is restrained within the low "
        "physiological insulin range (Balasse & Fery 1989); order of magnitude",
        (0.5, 100),
        kind="assumed",
    ),
    P(
        "w_keto_gcg",
        1.0,
        "1",
        "share of ketogenesis proportional to plasma glucagon over basal (glucagon lowers "
        "hepatic malonyl-CoA and activates CPT1; McGarry & Foster 1980); 1 = proportional; "
        "order of magnitude",
        (0, 1),
        kind="assumed",
    ),
    P(
        "vmax_ketone_ox",
        25.0,
        "umol/(kg*min)",
        "maximal ketone oxidation by muscle, heart and kidney: saturable, so plasma ketones "
        "rise more than production in a fast; forearm muscle ketone uptake covers ~5 % of its "
        "O2 use after 12-14 h and ~20 % after 60-66 h of fasting (Elia 1990); order of "
        "magnitude",
        (0, 500),
        kind="assumed",
    ),
    P(
        "km_ketone_ox_mM",
        1.0,
        "mM",
        "plasma BHB at half-maximal peripheral ketone oxidation; order of magnitude",
        (0.05, 20),
        kind="assumed",
    ),
    P(
        "vd_ketone_l_kg",
        0.4,
        "L/kg",
        "distribution volume of beta-hydroxybutyrate (water-soluble, enters cells by "
        "monocarboxylate transporters): between extracellular (0.2) and total body water "
        "(0.6); assumed",
        (0.1, 1),
        kind="assumed",
    ),
    P(
        "bhb_ref_mM",
        0.1,
        "mM",
        "postabsorptive plasma ketones, at which v_brain is the brain's glucose use: ~0.1 "
        "mM (BHB rises clearly only after ~18 h of fasting, +214 % over baseline at 18 h: "
        "London 1986)",
        (0.01, 1),
        kind="assumed",
    ),
    P(
        "K_brain_bhb_mM",
        2.67,
        "mM",
        "plasma BHB at which ketones would supply half the brain's fuel (Hill n_brain_bhb): "
        "with n 2, a quarter of brain glucose use replaced at 1.5 mM, taken as the BHB of a "
        "3-4-day fast (assumed: the abstract read gives no plasma level) for Hasselbalch "
        "1994's -24 % brain glucose use by Fick (-26 % by PET) after 3.5 days; ~0.8 at 6 mM "
        "(weeks of starvation, ketones the predominant brain fuel: Owen 1967). Acute "
        "infusion to 5.5 mM lowers it only 14 % (Svart 2018): the brain's transporter "
        "adaptation over days is not modelled",
        (0.1, 20),
        kind="assumed",
    ),
    P(
        "n_brain_bhb",
        2.0,
        "1",
        "steepness of the brain's ketone share: negligible after an 18-h fast (London 1986: "
        "that hyperketonaemia would not substantially influence cerebral glucose use)",
        (1, 4),
        kind="assumed",
    ),
    P(
        "brain_glc_per_bhb",
        0.52,
        "umol/umol",
        "brain glucose use spared per umol of BHB the brain takes up: Hasselbalch 1994, "
        "glucose -0.074 umol/g/min (0.307 -> 0.233) for BHB uptake +0.143 umol/g/min "
        "(0.012 -> 0.155) after 3.5 days",
        (0.1, 1),
        kind="literature",
    ),
    P("renal_threshold_mM", 10.0, "mM", "renal threshold ~180 mg/dL; Dalla Man 2007", (5, 20)),
    P("k_renal", 0.0005, "1/min", "renal glucose clearance; Dalla Man 2007 ke", (0, 0.01)),
    P("vi_l_kg", 0.05, "L/kg", "insulin distribution volume; Dalla Man 2007", (0.01, 0.5)),
    P("k_ins_clear", 0.16, "1/min", "plasma insulin half-life 4-6 min; Duckworth 1998", (0.01, 2)),
    P(
        "hepatic_extraction",
        0.6,
        "1",
        "first-pass hepatic insulin extraction; Meier 2005",
        (0, 0.95),
    ),
    P("portal_flow_l_kg_min", 0.009, "L/(kg*min)", "portal plasma flow ~0.65 L/min", (0.001, 0.1)),
    P(
        "beta_sr_max",
        9.0,
        "pmol/(kg*min)",
        "maximal insulin secretion; calibrated to V16",
        (0, 100),
    ),
    P("beta_k_mM", 8.0, "mM", "glucose for half-maximal secretion; Byrne 1994", (3, 30)),
    P("beta_n", 4.0, "1", "sigmoidicity of glucose-stimulated secretion; Byrne 1994", (1, 6)),
    P(
        "beta_alpha",
        0.1,
        "1/min",
        "secretion dynamics; Dalla Man 2007 alpha 0.05, faster for V16",
        (0.001, 1),
    ),
    P(
        "rrp_pmol_kg",
        100.0,
        "pmol/kg",
        "insulin in the beta cells' readily releasable pool, emptied by an abrupt glucose rise "
        "(body.first_phase_release); sized for a 0-10 min insulin increment of ~50-80 uU/mL "
        "after a 0.3 g/kg iv bolus in a healthy subject (model assumption; the peak time is "
        "V28, calibrated)",
        (0, 500),
        kind="assumed",
    ),
    P(
        "k_rrp_release",
        0.15,
        "1/(mM*min)",
        "RRP exocytosis per mM of glucose rise above the adapted level (Grodsky 1972 "
        "threshold packets); for a slow rise the pool's release per mM (rrp_pmol_kg x "
        "k_rrp_release / k_glc_adapt) is of the order of Dalla Man 2007's derivative control "
        "(K 2.3 pmol/kg per mg/dL = 41 per mM); calibrated to V15/V16 (meal and OGTT glucose as "
        "before the pool was added)",
        (0, 10),
    ),
    P(
        "k_glc_adapt",
        0.3,
        "1/min",
        "rate at which the beta cell's reference glucose follows plasma glucose (triggering "
        "ends within ~10 min of a square-wave rise: DeFronzo 1979 hyperglycaemic clamp, first "
        "phase 0-10 min)",
        (0.01, 2),
    ),
    P(
        "k_rrp_refill",
        0.2,
        "1/min",
        "refilling of the readily releasable pool from reserve granules (half-time ~3.5 min; "
        "model assumption, not tested by a target)",
        (0.001, 5),
    ),
    P(
        "beta_fp_threshold_mM",
        4.2,
        "mM",
        "glucose below which the first phase is off (ramp to full at +0.5 mM); Dalla Man 2007 "
        "(derivative control only above basal glucose)",
        (0, 10),
    ),
    P(
        "beta_fb_K_uU",
        100.0,
        "uU/mL",
        "insulin halving its own secretion: C-peptide -50 % at ~100 uU/mL; Elahi 1982",
        (20, 1000),
    ),
    P(
        "beta_fb_ref_uU",
        10.0,
        "uU/mL",
        "insulin at which the feedback factor is 1 (fasting level); V02",
        (1, 30),
    ),
    P(
        "w_beta_catechol",
        2.0,
        "1",
        "alpha2-adrenergic inhibition of insulin secretion per unit of circulating "
        "adrenergic signal (body.adrenergic_signal: adrenaline above basal; insulin falls "
        "30-50 % in prolonged exercise; Galbo 1975)",
        (0, 10),
    ),
    # C1 glucagon: alpha-cell secretion, portal delivery, clearance
    P(
        "gcg_basal_pg_ml",
        90.0,
        "pg/mL",
        "fasting peripheral glucagon (RIA): Raju & Cryer 2005 98 +/- 7 pg/mL; Unger 1970 50-100",
        (10, 500),
    ),
    P(
        "gcg_half_life_min",
        5.0,
        "min",
        "plasma glucagon half-life 3-6 min (Alford 1976)",
        (1, 30),
    ),
    P(
        "gcg_portal_excess",
        0.5,
        "1",
        "portal glucagon above peripheral, fraction of peripheral (portal ~1.5x peripheral: "
        "Jaspan 1981 portal-peripheral gradient; hepatic extraction ~25 %)",
        (0, 3),
    ),
    P(
        "gcg_K_glc_mM",
        20.0,
        "mM",
        "glucose suppression of glucagon: secretion x (K + 5)/(K + G), -30 % at ~9 mM after "
        "oral glucose (Unger 1970; Gerich 1974: hyperglycaemia suppresses glucagon)",
        (0.5, 100),
    ),
    P(
        "counterreg_threshold_mM",
        3.8,
        "mM",
        "glycaemic threshold of glucagon, adrenaline and noradrenaline release: 68 +/- 1 "
        "mg/dL (Mitrakou 1991); Cryer 2008 3.6-3.9 mM",
        (2, 5),
    ),
    P(
        "w_gcg_hypo",
        0.0,
        "1/mM",
        "direct and autonomic stimulation of glucagon per mM below the threshold; calibrated "
        "to V19 (Raju & Cryer 2005)",
        (0, 20),
    ),
    P(
        "w_gcg_islet",
        0.5,
        "1",
        "intra-islet insulin restraint of the alpha cell: halving beta-cell secretion from "
        "its fasting rate raises glucagon by 1/3 (diazoxide halved the glucagon response to "
        "hypoglycaemia: Raju & Cryer 2005); calibrated to V19",
        (0, 20),
    ),
    P(
        "gcg_K_ins_uU",
        300.0,
        "uU/mL",
        "circulating insulin above fasting halving glucagon secretion (euglycaemic "
        "hyperinsulinaemia lowers glucagon ~30-50 %: Raju & Cryer 2002, 17 -> 14-15 pmol/L at "
        "low insulin doses); order of magnitude",
        (10, 10000),
    ),
    P(
        "w_gcg_aa",
        3.0,
        "kg/g",
        "glucagon stimulation per g/kg of absorbed meal protein in the circulation: a 50 g "
        "protein meal roughly doubles glucagon (Unger 1969; Calbet & MacLean 2002); order "
        "of magnitude",
        (0, 50),
    ),
    P(
        "w_gcg_symp",
        0.15,
        "1",
        "sympathetic (noradrenergic) stimulation of glucagon per fold rise in noradrenaline "
        "(glucagon +40-60 % after 40-60 min of moderate exercise: Galbo 1975; Naveri 1985 "
        "+41 % after exhausting running); calibrated to V18",
        (0, 5),
    ),
    P("alpha_capacity", 1.0, "1", "alpha-cell capacity (0 = no glucagon)", (0, 3)),
    # C2 catecholamines
    P(
        "adr_basal_pg_ml",
        35.0,
        "pg/mL",
        "resting plasma adrenaline ~30-40 pg/mL (Cryer 1980, N Engl J Med 303:436)",
        (5, 300),
    ),
    P(
        "nor_basal_pg_ml",
        250.0,
        "pg/mL",
        "resting plasma noradrenaline ~200-300 pg/mL (Cryer 1980)",
        (50, 2000),
    ),
    P(
        "catechol_half_life_min",
        2.5,
        "min",
        "plasma half-life of adrenaline and noradrenaline ~2-3 min (Cryer 1980)",
        (0.5, 20),
    ),
    P(
        "symp_start_vo2max",
        0.3,
        "fraction",
        "intensity above which catecholamines rise (~30-40 % VO2max; Galbo 1975)",
        (0, 0.9),
    ),
    P(
        "w_symp_duration",
        1.0,
        "1",
        "extra drive after ~1 h of work (catecholamines keep rising during prolonged "
        "exercise at constant work, about 2-fold between 10 and 60+ min; Galbo 1975)",
        (0, 5),
    ),
    P(
        "w_adr_exercise",
        10.9,
        "1",
        "adrenaline fold rise per unit of adrenomedullary exercise drive; calibrated to V20 "
        "(Kreisman 2001: ~2.5-3-fold at 53 % VO2max)",
        (0, 100),
    ),
    P(
        "w_adr_hypo",
        11.0,
        "1/mM",
        "adrenaline fold rise per mM below the threshold: ~10-fold at ~3 mM (Cryer 1981; "
        "De Feo 1987)",
        (0, 100),
    ),
    P(
        "w_nor_exercise",
        5.5,
        "1",
        "noradrenaline fold rise per unit of neural exercise drive: 7.7-fold after an "
        "exhausting 15-min run (Naveri 1985; drive 1.22 at VO2max after 15 min)",
        (0, 50),
    ),
    P(
        "w_nor_hypo",
        1.0,
        "1/mM",
        "noradrenaline fold rise per mM below the threshold (~1.5-2-fold at ~3 mM; "
        "Mitrakou 1991 activation at 3.6 mM); order of magnitude",
        (0, 20),
    ),
    P("adrenal_capacity", 1.0, "1", "adrenomedullary capacity (0 = adrenalectomy)", (0, 3)),
    P("beta_capacity", 1.0, "1", "beta-cell capacity (1 healthy); phenotype presets", (0, 3)),
    P(
        "k_incretin",
        0.12,
        "1/(mg/kg/min)",
        "GLP-1/GIP gain per oral Ra: at the ~9 mg/kg/min Ra of a 75 g OGTT the incretin share "
        "of the insulin response is ~50 % (Nauck 1986: 50-70 %; 0.08 gave ~42 %); calibrated "
        "to V15/V16 group means",
        (0, 2),
    ),
    P(
        "k_isf_insulin",
        0.09,
        "1/min",
        "transendothelial insulin transport ~11 min (Yang 1989: 10-20 min); ISF ~70 % of "
        "plasma; calibrated to V01 (Rd EC50)",
        (0.001, 1),
        cv=1.0,
    ),
    P(
        "k_isf_degrade",
        0.036,
        "1/min",
        "interstitial insulin degradation; ISF ~65 % of plasma",
        (0, 1),
    ),
    P(
        "d_isf",
        0.02,
        "1/min",
        "interstitial exchange between neighbouring capillary segments",
        (0, 1),
    ),
    P("vffa_l_kg", 0.045, "L/kg", "plasma volume for FFA; Frayn 2003", (0.01, 0.2)),
    P(
        "v_ffa_other",
        3.6,
        "umol/(kg*min*mM)",
        "FFA uptake by other tissues (heart, kidney)",
        (0, 50),
    ),
    P(
        "w_ffa_uptake_ex",
        4.0,
        "1",
        "rise of muscle FFA uptake per unit exercise intensity (blood flow, CD36 translocation); "
        "Romijn 1993 (FFA Rd x2-3 at 65 % VO2max); calibrated to V11",
        (0, 20),
    ),
    P("gh_vd_l_kg", 0.07, "L/kg", "GH distribution volume ~7 % BW; Holl 1993", (0.01, 0.5)),
    P("gh_half_life_min", 18.0, "min", "GH plasma half-life 14-26 min; Holl 1993 (V13)", (5, 60)),
    P(
        "gh_basal_ug_kg_min",
        0.0003,
        "ug/(kg*min)",
        "interpulse GH secretion; Hartman 1991",
        (0, 0.01),
    ),
    P(
        "gh_pulse_ug_kg",
        0.25,
        "ug/kg",
        "GH burst mass at somatotroph drive 1 (awake, rested, overnight fasted); Hartman 1992 "
        "(6.3 ug/Lv per burst fed); calibrated to V23",
        (0, 5),
    ),
    P(
        "gh_pulse_interval_min",
        70.0,
        "min",
        "mean interburst interval at somatotroph drive 1 (overnight fasted); ~13 pulses/day "
        "fed, Winer 1990; calibrated to V13",
        (30, 400),
    ),
    P(
        "gh_mass_exponent",
        1.5,
        "1",
        "burst mass rises as drive^1.5 while frequency rises as drive: a 2-day fast doubles "
        "burst frequency and raises mass 1.75-fold despite FFA, Hartman 1992; calibrated to V23",
        (0, 4),
    ),
    P(
        "ghrh_expr",
        1.0,
        "1",
        "GHRH drive expression factor (0 = GHRH knocked out; sermorelin still acts)",
        (0, 1),
    ),
    P(
        "sst_expr",
        1.0,
        "1",
        "somatostatin tone expression factor (0 = somatostatin knocked out)",
        (0, 1),
    ),
    P(
        "ghrelin_expr",
        1.0,
        "1",
        "gastric ghrelin secretion expression factor (0 = ghrelin knocked out; Ipamorelin still "
        "acts)",
        (0, 1),
    ),
    P(
        "w_sst_gh",
        1.0,
        "1",
        "GH auto-feedback on somatostatin tone (0 switches the short loop off)",
        (0, 1),
    ),
    P(
        "sws_tau_min",
        60.0,
        "min",
        "decline of slow-wave sleep after sleep onset (most SW sleep in the first cycle); Van "
        "Cauter & Copinschi 2000",
        (10, 400),
    ),
    P(
        "w_ghrh_sws",
        4.2,
        "1",
        "GHRH drive added by slow-wave sleep at its deepest; Van Cauter & Copinschi 2000 (GH "
        "secretion linear in SW sleep); the nocturnal augmentation is GHRH-driven (Dimaraki "
        "2003, see w_sst_sws); calibrated to V13: set, when somatostatin withdrawal in sleep "
        "was removed, so that the axis alone keeps its mean sleep-onset peak (19.7 ug/L over "
        "seeds 0-11 before; 18.8 at 4.0, 24.4 at 5.0)",
        (0, 20),
    ),
    P(
        "w_sst_sws",
        0.0,
        "1",
        "share of somatostatin tone withdrawn in slow-wave sleep at its deepest: none. Under a "
        "constant supraphysiological somatostatinergic tone (octreotide 8.4 ug/h sc) GH pulse "
        "frequency and the diurnal rhythm and nocturnal augmentation of GH were unchanged in 9 "
        "men, with 24-h mean GH -52 +/- 13 %: declines of hypothalamic somatostatin are neither "
        "required for pulses nor the cause of the nocturnal rise (Dimaraki 2003, Am J Physiol "
        "Endocrinol Metab; in women, Dimaraki 2001, 280:E489); 0.9 before (calibrated to V13)",
        (0, 1),
        kind="literature",
    ),
    P(
        "w_sleep_metab",
        1.0,
        "1",
        "share of the inhibition of GH release by hyperglycaemia (somatostatin tone) and by "
        "insulin above fasting (somatotroph) withdrawn while asleep: sleep GH peak not "
        "correlated with glucose or insulin (Takahashi 1968); mean and peak sleep GH unchanged "
        "at 195-382 mg/dL glucose, 'similar to constant glucose infusion hyperglycaemia in "
        "normals' ('Sleep release of human growth hormone in treated juvenile diabetics', "
        "Diabetes 1971); full withdrawal as those report; tested by V27",
        (0, 1),
    ),
    P(
        "w_ghrh_nor",
        0.5,
        "1",
        "GHRH drive per unit noradrenergic signal (alpha2-adrenergic stimulation of GHRH in "
        "exercise); Pritzlaff 1999 (GH rises linearly with intensity); calibrated to V25",
        (0, 10),
    ),
    P(
        "w_ghrh_debt",
        0.1,
        "1/h",
        "GHRH drive per hour of sleep debt in the 2 h before a scheduled sleep onset (sleep "
        "pressure): GH becomes biphasic around sleep onset after sleep restriction, Spiegel "
        "2000",
        (0, 2),
    ),
    P(
        "w_ghrh_circ",
        1.746,
        "1",
        "GHRH drive added by the circadian night-time drive at its peak, while awake (asleep, "
        "the slow-wave-sleep drive calibrated to V13 already holds it). "
        "After an abrupt 8-h sleep delay all 11 subjects had a GH pulse at the usual time of "
        "early sleep and the GH secreted 23:00-03:00 awake did not differ significantly from "
        "that of night sleepers (Weibel 1997, Chronobiol Int 14:49): set so that the "
        "circadian drive integrated over 23:00-03:00 equals the slow-wave-sleep drive "
        "integrated over the first 4 h of sleep (w_ghrh_sws x sws_tau_min x (1 - e^-4) = 247 "
        "min; the bump integrates to 141.7 min over 23:00-03:00 at power 30); not fitted to a "
        "target (V39 is a prediction). 0 switches it off",
        (0, 10),
        kind="assumed",
    ),
    P(
        "gh_circ_peak_h",
        1.0,
        "h",
        "clock time of the circadian GHRH drive's peak: the middle of 23:00-03:00, the window "
        "of the circadian GH pulse of sleep-delayed subjects (Weibel 1997)",
        (0, 24),
        kind="assumed",
    ),
    P(
        "gh_circ_power",
        30.0,
        "1",
        "sharpness of the circadian GHRH bump ((1 + cos)/2 to this power): 2.4 h wide at half "
        "height, 1/8 of its peak at 23:00 and 03:00, inside Weibel 1997's 23:00-03:00 window; "
        "calibrated to V13 (at 10, 4 h wide, a circadian burst in the awake hour before sleep "
        "pre-empted the sleep-onset pulse and V13's late-meal criterion failed at seed 0, "
        "1.06 against < 1)",
        (1, 60),
    ),
    P(
        "presleep_window_min",
        120.0,
        "min",
        "window before a scheduled sleep onset in which sleep pressure raises GHRH drive under "
        "sleep debt (the pre-sleep GH pulse 60-120 min before sleep onset, Spiegel 2000)",
        (0, 480),
    ),
    P(
        "ghrh_tau_min",
        10.0,
        "min",
        "GHRH neuronal drive time constant (volleys of bursts over tens of minutes); Hartman 1992",
        (1, 120),
    ),
    P(
        "sst_tau_min",
        15.0,
        "min",
        "somatostatin tone time constant (withdrawal within a burst interval); Hartman 1992",
        (1, 120),
    ),
    P(
        "sst_K",
        0.5,
        "1",
        "somatostatin tone (in units of its awake value) halving the somatotroph response; "
        "somatostatin withdrawal permits pulses, Veldhuis 1998",
        (0.05, 10),
    ),
    P("sst_glc_ref_mM", 5.0, "mM", "glucose at which somatostatin tone is basal", (3, 8)),
    P(
        "sst_glc_floor",
        0.2,
        "1",
        "least somatostatin tone in hypoglycaemia (GH rises with falling glucose); Roth 1963",
        (0, 1),
    ),
    P(
        "sst_igf1_n",
        1.0,
        "1",
        "exponent of free-IGF-1 long-loop feedback on somatostatin tone; calibrated to V23",
        (0, 6),
    ),
    P(
        "sst_aa_K_g_kg",
        0.2,
        "g/kg",
        "circulating meal amino acids (g protein/kg) halving somatostatin tone: arginine "
        "suppresses somatostatin (Alba-Roth 1988) and overrides the glucose inhibition of the "
        "GH response to GHRH (Ghigo 1992); calibrated to V13 (daytime pulses after mixed meals; "
        "0.1 made a post-dinner pulse the night's largest at seed 0)",
        (1e-3, 1e9),
    ),
    P("igf1_ref_ug_l", 200.0, "ug/L", "total IGF-1 of the reference subject", (20, 1000)),
    P(
        "igfbp1_binding",
        0.5,
        "1",
        "IGF-1 bound by IGFBP-1 at its overnight-fasted level, relative to free; calibrated to V23",
        (0, 10),
    ),
    P(
        "igfbp1_ins_K_uU",
        5.0,
        "uU/mL",
        "insulin halving hepatic IGFBP-1 output from its maximum; Suikkari 1988",
        (0.5, 100),
    ),
    P("igfbp1_ins_ref_uU", 8.0, "uU/mL", "overnight-fasted insulin (IGFBP-1 = 1)", (1, 30)),
    P(
        "igfbp1_tau_min",
        240.0,
        "min",
        "IGFBP-1 response to insulin over hours; Suikkari 1988",
        (10, 2000),
    ),
    P(
        "sst_gh_fb_K_ug_l",
        10.0,
        "ug/L",
        "plasma GH raising somatostatin tone by one unit (short-loop auto-feedback); Kanaley "
        "1999; calibrated to V13",
        (0.1, 100),
    ),
    P("sst_gh_ref_ug_l", 0.3, "ug/L", "interpulse GH at which auto-feedback is basal", (0, 5)),
    P(
        "ghrelin_basal_pg_ml",
        600.0,
        "pg/mL",
        "total plasma ghrelin with no nutrient being absorbed; order of RIA values in "
        "Cummings 2001 / Schaller 2003",
        (50, 5000),
    ),
    P(
        "ghrelin_half_life_min",
        30.0,
        "min",
        "total ghrelin disappearance half-time; Akamizu 2004",
        (5, 120),
    ),
    P(
        "ghrelin_ra_K",
        4.0,
        "mg/(kg*min)",
        "rate of carbohydrate absorption halving ghrelin secretion (luminal nutrients, not "
        "plasma glucose or insulin: Schaller 2003); set so ghrelin falls after each meal and "
        "is back before the next (Cummings 2004)",
        (0.1, 100),
        kind="assumed",
    ),
    P(
        "ghrelin_aa_K",
        0.005,
        "g/(kg*min)",
        "rate of amino-acid absorption halving ghrelin secretion; as ghrelin_ra_K",
        (1e-4, 1),
        kind="assumed",
    ),
    P(
        "ghrelin_ec50_pg_ml",
        600.0,
        "pg/mL",
        "ghrelin half-occupying the somatotroph GHS-R1a (the receptor half-occupied at basal "
        "ghrelin); assumption",
        (10, 10000),
        kind="assumed",
    ),
    P(
        "w_ghrelin",
        1.0,
        "1",
        "gain of somatotroph drive at full GHS-R1a occupancy (ghrelin amplifies GHRH "
        "signalling); assumption",
        (0, 10),
        kind="assumed",
    ),
    P("serm_mw", 3357.9, "g/mol", "sermorelin (GHRH 1-29 amide) molecular weight", (3000, 4000)),
    P("ipam_mw", 711.9, "g/mol", "Ipamorelin molecular weight", (600, 800)),
    P(
        "serm_vd_l_kg",
        0.25,
        "L/kg",
        "sermorelin distribution volume (extracellular fluid); as shipped before issue 23",
        (0.05, 1),
        kind="assumed",
    ),
    P("ipam_vd_l_kg", 0.22, "L/kg", "Ipamorelin volume of distribution; Gobburu 1999", (0.05, 1)),
    P(
        "serm_ec50_nM",
        0.1,
        "nM",
        "sermorelin concentration half-occupying the GHRH receptor: of the order the human iv "
        "dose-response implies (GRF(1-44) ED50 0.4 ug/kg in men, a maximal response from "
        "1 ug/kg, 'Dose-response relationships for the effects of GRF-(1-44)-NH2 in young adult "
        "men and women'; 0.4 ug/kg in 0.25 L/kg peaks near 0.3 nM and falls with a ~10-min "
        "half-life; Sassolas 1986: responses identical above 80 ug per subject); no "
        "concentration-response for sermorelin itself was found",
        (0.001, 100),
        kind="assumed",
    ),
    P(
        "ipam_ec50_nM",
        214.0,
        "nM",
        "Ipamorelin plasma concentration for half-maximal GH stimulation (SC50 214 nmol/L, "
        "population PK/PD of five iv doses in 40 men; Gobburu 1999, Pharm Res 16:1412)",
        (1, 5000),
    ),
    P(
        "serm_ghrh_emax",
        2.0,
        "1",
        "GHRH-receptor drive added by sermorelin at full occupancy (units of endogenous "
        "GHRH); as shipped before issue 23 (pulses x3 at saturation)",
        (0, 20),
        kind="assumed",
    ),
    P("serm_half_life_min", 12.0, "min", "sermorelin plasma half-life; product label", (1, 120)),
    P("ipam_half_life_min", 120.0, "min", "Ipamorelin half-life ~2 h; Gobburu 1999", (10, 600)),
    P(
        "ka_sc_peptide",
        0.05,
        "1/min",
        "sc peptide absorption (Tmax 15-30 min); as shipped before issue 23",
        (0.001, 1),
        kind="assumed",
    ),
    P(
        "k_pool_release",
        0.08,
        "1/min",
        "release of the pituitary readily releasable GH pool per unit secretagogue occupancy; "
        "calibrated to V14",
        (0, 1),
    ),
    P(
        "k_pool_refill",
        1.0 / 180.0,
        "1/min",
        "refilling of the releasable GH pool (3 h); calibrated to V14",
        (1e-4, 0.1),
    ),
    P(
        "pool_ug_kg",
        1.0,
        "ug/kg",
        "GH in the full releasable pituitary pool; calibrated to V14",
        (0, 10),
    ),
    P("gh_pulse_tau_min", 5.0, "min", "secretory burst time constant; Veldhuis 1995", (1, 30)),
    P(
        "w_gh_ex",
        3.0,
        "1",
        "release of the pituitary's readily releasable GH pool at full hypothalamic exercise "
        "drive, in units of full secretagogue-receptor occupancy (0 switches exercise-evoked "
        "release off); exercise raises the mass of GH per burst, not burst frequency "
        "(Pritzlaff 1999, deconvolution); calibrated to V38",
        (0, 5),
    ),
    P(
        "gh_ex_lt_vo2max",
        0.6,
        "fraction",
        "work rate (fraction of VO2max) above which exercise evokes GH release: the lactate "
        "threshold (Felsing 1992: GH rises only above it); ~60 % VO2max in untrained young "
        "men, the value the exercise targets V25, V26 and V38 assume",
        (0.2, 0.95),
        kind="assumed",
    ),
    P(
        "gh_ex_tau_min",
        10.0,
        "min",
        "time constant of the hypothalamic exercise drive of GH release (supra-threshold work "
        "integrated, as lactate and catecholamines build up over minutes); plasma GH rises "
        "within 10-20 min of exercise onset (Kanaley 1997) and consistently only after 10 min "
        "above LT (Felsing 1992); calibrated to V38",
        (1, 60),
    ),
    P(
        "gh_ex_K",
        0.25,
        "1",
        "exercise drive half-maximally releasing the GH pool (drive 0.5 is a steady bout "
        "half-way from LT to VO2max); calibrated to V38",
        (0.01, 1),
    ),
    P(
        "gh_ex_hill",
        6.0,
        "1",
        "Hill coefficient of the exercise drive's release of the GH pool: the duration "
        "threshold (a rise after 10 min above LT, not after 5; Felsing 1992); calibrated to V38",
        (1, 10),
    ),
    P(
        "w_gh_fat_clearance",
        0.0,
        "1",
        "GH distribution volume and metabolic clearance per kg of fat relative to per kg of "
        "lean tissue (0: the dilution of pituitary output by fat is off). The literature value "
        "is 1: GH MCR proportional to body weight in lean (< 20 % fat) and obese (> 35 % fat) "
        "rhesus monkeys, 12.7 +/- 1.7 vs 19.5 +/- 2.9 L/24 h, the same per kg (Dubey 1988, "
        "JCEM 67:1064); clearance 33 % and 51 % higher in lower- and upper-body obese women "
        "with the half-life unchanged (Langendonk 1999, Am J Physiol 277:E824). Held at 0 "
        "until the obese preset, calibrated to V05 without it, is recalibrated: at 1 V05 "
        "fails at seeds 0 and 2 (rd_rise_low 0.408 / 0.423 against <= 0.40; "
        "docs/validation.md)",
        (0, 2),
        kind="assumed",
    ),
    P(
        "gh_ref_fat_fraction",
        0.2,
        "1",
        "body fat share of the reference subject for whom the GH burst mass, basal secretion "
        "and releasable pool are set (the healthy preset's fat_fraction)",
        (0.03, 0.7),
        kind="assumed",
    ),
    P(
        "gh_glc_K_mM",
        2.0,
        "mM",
        "glucose excess halving GH secretion (somatostatin); Roth 1963",
        (0.1, 20),
    ),
    P(
        "gh_ins_K_uU_ml",
        10.0,
        "uU/mL",
        "plasma insulin halving somatotroph GH release from its insulin-free value: Lanzi et "
        "al., 'Evidence for an inhibitory effect of physiological levels of insulin on the GH "
        "response to GHRH in healthy subjects' (the study Lanzi 1999, Metabolism 48:1152, builds "
        "on): at equally low FFA the GH response to GHRH was 4871 +/- 1286, 2414 +/- 626 and "
        "1076 +/- 207 ug/L.120 min at 12, 100 and 194 pmol/L insulin (2, 17, 32 uU/mL), i.e. "
        "0.50 and 0.22; K 10 gives 0.45 and 0.28",
        (1, 500),
    ),
    P(
        "gh_ins_ref_uU",
        8.0,
        "uU/mL",
        "overnight-fasted insulin at which insulin's somatotroph inhibition is 1 (drive 1)",
        (1, 30),
    ),
    P("gh_ffa_K_mM", 0.5, "mM", "FFA excess halving GH secretion; Imaki 1985", (0.05, 5)),
    P(
        "sc_gh_ka",
        0.005,
        "1/min",
        "sc rhGH absorption per depot stage (2-stage lymphatic chain); Tmax 4-6 h, Laursen 1995",
        (1e-4, 0.1),
    ),
    P("sc_gh_f", 0.7, "1", "sc rhGH bioavailability ~70 %; Laursen 1995", (0.1, 1)),
    P("igf1_half_life_min", 900.0, "min", "bound IGF-1 half-life ~15 h; Guler 1989", (60, 5000)),
    P(
        "igf1_prod",
        0.44,
        "ug/(L*min)",
        "hepatic IGF-1 output at full mRNA; healthy ~200 ug/L",
        (0, 10),
    ),
    P(
        "cort_min_nM",
        40.0,
        "nM",
        "quiescent-period cortisol set point; calibrated to V52 (Debono 2009 nadir < 55 nM)",
        (0, 500),
    ),
    P(
        "cort_max_nM",
        380.0,
        "nM",
        "early-morning cortisol set point (before the awakening response); calibrated to V52 "
        "(Debono 2009 peak 428 nM)",
        (50, 1500),
    ),
    P(
        "cort_habitual_wake_clock_h",
        7.0,
        "h",
        "habitual waking time that times the circadian cortisol curve (the default nights end "
        "at 07:00)",
        (0, 24),
    ),
    P(
        "cort_car_nM",
        130.0,
        "nM",
        "cortisol released by the awakening response; calibrated to V50 (free cortisol +50-75 "
        "% at 30 min, Pruessner 1997)",
        (0, 1000),
    ),
    P(
        "cort_car_theta_min",
        6.0,
        "min",
        "time constant of the awakening burst (secretion peak after waking); calibrated to V51 "
        "(free-cortisol peak ~30 min after waking)",
        (1, 60),
    ),
    P(
        "cort_ref_nM",
        250.0,
        "nM",
        "cortisol above which its effects start (model scale)",
        (50, 1000),
    ),
    P("cort_half_life_min", 70.0, "min", "plasma cortisol half-life ~70 min", (10, 300)),
    P(
        "cbg_nM",
        670.0,
        "nM",
        "CBG binding sites: 35 +/- 3.6 mg/L in normal men, 52 kDa (Rosner, Measurement of "
        "corticosteroid-binding globulin in man)",
        (100, 2000),
    ),
    P(
        "k_cbg_per_nM",
        0.03,
        "1/nM",
        "cortisol-CBG association constant 3e7 /M at 37 C; Coolens 1987",
        (0.001, 1),
    ),
    P(
        "albumin_bound_ratio",
        1.74,
        "1",
        "albumin-bound : free cortisol; Coolens 1987",
        (0, 10),
    ),
    P(
        "cort_debt_gain",
        0.07,
        "1/h",
        "cortisol rise per hour of sleep debt; calibrated so 5 nights of 4 h give "
        "+40 % evening cortisol the next day, Leproult 1997 (+37-45 % evening cortisol)",
        (0, 1),
        kind="literature",
    ),
    P("tnf_v_ml_kg", 40.0, "mL/kg", "plasma volume for TNF-alpha", (10, 200)),
    P(
        "tnf_half_life_min",
        20.0,
        "min",
        "plasma TNF-alpha half-life ~20 min; Oliver 1993",
        (1, 200),
    ),
    P(
        "tnf_other_pg_kg_min",
        1.9,
        "pg/(kg*min)",
        "non-adipose TNF (macrophages); ~2 pg/mL lean",
        (0, 100),
    ),
    P("k_gri", 0.0558, "1/min", "grinding of solid meal; Dalla Man 2007 kgri", (0.001, 1)),
    P(
        "k_empt",
        0.03,
        "1/min",
        "gastric emptying of a carbohydrate meal; Dalla Man 2007 kmax",
        (0.001, 1),
    ),
    P(
        "K_duodenal",
        300.0,
        "mg/kg",
        "intestinal carbohydrate halving gastric emptying: a 75 g drink empties at ~3 kcal/min "
        "at 30 min and ~2 kcal/min at 60 min (Brener 1983: ~2 kcal/min after a faster first "
        "phase; 400 gave 3.1 and half-emptying at 33 min); calibrated to V15/V16 group means",
        (5, 1000),
    ),
    P("k_abs", 0.057, "1/min", "intestinal absorption; Dalla Man 2007 kabs", (0.001, 1)),
    P("f_abs", 0.9, "1", "fraction of meal glucose appearing in plasma; Dalla Man 2007", (0, 1)),
    P(
        "slow_K_g",
        30.0,
        "g",
        "protein/fat/fibre load halving gastric emptying; Gentilcore 2006",
        (1, 500),
    ),
    P("w_slow_protein", 1.0, "1/g", "protein slows emptying (weight per g)", (0, 10)),
    P("w_slow_fat", 1.5, "1/g", "fat slows emptying (weight per g)", (0, 10)),
    P("w_slow_fiber", 2.0, "1/g", "fibre slows emptying (weight per g); Jenkins 1978", (0, 10)),
    P("clamp_kp", 5.0, "(mg/kg/min)/mM", "clamp controller proportional gain", (0, 100)),
    P("clamp_ti_min", 10.0, "min", "clamp controller integral time", (0.5, 100)),
    P("capillary_recruit", 2.0, "1", "exercise capillary recruitment of insulin delivery", (0, 10)),
    P("k_flow_on", 0.2, "1/min", "rise of exercise hyperaemia (t1/2 ~3 min); Saltin 1998", (0, 5)),
    P(
        "k_flow_off",
        0.004,
        "1/min",
        "decay of raised muscle perfusion after exercise (t1/2 ~3 h); Sjoberg 2017 (higher "
        "insulin-stimulated microvascular perfusion 4 h after one-legged exercise)",
        (0, 1),
    ),
    P(
        "k_lpl_chylo",
        0.01,
        "1/min",
        "lipoprotein-lipase hydrolysis of plasma chylomicron triacylglycerol, lumped over the "
        "particles' lipolysis and remnant clearance; with the absorption (t1/2 ~3 h) plasma "
        "chylomicron TG peaks ~2.5 h after a meal; order of magnitude (not tested by a "
        "target of its own)",
        (1e-4, 1),
    ),
    P(
        "f_spillover",
        0.45,
        "fraction",
        "share of the fatty acids LPL releases from chylomicrons that enters plasma FFA "
        "instead of the tissue beside the lipase (spillover; ~14 % in forearm muscle, more in "
        "adipose tissue: Horm Metab Res 2007;39:726 review); calibrated to V59 (Piche 2018: "
        "22 % of postprandial plasma NEFA from chylomicron spillover in lean people)",
        (0, 1),
    ),
    P(
        "fat_storage_share_visceral",
        0.1,
        "1",
        "share of stored meal fat going to visceral fat",
        (0, 1),
    ),
    # -- constants of sim/kinetics/body.py and sim/interventions/diet.py, moved here
    # (issue 21) with their values unchanged; the kind field says where each comes from.
    P(
        "glc_ref_mM",
        5.0,
        "mM",
        "reference (fasting) plasma glucose at which v_brain, v_other, the glucagon glucose "
        "term and the islet reference are stated",
        (5, 5),
        kind="assumed",
    ),
    P(
        "k_chylo",
        0.004,
        "1/min",
        "absorption of meal fat and its lymphatic transport into plasma chylomicrons, t1/2 "
        "~3 h (meal fat keeps appearing in plasma for 6-8 h)",
        (1e-4, 0.1),
        kind="assumed",
    ),
    P(
        "gh_ffa_threshold_mM",
        0.7,
        "mM",
        "plasma FFA above which GH release is lowered",
        (0, 5),
        kind="assumed",
    ),
    P(
        "k_ex_dur",
        1.0 / 60.0,
        "1/min",
        "C2: build-up of the exercise-duration term of catecholamine drive over about an hour "
        "of work (Galbo 1975: catecholamines keep rising during prolonged exercise)",
        (1e-3, 1),
        kind="assumed",
    ),
    P(
        "k_aa_abs",
        1.0 / 45.0,
        "1/min",
        "C1: protein digestion and amino-acid absorption (plasma peak ~1 h after a meal)",
        (1e-3, 1),
        kind="assumed",
    ),
    P(
        "k_aa_clear",
        1.0 / 60.0,
        "1/min",
        "C1: removal of absorbed amino acids from the circulation (splanchnic, muscle)",
        (1e-3, 1),
        kind="assumed",
    ),
    P(
        "cort_rise_lead_h",
        6.0,
        "h",
        "S1: the cortisol set point begins to rise this long before habitual waking "
        "(Weitzman 1971: main secretory episodes in the second half of the night)",
        (0, 12),
    ),
    P(
        "cort_rise_h",
        5.0,
        "h",
        "S1: duration of the nocturnal rise of the cortisol set point to its maximum "
        "(1 h before habitual waking); Weitzman 1971",
        (0.5, 12),
    ),
    P(
        "cort_fall_h",
        16.0,
        "h",
        "S1: duration of the daytime decline of the cortisol set point to its quiescent "
        "level; Weitzman 1971",
        (1, 23),
    ),
    P(
        "diet_kcal_per_g_carbohydrate",
        4.0,
        "kcal/g",
        "metabolisable energy of dietary carbohydrate: a diet's energy surplus eaten as meals "
        "in grams (Atwater general factor; FAO 2003, Food energy: methods of analysis and "
        "conversion factors)",
        (3.5, 4.5),
    ),
    P(
        "diet_kcal_per_g_fat",
        9.0,
        "kcal/g",
        "metabolisable energy of dietary fat: a diet's energy surplus eaten as meals in grams "
        "(Atwater general factor; FAO 2003)",
        (8.5, 9.5),
    ),
    P(
        "diet_onset_min",
        3 * 1440.0,
        "min",
        "N2/N3: onset and washout time constant of diet effects (omega-3 membrane "
        "incorporation over days)",
        (60, 60 * 1440),
        kind="assumed",
    ),
    P(
        "diet_anti_inflammatory_max",
        0.6,
        "1",
        "N2: largest damping of NF-kB activation by omega-3 and polyphenols",
        (0, 1),
        kind="assumed",
    ),
    P(
        "diet_omega3_per_g",
        0.1,
        "1/(g/day)",
        "N2: damping of NF-kB activation per g/day of omega-3",
        (0, 1),
        kind="assumed",
    ),
    P(
        "diet_polyphenol_per_mg",
        0.0002,
        "1/(mg/day)",
        "N2: damping of NF-kB activation per mg/day of polyphenols",
        (0, 0.01),
        kind="assumed",
    ),
    P(
        "diet_polyphenol_ref_mg",
        1000.0,
        "mg/day",
        "N2: polyphenol intake giving the full polyphenol signal to AMPK",
        (1, 10000),
        kind="assumed",
    ),
    P(
        "diet_cr_gain",
        2.0,
        "1",
        "N3: renewal and oxidative-stress relief per unit of caloric restriction (fraction)",
        (0, 10),
        kind="assumed",
    ),
    P(
        "diet_fasting_renewal_h",
        16.0,
        "h",
        "N3: daily fasting window giving one unit of autophagy renewal",
        (1, 48),
        kind="assumed",
    ),
    P(
        "diet_fasting_stress_h",
        24.0,
        "h",
        "N3: daily fasting window removing the oxidative-stress drive of NF-kB",
        (1, 48),
        kind="assumed",
    ),
)

TISSUE_TABLES: dict[str, tuple[Param, ...]] = {
    "muscle": MUSCLE,
    "liver": LIVER,
    "adipose": ADIPOSE,
}

#: Phenotype presets: physiologically named changes relative to ``healthy``.
PHENOTYPES: dict[str, dict[str, float]] = {
    "healthy": {},
    "obese": {
        "body.fat_fraction": 0.35,
        "body.visceral_fraction": 0.2,
        "muscle.glut4_total": 0.9,
        "muscle.expr_ir": 0.7,
        "adipose.glut4_total": 0.6,
        "muscle.k_ps_basal": 0.01,
        "liver.k_ps_basal": 0.01,
        "body.beta_capacity": 0.95,
        "body.hepatic_extraction": 0.45,
    },
    "t2d": {
        "body.fat_fraction": 0.33,
        "body.visceral_fraction": 0.25,
        "muscle.glut4_total": 0.6,
        "adipose.glut4_total": 0.4,
        "muscle.k_irs1_py": 3.5,
        "liver.k_irs1_py": 3.5,
        "muscle.k_ps_basal": 0.015,
        "liver.k_ps_basal": 0.015,
        "body.beta_capacity": 0.45,
    },
}


#: What each phenotype entry stands for, and where its size comes from (docs/parameters.md).
PHENOTYPE_NOTES: dict[str, str] = {
    "body.fat_fraction": "body fat share of an obese / diabetic adult (healthy 0.2)",
    "body.visceral_fraction": "central obesity: visceral share of fat raised (Shen 2003 range)",
    "muscle.glut4_total": "lumped post-receptor defect of muscle glucose transport; muscle "
    "GLUT4 protein itself is near normal in obesity and lower in T2D (Garvey 1991); "
    "calibrated to V04 (Golay 1988) and V05 (Rd +150 % at the high step, Conte 2012)",
    "muscle.expr_ir": "fewer insulin receptors: obesity lowers insulin binding, shifting the "
    "dose-response right (Kolterman 1980: ~30-40 % in adipocytes and monocytes); 30 % here, "
    "with V05 (Rd +24 % at the low step, Conte 2012) and V04",
    "adipose.glut4_total": "adipocyte GLUT4 depleted in obesity and T2D (Garvey 1991)",
    "muscle.k_ps_basal": "IRS-1 serine kinase tone (lipid and inflammatory kinases) raised; "
    "calibrated to V04",
    "liver.k_ps_basal": "hepatic IRS-1 serine kinase tone raised; calibrated to V04",
    "muscle.k_irs1_py": "impaired IRS-1 tyrosine phosphorylation in T2D muscle (Cusi 2000)",
    "liver.k_irs1_py": "impaired IRS-1 tyrosine phosphorylation in T2D liver (as muscle)",
    "body.beta_capacity": "beta-cell capacity per kg body mass: about half of healthy function "
    "in T2D (calibrated to V04 and fasting insulin); in obesity near normal per kg here, since "
    "the lower hepatic extraction alone lifts fasting insulin to ~1.35x healthy (14-15 uU/mL) at "
    "a fasting glucose of ~5.2 mM (1.1 gives 5.0 mM, 1.3 gives 4.8 mM: lower than healthy). "
    "Polonsky 1988 measured ~1.7x the secretion per m2 in obese subjects (~1.3x per kg of a "
    "heavier body); the preset keeps the healthy body mass, so it understates secretion per kg",
    "body.hepatic_extraction": "reduced first-pass hepatic insulin extraction in obesity "
    "with fasting hyperinsulinaemia (Polonsky 1988, J Clin Invest 81, basal: 45 +/- 6 % "
    "against 61 +/- 3 %; lower C-peptide:insulin molar ratios, Bonora 1983, Metabolism): the "
    "liver sees less of the secreted insulin relative to plasma, and pericentral hepatocytes "
    "more of the portal insulin; V05 (EGP -69 % at the low step, Conte 2012)",
}


#: Tissue remodelling (issue 26; R1, R2): adipocyte growth, death and birth, macrophages.
#: Used only when a scenario has a ``remodel:`` block; overrides as ``remodel.<name>``.
REMODEL: tuple[Param, ...] = (
    P(
        "lipid_density_g_ml",
        0.905,
        "g/mL",
        "density of adipose lipid at body temperature; Martin 1994 (Int J Obes 18:79)",
        (0.85, 0.95),
    ),
    P(
        "adipocyte_number",
        5.23e10,
        "cells",
        "adipocytes in an adult body, median of 35 subjects (BMI 20-60); Spalding 2008 "
        "(Nature 453:783); with 15 kg of fat: 0.29 ug lipid, 85 um per cell",
        (1e9, 1e12),
    ),
    P(
        "f_surplus_fat",
        0.6,
        "1",
        "share of a sustained energy surplus stored as fat (the rest as lean mass, glycogen "
        "and thermogenesis): 5.4 kg of fat for 84,000 kcal over 100 days, Bouchard 1990 "
        "(N Engl J Med 322:1477; 5.4 kg x 9.4 kcal/g / 84,000 kcal); R01",
        (0, 1),
    ),
    P(
        "kcal_per_g_fat",
        9.4,
        "kcal/g",
        "energy density of stored triglyceride (Atwater-Merrill, Forbes 1987)",
        (8, 10),
    ),
    P(
        "w_size_glut4",
        0.6,
        "1",
        "loss of insulin-stimulated GLUT4 translocation per unit of excess volume over the "
        "reference cell (floor 0.1): insulin doubles membrane GLUT4 in small but not in large "
        "fat cells of the same person, with IR/IRS-1/Akt activation alike (Franck 2007, "
        "Diabetologia 50:1716); order of magnitude",
        (0, 5),
    ),
    P(
        "diameter_hypoxia_um",
        120.0,
        "um",
        "oxygen path from the capillary (graph hops x cell diameter) above which a cell is "
        "hypoxic: the O2 diffusion limit is ~100-200 um (Trayhurn 2013, Physiol Rev 93:1); "
        "larger adipocytes are less oxygenated (Pasarica 2009, Diabetes 58:718)",
        (20, 500),
    ),
    P(
        "w_hypoxia_tnf",
        1.0,
        "1",
        "rise of TNF-alpha/chemokine output at full hypoxia (HIF-1a -> inflammatory genes; "
        "Trayhurn 2013); order of magnitude",
        (0, 10),
    ),
    P(
        "k_death_ref",
        2.7e-4,
        "1/day",
        "death hazard of a reference-size adipocyte: ~10 % of fat cells renewed per year "
        "(Spalding 2008)",
        (0, 0.1),
    ),
    P(
        "n_death_size",
        2.0,
        "1",
        "steepness of the death hazard in diameter over diameter_reference_um: dead-adipocyte "
        "frequency rises with size (Cinti 2005, J Lipid Res 46:2347), yet turnover stays "
        "~10 %/year at every BMI (Spalding 2008), so it is kept shallow; calibrated to R04 "
        "(first value 6)",
        (0, 20),
    ),
    P(
        "diameter_reference_um",
        85.0,
        "um",
        "reference adipocyte of a lean adult: 15 kg of fat in 5.23e10 cells (Spalding 2008) is "
        "0.29 ug of lipid, 85 um; death hazard and chemokine output scale with diameter over it",
        (20, 200),
    ),
    P(
        "n_chemokine_size",
        5.5,
        "1",
        "rise of an adipocyte's MCP-1/chemokine output with its diameter over the reference, "
        "(d/d_ref)^n (MCP-1 and TNF-alpha secretion rise with adipocyte size; Skurk 2007, J "
        "Clin Endocrinol Metab 92:1023); calibrated to R04 (obese arm)",
        (0, 20),
    ),
    P(
        "w_death_hypoxia",
        2.0,
        "1",
        "extra death hazard at full hypoxia (hypoxic, stressed adipocytes die by pyroptosis, "
        "Giordano 2013, J Lipid Res 54:2423); order of magnitude",
        (0, 20),
    ),
    P(
        "death_visceral",
        2.0,
        "1",
        "visceral/subcutaneous death hazard ratio: crown-like structures more prevalent in "
        "visceral fat (Altintas 2011, J Lipid Res 52:480, mice); order of magnitude",
        (0, 10),
    ),
    P(
        "k_diff",
        0.02,
        "1/day",
        "differentiation rate of a precursor at unit drive; new adipocytes form over weeks in "
        "adult abdominal and femoral fat (2H2O labelling, Diabetes 2016, 65:1642); order of "
        "magnitude",
        (0, 10),
    ),
    P(
        "size_diff_threshold",
        1.3,
        "1",
        "mean neighbour volume (relative to the reference cell) above which large neighbours "
        "drive differentiation (hypertrophy signals recruit precursors; McLaughlin 2014: "
        "cell number, not size, carries fat-mass expansion); order of magnitude",
        (0.5, 10),
    ),
    P(
        "w_diff_insulin",
        1.0,
        "1",
        "differentiation drive per unit rise of the depot's mean Akt over its first-day "
        "level (insulin/PPARg adipogenic drive); order of magnitude",
        (0, 20),
    ),
    P(
        "diff_visceral",
        0.5,
        "1",
        "visceral/subcutaneous differentiation ratio: omental preadipocytes differentiate "
        "less than abdominal subcutaneous ones (Tchkonia 2002, Am J Physiol 282:E1286)",
        (0, 5),
    ),
    P(
        "diameter_new_um",
        40.0,
        "um",
        "diameter of a newly differentiated adipocyte (very small fat cells, Julien 1989, "
        "J Lipid Res 30:293)",
        (10, 100),
    ),
    P(
        "diameter_min_um",
        25.0,
        "um",
        "smallest lipid-filled adipocyte (lipid is not drawn below it)",
        (5, 100),
    ),
    P(
        "macrophages_resident",
        1.4,
        "per 100 adipocytes",
        "macrophages in lean subcutaneous fat: 1.4 +/- 0.6 % HAM56+/CD68+ cells (Cancello "
        "2005, Diabetes 54:2277); the starting share, and the influx that keeps it with "
        "reference-size cells (R04 lean arm)",
        (0, 50),
    ),
    P(
        "k_macrophage_out",
        0.05,
        "1/day",
        "macrophage egress/death (adipose tissue macrophage half-life ~2 weeks); order of "
        "magnitude",
        (0.001, 1),
    ),
    P(
        "k_recruit_dead",
        0.1,
        "macrophages/day",
        "monocytes recruited per dead adipocyte per day (>90 % of adipose macrophages sit at "
        "dead adipocytes, Cinti 2005); calibrated to R04 (first value 1.0, then 0.5, 0.2)",
        (0, 50),
    ),
    P(
        "k_clear",
        0.2,
        "1/(macrophage*day)",
        "debris of a dead adipocyte scavenged per day per macrophage at it (syncytia clear "
        "the residual lipid droplet over days to weeks, Cinti 2005); calibrated to R04 (first "
        "value 0.05)",
        (0, 5),
    ),
    P(
        "moves_per_day",
        4.0,
        "hops/day",
        "macrophage moves along graph edges per day, up the chemoattractant gradient "
        "(monocyte chemotaxis to MCP-1); order of magnitude",
        (0, 100),
    ),
    P(
        "k_m1",
        0.5,
        "1/day",
        "macrophage polarisation rate towards its local M1 target; order of magnitude",
        (0, 20),
    ),
    P(
        "w_m1_ffa",
        2.0,
        "1/mM",
        "saturated FFA -> TLR4 -> M1 polarisation (Shi 2006, J Clin Invest 116:3015); per mM "
        "of local FFA above 0.3 mM; order of magnitude",
        (0, 20),
    ),
    P(
        "w_m1_dead",
        1.0,
        "1",
        "M1 drive at a dead adipocyte (CLS macrophages are pro-inflammatory; Lumeng 2007, "
        "J Clin Invest 117:175, phenotypic switch); order of magnitude",
        (0, 20),
    ),
    P(
        "tnf_macrophage",
        20.0,
        "1",
        "TNF-alpha output of one M1 macrophage relative to one reference adipocyte: "
        "macrophages carry almost all adipose TNF-alpha expression (Weisberg 2003, J Clin "
        "Invest 112:1796); order of magnitude",
        (0, 1000),
    ),
    P(
        "w_paracrine_tnf",
        5.0,
        "pg/mL",
        "TNF-alpha an adipocyte sees per M1 macrophage on its graph neighbourhood "
        "(paracrine, local concentration over plasma); order of magnitude",
        (0, 1000),
    ),
    # R3: muscle fibres (size, type, capillaries) and whole-body energy expenditure
    P(
        "csa_type_I_um2",
        4196.0,
        "um2",
        "mean cross-sectional area of a type I fibre before training: 4,196 +/- 859 um2 "
        "(McCall 1996, J Appl Physiol 81:2004, biceps brachii of 11 men)",
        (500, 20000),
    ),
    P(
        "csa_type_II_um2",
        6378.0,
        "um2",
        "mean cross-sectional area of a type II fibre before training: 6,378 +/- 1,552 um2 "
        "(McCall 1996)",
        (500, 20000),
    ),
    P(
        "csa_cv",
        0.2,
        "1",
        "coefficient of variation of fibre area within a fibre type (McCall 1996: SD/mean "
        "0.20 type I, 0.24 type II); lognormal",
        (0, 1),
    ),
    P(
        "fsr_basal",
        0.012,
        "1/day",
        "mixed muscle protein fractional synthesis (= breakdown) rate of a fibre at its "
        "reference signals: ~0.05 %/h, 1.2 %/day (Rennie 1982, Clin Sci 63:519)",
        (0, 0.1),
    ),
    P(
        "w_syn_akt",
        0.05,
        "1",
        "rise of synthesis per unit rise of the fibre's Akt over its first-day level "
        "(insulin -> Akt -> mTORC1): small, since insulin's effects on muscle protein "
        "turnover saturate at low physiological insulin with amino acids present (Greenhaff "
        "2008, Am J Physiol Endocrinol Metab 295:E595); order of magnitude",
        (0, 5),
    ),
    P(
        "w_syn_igf1",
        0.1,
        "1",
        "rise of synthesis per unit rise of plasma IGF-1 over its first-day level (IGF-1 -> "
        "IGF1R -> Akt/mTORC1 in the fibre); calibrated to R10 (lean mass with GH replacement)",
        (0, 5),
    ),
    P(
        "w_syn_stat5",
        0.7,
        "1",
        "rise of synthesis per unit rise of the fibre's STAT5-P over its first-day level (GH "
        "-> GHR/JAK2/STAT5b -> muscle IGF-1, autocrine; GH raises forearm muscle protein "
        "synthesis without a rise of plasma IGF-1, Fryburg 1991, Am J Physiol 260:E499); "
        "calibrated to R10 (lean mass with GH replacement; first value 0: the term was added "
        "after R10's first result, +0.95 kg)",
        (0, 20),
    ),
    P(
        "w_syn_aa",
        0.5,
        "1",
        "rise of synthesis per unit rise of absorbed amino acids over their first-day mean "
        "(leucine -> mTORC1; feeding roughly doubles synthesis, Rennie 1982); order of "
        "magnitude",
        (0, 5),
    ),
    P(
        "w_syn_load",
        0.22,
        "1",
        "rise of synthesis per unit of the mechanical signal of resistance exercise (one "
        "reference session: 1); calibrated to R06 (fibre area after 12 weeks of training, "
        "McCall 1996; first value 0.3: type II +27.5 %, type I +18.4 %)",
        (0, 10),
    ),
    P(
        "w_brk_foxo",
        0.05,
        "1",
        "rise of breakdown per unit fall of the fibre's Akt below its first-day level (Akt "
        "no longer excludes FOXO from the nucleus: atrogin-1/MuRF1; Sandri 2004); small for "
        "the reason given at w_syn_akt (Greenhaff 2008); order of magnitude",
        (0, 5),
    ),
    P(
        "w_brk_cort",
        0.3,
        "1",
        "rise of breakdown per unit rise of cortisol over its first-day mean (glucocorticoid "
        "-> FOXO/atrogenes); order of magnitude",
        (0, 5),
    ),
    P(
        "w_brk_deficit",
        0.3,
        "1/(1000 kcal/day)",
        "rise of breakdown per 1000 kcal/day of energy deficit (AMPK/FOXO in energy "
        "deficit); order of magnitude",
        (0, 5),
    ),
    P(
        "w_brk_load",
        0.1,
        "1",
        "rise of breakdown per unit of the resistance-exercise signal (breakdown rises after a "
        "session, less than synthesis; Phillips 1997, Am J Physiol 273:E99); order of "
        "magnitude",
        (0, 10),
    ),
    P(
        "tau_load_days",
        1.5,
        "day",
        "decay time of the mechanical (mTORC1) signal after a resistance session: synthesis "
        "stays raised for ~36-48 h (MacDougall 1995, Can J Appl Physiol 20:480)",
        (0.1, 10),
    ),
    P(
        "resistance_work_ref",
        18.0,
        "VO2max*min",
        "recruitment x set intensity x set time of one reference resistance session (45 "
        "min, 1-min sets alternating with 1-min rests, at 0.8 VO2max: 22.5 x 0.8); a "
        "session's signal is its work over this",
        (1, 500),
    ),
    P(
        "load_gain_type_II",
        1.5,
        "1",
        "hypertrophic response of a type II fibre to the same signal relative to a type I "
        "fibre (~50 % greater growth capacity of fast fibres; Ogborn 2014, Strength Cond J "
        "36:20)",
        (0, 5),
    ),
    P(
        "k_type_shift",
        0.002,
        "1/day",
        "hazard of the first step of the fast-to-slow sequence, IIx -> IIa, per unit "
        "PGC-1alpha above pgc_type_threshold (transitions follow IIx -> IIa -> I; training "
        "shifts stay mostly within type II; Pette 2000, Microsc Res Tech 50:500); order of "
        "magnitude",
        (0, 1),
    ),
    P(
        "w_type_IIa_I",
        0.1,
        "1",
        "IIa -> I hazard relative to IIx -> IIa at the same PGC-1alpha: endurance training, "
        "a mild chronic stimulus, causes only limited fast-to-slow (II -> I) conversion "
        "(Allemeier 1994, J Appl Physiol 77:2385, discussion; Pette 2000); order of magnitude",
        (0, 1),
        kind="assumed",
    ),
    P(
        "iix_fraction_type_II",
        0.22,
        "1",
        "share of type II fibres that are IIx (IIB in older histochemistry) at the start: "
        "9.2 % IIB of 42.1 % type II fibres in untrained young adults (Ingjer 1979, J Physiol "
        "294:419, before training)",
        (0, 1),
    ),
    P(
        "pgc_type_threshold",
        0.2,
        "relative",
        "PGC-1alpha training signal below which no type conversion occurs; order of magnitude",
        (0, 10),
    ),
    P(
        "cf_ratio_ref",
        1.77,
        "capillaries/fibre",
        "capillary-to-fibre ratio of untrained men's vastus lateralis: 1.77 +/- 0.10 "
        "(Andersen 1977, J Physiol 270:677)",
        (0.5, 5),
    ),
    P(
        "w_angio_pgc",
        0.7,
        "1",
        "rise of a fibre's capillary target per unit PGC-1alpha (PGC-1alpha -> VEGF -> "
        "angiogenesis; Arany 2008, Nature 451:1008); calibrated to R07 (Ingjer 1979; first "
        "value 1.0: +40.2 %)",
        (0, 20),
    ),
    P(
        "w_angio_size",
        0.5,
        "1",
        "rise of a fibre's capillary target per unit relative growth of its area: capillaries "
        "per fibre rise with fibre diameter, less than in proportion to area (Andersen 1977)",
        (0, 5),
    ),
    P(
        "k_capillary",
        0.025,
        "1/day",
        "rate of capillary sprouting per missing capillary below a segment's target and of "
        "pruning per capillary above it (new capillaries measurable after weeks of training; "
        "Ingjer 1979, J Physiol 294:419, 24 weeks); order of magnitude",
        (0, 1),
    ),
    P(
        "f_fatox_ee",
        0.32,
        "1",
        "share of extra fat oxidation that adds to energy expenditure (the rest displaces "
        "carbohydrate oxidation): 2 weeks of GH raised 24-h EE 4.4 % and fat oxidation 29 % "
        "(Hansen 2005, Am J Physiol Endocrinol Metab 289:E1030); 0.044 / (0.29 x ~0.47 fat "
        "share of EE at RQ 0.84)",
        (0, 1),
    ),
    P(
        "ree_per_kg_lean",
        22.0,
        "kcal/(kg*day)",
        "resting expenditure per kg of lean mass: RMR = 500 + 22 LBM (Cunningham 1980, Am J "
        "Clin Nutr 33:2372)",
        (0, 60),
    ),
    # hepatocyte lipid (issue 26 item 4; sim/remodel/liver.py)
    P(
        "liver_fat_pct",
        2.2,
        "% of liver weight",
        "intrahepatic triglyceride at the start, every hepatocyte: 2.2 +/- 0.6 % in lean "
        "adults with normal liver fat (Amaro 2010, Gastroenterology 139:149; 1H-MRS)",
        (0.1, 50),
    ),
    P(
        "f_hep_ox",
        0.75,
        "1",
        "share of the fatty acids a hepatocyte takes up that it oxidises (the rest is "
        "esterified): ~7 % of systemic FFA becomes VLDL-TG (Koutsari 2013, Diabetes 62:2386) "
        "of the ~30 % the liver takes up (splanchnic 30-45 %, liver ~80 % of it; same paper)",
        (0, 1),
    ),
    P(
        "w_zone_ox",
        0.2,
        "1",
        "zonation of fatty-acid oxidation: the oxidised share is f_hep_ox x (1 + w (1 - 2 "
        "zone)), periportal (zone 0) above pericentral (zone 1); beta-oxidation is periportal, "
        "lipogenesis perivenous (Jungermann 1996); magnitude assumed",
        (0, 1),
        kind="assumed",
    ),
    P(
        "share_tg_nefa",
        0.59,
        "1",
        "share of liver triglyceride made from plasma NEFA (the rest from de novo lipogenesis "
        "and the diet): 59.0 +/- 9.9 % (Donnelly 2005, J Clin Invest 115:1343; NAFLD)",
        (0.05, 1),
    ),
    P(
        "share_tg_dnl",
        0.26,
        "1",
        "share of liver triglyceride made by de novo lipogenesis: 26.1 +/- 6.7 % (Donnelly "
        "2005); the diet's share is 1 - share_tg_nefa - share_tg_dnl (14.9 +/- 7.0 %)",
        (0, 0.95),
    ),
    P(
        "dnl_g_per_1000kcal",
        7.1,
        "g/day",
        "extra hepatic de novo lipogenesis per 1000 kcal/day of carbohydrate surplus: 211 g "
        "in 21 days at +5 MJ/day carbohydrate-rich, fractional DNL 0.20 against 0.03 fat-rich "
        "(Lammert 2000, Br J Nutr 84:233): 211 x 0.17/0.20 / 21 days / 1.195",
        (0, 100),
    ),
    P(
        "K_vldl_pct",
        5.0,
        "% of liver weight",
        "liver fat at half-maximal VLDL-TG secretion: secretion rises with liver fat and "
        "plateaus from ~10 % (Fabbrini 2008, Gastroenterology 134:424: 11.4 +/- 1.1 umol/min "
        "at 3.4 %, 24.3 +/- 3.1 at 22.7 %, a ratio of 2.1 (1.7-2.7 within their errors); a "
        "saturating law through both means gives ~5 %, 8 a ratio of 2.5); calibrated to R11 "
        "(first value 5: R11 +49 %; 10: +34 %; 15: +28 %; 8: +38 %, while the surplus's food "
        "never reached the fast model; with it eaten (diet.surplus_meals) 8 gives +10.8 to "
        "+17.6 % at seeds 0-2 and Fabbrini's 5 +17.9 to +27.0 %, so 5 again)",
        (0.1, 100),
    ),
    P(
        "w_dag_tg",
        1.0,
        "1",
        "rise of hepatocyte DAG (relative to its acyl-CoA-derived level) per relative rise of "
        "its triglyceride: lipid-droplet DAG tracks liver fat and best predicts hepatic "
        "insulin resistance (Kumashiro 2011, PNAS 108:16381; PKC-epsilon, Samuel 2004); "
        "proportionality assumed",
        (0, 10),
        kind="assumed",
    ),
    # the body follows the cells (issue 26 item 5; sim/remodel/body.py)
    P(
        "w_fat_ecw",
        0.25,
        "1",
        "extracellular water per kg of fat relative to per kg of lean mass, for the glucose "
        "and GH distribution volumes: obese women carried 12.9 L more body water for 67.7 kg "
        "more weight (Waki 1991, Am J Physiol 261:E199; 0.19 L/kg, an upper bound for fat "
        "alone), against 0.73 L/kg of fat-free mass (Wang 1999, Am J Clin Nutr 69:833); "
        "adipose tissue is 10-40 % water (Martin 1994); the extracellular share of the added "
        "water taken as that of lean mass (Waki: it is larger)",
        (0, 1),
    ),
    P(
        "w_liver_fat_ins_clear",
        0.030,
        "1/%",
        "fall of insulin clearance with liver fat L: clearance x (1 + w L0) / (1 + w L); "
        "serum insulin during a fixed-rate insulin infusion was ~40 % higher with 15.0 +/- "
        "1.5 % than with 1.8 +/- 0.2 % liver fat (Kotronen 2007, Am J Physiol Endocrinol "
        "Metab 293:E1709): 1 + 13.2 w = 1.40",
        (0, 1),
    ),
    # Constants of the remodelling rules, moved here from the rule modules with their values
    # unchanged (results identical); sources as the rules' docstrings gave them.
    P(
        "glut4_size_floor",
        0.1,
        "1",
        "R1: the smallest insulin-stimulated GLUT4 translocation of an enlarged adipocyte "
        "relative to a reference-size cell (the linear fall with excess volume stops here); "
        "Franck 2007 (large adipocytes keep some insulin response); not calibrated",
        (0, 1),
        kind="assumed",
    ),
    P(
        "m1_ffa_threshold_mM",
        0.3,
        "mM",
        "R2: local FFA above which fatty acids push a macrophage towards M1 (TLR4 "
        "activation, Shi 2006); about the overnight-fasted plasma level",
        (0, 2),
        kind="assumed",
    ),
    P(
        "dead_chemoattractant",
        20.0,
        "1",
        "R2: MCP-1 source of a dead adipocyte relative to a reference living one (dead and "
        "dying adipocytes attract the macrophages that form crowns; Cinti 2005); not "
        "calibrated",
        (1, 100),
        kind="assumed",
    ),
    P(
        "tnf_macrophage_m2",
        0.1,
        "1",
        "R2: TNF-alpha output of a fully M2 (resolving) macrophage relative to the M1 "
        "increment (M2 macrophages secrete little TNF-alpha; Lumeng 2007); not calibrated",
        (0, 1),
        kind="assumed",
    ),
    P(
        "chemotaxis_floor",
        0.05,
        "1",
        "R2: chemoattractant added to every node in a macrophage's choice of step (weight "
        "(field + floor)^2): a random component of the walk where the gradient is flat; "
        "not calibrated",
        (0.001, 1),
        kind="assumed",
    ),
    P(
        "size_rel_floor",
        0.05,
        "1",
        "R1: smallest adipocyte size relative to the reference read by the cell kernel "
        "(a shrinking cell's lipolysis and TNF-alpha output do not vanish); not calibrated",
        (0.001, 1),
        kind="assumed",
    ),
)


def tissue_params(tissue: str) -> dict[str, Param]:
    """Every parameter of ``tissue``: common declarations overridden by the tissue table."""
    table = {p.name: p for p in CELL_COMMON}
    table.update({p.name: p for p in TISSUE_TABLES[tissue]})
    return table


LAYOUT_COUNTS = frozenset(
    ("fibres_per_segment", "segments_per_capillary", "hepatocytes_per_sinusoid")
    + ("adipocytes_per_capillary",)
)
"""LAYOUT entries that are numbers of cells or segments: an override must be a whole number."""


def overridable_params() -> dict[str, Param]:
    """Every parameter a scenario's ``parameters:`` may set: :func:`all_params` and the
    ``layout.<name>`` and ``intervention.<name>`` tables."""
    out = all_params()
    out.update({f"layout.{p.name}": p for p in LAYOUT})
    out.update({f"intervention.{p.name}": p for p in INTERVENTION})
    return out


def all_params() -> dict[str, Param]:
    """Every parameter by dotted name (``muscle.k_ir_on``, ``body.vg_dl_kg``)."""
    out = {f"{t}.{n}": p for t in TISSUE_TABLES for n, p in tissue_params(t).items()}
    out.update({f"body.{p.name}": p for p in BODY})
    out.update({f"remodel.{p.name}": p for p in REMODEL})
    return out


BODY += (
    # The starting state of the fasting warm-up (sim.model.initial_body): overnight-fasted
    # levels from which the coupled 240-min warm-up relaxes the fast states to the model's
    # own fasting steady state (slow states, IGF-1 and fat, keep their starting values).
    P(
        "init_glucose_mM",
        5.0,
        "mM",
        "starting plasma glucose of the warm-up (and the beta cell's adapted glucose): an "
        "overnight-fasted level; relaxed by the warm-up",
        (2.5, 15),
        kind="assumed",
    ),
    P(
        "init_insulin_uU",
        8.0,
        "uU/mL",
        "starting plasma insulin of the warm-up (and second-phase secretion at its clearance "
        "balance): an overnight-fasted level; relaxed by the warm-up",
        (1, 50),
        kind="assumed",
    ),
    P(
        "init_isf_insulin_ratio",
        0.65,
        "1",
        "starting interstitial insulin of muscle and adipose capillary segments relative to "
        "plasma; relaxed by the warm-up to the transendothelial balance (k_isf_insulin, "
        "k_isf_degrade)",
        (0.1, 1),
        kind="assumed",
    ),
    P(
        "init_ffa_mM",
        0.5,
        "mM",
        "starting plasma FFA of the warm-up: overnight-fasted level (Frayn 2003: ~0.5 mM); "
        "relaxed by the warm-up",
        (0.1, 2),
        kind="assumed",
    ),
    P(
        "init_gh_ug_l",
        0.3,
        "ug/L",
        "starting plasma GH of the warm-up: an interpulse level; relaxed by the warm-up",
        (0, 5),
        kind="assumed",
    ),
    P(
        "init_cortisol_nM",
        300.0,
        "nM",
        "starting plasma cortisol of the warm-up; relaxed towards the circadian set point "
        "(half-life cort_half_life_min)",
        (20, 1000),
        kind="assumed",
    ),
    P(
        "init_tnf_pg_ml",
        2.0,
        "pg/mL",
        "starting plasma TNF-alpha of the warm-up; relaxed by the warm-up",
        (0, 50),
        kind="assumed",
    ),
    # S1: sleep accounting of the schedule (sim.signals).
    P(
        "sleep_debt_tau_h",
        36.0,
        "h",
        "recovery time constant of sleep debt: effects of a week of 4-h nights recovered "
        "over 2-3 nights of recovery sleep (Spiegel 1999)",
        (6, 240),
        kind="literature",
    ),
    P(
        "sleep_need_h",
        8.0,
        "h",
        "sleep per night against which hours lost are counted, and the length of a default "
        "night (CONTRACT: 8 h from 23:00; the sleep_restriction kind counts 8 h less its "
        "hours per night)",
        (6, 10),
        kind="assumed",
    ),
    P(
        "nap_max_min",
        180.0,
        "min",
        "sleep periods shorter than this are naps: they neither replace the night nor count "
        "as a night with hours lost (a rule of the model)",
        (30, 360),
        kind="assumed",
    ),
    P(
        "resistance_rest_vo2max",
        0.2,
        "1",
        "E1: work rate (fraction of VO2max) in the rest minute between resistance sets "
        "(the schedule alternates 1 min of sets at the bout's intensity with 1 min of rest)",
        (0, 0.5),
        kind="assumed",
    ),
    # H1: the pulse generator's random draws (sim.signals.gh_pulse_draws).
    P(
        "gh_interval_gamma_shape",
        4.0,
        "1",
        "shape of the gamma distribution of the pulse hazard's thresholds (mean 1): intervals "
        "as regular as gamma(4) at constant drive (Hartman 1992: interburst intervals "
        "cluster around their mean)",
        (1, 20),
        kind="assumed",
    ),
    P(
        "gh_mass_cv",
        0.5,
        "1",
        "coefficient of variation of the log-normal burst-mass factors (mean 1)",
        (0, 2),
        kind="assumed",
    ),
)

LAYOUT: tuple[Param, ...] = (
    P(
        "fibres_per_segment",
        4,
        "1",
        "muscle fibres supplied by one capillary segment (capillary-to-fibre ratio ~1.5-2; "
        "Andersen 1977)",
        (1, 10),
        kind="literature",
    ),
    P(
        "segments_per_capillary",
        4,
        "1",
        "segments along one muscle capillary, arterial to venous end (discretisation of the "
        "interstitial-insulin gradient)",
        (2, 20),
        kind="assumed",
    ),
    P(
        "hepatocytes_per_sinusoid",
        20,
        "1",
        "hepatocytes from portal triad to central vein (~20; Gebhardt 1992)",
        (5, 30),
        kind="literature",
    ),
    P(
        "adipocytes_per_capillary",
        10,
        "1",
        "adipocytes sharing one capillary node (each adipocyte touches at least one "
        "capillary; the number per node is a model scale)",
        (1, 50),
        kind="assumed",
    ),
    P(
        "type_I_glut4",
        1.2,
        "1",
        "GLUT4 content of a type I fibre relative to the muscle mean (type I fibres hold "
        "more GLUT4; Daugaard 2000)",
        (1, 2),
        kind="literature",
    ),
    P(
        "type_II_glut4",
        0.8,
        "1",
        "GLUT4 content of a type II fibre relative to the muscle mean (Daugaard 2000)",
        (0.3, 1),
        kind="literature",
    ),
    P(
        "type_I_oxidative_capacity",
        1.2,
        "1",
        "oxidative capacity of a type I fibre relative to the muscle mean (more "
        "mitochondria; set symmetric with the GLUT4 difference)",
        (1, 2),
        kind="assumed",
    ),
    P(
        "type_II_oxidative_capacity",
        0.8,
        "1",
        "oxidative capacity of a type II fibre relative to the muscle mean",
        (0.3, 1),
        kind="assumed",
    ),
    P(
        "zone_gng_periportal",
        1.5,
        "1",
        "gluconeogenic capacity of a periportal hepatocyte relative to the lobule mean, "
        "falling linearly to the pericentral value (Jungermann 1996)",
        (1, 3),
        kind="literature",
    ),
    P(
        "zone_gng_pericentral",
        0.5,
        "1",
        "gluconeogenic capacity of a pericentral hepatocyte relative to the lobule mean "
        "(Jungermann 1996)",
        (0, 1),
        kind="literature",
    ),
    P(
        "zone_gk_periportal",
        0.5,
        "1",
        "glucokinase (glycolytic) capacity of a periportal hepatocyte relative to the "
        "lobule mean, rising linearly to the pericentral value (Jungermann 1996)",
        (0, 1),
        kind="literature",
    ),
    P(
        "zone_gk_pericentral",
        1.5,
        "1",
        "glucokinase capacity of a pericentral hepatocyte relative to the lobule mean "
        "(Jungermann 1996)",
        (1, 3),
        kind="literature",
    ),
)
"""The tissue graph's geometry and the per-cell scalings it assigns (sim/graph.py), set when
the graph is built; a scenario overrides them as ``layout.<name>`` parameters."""
LAYOUT_VALUES: dict[str, float] = {p.name: p.value for p in LAYOUT}

INTERVENTION: tuple[Param, ...] = (
    P(
        "acipimox_inhibition",
        0.9,
        "1",
        "default of the acipimox kind's inhibition: the fraction of HSL-driven adipocyte "
        "lipolysis an oral dose blocks (a near-complete block, as acipimox is used to "
        "suppress plasma FFA; not fitted)",
        (0, 1),
        kind="assumed",
    ),
)
"""Defaults of intervention kinds that stand for a physiological effect (sim/interventions),
each named ``<kind>_<field>``; a scenario overrides one as ``intervention.<kind>_<field>``,
which sets that field of every intervention of the kind that does not give it."""
INTERVENTION_VALUES: dict[str, float] = {p.name: p.value for p in INTERVENTION}


BodyParams = dataclasses.make_dataclass(
    "BodyParams",
    [(p.name, float) for p in BODY],
    frozen=True,
)
BodyParams.__module__ = __name__
BodyParams.__doc__ = """The whole-body parameters of one run (frozen), one field per entry of
:data:`BODY`, generated from the table: a parameter added there is a field here."""


def body_params(overrides: dict[str, float]) -> BodyParams:
    """The body parameters: :data:`BODY` defaults with ``body.<name>`` overrides applied."""
    return BodyParams(**{p.name: overrides.get(f"body.{p.name}", p.value) for p in BODY})


def _replace(self, **changes: object) -> object:
    """A copy with ``changes`` (``dataclasses.replace``): the parameters are frozen, so a
    value that changes during a run (remodelling) is a new namespace, not an assignment."""
    return dataclasses.replace(self, **changes)


def _tissue_class(tissue: str) -> type:
    cls = dataclasses.make_dataclass(
        f"{tissue.capitalize()}Params",
        [(name, "float | FloatArray") for name in tissue_params(tissue)],
        frozen=True,
        eq=False,  # fields may be per-cell arrays; compare with dataclasses.asdict
        namespace={"replace": _replace},
    )
    cls.__module__ = __name__
    cls.__doc__ = f"""The {tissue} parameters of one run (frozen), one field per entry of the
    common and {tissue} tables: a number, or one value per cell (layout, spread). Generated
    from the tables: a parameter added there is a field here. ``replace(**changes)`` makes a
    changed copy."""
    return cls


MuscleParams = _tissue_class("muscle")
LiverParams = _tissue_class("liver")
AdiposeParams = _tissue_class("adipose")
TISSUE_PARAMS: dict[str, type] = {
    "muscle": MuscleParams,
    "liver": LiverParams,
    "adipose": AdiposeParams,
}
"""Tissue -> its frozen parameter class (what :func:`sim.engine.build_params` returns)."""
TissueParams = MuscleParams | LiverParams | AdiposeParams
"""Any tissue's parameters (for type hints)."""
