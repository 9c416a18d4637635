"""Readable names, units and signalling arms of the pathway nodes, for figure panels.

The saved columns carry the model's short ids (``irs1_ps``, ``socs3_m1``); a physiologist
reads "IRS-1 pSer (inhibitory)". Each node belongs to one arm (insulin, GH, lipid, energy,
inflammation, liver output), and the figures group their panels by arm in this order.
Internal states (free or internalised receptor, transcripts, delay stages) are marked so the
figures can leave them out by default: they are bookkeeping of the rate laws, not read-outs.
"""

from __future__ import annotations

from dataclasses import dataclass

ARMS: tuple[str, ...] = ("insulin", "GH", "lipid", "energy", "inflammation", "other")
"""Display order of the arms (one row of panels each)."""


@dataclass(frozen=True)
class NodeInfo:
    """How a pathway node is shown.

    Attributes:
        label: readable name for a panel title.
        arm: signalling arm (one of ``ARMS``).
        internal: a bookkeeping state left out of the default figures.
    """

    label: str
    arm: str
    internal: bool = False


NODES: dict[str, NodeInfo] = {
    "ir_f": NodeInfo("insulin receptor, free", "insulin", True),
    "ir_b": NodeInfo("insulin receptor, bound", "insulin", True),
    "ir_p": NodeInfo("insulin receptor pTyr (IR-P)", "insulin"),
    "ir_i": NodeInfo("insulin receptor, internalised", "insulin", True),
    "irs1_u": NodeInfo("IRS-1, unmodified", "insulin", True),
    "irs1_py": NodeInfo("IRS-1 pTyr", "insulin"),
    "irs1_ps": NodeInfo("IRS-1 pSer (inhibitory)", "insulin"),
    "pi3k": NodeInfo("PI3K / PIP3", "insulin"),
    "akt_p": NodeInfo("Akt pT308/pS473", "insulin"),
    "glut4_pm": NodeInfo("GLUT4 at the membrane", "insulin"),
    "foxo1": NodeInfo("FOXO1, nuclear", "insulin"),
    "hgo_restraint": NodeInfo("insulin restraint of glycogenolysis", "insulin"),
    "ghr_f": NodeInfo("GH receptor, free", "GH", True),
    "ghr_jak2": NodeInfo("GHR-JAK2, active", "GH"),
    "ghr_i": NodeInfo("GH receptor, internalised", "GH", True),
    "stat5_p": NodeInfo("STAT5 pTyr", "GH"),
    "socs1_m": NodeInfo("SOCS1 mRNA", "GH", True),
    "socs1": NodeInfo("SOCS1 protein", "GH"),
    "socs3_m1": NodeInfo("SOCS3 primary transcript", "GH", True),
    "socs3_m2": NodeInfo("SOCS3 mRNA", "GH", True),
    "socs3": NodeInfo("SOCS3 protein", "GH"),
    "igf1_m": NodeInfo("IGF-1 mRNA", "GH"),
    "gh_lipo_m": NodeInfo("GH lipolytic transcripts", "GH", True),
    "gh_lipo_p": NodeInfo("GH lipolytic proteins (maturing)", "GH", True),
    "gh_lipo": NodeInfo("GH lipolytic programme", "GH"),
    "lcfa": NodeInfo("long-chain acyl-CoA", "lipid"),
    "dag": NodeInfo("DAG / ceramide", "lipid"),
    "pkc": NodeInfo("novel PKC, active", "lipid"),
    "hsl": NodeInfo("HSL, active", "lipid"),
    "amp_atp": NodeInfo("AMP:ATP", "energy"),
    "ampk_p": NodeInfo("AMPK pT172", "energy"),
    "glycogen": NodeInfo("glycogen", "energy"),
    "pepck": NodeInfo("PEPCK expression", "energy"),
    "camp": NodeInfo("cAMP (glucagon, adrenaline)", "energy"),
    "gk": NodeInfo("glucokinase expression", "energy"),
    "pdk4_m": NodeInfo("PDK4 mRNA", "energy", True),
    "pdk4": NodeInfo("PDK4 protein (PDH brake)", "energy"),
    "glut4_content": NodeInfo("GLUT4 content (training)", "energy"),
    "mito": NodeInfo("mitochondrial density", "energy"),
    "ampk_content": NodeInfo("AMPK α2 content", "energy"),
    "pgc1a": NodeInfo("PGC-1α training signal", "energy"),
    "tbc1d4_p": NodeInfo("TBC1D4 pSer711 (AMPK site)", "energy"),
    "tbc1d4_prime": NodeInfo("post-exercise insulin sensitisation", "energy"),
    "nfkb": NodeInfo("IKKβ / NF-κB, active", "inflammation"),
}

UNIT_TEXT: dict[str, str] = {
    "fraction": "fraction of total",
    "relative to basal": "× basal",
}
"""Short axis text of the units ``sim.viz.data.node_unit`` returns."""


def node_info(node: str) -> NodeInfo:
    """The display entry of a node (its id, arm ``other``, for nodes not catalogued)."""
    return NODES.get(node, NodeInfo(node, "other"))


def node_label(node: str) -> str:
    """Readable name of a node."""
    return node_info(node).label


def group_by_arm(nodes: list[str], internal: bool = False) -> list[tuple[str, list[str]]]:
    """``(arm, nodes)`` in ``ARMS`` order, each keeping the given node order; internal
    states are left out unless ``internal``; arms without nodes are dropped."""
    shown = [n for n in nodes if internal or not node_info(n).internal]
    groups = [(arm, [n for n in shown if node_info(n).arm == arm]) for arm in ARMS]
    return [(arm, members) for arm, members in groups if members]
