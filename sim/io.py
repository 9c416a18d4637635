"""Run folders: atomic writing of scenario, manifest, Parquet tables, summary and figures.

Everything is written into a hidden temporary folder next to the destination and renamed
into place when complete, so a crash never leaves a half-written run folder behind. An
existing folder is only replaced with ``force=True``.
"""

from __future__ import annotations

import glob
import hashlib
import json
import math
import os
import platform
import shutil
import subprocess
import tempfile
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from sim.inputs import InputError, load_json, read_text

KEY_PACKAGES = (
    "mesa",
    "numpy",
    "scipy",
    "networkx",
    "pandas",
    "pyarrow",
    "pydantic",
    "pyyaml",
    "matplotlib",
    "numba",
)
"""Dependencies recorded in ``manifest.json`` (numba: the optional fast engine)."""
MANIFEST_KEYS = (
    "package",
    "version",
    "git_commit",
    "git_dirty",
    "source_sha256",
    "python",
    "platform",
    "packages",
    "scenario_sha256",
    "seed",
    "cells",
    "wall_seconds",
    "status",
    "created_utc",
)
"""Keys every ``manifest.json`` has (the reproducibility record)."""
ENVIRONMENT_KEYS = ("version", "git_commit", "source_sha256", "python", "platform")
"""Manifest keys that describe the environment a run was made in (compared on re-runs)."""
PACKAGE_ROOT = Path(__file__).resolve().parent


class OutputExistsError(FileExistsError):
    """The destination run folder exists and ``--force`` was not given."""


def _version(pkg: str) -> str:
    try:
        return metadata.version(pkg)
    except metadata.PackageNotFoundError:
        return "not installed"


def package_version() -> str:
    """Installed version of this package."""
    return _version("sim")


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _git(*args: str) -> str | None:
    try:
        out = subprocess.run(
            ["git", "-C", str(PACKAGE_ROOT.parent), *args],
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout


def git_commit() -> str | None:
    """Commit of the source tree the package runs from, if it is a git checkout."""
    out = _git("rev-parse", "HEAD")
    return (out or "").strip() or None


def git_dirty() -> bool | None:
    """Whether the package source (``sim/``, ``pyproject.toml``) has uncommitted changes,
    untracked files included; None outside a git checkout."""
    if git_commit() is None:
        return None
    out = _git("status", "--porcelain", "--", PACKAGE_ROOT.name, "pyproject.toml")
    return None if out is None else bool(out.strip())


def source_sha256() -> str:
    """Hash of every Python file of the package (path and content): identifies the code a
    run used even when the git tree was dirty or there is no git at all."""
    h = hashlib.sha256()
    for path in sorted(PACKAGE_ROOT.rglob("*.py")):
        h.update(path.relative_to(PACKAGE_ROOT).as_posix().encode() + b"\0")
        h.update(path.read_bytes() + b"\0")
    return h.hexdigest()


def manifest(
    scenario_yaml: str,
    seed: int,
    cells: dict[str, int],
    wall_s: float,
    status: str,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Reproducibility record of a run (keys: :data:`MANIFEST_KEYS`, plus ``extra``)."""
    return {
        "package": "sim",
        **environment(),
        "scenario_sha256": sha256_text(scenario_yaml),
        "seed": seed,
        "cells": cells,
        "wall_seconds": round(wall_s, 3),
        "status": status,
        "created_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        **(extra or {}),
    }


def environment() -> dict[str, Any]:
    """The code and software a run is made with: package version, git commit and whether the
    tree was dirty, a hash of the package source, Python, platform, dependency versions."""
    return {
        "version": package_version(),
        "git_commit": git_commit(),
        "git_dirty": git_dirty(),
        "source_sha256": source_sha256(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "packages": {p: _version(p) for p in KEY_PACKAGES},
    }


def environment_differences(recorded: dict[str, Any], now: dict[str, Any]) -> list[str]:
    """How the environment of a recorded manifest differs from ``now`` (:func:`environment`),
    one readable line per difference; empty when the same."""
    out = []
    for key in ENVIRONMENT_KEYS:
        if recorded.get(key) != now.get(key):
            line = f"{key}: {recorded.get(key)} (recorded) vs {now.get(key)} (now)"
            if key == "source_sha256" and recorded.get("git_dirty"):
                line += "; the recorded tree had uncommitted changes"
            out.append(line)
    old, new = recorded.get("packages") or {}, now.get("packages") or {}
    for pkg in sorted(set(old) | set(new)):
        if old.get(pkg) != new.get(pkg):
            out.append(f"{pkg}: {old.get(pkg, 'not recorded')} (recorded) vs {new.get(pkg)} (now)")
    return out


def _clean(obj: Any) -> Any:
    """JSON-safe: NaN and infinities become null."""
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: _clean(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_clean(v) for v in obj]
    return obj


def write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(_clean(data), indent=2) + "\n")


MARKER = ".sim-output.json"
"""File every output folder of this project carries (``package``, ``kind``): how ``--force``
recognises a folder it may replace."""
OUTPUT_KINDS = ("run", "sweep", "compare", "validation", "calibration")


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def mkdtemp_beside(out: Path) -> Path:
    """A hidden temporary folder next to ``out`` with the permissions a plain ``mkdir``
    would give (``tempfile.mkdtemp`` makes 0700)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    os.chmod(tmp, 0o777 & ~_umask())
    return tmp


def write_marker(folder: Path, kind: str) -> None:
    """Mark ``folder`` as an output folder of this project (see :data:`MARKER`)."""
    write_json(folder / MARKER, {"package": "sim", "kind": kind})


def _read_json(path: Path) -> Any:
    """The JSON in ``path`` (bounded reading, :mod:`sim.inputs`), or None when it is absent
    or unreadable."""
    try:
        return load_json(read_text(path, "a JSON file"), str(path))
    except InputError:
        return None


def output_kind(folder: Path) -> str | None:
    """What kind of output folder of this project ``folder`` is (run, sweep, compare,
    validation, calibration), or None when it is not recognisably one.

    Folders written from now on carry :data:`MARKER`; older ones are recognised by what only
    this project writes: a ``manifest.json`` with ``"package": "sim"`` (run), ``sweep.yaml``
    beside a ``parts/`` folder (sweep or compare), ``validation.json`` with ``report.md``,
    ``best.yaml`` with ``history.csv`` (calibration)."""
    if folder.is_symlink() or not folder.is_dir():
        return None
    marker = _read_json(folder / MARKER)
    if isinstance(marker, dict) and marker.get("package") == "sim":
        kind = marker.get("kind")
        return kind if kind in OUTPUT_KINDS else None
    manifest = _read_json(folder / "manifest.json")
    if isinstance(manifest, dict) and manifest.get("package") == "sim":
        return "run"
    if (folder / "sweep.yaml").is_file() and (folder / "parts").is_dir():
        return "sweep"
    if (folder / "validation.json").is_file() and (folder / "report.md").is_file():
        return "validation"
    if (folder / "best.yaml").is_file() and (folder / "history.csv").is_file():
        return "calibration"
    return None


def _protected(out: Path, protect: tuple[Path, ...]) -> str | None:
    """Why ``out`` must never be replaced whatever it holds, or None."""
    try:
        real = out.resolve()
    except (OSError, RuntimeError):
        return "its path cannot be resolved"
    if real == Path(real.anchor):
        return "it is the root folder"
    if real == Path.home().resolve():
        return "it is your home folder"
    cwd = Path.cwd().resolve()
    if cwd == real or cwd.is_relative_to(real):
        return "it is the current folder or one of its parents"
    if PACKAGE_ROOT.is_relative_to(real):
        return "it holds this package's source"
    for p in protect:
        try:
            if Path(p).resolve().is_relative_to(real):
                return f"it holds {p}, an input of this command"
        except (OSError, RuntimeError):
            continue
    return None


def canonical(out: str | Path) -> Path:
    """``out`` as an absolute path with ``..`` and symbolic links resolved, as the kernel
    will resolve it once the folders exist (``a/../b`` is ``b`` even when ``a`` does not
    exist yet); :class:`OutputExistsError` for a path no file system accepts."""
    text = os.fspath(out)
    if "\x00" in text or not text.strip():
        raise OutputExistsError(f"{text!r}: not a usable folder name")
    return Path(os.path.realpath(text))


def check_destination(
    out: Path,
    force: bool,
    kinds: tuple[str, ...] = ("run",),
    protect: tuple[Path, ...] = (),
    what: str = "run folder",
) -> None:
    """Refuse a destination that exists, unless ``force`` is given and it is recognisably an
    output folder of this project of one of ``kinds`` (or an empty folder), and is none of
    ``.``, its parents, ``/``, the home folder or a folder holding a file of ``protect``
    (the command's inputs). Raises :class:`OutputExistsError` (exit status 2)."""
    shown, out = out, canonical(out)
    if not (out.exists() or Path(shown).is_symlink()):
        return
    if Path(shown).is_symlink():
        raise OutputExistsError(f"{shown} is a symbolic link; refusing to write through it")
    if not out.is_dir():
        raise OutputExistsError(f"{shown} exists and is not a folder; choose another --out")
    why = _protected(out, tuple(protect))
    if why:
        raise OutputExistsError(f"{shown} cannot be an output folder: {why}; choose another --out")
    kind = output_kind(out)
    empty = not any(out.iterdir())
    if not empty and kind not in kinds:
        found = f"a {kind} folder" if kind else "not an output folder of this project"
        raise OutputExistsError(
            f"{shown} exists and is {found} (no {MARKER} or manifest written by sim for a "
            f"{what}); refusing to replace it: choose another --out"
        )
    if not force:
        raise OutputExistsError(f"{shown} exists; pass --force to replace it")


def check_writable(out: Path) -> None:
    """Refuse (exit status 2) before any work when ``out`` could not be created: its nearest
    existing parent is not a writable folder."""
    parent = canonical(out).parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        raise OutputExistsError(f"{out}: {parent} is not a folder")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise OutputExistsError(f"{out}: cannot write in {parent} (permission denied)")


def free_name(path: Path) -> Path:
    """``path`` if it is free or a run folder of this project, else ``path-2``, ``path-3``
    ... (the first such): where a failed run's partial results may go without touching a
    folder of the user's."""
    for i in range(1, 10_000):
        cand = path if i == 1 else path.with_name(f"{path.name}-{i}")
        if not cand.exists() and not cand.is_symlink():
            return cand
        if output_kind(cand) == "run" and _protected(cand, ()) is None:
            return cand
    raise OutputExistsError(f"no free folder name beside {path}")


def swap_in(tmp: Path, out: Path, kinds: tuple[str, ...] = OUTPUT_KINDS) -> None:
    """Put the complete folder ``tmp`` at ``out`` atomically: an existing ``out`` is renamed
    aside first, ``tmp`` renamed in, and only then is the old one deleted. A kill at any
    moment leaves under ``out`` the old folder whole, the new one whole, or nothing (the old
    one then waits, whole, under ``.<name>.replaced-*``); never a half-deleted one."""
    aside = None
    if out.exists():
        if not out.is_dir() or (any(out.iterdir()) and output_kind(out) not in kinds):
            raise OutputExistsError(f"{out} is not an output folder of this project; kept")
        aside = Path(tempfile.mkdtemp(prefix=f".{out.name}.replaced-", dir=out.parent))
        os.rename(out, aside)  # replaces the empty placeholder atomically
    try:
        os.rename(tmp, out)
    except BaseException:
        if aside is not None and not out.exists():
            os.rename(aside, out)  # put the old folder back
        raise
    if aside is not None:
        shutil.rmtree(aside, ignore_errors=True)
    for stale in out.parent.glob(f".{glob.escape(out.name)}.replaced-*"):
        if output_kind(stale) is not None:  # a replace killed between its renames
            shutil.rmtree(stale, ignore_errors=True)


def write_run(
    out: Path,
    files: dict[str, Any],
    force: bool = False,
    figures: Any = None,
    protect: tuple[Path, ...] = (),
) -> Path:
    """Write a run folder atomically.

    Args:
        out: destination folder.
        files: name -> content (str for text, DataFrame for Parquet, dict/list for JSON; an
            object with ``write_parquet(path)``, such as :class:`sim.recorder.CellTable`,
            writes its own Parquet file).
        force: replace an existing run folder of this project (:func:`check_destination`).
        figures: optional callable ``f(tmp_dir)`` that draws figures into the temp folder.
        protect: inputs of the command; a folder holding one is never replaced.
    """
    import pandas as pd  # here: `sim` commands that write no table start without pandas

    check_destination(out, force, protect=protect)
    out = canonical(out)
    tmp = mkdtemp_beside(out)
    try:
        for name, content in files.items():
            path = tmp / name
            if isinstance(content, pd.DataFrame):
                content.to_parquet(path, index=False)
            elif hasattr(content, "write_parquet"):  # a table too large for memory, streamed
                content.write_parquet(path)
            elif isinstance(content, str):
                path.write_text(content)
            else:
                write_json(path, content)
        write_marker(tmp, "run")
        if figures is not None:
            figures(tmp)
        swap_in(tmp, out, ("run",))
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out
