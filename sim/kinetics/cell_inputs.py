"""The inputs of the cells, declared once by name: unit, meaning, neutral value, the tissues
that read each, and where its value comes from.

Like the species table (:mod:`sim.kinetics.species`), this table is the declaration the
other layers read: the engine assembles every cell input from it (:func:`neutral` values,
then the body's concentrations, the graph's local insulin and each intervention kind's
effect), hands a tissue that does not read an input its neutral value, and refuses an input
not declared here (:func:`check`); the compiled kernel's input arguments are the declared
names (:data:`NAMES`); the SBML export and the tests read units and descriptions from it. A
test traces the rate laws and fails when a law reads an input not declared here, or when
``tissues`` is not exactly the tissues that read it.
"""

from __future__ import annotations

from collections.abc import Iterable

from sim.types import CellInput, DiagramInput

ALL = ("muscle", "liver", "adipose")
_MOD = "relative activity of the process (1 = unchanged, 0 = blocked; scenario `modulator`)"
_MODULATOR = "scenario `modulator` (sim.interventions.modulator)"


def _mod(process: str, tissues: tuple[str, ...], source: str = _MODULATOR) -> CellInput:
    return CellInput(
        f"mod_{process}", "1", f"{process.replace('_', ' ')}: {_MOD}", 1.0, tissues, source
    )


CELL_INPUTS: tuple[CellInput, ...] = (
    CellInput(
        "ins_nM", "nM", "insulin at the cell surface", 0.0, ALL,
        "muscle, adipose: interstitial insulin of the cell's capillary segment (body state, "
        "graph operators); liver: portal insulin attenuated along the sinusoid; medium: "
        "protocol insulin_nM",
        DiagramInput("insulin", "insulin_uU_ml", "µU/mL", "insulin"), 0.3,
    ),
    CellInput(
        "glc_mM", "mM", "glucose around the cell", 5.0, ALL,
        "plasma glucose (body q_glc); liver: plus gut glucose absorbed into portal blood",
        DiagramInput("glucose", "glucose_mM", "mM", "energy"), 8.0,
    ),
    CellInput(
        "ffa_mM", "mM", "free fatty acids around the cell", 0.5, ALL,
        "plasma FFA (body ffa); liver: plus visceral adipocyte release into portal blood",
        DiagramInput("FFA", "ffa_mM", "mM", "lipid"), 1.0,
    ),
    CellInput(
        "gh_nM", "nM", "growth hormone at the cell", 0.0, ALL, "plasma GH (body gh)",
        DiagramInput("GH", "gh_ug_l", "µg/L", "GH"), 0.3,
    ),
    CellInput(
        "tnf_pg_ml", "pg/mL", "TNF-alpha at the cell", 0.0, ALL,
        "plasma TNF-alpha (body tnf); liver: plus visceral output; adipose: plus paracrine "
        "macrophage TNF-alpha (remodelling)",
        DiagramInput("TNF-α", "tnf_pg_ml", "pg/mL", "inflammation"), 10.0,
    ),
    CellInput(
        "glucagon_pg_ml", "pg/mL", "glucagon reaching the hepatocyte", 0.0, ("liver",),
        "portal glucagon (body gcg); medium: the fasting portal level",
    ),
    CellInput(
        "cort_excess", "relative", "plasma cortisol above its reference, relative "
        "(0 = reference)", 0.0, ALL, "body cort over cort_ref_nM, minus 1, at least 0",
        DiagramInput("cortisol", "cortisol_nM", "nM", "other"), 0.3,
    ),
    CellInput(
        "intensity", "VO2max", "exercise intensity, fraction of VO2max", 0.0, ("muscle",),
        "schedule exercise channel (scenario `exercise`, `training`)",
        DiagramInput("exercise", "exercise_vo2max", "× VO2max", "energy"), 0.6,
    ),
    CellInput(
        "catechol", "relative", "adrenergic drive (plasma adrenaline/noradrenaline)", 0.0,
        ALL, "plasma adrenaline above basal (body adr)", None, 0.3,
    ),
    CellInput(
        "anti_inflammatory", "1", "omega-3/polyphenol damping of NF-kB activation (0-1)", 0.0,
        ALL, "scenario `diet` (sim.interventions.diet)",
    ),
    CellInput(
        "polyphenols", "1", "polyphenol intake, relative to 1 g/day (0-1)", 0.0, ALL,
        "scenario `diet` (sim.interventions.diet)",
    ),
    CellInput(
        "renewal", "1", "autophagy renewal of IRS-1 (caloric restriction, fasting)", 0.0, ALL,
        "scenario `diet` (sim.interventions.diet)",
    ),
    CellInput(
        "ros", "1", "oxidative-stress drive of NF-kB relative to basal (<= 0 on a diet)", 0.0,
        ALL, "scenario `diet` (sim.interventions.diet)",
    ),
    _mod(
        "lipolysis", ("adipose",),
        f"{_MODULATOR}, times one minus the inhibition of scenario `acipimox`",
    ),
    _mod("glut4_translocation", ("muscle", "adipose")),
    _mod("socs_transcription", ALL),
    _mod("pkc_activation", ALL),
    _mod("nfkb_activation", ALL),
    _mod("ampk_activation", ALL),
    _mod("gluconeogenesis", ("liver",)),
)  # fmt: skip

BY_NAME: dict[str, CellInput] = {i.name: i for i in CELL_INPUTS}
NAMES: tuple[str, ...] = tuple(sorted(BY_NAME))
"""The declared names, sorted: the compiled kernel's input arguments, in this order."""
UNREAD: dict[str, tuple[str, ...]] = {
    t: tuple(i.name for i in CELL_INPUTS if t not in i.tissues) for t in ALL
}
"""Per tissue, the declared inputs its rate laws do not read."""


_NEUTRAL: dict[str, float] = {i.name: i.neutral for i in CELL_INPUTS}
_DECLARED = frozenset(NAMES)


def neutral() -> dict[str, float]:
    """Every declared input at its neutral value (a new mapping each call)."""
    return dict(_NEUTRAL)


def check(names: Iterable[str], where: str) -> None:
    """Raise ValueError unless ``names`` are exactly the declared inputs."""
    if isinstance(names, dict) and names.keys() == _DECLARED:  # the engine's every step
        return
    given = set(names)
    undeclared, missing = sorted(given - set(NAMES)), sorted(set(NAMES) - given)
    if undeclared or missing:
        raise ValueError(
            f"{where}: cell inputs not declared in sim/kinetics/cell_inputs.py: {undeclared}; "
            f"declared but not given: {missing}"
        )
