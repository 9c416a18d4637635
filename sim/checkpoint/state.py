"""The mutable state of a model, captured for a checkpoint and put back on resume.

:func:`model_state` collects everything that changes while a
:class:`~sim.model.PhysiologyModel` runs: the body state vector, every tissue's cell states
and per-cell parameters, the model's time and step counters, the numpy and stdlib generator
states, the last cell fluxes (the body's mid-step predictor uses them), the GH pulse schedule,
the Mesa DataCollector, and the recorder's rows and cell snapshots. The schedule has no
cursor to save: events are looked up by time.

Everything structural (graph, agents, exchange operators) is deterministic given the
scenario, its seed and the code, so :func:`load_model_state` puts the state into a model
freshly built from the same scenario, after checking that it is the model that wrote the
state: the same per-cell and body parameters, GH pulse train and body state at t = 0. That
state is reached by the 420-min fasting warm-up, so a change of parameter values or of the
rate laws active while fasting shows up there and resuming is refused; a change to a law
that acts only under inputs absent from the warm-up (meals, exercise, drugs) does not, which
is why :func:`sim.checkpoint.load` also compares a hash of the package source.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.kinetics.body import CellFluxes
from sim.scenario import ScenarioError

if TYPE_CHECKING:
    from sim.model import PhysiologyModel

SNAPSHOT_KEYS = "recorder.snapshot"
"""Prefix of the arrays that hold cell snapshots (stored in chunk files)."""


class CheckpointError(ScenarioError):
    """A checkpoint cannot be used (missing, foreign, or written by a different model);
    invalid input, exit status 2."""


@dataclass
class ModelState:
    """The mutable state of a model: JSON-able metadata and named arrays."""

    meta: dict[str, Any]
    arrays: dict[str, np.ndarray]


def _fields(ns: object) -> dict[str, Any]:
    """The named values of a namespace or a dataclass (slots or not)."""
    if dataclasses.is_dataclass(ns):
        return {f.name: getattr(ns, f.name) for f in dataclasses.fields(ns)}
    return vars(ns)


def _split(prefix: str, ns: SimpleNamespace | dict, arrays: dict[str, np.ndarray]) -> dict:
    """Scalars of a namespace for JSON; arrays go to ``arrays`` under ``prefix.name``."""
    scalars = {}
    for k, v in (ns if isinstance(ns, dict) else _fields(ns)).items():
        if isinstance(v, np.ndarray):
            arrays[f"{prefix}.{k}"] = v
        else:
            scalars[k] = v
    return scalars


def _rows_matrix(rows: list[dict[str, float]]) -> tuple[list[str], np.ndarray]:
    columns = list(rows[0]) if rows else []
    for r in rows:
        if list(r) != columns:
            raise RuntimeError("recorder rows have differing columns; cannot checkpoint them")
    return columns, np.array([list(r.values()) for r in rows], dtype=np.float64).reshape(
        len(rows), len(columns)
    )


def _snapshot_arrays(model: PhysiologyModel, first: int) -> dict[str, np.ndarray]:
    """Cell snapshots ``first:`` as arrays: times, and per tissue (snapshot, species, cell)."""
    snaps = model.recorder.snapshots[first:]
    out = {"recorder.snapshot_times": np.array([t for t, _ in snaps], dtype=np.float64)}
    for name, tissue in model.tissues.items():
        out[f"recorder.snapshots.{name}"] = (
            np.stack([s[name] for _, s in snaps])
            if snaps
            else np.zeros((0, *tissue.y.shape), dtype=np.float32)
        )
    return out


def model_state(model: PhysiologyModel, snapshots_from: int = 0) -> ModelState:
    """Capture everything that changes while ``model`` runs (see the module docstring).

    Args:
        snapshots_from: leave out the cell snapshots before this one (already on disk);
            :func:`load_model_state` needs them all.
    """
    arrays: dict[str, np.ndarray] = {
        "body.x": model.x,
        "body.x0": model.recorder.x0,
        "schedule.gh_pulses": model.ctx.sch.gh_pulses,
    }
    if hasattr(model, "x_prev"):
        arrays["body.x_prev"] = model.x_prev
    params = {}
    for name, tissue in model.tissues.items():
        arrays[f"tissue.{name}.y"] = tissue.y
        params[name] = _split(f"param.{name}", tissue.params, arrays)
    rec = model.recorder
    columns, arrays["recorder.rows"] = _rows_matrix(rec.rows)
    arrays.update(_snapshot_arrays(model, snapshots_from))
    collected = model.recorder.step_values  # the per-step reporters (model.datacollector)
    for key, values in collected.items():
        arrays[f"datacollector.{key}"] = np.asarray(values, dtype=np.float64)
    version, internal, gauss = model.random.getstate()
    meta = {
        "time_min": model.time_min,
        "steps": model.steps,
        "running": model.running,
        "rng": model.rng.bit_generator.state,
        "random": [version, list(internal), gauss],
        "last_flux": _split("last_flux", model.last_flux or {}, arrays),
        "recorder_columns": columns,
        "datacollector_keys": list(collected),
        "params": params,
        "body_params": _split("param.body", model.ctx.bp, arrays),
        "snapshots_from": snapshots_from,
        "n_snapshots": len(rec.snapshots),
    }
    return ModelState(meta, {k: np.array(v, copy=True) for k, v in arrays.items()})


def _saved_params(state: ModelState, tissue: str, scalars: dict[str, Any]) -> dict[str, Any]:
    prefix = f"param.{tissue}."
    out = dict(scalars)
    out.update({k[len(prefix) :]: v for k, v in state.arrays.items() if k.startswith(prefix)})
    return out


def _param_differences(label: str, saved: dict[str, Any], now: object) -> list[str]:
    current = _fields(now)
    return [
        f"parameter {label}.{key}"
        for key in sorted(set(saved) | set(current))
        if key not in saved
        or key not in current
        or not np.array_equal(np.asarray(saved[key]), np.asarray(current[key]))
    ]


def _differences(model: PhysiologyModel, state: ModelState) -> list[str]:
    """What differs between a freshly built model and the one that wrote ``state``."""
    meta, arrays = state.meta, state.arrays
    if set(meta["params"]) != set(model.tissues):
        return [f"tissues {sorted(meta['params'])} vs {sorted(model.tissues)}"]
    out = []
    for name, tissue in model.tissues.items():
        saved = _saved_params(state, name, meta["params"][name])
        out += _param_differences(name, saved, tissue.params)
        if arrays[f"tissue.{name}.y"].shape != tissue.y.shape:
            out.append(f"{name} state shape {arrays[f'tissue.{name}.y'].shape} vs {tissue.y.shape}")
    out += _param_differences(
        "body", _saved_params(state, "body", meta["body_params"]), model.ctx.bp
    )
    if not np.array_equal(arrays["schedule.gh_pulses"], model.ctx.sch.gh_pulses):
        out.append("GH pulse schedule")
    if not np.array_equal(arrays["body.x0"], model.recorder.x0):
        out.append("body state at t = 0 after the warm-up (the rate laws or parameters changed)")
    return out


def load_model_state(model: PhysiologyModel, state: ModelState) -> None:
    """Put ``state`` into a model freshly built from the same scenario.

    Raises:
        CheckpointError: the rebuilt model is not the one that wrote the state.
    """
    diff = _differences(model, state)
    if diff:
        raise CheckpointError(
            "the model rebuilt from this scenario differs from the one that wrote the "
            f"checkpoint: {'; '.join(diff[:5])}{' ...' if len(diff) > 5 else ''}. The code or "
            "parameter values changed since; start the run again without --resume"
        )
    meta, arrays = state.meta, state.arrays
    if meta.get("snapshots_from", 0) != 0:
        raise ValueError("load_model_state needs every cell snapshot (snapshots_from = 0)")
    model.time_min = float(meta["time_min"])
    model.steps = int(meta["steps"])
    model.running = bool(meta["running"])
    model.rng.bit_generator.state = meta["rng"]
    version, internal, gauss = meta["random"]
    model.random.setstate((version, tuple(internal), gauss))
    model.x = arrays["body.x"].copy()
    if "body.x_prev" in arrays:
        model.x_prev = arrays["body.x_prev"].copy()
    for name, tissue in model.tissues.items():
        # In place: agents hold views on these arrays.
        np.copyto(tissue.y, arrays[f"tissue.{name}.y"])
    flux = dict(meta["last_flux"])
    flux.update(
        {k[len("last_flux.") :]: v for k, v in arrays.items() if k.startswith("last_flux.")}
    )
    model.last_flux = CellFluxes(**flux) if flux else None
    _load_recorder(model, state)


def _load_recorder(model: PhysiologyModel, state: ModelState) -> None:
    meta, arrays = state.meta, state.arrays
    rec = model.recorder
    columns = meta["recorder_columns"]
    rec.rows = [dict(zip(columns, map(float, r), strict=True)) for r in arrays["recorder.rows"]]
    rec.snapshots = [
        (float(t), {name: arrays[f"recorder.snapshots.{name}"][k].copy() for name in model.tissues})
        for k, t in enumerate(arrays["recorder.snapshot_times"])
    ]
    rec.x0 = arrays["body.x0"].copy()
    rec.step_values = {
        key: [float(v) for v in arrays[f"datacollector.{key}"]]
        for key in meta["datacollector_keys"]
    }
