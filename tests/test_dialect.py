"""The per-cell copy of the rate laws is made on the syntax tree (``sim.kinetics.dialect``):
laws outside the dialect are refused with file, function, line and rule, before anything is
compiled; inside it, only the derivative writes and the ``*_like`` constants change."""

from __future__ import annotations

import ast
import inspect

import pytest

from sim.kinetics import dialect, signalling, tissues
from sim.kinetics.dialect import DialectError

SIG = inspect.getsource(signalling)
TIS = inspect.getsource(tissues)


def _per_cell(sig: str = SIG, tis: str = TIS, python: bool = False) -> dialect.PerCellLaws:
    return dialect.per_cell(sig, tis, python=python, sig_module=None if python else "sig_copy")


def test_the_laws_are_found_from_the_entry_points():
    laws = _per_cell()
    assert {"muscle_rhs", "liver_rhs", "adipose_rhs", "glut4_translocation"} <= set(
        laws.tissues_laws
    )
    assert {"insulin_receptor", "common", "socs_block_ir"} <= set(laws.signalling_laws)
    assert not {"cell_rhs", "stiffness_bound", "_top"} & set(laws.tissues_laws)


def test_only_the_laws_are_edited_and_their_expressions_keep_their_tree():
    laws = _per_cell()
    tree = ast.parse(laws.tissues)
    fns = {f.name: f for f in tree.body if isinstance(f, ast.FunctionDef)}
    # numpy-side helpers are untouched
    assert "np.empty_like" in ast.unparse(fns["cell_rhs"])
    law_text = "\n".join(ast.unparse(fns[n]) for n in laws.tissues_laws)
    assert "[:]" not in law_text and "_like(" not in law_text
    assert "import sig_copy as sig" in laws.tissues
    # every right-hand side of a derivative write is the original expression, node for node
    original = {f.name: f for f in ast.parse(TIS).body if isinstance(f, ast.FunctionDef)}
    for name in laws.tissues_laws:
        old = [ast.dump(n.value) for n in ast.walk(original[name]) if isinstance(n, ast.Assign)]
        new = [ast.dump(n.value) for n in ast.walk(fns[name]) if isinstance(n, ast.Assign)]
        assert len(old) == len(new)
        for a, b in zip(old, new, strict=True):
            if "_like" not in a:
                assert a == b


def test_python_copy_reads_max_and_min():
    laws = _per_cell(python=True)
    assert "np.maximum" not in laws.signalling and "max(" in laws.signalling
    assert "import sig_copy" not in laws.tissues  # the caller provides sig


@pytest.mark.parametrize(
    "line,rule",
    [
        ("d.akt_p[:] += 1.0", "augmented assignment"),
        ("d.akt_p = p.k * s.pi3k", "not written as d.<name>[:]"),
        ("d.akt_p[:] = np.clip(s.pi3k, 0.0, 1.0)", "np.clip is outside the dialect"),
        ("d.akt_p[:] = p.k if s.pi3k > 0 else 0.0", "Python control flow"),
        ("d.akt_p[:] = max(s.pi3k, 0.0)", "the builtin max() branches"),
        ("d.akt_p[:] = np.maximum(s.pi3k, 0.0, 1.0)", "exactly two arguments"),
        ("d.akt_p[:] = helper(s)", "calls helper(), not a rate-law function"),
    ],
)
def test_a_law_outside_the_dialect_is_refused_with_its_place(line, rule):
    """A line planted at the top of a signalling law: refused, naming file, law, line, rule."""
    src = SIG.replace(
        "    bind = p.k_ir_on * u.ins_nM * s.ir_f\n",
        f"    {line}\n    bind = p.k_ir_on * u.ins_nM * s.ir_f\n",
    )
    assert src != SIG
    lineno = src.splitlines().index(f"    {line}") + 1
    with pytest.raises(DialectError) as err:
        _per_cell(sig=src)
    msg = str(err.value)
    assert f"signalling.py, insulin_receptor(), line {lineno}: " in msg and rule in msg


def test_a_missing_entry_point_or_import_is_refused():
    with pytest.raises(DialectError, match="no rate-law entry point liver_rhs"):
        _per_cell(tis=TIS.replace("def liver_rhs(", "def liver_rhs_renamed("))
    with pytest.raises(DialectError, match="must be imported as"):
        _per_cell(
            tis=TIS.replace(
                "from sim.kinetics import signalling as sig",
                "import sim.kinetics.signalling as sig",
            )
        )
