"""Designs and seeds: which scenario values each run gets, and its reproducible seed.

Points come from a full factorial (grid), seeded random or Latin-hypercube samples
(``scipy.stats.qmc``), or SALib's Saltelli/Sobol and Morris samplers. A run's seed depends
only on the sweep seed and its position, never on workers or order. By default the seed is
common to every design point (common random numbers): replicate ``r`` has the same seed, so
the same per-cell heterogeneity and GH pulse train, at every point, and the difference between
two points within a replicate is free of seed noise (a paired design). ``paired: false`` gives
every run its own seed instead (point and replicate).
"""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from sim.scenario import Scenario, ScenarioError, load_scenario, set_path
from sim.sweep.spec import Design, SweepError, SweepSpec


@dataclass(frozen=True)
class RunTask:
    """Everything a worker needs for one run (picklable: plain data only)."""

    run_id: str
    point: int
    replicate: int
    seed: int
    values: dict[str, Any]
    scenario: dict[str, Any]
    keep: str


def problem(design: Design) -> dict[str, Any]:
    """The SALib problem dictionary of a non-grid design."""
    names = design.names()
    return {
        "num_vars": len(names),
        "names": names,
        "bounds": [[float(v) for v in design.parameters[k]] for k in names],
    }


def unit_to_bounds(unit: NDArray[np.float64], design: Design) -> NDArray[np.float64]:
    """Scale samples in [0, 1)^D to the declared [low, high] of each key."""
    bounds = np.array(problem(design)["bounds"])
    return bounds[:, 0] + unit * (bounds[:, 1] - bounds[:, 0])


def sample_matrix(design: Design, seed: int) -> NDArray[np.float64]:
    """The (n_points, D) design matrix of a non-grid design, seeded by ``seed``."""
    d = len(design.parameters)
    n = int(design.samples or 0)
    if design.kind == "random":
        return unit_to_bounds(np.random.default_rng([seed, 7]).random((n, d)), design)
    if design.kind == "lhs":
        from scipy.stats import qmc  # here: scipy.stats costs ~0.4 s to import

        return unit_to_bounds(qmc.LatinHypercube(d=d, seed=seed).random(n), design)
    if design.kind == "sobol":
        from SALib.sample import sobol

        return sobol.sample(problem(design), n, calc_second_order=False, seed=seed)
    if design.kind == "morris":
        from SALib.sample import morris

        return morris.sample(problem(design), n, seed=seed)
    raise SweepError(f"design.kind={design.kind!r}: no sampler (grid has no matrix)")


def points(design: Design, seed: int, integer_keys: Collection[str] = ()) -> list[dict]:
    """Every point of the design: one ``{dotted key: value}`` mapping per point."""
    names = design.names()
    if design.kind == "grid":
        combos = itertools.product(*(design.parameters[k] for k in names))
        return [dict(zip(names, c, strict=True)) for c in combos]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        x = sample_matrix(design, seed)
    return [
        {
            k: int(round(v)) if k in integer_keys else float(v)
            for k, v in zip(names, row, strict=True)
        }
        for row in x
    ]


def run_seed(sweep_seed: int, point: int, replicate: int) -> int:
    """Seed of one run of an unpaired sweep: a ``SeedSequence`` of (sweep seed, point,
    replicate), 63 bits."""
    state = np.random.SeedSequence([sweep_seed, point, replicate]).generate_state(1, np.uint64)
    return int(state[0]) >> 1


def replicate_seed(sweep_seed: int, replicate: int) -> int:
    """Seed of replicate ``replicate`` at every point of a paired sweep (common random
    numbers): a ``SeedSequence`` of (sweep seed, replicate), 63 bits."""
    state = np.random.SeedSequence([sweep_seed, replicate]).generate_state(1, np.uint64)
    return int(state[0]) >> 1


def task_seed(spec: SweepSpec, point: int, replicate: int) -> int:
    """The seed of run (point, replicate): common to every point unless ``paired: false``."""
    if spec.paired:
        return replicate_seed(spec.seed, replicate)
    return run_seed(spec.seed, point, replicate)


def seeding_note(spec: SweepSpec) -> str:
    """One sentence saying how the sweep's runs are seeded (for the manifest and logs)."""
    if spec.paired:
        return (
            "common random numbers: replicate r has the same seed at every design point, "
            "so points are paired within a replicate (paired: true)"
        )
    return "independent seeds: every run has its own seed (paired: false); points are unpaired"


def run_id(point: int, replicate: int, n_points: int, replicates: int) -> str:
    """Deterministic, sortable run id such as ``p0003-r01``."""
    pw = max(4, len(str(n_points - 1)))
    rw = max(2, len(str(replicates - 1)))
    return f"p{point:0{pw}d}-r{replicate:0{rw}d}"


def set_key(data: dict[str, Any], key: str, value: Any) -> dict[str, Any]:
    """A copy of the scenario mapping with one dotted key set (``sim run --set`` rules,
    :func:`sim.scenario.set_path`)."""
    try:
        return set_path(data, key, value)
    except ScenarioError as exc:
        raise SweepError(f"design.parameters.{key}: {exc} (in the base scenario)") from None


def integer_keys(base: Scenario, keys: list[str]) -> set[str]:
    """Swept keys whose value in the (validated) base scenario is an integer."""
    dumped = base.model_dump()
    found = set()
    for key in keys:
        node: Any = dumped
        for part in key.split("."):
            try:
                node = node[int(part)] if isinstance(node, list) else node[part]
            except (KeyError, IndexError, ValueError, TypeError):
                node = None
                break
        if isinstance(node, int) and not isinstance(node, bool):
            found.add(key)
    return found


def plan(spec: SweepSpec, label: str = "<sweep>") -> list[RunTask]:
    """Every run of the sweep, each scenario validated before anything runs.

    Raises:
        SweepError: the base scenario or a generated one is invalid (names the point).
    """
    base_map: dict[str, Any] = dict(spec.base)  # type: ignore[arg-type]
    base = _validate(base_map, f"{label}: base scenario")
    pts = points(spec.design, spec.seed, integer_keys(base, spec.design.names()))
    tasks = []
    for p, values in enumerate(pts):
        scn = base_map
        for key, value in values.items():
            try:
                scn = set_key(scn, key, value)
            except SweepError as exc:
                raise SweepError(f"{label}: {exc}") from None
        where = f"{label}: design point {p} ({', '.join(f'{k}={v!r}' for k, v in values.items())})"
        _validate(scn, where)
        for r in range(spec.replicates):
            seed = task_seed(spec, p, r)
            rid = run_id(p, r, len(pts), spec.replicates)
            tasks.append(RunTask(rid, p, r, seed, values, {**scn, "seed": seed}, spec.keep))
    return tasks


def _validate(mapping: dict[str, Any], where: str) -> Scenario:
    try:
        return load_scenario(mapping)
    except ScenarioError as exc:
        detail = str(exc).replace("<scenario>: ", "")
        raise SweepError(f"{where}: {detail}") from None
