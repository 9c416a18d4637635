"""Agent-based simulator of insulin, GH, lipid, inflammatory and exercise signalling.

Python API (CONTRACT): ``sim.load_scenario(path_or_dict)``, ``sim.run(scenario)`` returning a
:class:`~sim.runner.RunResult` (``.timeseries``, ``.cells``, ``.summary``, ``.save(dir)``),
and the Mesa model class :class:`~sim.model.PhysiologyModel` (usable with ``mesa.batch_run``).
"""

from __future__ import annotations

from typing import Any

from sim.scenario import Scenario, ScenarioError, load_scenario

__all__ = ["PhysiologyModel", "RunResult", "Scenario", "ScenarioError", "load_scenario", "run"]


def __getattr__(name: str) -> Any:
    """Import the heavy layers (Mesa model, runner) only when they are asked for."""
    if name == "PhysiologyModel":
        from sim.model import PhysiologyModel

        return PhysiologyModel
    if name in ("run", "RunResult"):
        from sim import runner

        return getattr(runner, name)
    raise AttributeError(name)
