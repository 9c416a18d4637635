"""Cell agents: each muscle fibre, hepatocyte and adipocyte is a Mesa agent on the graph.

Agents are thin views on their tissue's arrays: ``agent.state`` is the agent's own column, and
``agent.node("akt_p")`` reads one pathway node. In the per-agent engine, ``step()`` advances
the agent's own state with the same rate functions the vectorised engine applies to all
cells at once; it is the correctness reference and the place for per-agent Python behaviour.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mesa.discrete_space import FixedAgent

from sim.engine import advance_cells, slice_namespace
from sim.kinetics.species import index

if TYPE_CHECKING:
    from sim.engine import Tissue
    from sim.types import FloatArray


class TissueCell(FixedAgent):
    """A cell of one tissue, placed on its node of the interaction graph."""

    tissue_name = ""

    def __init__(self, model, tissue: Tissue, i: int, cell) -> None:  # noqa: ANN001
        super().__init__(model)
        self.tissue = tissue
        self.i = i
        self.cell = cell
        self.subtype = str(tissue.layout.subtype[i])
        self._params = None

    @property
    def state(self) -> FloatArray:
        """This cell's column of the tissue state (a view: writes go to the tissue array)."""
        return self.tissue.y[:, self.i]

    def node(self, species: str) -> float:
        """Current value of one pathway node of this cell."""
        return float(self.tissue.y[index(self.tissue_name)[species], self.i])

    def step(self) -> None:
        """Advance this cell over the model's current step with its own inputs."""
        u, n_sub, dt = self.model.step_inputs[self.tissue_name]
        n = self.tissue.n
        if self._params is None:
            self._params = slice_namespace(self.tissue.params, self.i, n)
        y = self.tissue.y[:, self.i : self.i + 1]
        self.tissue.y[:, self.i : self.i + 1] = advance_cells(
            self.tissue_name,
            y,
            slice_namespace(u, self.i, n),
            self._params,
            dt,
            n_sub,
            self.tissue.acc_rows,
            kernel="numpy",  # plain per-agent Python: the reference the engines are held to
        )


class Myocyte(TissueCell):
    """A skeletal-muscle fibre (type I or II) around a capillary segment."""

    tissue_name = "muscle"


class Hepatocyte(TissueCell):
    """A hepatocyte at its position along a sinusoid (periportal to pericentral)."""

    tissue_name = "liver"


class Adipocyte(TissueCell):
    """An adipocyte of a subcutaneous or visceral depot."""

    tissue_name = "adipose"


AGENT_CLASSES = {"muscle": Myocyte, "liver": Hepatocyte, "adipose": Adipocyte}
