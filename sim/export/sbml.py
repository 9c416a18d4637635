"""An SBML Level 3 Version 2 model of one cell, generated from the simulator's rate laws.

:func:`cell_document` assembles it from three sources, none of which it restates:

- the laws, traced into expressions (:mod:`sim.export.trace`): one rate rule per state
  variable, its math the derivative the engines integrate;
- the declarations: species (:mod:`sim.kinetics.species`), parameters with unit and source
  (:mod:`sim.parameters`), converted into SBML units (:mod:`sim.export.units`);
- the simulator's own one-cell model (:mod:`sim.export.cell`): initial values after its
  fasting warm-up, the inputs it gives the cell, the cell's resolved parameter values.

Cell inputs (insulin, glucose, FFA, GH, TNF-alpha, glucagon, cortisol excess, exercise
intensity, diet signals, modulators) are non-constant parameters without rules, so events,
SED-ML model changes or a user can set them. Step accumulators of the simulator (``cum_*``:
what a cell took up or released during one engine step) become non-constant parameters
integrated from t = 0: the cumulative amount per kg of tissue.
"""

from __future__ import annotations

import html

import libsbml

from sim.export import annotations as ann
from sim.export import units
from sim.export.cell import CellSnapshot
from sim.export.mathml import to_ast
from sim.export.trace import trace
from sim.io import package_version
from sim.kinetics.species import ACCUMULATOR_NAMES, TISSUE_SPECIES
from sim.parameters import tissue_params

LEVEL, VERSION = 3, 2
COMPARTMENT = "cell"
TISSUE_NAMES = {"muscle": "skeletal-muscle fibre", "liver": "hepatocyte", "adipose": "adipocyte"}
_QUALIFIERS = {
    "is": libsbml.BQB_IS,
    "isVersionOf": libsbml.BQB_IS_VERSION_OF,
    "hasPart": libsbml.BQB_HAS_PART,
    "isPartOf": libsbml.BQB_IS_PART_OF,
    "encodes": libsbml.BQB_ENCODES,
}


class ExportError(RuntimeError):
    """The model cannot be written as valid SBML (a bug to report, not a user error)."""


def _check(code: int, what: str) -> None:
    if code != libsbml.LIBSBML_OPERATION_SUCCESS:
        raise ExportError(f"{what}: {libsbml.OperationReturnValue_toString(code)}")


def model_id(tissue: str, phenotype: str) -> str:
    return f"sim_{tissue}_cell_{phenotype}"


def _notes(element: libsbml.SBase, text: str) -> None:
    body = "".join(f"<p>{html.escape(line)}</p>" for line in text.split("\n") if line)
    _check(
        element.setNotes(f'<body xmlns="http://www.w3.org/1999/xhtml">{body}</body>'),
        f"notes of {element.getId()}",
    )


def _cv_terms(element: libsbml.SBase, terms: tuple) -> None:
    """MIRIAM annotations (identifiers.org URIs); the element needs a metaid."""
    if not terms:
        return
    if not element.isSetMetaId():
        element.setMetaId(f"meta_{element.getId()}")
    for qualifier, ids in terms:
        cv = libsbml.CVTerm(libsbml.BIOLOGICAL_QUALIFIER)
        cv.setBiologicalQualifierType(_QUALIFIERS[qualifier])
        for ident in ids:
            cv.addResource(f"https://identifiers.org/{ident}")
        _check(element.addCVTerm(cv), f"annotation of {element.getId()}")


def _unit_definitions(model: libsbml.Model) -> None:
    minute = model.createUnitDefinition()
    minute.setId("min")
    u = minute.createUnit()
    u.setKind(libsbml.UNIT_KIND_SECOND)
    u.setExponent(1)
    u.setScale(0)
    u.setMultiplier(60.0)
    model.setTimeUnits("min")
    model.setSubstanceUnits("dimensionless")
    model.setExtentUnits("dimensionless")
    model.setVolumeUnits("dimensionless")


def _parameter(
    model: libsbml.Model, pid: str, value: float, unit: str, constant: bool
) -> libsbml.Parameter:
    par = model.createParameter()
    _check(par.setId(pid), f"parameter id {pid}")
    par.setValue(float(value))
    par.setUnits(units.add_definition(model, unit))
    par.setConstant(constant)
    return par


def _species(model: libsbml.Model, cell: CellSnapshot) -> None:
    for sp in TISSUE_SPECIES[cell.tissue]:
        if sp.name in ACCUMULATOR_NAMES:
            par = _parameter(model, sp.name, 0.0, sp.unit, constant=False)
            par.setName(
                f"cumulative since t = 0: {sp.description.replace(' during the current step', '')}"
            )
            par.setSBOTerm("SBO:0000002")
            continue
        s = model.createSpecies()
        _check(s.setId(sp.name), f"species id {sp.name}")
        s.setName(sp.description)
        s.setCompartment(COMPARTMENT)
        s.setInitialAmount(cell.state[sp.name])
        s.setHasOnlySubstanceUnits(True)
        s.setSubstanceUnits(units.add_definition(model, sp.unit))
        s.setBoundaryCondition(False)
        s.setConstant(False)
        ident = ann.SPECIES.get(sp.name)
        if ident is not None:
            s.setSBOTerm(ident.sbo)
            _cv_terms(s, ident.terms)
        group = f"; conserved moiety {sp.conserved_group!r} (total 1)" if sp.conserved_group else ""
        _notes(s, f"unit: {sp.unit}{group}; initial value: the simulator's state after its warm-up")


def _parameters(model: libsbml.Model, cell: CellSnapshot, names: tuple[str, ...]) -> None:
    declared = tissue_params(cell.tissue)
    for name in sorted(names):
        decl = declared.get(name)
        if decl is None:
            raise ExportError(f"{cell.tissue}: the rate laws read p.{name}, which is not declared")
        value = cell.params[name]
        par = _parameter(model, name, value, decl.unit, constant=True)
        par.setSBOTerm(ann.parameter_sbo(name, decl.unit))
        note = f"source: {decl.source}\nunit: {decl.unit}; admissible range {list(decl.bounds)}"
        if value != decl.value:
            note += (
                f"\ndeclared {decl.value:g}; {value:g} in this cell (phenotype preset, "
                f"scenario override, knockout or the cell's place: {cell.subtype})"
            )
        _notes(par, note)


def _inputs(model: libsbml.Model, cell: CellSnapshot, names: tuple[str, ...]) -> None:
    for name in names:
        spec = ann.INPUTS.get(name)
        if spec is None:
            raise ExportError(f"{cell.tissue}: the rate laws read input u.{name}, not in INPUTS")
        par = _parameter(model, name, cell.inputs[name], spec.unit, constant=False)
        par.setName(spec.description)
        par.setSBOTerm(spec.sbo)
        _cv_terms(par, spec.terms)
        _notes(par, f"cell input ({spec.unit}); value the simulator gives this cell at t = 0")


def cell_document(cell: CellSnapshot) -> libsbml.SBMLDocument:
    """The SBML document of ``cell`` (see the module docstring)."""
    traced = trace(cell.tissue)
    phenotype = cell.scenario.subject.phenotype
    doc = libsbml.SBMLDocument(LEVEL, VERSION)
    model = doc.createModel()
    model.setId(model_id(cell.tissue, phenotype))
    model.setName(f"one {TISSUE_NAMES[cell.tissue]} ({cell.subtype}), {phenotype} subject")
    _notes(
        model,
        f"Generated by sim {package_version()} (sim export sbml) from the rate laws of "
        f"sim.kinetics.tissues.{cell.tissue}_rhs and sim.kinetics.signalling, traced "
        "symbolically; parameters from sim.parameters. Time in minutes. Initial state: the "
        f"simulator's one-cell model of scenario {cell.scenario.name!r} after its fasting "
        "warm-up. Cell inputs are parameters without rules: set them (events, SED-ML) to "
        "apply a medium or a hormone step.",
    )
    _unit_definitions(model)
    comp = model.createCompartment()
    comp.setId(COMPARTMENT)
    comp.setName(TISSUE_NAMES[cell.tissue])
    comp.setSize(1.0)
    comp.setSpatialDimensions(3)
    comp.setUnits("dimensionless")
    comp.setConstant(True)
    comp.setSBOTerm("SBO:0000290")  # physical compartment
    _species(model, cell)
    _parameters(model, cell, traced.parameters)
    _inputs(model, cell, traced.inputs)
    for name, rate in traced.rates.items():
        rule = model.createRateRule()
        rule.setVariable(name)
        _check(rule.setMath(to_ast(rate)), f"math of d{name}/dt")
    return doc


def validate(doc: libsbml.SBMLDocument) -> list[tuple[str, int, str]]:
    """Every libSBML consistency check, units included: ``(severity, id, message)`` rows."""
    doc.setConsistencyChecks(libsbml.LIBSBML_CAT_UNITS_CONSISTENCY, True)
    doc.setConsistencyChecks(libsbml.LIBSBML_CAT_MODELING_PRACTICE, True)
    doc.checkConsistency()
    log = doc.getErrorLog()
    return [
        (log.getError(i).getSeverityAsString(), log.getError(i).getErrorId(),
         log.getError(i).getMessage().strip())
        for i in range(log.getNumErrors())
    ]  # fmt: skip


def to_string(doc: libsbml.SBMLDocument) -> str:
    return libsbml.writeSBMLToString(doc)
