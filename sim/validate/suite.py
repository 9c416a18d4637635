"""The registry of targets and their execution: every scenario of every selected target and
seed is one job; jobs run in parallel worker processes (most expensive first), then each
target is measured and judged per seed. Reference SBML runs happen once per target."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Mapping
from concurrent.futures import ProcessPoolExecutor, as_completed
from multiprocessing import get_context
from typing import Any

from tqdm import tqdm

from sim.parameters import all_params
from sim.scenario import ScenarioError, unknown_parameter
from sim.validate import reference as ref
from sim.validate import (
    targets_body,
    targets_cells,
    targets_cortisol,
    targets_counterreg,
    targets_exercise,
    targets_fasting,
    targets_gh,
    targets_ghaxis,
    targets_ghstim,
    targets_ivgtt,
    targets_remodel,
)
from sim.validate.core import Measured, Outcome, RunData, Target, judge

log = logging.getLogger(__name__)


def all_targets() -> dict[str, Target]:
    """Every target of VALIDATION.md (V01-V17), of issue 22 (V18-V22, V28-V32) and of issue
    23 (V23-V27, V33) by id, in id order (pending ones: :func:`pending_targets`)."""
    found = (
        *targets_body.TARGETS,
        *targets_cells.TARGETS,
        *targets_gh.TARGETS,
        *targets_exercise.TARGETS,
        *targets_counterreg.TARGETS,
        *targets_ghaxis.TARGETS,
        *targets_ghstim.TARGETS,
        *targets_ivgtt.TARGETS,
        *targets_cortisol.TARGETS,
        *targets_fasting.TARGETS,
    )
    return {t.id: t for t in sorted(found, key=lambda t: t.id)}


def pending_targets() -> dict[str, Target]:
    """Pre-registered targets the model does not yet pass (docs/validation.md says why),
    and the remodelling targets R01-R05 (weeks of simulated time, minutes each;
    docs/remodelling.md): run only when named (``sim validate --only V23``), never part of
    the default suite."""
    found = (
        *targets_ghaxis.PENDING,
        *targets_ghstim.PENDING,
        *targets_ivgtt.PENDING,
        *targets_counterreg.PENDING,
        *targets_exercise.PENDING,
        *targets_fasting.PENDING,
        *targets_remodel.TARGETS,
    )
    return {t.id: t for t in sorted(found, key=lambda t: t.id)}


def select(ids: Iterable[str] | None) -> list[Target]:
    """The targets named in ``ids`` (all when None); unknown ids raise ScenarioError."""
    known = all_targets()
    if not ids:
        return list(known.values())
    known = {**known, **pending_targets()}
    wanted = [i.strip().upper() for i in ids]
    bad = [i for i in wanted if i not in known]
    if bad:
        raise ScenarioError(
            f"--only: unknown target id(s) {', '.join(bad)}; allowed: {', '.join(known)}"
        )
    return [known[i] for i in dict.fromkeys(wanted)]


def check_overrides(overrides: Mapping[str, float], label: str = "parameters") -> None:
    """Every key a known dotted parameter and every value inside its declared range."""
    known = all_params()
    for key, value in overrides.items():
        if key not in known:
            raise ScenarioError(f"{label}: {unknown_parameter(key)}")
        lo, hi = known[key].bounds
        if not lo <= float(value) <= hi:
            raise ScenarioError(f"{label}: {key}={value} outside its declared range [{lo}, {hi}]")


def with_overrides(scn: dict[str, Any], overrides: Mapping[str, float] | None) -> dict[str, Any]:
    """The scenario mapping with parameter overrides merged in (overrides win)."""
    if not overrides:
        return scn
    return {**scn, "parameters": {**scn.get("parameters", {}), **dict(overrides)}}


def run_job(scn: dict[str, Any]) -> RunData:
    """Run one scenario through the public API and keep what targets measure."""
    import sim

    res = sim.run(sim.load_scenario(scn))
    return RunData(res.timeseries, res.cells, res.summary, scn)


def _jobs(
    targets: list[Target], seeds: list[int], overrides: Mapping[str, float] | None
) -> list[tuple[tuple[str, int, str], dict[str, Any], float]]:
    jobs = []
    for t in targets:
        for seed in seeds:
            for name, scn in t.scenarios(seed).items():
                dur = float(scn.get("duration_min") or 0.0)
                jobs.append(((t.id, seed, name), with_overrides(scn, overrides), t.cost + dur))
    return sorted(jobs, key=lambda j: -j[2])


def _execute(jobs: list, workers: int, progress: bool) -> dict[tuple, RunData | str]:
    results: dict[tuple, RunData | str] = {}
    bar = tqdm(total=len(jobs), unit="run", disable=not progress, desc="validate", leave=False)
    try:
        if workers <= 1:
            for key, scn, _ in jobs:
                results[key] = _safe(scn)
                bar.update()
        else:
            with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
                futs = {pool.submit(_safe, scn): key for key, scn, _ in jobs}
                for fut in as_completed(futs):
                    results[futs[fut]] = fut.result()
                    bar.update()
    finally:
        bar.close()
    return results


def _safe(scn: dict[str, Any]) -> RunData | str:
    """A run, or the error that stopped it (so one failing run fails only its target)."""
    try:
        return run_job(scn)
    except Exception as exc:  # noqa: BLE001 - reported per target, never swallowed silently
        return f"{scn.get('name')}: {type(exc).__name__}: {exc}"


def reference_for(target: Target) -> Measured | None:
    """The target's libroadrunner reference run, or None (no model, or not installed)."""
    if target.reference is None or not ref.available():
        return None
    try:
        return target.reference()
    except RuntimeError as exc:  # a solver failure loses the overlay, not the target
        log.warning("%s: reference model run failed: %s", target.id, exc)
        return None


def run_targets(
    targets: list[Target],
    seeds: list[int],
    overrides: Mapping[str, float] | None = None,
    workers: int | None = None,
    progress: bool = False,
    with_reference: bool = True,
) -> list[Outcome]:
    """Run and judge ``targets`` for each seed.

    Args:
        targets: from :func:`select`.
        seeds: scenario seeds (one outcome per target and seed).
        overrides: dotted parameter overrides applied to every scenario.
        workers: worker processes (default: CPU count; 1 = in this process).
        progress: tqdm bar on stderr.
        with_reference: also run the reference SBML models.
    """
    if overrides:
        check_overrides(overrides)
    jobs = _jobs(targets, seeds, overrides)
    n = workers or os.cpu_count() or 1
    results = _execute(jobs, min(n, len(jobs)), progress)
    outcomes = []
    for t in targets:
        refm = reference_for(t) if with_reference else None
        for seed in seeds:
            runs = {k[2]: v for k, v in results.items() if k[0] == t.id and k[1] == seed}
            errors = [v for v in runs.values() if isinstance(v, str)]
            if errors:
                outcomes.append(Outcome(t, seed, [], {}, refm, error="; ".join(errors)))
                continue
            try:
                outcomes.append(judge(t, seed, t.measure(runs), refm))
            except Exception as exc:  # noqa: BLE001 - one target's bug must not lose the others
                msg = f"measuring {t.id}: {type(exc).__name__}: {exc}"
                log.warning(msg)
                outcomes.append(Outcome(t, seed, [], {}, refm, error=msg))
    return outcomes
