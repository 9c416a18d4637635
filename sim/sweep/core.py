"""The sweep driver: plan every run, execute the missing ones, commit results, analyse.

``run_sweep`` is the Python API behind ``sim sweep``; it validates the whole sweep (every
generated scenario included) before it writes anything.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from tqdm import tqdm

from sim.sweep import execute, sensitivity
from sim.sweep.design import RunTask, plan, seeding_note
from sim.sweep.results import ResultStore, atomic_parquet, atomic_text
from sim.sweep.spec import SweepSpec, load_sweep, to_yaml

log = logging.getLogger(__name__)


@dataclass
class SweepOutcome:
    """What a sweep left in its folder."""

    out: Path
    summary: pd.DataFrame
    n_runs: int
    n_ran: int
    n_failed: int
    sensitivity: pd.DataFrame | None = None


def default_out(spec: SweepSpec) -> Path:
    """``outputs/sweeps/<name>``."""
    return Path("outputs") / "sweeps" / spec.name


def prepare(source: str | Path | dict[str, Any]) -> tuple[SweepSpec, list[RunTask]]:
    """Load and validate the sweep and every scenario it generates (nothing is written)."""
    label = "<sweep>" if isinstance(source, dict) else str(source)
    spec, _ = load_sweep(source)
    return spec, plan(spec, label)


def _backend(
    tasks: list[RunTask], workers: int, scheduler: str | None
) -> Iterator[tuple[RunTask, execute.Outcome]]:
    if scheduler:
        return execute.run_dask(tasks, scheduler)
    if workers <= 1 or len(tasks) <= 1:
        return execute.run_serial(tasks)
    return execute.run_pool(tasks, min(workers, len(tasks)))


def run_sweep(
    source: str | Path | dict[str, Any],
    out: str | Path | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    resume: bool = False,
    force: bool = False,
    progress: bool = True,
) -> SweepOutcome:
    """Run a sweep (CONTRACT: Sweeps).

    Args:
        source: sweep YAML path or mapping.
        out: sweep folder (default ``outputs/sweeps/<name>``).
        workers: local processes (default: the number of cores; 1 runs in this process).
        scheduler: address of a dask.distributed scheduler; replaces the local pool.
        resume: continue an interrupted sweep in ``out``, running only the missing runs.
        force: replace an existing sweep folder.
        progress: show a progress bar on stderr.

    Raises:
        SweepError: invalid sweep file or generated scenario (nothing written).
        OutputExistsError: ``out`` exists and neither ``resume`` nor ``force`` was given.
    """
    spec, tasks = prepare(source)
    folder = Path(out) if out is not None else default_out(spec)
    store = ResultStore(folder, spec.design.names(), spec.keep)
    if scheduler:
        execute.check_scheduler(scheduler)
    inputs = (Path(source),) if isinstance(source, str | Path) else ()
    store.create(to_yaml(spec), resume=resume, force=force, protect=inputs)
    done = store.done()
    todo = [t for t in tasks if t.run_id not in done]
    log.info(
        "sweep %s: %d runs, %d to run; %s", spec.name, len(tasks), len(todo), seeding_note(spec)
    )
    t0 = time.perf_counter()
    write_manifest(folder, spec, tasks, "running")
    n_failed = execute_tasks(
        store, todo, workers or os.cpu_count() or 1, scheduler, progress, len(tasks)
    )
    summary = store.write_summary()
    write_manifest(folder, spec, tasks, "completed", summary, time.perf_counter() - t0)
    indices = None
    if spec.design.kind in ("sobol", "morris"):
        indices = _analyse(spec, summary, folder)
    return SweepOutcome(folder, summary, len(tasks), len(todo), n_failed, indices)


def write_manifest(
    folder: Path,
    spec: SweepSpec,
    tasks: list[RunTask],
    status: str,
    summary: pd.DataFrame | None = None,
    wall_seconds: float | None = None,
) -> None:
    """``manifest.json`` of a sweep folder: the code, the design's size, how runs are seeded
    (``paired`` and the seed of each replicate when they are common to every point), status."""
    from sim import io

    seeds = sorted({(t.replicate, t.seed) for t in tasks}) if spec.paired else []
    failed = int((summary["status"] != "completed").sum()) if summary is not None else None
    doc = {
        "kind": "sweep",
        "name": spec.name,
        "design": spec.design.kind,
        "keys": spec.design.names(),
        "points": len({t.point for t in tasks}),
        "replicates": spec.replicates,
        "runs": len(tasks),
        "sweep_seed": spec.seed,
        "paired": spec.paired,
        "seeding": seeding_note(spec),
        "replicate_seeds": [s for _, s in seeds],
        "status": status,
        "failed_runs": failed,
        "wall_seconds": wall_seconds,
        **io.environment(),
    }
    atomic_text(json.dumps(doc, indent=2, default=str), folder / "manifest.json")


def execute_tasks(
    store: ResultStore,
    todo: list[RunTask],
    workers: int,
    scheduler: str | None,
    progress: bool,
    total: int,
) -> int:
    """Run ``todo`` on local processes or a dask scheduler, adding each outcome to
    ``store`` as it arrives, with a progress bar over ``total`` runs; returns the number
    that failed (shared by ``sim sweep`` and ``sim compare``)."""
    failed = 0
    bar = tqdm(
        total=total,
        initial=total - len(todo),
        unit="run",
        desc=store.out.name,
        disable=not progress,
        file=sys.stderr,
        dynamic_ncols=True,
    )
    bar.set_postfix(failed=0)
    try:
        for task, outcome in _backend(todo, workers, scheduler):
            store.add(outcome)
            if outcome.record["status"] != "completed":
                failed += 1
                log.warning("run %s failed: %s", task.run_id, outcome.record["error"])
                bar.set_postfix(failed=failed)
            bar.update()
    finally:
        bar.close()
        store.write_summary()
    return failed


def _analyse(spec: SweepSpec, summary: pd.DataFrame, folder: Path) -> pd.DataFrame:
    indices = sensitivity.analyse(spec.design, summary, spec.seed)
    atomic_parquet(indices, folder / "sensitivity.parquet")
    if len(indices):
        sensitivity.plot(indices, spec.design.kind, folder / "sensitivity.png", spec.name)
    return indices
