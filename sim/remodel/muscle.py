"""Muscle fibre remodelling (R3): fibre size, type and capillaries on the graph.

Every fibre agent (:class:`sim.agents.Myocyte`) carries its cross-sectional area (CSA) and
its type. Each slow step it grows or shrinks by its own protein balance
(:func:`rules.protein_balance`: Akt, IGF-1, amino acids and the mechanical signal of
resistance exercise against FOXO, cortisol and an energy deficit, each relative to the
fibre's first-day level), may take the next slower type with sustained PGC-1alpha (IIx ->
IIa, rarely IIa -> I; :func:`rules.type_shift_hazard`), and the capillaries around its
segment sprout and regress towards a target set by its PGC-1alpha and growth
(:func:`rules.capillary_target`).

Capillaries are agents (:class:`Capillary`) on their own graph nodes, each linked to its
capillary segment and to the fibres of that segment: a sprout adds a node and an agent, a
regression removes them. The segment's transendothelial insulin transport scales with its
capillary count (permeability-surface product), so new capillaries raise the interstitial
insulin that the fibres around them see.

Each fibre agent stands for an equal share of the starting muscle: its mass is
proportional to its CSA (fixed length), so its per-kg rates (GLUT4, glycogen capacity,
FFA uptake) scale with its size in the body's fluxes, and muscle mass, lean mass and
the muscle's share of whole-body fluxes follow the sum over the fibres.
"""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import mesa
import numpy as np
from mesa.discrete_space import Cell, FixedAgent

from sim.agents import Myocyte
from sim.kinetics import body as bk
from sim.kinetics.tissues import recruitment
from sim.remodel import rules

SIGNALS = ("akt_p", "pgc1a", "stat5_p")
"""Per-fibre rows averaged over each slow period."""


class Capillary(FixedAgent):
    """A muscle capillary on its own graph node, beside its capillary segment (R3): born by
    angiogenesis, removed when it regresses."""

    def __init__(self, model: mesa.Model, cell: Cell, segment: int, born_min: float) -> None:
        super().__init__(model)
        self.cell = cell
        self.segment = segment
        self.born_min = born_min


class MuscleRemodeller:
    """Slow remodelling of the muscle fibres of one model (R3), driven by the adipose
    remodeller's slow step (:class:`sim.remodel.core.Remodeller`)."""

    def __init__(self, owner: object, rng: np.random.Generator) -> None:
        self.owner = owner
        m = owner.model
        self.model, self.rp, self.rng = m, owner.rp, rng
        rp = self.rp
        self.tissue = tissue = m.tissues["muscle"]
        n = tissue.n
        self.type_i = np.asarray(tissue.params.is_type_I, dtype=float) * np.ones(n)
        mean = np.where(self.type_i > 0, rp.csa_type_I_um2, rp.csa_type_II_um2)
        s2 = np.log1p(rp.csa_cv**2)
        self.csa = mean * rng.lognormal(-0.5 * s2, np.sqrt(s2), n) if rp.csa_cv > 0 else mean
        self.csa0 = self.csa.copy()
        # IIx among the type II fibres, from a generator of its own (the fibre decisions
        # keep their sequence)
        draw = np.random.default_rng([m.scenario.seed, 0x6D75, 0x78]).random(n)
        self.iix = ((self.type_i == 0) & (draw < rp.iix_fraction_type_II)).astype(float)
        self.mass0 = m.ctx.masses.muscle
        self.lean_other = m.ctx.masses.body - m.ctx.masses.fat_sc0 - m.ctx.masses.fat_visc0
        self.lean_other -= self.mass0
        self.load = np.zeros(n)
        """The mechanical (mTORC1) signal of resistance exercise of each fibre."""
        # a converted fibre takes the type I values of the builder's per-type parameters
        # (sim.graph._muscle): its own values times the type I / type II ratio
        lp = tissue.layout.params
        self.type_ratio = {
            k: float(lp[k][lp["is_type_I"] > 0].mean() / lp[k][lp["is_type_I"] == 0].mean())
            for k in ("oxidative_capacity", "glut4_total")
            if (lp["is_type_I"] > 0).any() and (lp["is_type_I"] == 0).any()
        }
        self.type_i_value = float(np.max(tissue.params.is_type_I, initial=1.0))
        geo = m.ctx.geo
        self.seg_of = geo.a_muscle.tocsr().indices[:n].astype(np.int64)
        self.n_seg = geo.a_muscle.shape[1]
        self.kte0 = np.asarray(geo.kte_muscle, dtype=float).copy()
        self._sums = np.zeros((len(SIGNALS), n))
        self._work = np.zeros(n)
        self._body = np.zeros(4)  # igf1, aa, cort, fat oxidation (umol/min)
        self._n = 0
        self.ref: SimpleNamespace | None = None
        """Each signal's mean over the first day (the fibres keep their size at it)."""
        self._first: list[SimpleNamespace] = []
        self.events = {
            "capillaries_born": 0,
            "capillaries_regressed": 0,
            "type_shifts": 0,
            "iix_to_iia": 0,
        }
        self._build_graph()
        self.apply()

    # ------------------------------------------------------------------ graph

    def _build_graph(self) -> None:
        """One capillary node and agent per starting capillary: round(cf_ratio_ref x fibres)
        per segment, linked to the segment and to its fibres."""
        m = self.model
        self.fibres: list[Myocyte] = sorted(m.agents_by_type[Myocyte], key=lambda a: a.i)
        lay = self.tissue.layout
        g = m.graph
        self.seg_nodes = np.zeros(self.n_seg, dtype=np.int64)
        for i, s in enumerate(self.seg_of):
            seg_node = next(
                nb for nb in g[int(lay.nodes[i])] if g.nodes[nb].get("kind") == "capillary_segment"
            )
            self.seg_nodes[s] = seg_node
        self.fibres_of = [np.flatnonzero(self.seg_of == s) for s in range(self.n_seg)]
        self.capillaries: list[list[Capillary]] = [[] for _ in range(self.n_seg)]
        for s in range(self.n_seg):
            k = int(round(self.rp.cf_ratio_ref * len(self.fibres_of[s])))
            for _ in range(k):
                self._add_capillary(s, float("nan"))
        self.caps0 = np.array([max(len(c), 1) for c in self.capillaries], dtype=float)

    def _add_capillary(self, s: int, born_min: float) -> None:
        owner = self.owner
        nid = owner._new_node(kind="capillary", tissue="muscle")
        owner._connect(nid, int(self.seg_nodes[s]), "capillary_branch")
        for i in self.fibres_of[s]:
            owner._connect(nid, int(self.tissue.layout.nodes[i]), "capillary_contact")
        self.capillaries[s].append(Capillary(self.model, self.model.space._cells[nid], s, born_min))

    def _remove_capillary(self, s: int) -> None:
        """The youngest capillary of segment ``s`` regresses (pruning of new vessels)."""
        cap = self.capillaries[s].pop()
        cell = cap.cell
        cap.remove()
        self.model.space.remove_cell(cell)

    # ------------------------------------------------------------------ fast-step hook

    def after_step(self) -> None:
        """Add this fast step's per-fibre signals, resistance work and body signals."""
        m = self.model
        y = self.tissue
        for k, name in enumerate(SIGNALS):
            self._sums[k] += y.row(name)
        t = m.time_min
        sch = m.ctx.sch
        for span, mode in sch.exercise:  # R3: the sets of resistance exercise in this step
            overlap = min(t, span.end) - max(t - m.dt, span.start)
            if mode == "resistance" and overlap > 0:
                u = SimpleNamespace(intensity=span.value)  # sets: half of the time
                self._work += recruitment(u, y.params) * span.value * 0.5 * overlap
        x, bp = m.x, m.ctx.bp
        cf = m.last_flux
        clear = getattr(cf, "ffa_clearance", 0.0) + bp.v_ffa_other
        self._body += (
            float(x[bk.IDX["igf1"]]),
            float(x[bk.IDX["aa"]]),
            float(x[bk.IDX["cort"]]),
            clear * bk.ffa_mM(x, bp) * m.ctx.masses.body,  # umol/min
        )
        self._n += 1

    def period_signals(self) -> SimpleNamespace:
        """The period's averages (and resistance work), and reset the sums."""
        n = max(self._n, 1)
        out = SimpleNamespace(
            fibre=self._sums / n,
            work=self._work.copy(),
            igf1=self._body[0] / n,
            aa=self._body[1] / n,
            cort=self._body[2] / n,
            fat_ox=self._body[3] / n,
        )
        self._sums[:] = 0.0
        self._work[:] = 0.0
        self._body[:] = 0.0
        self._n = 0
        return out

    # ------------------------------------------------------------------ the slow step

    def slow_step(self, t: float, sig: SimpleNamespace, days: float, deficit: float) -> None:
        """One remodelling step of every fibre and capillary with the period's signals."""
        rp, rng = self.rp, self.rng
        akt, pgc = sig.fibre[0], sig.fibre[1]
        if self.ref is None:  # the first day's mean of each signal is its reference
            self._first.append(sig)
            if len(self._first) < self.owner.per_day:
                return
            first = self._first
            self.ref = SimpleNamespace(
                akt=np.maximum(np.mean([f.fibre[0] for f in first], axis=0), 1e-9),
                stat5=np.mean([f.fibre[2] for f in first], axis=0),
                igf1=max(float(np.mean([f.igf1 for f in first])), 1e-12),
                aa=max(float(np.mean([f.aa for f in first])), 1e-12),
                cort=max(float(np.mean([f.cort for f in first])), 1e-12),
                fat_ox=float(np.mean([f.fat_ox for f in first])),
            )
            self._first = []
            return
        ref = self.ref
        # R3 mechanical signal: decays, each session adds its work (type II respond more)
        gain = 1.0 + (rp.load_gain_type_II - 1.0) * (1.0 - self.type_i)
        self.load = self.load * np.exp(-days / rp.tau_load_days)
        self.load += gain * sig.work / rp.resistance_work_ref
        aa_rel = sig.aa / ref.aa if ref.aa > 1e-9 else 1.0
        rate = rules.protein_balance(
            akt / ref.akt,
            sig.igf1 / ref.igf1,
            aa_rel,
            self.load,
            sig.cort / ref.cort,
            deficit,
            rp,
            sig.fibre[2] - ref.stat5,
        )
        self.csa = self.csa * np.exp(rate * days)
        # R3 type shift: each type II fibre in turn draws its next step (IIx -> IIa -> I)
        prob = rules.chance(rules.type_shift_hazard(pgc, self.type_i, self.iix, rp), days)
        step = rng.random(len(prob)) < prob
        to_iia = step & (self.iix > 0)
        if to_iia.any():  # the fast model's type II parameters stand for IIa and IIx alike
            self.iix = np.where(to_iia, 0.0, self.iix)
            self.events["iix_to_iia"] += int(to_iia.sum())
        shift = step & ~to_iia
        if shift.any():
            self.type_i = np.where(shift, 1.0, self.type_i)
            self.events["type_shifts"] += int(shift.sum())
            p = self.tissue.params  # frozen: the shifted fibres' values in a new namespace
            changed = {
                k: np.where(shift, getattr(p, k) * ratio, getattr(p, k))
                for k, ratio in self.type_ratio.items()
            }
            changed["is_type_I"] = np.where(shift, self.type_i_value, p.is_type_I)
            self.tissue.params = p.replace(**changed)
            for i in np.flatnonzero(shift):
                self.tissue.layout.subtype[i] = "type_I"
        # R3 angiogenesis and regression, segment by segment
        target = rules.capillary_target(pgc, self.csa / self.csa0, rp)
        for s in range(self.n_seg):
            fib = self.fibres_of[s]
            if not len(fib):
                continue
            want = float(target[fib].sum())
            have = len(self.capillaries[s])
            # sprouting while the fibres' capillary supply is short of their target (VEGF),
            # pruning of the surplus when above it
            born = int(rng.poisson(rp.k_capillary * max(want - have, 0.0) * days))
            lost = int(rng.poisson(rp.k_capillary * max(have - want, 0.0) * days))
            for _ in range(born):
                self._add_capillary(s, t)
            for _ in range(min(lost, have + born - 1)):  # a segment keeps one capillary
                self._remove_capillary(s)
            self.events["capillaries_born"] += born
            self.events["capillaries_regressed"] += min(lost, have + born - 1)
        self.apply()

    def apply(self) -> None:
        """Write what the fast model reads: per-type parameters of converted fibres, the
        segments' transendothelial rates, each fibre's mass share and the muscle mass."""
        m = self.model
        caps = np.array([len(c) for c in self.capillaries], dtype=float)
        owner = self.owner
        kte = self.kte0 * caps / self.caps0
        owner.pool.geo = dataclasses.replace(owner.pool.geo, kte_muscle=kte)
        self.weights = self.csa / self.csa0.mean()
        m.muscle_weights = self.weights / self.weights.mean()
        m.update_context(
            geo=owner.pool.geo, masses=dataclasses.replace(m.ctx.masses, muscle=self.muscle_kg())
        )

    # ------------------------------------------------------------------ outputs

    def muscle_kg(self) -> float:
        return self.mass0 * float(self.csa.sum() / self.csa0.sum())

    def lean_kg(self) -> float:
        """Lean mass: the fibres' muscle plus the fixed non-muscle lean mass."""
        return self.lean_other + self.muscle_kg()

    def export(self) -> dict:
        """The fibre graph of ``remodel.json``: each fibre's node, capillary segment, area
        (now and at the start) and type, and each capillary's node, segment and birth."""
        lay = self.tissue.layout
        kind = np.where(self.type_i > 0, "I", np.where(self.iix > 0, "IIx", "IIa"))
        return {
            "fibres": [
                {
                    "node": int(lay.nodes[i]),
                    "segment": int(self.seg_of[i]),
                    "csa_um2": float(self.csa[i]),
                    "csa0_um2": float(self.csa0[i]),
                    "type": str(kind[i]),
                }
                for i in range(len(self.csa))
            ],
            "capillaries": [
                {
                    "node": int(c.cell.coordinate),
                    "segment": s,
                    "born_min": None if np.isnan(c.born_min) else float(c.born_min),
                }
                for s, caps in enumerate(self.capillaries)
                for c in caps
            ],
        }

    def capillaries_per_fibre(self) -> float:
        return sum(len(c) for c in self.capillaries) / max(len(self.csa), 1)

    def columns(self) -> dict[str, float]:
        type_ii = self.type_i == 0
        return {
            "muscle.csa_um2_mean": float(self.csa.mean()),
            "muscle.csa_um2_type_I": float(self.csa[~type_ii].mean())
            if (~type_ii).any()
            else float("nan"),
            "muscle.csa_um2_type_II": float(self.csa[type_ii].mean())
            if type_ii.any()
            else float("nan"),
            "muscle.type_I_fraction": float(self.type_i.mean()),
            "muscle.type_IIx_fraction": float(self.iix.mean()),
            "muscle.capillaries_per_fibre": self.capillaries_per_fibre(),
            "muscle.mass_kg": self.muscle_kg(),
            "lean_mass_kg": self.lean_kg(),
        }
