"""Tissue topology: the networkx interaction graph and the sparse exchange operators.

Nodes are cells and exchange compartments. Muscle fibres sit around capillary segments that
form a lattice of capillaries (arterial to venous); hepatocytes line sinusoids from the portal
inflow to the central vein; adipocytes sit on depot capillaries, subcutaneous ones draining
to the systemic plasma and visceral ones to the portal vein (B4). The graph is built once;
the engine only uses the sparse matrices derived from it (:class:`sim.kinetics.body.Geometry`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import networkx as nx
import numpy as np
import scipy.sparse as sp

from sim.kinetics.body import Geometry
from sim.parameters import LAYOUT_VALUES
from sim.types import FloatArray

FIBRES_PER_SEGMENT = int(LAYOUT_VALUES["fibres_per_segment"])
"""Fibres supplied by one capillary segment (sim.parameters.LAYOUT, as the three below)."""
SEGMENTS_PER_CAPILLARY = int(LAYOUT_VALUES["segments_per_capillary"])
HEPATOCYTES_PER_SINUSOID = int(LAYOUT_VALUES["hepatocytes_per_sinusoid"])
ADIPOCYTES_PER_CAPILLARY = int(LAYOUT_VALUES["adipocytes_per_capillary"])


@dataclass
class CellLayout:
    """Per-cell attributes of one tissue: graph node ids, subtype label, zone in 0-1, and
    per-cell parameter values that follow from the cell's place (fibre type, zone, size)."""

    nodes: np.ndarray
    subtype: np.ndarray
    zone: FloatArray
    params: dict[str, FloatArray]


class TissueGraph:
    """The whole interaction graph and what the engine needs from it.

    Construction is vectorised: node ids, edge lists and the sparse operators are numpy and
    scipy arrays. The networkx graph itself (about 1 KiB of Python objects per node) is
    assembled from those arrays the first time :attr:`graph` is read, with the same nodes,
    attributes, edges and insertion order; a run that never asks for it never pays for it.
    """

    def __init__(self, builder: _Builder, geometry: Geometry, layouts: dict[str, CellLayout]):
        self._builder = builder
        self._graph: nx.Graph | None = None
        self.geometry = geometry
        self.layouts = layouts

    @property
    def graph(self) -> nx.Graph:
        """The networkx interaction graph (built on first access, then kept)."""
        if self._graph is None:
            self._graph = self._builder.to_networkx()
        return self._graph

    @property
    def n_nodes(self) -> int:
        return self._builder.next_id


class _Builder:
    """Records node blocks and edge lists as arrays; :meth:`to_networkx` replays them."""

    def __init__(self) -> None:
        self.blocks: list[tuple[str, object, object, dict[str, object]]] = []
        self.next_id = 0

    def node(self, **attrs: object) -> int:
        nid = self.next_id
        self.blocks.append(("node", nid, None, attrs))
        self.next_id += 1
        return nid

    def nodes(self, n: int, **attrs: object) -> np.ndarray:
        ids = np.arange(self.next_id, self.next_id + n)
        self.blocks.append(("nodes", ids, None, attrs))
        self.next_id += n
        return ids

    def edges(self, a: np.ndarray, b: np.ndarray, kind: str) -> None:
        a, b = np.broadcast_arrays(np.asarray(a), np.asarray(b))
        self.blocks.append(("edges", a.copy(), b.copy(), {"kind": kind}))

    def to_networkx(self) -> nx.Graph:
        g = nx.Graph()
        for what, a, b, attrs in self.blocks:
            if what == "node":
                g.add_node(a, **attrs)
            elif what == "nodes":
                g.add_nodes_from((int(i), attrs) for i in a)
            else:
                g.add_edges_from(zip(a.tolist(), b.tolist(), strict=True), **attrs)
        return g


def _laplacian(n: int, a: np.ndarray, b: np.ndarray) -> sp.csr_matrix:
    """Graph Laplacian of the exchange edges (a_i, b_i) between n compartments."""
    w = sp.coo_matrix((np.ones(len(a)), (a, b)), shape=(n, n))
    w = ((w + w.T) > 0).astype(float)
    deg = np.asarray(w.sum(axis=1)).ravel()
    return (sp.diags(deg) - w).tocsr()


def _incidence(n_cells: int, seg_of_cell: np.ndarray, n_seg: int) -> sp.csr_matrix:
    return sp.csr_matrix(
        (np.ones(n_cells), (np.arange(n_cells), seg_of_cell)), shape=(n_cells, n_seg)
    )


def _lognormal(rng: np.random.Generator, cv: float, n: int) -> FloatArray:
    if cv <= 0:
        return np.ones(n)
    s2 = np.log1p(cv**2)
    return rng.lognormal(-0.5 * s2, np.sqrt(s2), n)


def _muscle(
    b: _Builder,
    plasma: int,
    n: int,
    type_i_frac: float,
    cv: float,
    rng: np.random.Generator,
    lay: dict[str, float],
) -> tuple[CellLayout, sp.csr_matrix, sp.csr_matrix, FloatArray]:
    n_seg = max(1, -(-n // int(lay["fibres_per_segment"])))
    n_cap = max(1, -(-n_seg // int(lay["segments_per_capillary"])))
    n_seg = n_cap * int(lay["segments_per_capillary"])
    seg = b.nodes(n_seg, kind="capillary_segment", tissue="muscle")
    pos = np.arange(n_seg) % int(lay["segments_per_capillary"])
    cap = np.arange(n_seg) // int(lay["segments_per_capillary"])
    along = np.nonzero(pos[:-1] + 1 == pos[1:])[0]
    lateral = np.nonzero(cap + 1 < n_cap)[0]
    b.edges(np.full(n_cap, plasma), seg[pos == 0], "arterial_inflow")
    b.edges(seg[along], seg[along + 1], "capillary_flow")
    b.edges(
        seg[lateral], seg[lateral + int(lay["segments_per_capillary"])], "interstitial_diffusion"
    )
    fib = b.nodes(n, kind="cell", tissue="muscle")
    seg_of = np.arange(n) % n_seg
    b.edges(seg[seg_of], fib, "transendothelial")
    # Stratified: exactly round(fraction * n) type I fibres, in random positions.
    type_i = rng.permutation(np.arange(n) < round(type_i_frac * n)).astype(float)
    layout = CellLayout(
        fib,
        np.where(type_i > 0, "type_I", "type_II"),
        pos[seg_of] / (int(lay["segments_per_capillary"]) - 1),
        {
            "is_type_I": type_i,
            "oxidative_capacity": np.where(
                type_i > 0,
                lay["type_I_oxidative_capacity"],
                lay["type_II_oxidative_capacity"],
            ),
            "glut4_total": np.where(type_i > 0, lay["type_I_glut4"], lay["type_II_glut4"]),
        },
    )
    lap = _laplacian(
        n_seg, np.r_[along, lateral], np.r_[along + 1, lateral + int(lay["segments_per_capillary"])]
    )
    return layout, _incidence(n, seg_of, n_seg), lap, _lognormal(rng, cv, n_seg)


def _gradient(name: str, zone: FloatArray, lay: dict[str, float]) -> FloatArray:
    """A lobular gradient: the periportal value at zone 0, the pericentral one at zone 1."""
    pp, pc = lay[f"{name}_periportal"], lay[f"{name}_pericentral"]
    return pp + (pc - pp) * zone


def _liver(
    b: _Builder, portal: int, n: int, extraction: float, lay: dict[str, float]
) -> tuple[CellLayout, FloatArray]:
    per = min(int(lay["hepatocytes_per_sinusoid"]), n)
    k = np.arange(n) % per
    n_sin = -(-n // per)
    sin = b.nodes(n, kind="sinusoid_segment", tissue="liver")
    central = b.node(kind="central_vein", tissue="liver")
    b.edges(np.full(int(np.sum(k == 0)), portal), sin[k == 0], "portal_inflow")
    nxt = np.nonzero(k[:-1] + 1 == k[1:])[0]
    b.edges(sin[nxt], sin[nxt + 1], "sinusoid_flow")
    last = np.nonzero((k == per - 1) | (np.arange(n) == n - 1))[0]
    b.edges(sin[last], np.full(len(last), central), "central_outflow")
    hep = b.nodes(n, kind="cell", tissue="liver")
    b.edges(sin, hep, "fenestrated_exchange")
    # Each hepatocyte extracts the same fraction e of the insulin reaching it, so that the
    # whole sinusoid removes ``extraction`` of its inflow (first-pass extraction).
    e = 1.0 - (1.0 - extraction) ** (1.0 / per)
    atten = (1.0 - e) ** k
    zone = k / max(per - 1, 1)
    del n_sin
    layout = CellLayout(
        hep,
        np.select([zone < 1 / 3, zone < 2 / 3], ["periportal", "midzonal"], "pericentral"),
        zone,
        {"zone_gng": _gradient("zone_gng", zone, lay), "zone_gk": _gradient("zone_gk", zone, lay)},
    )
    return layout, atten


def _adipose(
    b: _Builder,
    plasma: int,
    portal: int,
    n: int,
    visceral_frac: float,
    cv: float,
    rng: np.random.Generator,
    lay: dict[str, float],
) -> tuple[CellLayout, sp.csr_matrix, sp.csr_matrix, FloatArray, FloatArray]:
    n_visc = int(round(n * visceral_frac)) if n > 1 else 0
    n_visc = min(max(n_visc, 1 if n > 1 else 0), n - 1) if n > 1 else 0
    visceral = np.zeros(n)
    visceral[n - n_visc :] = 1.0
    cap_of, caps, src, dst = np.zeros(n, dtype=int), [], [], []
    for depot, sel, drain in (
        ("subcutaneous", visceral == 0, plasma),
        ("visceral", visceral == 1, portal),
    ):
        idx = np.nonzero(sel)[0]
        if len(idx) == 0:
            continue
        m = max(1, -(-len(idx) // int(lay["adipocytes_per_capillary"])))
        nodes = b.nodes(m, kind="depot_capillary", tissue="adipose", depot=depot)
        first = len(caps)
        b.edges(np.full(m, drain), nodes, "depot_drainage")
        if m > 1:
            b.edges(nodes[:-1], nodes[1:], "interstitial_diffusion")
            src += list(range(first, first + m - 1))
            dst += list(range(first + 1, first + m))
        caps += nodes.tolist()
        cap_of[idx] = first + np.arange(len(idx)) % m
    cells = b.nodes(n, kind="cell", tissue="adipose")
    b.edges(np.asarray(caps)[cap_of], cells, "transendothelial")
    # Adipocyte volume: log-normal; visceral adipocytes secrete more TNF (Fain 2004).
    size = _lognormal(rng, max(cv, 0.0) * 2.0, n)
    layout = CellLayout(
        cells,
        np.where(visceral > 0, "visceral", "subcutaneous"),
        size / size.max(),
        {"size_rel": size, "depot_tnf": 1.0 + 2.0 * visceral},
    )
    n_cap = len(caps)
    lap = _laplacian(n_cap, np.asarray(src, dtype=int), np.asarray(dst, dtype=int))
    return layout, _incidence(n, cap_of, n_cap), lap, _lognormal(rng, cv, n_cap), visceral


def build(
    n_cells: dict[str, int],
    type_i_frac: float,
    visceral_frac: float,
    extraction: float,
    cv: float,
    rng: np.random.Generator,
    layout: Mapping[str, float] | None = None,
) -> TissueGraph:
    """Build the interaction graph and the exchange operators for the given cell counts;
    ``layout`` overrides entries of :data:`sim.parameters.LAYOUT` by name (a scenario's
    ``layout.<name>`` parameters)."""
    lay = {**LAYOUT_VALUES, **(layout or {})}
    b = _Builder()
    plasma = b.node(kind="plasma", tissue="body")
    portal = b.node(kind="portal_vein", tissue="body")
    b.edges(np.array([portal]), np.array([plasma]), "hepatic_passage")
    muscle, a_m, lap_m, kte_m = _muscle(b, plasma, n_cells["muscle"], type_i_frac, cv, rng, lay)
    liver, atten = _liver(b, portal, n_cells["liver"], extraction, lay)
    adipose, a_a, lap_a, kte_a, visceral = _adipose(
        b, plasma, portal, n_cells["adipose"], visceral_frac, cv, rng, lay
    )
    geo = Geometry(a_m, lap_m, kte_m, a_a, lap_a, kte_a, atten, extraction, visceral)
    return TissueGraph(b, geo, {"muscle": muscle, "liver": liver, "adipose": adipose})
