"""Every physiological constant lives in the parameter tables (sim/parameters.py) with unit,
range, source and provenance kind: the rate-law modules and the engine hold no numeric
literal but structural ones, unit conversions and a short list of numerical settings."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from sim.parameters import INTERVENTION, LAYOUT, all_params
from sim.types import CALIBRATED_TO, PROVENANCE_KIND, Param

SIM = Path(__file__).resolve().parent.parent / "sim"
NOT_MODEL: dict[str, str] = {
    # the tables and their kin
    "parameters.py": "the parameter tables themselves",
    "units.py": "unit conversions and physical constants, each with where it comes from",
    "kinetics/species.py": "the species declaration (initial values, with their reasons)",
    "kinetics/cell_inputs.py": "the cell-input declaration (neutral values, with sources)",
    "compare/population.py": "the virtual population's trait table: each spread with its "
    "source, a declaration like the parameter tables",
    # code generators (their numbers are numerics of the generated code)
    "kinetics/compiled.py": "code generator",
    "kinetics/body_compiled.py": "code generator",
    "kinetics/stiffness.py": "code generator (the cells' substep bound)",
    "kinetics/body_stiffness.py": "code generator (the body's substep bound)",
    # published numbers, not model constants
    "validate/": "validation targets: published values, their bands and the protocols of "
    "the cited papers",
    "metrics.py": "clinical index definitions (HOMA-IR 22.5, Matsuda 10,000) and the "
    "reading windows CONTRACT.md fixes",
    # the layers above the model: formats, numerics, presentation, tooling
    "scenario.py": "the scenario file format: defaults and limits of CONTRACT.md",
    "numerics.py": "numerical settings (substep limit, tolerances)",
    "reference.py": "the stiff reference solver's tolerances",
    "limits.py": "run-size limits",
    "inputs.py": "input-file size and message limits",
    "io.py": "output formats",
    "runner.py": "memory estimates of a run",
    "warmcache.py": "cache sizes and formats",
    "checkpoint/": "checkpoint format",
    "cli.py": "command line",
    "provenance.py": "the parameter-table generator",
    "sweep/": "sweep designs and sensitivity analysis",
    "compare/": "statistics, reports and figures of comparisons",
    "export/": "SBML/PEtab/OMEX writers and cross-checks (unit factors, tolerances)",
    "viz/": "figures and the dashboard",
}
"""Modules that hold no model physiology, each with why; every other module of the package
is scanned (``test_every_module_is_scanned_or_exempt_with_a_reason``)."""


def _exempt(path: Path) -> bool:
    rel = path.relative_to(SIM).as_posix()
    return any(rel == k or (k.endswith("/") and rel.startswith(k)) for k in NOT_MODEL)


SCANNED = sorted(p for p in SIM.rglob("*.py") if not _exempt(p))
STRUCTURAL = {0, 1, 2, 0.5}
"""Zero, one, two and a half: sums, differences, halving, squares."""
UNITS = {60, 24, 100, 1000, 1e6, 1e9, 1e12, 1440, 7}
"""min per h, h per day, percent, powers of ten between unit prefixes, min per day, days per
week."""
ALLOWED = {
    ("body.py", 12.0): "CAR_SPAN_THETAS: the awakening kernel is summed over 12 time "
    "constants (numerical truncation, tail < 1e-4)",
    ("body.py", 4.0): "the quadratic formula (free cortisol)",
    ("body.py", 1e-9): "time comparison tolerance (min)",
    ("body.py", 180.0): "wake_times: a sleep period ending within 3 h of the habitual waking "
    "replaces it (a rule of the schedule, not a rate)",
    ("body.py", 720.0): "wake_times: a run begun within 12 h after the habitual waking time",
    ("engine.py", 8192): "BLOCK_CELLS: cells per numpy block (cache size)",
    ("extensions.py", 16): "hex digits of the cache-key hash",
    # sim/remodel (its physiological constants are in the REMODEL table)
    ("core.py", 3): "CLS_MIN_MACROPHAGES (the read-out's definition of a crown-like "
    "structure) and array slices of the three step-amount signals",
    ("core.py", 28021): "random-stream id (0x6D75) of the remodelling draws",
    ("core.py", 9): "decimals the remodelling clock is rounded to (float drift)",
    ("core.py", 1e-9): "time comparison tolerance (min)",
    ("core.py", 1e-12): "division guard",
    ("core.py", 1e-6): "comparison tolerance of the settling check",
    ("liver.py", 1e-12): "division guard",
    ("liver.py", 3.0): "zone labels: thirds of the portal-central axis (as graph.py)",
    ("muscle.py", 28021): "random-stream id (0x6D75) of the remodelling draws",
    ("muscle.py", 120): "random-stream id (0x78) of the muscle draws",
    ("muscle.py", 4): "length of the body-signal accumulator (igf1, aa, cort, fat oxidation)",
    ("muscle.py", 3): "index of fat oxidation in that accumulator",
    ("muscle.py", 1e-9): "time comparison tolerance (min)",
    ("muscle.py", 1e-12): "division guard",
    ("rules.py", 0.000256): "FFA_G_PER_UMOL: palmitate molar mass (256 g/mol), a unit",
    ("rules.py", 0.0002856): "G_TG_PER_UMOL_FA: mixed triglyceride molar mass per fatty "
    "acid (857 g/mol / 3), a unit",
    ("rules.py", 10.0): "G_PER_KG_PER_PCT: 1 % of a kg is 10 g (a unit)",
    ("rules.py", 6.0): "sphere volume pi d^3 / 6 (geometry)",
    ("rules.py", 3): "sphere volume pi d^3 / 6 (geometry)",
    ("rules.py", 48): "default substeps of the hepatic lipid integration (numerics)",
    ("rules.py", 1e-9): "division guard",
    ("signals.py", 23.0): "NIGHT_START_CLOCK_H: CONTRACT, nights not given start at 23:00",
    ("signals.py", 720.0): "REPLACES_NIGHT_WITHIN_MIN: a given sleep within 12 h of a default "
    "night replaces it (a rule of the scenario format)",
    ("signals.py", 0.007184): "_bsa_m2: Du Bois 1916 body-surface-area formula (a conversion "
    "of mass and height to m^2 for mU/m^2 doses)",
    ("signals.py", 0.425): "_bsa_m2: Du Bois 1916 exponent of mass",
    ("signals.py", 0.725): "_bsa_m2: Du Bois 1916 exponent of height",
    ("model.py", 180.0): "PREWARM_MIN: length of the cells-only pre-run (numerics)",
    ("model.py", 1e-9): "time comparison tolerance (min)",
    ("model.py", 9): "decimals the model's clock is rounded to (float drift of dt sums)",
    ("graph.py", 3): "zone labels: thirds of the portal-central axis (periportal, midzonal, "
    "pericentral; a naming, not a rate)",
    ("recorder.py", 1e-6): "cadence comparison tolerance (min)",
    ("recorder.py", 512.0): "CELLS_IN_MEMORY_MIB: memory limit of the in-memory cells table",
    ("recorder.py", 8): "bytes of an int64 cell id (size estimate of the cells table)",
    ("recorder.py", 4): "bytes of a float32 column (size estimate)",
    ("recorder.py", 3): "columns of the cells table that are not float32 (size estimate)",
    ("recorder.py", 20): "progress-bar width (characters)",
    ("base.py", 1e-9): "time comparison tolerance (min)",
    ("diet.py", 8.0): "PROTEIN_CLOCK_H: the diet's protein portions at breakfast, lunch and "
    "dinner clock times (a rule of the scenario format, as meal times are)",
    ("diet.py", 13.0): "PROTEIN_CLOCK_H (lunch)",
    ("diet.py", 19.0): "PROTEIN_CLOCK_H (dinner)",
    ("training.py", 17.0): "default session clock time (a scenario default, not physiology)",
}
"""Numbers that are numerics or rules, not physiology, each with its reason."""


def _schema_limits(tree: ast.AST) -> set[int]:
    """ids of the constants that are limits of a scenario field (``Field(ge=..., le=...)``
    in sim/interventions): input validation of the format, not physiology."""
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Field":
            for kw in node.keywords:
                if kw.arg in ("ge", "gt", "le", "lt"):
                    out |= {id(c) for c in ast.walk(kw.value) if isinstance(c, ast.Constant)}
    return out


def _literals(path: Path) -> list[tuple[int, float]]:
    tree = ast.parse(path.read_text())
    limits = _schema_limits(tree)
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, int | float)
        and not isinstance(node.value, bool)
        and id(node) not in limits
    ]


@pytest.mark.parametrize("path", SCANNED, ids=lambda p: p.name)
def test_no_physiological_constant_outside_the_tables(path):
    bad = [
        f"{path.name}:{line}: {value!r}"
        for line, value in _literals(path)
        if value not in STRUCTURAL | UNITS and (path.name, value) not in ALLOWED
    ]
    assert not bad, (
        "numeric literals that look like physiological constants; declare them in "
        f"sim/parameters.py (unit, range, source, kind): {bad}"
    )


def test_every_module_is_scanned_or_exempt_with_a_reason():
    """A new module is scanned unless it is named in NOT_MODEL with its reason, and every
    exemption still names a module."""
    every = sorted(SIM.rglob("*.py"))
    assert set(SCANNED) | {p for p in every if _exempt(p)} == set(every)
    for key in NOT_MODEL:
        assert any(
            p.relative_to(SIM).as_posix() == key
            or (key.endswith("/") and p.relative_to(SIM).as_posix().startswith(key))
            for p in every
        ), key
    assert len(SCANNED) >= 40  # the model itself: kinetics, engine, agents, remodel, ...


def test_the_allow_list_is_used():
    """An allowed number no longer in the code is taken off the list."""
    present = {(p.name, v) for p in SCANNED for _, v in _literals(p)}
    assert set(ALLOWED) <= present, set(ALLOWED) - present


def test_the_scan_catches_a_constant(tmp_path):
    law = tmp_path / "body.py"
    law.write_text("def rate(x, bp):\n    return 0.004 * x + 2.0 * bp.k\n")
    assert [v for _, v in _literals(law) if v not in STRUCTURAL | UNITS] == [0.004]


def test_the_scan_skips_only_scenario_field_limits(tmp_path):
    src = tmp_path / "kind.py"
    src.write_text("class K:\n    dose: Annotated[float, Field(gt=0, le=20)] = 0.9\n")
    assert [v for _, v in _literals(src)] == [0.9]


def test_every_parameter_has_a_provenance_kind():
    tables = {f"layout.{p.name}": p for p in LAYOUT}
    tables |= {f"intervention.{p.name}": p for p in INTERVENTION}
    for name, p in (all_params() | tables).items():
        assert PROVENANCE_KIND.match(p.provenance), name
        # a source that speaks of calibration without naming the target it was calibrated
        # to must say what kind it is explicitly ("not calibrated" never reads as calibrated)
        if "calibrat" in p.source.lower() and not CALIBRATED_TO.search(p.source):
            assert p.kind, f"{name}: give kind= explicitly ({p.source[:60]}...)"


def test_provenance_kind_is_explicit_when_given_and_checked():
    p = Param("x", 1.0, "1", "not calibrated; assumption", kind="assumed")
    assert p.provenance == "assumed"
    assert Param("y", 1.0, "1", "calibrated to V12 (Moller 1989)").provenance == (
        "calibrated to V12"
    )
    with pytest.raises(ValueError, match="kind"):
        Param("z", 1.0, "1", "a guess", kind="guess")
