"""The rate-law dialect (docs/rate_laws.md), checked and turned into per-cell source on the AST.

The per-cell back ends (the compiled kernel and the plain-Python per-agent kernel of
:mod:`sim.kinetics.compiled`) run the very functions of :mod:`sim.kinetics.signalling` and
:mod:`sim.kinetics.tissues` on numbers instead of arrays over cells. This module makes that
copy from the syntax tree of the two modules, not from their text:

1. The laws are found by what the entry points (``muscle_rhs``, ``liver_rhs``,
   ``adipose_rhs``) call: functions of ``tissues`` called by name, and ``sig.<name>``
   functions of ``signalling``, transitively. The other functions of the modules
   (``cell_rhs``, ``BoundRHS``, ``stiffness_bound`` ...) are numpy-side helpers and are left
   as they are.
2. Every law is checked against the dialect (:func:`problems`); anything outside it raises
   :class:`DialectError` naming the file, line, function and rule, before anything is
   compiled.
3. In the laws only, ``d.<name>[:] = e`` becomes ``d.<name> = e`` (a record field),
   ``np.ones_like(x)`` / ``np.zeros_like(x)`` become ``1.0`` / ``0.0``, and for the
   interpreter ``np.maximum`` / ``np.minimum`` become ``max`` / ``min``; ``tissues``' import of
   the shared laws names the per-cell copy of ``signalling``. Nothing else changes: the
   expressions keep their tree, so every floating-point operation is the one the numpy path
   does, in the same order (``ast.unparse`` writes the tree back with the parentheses it
   needs).
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

ENTRY_POINTS: dict[str, str] = {
    "muscle": "muscle_rhs",
    "liver": "liver_rhs",
    "adipose": "adipose_rhs",
}
"""Tissue -> its right-hand-side function in ``sim.kinetics.tissues``."""
NUMPY: frozenset[str] = frozenset({"maximum", "minimum", "ones_like", "zeros_like"})
"""The numpy functions a law may call (rule 3)."""
SIG_MODULE = "sim.kinetics"
SIG_NAME = "signalling"
SIG_ALIAS = "sig"
"""``tissues`` imports the shared laws as ``from sim.kinetics import signalling as sig``."""
_BRANCHING = (ast.If, ast.IfExp, ast.While, ast.For, ast.Compare, ast.BoolOp, ast.Lambda)
_VALUE_BUILTINS = frozenset({"min", "max", "abs", "round", "float", "int", "bool", "sum"})


class DialectError(ImportError):
    """A rate law uses a construct outside the dialect the per-cell kernels can read.

    An ``ImportError``: the compiled kernel cannot be built, as when numba is missing.
    """


@dataclass(frozen=True)
class LawModule:
    """One module of rate laws: ``name`` (``signalling`` or ``tissues``), its file (for
    messages) and its parsed source."""

    name: str
    filename: str
    tree: ast.Module

    @classmethod
    def parse(cls, name: str, source: str, filename: str = "<laws>") -> LawModule:
        return cls(name, filename, ast.parse(source, filename))

    def functions(self) -> dict[str, ast.FunctionDef]:
        return {n.name: n for n in self.tree.body if isinstance(n, ast.FunctionDef)}


def _is_d(node: ast.AST) -> bool:
    """``d.<name>`` or an index of it."""
    while isinstance(node, ast.Subscript):
        node = node.value
    return (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "d"
    )


def _is_slice_write(target: ast.AST) -> bool:
    """``d.<name>[:]``."""
    return (
        isinstance(target, ast.Subscript)
        and isinstance(target.value, ast.Attribute)
        and isinstance(target.value.value, ast.Name)
        and target.value.value.id == "d"
        and isinstance(target.slice, ast.Slice)
        and target.slice.lower is None
        and target.slice.upper is None
        and target.slice.step is None
    )


def _np_call(node: ast.AST) -> str | None:
    """``f`` of a call ``np.f(...)``, else None."""
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "np"
    ):
        return node.func.attr
    return None


def _callees(fn: ast.FunctionDef) -> tuple[set[str], set[str]]:
    """Names called directly and ``sig.<name>`` attributes called, in ``fn``."""
    local, shared = set(), set()
    for node in ast.walk(fn):
        if isinstance(node, ast.Call):
            f = node.func
            if isinstance(f, ast.Name):
                local.add(f.id)
            elif isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name):
                if f.value.id == SIG_ALIAS:
                    shared.add(f.attr)
    return local, shared


def law_functions(
    tissues: LawModule, signalling: LawModule, entry_points: Iterable[str] = ENTRY_POINTS.values()
) -> dict[str, set[str]]:
    """Law functions by module: the entry points and everything they call, transitively.

    Raises:
        DialectError: if an entry point is missing.
    """
    mods = {tissues.name: tissues.functions(), signalling.name: signalling.functions()}
    todo = []
    for name in entry_points:
        if name not in mods[tissues.name]:
            raise DialectError(f"{tissues.filename}: no rate-law entry point {name}()")
        todo.append((tissues.name, name))
    found: dict[str, set[str]] = {tissues.name: set(), signalling.name: set()}
    while todo:
        mod, name = todo.pop()
        if name in found[mod] or name not in mods[mod]:
            continue  # a call to something that is not a law function: problems() reports it
        found[mod].add(name)
        local, shared = _callees(mods[mod][name])
        todo += [(mod, n) for n in local]
        todo += [(signalling.name, n) for n in shared] if mod == tissues.name else []
    return found


def problems(
    fn: ast.FunctionDef, local_laws: set[str], shared_laws: set[str] = frozenset()
) -> list[str]:
    """Dialect violations in one law function (docs/rate_laws.md, rules 2-4).

    Args:
        fn: the function's syntax tree.
        local_laws: law functions of the same module (callable by name).
        shared_laws: law functions of ``signalling`` (callable as ``sig.<name>`` from
            ``tissues``).
    """
    bad = []
    for node in ast.walk(fn):
        line = getattr(node, "lineno", fn.lineno)
        if isinstance(node, ast.AugAssign) and _is_d(node.target):
            bad.append(f"line {line}: a derivative updated with an augmented assignment")
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if _is_d(target) and not _is_slice_write(target):
                    bad.append(f"line {line}: a derivative not written as d.<name>[:] = ...")
        if isinstance(node, _BRANCHING):
            bad.append(f"line {line}: Python control flow ({type(node).__name__})")
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            if node.value.id == "np" and node.attr not in NUMPY | {"ndarray"}:
                bad.append(f"line {line}: np.{node.attr} is outside the dialect")
            if node.value.id == SIG_ALIAS and node.attr not in shared_laws:
                bad.append(f"line {line}: sig.{node.attr} is not a law function of signalling")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            name = node.func.id
            if name in _VALUE_BUILTINS:
                bad.append(f"line {line}: the builtin {name}() branches on one number")
            elif name not in local_laws:
                bad.append(f"line {line}: calls {name}(), not a rate-law function")
        if _np_call(node) in ("maximum", "minimum") and (len(node.args) != 2 or node.keywords):
            bad.append(f"line {line}: np.{_np_call(node)} takes exactly two arguments here")
        if _np_call(node) in ("ones_like", "zeros_like") and (len(node.args) != 1 or node.keywords):
            bad.append(f"line {line}: np.{_np_call(node)} takes exactly one argument here")
    return bad


def check(modules: Mapping[str, LawModule], laws: Mapping[str, set[str]], shared: str) -> None:
    """Raise :class:`DialectError` listing every violation in the law functions."""
    found = []
    for mod_name, names in laws.items():
        module = modules[mod_name]
        functions = module.functions()
        shared_laws = laws[shared] if mod_name != shared else set()
        for name in sorted(names):
            for msg in problems(functions[name], names, shared_laws):
                found.append(f"{module.filename}, {name}(), {msg}")
    if found:
        raise DialectError(
            "rate laws outside the dialect the per-cell kernels can read (docs/rate_laws.md):\n  "
            + "\n  ".join(found)
        )


class _PerCell(ast.NodeTransformer):
    """The edits of the module docstring, applied inside one law function."""

    def __init__(self, python: bool) -> None:
        self.python = python

    def visit_Assign(self, node: ast.Assign) -> ast.AST:
        self.generic_visit(node)
        node.targets = [t.value if _is_slice_write(t) else t for t in node.targets]
        return node

    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)
        name = _np_call(node)
        if name in ("ones_like", "zeros_like"):
            return ast.copy_location(ast.Constant(1.0 if name == "ones_like" else 0.0), node)
        if self.python and name in ("maximum", "minimum"):
            node.func = ast.copy_location(
                ast.Name("max" if name == "maximum" else "min", ast.Load()), node.func
            )
        return node


def _edit_import(tree: ast.Module, filename: str, sig_module: str | None) -> None:
    """Point ``from sim.kinetics import signalling as sig`` at ``sig_module`` (or drop it
    when None: the caller sets ``sig``)."""
    for k, node in enumerate(tree.body):
        if (
            isinstance(node, ast.ImportFrom)
            and node.module == SIG_MODULE
            and [(a.name, a.asname) for a in node.names] == [(SIG_NAME, SIG_ALIAS)]
        ):
            if sig_module is None:
                tree.body[k] = ast.copy_location(ast.Pass(), node)
            else:
                tree.body[k] = ast.copy_location(
                    ast.Import([ast.alias(sig_module, SIG_ALIAS)]), node
                )
            return
    raise DialectError(
        f"{filename}: the shared laws must be imported as "
        f"'from {SIG_MODULE} import {SIG_NAME} as {SIG_ALIAS}' (docs/rate_laws.md, rule 6)"
    )


@dataclass(frozen=True)
class PerCellLaws:
    """The per-cell sources of the two law modules and the names of their law functions."""

    signalling: str
    tissues: str
    signalling_laws: tuple[str, ...]
    tissues_laws: tuple[str, ...]


def per_cell(
    signalling_source: str,
    tissues_source: str,
    *,
    python: bool,
    sig_module: str | None,
    filenames: tuple[str, str] = ("signalling.py", "tissues.py"),
) -> PerCellLaws:
    """Check the laws of both modules and return their per-cell sources.

    Args:
        signalling_source: source of :mod:`sim.kinetics.signalling`.
        tissues_source: source of :mod:`sim.kinetics.tissues`.
        python: for the interpreter (``np.maximum`` / ``np.minimum`` as ``max`` / ``min``)
            rather than numba.
        sig_module: module name the per-cell ``tissues`` imports as ``sig`` (None: the
            import is dropped and the caller provides ``sig``).
        filenames: names used in messages.

    Raises:
        DialectError: a law outside the dialect, a missing entry point or import.
    """
    sig = LawModule.parse("signalling", signalling_source, filenames[0])
    tis = LawModule.parse("tissues", tissues_source, filenames[1])
    laws = law_functions(tis, sig)
    check({"signalling": sig, "tissues": tis}, laws, "signalling")
    _edit_import(tis.tree, tis.filename, sig_module)
    edit = _PerCell(python)
    for module in (sig, tis):
        functions = module.functions()
        for name in laws[module.name]:
            edit.visit(functions[name])
        ast.fix_missing_locations(module.tree)
    return PerCellLaws(
        ast.unparse(sig.tree),
        ast.unparse(tis.tree),
        tuple(sorted(laws["signalling"])),
        tuple(sorted(laws["tissues"])),
    )


def per_cell_function_source(source: str, python: bool = False) -> str:
    """One module of law functions (every function in ``source`` is a law) checked and
    edited for one cell, as :func:`per_cell` does; for tests and for reading what the
    kernels compile."""
    module = LawModule.parse("laws", source)
    names = set(module.functions())
    check({"laws": module}, {"laws": names}, "laws")
    edit = _PerCell(python)
    for fn in module.functions().values():
        edit.visit(fn)
    ast.fix_missing_locations(module.tree)
    return ast.unparse(module.tree)
