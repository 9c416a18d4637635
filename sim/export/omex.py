"""A ``medium`` scenario as a COMBINE archive: the cell's SBML plus a SED-ML L1V4 experiment.

The archive (``.omex``) holds

- ``model.xml``: the SBML of one cell (:func:`sim.export.sbml.cell_document`) with the
  initial state of the scenario's own one-cell model after its warm-up (in a medium the
  warm-up runs without hormones, as ``sim run`` does), plus one SBML event per later input
  step of the protocol (its level a constant parameter ``<input>_step<k>``, its time a
  constant parameter ``t_step<k>``, so the units of every event check);
- ``simulation.sedml``: SED-ML Level 1 Version 4: the model with the medium's concentrations
  at t = 0 as ``changeAttribute`` model changes, a uniform time course over the scenario's
  duration at its step ``dt_min`` (CVODE, KISAO:0000019, tolerances 1e-12), and a report of
  every reported node (:func:`sim.kinetics.species.node_names`);
- ``manifest.xml`` (OMEX 1.0), written by libCombine.

:func:`run_sedml` is a small SED-ML executor for exactly what this module writes
(libRoadRunner underneath); the tests run an archive through it and compare with ``sim``.
"""

from __future__ import annotations

import re
from pathlib import Path

import libsbml
import numpy as np

from sim.export import units
from sim.export.annotations import INPUTS
from sim.export.cell import snapshot
from sim.export.crosscheck import ATOL, RTOL, input_changes
from sim.export.sbml import cell_document, to_string, validate
from sim.kinetics.species import node_names
from sim.model import PhysiologyModel
from sim.scenario import Scenario, ScenarioError

SBML_LANGUAGE = "urn:sedml:language:sbml.level-3.version-2"
OMEX_SBML = "http://identifiers.org/combine.specifications/sbml.level-3.version-2"
# libCombine's KnownFormats (which tellurium uses to find the SED-ML) has no versioned SED-ML
OMEX_SEDML = "http://identifiers.org/combine.specifications/sed-ml"
CVODE = "KISAO:0000019"
KISAO_RTOL, KISAO_ATOL = "KISAO:0000209", "KISAO:0000211"
_PARAM_VALUE = re.compile(
    r"^/sbml:sbml/sbml:model/sbml:listOfParameters/sbml:parameter\[@id='(\w+)'\]/@value$"
)


_TARGET_ID = re.compile(r"@id='(\w+)'")


def _target(pid: str) -> str:
    return f"/sbml:sbml/sbml:model/sbml:listOfParameters/sbml:parameter[@id='{pid}']/@value"


def require_medium(scenario: Scenario) -> None:
    """ScenarioError (exit status 2) unless the scenario's protocol is ``medium``."""
    kind = scenario.protocol.kind if scenario.protocol is not None else "none (free-living)"
    if kind != "medium":
        raise ScenarioError(
            f"scenario {scenario.name!r}: protocol.kind is {kind!r}; export omex needs "
            "protocol.kind: medium (fixed concentrations applied to the cells)"
        )


def _add_events(model: libsbml.Model, changes: list) -> None:
    """One event per input step after t = 0: at ``time >= t_step<k>`` set the inputs."""
    for k, (t, values) in enumerate(changes[1:], start=1):
        tp = model.createParameter()
        tp.setId(f"t_step{k}")
        tp.setValue(t)
        tp.setUnits("min")
        tp.setConstant(True)
        ev = model.createEvent()
        ev.setId(f"step{k}")
        ev.setUseValuesFromTriggerTime(True)
        trig = ev.createTrigger()
        trig.setInitialValue(False)
        trig.setPersistent(True)
        trig.setMath(libsbml.parseL3Formula(f"time >= t_step{k}"))
        for name, value in values.items():
            lp = model.createParameter()
            lp.setId(f"{name}_step{k}")
            lp.setValue(value)
            lp.setUnits(units.unit_id(INPUTS[name].unit))
            lp.setConstant(True)
            ea = ev.createEventAssignment()
            ea.setVariable(name)
            ea.setMath(libsbml.parseL3Formula(f"{name}_step{k}"))


def _sedml(scenario: Scenario, tissue: str, initial: dict[str, float]) -> str:
    import libsedml

    doc = libsedml.SedDocument(1, 4)
    m = doc.createModel()
    m.setId("cell")
    m.setLanguage(SBML_LANGUAGE)
    m.setSource("model.xml")
    for name, value in initial.items():
        ch = m.createChangeAttribute()
        ch.setTarget(_target(name))
        ch.setNewValue(repr(float(value) + 0.0))  # no -0.0
    sim = doc.createUniformTimeCourse()
    sim.setId("medium")
    n = int(round(scenario.duration_min / scenario.dt_min))
    sim.setInitialTime(0.0)
    sim.setOutputStartTime(0.0)
    sim.setOutputEndTime(n * scenario.dt_min)
    sim.setNumberOfSteps(n)
    alg = sim.createAlgorithm()
    alg.setKisaoID(CVODE)
    for kisao, value in ((KISAO_RTOL, RTOL), (KISAO_ATOL, ATOL)):
        ap = alg.createAlgorithmParameter()
        ap.setKisaoID(kisao)
        ap.setValue(repr(value))
    task = doc.createTask()
    task.setId("task")
    task.setModelReference("cell")
    task.setSimulationReference("medium")
    report = doc.createReport()
    report.setId("nodes")
    for name in ["time", *node_names(tissue)]:
        dg = doc.createDataGenerator()
        dg.setId(f"dg_{name}")
        var = dg.createVariable()
        var.setId(name)
        var.setTaskReference("task")
        if name == "time":
            var.setSymbol("urn:sedml:symbol:time")
        else:
            var.setTarget(f"/sbml:sbml/sbml:model/sbml:listOfSpecies/sbml:species[@id='{name}']")
        dg.setMath(libsedml.parseL3Formula(name))
        ds = report.createDataSet()
        ds.setId(f"ds_{name}")
        ds.setLabel(name)
        ds.setDataReference(f"dg_{name}")
    doc.getNamespaces().add("http://www.sbml.org/sbml/level3/version2/core", "sbml")
    return libsedml.writeSedMLToString(doc)


def build(scenario: Scenario, tissue: str) -> tuple[str, str, list]:
    """(SBML text, SED-ML text, libSBML problems) for ``scenario``'s medium on ``tissue``."""
    require_medium(scenario)
    from sim.export.cell import one_cell_scenario

    one = one_cell_scenario(scenario)
    model = PhysiologyModel(one)
    cell = snapshot(model, tissue)
    doc = cell_document(cell)
    inputs = tuple(p.getId() for p in doc.getModel().getListOfParameters() if p.getId() in INPUTS)
    changes = input_changes(PhysiologyModel(one), tissue, inputs)
    _add_events(doc.getModel(), changes)
    problems = validate(doc)
    return to_string(doc), _sedml(one, tissue, changes[0][1]), problems


def write_omex(scenario: Scenario, tissue: str, path: Path) -> list:
    """Write the archive to ``path``; returns the libSBML problems of its model."""
    import libcombine

    sbml, sedml, problems = build(scenario, tissue)
    archive = libcombine.CombineArchive()
    archive.addFileFromString(sbml, "model.xml", OMEX_SBML, False)
    archive.addFileFromString(sedml, "simulation.sedml", OMEX_SEDML, True)
    if not archive.writeToFile(str(path)):
        raise OSError(f"libCombine could not write {path}")
    return problems


def run_sedml(omex: Path) -> dict[str, np.ndarray]:
    """Execute the archive's SED-ML (the subset :func:`build` writes) in libRoadRunner:
    the report's columns by label."""
    import libcombine
    import libsedml
    import roadrunner

    archive = libcombine.CombineArchive()
    if not archive.initializeFromArchive(str(omex)):
        raise ValueError(f"{omex}: not a COMBINE archive")
    master = archive.getMasterFile().getLocation()
    sed = libsedml.readSedMLFromString(archive.extractEntryToString(master))
    if sed.getErrorLog().getNumFailsWithSeverity(libsedml.LIBSEDML_SEV_ERROR):
        raise ValueError(f"{omex}: {sed.getErrorLog().toString()}")
    task = sed.getTask(0)
    m = sed.getModel(task.getModelReference())
    sbml = libsbml.readSBMLFromString(archive.extractEntryToString(m.getSource()))
    for ch in m.getListOfChanges():
        match = _PARAM_VALUE.match(ch.getTarget())
        if ch.getTypeCode() != libsedml.SEDML_CHANGE_ATTRIBUTE or match is None:
            raise ValueError(f"unsupported SED-ML change: {ch.getElementName()} {ch.getTarget()}")
        sbml.getModel().getParameter(match.group(1)).setValue(float(ch.getNewValue()))
    sim = sed.getSimulation(task.getSimulationReference())
    rr = roadrunner.RoadRunner(libsbml.writeSBMLToString(sbml))
    integ = rr.getIntegrator()
    for ap in sim.getAlgorithm().getListOfAlgorithmParameters():
        key = {KISAO_RTOL: "relative_tolerance", KISAO_ATOL: "absolute_tolerance"}[ap.getKisaoID()]
        integ.setValue(key, float(ap.getValue()))
    ids = {}
    for dg in sed.getListOfDataGenerators():
        var = dg.getVariable(0)
        ids[dg.getId()] = "time" if var.isSetSymbol() else _TARGET_ID.search(var.getTarget())[1]
    rr.timeCourseSelections = list(dict.fromkeys(ids.values()))
    res = rr.simulate(sim.getInitialTime(), sim.getOutputEndTime(), sim.getNumberOfSteps() + 1)
    cols = {name: np.asarray(res[:, i]) for i, name in enumerate(rr.timeCourseSelections)}
    start = cols["time"] >= sim.getOutputStartTime() - 1e-12
    report = sed.getOutput(0)
    return {
        ds.getLabel(): cols[ids[ds.getDataReference()]][start] for ds in report.getListOfDataSets()
    }
