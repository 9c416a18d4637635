"""sympy expressions as libSBML abstract syntax trees (and so MathML).

A printer we control rather than sympy's MathML printer: every number carries
``sbml:units="dimensionless"`` (the laws' literals are pure numbers: 1 - fraction, exponents,
offsets of ratios), so libSBML can check the units of every rate rule completely;
``Max``/``Min`` become ``piecewise`` (readable by every SBML Level 3 tool, unlike the
Level 3 Version 2 ``max``/``min``), as do sympy's ``Piecewise`` (branches of the body's
right-hand side) with relational conditions; products with negative powers are written as quotients.
"""

from __future__ import annotations

import libsbml
import sympy


def to_ast(expr: sympy.Expr) -> libsbml.ASTNode:
    """The libSBML AST of ``expr``; ``ValueError`` for a construct SBML math lacks."""
    if isinstance(expr, sympy.Symbol):
        node = libsbml.ASTNode(libsbml.AST_NAME)
        node.setName(expr.name)
        return node
    if expr.is_Number:
        return _number(float(expr))
    if isinstance(expr, sympy.Add):
        return _sum(expr)
    if isinstance(expr, sympy.Mul):
        return _product(expr)
    if isinstance(expr, sympy.Pow):
        base, exp = expr.args
        if exp.is_Number and float(exp) < 0:
            return _binary(libsbml.AST_DIVIDE, _number(1.0), to_ast(base ** (-exp)))
        return _binary(libsbml.AST_POWER, to_ast(base), to_ast(exp))
    if isinstance(expr, sympy.Max | sympy.Min):
        return _extremum(expr)
    if isinstance(expr, sympy.Piecewise):
        return _piecewise(expr)
    if isinstance(expr, sympy.core.relational.Relational):
        return _binary(_RELATIONS[expr.rel_op], to_ast(expr.lhs), to_ast(expr.rhs))
    if isinstance(expr, sympy.exp):
        return _unary(libsbml.AST_FUNCTION_EXP, to_ast(expr.args[0]))
    if isinstance(expr, sympy.log) and len(expr.args) == 1:
        return _unary(libsbml.AST_FUNCTION_LN, to_ast(expr.args[0]))
    if isinstance(expr, sympy.cos):
        return _unary(libsbml.AST_FUNCTION_COS, to_ast(expr.args[0]))
    raise ValueError(f"no SBML math for {type(expr).__name__}: {expr}")


_RELATIONS = {
    ">": libsbml.AST_RELATIONAL_GT,
    ">=": libsbml.AST_RELATIONAL_GEQ,
    "<": libsbml.AST_RELATIONAL_LT,
    "<=": libsbml.AST_RELATIONAL_LEQ,
}


def _unary(kind: int, a: libsbml.ASTNode) -> libsbml.ASTNode:
    node = libsbml.ASTNode(kind)
    node.addChild(a)
    return node


def _piecewise(expr: sympy.Piecewise) -> libsbml.ASTNode:
    """``piecewise(value, condition, ..., otherwise)``; the last branch must be unconditional
    (sympy's ``(value, True)``), as the body's branches are."""
    node = libsbml.ASTNode(libsbml.AST_FUNCTION_PIECEWISE)
    *branches, (last, cond) = expr.args
    if cond is not sympy.true:
        raise ValueError(f"a piecewise without an otherwise branch: {expr}")
    for value, condition in branches:
        node.addChild(to_ast(value))
        node.addChild(to_ast(condition))
    node.addChild(to_ast(last))
    return node


def _ordered(args: tuple) -> list:
    """Terms in a stable order (sympy's canonical order), numbers last."""
    return sorted(args, key=lambda a: (a.is_Number, sympy.default_sort_key(a)))


def _number(value: float) -> libsbml.ASTNode:
    node = libsbml.ASTNode(libsbml.AST_REAL)
    node.setValue(value)
    node.setUnits("dimensionless")
    return node


def _nary(kind: int, children: list[libsbml.ASTNode]) -> libsbml.ASTNode:
    if len(children) == 1:
        return children[0]
    node = libsbml.ASTNode(kind)
    for child in children:
        node.addChild(child)
    return node


def _binary(kind: int, a: libsbml.ASTNode, b: libsbml.ASTNode) -> libsbml.ASTNode:
    node = libsbml.ASTNode(kind)
    node.addChild(a)
    node.addChild(b)
    return node


def _sum(expr: sympy.Add) -> libsbml.ASTNode:
    """Positive terms added, then negative ones subtracted: ``a + b - c - d``."""
    terms = _ordered(expr.args)
    pos = [t for t in terms if not t.could_extract_minus_sign()]
    neg = [-t for t in terms if t.could_extract_minus_sign()]
    if not pos:
        minus = libsbml.ASTNode(libsbml.AST_MINUS)
        minus.addChild(_sum_of(neg))
        return minus
    node = _sum_of(pos)
    for t in neg:
        node = _binary(libsbml.AST_MINUS, node, to_ast(t))
    return node


def _sum_of(terms: list) -> libsbml.ASTNode:
    return _nary(libsbml.AST_PLUS, [to_ast(t) for t in terms])


def _product(expr: sympy.Mul) -> libsbml.ASTNode:
    """``a*b/(c*d)``; a leading -1 becomes a unary minus."""
    coeff, factors = expr.as_coeff_mul()
    num, den = [], []
    for f in factors:
        if isinstance(f, sympy.Pow) and f.exp.is_Number and float(f.exp) < 0:
            den.append(f.base ** (-f.exp))
        else:
            num.append(f)
    negative = coeff < 0
    coeff = abs(coeff)
    top = [to_ast(f) for f in _ordered(tuple(num))]
    if coeff != 1:
        top.insert(0, _number(float(coeff)))
    node = _nary(libsbml.AST_TIMES, top) if top else _number(1.0)
    if den:
        node = _binary(libsbml.AST_DIVIDE, node, _nary(libsbml.AST_TIMES, [to_ast(f) for f in den]))
    if negative:
        minus = libsbml.ASTNode(libsbml.AST_MINUS)
        minus.addChild(node)
        node = minus
    return node


def _extremum(expr: sympy.Max | sympy.Min) -> libsbml.ASTNode:
    """max(a, b, ...) as piecewise(a, a >= rest..., max(rest)); min likewise with <=."""
    args = _ordered(expr.args)
    first, rest = args[0], args[1:]
    other = rest[0] if len(rest) == 1 else type(expr)(*rest)
    node = libsbml.ASTNode(libsbml.AST_FUNCTION_PIECEWISE)
    node.addChild(to_ast(first))
    test = libsbml.AST_RELATIONAL_GEQ if isinstance(expr, sympy.Max) else libsbml.AST_RELATIONAL_LEQ
    node.addChild(_binary(test, to_ast(first), to_ast(other)))
    node.addChild(to_ast(other))
    return node
