"""Cell agents: each muscle fibre, hepatocyte and adipocyte is a Mesa agent on the graph.

Agents are thin views on their tissue's arrays: ``agent.state`` is the agent's own column, and
``agent.node("akt_p")`` reads one pathway node. In the per-agent engine (``engine: agent``)
each agent's ``step()`` advances its own state, the way a Mesa user writes it: it reads its
column as Python floats, runs RK4 on them with the tissue's rate laws evaluated on numbers
(the per-cell copy of the very same source, :func:`sim.kinetics.compiled.python_laws`; no
second copy of any law) and writes the column back. It is the correctness reference the
vectorised engine is tested against and the place for per-agent Python behaviour.

``SIM_AGENT_KERNEL=numba`` (or ``TissueCell.kernel = "numba"``) makes each ``step()`` call
the compiled single-cell kernel instead (a benchmark baseline: per-agent Mesa with a
compiled cell).
"""

from __future__ import annotations

import os
from types import SimpleNamespace
from typing import TYPE_CHECKING

import numpy as np
from mesa.discrete_space import CellAgent, FixedAgent

from sim.kinetics import compiled
from sim.kinetics.species import index
from sim.remodel import rules

if TYPE_CHECKING:
    from sim.engine import Tissue
    from sim.types import FloatArray

AGENT_KERNELS = ("python", "numba")


def agent_kernel() -> str:
    """The per-agent engine's cell kernel: ``python`` (Python floats, the default) or
    ``numba`` (the compiled single-cell kernel called from each ``step()``), from
    ``SIM_AGENT_KERNEL``; ``numba`` falls back to ``python`` where numba cannot import."""
    kind = os.environ.get("SIM_AGENT_KERNEL", "python").strip().lower() or "python"
    if kind not in AGENT_KERNELS:
        raise ValueError(f"SIM_AGENT_KERNEL={kind!r}: must be one of {', '.join(AGENT_KERNELS)}")
    return "numba" if kind == "numba" and compiled.available() else "python"


class _StepInputs:
    """What every agent of one tissue shares in one model step, prepared by the first agent
    that steps: the inputs as numbers, and which of them differ between cells."""

    def __init__(self, tissue: Tissue, u: SimpleNamespace, kernel: str) -> None:
        self.u, self.kernel = u, kernel
        values = vars(u)
        self.per_cell = {
            k: v.tolist() for k, v in values.items() if isinstance(v, np.ndarray) and v.ndim > 0
        }
        # one mutable namespace of floats; each agent puts its own local values in before it
        # steps (agents step one after another)
        self.cell_u = SimpleNamespace(
            **{k: float(v) for k, v in values.items() if k not in self.per_cell}
        )
        self.reset = tuple(i in set(tissue.acc_rows) for i in range(tissue.y.shape[0]))
        if kernel == "numba":
            self.mod, self.us, self.uc, _, _ = compiled.bind(
                tissue.name, tissue.n, u, tissue.params, tissue.acc_rows
            )


class TissueCell(FixedAgent):
    """A cell of one tissue, placed on its node of the interaction graph."""

    tissue_name = ""
    kernel: str | None = None
    """``python`` or ``numba``; None: :func:`agent_kernel` (``SIM_AGENT_KERNEL``)."""

    def __init__(self, model, tissue: Tissue, i: int, cell) -> None:  # noqa: ANN001
        super().__init__(model)
        self.tissue = tissue
        self.i = i
        self.cell = cell
        self.subtype = str(tissue.layout.subtype[i])
        self._params = None
        self._packed = None

    @property
    def state(self) -> FloatArray:
        """This cell's column of the tissue state (a view: writes go to the tissue array)."""
        return self.tissue.y[:, self.i]

    def node(self, species: str) -> float:
        """Current value of one pathway node of this cell."""
        return float(self.tissue.y[index(self.tissue_name)[species], self.i])

    def params(self) -> SimpleNamespace:
        """This cell's parameters as Python floats (made at the first step and kept)."""
        if self._params is None:
            i = self.i
            self._params = SimpleNamespace(
                **{
                    k: float(v[i]) if isinstance(v, np.ndarray) and v.ndim == 1 else float(v)
                    for k, v in vars(self.tissue.params).items()
                }
            )
        return self._params

    def _shared(self, u: SimpleNamespace, kernel: str) -> _StepInputs:
        """This step's :class:`_StepInputs` of the agent's tissue, kept on the model (so
        they go with it) and made again when the model hands out new inputs."""
        shared = self.model.__dict__.setdefault("_agent_step_inputs", {})
        hit = shared.get(self.tissue_name)
        if hit is None or hit.u is not u or hit.kernel != kernel:
            hit = shared[self.tissue_name] = _StepInputs(self.tissue, u, kernel)
        return hit

    def step(self) -> None:
        """Advance this cell over the model's current step with its own inputs."""
        u, n_sub, dt = self.model.step_inputs[self.tissue_name]
        kernel = self.kernel or agent_kernel()
        shared = self._shared(u, kernel)
        y, i = self.tissue.y, self.i
        if kernel == "numba":
            self._step_compiled(shared, n_sub, dt)
            return
        cell_u = shared.cell_u
        for k, values in shared.per_cell.items():
            setattr(cell_u, k, values[i])
        advance = compiled.python_cell_kernel(self.tissue_name)
        y[:, i] = advance(y[:, i].tolist(), shared.reset, cell_u, self.params(), dt, n_sub)

    def _step_compiled(self, shared: _StepInputs, n_sub: int, dt: float) -> None:
        """The compiled single-cell kernel on this cell's column (baseline (b))."""
        i = self.i
        if self._packed is None:
            _, _, scalars, cells = compiled.pack_params(self.tissue.params)
            self._packed = (scalars, np.ascontiguousarray(cells[:, i : i + 1]))
        scalars, cells = self._packed
        y = np.ascontiguousarray(self.tissue.y[:, i : i + 1])
        out = np.empty_like(y)
        uc = np.ascontiguousarray(shared.uc[:, i : i + 1])
        shared.mod.advance_range(y, out, 0, 1, shared.us, uc, scalars, cells, dt, n_sub)
        self.tissue.y[:, i] = out[:, 0]


class Myocyte(TissueCell):
    """A skeletal-muscle fibre (type I or II) around a capillary segment.

    In a remodelling run with muscle (:mod:`sim.remodel.muscle`, R3) it grows and shrinks
    with its own protein balance and may turn from type II to type I."""

    tissue_name = "muscle"

    def _fibres(self):  # noqa: ANN202
        rm = getattr(self.model, "remodel", None)
        return None if rm is None else rm.muscle

    @property
    def csa_um2(self) -> float:
        """Cross-sectional area (um2) in a remodelling run with muscle; NaN otherwise."""
        mr = self._fibres()
        return float("nan") if mr is None else float(mr.csa[self.i])

    @property
    def type_I(self) -> bool:
        """Whether the fibre is type I (slow, oxidative) now."""
        return bool(np.asarray(self.tissue.params.is_type_I)[self.i] > 0)


class Hepatocyte(TissueCell):
    """A hepatocyte at its position along a sinusoid (periportal to pericentral).

    In a remodelling run with hepatocyte lipid (:mod:`sim.remodel.liver`) it carries its
    triglyceride, which feeds its DAG -> PKC-epsilon arm."""

    tissue_name = "liver"

    @property
    def lipid_pct(self) -> float:
        """Triglyceride (% of liver weight) in a remodelling run with liver; NaN otherwise."""
        rm = getattr(self.model, "remodel", None)
        hl = None if rm is None else rm.liver
        return float("nan") if hl is None else float(hl.lipid[self.i])


class Adipocyte(TissueCell):
    """An adipocyte of a subcutaneous or visceral depot.

    In a remodelling run (:mod:`sim.remodel`) it grows and shrinks with its lipid, may die
    (``dead``: its debris stays on its node, attracting macrophages, until they clear it and
    the agent and its node leave the model) and is born from a :class:`Preadipocyte`.
    """

    tissue_name = "adipose"
    dead = False


class Preadipocyte(FixedAgent):
    """An adipocyte precursor on the perivascular node of a depot capillary (R1): it
    differentiates, with its own rate, into a new adipocyte beside it and stays."""

    def __init__(self, model, cell, capillary: int, visceral: bool) -> None:  # noqa: ANN001
        super().__init__(model)
        self.cell = cell
        self.capillary = capillary
        self.visceral = visceral


class Macrophage(CellAgent):
    """An adipose tissue macrophage (R2): recruited from blood at a depot capillary, it
    moves along graph edges up the chemoattractant gradient, stays at a dead adipocyte
    while it scavenges it, polarises between resolving (M2, ``m1`` = 0) and inflammatory
    (M1, ``m1`` = 1) with local signals, and leaves with a constant hazard."""

    def __init__(self, model, cell, born_min: float) -> None:  # noqa: ANN001
        super().__init__(model)
        self.cell = cell
        self.born_min = born_min
        self.m1 = 0.0
        self.gone = False

    def remodel_step(self, rm, days: float, moves: int, anti: float) -> None:  # noqa: ANN001
        """One slow step: move, polarise, perhaps leave (``rm``: the remodeller)."""
        rng = self.model.rng
        for _ in range(moves):
            if rm.node_is_dead(self.cell.coordinate):
                break  # engulfing the dead cell's lipid
            self._move_up(rm.field, rng, rm.rp.chemotaxis_floor)
        at_dead = rm.node_is_dead(self.cell.coordinate)
        target = rules.m1_target(rm.local_ffa_mM(self.cell.coordinate), at_dead, anti, rm.rp)
        self.m1 += (target - self.m1) * float(rules.chance(rm.rp.k_m1, days))
        if not at_dead and rng.random() < float(rules.chance(rm.rp.k_macrophage_out, days)):
            self.gone = True
            self.remove()

    def _move_up(self, field: dict[int, float], rng, floor: float) -> None:  # noqa: ANN001
        """One hop (or none) along an edge of the depot, drawn with weight rising with the
        chemoattractant at the destination (a biased random walk up the gradient)."""
        g = self.model.graph
        here = self.cell
        options = [here] + [
            c for c in here.neighborhood if g.nodes[c.coordinate].get("tissue") == "adipose"
        ]
        w = np.array([(field.get(c.coordinate, 0.0) + floor) ** 2 for c in options])
        pick = options[int(rng.choice(len(options), p=w / w.sum()))]
        if pick is not here:
            self.cell = pick


AGENT_CLASSES = {"muscle": Myocyte, "liver": Hepatocyte, "adipose": Adipocyte}
