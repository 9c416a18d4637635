"""Running a scenario end to end: the Python API behind ``sim run``.

``run(scenario)`` builds a :class:`~sim.model.PhysiologyModel`, steps it to the end, and
returns a :class:`RunResult` holding the time series, the per-cell snapshots and the summary
metrics; ``RunResult.save(dir)`` writes the CONTRACT run folder atomically.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from tqdm import tqdm

from sim import io
from sim.kinetics import body as bk
from sim.metrics import summarise
from sim.model import PhysiologyModel
from sim.numerics import NumericalError
from sim.scenario import Scenario, load_scenario, to_yaml

log = logging.getLogger(__name__)


class RunFailedError(RuntimeError):
    """A run stopped on a numerical failure; ``partial`` holds what was computed."""

    def __init__(self, message: str, partial: RunResult) -> None:
        super().__init__(message)
        self.partial = partial


@dataclass
class RunResult:
    """Outputs of one run (CONTRACT run folder, in memory)."""

    scenario: Scenario
    timeseries: pd.DataFrame
    cells: pd.DataFrame
    summary: dict[str, Any]
    wall_seconds: float
    status: str = "completed"
    model: PhysiologyModel | None = field(default=None, repr=False)

    def manifest(self) -> dict[str, Any]:
        return io.manifest(
            to_yaml(self.scenario),
            self.scenario.seed,
            self.scenario.cells.model_dump(),
            self.wall_seconds,
            self.status,
        )

    def save(
        self, out: str | Path, force: bool = False, figures: Callable[[Path], object] | None = None
    ) -> Path:
        """Write the run folder atomically; ``figures(folder)`` may draw into it first
        (the command line passes :func:`sim.viz.plot_run`)."""
        files = {
            "scenario.yaml": to_yaml(self.scenario),
            "manifest.json": self.manifest(),
            "timeseries.parquet": self.timeseries,
            "cells.parquet": self.cells,
            "summary.json": self.summary,
        }
        return io.write_run(Path(out), files, force=force, figures=figures)


def glucose_balance_error(x0: np.ndarray, x1: np.ndarray) -> float:
    """Relative whole-body glucose mass-balance error over the run.

    |change in the glucose pools - (inflows - outflows)| / total throughput, where flows are
    integrated alongside the state (accumulators), so the check is independent of recording.
    """
    i = bk.IDX
    d = x1 - x0
    pools = d[i["q_glc"]] + d[i["q_gt"]]
    inflow = d[i["acc_egp"]] + d[i["acc_ra"]] + d[i["acc_gir"]] + d[i["acc_infusion"]]
    outflow = (
        d[i["acc_muscle"]]
        + d[i["acc_adipose"]]
        + d[i["acc_liver"]]
        + d[i["acc_other"]]
        + d[i["acc_renal"]]
    )
    return float(abs(pools - (inflow - outflow)) / max(inflow + outflow, 1e-12))


def _result(model: PhysiologyModel, t0: float, status: str) -> RunResult:
    ts = model.recorder.timeseries()
    err = glucose_balance_error(model.recorder.x0, model.x)
    summary = summarise(ts, model.scenario.protocol, err) if len(ts) > 1 else {}
    return RunResult(
        model.scenario, ts, model.recorder.cells(), summary, time.perf_counter() - t0, status, model
    )


def run(scenario: Scenario | dict | str | Path, progress: bool = False) -> RunResult:
    """Run a scenario to its end.

    Args:
        scenario: a validated scenario, a mapping or a YAML path.
        progress: show a progress bar (simulated minutes) on stderr.

    Raises:
        ScenarioError: invalid scenario (nothing was run).
        RunFailedError: the integration went numerically wrong; ``.partial`` has the partial run.
    """
    scn = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    t0 = time.perf_counter()
    model = PhysiologyModel(scn)
    bar = tqdm(total=model.n_steps, unit="step", disable=not progress, leave=False, desc=scn.name)
    try:
        while model.running:
            model.step()
            bar.update()
    except NumericalError as exc:
        raise RunFailedError(str(exc), _result(model, t0, "failed")) from exc
    finally:
        bar.close()
    log.info("run %s finished in %.1f s", scn.name, time.perf_counter() - t0)
    return _result(model, t0, "completed")
