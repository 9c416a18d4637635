"""The whole-body model as SBML: its right-hand side traced into expressions (sympy).

:func:`sim.kinetics.body.body_rhs` is a pure function of the body state, the scheduled
inputs (:class:`~sim.kinetics.body.BodyInputs`), the cell fluxes
(:class:`~sim.kinetics.body.CellFluxes`), the body parameters and the exchange geometry.
:mod:`sim.kinetics.body_trace` calls it on sympy symbols (its live code objects: nothing there
restates a rate); the on/off switches of the inputs (a clamp running, a clamp at basal
glucose, a lipid or a TNF-alpha infusion holding its level) become piecewise expressions
of switch parameters (``clamp_on`` and the others, 0 or 1).

What stays outside the SBML model, as inputs: the schedule-derived values of
:class:`~sim.kinetics.body.BodyInputs` (the circadian cortisol set point is one input,
``cort_set_point``, where the simulator computes it from the clock and the sleep debt each
time), and the cell fluxes (the cells are not part of the body model). The GH pulse
generator's bursts are events between engine steps (:func:`~sim.kinetics.body.fire_gh_pulses`),
not part of the right-hand side: the exported model carries the bursts already started and
the pulse hazard, and starts none.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import libsbml

from sim.export import annotations as ann
from sim.export import sbml as sb
from sim.export import units
from sim.export.mathml import to_ast
from sim.io import package_version
from sim.kinetics import body as bk
from sim.kinetics.body_trace import (  # noqa: F401  (re-exported: the export's names)
    CONSTANTS,
    FLAGS,
    SET_POINT,
    TracedBody,
    input_values,
    trace_body,
)
from sim.parameters import BODY

STATE_UNITS: dict[str, tuple[str, str]] = {
    "q_glc": ("mg/kg", "plasma glucose"),
    "q_gt": ("mg/kg", "slowly exchanging tissue glucose"),
    "ins_p": ("pmol/kg", "plasma insulin"),
    "beta_y": ("pmol/(kg*min)", "second-phase insulin secretion"),
    "rrp": ("fraction", "readily releasable insulin granule pool (filling)"),
    "g_adapt": ("mM", "glucose the beta cell has adapted to"),
    "ffa": ("umol/kg", "plasma FFA"),
    "gh": ("ug/kg", "plasma GH"),
    "gh_sc": ("ug/kg", "sc rhGH at the injection site"),
    "gh_sc2": ("ug/kg", "sc rhGH in lymphatic transit"),
    "gh_pool": ("fraction", "pituitary GH pool releasable by secretagogues and exercise"),
    "gh_ex": ("1", "hypothalamic exercise drive of GH release (work above LT)"),
    "ghrh": ("relative", "hypothalamic GHRH tone"),
    "sst": ("relative", "hypothalamic somatostatin tone"),
    "ghrelin": ("pg/mL", "plasma ghrelin"),
    "igfbp1": ("relative", "plasma IGFBP-1"),
    "gh_hazard": ("1", "integrated GH pulse hazard"),
    "gh_fired": ("1", "GH bursts started"),
    "gh_b1": ("ug/kg", "GH burst, first secretory stage"),
    "gh_b2": ("ug/kg", "GH burst, second secretory stage"),
    "ipam": ("ug/kg", "plasma Ipamorelin"),
    "ipam_sc": ("ug/kg", "Ipamorelin sc depot"),
    "serm": ("ug/kg", "plasma sermorelin"),
    "serm_sc": ("ug/kg", "sermorelin sc depot"),
    "igf1": ("ug/L", "plasma total IGF-1"),
    "cort": ("nM", "plasma total cortisol"),
    "tnf": ("pg/kg", "plasma TNF-alpha"),
    "sto1": ("mg/kg", "solid meal carbohydrate in the stomach"),
    "sto2": ("mg/kg", "ground meal carbohydrate in the stomach"),
    "gut": ("mg/kg", "carbohydrate in the small intestine"),
    "sto_slow": ("g", "protein/fat/fibre load slowing gastric emptying"),
    "chylo": ("g", "meal fat on its way to plasma chylomicrons"),
    "tg_chylo": ("g", "plasma chylomicron triacylglycerol"),
    "clamp_int": ("mM*min", "clamp controller integral of the glucose error"),
    "clamp_glc": ("mM", "clamp glucose target at basal"),
    "flow": ("VO2max", "muscle microvascular perfusion (work-rate units)"),
    "gcg": ("pg/mL", "plasma glucagon"),
    "adr": ("pg/mL", "plasma adrenaline"),
    "nor": ("pg/mL", "plasma noradrenaline"),
    "ex_dur": ("1", "exercise-duration term of the catecholamine drive"),
    "aa_gut": ("g/kg", "meal protein being absorbed"),
    "aa": ("g/kg", "absorbed meal amino acids"),
    "fat_sc": ("kg", "subcutaneous fat mass"),
    "fat_visc": ("kg", "visceral fat mass"),
    "bhb": ("mM", "plasma beta-hydroxybutyrate (ketone bodies)"),
    "acc_egp": ("mg/kg", "cumulative hepatic glucose output"),
    "acc_ra": ("mg/kg", "cumulative oral glucose appearance"),
    "acc_gir": ("mg/kg", "cumulative clamp glucose infusion"),
    "acc_infusion": ("mg/kg", "cumulative iv glucose infusion"),
    "acc_muscle": ("mg/kg", "cumulative muscle glucose uptake"),
    "acc_adipose": ("mg/kg", "cumulative adipose glucose uptake"),
    "acc_liver": ("mg/kg", "cumulative hepatic glucose uptake"),
    "acc_other": ("mg/kg", "cumulative brain and other insulin-independent uptake"),
    "acc_renal": ("mg/kg", "cumulative renal glucose loss"),
    "acc_spill": ("umol/kg", "cumulative chylomicron FFA spillover"),
}
"""Unit and description of every body state (units of :mod:`sim.kinetics.body`)."""
ISF_UNIT = "pmol/L"

INPUT_UNITS: dict[str, str] = {
    "intensity": "VO2max",
    "glucose_inf": "mg/(kg*min)",
    "insulin_inf": "pmol/(kg*min)",
    "gh_inf": "ug/(kg*min)",
    "ipam_inf": "ug/(kg*min)",
    "serm_inf": "ug/(kg*min)",
    "clamp_on": "1",
    "clamp_insulin_uU": "uU/mL",
    "clamp_basal": "1",
    "clamp_glucose_mM": "mM",
    "lipid_on": "1",
    "lipid_mM": "mM",
    "tnf_on": "1",
    "tnf_pg_ml": "pg/mL",
    "insulin_secretion_gain": "1",
    "gh_secretion_gain": "1",
    "clock_h": "h",
    "sleep_debt_h": "h",
    "cortisol_awakening": "nM/min",
    "sws": "1",
    "presleep_debt_h": "h",
    "sleep_metab_gate": "1",
    "asleep": "1",
    SET_POINT: "nM",
}
"""Units of the scheduled inputs (:class:`BodyInputs` field docs)."""
FLUX_UNITS: dict[str, str] = {
    "egp": "mg/(kg*min)",
    "gng": "mg/(kg*min)",
    "u_muscle": "mg/(kg*min)",
    "u_adipose": "mg/(kg*min)",
    "u_liver": "mg/(kg*min)",
    "ffa_release": "umol/(kg*min)",
    "ffa_release_sc": "umol/(kg*min)",
    "ffa_release_visc": "umol/(kg*min)",
    "ffa_clearance": "umol/(kg*min*mM)",
    "tnf_adipose": "pg/(kg*min)",
    "tnf_visceral": "pg/(kg*min)",
    "igf1_m": "relative",
}
"""Units of the cell fluxes (:class:`CellFluxes` field docs)."""


# ---------------------------------------------------------------- the SBML document

BODY_SPECIES: dict[str, tuple[str, tuple]] = {
    "q_glc": (ann.CHEMICAL, (("is", (ann.GLUCOSE,)),)),
    "q_gt": (ann.CHEMICAL, (("is", (ann.GLUCOSE,)),)),
    "ins_p": (ann.PROTEIN, (("is", (ann.INSULIN,)),)),
    "ffa": (ann.CHEMICAL, (("is", (ann.FATTY_ACID,)),)),
    "gh": (ann.PROTEIN, (("is", (ann.GH1,)),)),
    "igf1": (ann.PROTEIN, (("is", (ann.IGF1,)),)),
    "cort": (ann.CHEMICAL, (("is", (ann.CORTISOL,)),)),
    "tnf": (ann.PROTEIN, (("is", (ann.TNF,)),)),
    "gcg": (ann.PROTEIN, (("is", (ann.GCG,)),)),
}
"""SBO terms and MIRIAM identifiers of the body states that are one molecule."""


@dataclass(frozen=True)
class BodySnapshot:
    """The body of the simulator's one-cell model at t = 0, after its fasting warm-up.

    Attributes:
        state: body state id -> value (scalars, then ``isf_<k>``).
        inputs: scheduled input -> value at t = 0 (:func:`input_values`).
        fluxes: cell flux -> value over the warm-up's last step.
        params: body parameter -> value (defaults, phenotype, overrides), with the
            geometry's ``hepatic_extraction``.
        geo: the exchange geometry.
        scenario: the one-cell scenario.
    """

    state: dict[str, float]
    inputs: dict[str, float]
    fluxes: dict[str, float]
    params: dict[str, float]
    geo: bk.Geometry
    scenario: object


def body_snapshot(model: object) -> BodySnapshot:
    """The body of ``model`` (a :class:`~sim.model.PhysiologyModel`) at its current time."""
    ctx, t = model.ctx, model.time_min
    names = list(bk.SCALARS) + [f"isf_{k}" for k in range(len(model.x) - bk.N_SCALARS)]
    params = {f.name: float(getattr(ctx.bp, f.name)) for f in fields(ctx.bp)}
    params["hepatic_extraction"] = float(ctx.geo.hepatic_extraction)
    return BodySnapshot(
        dict(zip(names, model.x.tolist(), strict=True)),
        input_values(bk.body_inputs(t, ctx.sch, ctx.bp), ctx.bp),
        {f.name: float(getattr(model.last_flux, f.name)) for f in fields(model.last_flux)},
        params,
        ctx.geo,
        model.scenario,
    )


def warmed_body(phenotype: str | None = None) -> BodySnapshot:
    """The body of the one-cell model of a fasting, free-living subject at t = 0."""
    from sim.export.cell import one_cell_scenario
    from sim.model import PhysiologyModel

    return body_snapshot(PhysiologyModel(one_cell_scenario(None, phenotype)))


def model_id(phenotype: str) -> str:
    return f"sim_body_{phenotype}"


def body_document(snap: BodySnapshot) -> libsbml.SBMLDocument:
    """The SBML document of the body in ``snap`` (see the module docstring)."""
    traced = trace_body(snap.geo)
    phenotype = snap.scenario.subject.phenotype
    doc = libsbml.SBMLDocument(sb.LEVEL, sb.VERSION)
    model = doc.createModel()
    model.setId(model_id(phenotype))
    model.setName(f"whole body, {phenotype} subject")
    sb._notes(
        model,
        f"Generated by sim {package_version()} (sim export sbml --tissue body) from "
        "sim.kinetics.body.body_rhs, traced symbolically; parameters from sim.parameters "
        "(BODY). Time in minutes; amounts per kg body mass. Initial state: the simulator's "
        f"one-cell model of scenario {snap.scenario.name!r} after its fasting warm-up. "
        "Scheduled inputs (infusions, clamp, held levels and their 0/1 switches, exercise, "
        "modulators, sleep drives, the cortisol set point and awakening response) and the "
        "cell fluxes (glucose uptake and output, FFA release and clearance, TNF-alpha, "
        "hepatocyte IGF-1 mRNA) are parameters without rules: set them to apply a protocol. "
        "GH bursts are started by the simulator between steps, not by this model.",
    )
    sb._unit_definitions(model)
    comp = model.createCompartment()
    comp.setId("body")
    comp.setName("whole body (per kg body mass)")
    comp.setSize(1.0)
    comp.setSpatialDimensions(3)
    comp.setUnits("dimensionless")
    comp.setConstant(True)
    comp.setSBOTerm("SBO:0000290")
    for k, name in enumerate(traced.states):
        unit, what = STATE_UNITS.get(name, (ISF_UNIT, ""))
        if name.startswith("isf_"):
            where = "muscle" if k - bk.N_SCALARS < traced.isf_muscle else "adipose"
            what = f"interstitial insulin of {where} capillary node {name[4:]}"
        s = model.createSpecies()
        sb._check(s.setId(name), f"species id {name}")
        s.setName(what)
        s.setCompartment("body")
        s.setInitialAmount(snap.state[name])
        s.setHasOnlySubstanceUnits(True)
        s.setSubstanceUnits(units.add_definition(model, unit))
        s.setBoundaryCondition(False)
        s.setConstant(False)
        sbo, terms = BODY_SPECIES.get(name, (ann.LUMPED, ()))
        s.setSBOTerm(sbo)
        sb._cv_terms(s, terms)
        sb._notes(s, f"unit: {unit}; initial value: the simulator's state after its warm-up")
    declared = {p.name: p for p in BODY}
    for name in sorted(traced.parameters):
        value = snap.params[name]
        if name == "hepatic_extraction":
            par = sb._parameter(model, name, value, "1", constant=True)
            sb._notes(par, "1 - outflow/inflow insulin along the liver sinusoids of the graph")
            continue
        decl = declared[name]
        par = sb._parameter(model, name, value, decl.unit, constant=True)
        par.setSBOTerm(ann.parameter_sbo(name, decl.unit))
        note = f"source: {decl.source}\nunit: {decl.unit}; admissible range {list(decl.bounds)}"
        if value != decl.value:
            note += f"\ndeclared {decl.value:g}; {value:g} for this subject"
        sb._notes(par, note)
    for name in traced.constants:
        value, unit, what = CONSTANTS[name]
        par = sb._parameter(model, name, value, unit, constant=True)
        par.setName(what)
        sb._notes(par, f"unit conversion or controller constant ({unit}), sim.units")
    for name in traced.inputs:
        par = sb._parameter(model, name, snap.inputs[name], INPUT_UNITS[name], constant=False)
        par.setSBOTerm("SBO:0000002")
        kind = "switch (0 or 1)" if name in FLAGS else f"scheduled input ({INPUT_UNITS[name]})"
        sb._notes(par, f"{kind}; the simulator's value at t = 0")
    for name in traced.fluxes:
        par = sb._parameter(model, name, snap.fluxes[name], FLUX_UNITS[name], constant=False)
        par.setSBOTerm("SBO:0000002")
        sb._notes(par, f"cell flux ({FLUX_UNITS[name]}); the warm-up's last step")
    for name, rate in traced.rates.items():
        rule = model.createRateRule()
        rule.setVariable(name)
        sb._check(rule.setMath(to_ast(rate)), f"math of d{name}/dt")
    return doc
