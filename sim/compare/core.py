"""The comparison driver: plan arm x subject runs, execute them with the sweep machinery,
then compute the paired effects, the mechanism attribution and the report.

Runs execute through ``sim.sweep`` (in-process, a local process pool, or a dask.distributed
scheduler) and are committed one part file at a time, so ``--resume`` finishes a killed
comparison and ends with the same tables as an uninterrupted one.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from sim.compare import outcomes as oc
from sim.compare import spec as sp
from sim.compare.population import TRAIT_NAMES, VirtualSubject, draw_population, varied_keys
from sim.metrics import OGTT_METRICS, has_fasting_state
from sim.scenario import Scenario, ScenarioError, load_scenario
from sim.sweep import execute
from sim.sweep.core import execute_tasks
from sim.sweep.design import RunTask
from sim.sweep.execute import Outcome
from sim.sweep.results import ResultStore, atomic_parquet, atomic_text

log = logging.getLogger(__name__)
KEYS = ["arm", "subject"]


@dataclass
class Plan:
    """A validated comparison, ready to run."""

    spec: sp.StudySpec
    label: str
    arms: dict[str, Scenario]
    subjects: list[VirtualSubject]
    outcomes: list[oc.Outcome]
    tasks: list[RunTask]
    phenotype: str
    fixed_traits: dict[str, list[str]] = field(default_factory=dict)
    """Traits left out because the scenario files fix their parameters (trait -> keys)."""


@dataclass
class CompareOutcome:
    """What a comparison left in its folder."""

    out: Path
    results: pd.DataFrame
    effects: pd.DataFrame
    attribution: pd.DataFrame
    n_runs: int
    n_ran: int
    n_failed: int


def default_out(spec: sp.StudySpec) -> Path:
    """``outputs/compare/<name>``."""
    return Path("outputs") / "compare" / spec.name


def _phenotype(spec: sp.StudySpec, arms: dict[str, Scenario], label: str) -> str:
    if spec.population.phenotype is not None:
        return spec.population.phenotype
    kinds = {a: s.subject.phenotype for a, s in arms.items()}
    if len(set(kinds.values())) > 1:
        raise sp.CompareError(
            f"{label}: arms have different phenotypes ({kinds}); a paired comparison needs the "
            "same subjects in every arm: set population.phenotype"
        )
    return next(iter(kinds.values()))


def _default_metrics(arms: dict[str, Scenario]) -> list[str]:
    kinds = {s.protocol.kind if s.protocol is not None else None for s in arms.values()}
    skip = {"glucose_peak_time_min"}
    if kinds != {"clamp"}:
        skip.add("m_value_mg_kg_min")
    if kinds != {"ogtt"}:
        skip.update(OGTT_METRICS)
    if not all(has_fasting_state(s.protocol) for s in arms.values()):
        skip.add("homa_ir")
    return [m for m in oc.SUMMARY_METRICS if m not in skip]


def _task(
    a: int, arm: str, base: dict[str, Any], subj: VirtualSubject, label: str, varied: set[str]
) -> RunTask:
    drawn = {k: v for k, v in subj.subject.items() if k == "phenotype" or f"subject.{k}" in varied}
    scn = {
        **base,
        "seed": subj.seed,
        "subject": {**(base.get("subject") or {}), **drawn},
        "parameters": {**base.get("parameters", {}), **subj.parameters},
    }
    try:
        load_scenario(scn)
    except ScenarioError as exc:
        detail = str(exc).replace("<scenario>: ", "")
        raise sp.CompareError(f"{label}: arm {arm}, subject {subj.index}: {detail}") from None
    rid = f"a{a:02d}-s{subj.index:04d}"
    return RunTask(rid, a, subj.index, subj.seed, {"arm": arm, "subject": subj.index}, scn, "full")


def prepare(
    sources: list[str],
    replicates: int | None = None,
    overrides: list[str] | None = None,
    extra_outcomes: list[str] | None = None,
) -> Plan:
    """Validate a comparison (hypothesis file, or scenario files A B ...) and list its runs.

    Raises:
        CompareError: invalid input, naming the file, key, value and what is allowed.
    """
    if not sources:
        raise sp.CompareError("sim compare: give a hypothesis file or at least two scenarios")
    if replicates is not None and replicates < 2:
        raise sp.CompareError(f"--replicates {replicates}: a paired test needs at least 2")
    first = sp.read_yaml(Path(sources[0]))
    if len(sources) == 1 and sp.is_hypothesis_file(first):
        spec, root, label = sp.load_study(sources[0]), Path(sources[0]).parent, sources[0]
    elif len(sources) == 1:
        raise sp.CompareError(
            f"{sources[0]}: a scenario file alone has nothing to compare with; give two or more "
            "scenarios (the first is the control) or a hypothesis file with `arms`"
        )
    else:
        (spec, root), label = sp.study_from_scenarios(sources, replicates or 8), "sim compare"
    if replicates is not None:
        spec = spec.model_copy(update={"replicates": replicates})
    fixed: dict[str, list[str]] = {}
    if not sp.is_hypothesis_file(first):  # plain scenarios: keep what the files fix
        raw = [sp.arm_mapping(spec, arm, root, label) for arm in spec.arms]
        fixed = sp.traits_fixed_by(raw, overrides or [])
        if fixed:
            kept = [t for t in TRAIT_NAMES if t not in fixed]
            population = spec.population.model_copy(update={"traits": kept})
            spec = spec.model_copy(update={"population": population})
            log.info("traits fixed by the scenario files, not varied: %s", fixed)
    traits = spec.population.traits
    mappings: dict[str, dict[str, Any]] = {}
    arms: dict[str, Scenario] = {}
    for arm in spec.arms:
        data = sp.arm_mapping(spec, arm, root, label)
        mappings[arm.name], arms[arm.name] = sp.check_arm(
            data, f"{label}: arms.{arm.name}", traits, overrides or []
        )
    phenotype = _phenotype(spec, arms, label)
    outs = sp.build_outcomes(spec, label, extra_outcomes or [])
    if not spec.outcomes:
        outs = oc.default_outcomes(_default_metrics(arms)) + outs
    sp.check_outcomes(outs, arms, label)
    sp.check_references(spec, outs, label)
    control_subject = (mappings[spec.arms[0].name].get("subject") or {}).copy()
    control_subject.pop("phenotype", None)
    subjects = draw_population(
        spec.replicates,
        spec.population.seed,
        phenotype,
        spec.population.cv_scale,
        traits,
        control_subject,
    )
    varied = varied_keys(traits)
    tasks = [
        _task(a, name, mappings[name], s, label, varied)
        for a, name in enumerate(mappings)
        for s in subjects
    ]
    return Plan(spec, label, arms, subjects, outs, tasks, phenotype, fixed)


def resolved_yaml(plan: Plan) -> str:
    """The resolved study: what ``--resume`` checks is unchanged."""
    digest = hashlib.sha256(
        json.dumps([t.scenario for t in plan.tasks], sort_keys=True, default=str).encode()
    ).hexdigest()
    doc = {
        "kind": "compare",
        "study": plan.spec.model_dump(mode="json"),
        "phenotype": plan.phenotype,
        "outcomes": [o.__dict__ for o in plan.outcomes],
        "runs": len(plan.tasks),
        "runs_sha256": digest,
    }
    return yaml.safe_dump(doc, sort_keys=False)


class CompareStore(ResultStore):
    """The sweep result store, with each run's outcomes computed before it is committed."""

    kind = "compare"

    def __init__(self, out: Path, keep: str, outcomes: list[oc.Outcome]) -> None:
        super().__init__(out, KEYS, keep)
        self.outcomes = outcomes

    def add(self, outcome: Outcome, result_saver: Any = None) -> None:
        """Add the outcome values to the run's record, then commit it."""
        res = outcome.result
        ts = res.timeseries if res is not None else None
        for o in self.outcomes:
            if outcome.record["status"] == "completed":
                outcome.record[f"outcome:{o.name}"] = o.value(outcome.summary, ts)
        if self.keep != "full":
            outcome.result = None
        super().add(outcome, result_saver)


def run_compare(
    sources: list[str],
    out: str | Path | None = None,
    replicates: int | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    resume: bool = False,
    force: bool = False,
    progress: bool = True,
    overrides: list[str] | None = None,
    extra_outcomes: list[str] | None = None,
) -> CompareOutcome:
    """Run a comparison (CONTRACT: ``sim compare``) and write its tables and report.

    Args:
        sources: a hypothesis file, or two or more scenario files (the first is the control).
        out: output folder (default ``outputs/compare/<name>``).
        replicates: virtual subjects (overrides the hypothesis file).
        workers: local processes (default: all cores; 1 runs in this process).
        scheduler: dask.distributed scheduler address; replaces the local pool.
        resume: finish an interrupted comparison in ``out``.
        force: replace an existing comparison folder.
        progress: progress bar on stderr.
        overrides: ``KEY=VALUE`` applied to every arm (as ``sim run --set``).
        extra_outcomes: ``COLUMN[:T0-T1[:STAT]]`` outcomes added to the study's.
    """
    plan = prepare(sources, replicates, overrides, extra_outcomes)
    folder = Path(out) if out is not None else default_out(plan.spec)
    store = CompareStore(folder, plan.spec.keep, plan.outcomes)
    if scheduler:
        execute.check_scheduler(scheduler)
    inputs = tuple(Path(p) for p in sources if isinstance(p, str | Path))
    store.create(resolved_yaml(plan), resume=resume, force=force, protect=inputs)
    done = store.done()
    todo = [t for t in plan.tasks if t.run_id not in done]
    log.info("compare %s: %d runs, %d to run", plan.spec.name, len(plan.tasks), len(todo))
    n_failed = execute_tasks(
        store, todo, workers or os.cpu_count() or 1, scheduler, progress, len(plan.tasks)
    )
    summary = store.write_summary()
    n_failed = int((summary["status"] != "completed").sum()) if len(summary) else n_failed
    from sim.compare.analysis import analyse

    results, effects, attribution = analyse(plan, summary)
    atomic_parquet(results, folder / "results.parquet")
    atomic_parquet(effects, folder / "effects.parquet")
    atomic_parquet(attribution, folder / "attribution.parquet")
    atomic_text(json.dumps(study_meta(plan, summary), indent=2, default=str), folder / "study.json")
    from sim.compare.report import write_report

    write_report(folder)
    return CompareOutcome(
        folder, results, effects, attribution, len(plan.tasks), len(todo), n_failed
    )


def study_meta(plan: Plan, summary: pd.DataFrame) -> dict[str, Any]:
    """What the report needs besides the tables (written as ``study.json``)."""
    spec = plan.spec
    arms = []
    for arm in spec.arms:
        scn = plan.arms[arm.name]
        arms.append(
            {
                "name": arm.name,
                "description": arm.description,
                "duration_min": scn.duration_min,
                "start_clock_h": scn.start_clock_h,
                "cells": scn.cells.model_dump(),
                "protocol": scn.protocol.model_dump(mode="json") if scn.protocol else None,
                "interventions": [iv.model_dump(mode="json") for iv in scn.interventions],
                "parameters": scn.parameters,
            }
        )
    failed = (
        summary.loc[summary["status"] != "completed", "run_id"].tolist() if len(summary) else []
    )
    return {
        "name": spec.name,
        "question": spec.question,
        "notes": spec.notes,
        "alpha": spec.alpha,
        "replicates": spec.replicates,
        "phenotype": plan.phenotype,
        "population": spec.population.model_dump(mode="json"),
        "traits_varied": [
            t for t in TRAIT_NAMES if spec.population.traits is None or t in spec.population.traits
        ],
        "traits_fixed_by_files": plan.fixed_traits,
        "arms": arms,
        "outcomes": [
            {"name": o.name, "label": o.label, "description": o.describe()} for o in plan.outcomes
        ],
        "hypotheses": [h.model_dump() for h in spec.hypotheses],
        "attribution": [a.model_dump() for a in spec.attribution],
        "failed_runs": failed,
        "code": _git_commit(),
    }


def _git_commit() -> dict[str, Any]:
    from sim import io

    env = io.environment()
    return {k: env.get(k) for k in ("version", "git_commit", "git_dirty")}


def subject_table(subjects: list[VirtualSubject]) -> pd.DataFrame:
    """One row per subject: index, run seed, trait factors and drawn values."""
    return pd.DataFrame([s.row() for s in subjects])


def nan_if_missing(df: pd.DataFrame, col: str) -> np.ndarray:
    """A column as floats, NaN where absent."""
    return df[col].to_numpy(dtype=float) if col in df else np.full(len(df), np.nan)
