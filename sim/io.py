"""Run folders: atomic writing of scenario, manifest, Parquet tables, summary and figures.

Everything is written into a hidden temporary folder next to the destination and renamed
into place when complete, so a crash never leaves a half-written run folder behind. An
existing folder is only replaced with ``force=True``.
"""

from __future__ import annotations

import hashlib
import json
import math
import platform
import shutil
import subprocess
import tempfile
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd

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


def check_destination(out: Path, force: bool) -> None:
    """Refuse to overwrite an existing run folder unless forced."""
    if out.exists() and not force:
        raise OutputExistsError(f"{out} exists; pass --force to replace it")
    if out.exists() and not out.is_dir():
        raise OutputExistsError(f"{out} exists and is not a folder")


def write_run(out: Path, files: dict[str, Any], force: bool = False, figures: Any = None) -> Path:
    """Write a run folder atomically.

    Args:
        out: destination folder.
        files: name -> content (str for text, DataFrame for Parquet, dict/list for JSON; an
            object with ``write_parquet(path)``, such as :class:`sim.recorder.CellTable`,
            writes its own Parquet file).
        force: replace an existing folder.
        figures: optional callable ``f(tmp_dir)`` that draws figures into the temp folder.
    """
    out = Path(out)
    check_destination(out, force)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
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
        if figures is not None:
            figures(tmp)
        if out.exists():
            shutil.rmtree(out)
        tmp.rename(out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out
