"""The cell rate laws stay inside the dialect every back end reads (docs/rate_laws.md)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

KINETICS = Path(__file__).resolve().parent.parent / "sim" / "kinetics"
MODULES = ("signalling.py", "tissues.py")
NOT_LAWS = {"cell_rhs", "stiffness_bound", "_top"}
NUMPY = {"maximum", "minimum", "ones_like", "zeros_like"}
BRANCHING = (ast.If, ast.IfExp, ast.While, ast.For, ast.Compare, ast.BoolOp, ast.Lambda)


def _laws() -> list[tuple[str, ast.FunctionDef]]:
    out = []
    for name in MODULES:
        tree = ast.parse((KINETICS / name).read_text())
        out += [
            (f"{name}:{node.name}", node)
            for node in tree.body
            if isinstance(node, ast.FunctionDef) and node.name not in NOT_LAWS
        ]
    return out


def _law_names() -> set[str]:
    return {fn.name for _, fn in _laws()}


def _is_d(node: ast.AST) -> bool:
    """``d.<name>`` or an index of it."""
    while isinstance(node, ast.Subscript):
        node = node.value
    return (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and (node.value.id == "d")
    )


def problems(fn: ast.FunctionDef, laws: set[str]) -> list[str]:
    """Dialect violations in one law function (docs/rate_laws.md, rules 2-4)."""
    bad = []
    for node in ast.walk(fn):
        line = getattr(node, "lineno", fn.lineno)
        if isinstance(node, ast.AugAssign) and _is_d(node.target):
            bad.append(f"line {line}: a derivative updated with an augmented assignment")
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if not _is_d(target):
                    continue
                ok = (
                    isinstance(target, ast.Subscript)
                    and isinstance(target.value, ast.Attribute)
                    and isinstance(target.slice, ast.Slice)
                    and target.slice.lower is None
                    and target.slice.upper is None
                    and target.slice.step is None
                )
                if not ok:
                    bad.append(f"line {line}: a derivative not written as d.<name>[:] = ...")
        if isinstance(node, BRANCHING):
            bad.append(f"line {line}: Python control flow ({type(node).__name__})")
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            if node.value.id == "np" and node.attr not in NUMPY | {"ndarray"}:
                bad.append(f"line {line}: np.{node.attr} is outside the dialect")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id not in laws:
                bad.append(f"line {line}: calls {node.func.id}(), not a rate-law function")
    return bad


@pytest.mark.parametrize("name,fn", _laws(), ids=[n for n, _ in _laws()])
def test_law_is_in_the_dialect(name, fn):
    assert not problems(fn, _law_names()), problems(fn, _law_names())


def test_tissues_import_the_shared_laws_as_the_compiler_expects():
    from sim.kinetics.dialect import SIG_ALIAS, SIG_MODULE, SIG_NAME

    line = f"from {SIG_MODULE} import {SIG_NAME} as {SIG_ALIAS}"
    assert line in (KINETICS / "tissues.py").read_text()


def test_the_per_cell_compiler_reads_exactly_the_laws_checked_here():
    """The per-cell back ends find the laws from the entry points; they are the functions
    this file checks (every function of the two modules but the numpy-side helpers)."""
    from sim.kinetics import dialect

    sig = dialect.LawModule.parse("signalling", (KINETICS / "signalling.py").read_text())
    tis = dialect.LawModule.parse("tissues", (KINETICS / "tissues.py").read_text())
    found = dialect.law_functions(tis, sig)
    assert found["signalling"] | found["tissues"] == _law_names()


@pytest.mark.parametrize(
    "line",
    [
        "d.akt_p[:] += 1.0",
        "d.akt_p = p.k * s.pi3k",
        "d.akt_p[:] = np.clip(s.pi3k, 0.0, 1.0)",
        "d.akt_p[:] = p.k if s.pi3k > 0 else 0.0",
        "d.akt_p[:] = max(s.pi3k, 0.0)",
    ],
)
def test_the_check_catches_each_rule(line):
    fn = ast.parse(f"def law(s, d, u, p):\n    {line}\n").body[0]
    assert problems(fn, {"law"})
