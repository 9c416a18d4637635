"""The body follows the cells (issue 26 item 5): composition from the agents, fed back into
the whole-body model through its geometry.

Fat mass and visceral fat are the sums over the adipocyte agents (:meth:`AdiposePool.fat_kg`),
lean mass the fibres' muscle plus the fixed non-muscle lean mass
(:meth:`MuscleRemodeller.lean_kg`; fixed without muscle remodelling), liver fat the mean
over the hepatocyte agents (:class:`HepaticLipid`). At every slow step they set, relative to
the start:

- **extracellular water**, the glucose and GH distribution volumes: (lean + ``w_fat_ecw`` x
  fat) over its starting value (the glucose space is the extracellular water, ~0.19 L/kg;
  fat carries little water: Waki 1991, Wang 1999);
- **plasma volume**, the insulin, FFA and TNF-alpha distribution volumes: lean mass over its
  starting value (blood volume is proportional to lean body mass, the strongest of its
  predictors, with the same volume per kg lean mass in men, women and athletes: Oberholzer
  2024, Am J Hematol 99:88, 105-111 mL/kg lean mass, R^2 0.72);
- **insulin clearance**, systemic (``k_ins_clear``) and first-pass hepatic extraction alike,
  x (1 + w L0) / (1 + w L) with liver fat L (``w_liver_fat_ins_clear``; Kotronen 2007:
  insulin clearance falls with liver fat independent of BMI). Visceral fat acts through the
  liver fat it feeds (portal FFA), not as a term of its own. The hepatocytes' sinusoidal
  insulin profile follows the new extraction.

Clearance rate constants are kept, so the clearance of a hormone in volume per minute scales
with its volume (insulin clearance per kg of fat-free mass, Kotronen 2007). When a volume
changes the amount in it is kept (the concentration steps by old / new volume: < 0.1 % a
day), so whole-body glucose mass balance holds in amounts
(:func:`sim.runner.glucose_balance_error`).
"""

from __future__ import annotations

import dataclasses
import math
from types import SimpleNamespace

import numpy as np

from sim.kinetics import body as bk


@dataclasses.dataclass(frozen=True)
class Composition:
    """Whole-body composition from the agents: kg, and liver fat in % of liver weight (NaN:
    hepatocyte lipid not remodelled)."""

    fat_kg: float
    visceral_kg: float
    lean_kg: float
    liver_fat_pct: float


def extracellular_water(c: Composition, rp: SimpleNamespace) -> float:
    """Extracellular water in kg-of-lean-mass equivalents: lean + ``w_fat_ecw`` x fat."""
    return c.lean_kg + rp.w_fat_ecw * c.fat_kg


def clearance_factor(liver_fat_pct: float, liver_fat0_pct: float, rp: SimpleNamespace) -> float:
    """Insulin clearance relative to the start for liver fat ``liver_fat_pct`` (Kotronen 2007;
    1 when either is NaN: no hepatocyte lipid)."""
    if math.isnan(liver_fat_pct) or math.isnan(liver_fat0_pct):
        return 1.0
    w = rp.w_liver_fat_ins_clear
    return (1.0 + w * liver_fat0_pct) / (1.0 + w * max(liver_fat_pct, 0.0))


def liver_attenuation(atten0: np.ndarray, he0: float, he: float) -> np.ndarray:
    """Sinusoidal insulin at each hepatocyte for first-pass extraction ``he``, from the
    profile ``atten0`` at ``he0``: each cell extracts the same fraction of what reaches it
    (:func:`sim.graph._liver`), so atten = (1 - he)^(k / cells per sinusoid) and the new
    profile is atten0 ** (ln(1 - he) / ln(1 - he0))."""
    if he0 <= 0.0 or he0 >= 1.0:
        return atten0
    return atten0 ** (math.log1p(-he) / math.log1p(-he0))


class BodyFeedback:
    """Holds the starting composition and geometry; :meth:`geometry` gives the geometry for
    the composition now."""

    def __init__(self, c0: Composition, geo0: bk.Geometry, rp: SimpleNamespace) -> None:
        self.c0, self.rp = c0, rp
        self.ecw0 = extracellular_water(c0, rp)
        self.he0 = float(geo0.hepatic_extraction)
        self.atten0 = np.asarray(geo0.liver_atten, dtype=float).copy()
        self.now = c0

    def factors(self, c: Composition) -> dict[str, float]:
        """Relative extracellular water, plasma volume and insulin clearance for ``c``."""
        return {
            "v_ecw": extracellular_water(c, self.rp) / self.ecw0,
            "v_plasma": c.lean_kg / self.c0.lean_kg,
            "ins_clear": clearance_factor(c.liver_fat_pct, self.c0.liver_fat_pct, self.rp),
        }

    def geometry(self, geo: bk.Geometry, c: Composition) -> bk.Geometry:
        """``geo`` with the volumes, insulin clearance, hepatic extraction and sinusoidal
        insulin profile of composition ``c``."""
        self.now = c
        f = self.factors(c)
        he = self.he0 * f["ins_clear"]
        return dataclasses.replace(
            geo,
            hepatic_extraction=he,
            liver_atten=liver_attenuation(self.atten0, self.he0, he),
            **f,
        )


def rescale_amounts(x: np.ndarray, old: bk.Geometry, new: bk.Geometry) -> None:
    """Keep the amount of every species with a distribution volume when the volume changes
    from ``old`` to ``new`` (in place; the state is amount / relative volume)."""
    for name, field in bk.VOLUME_OF.items():
        a, b = getattr(old, field), getattr(new, field)
        if a != b:
            x[bk.IDX[name]] *= a / b
