"""Calibration: fit dotted model parameters so that validation targets fall in their bands.

The loss is the sum, over the chosen targets, seeds and each target's criteria, of the
distance outside the accepted band in units of the band's width (0 inside; see
:meth:`sim.validate.core.Criterion.distance`), averaged over seeds. It is minimised with
``scipy.optimize.differential_evolution`` (global, bounded, seeded) or bounded Nelder-Mead,
on a log10 scale for positive bounds. Bounds must lie inside each parameter's declared
range (``sim/parameters.py``), so literature parameters stay within their published ranges.
The best values are written as YAML for the lead to apply; nothing in the package changes.

Config file (YAML)::

    name: insulin_arm
    targets: [V01, V10]
    seeds: [0]                      # scenario seeds the loss averages over
    seed: 0                         # optimiser seed (same seed, same result)
    method: differential_evolution  # or nelder-mead
    maxiter: 10
    popsize: 5                      # differential_evolution only (x number of parameters)
    workers: 2                      # processes per loss evaluation
    parameters:                     # dotted key: [low, high]
      muscle.k_irs1_py: [0.5, 10]
"""

from __future__ import annotations

import math
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from scipy.optimize import differential_evolution, minimize
from tqdm import tqdm

from sim import io
from sim.parameters import all_params
from sim.scenario import (
    ScenarioError,
    format_validation_error,
    read_yaml_mapping,
    unknown_parameter,
)
from sim.validate.core import Outcome
from sim.validate.suite import all_targets, run_targets, select


class CalibrationConfig(BaseModel):
    """A calibration problem (validated; unknown keys are errors)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Annotated[str, Field(min_length=1, pattern=r"^[A-Za-z0-9_.\-]+$")]
    targets: Annotated[list[str], Field(min_length=1)]
    parameters: Annotated[dict[str, tuple[float, float]], Field(min_length=1)]
    seeds: Annotated[list[Annotated[int, Field(ge=0)]], Field(min_length=1)] = [0]
    seed: Annotated[int, Field(ge=0)] = 0
    method: Literal["differential_evolution", "nelder-mead"] = "differential_evolution"
    maxiter: Annotated[int, Field(ge=1, le=10_000)] = 10
    popsize: Annotated[int, Field(ge=2, le=100)] = 5
    workers: Annotated[int, Field(ge=1, le=256)] | None = None

    @field_validator("targets")
    @classmethod
    def _known_targets(cls, v: list[str]) -> list[str]:
        known = all_targets()
        bad = [t for t in v if t.upper() not in known]
        if bad:
            raise ValueError(f"unknown target id(s) {bad}; allowed: {', '.join(known)}")
        return [t.upper() for t in v]

    @field_validator("parameters")
    @classmethod
    def _inside_declared_ranges(
        cls, v: dict[str, tuple[float, float]]
    ) -> dict[str, tuple[float, float]]:
        known = all_params()
        for key, (lo, hi) in v.items():
            if key not in known:
                raise ValueError(unknown_parameter(key))
            dlo, dhi = known[key].bounds
            if not lo < hi:
                raise ValueError(f"{key}: bounds [{lo}, {hi}] must have low < high")
            if lo < dlo or hi > dhi:
                raise ValueError(
                    f"{key}: bounds [{lo}, {hi}] leave its declared range [{dlo}, {dhi}] "
                    "(sim/parameters.py); literature parameters stay within their ranges"
                )
        return v


def load_config(path: str | Path) -> CalibrationConfig:
    """Read and validate a calibration YAML file; errors name the file, key and value."""
    path = Path(path)
    data = read_yaml_mapping(path, "a calibration file")
    try:
        return CalibrationConfig.model_validate(data)
    except ValidationError as err:
        raise ScenarioError(format_validation_error(str(path), "calibration file", err)) from None


def total_loss(outcomes: list[Outcome]) -> float:
    """Sum of every outcome's band distance, averaged over the seeds present."""
    seeds = {o.seed for o in outcomes} or {0}
    return float(sum(o.loss for o in outcomes) / len(seeds))


@dataclass
class _Space:
    """Maps optimiser coordinates to parameter values (log10 for positive bounds)."""

    keys: list[str]
    bounds: list[tuple[float, float]]
    log: list[bool] = field(init=False)

    def __post_init__(self) -> None:
        self.log = [lo > 0 for lo, _ in self.bounds]

    def box(self) -> list[tuple[float, float]]:
        return [
            (math.log10(lo), math.log10(hi)) if lg else (lo, hi)
            for (lo, hi), lg in zip(self.bounds, self.log, strict=True)
        ]

    def values(self, x: np.ndarray) -> dict[str, float]:
        out = {}
        for k, xi, lg, (lo, hi) in zip(self.keys, x, self.log, self.bounds, strict=True):
            v = 10.0**xi if lg else float(xi)
            out[k] = float(min(max(v, lo), hi))
        return out

    def start(self) -> np.ndarray:
        known = all_params()
        x0 = []
        for k, lg, (lo, hi) in zip(self.keys, self.log, self.bounds, strict=True):
            v = min(max(known[k].value, lo), hi)
            x0.append(math.log10(v) if lg else v)
        return np.array(x0)


@dataclass
class CalibrationResult:
    best: dict[str, float]
    loss: float
    history: pd.DataFrame
    per_target: dict[str, float]
    out: Path | None = None


def calibrate(
    config: CalibrationConfig | str | Path, out: str | Path | None = None, progress: bool = False
) -> CalibrationResult:
    """Fit the config's parameters; write ``best.yaml`` and ``history.csv`` into ``out``."""
    cfg = config if isinstance(config, CalibrationConfig) else load_config(config)
    targets = select(cfg.targets)
    space = _Space(list(cfg.parameters), [tuple(b) for b in cfg.parameters.values()])
    rows: list[dict[str, Any]] = []
    bar = tqdm(desc=f"calibrate {cfg.name}", unit="eval", disable=not progress, leave=False)

    def loss(x: np.ndarray) -> float:
        params = space.values(np.asarray(x, dtype=float))
        outs = run_targets(targets, cfg.seeds, params, cfg.workers, with_reference=False)
        value = total_loss(outs)
        rows.append(
            {
                "eval": len(rows),
                "loss": value,
                **params,
                **{f"loss_{o.target.id}_s{o.seed}": o.loss for o in outs},
            }
        )
        bar.set_postfix(best=min(r["loss"] for r in rows), refresh=False)
        bar.update()
        return value

    t0 = time.perf_counter()
    try:
        if cfg.method == "differential_evolution":
            differential_evolution(
                loss,
                space.box(),
                seed=cfg.seed,
                maxiter=cfg.maxiter,
                popsize=cfg.popsize,
                x0=space.start(),
                polish=False,
                updating="immediate",
                tol=1e-6,
            )
        else:
            minimize(
                loss,
                space.start(),
                method="Nelder-Mead",
                bounds=space.box(),
                options={"maxiter": cfg.maxiter * len(space.keys), "xatol": 1e-3, "fatol": 1e-4},
            )
    finally:
        bar.close()
    history = pd.DataFrame(rows)
    best_row = history.loc[history["loss"].idxmin()]
    best = {k: float(best_row[k]) for k in space.keys}
    per_target = {
        c.removeprefix("loss_"): float(best_row[c])
        for c in history.columns
        if c.startswith("loss_")
    }
    result = CalibrationResult(best, float(best_row["loss"]), history, per_target)
    if out is not None:
        result.out = _write(cfg, result, Path(out), time.perf_counter() - t0)
    return result


def _write(cfg: CalibrationConfig, res: CalibrationResult, out: Path, wall_s: float) -> Path:
    tmp = io.mkdtemp_beside(out)
    try:
        doc = {
            "name": cfg.name,
            "loss": res.loss,
            "targets": cfg.targets,
            "seeds": cfg.seeds,
            "evaluations": len(res.history),
            "wall_seconds": round(wall_s, 1),
            "parameters": res.best,
            "loss_per_target_and_seed": res.per_target,
            "note": "fitted values; the lead applies them to sim/parameters.py with the source "
            f"'calibrated to {', '.join(cfg.targets)}'",
        }
        (tmp / "best.yaml").write_text(yaml.safe_dump(doc, sort_keys=False))
        (tmp / "config.yaml").write_text(
            yaml.safe_dump(cfg.model_dump(mode="json"), sort_keys=False)
        )
        res.history.to_csv(tmp / "history.csv", index=False)
        io.write_marker(tmp, "calibration")
        io.swap_in(tmp, io.canonical(out), ("calibration",))
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out
