"""What the exported names stand for: cell inputs, SBO terms and MIRIAM identifiers.

Identifiers are the human entries of UniProtKB (proteins), ChEBI (small molecules) and the
Gene Ontology (cellular components and processes) for the entity a species lumps. A state of
a protein (phosphorylated, bound, internalised) is annotated ``bqbiol:isVersionOf`` the
protein, a complex ``bqbiol:hasPart`` of its members, an mRNA ``bqbiol:encodes`` its protein;
a lumped quantity with no single identifier (an AMP:ATP ratio, a restraint) gets what it is a
version of where one exists, otherwise nothing. docs/export.md lists the table.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.kinetics import cell_inputs as declared_inputs

# UniProtKB (human)
INSR, IRS1, IRS2 = "uniprot:P06213", "uniprot:P35568", "uniprot:Q9Y4H2"
PIK3CA, PIK3R1 = "uniprot:P42336", "uniprot:P27986"
AKT1, AKT2 = "uniprot:P31749", "uniprot:P31751"
GHR, JAK2, GH1 = "uniprot:P10912", "uniprot:O60674", "uniprot:P01241"
STAT5A, STAT5B = "uniprot:P42229", "uniprot:P51692"
SOCS1, SOCS3 = "uniprot:O15524", "uniprot:O14543"
PRKCQ, PRKCE = "uniprot:Q04759", "uniprot:Q02156"
RELA, IKBKB = "uniprot:Q04206", "uniprot:O14920"
PRKAA1, PRKAA2 = "uniprot:Q13131", "uniprot:P54646"
SLC2A4, FOXO1, PCK1 = "uniprot:P14672", "uniprot:Q12778", "uniprot:P35558"
IGF1, LIPE, PPARGC1A = "uniprot:P05019", "uniprot:Q05469", "uniprot:Q9UBK2"
TNF, GCG, PDK4 = "uniprot:P01375", "uniprot:P01275", "uniprot:Q16654"
TBC1D4, GCK = "uniprot:O60343", "uniprot:P35557"
# ChEBI
INSULIN, GLUCOSE, GLYCOGEN = "CHEBI:5931", "CHEBI:17234", "CHEBI:28087"
CAMP, AMP, ATP = "CHEBI:17489", "CHEBI:16027", "CHEBI:15422"
ACYL_COA, DAG, CERAMIDE = "CHEBI:33184", "CHEBI:18035", "CHEBI:17761"
PIP3, FATTY_ACID, CORTISOL = "CHEBI:16618", "CHEBI:35366", "CHEBI:17650"
# Gene Ontology
ENDOSOME, MITOCHONDRION = "GO:0005768", "GO:0005739"
GLYCOGENOLYSIS = "GO:0005980"

PROTEIN, COMPLEX, MRNA, CHEMICAL, LUMPED = (
    "SBO:0000252",  # polypeptide chain
    "SBO:0000253",  # non-covalent complex
    "SBO:0000250",  # ribonucleic acid (libSBML 5.21 does not place SBO:0000278, mRNA)
    "SBO:0000247",  # simple chemical
    "SBO:0000285",  # material entity of unspecified nature
)


@dataclass(frozen=True)
class Identity:
    """SBO term and MIRIAM terms of one species: ``qualifier -> identifiers``."""

    sbo: str
    terms: tuple[tuple[str, tuple[str, ...]], ...] = ()


def _v(*ids: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return (("isVersionOf", ids),)


SPECIES: dict[str, Identity] = {
    "ir_f": Identity(PROTEIN, _v(INSR)),
    "ir_b": Identity(COMPLEX, (("hasPart", (INSR, INSULIN)),)),
    "ir_p": Identity(COMPLEX, (("hasPart", (INSR, INSULIN)),)),
    "ir_i": Identity(PROTEIN, (("isVersionOf", (INSR,)), ("isPartOf", (ENDOSOME,)))),
    "irs1_u": Identity(PROTEIN, _v(IRS1, IRS2)),
    "irs1_py": Identity(PROTEIN, _v(IRS1, IRS2)),
    "irs1_ps": Identity(PROTEIN, _v(IRS1, IRS2)),
    "pi3k": Identity(COMPLEX, (("hasPart", (PIK3CA, PIK3R1, PIP3)),)),
    "akt_p": Identity(PROTEIN, _v(AKT1, AKT2)),
    "ghr_f": Identity(PROTEIN, _v(GHR)),
    "ghr_jak2": Identity(COMPLEX, (("hasPart", (GHR, JAK2, GH1)),)),
    "ghr_i": Identity(PROTEIN, (("isVersionOf", (GHR,)), ("isPartOf", (ENDOSOME,)))),
    "stat5_p": Identity(PROTEIN, _v(STAT5A, STAT5B)),
    "socs1_m": Identity(MRNA, (("encodes", (SOCS1,)),)),
    "socs1": Identity(PROTEIN, _v(SOCS1)),
    "socs3_m1": Identity(MRNA, (("encodes", (SOCS3,)),)),
    "socs3_m2": Identity(MRNA, (("encodes", (SOCS3,)),)),
    "socs3": Identity(PROTEIN, _v(SOCS3)),
    "lcfa": Identity(CHEMICAL, _v(ACYL_COA)),
    "dag": Identity(CHEMICAL, (("hasPart", (DAG, CERAMIDE)),)),
    "pkc": Identity(PROTEIN, _v(PRKCQ, PRKCE)),
    "nfkb": Identity(PROTEIN, _v(RELA, IKBKB)),
    "amp_atp": Identity(LUMPED, (("hasPart", (AMP, ATP)),)),
    "ampk_p": Identity(PROTEIN, _v(PRKAA1, PRKAA2)),
    "glut4_pm": Identity(PROTEIN, _v(SLC2A4)),
    "glut4_content": Identity(PROTEIN, _v(SLC2A4)),
    "glycogen": Identity(CHEMICAL, _v(GLYCOGEN)),
    "mito": Identity(LUMPED, _v(MITOCHONDRION)),
    "ampk_content": Identity(PROTEIN, _v(PRKAA2)),
    "pgc1a": Identity(PROTEIN, _v(PPARGC1A)),
    "pdk4_m": Identity(MRNA, (("encodes", (PDK4,)),)),
    "pdk4": Identity(PROTEIN, _v(PDK4)),
    "tbc1d4_p": Identity(PROTEIN, _v(TBC1D4)),
    "tbc1d4_prime": Identity(LUMPED, _v(TBC1D4)),
    "foxo1": Identity(PROTEIN, _v(FOXO1)),
    "pepck": Identity(PROTEIN, _v(PCK1)),
    "hgo_restraint": Identity(LUMPED, _v(GLYCOGENOLYSIS)),
    "camp": Identity(CHEMICAL, _v(CAMP)),
    "gk": Identity(PROTEIN, _v(GCK)),
    "igf1_m": Identity(MRNA, (("encodes", (IGF1,)),)),
    "gh_lipo_m": Identity(LUMPED),
    "gh_lipo_p": Identity(LUMPED),
    "gh_lipo": Identity(LUMPED),
    "hsl": Identity(PROTEIN, _v(LIPE)),
}


@dataclass(frozen=True)
class CellInput:
    """An input a cell's rate laws read (``u.<name>``): unit, meaning, identifiers."""

    unit: str
    description: str
    sbo: str = "SBO:0000002"  # quantitative systems description parameter
    terms: tuple[tuple[str, tuple[str, ...]], ...] = ()


_CONC = "SBO:0000196"  # concentration of an entity pool
_ANNOTATED: dict[str, tuple[str, tuple[tuple[str, tuple[str, ...]], ...]]] = {
    "ins_nM": (_CONC, _v(INSULIN)),
    "glc_mM": (_CONC, _v(GLUCOSE)),
    "ffa_mM": (_CONC, _v(FATTY_ACID)),
    "gh_nM": (_CONC, _v(GH1)),
    "tnf_pg_ml": (_CONC, _v(TNF)),
    "glucagon_pg_ml": (_CONC, _v(GCG)),
    "cort_excess": ("SBO:0000002", _v(CORTISOL)),
}
"""SBO term and identifiers of the inputs that are concentrations of an entity."""

INPUTS: dict[str, CellInput] = {
    i.name: CellInput(i.unit, i.description, *_ANNOTATED.get(i.name, ("SBO:0000002", ())))
    for i in declared_inputs.CELL_INPUTS
}
"""Every declared cell input (sim/kinetics/cell_inputs.py) with its annotations."""


def parameter_sbo(name: str, unit: str) -> str:
    """SBO term of a parameter from its naming convention."""
    if name.startswith("k_") or unit.startswith("1/"):
        return "SBO:0000009"  # kinetic constant
    if name.startswith("km_"):
        return "SBO:0000027"  # Michaelis constant
    if name.startswith("K_"):
        return "SBO:0000193"  # equilibrium or steady-state constant
    if name.startswith("n_"):
        return "SBO:0000190"  # Hill-type coefficient
    if name.startswith("v_"):
        return "SBO:0000186"  # maximal velocity
    return "SBO:0000002"  # quantitative systems description parameter


_SBO_NAMES = {
    PROTEIN: "polypeptide chain",
    COMPLEX: "non-covalent complex",
    MRNA: "ribonucleic acid",
    CHEMICAL: "simple chemical",
    LUMPED: "material entity of unspecified nature",
    _CONC: "concentration of an entity pool",
    "SBO:0000002": "quantitative systems description parameter",
}


def _terms(terms: tuple[tuple[str, tuple[str, ...]], ...]) -> str:
    return "; ".join(
        f"{q}: " + ", ".join(f"[{i}](https://identifiers.org/{i})" for i in ids) for q, ids in terms
    )


def table() -> str:
    """The identifier table of docs/export.md (Markdown)."""
    from sim.kinetics.species import TISSUE_SPECIES

    lines = ["| species | tissues | SBO | MIRIAM (bqbiol) |", "|---|---|---|---|"]
    for name, ident in SPECIES.items():
        where = ", ".join(t for t, sp in TISSUE_SPECIES.items() if any(s.name == name for s in sp))
        lines.append(
            f"| `{name}` | {where} | {ident.sbo} {_SBO_NAMES[ident.sbo]} | {_terms(ident.terms)} |"
        )
    lines += ["", "| input | unit | SBO | MIRIAM (bqbiol) |", "|---|---|---|---|"]
    for name, spec in INPUTS.items():
        lines.append(
            f"| `{name}` | {spec.unit} | {spec.sbo} {_SBO_NAMES[spec.sbo]} | {_terms(spec.terms)} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    print(table())  # noqa: T201 - python -m sim.export.annotations > the table in docs/export.md
