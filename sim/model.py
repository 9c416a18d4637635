"""The Mesa model: builds the body, the tissue graph and the cell agents, and orders a step.

``PhysiologyModel(scenario)`` wires everything: a ``mesa.discrete_space.Network`` built from
the tissue graph, one ``FixedAgent`` per cell, per-tissue state arrays, and the whole-body
compartments. ``step()`` advances simulated time (``time_min``, our own attribute) by
``dt_min``: cells first (vectorised, or each agent's own ``step()`` in the ``agent`` engine),
then the body, then recording.
"""

from __future__ import annotations

import dataclasses
import logging
from functools import cached_property

import mesa
import networkx as nx
import numpy as np
from mesa.discrete_space import Network

from sim import engine as en
from sim import limits, numerics, warmcache
from sim.agents import AGENT_CLASSES
from sim.graph import build as build_graph
from sim.interventions import BodyAccess, event_kind
from sim.interventions import of as ivkind
from sim.kinetics import body as bk
from sim.kinetics.species import TISSUE_SPECIES, TISSUES
from sim.parameters import PHENOTYPES, BodyParams, tissue_params
from sim.recorder import Recorder, StepReporters
from sim.remodel import settle
from sim.remodel.core import Remodeller
from sim.scenario import Scenario, load_scenario
from sim.signals import build_schedule
from sim.units import MG_DL_PER_MM_GLC, PMOL_PER_UU_INSULIN

log = logging.getLogger(__name__)
WARMUP_MIN = limits.WARMUP_MIN
"""Coupled pre-run (fasting, free-living) that brings fast states to the overnight-fasted
steady state before t = 0 (counted in the step bound of :mod:`sim.limits`)."""
PREWARM_MIN = 180.0
"""Cells-only pre-run at fasting reference inputs before the coupled warm-up."""
SIGNED_BODY = {"clamp_int"}


class PhysiologyModel(mesa.Model):
    """Agent-based model of insulin/GH/lipid/inflammatory/exercise signalling in a body.

    Args:
        scenario: a validated :class:`Scenario`, a mapping or a YAML path.
        **overrides: ``KEY=VALUE`` style overrides (dotted keys), as used by
            ``mesa.batch_run``; e.g. ``{"parameters.muscle.glut4_total": 1.2}``.
    """

    def __init__(self, scenario: Scenario | dict | str | None = None, **overrides: object):
        seed_kw = overrides.pop("seed", None)
        overrides.pop("rng", None)
        scn = (
            scenario
            if isinstance(scenario, Scenario)
            else load_scenario(
                scenario if scenario is not None else {"name": "default", "duration_min": 60.0},
                [f"{k}={v}" for k, v in overrides.items()],
                seed=None if seed_kw is None else int(seed_kw),
            )
        )
        super().__init__(rng=scn.seed)
        self.scenario = scn
        self.time_min = 0.0
        self.dt = scn.dt_min
        params = {**PHENOTYPES[scn.subject.phenotype], **scn.parameters}
        params.setdefault("body.body_mass_kg", scn.subject.body_mass_kg)
        params.setdefault("body.height_cm", scn.subject.height_cm)
        bp = en.body_params(params)  # frozen (sim.parameters.BodyParams)
        type_i = params.get(
            "muscle.type_I_fraction", tissue_params("muscle")["type_I_fraction"].value
        )
        counts = scn.cells.model_dump()
        tg = build_graph(
            counts,
            type_i,
            bp.visceral_fraction,
            bp.hepatic_extraction,
            scn.heterogeneity_cv,
            self.rng,
            {k[len("layout.") :]: v for k, v in params.items() if k.startswith("layout.")},
        )
        # The networkx graph and the Mesa space are assembled when the agents are placed
        # on them (end of construction); the engine needs only the arrays and operators.
        self._tissue_graph = tg
        self._space: Network | None = None
        self._agents_built = False
        self.tissues = {}
        for t in TISSUES:
            p = en.build_params(
                t, _knockouts(scn, t, params), tg.layouts[t], scn.heterogeneity_cv, self.rng
            )
            self.tissues[t] = en.Tissue(t, en.initial_state(t, counts[t], p), p, tg.layouts[t], 0.0)
        # The schedule (GH pulse-generator draws) has its own stream: it must not depend on
        # cell counts.
        sch = build_schedule(scn, np.random.default_rng([scn.seed, 1]), bp)
        self.ctx = en.RunContext(
            bp=bp,
            sch=sch,
            geo=tg.geometry,
            masses=bk.masses(bp),
            medium=scn.protocol if _is_medium(scn) else None,
        )
        # What changes from step to step besides the states, owned here and passed to the
        # engine's functions explicitly: the last step's cell fluxes, and for remodelled
        # tissues (sim.remodel) the adipocyte pool and the muscle fibres' mass shares.
        self.last_flux: bk.CellFluxes | None = None
        self.adipose_pool = None
        self.muscle_weights: np.ndarray | None = None
        for t, tissue in self.tissues.items():
            tissue.mass_kg = {
                "muscle": self.ctx.masses.muscle,
                "liver": self.ctx.masses.liver,
                "adipose": self.ctx.masses.fat_sc0 + self.ctx.masses.fat_visc0,
            }[t]
        self.x = self._initial_body()
        self.step_inputs: dict[str, tuple] = {}
        # R1/R2: remodelling (opt-in): agents exist from the start and the adipose arrays
        # keep a capacity with an alive mask (sim.remodel)
        self.remodel = None if scn.remodel is None else Remodeller(self, scn.remodel, params)
        # The cells' Mesa agents, placed on the graph: a view on their tissue's arrays, the
        # way a user reads or changes one cell (agent.state, agent.params).
        self._materialise_agents()
        self.warm_start = self._warm_start()

    def _warm_start(self) -> str:
        """Reach the state at t = 0: the fasting warm-up, then the first record; or that
        same state loaded from the warm-state cache (:mod:`sim.warmcache`) when an entry
        with this model's key exists. Returns ``"cache"`` or ``"computed"``."""
        key = warmcache.key(self, (WARMUP_MIN, PREWARM_MIN))
        if self._from_warm_cache(key):
            return "cache"
        with warmcache.computing(key):  # another process warming up the same key: wait
            if self._from_warm_cache(key):  # it did, while this one waited
                return "cache"
            self._warm_up()
            if self.remodel is not None:
                self.remodel.sync_body()  # the warm-up's body must not move the cells' fat
            self.recorder = Recorder(self)
            self.recorder.record(force_cells=True)
            if key is not None:
                warmcache.store(self, key)
        return "computed"

    def _from_warm_cache(self, key: str | None) -> bool:
        """Load the warmed-up state stored under ``key``, if there is one that fits."""
        state = warmcache.load(key) if key is not None else None
        if state is None:
            return False
        self.recorder = Recorder(self)
        return warmcache.restore(self, state)

    @property
    def datacollector(self) -> StepReporters:
        """Mesa's ``DataCollector`` interface (``model_vars``, ``get_model_vars_dataframe``;
        what ``mesa.batch_run`` reads) over the recorder's per-step reporters
        (:data:`sim.recorder.STEP_REPORTERS`): nothing is collected twice."""
        return StepReporters(self.recorder)

    # ------------------------------------------------------------------ graph, space, agents

    @property
    def graph(self) -> nx.Graph:
        """The tissue interaction graph (networkx), assembled once."""
        return self._tissue_graph.graph

    @property
    def space(self) -> Network:
        """The ``mesa.discrete_space.Network`` over :attr:`graph` (built at construction)."""
        if self._space is None:
            self._space = Network(self.graph, random=self.random)
        return self._space

    def _materialise_agents(self) -> None:
        """One Mesa agent per cell, placed on its node; a view on its tissue's arrays.

        Agents own no state of their own (they read and write their column of the tissue
        array), so the vectorised engine's arithmetic does not go through them; they are
        how a user reads or changes one cell, and the remodelling rules' cells that are
        born, die and move (:mod:`sim.remodel`). Built once, at construction.
        """
        if self._agents_built:
            return
        self._agents_built = True
        cells = self.space._cells
        for t, tissue in self.tissues.items():
            cls = AGENT_CLASSES[t]
            for i, node in enumerate(tissue.layout.nodes.tolist()):
                if node >= 0:  # a remodelled tissue's unused slots have no node yet
                    cls(self, tissue, i, cells[node])

    # ------------------------------------------------------------------ set-up

    def _initial_body(self) -> np.ndarray:
        return initial_body(self.ctx.bp, self.ctx.masses, self.ctx.geo.n_isf)

    def update_context(self, **changes: object) -> None:
        """Replace fields of the run's (frozen) context, e.g. the geometry of a remodelled
        tissue: ``model.update_context(geo=new_geometry)``."""
        self.ctx = dataclasses.replace(self.ctx, **changes)

    def _warm_up(self) -> None:
        """Bring the cells, then cells and body together, to the fasting steady state."""
        x0 = self.x.copy()
        self.last_flux = None
        sch_saved, medium_saved = self.ctx.sch, self.ctx.medium
        warm_medium = medium_saved
        if medium_saved is not None:  # pre-equilibrate in medium without hormones
            warm_medium = medium_saved.model_copy(
                update={"insulin_nM": 0.0, "gh_ug_l": 0.0, "tnf_pg_ml": 0.0}
            )
        self.update_context(sch=sch_saved.fasting, medium=warm_medium)
        t = -(WARMUP_MIN + PREWARM_MIN)
        while t < -WARMUP_MIN - 1e-9:
            self._advance_cells(t, 2.0)
            self.x = x0.copy()
            t += 2.0
        while t < -1e-9:
            self._advance(t, self.dt)
            t += self.dt
        self.update_context(sch=sch_saved, medium=medium_saved)
        if self.remodel is not None and self.scenario.remodel.settle_days > 0:
            self._settle()

    def _settle(self) -> None:
        """A remodelling run: ``remodel.settle_days`` days of the scenario's daily routine
        after the fasting warm-up, so that day 0 starts at the daily steady state
        (:mod:`sim.remodel.settle`); no remodelling happens in them."""
        saved = self.ctx.sch
        self.update_context(sch=settle.routine_schedule(self.scenario, self.ctx.bp, saved))
        end = self.scenario.remodel.settle_days * settle.DAY_MIN
        t = 0.0
        while t < end - 1e-9:
            self._advance(t, self.dt)
            t = round(t + self.dt, 9)
        self.update_context(sch=saved)

    # ------------------------------------------------------------------ stepping

    def _advance_cells(self, t: float, dt: float, x_mid: np.ndarray | None = None) -> None:
        """Advance every cell over ``dt`` with the inputs of the body state ``x_mid``
        (a midpoint prediction; the current state when not given)."""
        x = self.x if x_mid is None else x_mid
        base = en.systemic_inputs(t + 0.5 * dt, x, self.ctx)
        for name, tissue in self.tissues.items():
            u = en.tissue_inputs(t + 0.5 * dt, x, self.ctx, tissue, base, self.last_flux)
            try:
                n_sub = en.cell_substeps(dt, tissue, u)
            except numerics.NumericalError as exc:
                raise numerics.NumericalError(f"t={t:.2f} min, {name}: {exc}") from None
            if self.scenario.engine == "agent":
                self.step_inputs[name] = (u, n_sub, dt)
                self.agents_by_type[AGENT_CLASSES[name]].do("step")
            else:
                tissue.y = en.advance_cells(
                    name, tissue.y, u, tissue.params, dt, n_sub, tissue.acc_rows
                )
            numerics.check_state(tissue.y, name, t + dt, tissue.names)
            numerics.check_fractions(
                tissue.y, self._fraction_rows[name], name, t + dt, tissue.names
            )

    @cached_property
    def _fraction_rows(self) -> dict[str, list[int]]:
        """Rows of each tissue's species declared a fraction (bounded by 1)."""
        return {
            name: [i for i, s in enumerate(TISSUE_SPECIES[name]) if s.unit == "fraction"]
            for name in self.tissues
        }

    def _advance(self, t: float, dt: float) -> None:
        """One split step: predict the body at mid-step with the last fluxes, advance the
        cells with the mid-step inputs, then advance the body with the cells' fluxes
        (second-order coupling; the body sees exactly the glucose the cells took up)."""
        self._apply_events(t, t + dt)
        x_mid = None
        if self.ctx.medium is None and self.last_flux is not None:
            x_mid = en.advance_body(t, self.x, self.last_flux, self.ctx, 0.5 * dt)
        self._advance_cells(t, dt, x_mid)
        cf = en.cell_fluxes(
            self.tissues, self.x, dt, self.ctx, self.adipose_pool, self.muscle_weights
        )
        prev, self.last_flux = self.last_flux, cf
        self.x_prev = self.x
        if self.ctx.medium is None:
            self.x = en.advance_body(t, self.x, cf, self.ctx, dt, prev)
        self._check_body(t + dt)

    @cached_property
    def _body_checked(self) -> tuple[np.ndarray, list[str]]:
        """Mask of the body entries that must stay non-negative, and their names."""
        mask = np.ones(len(self.x), bool)
        mask[[bk.IDX[n] for n in SIGNED_BODY]] = False
        names = [n for n in bk.SCALARS if n not in SIGNED_BODY] + [
            f"isf_{i}" for i in range(len(self.x) - bk.N_SCALARS)
        ]
        return mask, names

    def _check_body(self, t: float) -> None:
        """Positivity and finiteness of the body state, except its signed entries."""
        mask, names = self._body_checked
        part = self.x[mask]
        numerics.check_state(part, "body", t, names)
        self.x[mask] = part

    def _apply_events(self, t0: float, t1: float) -> None:
        """Boluses due in [t0, t1) (meals into the stomach, iv glucose, GH, peptide depots),
        each applied by its intervention kind (:mod:`sim.interventions`); and a clamp at
        ``basal`` glucose takes the subject's glucose when it starts."""
        x, sch = self.x, self.ctx.sch
        clamp = sch.clamp
        if clamp is not None and clamp.glucose is None and t0 <= clamp.start < t1:
            x[bk.IDX["clamp_glc"]] = bk.glucose_mM(x, self.ctx.bp)  # basal: hold this level
        # H1: bursts the hazard has reached (a stochastic event between steps)
        gain = sch.modulator("gh_secretion", "all", t0)
        bk.fire_gh_pulses(
            x,
            sch.gh_pulses,
            gain,
            self.ctx.bp,
            bk.sleep_metab_gate(t0, sch, self.ctx.bp),
            max_age=self.dt,
        )
        due = sch.due(t0, t1)
        if due:
            before = x.copy() if self.remodel is not None else None
            body = BodyAccess(x, bk.IDX, self.ctx.bp, self.ctx.masses.body)
            for ev in due:  # each event applied by the registered kind that schedules it
                event_kind(ev.kind).apply_event(ev, body)
            if before is not None:  # a remodelled body: a bolus spreads in today's volume
                for name, field in bk.VOLUME_OF.items():
                    i = bk.IDX[name]
                    x[i] = before[i] + (x[i] - before[i]) / getattr(self.ctx.geo, field)

    def step(self) -> None:
        """Advance the model by one ``dt_min`` and record when due. In a remodelling run the
        remodeller then takes its slow step when one is due, and at the start of a day its
        multi-rate scheme leaves out, this step jumps to the next simulated day instead."""
        rm = self.remodel
        if rm is not None and rm.skip_due(self.time_min):
            self.time_min = rm.skip()
        else:
            self._advance(self.time_min, self.dt)
            self.time_min = round(self.time_min + self.dt, 9)
            if rm is not None:
                rm.after_step()
        self.recorder.record()  # every step: the per-step reporters mesa.batch_run reads
        if self.time_min >= self.scenario.duration_min - 1e-9:
            self.running = False

    @property
    def n_steps(self) -> int:
        return int(round(self.scenario.duration_min / self.dt))

    def state_dict(self):  # noqa: ANN201
        """Everything that changes while the model runs, for a checkpoint
        (:func:`sim.checkpoint.model_state`)."""
        from sim.checkpoint import model_state

        return model_state(self)

    def load_state_dict(self, state) -> None:  # noqa: ANN001
        """Continue from ``state``, taken from a model built from the same scenario
        (:func:`sim.checkpoint.load_model_state`; refuses a different model)."""
        from sim.checkpoint import load_model_state

        load_model_state(self, state)


def initial_body(bp: BodyParams, masses: bk.Masses, n_isf: tuple[int, int]) -> np.ndarray:
    """The body state the fasting warm-up starts from: overnight-fasted plasma levels
    (``init_*`` body parameters), secretion and the slow glucose pool at their balance with
    them, hypothalamic regulators at their expression level, the depots' fat, IGF-1 at the
    reference subject's level, and interstitial insulin of the ``n_isf`` muscle and adipose
    capillary nodes at a fixed share of plasma insulin."""
    x = np.zeros(bk.N_SCALARS + sum(n_isf))
    glc = bp.init_glucose_mM * MG_DL_PER_MM_GLC * bp.vg_dl_kg
    ins = bp.init_insulin_uU * PMOL_PER_UU_INSULIN * bp.vi_l_kg
    ref = {
        "q_glc": glc,
        "q_gt": glc * bp.k_glc_pt / bp.k_glc_tp,
        "ins_p": ins,
        "beta_y": ins * bp.k_ins_clear / (1 - bp.hepatic_extraction),
        "rrp": 1.0,
        "g_adapt": bp.init_glucose_mM,
        "ffa": bp.init_ffa_mM * bp.vffa_l_kg * 1000.0,
        "gh": bp.init_gh_ug_l * bp.gh_vd_l_kg,
        "gh_pool": 1.0,
        "ghrh": bp.ghrh_expr,
        "sst": bp.sst_expr,
        "ghrelin": bp.ghrelin_expr * bp.ghrelin_basal_pg_ml,
        "igfbp1": 1.0,
        "igf1": bp.igf1_ref_ug_l,
        "cort": bp.init_cortisol_nM,
        "tnf": bp.init_tnf_pg_ml * bp.tnf_v_ml_kg,
        "fat_sc": masses.fat_sc0,
        "fat_visc": masses.fat_visc0,
        "gcg": bp.gcg_basal_pg_ml * bp.alpha_capacity,
        "adr": bp.adr_basal_pg_ml * bp.adrenal_capacity,
        "nor": bp.nor_basal_pg_ml,
        "bhb": bp.bhb_ref_mM,
    }
    for k, v in ref.items():
        x[bk.IDX[k]] = v
    x[bk.N_SCALARS :] = bp.init_insulin_uU * PMOL_PER_UU_INSULIN * bp.init_isf_insulin_ratio
    return x


def _is_medium(scn: Scenario) -> bool:
    return scn.protocol is not None and scn.protocol.kind == "medium"


def _knockouts(scn: Scenario, tissue: str, params: dict[str, float]) -> dict[str, float]:
    """Parameters with the interventions' factors (knockouts) applied for ``tissue``."""
    out = dict(params)
    for iv in scn.interventions:
        for key, factor in ivkind(iv).parameter_factors(iv, tissue).items():
            out[key] = out.get(key, 1.0) * factor
    return out
