"""Running a scenario end to end: the Python API behind ``sim run``.

``run(scenario)`` builds a :class:`~sim.model.PhysiologyModel`, steps it to the end, and
returns a :class:`RunResult` holding the time series, the per-cell snapshots and the summary
metrics; ``RunResult.save(dir)`` writes the CONTRACT run folder atomically.

Long runs: ``run(..., checkpoint_dir=D, checkpoint_every_min=M)`` writes a checkpoint of the
whole model every ``M`` simulated minutes (:mod:`sim.checkpoint`), and ``resume=True``
continues from the last one with a result identical to an uninterrupted run.
:func:`scenario_from_manifest` recovers the exact scenario of a saved run folder.
"""

from __future__ import annotations

import logging
import math
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Mesa before pandas: its Model class is decorated by a logger that walks the call stack
# through inspect at import, at a cost that grows with the modules loaded (~0.1 s of each
# start when pandas came first)
import mesa  # noqa: F401
import numpy as np
import pandas as pd
from tqdm import tqdm

from sim import checkpoint, io
from sim.inputs import InputError, load_json, read_text
from sim.kinetics import body as bk
from sim.metrics import summarise
from sim.model import PhysiologyModel
from sim.numerics import NumericalError
from sim.scenario import Scenario, ScenarioError, load_scenario, to_yaml

log = logging.getLogger(__name__)


class RunFailedError(RuntimeError):
    """A run stopped on a numerical failure; ``partial`` holds what was computed (None when
    the model could not even be built)."""

    def __init__(self, message: str, partial: RunResult | None) -> None:
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
    provenance: dict[str, Any] = field(default_factory=dict)
    """Extra manifest entries: checkpointing and resumes, the manifest a re-run reproduces."""

    def manifest(self) -> dict[str, Any]:
        return io.manifest(
            to_yaml(self.scenario),
            self.scenario.seed,
            self.scenario.cells.model_dump(),
            self.wall_seconds,
            self.status,
            self.provenance,
        )

    def save(
        self,
        out: str | Path,
        force: bool = False,
        figures: Callable[[Path], object] | None = None,
        protect: tuple[Path, ...] = (),
    ) -> Path:
        """Write the run folder atomically; ``figures(folder)`` may draw into it first
        (the command line passes :func:`sim.viz.plot_run`). ``force`` replaces only a run
        folder of this project, never one holding a file of ``protect``
        (:func:`sim.io.check_destination`)."""
        files = {
            "scenario.yaml": to_yaml(self.scenario),
            "manifest.json": self.manifest(),
            "timeseries.parquet": self.timeseries,
            "cells.parquet": self.cells,
            "summary.json": self.summary,
        }
        if self.model is not None and self.model.remodel is not None:
            files["remodel.json"] = self.model.remodel.export()  # issue 26: the depot graph
        return io.write_run(Path(out), files, force=force, figures=figures, protect=protect)


def glucose_balance_error(
    x0: np.ndarray, x1: np.ndarray, v_ecw0: float = 1.0, v_ecw1: float = 1.0
) -> float:
    """Relative whole-body glucose mass-balance error over the run.

    |change in the glucose pools - (inflows - outflows)| / total throughput, where flows are
    integrated alongside the state (accumulators), so the check is independent of recording.
    ``v_ecw0``, ``v_ecw1``: the glucose space relative to the start at ``x0`` and ``x1`` (a
    remodelled body's, :mod:`sim.remodel.body`): plasma glucose is counted as an amount.
    """
    i = bk.IDX
    d = x1 - x0
    plasma = x1[i["q_glc"]] * v_ecw1 - x0[i["q_glc"]] * v_ecw0
    pools = plasma + d[i["q_gt"]]
    inflow = d[i["acc_egp"]] + d[i["acc_ra"]] + d[i["acc_gir"]] + d[i["acc_infusion"]]
    outflow = (
        d[i["acc_muscle"]]
        + d[i["acc_adipose"]]
        + d[i["acc_liver"]]
        + d[i["acc_other"]]
        + d[i["acc_renal"]]
    )
    return float(abs(pools - (inflow - outflow)) / max(inflow + outflow, 1e-12))


def _result(model: PhysiologyModel, wall_s: float, status: str, prov: dict) -> RunResult:
    ts = model.recorder.timeseries()
    err = glucose_balance_error(model.recorder.x0, model.x, 1.0, model.ctx.geo.v_ecw)
    summary = summarise(ts, model.scenario.protocol, err) if len(ts) > 1 else {}
    return RunResult(
        model.scenario, ts, model.recorder.cells(), summary, wall_s, status, model, prov
    )


def kernel_used(scn: Scenario) -> dict[str, Any]:
    """What advances the cells in a run of ``scn``, for its manifest: ``kernel`` (``numba``:
    the compiled per-cell kernel; ``numpy``: the fallback; ``agent-python`` /
    ``agent-numba``: the per-agent engine's cell kernel), ``kernel_threads`` (threads the
    compiled kernel may use; results are the same for any number), for the numpy
    fallback, ``kernel_note`` (why), and with numba ``body_kernel`` (``numba``: the body's
    RK4 compiled too, :mod:`sim.kinetics.body_compiled`; ``python``: it could not be made,
    ``body_note`` says why)."""
    from sim.engine import default_kernel
    from sim.kinetics import compiled

    if scn.engine == "agent":
        from sim.agents import agent_kernel

        return {"kernel": f"agent-{agent_kernel()}", "kernel_threads": 1}
    kernel = default_kernel()
    if kernel == "numba":
        from sim.kinetics import body_compiled

        try:
            threads = compiled.threads()
        except ValueError as exc:  # before anything runs: exit status 2, not a traceback
            raise ScenarioError(str(exc)) from None
        body = body_compiled.unavailable_reason()
        if body is None:
            return {"kernel": kernel, "kernel_threads": threads, "body_kernel": "numba"}
        return {
            "kernel": kernel,
            "kernel_threads": threads,
            "body_kernel": "python",
            "body_note": body,
        }
    forced = os.environ.get("SIM_KERNEL", "").strip().lower() == "numpy"
    note = "SIM_KERNEL=numpy" if forced else compiled.unavailable_reason()
    return {"kernel": kernel, "kernel_threads": 1, "kernel_note": note}


def kernel_line(record: dict[str, Any]) -> str:
    """The one line ``sim run`` prints about the kernel (:func:`kernel_used`)."""
    from sim.kinetics import compiled

    kernel = record["kernel"]
    if kernel == "numba":
        threads = record["kernel_threads"]
        body = (
            "the body's RK4 compiled too"
            if record.get("body_kernel", "numba") == "numba"
            else f"the body in Python: {record.get('body_note')}"
        )
        return (
            f"kernel: numba (compiled per-cell RK4; {threads} thread{'s' * (threads != 1)} "
            f"for tissues of {compiled.PARALLEL_MIN_CELLS:,} cells or more; {body})"
        )
    if kernel == "numpy":
        note = record.get("kernel_note") or ""
        hint = "" if "SIM_KERNEL" in note else "; the compiled numba kernel is ~3x faster"
        return f"kernel: numpy ({note}{hint})"
    return f"kernel: {kernel} (engine: agent, each Mesa agent steps its own cell)"


BYTES_PER_CELL = {"vector": 1300, "agent": 6000}
"""Peak memory per cell of a run (bytes), from the benchmark: a whole 10^6-cell day peaks at
1.10 GiB with the vectorised engine (``benchmarks/results/memory_day_24h_numba.json``); the
per-agent engine adds a Mesa agent and its own arrays per cell."""


def available_memory() -> int | None:
    """Memory the system can give a new process now (``MemAvailable``), or None."""
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def check_resources(scn: Scenario) -> None:
    """Refuse (exit status 2), before anything is allocated, a run whose estimated memory
    exceeds what this machine has available; the message gives the estimate."""
    cells = sum(scn.cells.model_dump().values())
    need = 200 * 2**20 + cells * BYTES_PER_CELL[scn.engine]
    have = available_memory()
    if have is not None and need > 0.9 * have:
        raise ScenarioError(
            f"cells: {cells:,} cells need about {need / 2**30:.1f} GiB of memory "
            f"({BYTES_PER_CELL[scn.engine]} B per cell with engine {scn.engine}); this machine "
            f"has {have / 2**30:.1f} GiB available. Use fewer cells"
        )


def check_interval(every_min: float | None) -> None:
    """Refuse a checkpoint interval that is not a positive, finite number of minutes."""
    if every_min is not None and not (math.isfinite(every_min) and every_min > 0):
        raise ScenarioError(
            f"--checkpoint-every-min {every_min}: must be a positive number of simulated minutes"
        )


def run(
    scenario: Scenario | dict | str | Path,
    progress: bool = False,
    *,
    checkpoint_dir: str | Path | None = None,
    checkpoint_every_min: float | None = None,
    resume: bool = False,
    announce: bool = False,
) -> RunResult:
    """Run a scenario to its end, optionally checkpointing and resuming.

    Args:
        scenario: a validated scenario, a mapping or a YAML path.
        progress: show a progress bar (simulated steps) on stderr.
        checkpoint_dir: where checkpoints are written and resumed from.
        checkpoint_every_min: write a checkpoint after the step that reaches each multiple
            of this many simulated minutes (not after the last step); with ``resume`` and
            None, the interval stored in the checkpoint.
        resume: continue from the checkpoint in ``checkpoint_dir``.
        announce: print the cell kernel used (:func:`kernel_line`) on stderr; the manifest
            records it (``kernel``, ``kernel_threads``) either way.

    Raises:
        ScenarioError: invalid scenario or checkpoint request (nothing was run);
            :class:`~sim.checkpoint.CheckpointError` for a missing or foreign checkpoint.
        RunFailedError: the integration went numerically wrong; ``.partial`` has the partial
            run, and the last checkpoint stays where it was.
    """
    scn = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    check_interval(checkpoint_every_min)
    check_resources(scn)
    if (resume or checkpoint_every_min is not None) and checkpoint_dir is None:
        raise ScenarioError("checkpointing and --resume need a checkpoint folder")
    if (resume or checkpoint_every_min is not None) and scn.remodel is not None:
        raise ScenarioError(
            "remodel: checkpoints do not yet hold the remodeller's agents and graph; run "
            "without --checkpoint-every-min / --resume"
        )
    saved = checkpoint.load(checkpoint_dir, scn) if resume else None
    kernel = kernel_used(scn)
    if announce:  # before the build: a first use on a machine compiles the kernel (~15 s)
        print(kernel_line(kernel), file=sys.stderr)
    t0 = time.perf_counter()
    try:
        model = PhysiologyModel(scn)
    except (NumericalError, ZeroDivisionError, FloatingPointError, OverflowError) as exc:
        raise RunFailedError(f"building the model (fasting warm-up) failed: {exc}", None) from exc
    prov: dict[str, Any] = {}
    prior_wall = 0.0
    every = checkpoint_every_min
    chunks = [] if saved is None else saved.chunks
    if saved is not None:
        prior_wall = _continue_from(model, saved, prov)
        every = every or saved.every_min
    if every is not None:
        prov["checkpoint_every_min"] = every
    prov.update(kernel)  # this run's, also after a resume from another machine

    def wall() -> float:
        return prior_wall + time.perf_counter() - t0

    bar = tqdm(
        total=model.n_steps,
        initial=model.steps,
        unit="step",
        disable=not progress,
        leave=False,
        desc=scn.name,
    )
    try:
        _loop(model, bar, checkpoint_dir, every, wall, prov, chunks)
    except NumericalError as exc:
        raise RunFailedError(str(exc), _result(model, wall(), "failed", prov)) from exc
    finally:
        bar.close()
    log.info("run %s finished in %.1f s", scn.name, time.perf_counter() - t0)
    return _result(model, wall(), "completed", prov)


def _continue_from(
    model: PhysiologyModel, saved: checkpoint.Checkpoint, prov: dict[str, Any]
) -> float:
    """Put a checkpoint into a freshly built model and carry its manifest entries over;
    returns the wall seconds the run had taken up to the checkpoint."""
    model.load_state_dict(saved.state)
    prov.update(saved.meta.get("provenance", {}))
    prov["resumed_at_min"] = [*prov.get("resumed_at_min", []), saved.time_min]
    if saved.meta.get("source_sha256") != io.source_sha256():
        prov["resumed_with_changed_source"] = True
    log.info("resumed %s at t = %g min from %s", model.scenario.name, saved.time_min, saved.folder)
    return saved.wall_seconds


def _loop(
    model: PhysiologyModel,
    bar: tqdm,
    folder: str | Path | None,
    every: float | None,
    wall: Callable[[], float],
    prov: dict[str, Any],
    chunks: list[dict[str, Any]],
) -> None:
    """Step to the end, writing a checkpoint each time simulated time passes a multiple of
    ``every`` (the last step excepted: the run folder follows); ``chunks`` tracks the
    snapshot files already written (:func:`sim.checkpoint.save`)."""
    due = None if every is None else (math.floor(model.time_min / every + 1e-9) + 1) * every
    while model.running:
        model.step()
        bar.update()
        if due is not None and model.running and model.time_min >= due - 1e-9:
            try:
                chunks[:] = checkpoint.save(model, folder, every, wall(), prov, chunks)
                bar.set_postfix_str(f"checkpoint at {model.time_min:g} min", refresh=False)
            except OSError as exc:  # keep computing: the run folder may still be writable
                log.warning(
                    "checkpoint at t = %g min not written (%s); the last one stays in %s",
                    model.time_min,
                    exc,
                    folder,
                )
            due = (math.floor(model.time_min / every + 1e-9) + 1) * every


def scenario_from_manifest(path: str | Path) -> tuple[Scenario, dict[str, Any], list[str]]:
    """The exact scenario of a saved run, for re-running it.

    Reads ``manifest.json`` (or a run folder holding one) and the ``scenario.yaml`` beside it,
    and checks the YAML against the manifest's ``scenario_sha256``.

    Returns:
        The scenario, the recorded manifest, and how this environment differs from the
        recorded one (package version, git commit, source, Python, platform, dependency
        versions), one line each: reasons the re-run might not be bit-for-bit identical.

    Raises:
        ScenarioError: unreadable or incomplete manifest, missing or altered scenario.yaml.
    """
    path = Path(path)
    if path.is_dir():
        path = path / "manifest.json"
    try:
        manifest = load_json(read_text(path, "a manifest"), f"--from-manifest {path}")
    except InputError as exc:
        raise ScenarioError(str(exc)) from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("scenario_sha256"), str):
        raise ScenarioError(
            f"--from-manifest {path}: key scenario_sha256 missing; expected the manifest.json "
            "of a run folder written by `sim run`"
        )
    yaml_path = path.parent / "scenario.yaml"
    try:
        text = read_text(yaml_path, "the scenario beside it")
    except InputError as exc:
        raise ScenarioError(f"--from-manifest {path}: {exc}") from None
    recorded, actual = manifest["scenario_sha256"], io.sha256_text(text)
    if actual != recorded:
        raise ScenarioError(
            f"{yaml_path}: sha256 {actual[:16]}... does not match scenario_sha256 "
            f"{recorded[:16]}... in {path}: the scenario was changed after the run, so it "
            "cannot reproduce it"
        )
    scn = load_scenario(yaml_path)
    notes = io.environment_differences(manifest, io.environment())
    if checkpoint.scenario_sha256(scn) != recorded:
        notes.append(
            "scenario: this version fills in defaults the recorded scenario.yaml does not have"
        )
    return scn, manifest, notes
