"""Unit strings of the parameter and species tables as SBML unit definitions.

The tables write units as products and quotients of a small vocabulary (``1/(nM*min)``,
``umol/(kg*min*mM)``, ``mg/kg tissue``); :func:`parse` turns one into base-unit exponents
and a numeric factor, :func:`unit_id` names it, :func:`add_definition` writes the SBML
``UnitDefinition``. Dimensionless words (``fraction``, ``relative``, ``VO2max``, ``1``) map
to SBML's ``dimensionless``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

DIMENSIONLESS_WORDS = frozenset({"1", "fraction", "relative", "VO2max", "dimensionless"})
"""Units that are ratios (a fraction of a total, relative to a reference, of VO2max)."""

#: symbol -> (SBML base kind, exponent, factor to the base unit)
VOCABULARY: dict[str, tuple[tuple[str, int, float], ...]] = {
    "min": (("second", 1, 60.0),),
    "h": (("second", 1, 3600.0),),
    "s": (("second", 1, 1.0),),
    "kg": (("kilogram", 1, 1.0),),
    "g": (("kilogram", 1, 1e-3),),
    "mg": (("kilogram", 1, 1e-6),),
    "ug": (("kilogram", 1, 1e-9),),
    "ng": (("kilogram", 1, 1e-12),),
    "pg": (("kilogram", 1, 1e-15),),
    "L": (("litre", 1, 1.0),),
    "dL": (("litre", 1, 0.1),),
    "cm": (("metre", 1, 0.01),),
    "day": (("second", 1, 86400.0),),
    # insulin's International Unit: an amount of the hormone (1 uU/mL = 6 pmol/L,
    # sim.units.PMOL_PER_UU_INSULIN), kept a unit of its own (SBML "item") as the tables
    # keep it
    "uU": (("item", 1, 1e-6),),
    "mL": (("litre", 1, 1e-3),),
    "mol": (("mole", 1, 1.0),),
    "mmol": (("mole", 1, 1e-3),),
    "umol": (("mole", 1, 1e-6),),
    "pmol": (("mole", 1, 1e-12),),
    "M": (("mole", 1, 1.0), ("litre", -1, 1.0)),
    "mM": (("mole", 1, 1e-3), ("litre", -1, 1.0)),
    "uM": (("mole", 1, 1e-6), ("litre", -1, 1.0)),
    "nM": (("mole", 1, 1e-9), ("litre", -1, 1.0)),
}
_TOKEN = re.compile(r"\s*([A-Za-z0-9]+|[*/()])")


@dataclass(frozen=True)
class Unit:
    """A unit as base-kind exponents times a factor (``1e-9 * mole * litre^-1`` for nM)."""

    exponents: tuple[tuple[str, int], ...]
    factor: float

    @property
    def dimensionless(self) -> bool:
        return not self.exponents and math.isclose(self.factor, 1.0)


def parse(text: str) -> Unit:
    """The :class:`Unit` of a table's unit string; ``ValueError`` naming an unknown symbol."""
    text = text.replace(" tissue", "").strip()  # "mg/kg tissue": per kg of the cell's tissue
    if text in DIMENSIONLESS_WORDS:
        return Unit((), 1.0)
    tokens = _TOKEN.findall(text)
    if "".join(tokens) != text.replace(" ", ""):
        raise ValueError(f"unit {text!r}: cannot read it")
    exps: dict[str, int] = {}
    factor, pos = _product(tokens, 0, 1, exps, text)
    if pos != len(tokens):
        raise ValueError(f"unit {text!r}: unexpected {tokens[pos]!r}")
    return Unit(tuple(sorted((k, e) for k, e in exps.items() if e)), factor)


def _product(tokens: list[str], pos: int, sign: int, exps: dict[str, int], text: str):
    """Read ``a*b/c...`` from ``pos`` with overall exponent sign ``sign``."""
    factor, pos = _factor(tokens, pos, sign, exps, text)
    while pos < len(tokens) and tokens[pos] in "*/":
        op = tokens[pos]
        f, pos = _factor(tokens, pos + 1, sign if op == "*" else -sign, exps, text)
        factor *= f
    return factor, pos


def _factor(tokens: list[str], pos: int, sign: int, exps: dict[str, int], text: str):
    if pos >= len(tokens):
        raise ValueError(f"unit {text!r}: ends too early")
    tok = tokens[pos]
    if tok == "(":
        factor, pos = _product(tokens, pos + 1, sign, exps, text)
        if pos >= len(tokens) or tokens[pos] != ")":
            raise ValueError(f"unit {text!r}: unbalanced parentheses")
        return factor, pos + 1
    if tok == "1":
        return 1.0, pos + 1
    if tok not in VOCABULARY:
        raise ValueError(f"unit {text!r}: unknown symbol {tok!r} (known: {sorted(VOCABULARY)})")
    factor = 1.0
    for kind, e, f in VOCABULARY[tok]:
        exps[kind] = exps.get(kind, 0) + sign * e
        factor *= f ** (sign * e)
    return factor, pos + 1


def unit_id(text: str) -> str:
    """An SBML identifier for the unit string (``dimensionless`` for ratios)."""
    if parse(text).dimensionless:
        return "dimensionless"
    t = text.replace(" tissue", "").strip()
    t = t.replace("(", "").replace(")", "").replace("*", "_").replace("/", "_per_")
    return "u_" + re.sub(r"\W", "_", t)


def add_definition(model, text: str) -> str:  # noqa: ANN001 - a libsbml.Model
    """Add the ``UnitDefinition`` of ``text`` to ``model`` (once) and return its id.

    The factor goes on the first base unit as its multiplier raised to 1/exponent (so
    ``nM`` is ``(1e-9 mole) * litre^-1``); a factor left with no base unit (``umol/mM``
    cancels the mole) goes on a ``dimensionless`` unit.
    """
    uid = unit_id(text)
    if uid == "dimensionless" or model.getUnitDefinition(uid) is not None:
        return uid
    unit = parse(text)
    ud = model.createUnitDefinition()
    ud.setId(uid)
    ud.setName(text)
    factor = unit.factor
    for i, (kind, exp) in enumerate(unit.exponents):
        u = ud.createUnit()
        u.setKind(_kind(kind))
        u.setExponent(exp)
        u.setScale(0)
        u.setMultiplier(factor ** (1.0 / exp) if i == 0 else 1.0)
    if not unit.exponents and not math.isclose(factor, 1.0):
        u = ud.createUnit()
        u.setKind(_kind("dimensionless"))
        u.setExponent(1)
        u.setScale(0)
        u.setMultiplier(factor)
    return uid


def _kind(name: str) -> int:
    import libsbml

    return libsbml.UnitKind_forName(name)
