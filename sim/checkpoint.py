"""Checkpoints of a running model, so a long run survives a kill and resumes bit for bit.

A checkpoint is the complete mutable state of a :class:`~sim.model.PhysiologyModel` after a
step: the body state vector, every tissue's cell states and per-cell parameters, the model's
time and step counters, the numpy and stdlib generator states, the last cell fluxes (the
body's mid-step predictor uses them), the GH pulse schedule, the Mesa DataCollector, and the
recorder's rows and cell snapshots so far, together with the scenario and its hash.

Everything structural (graph, agents, exchange operators) is deterministic given the
scenario, its seed and the code, so resuming rebuilds the model from the scenario and then
overwrites its state. Before it does, it checks that the rebuilt model is the one that wrote
the checkpoint: same per-cell and body parameters, same GH pulse train and the same body
state at t = 0 (reached by the 420-min warm-up, so any change to the rate laws or parameter
values shows up there). If anything differs, resuming is refused rather than mixing two
models in one result.

On disk a checkpoint lives in ``<out>.checkpoint/``: ``state.npz`` (numpy arrays plus the
metadata as a JSON string; loaded with ``allow_pickle=False``) and the per-cell snapshots in
append-only chunk files ``snapshots-<first>-<end>.npz``, one per checkpoint holding only
the snapshots taken since the previous one, so writing a checkpoint costs what is new, not
the whole run so far. Every file is written to a temporary name, fsynced and renamed
(``os.replace``); chunks first, then ``state.npz``, which lists the chunks it needs. A kill
at any moment therefore leaves the previous or the new checkpoint whole, never a torn one.
``scenario.yaml`` beside them is for people to read.
"""

from __future__ import annotations

import datetime as _dt
import json
import logging
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

import numpy as np

from sim import io
from sim.scenario import Scenario, ScenarioError, to_yaml

if TYPE_CHECKING:
    from sim.model import PhysiologyModel

log = logging.getLogger(__name__)

FORMAT = 2
"""Version of the checkpoint layout; a reader refuses other versions."""
STATE_FILE = "state.npz"
META_KEY = "__meta__"
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


@dataclass
class Checkpoint:
    """A checkpoint read from disk: the model state plus how the run was going."""

    folder: Path
    state: ModelState
    every_min: float | None
    wall_seconds: float
    time_min: float
    meta: dict[str, Any]
    chunks: list[dict[str, Any]]
    """Snapshot chunk files the checkpoint is made of (continued by the next save)."""


def folder_for(out: str | Path) -> Path:
    """Checkpoint folder of a run folder: ``<out>.checkpoint`` beside it."""
    out = Path(out)
    return out.with_name(out.name + ".checkpoint")


def scenario_sha256(scenario: Scenario) -> str:
    """Hash of the scenario with every default filled in (as in ``manifest.json``)."""
    return io.sha256_text(to_yaml(scenario))


# ------------------------------------------------------------------ model state


def _split(prefix: str, ns: SimpleNamespace | dict, arrays: dict[str, np.ndarray]) -> dict:
    """Scalars of a namespace for JSON; arrays go to ``arrays`` under ``prefix.name``."""
    scalars = {}
    for k, v in (vars(ns) if isinstance(ns, SimpleNamespace) else ns).items():
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
    collected = model.datacollector.model_vars
    for key, values in collected.items():
        arrays[f"datacollector.{key}"] = np.asarray(values, dtype=np.float64)
    version, internal, gauss = model.random.getstate()
    meta = {
        "time_min": model.time_min,
        "steps": model.steps,
        "running": model.running,
        "rng": model.rng.bit_generator.state,
        "random": [version, list(internal), gauss],
        "last_flux": _split("last_flux", model.ctx.last_flux or {}, arrays),
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


def _param_differences(label: str, saved: dict[str, Any], now: SimpleNamespace) -> list[str]:
    current = vars(now)
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
    model.ctx.last_flux = SimpleNamespace(**flux) if flux else None
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
    model.datacollector.model_vars = {
        key: [float(v) for v in arrays[f"datacollector.{key}"]]
        for key in meta["datacollector_keys"]
    }


# ------------------------------------------------------------------ files


def _json_default(obj: Any) -> Any:
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, np.floating):
        return float(obj)
    if isinstance(obj, np.bool_):
        return bool(obj)
    raise TypeError(f"cannot store {type(obj).__name__} in a checkpoint")


def _write_atomic(path: Path, write: Any) -> None:
    """Write through ``write(file)`` to a temporary file, fsync, then rename over ``path``."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _chunk_name(first: int, end: int) -> str:
    return f"snapshots-{first:07d}-{end:07d}.npz"


def save(
    model: PhysiologyModel,
    folder: str | Path,
    every_min: float | None,
    wall_seconds: float,
    resumed_at_min: list[float] | tuple[float, ...] = (),
    chunks: list[dict[str, Any]] | tuple = (),
) -> list[dict[str, Any]]:
    """Write a checkpoint of ``model`` into ``folder`` (atomically replacing the last one).

    Args:
        every_min: the checkpoint interval, reused by a resume that does not give one.
        wall_seconds: wall time spent on the run so far (all its segments).
        resumed_at_min: simulated times at which earlier segments resumed (for the manifest).
        chunks: the snapshot chunks the previous checkpoint of this run wrote (as returned
            by the previous call, or :attr:`Checkpoint.chunks`); empty for a new run.

    Returns:
        The chunk list of this checkpoint, to pass to the next call.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    chunks = [dict(c) for c in chunks]
    first = chunks[-1]["end"] if chunks else 0
    state = model.state_dict() if first == 0 else model_state(model, first)
    snaps = {k: state.arrays.pop(k) for k in list(state.arrays) if k.startswith(SNAPSHOT_KEYS)}
    end = state.meta["n_snapshots"]
    if end > first:
        name = _chunk_name(first, end)
        _write_atomic(folder / name, lambda fh: np.savez(fh, **snaps))
        chunks.append({"file": name, "first": first, "end": end})
    scenario_yaml = to_yaml(model.scenario)
    meta = {
        "format": FORMAT,
        "package_version": io.package_version(),
        "git_commit": io.git_commit(),
        "source_sha256": io.source_sha256(),
        "scenario_sha256": io.sha256_text(scenario_yaml),
        "scenario_yaml": scenario_yaml,
        "every_min": every_min,
        "wall_seconds": wall_seconds,
        "resumed_at_min": list(resumed_at_min),
        "snapshot_chunks": chunks,
        "written_utc": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "model": {**state.meta, "snapshots_from": 0},
    }
    arrays = dict(state.arrays)
    arrays[META_KEY] = np.array(json.dumps(meta, default=_json_default))
    _write_atomic(folder / STATE_FILE, lambda fh: np.savez(fh, **arrays))
    keep = {c["file"] for c in chunks}
    for stale in folder.glob("snapshots-*.npz"):  # left by a checkpoint that never completed
        if stale.name not in keep:
            stale.unlink(missing_ok=True)
    readable = folder / "scenario.yaml"
    if not readable.exists():
        _write_atomic(readable, lambda fh: fh.write(scenario_yaml.encode()))
    log.info("checkpoint at t = %g min written to %s", model.time_min, folder)
    return chunks


def _read_chunks(folder: Path, chunks: list[dict[str, Any]]) -> dict[str, np.ndarray]:
    """The cell snapshots of a checkpoint, joined from its chunk files."""
    parts: dict[str, list[np.ndarray]] = {}
    for c in chunks:
        path = folder / c["file"]
        try:
            with np.load(path, allow_pickle=False) as npz:
                for k in npz.files:
                    parts.setdefault(k, []).append(npz[k])
        except (OSError, ValueError) as exc:
            raise CheckpointError(
                f"{path}: snapshot chunk of the checkpoint unreadable ({exc})"
            ) from None
        if len(parts["recorder.snapshot_times"][-1]) != c["end"] - c["first"]:
            raise CheckpointError(f"{path}: holds the wrong number of snapshots")
    return {k: np.concatenate(v) for k, v in parts.items()}


def _read(folder: Path) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    path = folder / STATE_FILE
    if not path.is_file():
        raise CheckpointError(
            f"--resume: no checkpoint in {folder} (expected {path}); a run writes one with "
            "--checkpoint-every-min M and the same --out; run without --resume to start afresh"
        )
    try:
        with np.load(path, allow_pickle=False) as npz:
            arrays = {k: npz[k] for k in npz.files}
        meta = json.loads(str(arrays.pop(META_KEY)))
    except (OSError, ValueError, KeyError) as exc:
        raise CheckpointError(f"{path}: not a readable checkpoint ({exc})") from None
    if meta.get("format") != FORMAT:
        raise CheckpointError(
            f"{path}: checkpoint format {meta.get('format')!r}; this version reads {FORMAT}"
        )
    return meta, arrays


def load(folder: str | Path, scenario: Scenario) -> Checkpoint:
    """Read the checkpoint in ``folder`` and check it belongs to ``scenario`` and this package.

    Raises:
        CheckpointError: no checkpoint, unreadable, written for another scenario (hash) or by
            another package version.
    """
    folder = Path(folder)
    meta, arrays = _read(folder)
    path = folder / STATE_FILE
    want = scenario_sha256(scenario)
    if meta["scenario_sha256"] != want:
        raise CheckpointError(
            f"{path}: the checkpoint was written for a different scenario (scenario_sha256 "
            f"{meta['scenario_sha256'][:12]}..., this scenario {want[:12]}...; its scenario is "
            f"in {folder / 'scenario.yaml'}). Resume with the same scenario file, --set and "
            "--seed, or start again without --resume"
        )
    version = io.package_version()
    if meta["package_version"] != version:
        raise CheckpointError(
            f"{path}: written by sim {meta['package_version']}, this is sim {version}; "
            "a checkpoint only resumes with the version that wrote it"
        )
    if meta.get("source_sha256") != io.source_sha256():
        log.warning(
            "%s: the package source changed since the checkpoint was written (git commit %s); "
            "the resumed model is checked against the checkpoint before it continues",
            path,
            meta.get("git_commit"),
        )
    chunks = meta.get("snapshot_chunks", [])
    arrays.update(_read_chunks(folder, chunks))
    if len(arrays.get("recorder.snapshot_times", ())) != meta["model"]["n_snapshots"]:
        raise CheckpointError(f"{path}: cell snapshot chunks missing from {folder}")
    return Checkpoint(
        folder,
        ModelState(meta["model"], arrays),
        meta.get("every_min"),
        float(meta.get("wall_seconds", 0.0)),
        float(meta["model"]["time_min"]),
        meta,
        chunks,
    )


def remove(folder: str | Path) -> None:
    """Delete a checkpoint folder (after its run folder was written)."""
    shutil.rmtree(folder, ignore_errors=True)


__all__ = [
    "Checkpoint",
    "CheckpointError",
    "ModelState",
    "folder_for",
    "load",
    "load_model_state",
    "model_state",
    "remove",
    "save",
]
