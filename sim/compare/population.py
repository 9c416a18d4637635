"""Virtual population: between-subject variation of physiologically named traits.

A virtual subject is the phenotype preset (``sim.parameters.PHENOTYPES``) with each trait
below scaled by its own log-normal factor, median 1 (so the typical subject *is* the preset)
and coefficient of variation ``cv`` taken from human between-subject data. A trait acts on
one or several model parameters at once: a subject with few insulin receptors has few in
every tissue (the cited measurements are on circulating cells or one muscle; the same factor
in every tissue is this module's assumption). Values are kept inside each ``Param``'s
declared range. Traits are drawn independently (the known correlations, e.g. visceral fat
with insulin resistance, are not imposed; see docs/compare.md).

Subject ``i`` of population seed ``s`` depends only on ``(s, i)``: adding replicates keeps
the earlier subjects, and the same subject (parameters and run seed, hence the same cell
heterogeneity and GH pulse train) appears in every arm of a comparison (a paired design).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np

from sim.parameters import PHENOTYPES, all_params


@dataclass(frozen=True)
class Trait:
    """A between-subject trait: which parameters it scales, how much it varies, and why.

    Attributes:
        name: physiological name (a column ``trait.<name>`` of results.parquet).
        targets: dotted parameter names (``muscle.glut4_total``) or subject keys
            (``subject.body_mass_kg``) scaled by the subject's factor.
        cv: between-subject coefficient of variation of the factor.
        source: where the CV comes from.
    """

    name: str
    targets: tuple[str, ...]
    cv: float
    source: str


TRAITS: tuple[Trait, ...] = (
    Trait(
        "insulin_receptor_content",
        ("muscle.k_ir_on", "liver.k_ir_on", "adipose.k_ir_on"),
        0.30,
        "insulin binding to mononuclear leukocytes of 21 healthy adults 1.92 +/- 0.58 % "
        "(CV 0.30; Beck-Nielsen, 'The insulin receptor in normal and obese persons'); "
        "k_ir_on lumps receptor number x affinity",
    ),
    Trait(
        "irs1_signalling",
        ("muscle.k_irs1_py", "liver.k_irs1_py", "adipose.k_irs1_py"),
        0.50,
        "IR kinase -> IRS-1 capacity; no population CV published: calibrated so that the "
        "population's clamp M-value (100 uU/mL, 16 healthy subjects) has CV 0.36 and a "
        "top/bottom quartile-mean ratio of 2.55, against ~0.34 and 2.49 (349/140 mg/m2/min) "
        "in 100 normoglycaemic adults, Hollenbeck & Reaven 1987 (JCEM 64:1169)",
    ),
    Trait(
        "glut4_content",
        ("muscle.glut4_total", "adipose.glut4_total"),
        0.25,
        "muscle GLUT4 protein tracks clamp glucose disposal (r = 0.77, Diabetologia 1991; "
        "34:763) and is 21 % higher in athletes than sedentary men (Acta Physiol Scand "
        "1993;149:393); CV of that order (no population CV found)",
    ),
    Trait(
        "type_I_fibre_fraction",
        ("muscle.type_I_fraction",),
        0.30,
        "vastus lateralis type I proportion 15-85 %, CV ~30 % in 418 biopsies; "
        "Simoneau & Bouchard 1989 (Am J Physiol 257:E567)",
    ),
    Trait(
        "fat_fraction",
        ("body.fat_fraction",),
        0.30,
        "body fat percentage of healthy adults, SD of ~6 points around ~20 %; order of "
        "magnitude of DXA reference cohorts (no single cohort cited)",
    ),
    Trait(
        "visceral_share",
        ("body.visceral_fraction",),
        0.50,
        "visceral fat mass 542 +/- 451 g in healthy men (CV 0.83; Miazgowski 2017, PLoS One "
        "12:e0180614), of "
        "which the total-fat part is drawn by fat_fraction; the remaining visceral/total "
        "share set to CV 0.5",
    ),
    Trait(
        "beta_cell_capacity",
        ("body.beta_capacity",),
        0.35,
        "acute insulin response varies several-fold among normoglycaemic adults along the "
        "Si x AIRg hyperbola (Utzschneider 2006, Diabetes Care 29:356); order of magnitude",
    ),
    Trait(
        "gh_pulse_mass",
        ("body.gh_pulse_ug_kg",),
        0.50,
        "24-h GH secretion varies several-fold with age, sex and BMI in 130 healthy adults "
        "(Neuroendocrinology 2016;103:335); within-subject CV alone 35 % over a year "
        "(24-h profiles, 6 men, Oxford); between-subject set to 0.5",
    ),
    Trait(
        "body_mass",
        ("subject.body_mass_kg",),
        0.15,
        "adult body mass SD ~15 % of the mean within a normal-weight range (order of "
        "magnitude); obesity is the `obese` phenotype, not this spread",
    ),
    Trait(
        "height",
        ("subject.height_cm",),
        0.04,
        "adult height SD ~7 cm at ~175 cm (CV 0.04); anthropometric reference data",
    ),
)
TRAIT_NAMES = tuple(t.name for t in TRAITS)
SUBJECT_DEFAULTS = {"body_mass_kg": 75.0, "height_cm": 175.0}
SUBJECT_BOUNDS = {"body_mass_kg": (20.0, 400.0), "height_cm": (100.0, 230.0)}


@dataclass(frozen=True)
class VirtualSubject:
    """One virtual subject: the same in every arm.

    Attributes:
        index: position in the population (0-based).
        seed: run seed of this subject in every arm (cells, GH pulse train).
        factors: trait name -> multiplicative factor (median 1).
        parameters: dotted parameter overrides (scenario ``parameters:``).
        subject: scenario ``subject:`` keys (phenotype, body mass, height).
    """

    index: int
    seed: int
    factors: dict[str, float] = field(default_factory=dict)
    parameters: dict[str, float] = field(default_factory=dict)
    subject: dict[str, Any] = field(default_factory=dict)

    def row(self) -> dict[str, Any]:
        """Flat record for results.parquet: factors and every drawn value."""
        out: dict[str, Any] = {"subject": self.index, "subject_seed": self.seed}
        out.update({f"trait.{k}": v for k, v in self.factors.items()})
        out.update({f"parameters.{k}": v for k, v in self.parameters.items()})
        out.update({f"subject.{k}": v for k, v in self.subject.items() if k != "phenotype"})
        return out


def lognormal_sigma(cv: float) -> float:
    """Log-scale SD of a log-normal with coefficient of variation ``cv``."""
    return math.sqrt(math.log1p(cv * cv))


def subject_seed(population_seed: int, index: int) -> int:
    """Run seed of subject ``index`` (63 bits, from a ``SeedSequence``)."""
    state = np.random.SeedSequence([population_seed, index, 1]).generate_state(1, np.uint64)
    return int(state[0]) >> 1


@lru_cache(maxsize=1)
def _params() -> dict[str, Any]:
    return all_params()


def _centre(target: str, phenotype: str, subject: dict[str, Any]) -> tuple[float, float, float]:
    if target.startswith("subject."):
        key = target.split(".", 1)[1]
        lo, hi = SUBJECT_BOUNDS[key]
        return float(subject.get(key, SUBJECT_DEFAULTS[key])), lo, hi
    param = _params()[target]
    centre = PHENOTYPES[phenotype].get(target, param.value)
    return float(centre), *param.bounds


def draw_subject(
    index: int,
    population_seed: int,
    phenotype: str = "healthy",
    cv_scale: float = 1.0,
    traits: tuple[Trait, ...] = TRAITS,
    subject: dict[str, Any] | None = None,
) -> VirtualSubject:
    """Draw subject ``index``: one log-normal factor per trait, clipped to parameter ranges.

    Args:
        index: subject number; the draw depends only on (population_seed, index).
        population_seed: the population's seed.
        phenotype: preset giving the centre (median) of every trait.
        cv_scale: multiplies every CV (0 gives identical subjects; 1 the literature CVs).
        traits: traits to vary (default: all of ``TRAITS``).
        subject: base ``subject:`` keys (body mass, height) used as centres.
    """
    base = dict(subject or {})
    rng = np.random.default_rng(np.random.SeedSequence([population_seed, index, 0]))
    z = rng.standard_normal(len(TRAITS))  # one normal per catalogue trait: stable draws
    by_name = {t.name: k for k, t in enumerate(TRAITS)}
    factors: dict[str, float] = {}
    params: dict[str, float] = {}
    subj: dict[str, Any] = {**base, "phenotype": phenotype}
    for trait in traits:
        factor = math.exp(lognormal_sigma(trait.cv * cv_scale) * z[by_name[trait.name]])
        factors[trait.name] = factor
        for target in trait.targets:
            centre, lo, hi = _centre(target, phenotype, base)
            value = float(min(max(centre * factor, lo), hi))
            if target.startswith("subject."):
                subj[target.split(".", 1)[1]] = round(value, 6)
            else:
                params[target] = round(value, 9)
    return VirtualSubject(index, subject_seed(population_seed, index), factors, params, subj)


def draw_population(
    n: int,
    population_seed: int,
    phenotype: str = "healthy",
    cv_scale: float = 1.0,
    trait_names: list[str] | None = None,
    subject: dict[str, Any] | None = None,
) -> list[VirtualSubject]:
    """``n`` virtual subjects (see :func:`draw_subject`); ``trait_names`` selects traits."""
    chosen = TRAITS if trait_names is None else tuple(t for t in TRAITS if t.name in trait_names)
    return [
        draw_subject(i, population_seed, phenotype, cv_scale, chosen, subject) for i in range(n)
    ]


def varied_keys(trait_names: list[str] | None = None) -> set[str]:
    """Dotted keys the population sets (``parameters.*`` names and ``subject.*`` keys)."""
    chosen = TRAITS if trait_names is None else [t for t in TRAITS if t.name in trait_names]
    return {target for t in chosen for target in t.targets}
