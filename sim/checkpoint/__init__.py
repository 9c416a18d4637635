"""Checkpoints of a running model, so a long run survives a kill and resumes bit for bit.

``save`` writes the complete state of a :class:`~sim.model.PhysiologyModel`
(:mod:`sim.checkpoint.state`) with the scenario and its hash; ``load`` reads it back,
refusing a checkpoint of another scenario (hash) or package version, and
``PhysiologyModel.load_state_dict`` then refuses a model that was built differently.

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
import hashlib
import json
import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from sim import io
from sim.checkpoint.state import (
    SNAPSHOT_KEYS,
    CheckpointError,
    ModelState,
    load_model_state,
    model_state,
)
from sim.scenario import Scenario, to_yaml

if TYPE_CHECKING:
    from sim.model import PhysiologyModel

log = logging.getLogger(__name__)

FORMAT = 3
"""Version of the checkpoint layout; a reader refuses other versions."""
STATE_FILE = "state.npz"
META_KEY = "__meta__"
RUN_KEY = "__run_scenario_sha256__"
"""Array in every snapshot chunk naming the run (scenario hash) it belongs to."""
_CHUNK = re.compile(r"snapshots-\d{7}-\d{7}\.npz")
_OWN = re.compile(r"state\.npz|scenario\.yaml|snapshots-\d{7}-\d{7}\.npz|\..+\.\d+\.tmp")
"""Names of the files a checkpoint folder holds (temporaries included)."""


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
    provenance: dict[str, Any] | None = None,
    chunks: list[dict[str, Any]] | tuple = (),
) -> list[dict[str, Any]]:
    """Write a checkpoint of ``model`` into ``folder`` (atomically replacing the last one).

    Args:
        every_min: the checkpoint interval, reused by a resume that does not give one.
        wall_seconds: wall time spent on the run so far (all its segments).
        provenance: the run's manifest entries so far (resumes, changed source), carried
            over to the manifest of the resumed run.
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
    scenario_yaml = to_yaml(model.scenario)
    run_sha = io.sha256_text(scenario_yaml)
    if end > first:
        name = _chunk_name(first, end)
        snaps[RUN_KEY] = np.array(run_sha)
        _write_atomic(folder / name, lambda fh: np.savez(fh, **snaps))
        chunks.append(
            {"file": name, "first": first, "end": end, "sha256": _file_sha(folder / name)}
        )
    meta = {
        "format": FORMAT,
        "package_version": io.package_version(),
        "git_commit": io.git_commit(),
        "source_sha256": io.source_sha256(),
        "scenario_sha256": run_sha,
        "scenario_yaml": scenario_yaml,
        "every_min": every_min,
        "wall_seconds": wall_seconds,
        "provenance": dict(provenance or {}),
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


def _file_sha(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(2**20), b""):
            h.update(block)
    return h.hexdigest()


def _read_chunks(folder: Path, chunks: list[dict[str, Any]], run_sha: str) -> dict[str, np.ndarray]:
    """The cell snapshots of a checkpoint, joined from its chunk files; each must be the very
    file the checkpoint recorded (its sha256) and belong to this run (scenario hash)."""
    parts: dict[str, list[np.ndarray]] = {}
    for c in chunks:
        if not isinstance(c, dict) or not _CHUNK.fullmatch(str(c.get("file"))):
            raise CheckpointError(f"{folder / STATE_FILE}: malformed snapshot chunk list")
        path = folder / c["file"]
        try:
            if c.get("sha256") != _file_sha(path):
                raise CheckpointError(
                    f"{path}: not the snapshot chunk this checkpoint wrote (sha256 differs: "
                    "replaced, altered or truncated); start again without --resume"
                )
            with np.load(path, allow_pickle=False) as npz:
                got = {k: npz[k] for k in npz.files}
        except CheckpointError:
            raise
        except Exception as exc:  # noqa: BLE001 - BadZipFile, EOFError, zlib.error ...
            raise CheckpointError(
                f"{path}: snapshot chunk of the checkpoint unreadable ({exc})"
            ) from None
        if str(got.pop(RUN_KEY, "")) != run_sha:
            raise CheckpointError(f"{path}: a snapshot chunk of another run")
        for k, v in got.items():
            parts.setdefault(k, []).append(v)
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
        if not isinstance(meta, dict):
            raise ValueError("its metadata is not a mapping")
    except Exception as exc:  # noqa: BLE001 - BadZipFile, EOFError, zlib.error, bad JSON ...
        raise CheckpointError(f"{path}: not a readable checkpoint ({exc})") from None
    if meta.get("format") != FORMAT:
        raise CheckpointError(
            f"{path}: checkpoint format {meta.get('format')!r}; this version reads {FORMAT}"
        )
    types = {
        "scenario_sha256": str,
        "package_version": str,
        "model": dict,
        "snapshot_chunks": list,
        "wall_seconds": int | float,
    }
    bad = [k for k, t in types.items() if not isinstance(meta.get(k), t)]
    if bad or not isinstance(meta["model"].get("time_min"), int | float):
        raise CheckpointError(
            f"{path}: not a readable checkpoint (metadata {', '.join(bad) or 'model.time_min'} "
            "missing or of the wrong type); start again without --resume"
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
            f"in {folder / 'scenario.yaml'}). Resume with the same scenario file, --set, "
            "--seed and --engine, or start again without --resume"
        )
    version = io.package_version()
    if meta["package_version"] != version:
        raise CheckpointError(
            f"{path}: written by sim {meta['package_version']}, this is sim {version}; "
            "a checkpoint only resumes with the version that wrote it"
        )
    if meta.get("source_sha256") != io.source_sha256():
        log.warning(
            "%s: the package source changed since the checkpoint was written (then git commit "
            "%s). The rebuilt model is checked against it (parameters, warmed-up state), but a "
            "changed rate law that is idle while fasting would go unnoticed; the manifest "
            "will say resumed_with_changed_source",
            path,
            meta.get("git_commit"),
        )
    chunks = meta.get("snapshot_chunks", [])
    arrays.update(_read_chunks(folder, chunks, want))
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


def is_checkpoint_folder(folder: str | Path) -> bool:
    """Whether ``folder`` holds only what :func:`save` writes (or nothing)."""
    folder = Path(folder)
    if folder.is_symlink() or not folder.is_dir():
        return False
    return all(_OWN.fullmatch(p.name) and p.is_file() for p in folder.iterdir())


def remove(folder: str | Path) -> None:
    """Delete a checkpoint folder (after its run folder was written): only the files
    :func:`save` writes, then the folder if that left it empty; anything else stays."""
    folder = Path(folder)
    if folder.is_symlink() or not folder.is_dir():
        return
    for p in folder.iterdir():
        if _OWN.fullmatch(p.name) and p.is_file():
            p.unlink(missing_ok=True)
    try:
        folder.rmdir()
    except OSError:
        log.warning("%s: left in place, it holds files a checkpoint does not write", folder)


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
