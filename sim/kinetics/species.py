"""The state variables of each cell type, declared once by name.

Every cell of a tissue carries one column of a ``(n_species, n_cells)`` array whose rows are
ordered as declared here. Kinetics address rows through :class:`StateView` by name.
"""

from __future__ import annotations

from sim.types import FloatArray, Species

F = "fraction"

_RECEPTOR = (
    Species("ir_f", F, "insulin receptor, free at the surface", 1.0, "ir"),
    Species("ir_b", F, "insulin receptor, insulin-bound, not yet autophosphorylated", 0.0, "ir"),
    Species("ir_p", F, "insulin receptor, bound and tyrosine-autophosphorylated (IR-P)", 0.0, "ir"),
    Species("ir_i", F, "insulin receptor, internalised in endosomes (recycling)", 0.0, "ir"),
    Species("irs1_u", F, "IRS-1, unmodified (of the basal IRS-1 pool)", 0.9),
    Species("irs1_py", F, "IRS-1, tyrosine-phosphorylated (IRS-1-pY)", 0.0),
    Species("irs1_ps", F, "IRS-1, inhibitory serine-phosphorylated (IRS-1-pS)", 0.1),
    Species("pi3k", F, "class IA PI3K recruited to IRS-1-pY, with PIP3 (lumped)", 0.0),
    Species("akt_p", F, "Akt phosphorylated at T308/S473", 0.0),
    Species("ghr_f", F, "GH receptor, free surface dimer", 1.0, "ghr"),
    Species("ghr_jak2", F, "GH-bound GHR with active JAK2", 0.0, "ghr"),
    Species("ghr_i", F, "GH receptor, internalised / being resynthesised", 0.0, "ghr"),
    Species("stat5_p", F, "STAT5 tyrosine-phosphorylated (pSTAT5)", 0.0),
    Species("socs1_m", F, "SOCS1 mRNA (relative to full induction)", 0.0),
    Species("socs1", F, "SOCS1 protein (relative to full induction)", 0.0),
    Species(
        "socs3_m1",
        "relative",
        "SOCS3 primary transcript (delay stage 1; k_socs3_mdeg/k_socs3_tr x its drive at "
        "steady state, so not bounded by 1)",
        0.0,
    ),
    Species(
        "socs3_m2",
        "relative",
        "SOCS3 mature mRNA (delay stage 2; 1 = full induction by pSTAT5, which NF-kB "
        "co-induction can exceed)",
        0.0,
    ),
    Species(
        "socs3",
        "relative",
        "SOCS3 protein (1 = full induction by pSTAT5, which NF-kB co-induction can exceed)",
        0.0,
    ),
    Species("lcfa", "relative", "intracellular long-chain acyl-CoA (1 = fasting level)", 1.0),
    Species("dag", "relative", "DAG/ceramide derived from FFA (1 = fasting level)", 1.0),
    Species("pkc", F, "novel PKC (theta in muscle, epsilon in liver) active", 0.0),
    Species("nfkb", F, "IKK-beta/NF-kB active (nuclear NF-kB)", 0.0),
    Species("amp_atp", "relative", "AMP:ATP ratio relative to rest", 1.0),
    Species("ampk_p", F, "AMPK alpha phosphorylated at T172", 0.0),
)

_ACCUMULATORS = (
    Species("cum_glc", "mg/kg tissue", "glucose taken up during the current step", 0.0),
)

MUSCLE: tuple[Species, ...] = (
    *_RECEPTOR,
    Species("glut4_pm", F, "GLUT4 at the plasma membrane / T-tubules", 0.03),
    Species(
        "glycogen",
        F,
        "glycogen, fraction of this fibre's capacity (0.815: the overnight-fasted value the "
        "model reached at t = 0 before the fasted fibre stopped storing glucose)",
        0.815,
    ),
    Species("glut4_content", "relative", "GLUT4 protein content (1 = untrained)", 1.0),
    Species("mito", "relative", "mitochondrial density (1 = untrained)", 1.0),
    Species("ampk_content", "relative", "AMPK alpha2 protein (1 = untrained)", 1.0),
    Species("pgc1a", "relative", "PGC-1alpha training signal (integrated AMPK activity)", 0.0),
    Species(
        "pdk4_m",
        "relative",
        "PDK4 mRNA induced by pSTAT5 with the fatty-acid signal (units of pSTAT5 x acyl-CoA)",
        0.0,
    ),
    Species("pdk4", "relative", "PDK4 protein (units of its mRNA at steady state)", 0.0),
    Species("tbc1d4_p", F, "TBC1D4 (AS160) phosphorylated at its AMPK site by exercise", 0.0),
    Species(
        "tbc1d4_prime",
        F,
        "insulin sensitisation in effect after exercise (develops behind TBC1D4 "
        "phosphorylation; primes insulin-stimulated GLUT4 translocation and glycogen synthase)",
        0.0,
    ),
    *_ACCUMULATORS,
)

LIVER: tuple[Species, ...] = (
    *_RECEPTOR,
    Species("foxo1", F, "FOXO1 in the nucleus (active)", 0.6),
    Species(
        "pepck",
        "relative",
        "PEPCK expression (gluconeogenic capacity; 1 = FOXO1-maximal at reference cortisol, "
        "exceeded under glucocorticoid excess)",
        0.6,
    ),
    Species(
        "glycogen",
        F,
        "glycogen, fraction of hepatocyte capacity (starts near full, ~5 h after the evening "
        "meal: the fasting warm-up before t = 0 stands for the rest of the night)",
        0.75,
    ),
    Species("hgo_restraint", F, "insulin restraint of glycogenolysis (delayed action)", 0.45),
    Species(
        "camp",
        "relative",
        "glucagon-receptor / beta2-adrenergic cAMP-PKA activity (receptor occupancy scaled "
        "by zonation, plus adrenergic drive: not bounded by 1)",
        0.35,
    ),
    Species(
        "gk",
        "relative",
        "glucokinase expression (1 = overnight-fasted and fed level; a longer fast and "
        "glucagon lower it, insulin restores it)",
        1.0,
    ),
    Species("igf1_m", F, "IGF-1 mRNA (relative to full induction)", 0.3),
    *_ACCUMULATORS,
    Species("cum_egp", "mg/kg tissue", "glucose released during the current step", 0.0),
    Species("cum_gng", "mg/kg tissue", "glucose from gluconeogenesis during the current step", 0.0),
)

ADIPOSE: tuple[Species, ...] = (
    *_RECEPTOR,
    Species("glut4_pm", F, "GLUT4 at the plasma membrane", 0.03),
    Species("gh_lipo_m", F, "GH lipolytic transcripts (STAT5 targets: FSP27/G0S2 down)", 0.0),
    Species("gh_lipo_p", F, "GH lipolytic proteins being made and turned over", 0.0),
    Species("gh_lipo", F, "GH lipolytic programme (PDE3B loss / ATGL gain)", 0.0),
    Species("hsl", F, "hormone-sensitive lipase, active (phosphorylated)", 0.1),
    *_ACCUMULATORS,
    Species("cum_ffa_out", "umol/kg tissue", "FFA released during the current step", 0.0),
    Species("cum_tnf", "pg/kg tissue", "TNF-alpha secreted during the current step", 0.0),
)

TISSUE_SPECIES: dict[str, tuple[Species, ...]] = {
    "muscle": MUSCLE,
    "liver": LIVER,
    "adipose": ADIPOSE,
}
TISSUES: tuple[str, ...] = tuple(TISSUE_SPECIES)

ACCUMULATOR_NAMES = frozenset(
    s.name for sp in TISSUE_SPECIES.values() for s in sp if s.name.startswith("cum_")
)


def index(tissue: str) -> dict[str, int]:
    """Row index of each species of ``tissue``."""
    return {s.name: i for i, s in enumerate(TISSUE_SPECIES[tissue])}


MOIETY_TOTALS: dict[str, str] = {"ir": "expr_ir", "ghr": "expr_ghr"}
"""The parameter that is each conserved moiety's total per cell (1 in the wild type; a
``knockout`` of the receptor lowers it). A species declaring a ``conserved_group`` needs an
entry here (``tests/test_engine.py`` checks every group against its total)."""


def moiety_total(group: str) -> str:
    """The parameter holding the total of conserved moiety ``group``."""
    try:
        return MOIETY_TOTALS[group]
    except KeyError:
        raise KeyError(
            f"conserved group {group!r} has no total: add it to MOIETY_TOTALS in "
            "sim/kinetics/species.py (the parameter that is its total per cell)"
        ) from None


def conserved_groups(tissue: str) -> dict[str, list[int]]:
    """Rows whose sum is a fixed total (:func:`moiety_total`), by moiety name."""
    groups: dict[str, list[int]] = {}
    for i, s in enumerate(TISSUE_SPECIES[tissue]):
        if s.conserved_group:
            groups.setdefault(s.conserved_group, []).append(i)
    return groups


def node_names(tissue: str) -> list[str]:
    """Pathway nodes reported in outputs: every species that is not an accumulator."""
    return [s.name for s in TISSUE_SPECIES[tissue] if s.name not in ACCUMULATOR_NAMES]


class StateView:
    """Named, zero-copy access to the rows of a tissue state array.

    ``StateView(y, idx).akt_p`` is ``y[idx["akt_p"]]``: a view, so writes go to ``y``.
    With ``ordered`` (``idx`` names every row of a 2-D ``y`` in order, as a tissue's
    :func:`index` does) all row views are made at once by iterating ``y`` and stored on the
    instance, so a rate law pays for a plain attribute lookup only; otherwise each view is
    made and kept at its first access through ``__getattr__`` (~0.5 us each; a right-hand
    side reads ~60 rows of each view, and at small blocks this Python overhead, not
    arithmetic, is the cost).
    """

    def __init__(self, y: FloatArray, idx: dict[str, int], ordered: bool = False) -> None:
        self._y = y
        self._idx = idx
        if ordered:
            self.__dict__.update(zip(idx, y, strict=True))

    def __getattr__(self, name: str) -> FloatArray:
        try:
            row = self._y[self._idx[name]]
        except KeyError:
            raise AttributeError(name) from None
        self.__dict__[name] = row
        return row
