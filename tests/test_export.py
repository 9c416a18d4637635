"""sim export: the SBML is the simulator's laws, validates cleanly, and runs the same in
libRoadRunner (issue 25 items 1-3)."""

from __future__ import annotations

import re
import zipfile
from types import SimpleNamespace

import libsbml
import numpy as np
import pytest
import sympy

from sim.cli import main
from sim.export import annotations as ann
from sim.export import trace as tr
from sim.export.cell import warmed_cell
from sim.export.crosscheck import (
    TOLERANCE,
    crosscheck,
    report_section,
    simulate_sim,
    step_scenario,
)
from sim.export.omex import run_sedml, write_omex
from sim.export.sbml import cell_document, to_string, validate
from sim.kinetics import signalling
from sim.kinetics.species import TISSUE_SPECIES, TISSUES, node_names
from sim.kinetics.tissues import cell_rhs
from sim.model import PhysiologyModel
from sim.scenario import load_scenario

REFINE = 16
"""RK4 substeps of the engine multiplied by this for the 1e-6 comparisons (at the engine's
own substeps the fast receptor transient after an insulin step differs by ~1 %)."""


@pytest.fixture(scope="module")
def cells():
    return {t: warmed_cell(t) for t in TISSUES}


@pytest.mark.parametrize("tissue", TISSUES)
def test_traced_laws_evaluate_to_the_numpy_right_hand_side(tissue, cells):
    """The traced expressions are the laws: at random states, inputs and parameters they
    give the numpy kernel's derivative to round-off."""
    traced = tr.trace(tissue)
    rng = np.random.default_rng(1)
    names = [s.name for s in TISSUE_SPECIES[tissue]]
    cell = cells[tissue]
    n = 50
    y = rng.uniform(0.0, 1.2, (len(names), n))
    u = {k: v * rng.uniform(0.5, 2.0, n) + rng.uniform(0, 0.3, n) for k, v in cell.inputs.items()}
    p = {k: v * rng.uniform(0.7, 1.4, n) for k, v in cell.params.items()}
    for k in ("n_ampk", "n_gk", "n_akt_liver"):  # Hill coefficients kept as declared
        if k in p:
            p[k] = np.full(n, cell.params[k])
    want = cell_rhs(tissue, y, SimpleNamespace(**u), SimpleNamespace(**p))
    symbols = [sympy.Symbol(k, real=True) for k in (*names, *traced.inputs, *traced.parameters)]
    args = [*y, *(u[k] for k in traced.inputs), *(p[k] for k in traced.parameters)]
    for i, name in enumerate(names):
        f = sympy.lambdify(symbols, traced.rates[name], modules="numpy")
        got = np.broadcast_to(f(*args), (n,))
        scale = np.maximum(np.abs(want[i]), 1e-12)
        assert np.all(np.abs(got - want[i]) <= 1e-9 * scale + 1e-13), name


@pytest.mark.parametrize("tissue", TISSUES)
def test_sbml_passes_every_libsbml_check_including_units(tissue, cells):
    assert validate(cell_document(cells[tissue])) == []


def test_t2d_export_validates_and_carries_the_preset():
    cell = warmed_cell("muscle", phenotype="t2d")
    doc = cell_document(cell)
    assert validate(doc) == []
    assert doc.getModel().getParameter("k_irs1_py").getValue() == pytest.approx(3.5)


def test_the_unit_check_is_live(cells):
    """A wrong unit on one parameter is reported, so zero findings above means something."""
    doc = cell_document(cells["muscle"])
    doc.getModel().getParameter("k_ir_on").setUnits("u_1_per_min")
    codes = {code for _, code, _ in validate(doc)}
    assert codes & {10501, 10532}


@pytest.mark.parametrize("tissue", TISSUES)
def test_sbml_starts_from_the_warmed_up_state_and_inputs(tissue, cells):
    cell = cells[tissue]
    model = libsbml.readSBMLFromString(to_string(cell_document(cell))).getModel()
    for name in node_names(tissue):
        # libSBML writes doubles with 15 significant digits
        assert model.getSpecies(name).getInitialAmount() == pytest.approx(cell.state[name], 1e-14)
    for name, value in cell.inputs.items():
        par = model.getParameter(name)
        if par is not None:
            assert not par.getConstant() and par.getValue() == pytest.approx(value, 1e-14)
            assert model.getRuleByVariable(name) is None  # free for events / SED-ML


@pytest.mark.parametrize("tissue", TISSUES)
def test_roadrunner_reads_the_rates_of_the_numpy_kernel(tissue, cells):
    import roadrunner

    cell = cells[tissue]
    rr = roadrunner.RoadRunner(to_string(cell_document(cell)))
    rates = rr.getRatesOfChange()
    ids = [rr.model.getStateVectorId(i) for i in range(len(rates))]
    names = [s.name for s in TISSUE_SPECIES[tissue]]
    y = np.array([[cell.state[k]] for k in names])
    want = cell_rhs(tissue, y, SimpleNamespace(**cell.inputs), SimpleNamespace(**cell.params))
    for k, r in zip(ids, rates, strict=True):
        w = want[names.index(k), 0]
        assert r == pytest.approx(w, rel=1e-10, abs=1e-15), k


def test_a_changed_law_changes_the_sbml(monkeypatch, cells):
    """Generated, not copied: a rate law edited in sim.kinetics changes the exported math."""
    before = to_string(cell_document(cells["liver"]))

    def stat5(s, d, p):  # the STAT5 law with SOCS feedback on JAK2 removed
        d.stat5_p[:] = (
            p.k_stat5_p * s.ghr_jak2 * (p.expr_stat5 - s.stat5_p) - p.k_stat5_dp * s.stat5_p
        )

    monkeypatch.setattr(signalling, "stat5", stat5)
    tr.trace.cache_clear()
    try:
        after = cell_document(cells["liver"])
    finally:
        monkeypatch.undo()
        tr.trace.cache_clear()
    rule = libsbml.formulaToL3String(after.getModel().getRuleByVariable("stat5_p").getMath())
    assert "K_socs3_jak" not in rule and "K_socs3_jak" in before
    assert after.getModel().getParameter("K_socs3_jak") is None


def test_a_law_outside_the_dialect_is_refused(monkeypatch):
    """A law written in sim/kinetics/signalling.py that calls np.exp is named, not traced."""
    namespace = dict(vars(signalling))  # the law's globals are those of the module
    exec("def nfkb(s, d, u, p):\n    d.nfkb[:] = np.exp(s.nfkb)\n", namespace)  # noqa: S102
    monkeypatch.setattr(signalling, "nfkb", namespace["nfkb"])
    tr.trace.cache_clear()
    try:
        with pytest.raises(tr.TraceError, match="np.exp"):
            tr.trace("muscle")
    finally:
        monkeypatch.undo()
        tr.trace.cache_clear()


def test_annotations_are_well_formed_identifiers():
    pattern = re.compile(r"^(uniprot:[OPQ][0-9][A-Z0-9]{3}[0-9]|CHEBI:\d+|GO:\d{7})$")
    for ident in (*ann.SPECIES.values(), *ann.INPUTS.values()):
        for _, ids in ident.terms:
            assert all(pattern.match(i) for i in ids), ids
    every = {s.name for t in TISSUES for s in TISSUE_SPECIES[t] if not s.name.startswith("cum_")}
    assert every <= set(ann.SPECIES)  # every species has at least an SBO term


def test_identifier_table_in_docs_is_current():
    from pathlib import Path

    doc = (Path(__file__).resolve().parent.parent / "docs" / "export.md").read_text()
    assert ann.table() in doc, "run: python -m sim.export.annotations (table in docs/export.md)"


def test_the_cross_check_loop_is_the_engine_step():
    """simulate_sim at refine 1 is what PhysiologyModel.step does, bit for bit."""
    scn = step_scenario("insulin", at_min=5, duration_min=15)
    ours = simulate_sim(PhysiologyModel(scn), "muscle")
    model = PhysiologyModel(scn)
    for _ in range(model.n_steps):
        model.step()
    last = {s.name: model.tissues["muscle"].y[i, 0] for i, s in enumerate(TISSUE_SPECIES["muscle"])}
    for name in node_names("muscle"):
        assert ours.nodes[name][-1] == last[name], name


@pytest.mark.parametrize(
    ("tissue", "step"), [("muscle", "insulin"), ("liver", "gh"), ("adipose", "tnf")]
)
def test_roadrunner_agrees_with_sim_within_1e6(tissue, step):
    dev, ours, theirs = crosscheck(step_scenario(step, duration_min=60), tissue, REFINE)
    assert max(dev.values()) < TOLERANCE, sorted(dev.items(), key=lambda kv: -kv[1])[:3]
    assert len(ours.time) == 61 and set(dev) == {s.name for s in TISSUE_SPECIES[tissue]}


def test_engine_step_differs_from_cvode_by_rk4_error_only():
    """At the engine's own substeps the gap is integration error: fourth order in the step."""
    scn = step_scenario("insulin", duration_min=40)
    gaps = [max(crosscheck(scn, "muscle", r)[0].values()) for r in (2, 4)]
    assert 8 < gaps[0] / gaps[1] < 32


@pytest.mark.slow
@pytest.mark.parametrize("tissue", TISSUES)
@pytest.mark.parametrize("step", ["insulin", "gh", "ffa", "tnf"])
def test_roadrunner_agrees_with_sim_every_tissue_and_step(tissue, step):
    dev, _, _ = crosscheck(step_scenario(step, duration_min=240), tissue, REFINE)
    assert max(dev.values()) < TOLERANCE, sorted(dev.items(), key=lambda kv: -kv[1])[:3]


def test_omex_runs_through_its_sedml_like_sim(tmp_path):
    import libcombine
    import libsedml

    scn = load_scenario(
        {
            **step_scenario("insulin", at_min=10, duration_min=40),
            "protocol": {
                "kind": "medium",
                "insulin_nM": [[0, 0.0], [10, 1.0]],
                "gh_ug_l": [[0, 0.0], [25, 10.0]],
            },
        }
    )
    path = tmp_path / "a.omex"
    assert write_omex(scn, "adipose", path) == []
    with zipfile.ZipFile(path) as z:
        assert {"manifest.xml", "model.xml", "simulation.sedml"} <= set(z.namelist())
    archive = libcombine.CombineArchive()
    assert archive.initializeFromArchive(str(path))
    formats = {archive.getEntry(i).getLocation(): archive.getEntry(i).getFormat() for i in (0, 1)}
    # engines find the files by format (tellurium through libCombine's KnownFormats)
    assert libcombine.KnownFormats.isFormat("sed-ml", formats["simulation.sedml"])
    assert libcombine.KnownFormats.isFormat("sbml", formats["model.xml"])
    sed = libsedml.readSedMLFromString(archive.extractEntryToString("simulation.sedml"))
    assert (sed.getLevel(), sed.getVersion()) == (1, 4)
    assert sed.getNumErrors() == 0, sed.getErrorLog().toString()  # read back without errors
    cols = run_sedml(path)
    ours = simulate_sim(PhysiologyModel(scn), "adipose", REFINE)
    np.testing.assert_allclose(cols["time"], ours.time, atol=1e-9)
    for name in node_names("adipose"):
        a = ours.nodes[name]
        dev = np.max(np.abs(cols[name] - a)) / max(np.max(np.abs(a)), 1e-9)
        assert dev < TOLERANCE, (name, dev)
    assert cols["stat5_p"][-1] > 10 * cols["stat5_p"][20]  # the GH step reached the cell


def test_cli_export_sbml(tmp_path, capsys):
    out = tmp_path / "m.xml"
    assert main(["export", "sbml", "--tissue", "adipose", "--out", str(out)]) == 0
    doc = libsbml.readSBMLFromFile(str(out))
    assert doc.getNumErrors() == 0 and doc.getModel().getId() == "sim_adipose_cell_healthy"
    text = out.read_text()
    assert main(["export", "sbml", "--tissue", "adipose", "--out", str(out)]) == 2
    assert "--force" in capsys.readouterr().err and out.read_text() == text
    assert main(["export", "sbml", "--tissue", "liver", "--out", str(tmp_path)]) == 2
    with pytest.raises(SystemExit) as exc:
        main(["export", "sbml", "--tissue", "brain"])
    assert exc.value.code == 2
    assert "muscle" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.xml"]


def test_cli_export_omex_refuses_a_protocol_without_medium(tmp_path, capsys):
    scn = tmp_path / "s.yaml"
    scn.write_text("name: x\nduration_min: 30\n")
    out = tmp_path / "x.omex"
    assert main(["export", "omex", str(scn), "--tissue", "liver", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "protocol.kind" in err and "medium" in err
    assert not out.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["s.yaml"]


def test_validate_report_section_lists_the_cross_check():
    text = report_section(tissues=("liver",), steps=("ffa",), duration_min=30.0)
    row = next(line for line in text.splitlines() if line.startswith("| liver | ffa |"))
    assert row.endswith("| yes |")
