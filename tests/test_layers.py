"""DESIGN section 3: lower layers never import higher ones (checked with ast)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "sim"
LAYER = {  # module (relative to sim) -> layer number
    "types": 0,
    "inputs": 0,
    "limits": 0,
    "parameters": 0,
    "scenario": 0,
    "interventions": 0,
    "units": 0,
    "kinetics": 1,
    "provenance": 1,
    "signals": 1,
    "graph": 1,
    "numerics": 1,
    "io": 1,
    "metrics": 1,
    "engine": 2,
    "agents": 3,
    "remodel": 3,
    "recorder": 4,
    "model": 4,
    "checkpoint": 4,
    "warmcache": 4,
    "reference": 5,
    "runner": 5,
    "sweep": 6,
    "viz": 6,
    "compare": 6,
    "validate": 6,
    "export": 6,
    "cli": 7,
    "__main__": 7,
    "__init__": 7,
}


def _layer(module: str) -> int:
    parts = module.split(".")
    return LAYER[parts[1] if len(parts) > 1 else "__init__"]


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text())
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("sim"):
            out.append(node.module)
        elif isinstance(node, ast.Import):
            out += [a.name for a in node.names if a.name.startswith("sim")]
    return out


@pytest.mark.parametrize("path", sorted(ROOT.rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_upward_imports(path):
    rel = path.relative_to(ROOT).with_suffix("")
    me = _layer("sim." + ".".join(rel.parts))
    for mod in _imports(path):
        if mod == "sim":
            continue
        assert _layer(mod) <= me, f"{rel} (layer {me}) imports {mod} (layer {_layer(mod)})"


def test_kinetics_are_free_of_mesa_networkx_and_plotting():
    for path in (ROOT / "kinetics").rglob("*.py"):
        text = path.read_text()
        for banned in ("import mesa", "import networkx", "matplotlib"):
            assert banned not in text, f"{path.name} uses {banned}"


def test_parameter_docs_are_current():
    from sim.provenance import table

    doc = (ROOT.parent / "docs" / "parameters.md").read_text()
    assert doc.strip() == table().strip(), "run: python -m sim.provenance > docs/parameters.md"


def test_every_parameter_has_unit_and_source():
    from sim.parameters import all_params

    for name, p in all_params().items():
        assert p.unit and len(p.source) > 5, name
        assert p.bounds[0] <= p.value <= p.bounds[1], name


def test_every_phenotype_change_is_a_named_parameter_in_range_with_a_reason():
    from sim.parameters import PHENOTYPE_NOTES, PHENOTYPES, all_params

    params = all_params()
    assert PHENOTYPES["healthy"] == {}
    for preset, values in PHENOTYPES.items():
        for key, value in values.items():
            lo, hi = params[key].bounds
            assert lo <= value <= hi, f"{preset}: {key}={value} outside [{lo}, {hi}]"
            assert value != params[key].value, f"{preset}: {key} equals the default"
            assert len(PHENOTYPE_NOTES[key]) > 20, f"{preset}: {key} has no reason"
