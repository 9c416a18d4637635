"""The remodeller: slow, per-agent tissue remodelling on its own time step.

Fast steps (``dt_min``) integrate the signalling of every cell; after each, the remodeller
adds the cells' step fluxes and Akt to running sums (:meth:`Remodeller.after_step`). Every
``every_min`` it averages them over the period and applies one slow step
(:meth:`Remodeller.slow_step`): each adipocyte's lipid balance, its size-dependent
parameters, deaths, births from precursors, and the macrophages' recruitment, movement,
polarisation and exit. With ``simulate_every_days`` K > 1 only every K-th day is simulated
at full resolution; the K - 1 days after it replay that day's averaged signals period by
period (:meth:`Remodeller.skip`), with the decisions still drawn per agent each slow step.

Every random decision uses the model's seeded generator in a fixed order (slots in index
order, agents in creation order), so a run is identical for the same seed.
"""

from __future__ import annotations

import logging
import math
from types import SimpleNamespace

import mesa
import numpy as np
from mesa.discrete_space import Cell

from sim.agents import Adipocyte, Macrophage, Preadipocyte
from sim.engine import diet_inputs
from sim.interventions.diet import surplus_portion
from sim.kinetics import body as bk
from sim.parameters import REMODEL
from sim.remodel import rules
from sim.remodel.body import BodyFeedback, Composition, rescale_amounts
from sim.remodel.liver import HepaticLipid
from sim.remodel.muscle import MuscleRemodeller
from sim.remodel.pool import FFA_KG_PER_UMOL, AdiposePool
from sim.scenario import Diet, Remodel

log = logging.getLogger(__name__)
SIGNALS = ("cum_glc", "cum_ffa_out", "cum_tnf", "akt_p", "nfkb")
CLS_MIN_MACROPHAGES = 3
"""A crown-like structure: a dead adipocyte with at least this many macrophages on it or on
its graph neighbours (docs/remodelling.md)."""


def remodel_params(params: dict[str, float]) -> SimpleNamespace:
    """The remodelling parameters with the scenario's ``remodel.<name>`` overrides."""
    return SimpleNamespace(**{p.name: params.get(f"remodel.{p.name}", p.value) for p in REMODEL})


class Remodeller:
    """Slow remodelling of one model's adipose tissue (R1) and its macrophages (R2)."""

    def __init__(self, model: mesa.Model, cfg: Remodel, params: dict[str, float]) -> None:
        self.model, self.cfg = model, cfg
        self.rp = rp = remodel_params(params)
        x = model.x
        fat = (float(x[bk.IDX["fat_sc"]]), float(x[bk.IDX["fat_visc"]]))
        tissue = model.tissues["adipose"]
        self.pool = pool = AdiposePool(
            tissue, model.ctx.geo, fat, rp, cfg.capacity_factor, model.rng
        )
        pool.macrophage_tnf = (0.0, 0.0)
        model.update_context(geo=pool.geo)
        model.adipose_pool = pool
        self.surplus = [iv for iv in model.scenario.interventions if isinstance(iv, Diet)]
        self.period_days = cfg.every_min / 1440.0
        self.per_day = int(round(1440.0 / cfg.every_min))
        self._sums = np.zeros((len(SIGNALS), pool.capacity))
        self._n = 0
        self._ffa_sum = 0.0
        self.day_signals: list[tuple[np.ndarray, float]] = []
        self._today: list[tuple[np.ndarray, float]] = []
        self.akt_ref: float | None = None
        self.ffa_out = np.zeros(pool.capacity)
        """Each slot's net FFA release over the last slow period (local FFA, R2)."""
        self.ffa_mM = 0.5
        self.births_refused = 0
        self.events = {"births": 0, "deaths": 0, "cleared": 0, "recruited": 0, "left": 0}
        self._build_graph()
        # R3: muscle fibres, with their own generator (the adipose decisions keep the
        # model generator's sequence whether or not muscle remodels)
        self.muscle = None
        if cfg.muscle:
            rng = np.random.default_rng([model.scenario.seed, 0x6D75])
            self.muscle = MuscleRemodeller(self, rng)
        # issue 26 item 4: hepatocyte lipid (no random decisions)
        self.liver = HepaticLipid(self) if cfg.liver else None
        self.ee_delta = 0.0
        """Change of daily energy expenditure from the first day (kcal/day; R3)."""
        pool.set_params(self._hypoxia(), rp)
        self.sync_body()
        # issue 26 item 5: distribution volumes and insulin clearance follow the agents'
        # composition (sim/remodel/body.py), relative to this start
        self.body = BodyFeedback(self.composition(), pool.geo, rp)
        self.lipid0 = pool.lipid.copy()
        self.lipid_at: dict[float, np.ndarray] = {}
        self.macrophage_log: list[tuple[float, int, float]] = []

    # ------------------------------------------------------------------ graph and agents

    def _build_graph(self) -> None:
        """Agents for every cell (not lazily), contact edges between the adipocytes of a
        capillary, one precursor node and agent per depot capillary, and the resident
        macrophages."""
        m, pool = self.model, self.pool
        g, space = m.graph, m.space
        m._materialise_agents()
        self.adipocytes: dict[int, Adipocyte] = {a.i: a for a in m.agents_by_type[Adipocyte]}
        caps = [n for n, d in g.nodes(data=True) if d.get("kind") == "depot_capillary"]
        self.cap_nodes = np.asarray(caps, dtype=np.int64)
        self.next_node = max(g.nodes) + 1
        for s in np.flatnonzero(pool.used):  # the builder labels only capillaries by depot
            depot = "visceral" if pool.visceral[s] else "subcutaneous"
            g.nodes[int(pool.tissue.layout.nodes[s])]["depot"] = depot
        for c in range(len(caps)):
            slots = np.flatnonzero(pool.cap_of == c)
            nodes = [int(pool.tissue.layout.nodes[s]) for s in slots]
            ring = nodes[1:] + nodes[:1] if len(nodes) > 2 else nodes[1:]  # touching cells
            for a, b in zip(nodes[: len(ring)], ring, strict=True):
                self._connect(a, b, "contact")
        self.precursors: list[Preadipocyte] = []
        for c, cap_node in enumerate(caps):
            depot = g.nodes[cap_node].get("depot", "subcutaneous")
            nid = self._new_node(kind="precursor", tissue="adipose", depot=depot)
            self._connect(nid, cap_node, "perivascular")
            self.precursors.append(Preadipocyte(m, space._cells[nid], c, depot == "visceral"))
        self.macrophages: list[Macrophage] = []
        n_alive = int(pool.alive.sum())
        n_res = int(round(self.rp.macrophages_resident / 100.0 * n_alive))
        slots = np.flatnonzero(pool.alive)
        for s in m.rng.choice(slots, size=min(n_res, len(slots)), replace=False):
            self._add_macrophage(int(pool.tissue.layout.nodes[s]), float("nan"))

    def _new_node(self, **attrs: object) -> int:
        nid = self.next_node
        self.next_node += 1
        self.model.space.add_cell(Cell(nid, random=self.model.space.random))
        self.model.graph.nodes[nid].update(attrs)
        return nid

    def _connect(self, a: int, b: int, kind: str) -> None:
        cells = self.model.space._cells
        self.model.space.add_connection(cells[a], cells[b])
        self.model.graph.edges[a, b]["kind"] = kind

    def _add_macrophage(self, node: int, born_min: float) -> None:
        mac = Macrophage(self.model, self.model.space._cells[node], born_min)
        self.macrophages.append(mac)

    # ------------------------------------------------------------------ fast-step hooks

    def sync_body(self) -> None:
        """The body follows the cells: its fat depots are the sums over the adipocytes."""
        sc, visc = self.pool.fat_kg()
        self.model.x[bk.IDX["fat_sc"]] = sc
        self.model.x[bk.IDX["fat_visc"]] = visc

    def composition(self) -> Composition:
        """Fat and visceral fat (sums over the adipocytes), lean mass (the fibres' muscle plus
        the fixed non-muscle lean mass; fixed without muscle remodelling) and liver fat (mean
        over the hepatocytes; NaN without hepatocyte lipid)."""
        sc, visc = self.pool.fat_kg()
        masses = self.model.ctx.masses
        if self.muscle is not None:
            lean = self.muscle.lean_kg()
        else:
            lean = masses.body - masses.fat_sc0 - masses.fat_visc0
        liver = float(self.liver.lipid.mean()) if self.liver is not None else float("nan")
        return Composition(sc + visc, visc, lean, liver)

    def feed_back(self) -> None:
        """Issue 26 item 5: replace the body's geometry by the one of the composition now
        (distribution volumes, insulin clearance, hepatic extraction), keeping the amounts of
        the species whose volume changed."""
        m = self.model
        old = self.pool.geo
        new = self.body.geometry(old, self.composition())
        rescale_amounts(m.x, old, new)
        self.pool.geo = new
        m.update_context(geo=new)

    def after_step(self) -> None:
        """Add this fast step's per-cell signals; apply a slow step when one is due."""
        m = self.model
        y = m.tissues["adipose"]
        for k, name in enumerate(SIGNALS):
            self._sums[k] += y.row(name)
        self._n += 1
        self._ffa_sum += bk.ffa_mM(m.x, m.ctx.bp)
        if self.muscle is not None:
            self.muscle.after_step()
        if self.liver is not None:
            self.liver.after_step(m.dt)
        self.sync_body()
        t = m.time_min
        if _on(t, self.cfg.every_min):
            sig = self._sums / self._n
            sig[:3] /= m.dt  # step amounts -> per minute
            sig = self._fill_unborn(sig)
            ffa = self._ffa_sum / self._n
            self._sums[:] = 0.0
            self._n, self._ffa_sum = 0, 0.0
            msig = None if self.muscle is None else self.muscle.period_signals()
            lsig = None if self.liver is None else self.liver.period_signals()
            self._today.append((sig, ffa, msig, lsig))
            if len(self._today) == self.per_day:
                self.day_signals, self._today = self._today, []
            self.slow_step(t, sig, ffa, msig, lsig)

    def _fill_unborn(self, sig: np.ndarray) -> np.ndarray:
        """Slots that are not living cells take their depot's mean signals (a cell born
        during a replayed day then acts as the average cell of its depot)."""
        pool = self.pool
        out = sig.copy()
        for d in (0, 1):
            sel = pool.depot_mask(d)
            if sel.any():
                fill = (~pool.alive) & ((pool.visceral == d) | ~pool.used)
                out[:, fill] = sig[:, sel].mean(axis=1, keepdims=True)
        return out

    def skip_due(self, t: float) -> bool:
        """At the start of a day that ``simulate_every_days`` leaves out."""
        k = self.cfg.simulate_every_days
        day = int(round(t / 1440.0, 9))
        return k > 1 and _on(t, 1440.0) and day % k != 0 and bool(self.day_signals)

    def skip(self) -> float:
        """Apply the slow steps of the days up to the next simulated one (or the end) with
        the last simulated day's averaged signals; returns the new time."""
        m = self.model
        t = m.time_min
        k = self.cfg.simulate_every_days
        day = int(round(t / 1440.0))
        end = min((day // k + 1) * k * 1440.0, m.scenario.duration_min)
        while t < end - 1e-9:
            for sig, ffa, msig, lsig in self.day_signals:
                t = round(t + self.cfg.every_min, 9)
                self.slow_step(t, self._fill_unborn(sig), ffa, msig, lsig)
                if t >= end - 1e-9:
                    break
        self.sync_body()
        return t

    # ------------------------------------------------------------------ the slow step

    def slow_step(
        self,
        t: float,
        sig: np.ndarray,
        ffa_mM: float,
        msig: SimpleNamespace | None = None,
        lsig: SimpleNamespace | None = None,
    ) -> None:
        """One remodelling step ending at ``t`` with the period's averaged signals (``msig``:
        the muscle fibres' and the body's, when muscle remodels; ``lsig``: the
        hepatocytes', when their lipid does)."""
        days = self.period_days
        mid = t - 0.5 * self.cfg.every_min  # the diet as it was during the period
        eaten = self.surplus_eaten(mid)
        if self.liver is not None and lsig is not None:
            carb = self.energy_balance_kcal_day(mid, carbohydrate=True)
            self.liver.slow_step(lsig, days, carb, eaten=eaten)
        if self.muscle is not None and msig is not None:
            deficit = max(-self.energy_balance_kcal_day(mid), 0.0) / 1000.0
            self.muscle.slow_step(t, msig, days, deficit)
        if self.muscle is not None and self.muscle.ref is not None and msig is not None:
            lean_delta = self.muscle.lean_kg() - self.muscle.lean_other - self.muscle.mass0
            fat_ox = msig.fat_ox
            if eaten:  # the surplus's food displaces fat oxidation: already in f_surplus_fat
                fat_ox = max(fat_ox, self.muscle.ref.fat_ox)
            self.ee_delta = rules.energy_expenditure_delta(
                fat_ox, self.muscle.ref.fat_ox, lean_delta, self.rp
            )
        akt = sig[SIGNALS.index("akt_p")]
        alive = self.pool.alive
        akt_mean = float(akt[alive].mean()) if alive.any() else 0.0
        if self.akt_ref is None:
            self.akt_ref = max(akt_mean, 1e-9)
        self.ffa_out = sig[SIGNALS.index("cum_ffa_out")].copy()
        self._lipid_balance(sig, mid, days)
        hyp = self._hypoxia()
        self._deaths(t, hyp, days)
        self._clear_debris(t, days)
        self._births(t, akt_mean / self.akt_ref - 1.0, days)
        field = self._chemoattractant(hyp)
        self._macrophages(t, field, ffa_mM, days)
        self.pool.set_params(self._hypoxia(), self.rp)
        self._paracrine()
        self.sync_body()
        self.feed_back()
        self.macrophage_log += [(t, int(m.cell.coordinate), m.m1) for m in self.macrophages]

    def _diets_at(self, t: float) -> list[Diet]:
        """The diets in effect at ``t`` (their start included, their end excluded)."""
        out = []
        for iv in self.surplus:
            end = math.inf if iv.duration_min is None else iv.start_min + iv.duration_min
            if iv.start_min <= t < end:
                out.append(iv)
        return out

    def energy_balance_kcal_day(self, t: float, carbohydrate: bool = False) -> float:
        """The diet's energy surplus (> 0) or deficit at ``t`` (with ``carbohydrate``: its
        carbohydrate part). The slow step reads it at its period's midpoint."""
        total = 0.0
        for iv in self._diets_at(t):
            share = iv.surplus_carbohydrate_fraction if carbohydrate else 1.0
            total += iv.energy_balance_kcal_day * share
        return total

    def surplus_eaten(self, t: float) -> bool:
        """Whether a surplus in effect at ``t`` is eaten as meals the fast model absorbs
        (:func:`sim.interventions.diet.surplus_portion`)."""
        return any(surplus_portion(iv) is not None for iv in self._diets_at(t))

    def _lipid_balance(self, sig: np.ndarray, t: float, days: float) -> None:
        """R1: each cell loses its own net lipolysis (its HSL flux net of re-esterification:
        GH, catecholamines and insulin act there) and takes a share of its depot's storage
        by its own insulin-stimulated glucose uptake. The depot stores what its cells
        released plus the stored part of the diet's surplus (the fast model carries no
        energy expenditure, so balance is anchored at energy balance) and the scavenged
        lipid of cleared dead cells."""
        pool, rp = self.pool, self.rp
        minutes = days * 1440.0
        surplus_kg = (
            self.energy_balance_kcal_day(t) * rp.f_surplus_fat / rp.kcal_per_g_fat / 1000.0 * days
        )
        # R3: expenditure above its first-day level (extra fat oxidation, extra lean mass)
        # is paid from the fat stores
        surplus_kg -= self.ee_delta / rp.kcal_per_g_fat / 1000.0 * days
        visc_share = self.model.ctx.bp.fat_storage_share_visceral
        ffa_out = sig[SIGNALS.index("cum_ffa_out")]
        uptake = sig[SIGNALS.index("cum_glc")]
        m_ref_kg = pool.m_ref / 1e9
        lost = np.where(pool.alive, ffa_out * m_ref_kg * FFA_KG_PER_UMOL * minutes * 1e9, 0.0)
        for d, share in ((0, 1.0 - visc_share), (1, visc_share)):
            sel = pool.depot_mask(d)
            if not sel.any():
                continue
            store_kg = float(lost[sel].sum()) * pool.n_rep[d] / 1e9
            store_kg += surplus_kg * share + pool.restore_kg[d]
            pool.restore_kg[d] = 0.0
            per_cell_ug = store_kg * 1e9 / pool.n_rep[d]
            gain = rules.storage_shares(uptake, sel) * max(per_cell_ug, 0.0)
            if per_cell_ug < 0:  # a deficit beyond release: every cell gives by its lipid
                gain = gain + per_cell_ug * np.where(sel, pool.lipid, 0.0) / pool.lipid[sel].sum()
            floor = float(rules.lipid_ug(rp.diameter_min_um, rp))
            pool.lipid[sel] = np.maximum(pool.lipid[sel] + gain[sel] - lost[sel], floor)

    def _hypoxia(self) -> np.ndarray:
        pool = self.pool
        d = rules.diameter_um(pool.lipid, self.rp)
        return np.where(pool.alive, rules.hypoxia(pool.hops, d, self.rp), 0.0)

    def _deaths(self, t: float, hyp: np.ndarray, days: float) -> None:
        """R1: each living adipocyte dies with its own size-dependent hazard; its lipid stays
        as debris on its node and it attracts macrophages until they clear it."""
        pool, rp = self.pool, self.rp
        slots = np.flatnonzero(pool.alive)
        d = rules.diameter_um(pool.lipid[slots], rp)
        h = rules.death_hazard(d, hyp[slots], pool.visceral[slots], rp)
        die = slots[self.model.rng.random(len(slots)) < rules.chance(h, days)]
        for s in die:
            pool.alive[s], pool.dead[s] = False, True
            pool.died_min[s] = t
            pool.debris[s], pool.debris_ug[s] = 1.0, pool.lipid[s]
            pool.lipid[s] = 0.0
            self.adipocytes[int(s)].dead = True
        self.events["deaths"] += len(die)

    def macrophages_near(self, node: int) -> int:
        """Macrophages on ``node`` and on its graph neighbours."""
        cell = self.model.space._cells[node]
        n = sum(isinstance(a, Macrophage) for a in cell.agents)
        for nb in cell.neighborhood:
            n += sum(isinstance(a, Macrophage) for a in nb.agents)
        return n

    def _clear_debris(self, t: float, days: float) -> None:
        """R2: macrophages at a dead adipocyte scavenge its lipid; a cleared cell leaves the
        graph and the model, and its lipid is stored again by its depot."""
        pool = self.pool
        lay = pool.tissue.layout
        for s in np.flatnonzero(pool.dead):
            node = int(lay.nodes[s])
            n_mac = self.macrophages_near(node)
            pool.debris[s] -= self.rp.k_clear * n_mac * days
            if pool.debris[s] > 0:
                continue
            d = int(pool.visceral[s])
            pool.restore_kg[d] += pool.debris_ug[s] * pool.n_rep[d] / 1e9
            pool.dead[s], pool.debris[s], pool.debris_ug[s] = False, 0.0, 0.0
            self._remove_node(node, self.adipocytes.pop(int(s)))
            self.events["cleared"] += 1

    def _remove_node(self, node: int, agent: Adipocyte) -> None:
        space = self.model.space
        cell = space._cells[node]
        others = [a for a in cell.agents if isinstance(a, Macrophage)]
        near = sorted(cell.neighborhood, key=lambda c: c.coordinate)
        kinds = [self.model.graph.nodes[c.coordinate].get("kind") for c in near]
        exit_to = next((c for c, k in zip(near, kinds, strict=True) if k != "cell"), near[0])
        for mac in others:
            mac.cell = exit_to
        agent.remove()
        space.remove_cell(cell)

    def _births(self, t: float, akt_rise: float, days: float) -> None:
        """R1: each precursor differentiates with its own rate (large neighbours, insulin
        drive, depot) into a new adipocyte beside it (hyperplasia); the precursor stays
        (asymmetric division)."""
        pool, rp = self.pool, self.rp
        d = rules.diameter_um(pool.lipid, rp)
        size = np.where(pool.alive, (d / rp.diameter_reference_um) ** 3, 0.0)  # volume
        neighbour = np.zeros(len(self.precursors))
        for k, pre in enumerate(self.precursors):
            sel = pool.alive & (pool.cap_of == pre.capillary)
            neighbour[k] = float(size[sel].mean()) if sel.any() else 0.0
        visc = np.array([float(p.visceral) for p in self.precursors])
        # renewal: a depot's precursors replace reference-size cells as fast as they die
        # (~10 % a year, births matching deaths at every BMI; Spalding 2008)
        per_pre = np.array(
            [pool.depot_mask(int(v)).sum() / max(np.sum(visc == v), 1) for v in visc]
        )
        basal = rp.k_death_ref * per_pre
        rate = rules.differentiation_rate(neighbour, akt_rise, visc, rp, basal)
        born = np.flatnonzero(self.model.rng.random(len(rate)) < rules.chance(rate, days))
        for k in born:
            self._birth(self.precursors[k], t)
        if len(born):
            self.model.update_context(geo=self.pool.refresh_geometry())

    def _birth(self, pre: Preadipocyte, t: float) -> None:
        pool, rp = self.pool, self.rp
        s = pool.free_slot()
        if s is None:
            self.births_refused += 1
            log.warning("adipocyte birth at t=%g min refused: all %d slots used", t, pool.capacity)
            return
        d = int(pre.visceral)
        depot = "visceral" if d else "subcutaneous"
        same = pool.depot_mask(d)
        y = pool.tissue.y
        if same.any():  # joins with its depot's mean signalling state
            y[:, s] = y[:, same].mean(axis=1)
        nid = self._new_node(kind="cell", tissue="adipose", depot=depot)
        self._connect(nid, pre.cell.coordinate, "contact")
        pool.used[s] = pool.alive[s] = True
        pool.born_min[s], pool.visceral[s], pool.cap_of[s] = t, float(d), pre.capillary
        pool.hops[s] = 2.0  # capillary - precursor - new cell
        pool.lipid[s] = float(rules.lipid_ug(rp.diameter_new_um, rp))
        # the new cell's first lipid comes out of its depot's next storage (mass conserved)
        pool.restore_kg[d] -= pool.lipid[s] * pool.n_rep[d] / 1e9
        pool.base["depot_tnf"][s] = 1.0 + 2.0 * d
        lay = pool.tissue.layout
        lay.nodes[s], lay.subtype[s] = nid, depot
        self.adipocytes[s] = Adipocyte(self.model, pool.tissue, s, self.model.space._cells[nid])
        self.events["births"] += 1

    # ------------------------------------------------------------------ macrophages

    def _chemoattractant(self, hyp: np.ndarray) -> dict[int, float]:
        """MCP-1 field on the adipose nodes: living adipocytes secrete by size and hypoxia
        (:func:`rules.chemokine`), dead ones much more; each node sees its own source plus
        half its neighbours'."""
        pool = self.pool
        lay = pool.tissue.layout
        src: dict[int, float] = {}
        alive = np.flatnonzero(pool.alive)
        chemo = rules.chemokine(rules.diameter_um(pool.lipid[alive], self.rp), hyp[alive], self.rp)
        self.chemokine_total = float(chemo.sum())
        for s, c in zip(alive, chemo, strict=True):
            src[int(lay.nodes[s])] = float(c)
        for s in np.flatnonzero(pool.dead):
            src[int(lay.nodes[s])] = self.rp.dead_chemoattractant
        g = self.model.graph
        field: dict[int, float] = {}
        for node in list(src) + self.cap_nodes.tolist():
            field[node] = src.get(node, 0.0) + 0.5 * sum(src.get(nb, 0.0) for nb in g[node])
        return field

    def _macrophages(self, t: float, field: dict[int, float], ffa_mM: float, days: float) -> None:
        """R2: recruitment from blood (by the living adipocytes' chemokine output, which
        keeps the resident share with reference-size cells, and per dead adipocyte), each
        macrophage's moves, polarisation and exit, in creation order."""
        pool, rp, rng = self.pool, self.rp, self.model.rng
        influx = rp.k_macrophage_out * rp.macrophages_resident / 100.0 * self.chemokine_total
        influx += rp.k_recruit_dead * int(pool.dead.sum())
        n_new = int(rng.poisson(influx * days))
        if n_new:  # monocytes leave the blood at capillaries, drawn by the field around them
            w = np.array([field.get(int(c), 0.0) for c in self.cap_nodes]) + 1e-12
            for c in rng.choice(self.cap_nodes, size=n_new, p=w / w.sum()):
                self._add_macrophage(int(c), t)
        self.events["recruited"] += n_new
        self.field, self.ffa_mM = field, ffa_mM
        anti = self._anti_inflammatory(t)
        moves = int(round(rp.moves_per_day * days))
        for mac in list(self.macrophages):
            mac.remodel_step(self, days, moves, anti)
            if mac.gone:
                self.macrophages.remove(mac)
                self.events["left"] += 1

    def _anti_inflammatory(self, t: float) -> float:
        """N2: the diet's anti-inflammatory input (omega-3, polyphenols) at ``t``."""
        ctx = self.model.ctx
        return diet_inputs(t, ctx.sch.diet, 0.0, ctx.bp)["anti_inflammatory"]

    def local_ffa_mM(self, node: int) -> float:
        """FFA around ``node``: plasma FFA scaled by the net FFA release of the living
        adipocytes on the node and its neighbours over that of the depot's average cell
        (interstitial FFA near lipolytic cells exceeds plasma's)."""
        pool = self.pool
        lay = pool.tissue.layout
        cell = self.model.space._cells[node]
        near = {c.coordinate for c in cell.neighborhood} | {node}
        slots = [s for s in np.flatnonzero(pool.alive) if int(lay.nodes[s]) in near]
        mean = float(self.ffa_out[pool.alive].mean()) if pool.alive.any() else 0.0
        if not slots or mean <= 0.0:
            return self.ffa_mM
        return self.ffa_mM * float(self.ffa_out[slots].mean()) / mean

    def node_is_dead(self, node: int) -> bool:
        kind = self.model.graph.nodes[node]
        if kind.get("kind") != "cell":
            return False
        return any(
            isinstance(a, Adipocyte) and a.dead for a in self.model.space._cells[node].agents
        )

    def _paracrine(self) -> None:
        """R2: TNF-alpha of M1 macrophages reaches the adipocytes on their node and its
        graph neighbours (local pg/mL over plasma) and the depot's venous outflow."""
        pool, rp = self.pool, self.rp
        lay = pool.tissue.layout
        local = np.zeros(pool.capacity)
        slot_of = {int(lay.nodes[s]): s for s in np.flatnonzero(pool.alive)}
        out = [0.0, 0.0]
        p = pool.tissue.params
        bw = self.model.ctx.masses.body
        unit = float(np.mean(p.v_tnf)) * float(np.mean(p.tnf_basal_frac))
        for mac in self.macrophages:
            cell = mac.cell
            for c in [cell, *cell.neighborhood]:
                s = slot_of.get(c.coordinate)
                if s is not None:
                    local[s] += rp.w_paracrine_tnf * mac.m1
            d = int(self.model.graph.nodes[cell.coordinate].get("depot") == "visceral")
            out[d] += rp.tnf_macrophage * unit * (rp.tnf_macrophage_m2 + mac.m1) * pool.q_kg[d] / bw
        pool.tissue.local_tnf = local
        pool.macrophage_tnf = (out[0], out[1])

    # ------------------------------------------------------------------ outputs

    def cls_count(self) -> int:
        """Dead adipocytes with at least :data:`CLS_MIN_MACROPHAGES` macrophages around."""
        lay = self.pool.tissue.layout
        return sum(
            self.macrophages_near(int(lay.nodes[s])) >= CLS_MIN_MACROPHAGES
            for s in np.flatnonzero(self.pool.dead)
        )

    def snapshot(self, t: float) -> None:
        """Keep each slot's lipid at a cell snapshot (its diameter goes into cells.parquet)."""
        self.lipid_at[t] = self.pool.lipid.copy()

    def diameters_at(self, t: float) -> np.ndarray:
        """Diameter (um) of each slot's cell at snapshot ``t`` (NaN: no living cell)."""
        lipid = self.lipid_at.get(t, self.lipid0)  # t = 0 may come from the warm-state cache
        return np.where(lipid > 0, rules.diameter_um(lipid, self.rp), np.nan)

    def export(self) -> dict:
        """``remodel.json`` of the run folder: the depot graph at the end (nodes with kind
        and depot, edges with kind), each slow step's macrophage positions and M1 states,
        and the event counts."""
        g = self.model.graph
        nodes = [n for n, d in g.nodes(data=True) if d.get("tissue") == "adipose"]
        keep = set(nodes)
        return {
            "nodes": [
                {"node": int(n), "kind": g.nodes[n].get("kind"), "depot": g.nodes[n].get("depot")}
                for n in nodes
            ],
            "edges": [
                [int(a), int(b), d.get("kind")]
                for a, b, d in g.edges(nodes, data=True)
                if a in keep and b in keep
            ],
            "macrophages": {
                "time_min": [t for t, _, _ in self.macrophage_log],
                "node": [n for _, n, _ in self.macrophage_log],
                "m1": [m for _, _, m in self.macrophage_log],
            },
            "events": dict(self.events) | ({} if self.muscle is None else dict(self.muscle.events)),
            "births_refused": self.births_refused,
            "reference_diameter_um": self.pool.d_ref,
            **({} if self.muscle is None else {"muscle": self.muscle.export()}),
        }

    def columns(self) -> dict[str, float]:
        """The remodelling columns of a time-series row."""
        pool = self.pool
        n = int(pool.alive.sum())
        d = pool.diameters()
        x = self.model.x
        geo = self.pool.geo
        n_mac = len(self.macrophages)
        cls = self.cls_count()
        return {
            "adipose.cell_count": float(n),
            "adipose.diameter_um_mean": float(d.mean()) if n else float("nan"),
            "adipose.macrophage_count": float(n_mac),
            "adipose.cls_count": float(cls),
            "adipose.macrophages_per_100_adipocytes": 100.0 * n_mac / n if n else float("nan"),
            "adipose.cls_per_1000_adipocytes": 1000.0 * cls / n if n else float("nan"),
            "adipose.macrophage_m1_mean": (
                float(np.mean([m.m1 for m in self.macrophages])) if n_mac else 0.0
            ),
            "adipose.lipid_ug_mean_subcutaneous": float(
                pool.lipid[pool.depot_mask(0)].mean() if pool.depot_mask(0).any() else np.nan
            ),
            "fat_mass_kg": float(x[bk.IDX["fat_sc"]] + x[bk.IDX["fat_visc"]]),
            # issue 26 item 5: what the composition feeds back (relative to the start)
            "body.extracellular_water_rel": float(geo.v_ecw),
            "body.plasma_volume_rel": float(geo.v_plasma),
            "body.insulin_clearance_rel": float(geo.ins_clear),
            "body.hepatic_extraction": float(geo.hepatic_extraction),
            **({} if self.muscle is None else self.muscle.columns()),
            **({} if self.muscle is None else {"energy_expenditure_delta_kcal_day": self.ee_delta}),
            **({} if self.liver is None else self.liver.columns()),
        }


def _on(t: float, every: float) -> bool:
    k = round(t / every)
    return k > 0 and abs(t - k * every) < 1e-6
