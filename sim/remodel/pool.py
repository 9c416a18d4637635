"""The adipocyte pool: adipose tissue arrays with a fixed capacity and per-slot life data.

A remodelled tissue keeps its state array, its per-cell parameters and its layout at a
fixed number of columns (slots) for the whole run: a birth fills a free slot, a death
retires one, and nothing is reallocated per step. Retired and never-used slots are still
advanced by the kernel (their columns hold finite numbers) but contribute nothing to the
body: the fluxes and the recorded means use only the living slots (:meth:`flux_masks`,
``Tissue.alive``).

Each adipocyte agent stands for ``n_rep`` real adipocytes of its depot (the agent count is
resolution): lipid is kept per real cell (ug), fat mass is the sum over agents times
``n_rep``.
"""

from __future__ import annotations

import dataclasses
import math
from types import SimpleNamespace

import numpy as np
import scipy.sparse as sp

from sim.engine import Tissue
from sim.remodel import rules
from sim.types import BoolArray, FloatArray
from sim.units import PALMITATE_KG_PER_UMOL

UG_PER_KG = 1e9
FFA_KG_PER_UMOL = PALMITATE_KG_PER_UMOL
"""Palmitate as the representative fatty acid (as the body model's fat balance)."""


class AdiposePool:
    """Capacity, alive mask and life data of the adipocyte slots of one model.

    Args:
        tissue: the adipose :class:`~sim.engine.Tissue` as built (``n0`` columns); its
            arrays are widened to the capacity in place of the originals.
        geo: the body's exchange geometry (its adipocyte incidence is widened likewise).
        fat_kg: (subcutaneous, visceral) fat mass at the start.
        rp: remodelling parameters.
        capacity_factor: slots per initial adipocyte.
        rng: the model's generator (bootstrap of per-cell parameters for new slots).
    """

    def __init__(
        self,
        tissue: Tissue,
        geo: object,
        fat_kg: tuple[float, float],
        rp: SimpleNamespace,
        capacity_factor: float,
        rng: np.random.Generator,
    ) -> None:
        self.tissue, self.rp = tissue, rp
        n0 = tissue.n
        cap = max(n0 + 1, int(math.ceil(n0 * capacity_factor)))
        self.n0, self.capacity = n0, cap
        visceral0 = np.asarray(geo.visceral, dtype=float)
        self.cap_of = np.full(cap, -1, dtype=np.int64)
        self.cap_of[:n0] = geo.a_adipose.tocsr().indices[:n0] if n0 else []
        self.visceral = np.zeros(cap)
        self.visceral[:n0] = visceral0
        self.used = np.zeros(cap, bool)
        self.used[:n0] = True
        self.alive = self.used.copy()
        self.dead = np.zeros(cap, bool)
        """Died, debris not yet cleared (the node is still on the graph)."""
        self.born_min = np.full(cap, np.inf)
        self.born_min[:n0] = np.nan  # present before the run
        self.died_min = np.full(cap, np.nan)
        self.hops = np.ones(cap)
        self.debris = np.zeros(cap)
        """Fraction of the dead cell's lipid not yet scavenged."""
        self.lipid = np.zeros(cap)
        self.debris_ug = np.zeros(cap)
        # real cells per agent and the reference lipid per real cell, per depot
        total_fat = sum(fat_kg)
        self.m_ref = total_fat * UG_PER_KG / rp.adipocyte_number
        self.d_ref = float(rules.diameter_um(self.m_ref, rp))
        size = np.asarray(tissue.params.size_rel, dtype=float) * np.ones(n0)
        self.n_rep = np.zeros(2)
        self.q_kg = np.zeros(2)
        for d in (0, 1):
            sel = visceral0 == d
            n_d = int(sel.sum())
            real = rp.adipocyte_number * fat_kg[d] / total_fat if total_fat else 0.0
            self.n_rep[d] = real / n_d if n_d else 0.0
            self.q_kg[d] = fat_kg[d] / n_d if n_d else 0.0
            if n_d:
                self.lipid[:n0][sel] = self.m_ref * size[sel] / size[sel].mean()
        self.restore_kg = np.zeros(2)
        """Scavenged lipid of cleared dead cells, stored again by the depot's living cells."""
        self._widen(tissue, geo, rng)

    # ------------------------------------------------------------------ capacity

    def _widen(self, tissue: Tissue, geo: object, rng: np.random.Generator) -> None:
        """Widen the tissue arrays to the capacity. New slots take their state from the first
        cell and their per-cell parameters from a randomly drawn initial cell (a bootstrap
        that keeps each cell's parameters together)."""
        n0, cap = self.n0, self.capacity
        extra = cap - n0
        donor = rng.integers(0, n0, extra)
        tissue.y = np.concatenate([tissue.y, np.repeat(tissue.y[:, :1], extra, axis=1)], axis=1)
        tissue.params = tissue.params.replace(
            **{
                k: np.concatenate([v, v[donor]])
                for k, v in vars(tissue.params).items()
                if isinstance(v, np.ndarray) and v.ndim == 1 and v.shape[0] == n0
            }
        )
        lay = tissue.layout
        lay.nodes = np.concatenate([lay.nodes, np.full(extra, -1, dtype=lay.nodes.dtype)])
        lay.subtype = np.concatenate([lay.subtype.astype(object), np.full(extra, "unborn")])
        lay.zone = np.concatenate([lay.zone, np.zeros(extra)])
        lay.params = {k: np.concatenate([v, v[donor]]) for k, v in lay.params.items()}
        self.base = {
            "k_exo_ins": np.asarray(tissue.params.k_exo_ins, dtype=float) * np.ones(cap),
            "depot_tnf": 1.0 + 2.0 * self.visceral,  # Fain 2004, as the graph sets it
        }
        self.geo = dataclasses.replace(
            geo, a_adipose=self.incidence(geo.a_adipose.shape[1]), visceral=self.visceral.copy()
        )
        tissue.alive = self.alive.copy()

    def incidence(self, n_cap: int) -> sp.csr_matrix:
        """Slot-to-capillary incidence of the used slots (zero rows for the others)."""
        rows = np.flatnonzero(self.cap_of >= 0)
        return sp.csr_matrix(
            (np.ones(len(rows)), (rows, self.cap_of[rows])), shape=(self.capacity, n_cap)
        )

    def refresh_geometry(self) -> object:
        """The geometry with the incidence and depots of the slots as they are now."""
        self.geo = dataclasses.replace(
            self.geo,
            a_adipose=self.incidence(self.geo.a_adipose.shape[1]),
            visceral=self.visceral.copy(),
        )
        return self.geo

    def free_slot(self) -> int | None:
        free = np.flatnonzero(~self.used)
        return int(free[0]) if len(free) else None

    # ------------------------------------------------------------------ derived

    def depot_mask(self, d: int) -> BoolArray:
        return self.alive & (self.visceral == d)

    @property
    def size_rel(self) -> FloatArray:
        """Volume of each slot's cell relative to the reference cell (0 when not alive)."""
        return np.where(self.alive, self.lipid / self.m_ref, 0.0)

    def diameters(self) -> FloatArray:
        """Diameter (um) of the living cells."""
        return rules.diameter_um(self.lipid[self.alive], self.rp)

    def fat_kg(self) -> tuple[float, float]:
        """(subcutaneous, visceral) fat mass: lipid in living cells, undigested debris and
        scavenged lipid waiting to be stored again."""
        out = []
        for d in (0, 1):
            sel = self.visceral == d
            ug = float(self.lipid[sel & self.alive].sum() + self.debris_ug[sel & self.dead].sum())
            out.append(ug * self.n_rep[d] / UG_PER_KG + float(self.restore_kg[d]))
        return out[0], out[1]

    def flux_masks(self) -> tuple[BoolArray, BoolArray, float, float]:
        """Living subcutaneous and visceral slots, and the tissue mass each group's mean flux
        is scaled by: every agent stands for a fixed share of the starting depot (its
        per-cell rates already scale with its own size, through ``size_rel``)."""
        sc, visc = self.depot_mask(0), self.depot_mask(1)
        return sc, visc, float(sc.sum()) * self.q_kg[0], float(visc.sum()) * self.q_kg[1]

    def set_params(self, hyp: FloatArray, rp: SimpleNamespace) -> None:
        """Write the size- and hypoxia-dependent per-cell parameters the fast kernel reads.
        New arrays each time (the kernel's packed parameters are keyed on the objects)."""
        size = np.where(self.used, self.lipid / self.m_ref, 1.0)
        self.tissue.params = self.tissue.params.replace(
            size_rel=np.maximum(size, rp.size_rel_floor),
            k_exo_ins=self.base["k_exo_ins"] * rules.glut4_insulin_factor(size, rp),
            depot_tnf=self.base["depot_tnf"] * (1.0 + rp.w_hypoxia_tnf * hyp),
        )
        self.tissue.alive = self.alive.copy()
