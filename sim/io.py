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
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd

KEY_PACKAGES = ("mesa", "numpy", "scipy", "networkx", "pandas", "pyarrow", "pydantic", "matplotlib")


class OutputExistsError(FileExistsError):
    """The destination run folder exists and ``--force`` was not given."""


def _version(pkg: str) -> str:
    try:
        return metadata.version(pkg)
    except metadata.PackageNotFoundError:
        return "not installed"


def git_commit() -> str | None:
    """Commit of the source tree the package runs from, if it is a git checkout."""
    root = Path(__file__).resolve().parent.parent
    try:
        out = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


def manifest(
    scenario_yaml: str,
    seed: int,
    cells: dict[str, int],
    wall_s: float,
    status: str,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Reproducibility record of a run."""
    return {
        "package": "sim",
        "version": _version("sim"),
        "git_commit": git_commit(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "packages": {p: _version(p) for p in KEY_PACKAGES},
        "scenario_sha256": hashlib.sha256(scenario_yaml.encode()).hexdigest(),
        "seed": seed,
        "cells": cells,
        "wall_seconds": round(wall_s, 3),
        "status": status,
        **(extra or {}),
    }


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
        files: name -> content (str for text, DataFrame for Parquet, dict/list for JSON).
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
