"""Sweep results on disk: one atomic part file per finished run, the summary table, resume.

Each finished run is committed as ``parts/<run_id>.parquet`` (temporary file + rename), after
its optional run folder; ``summary.parquet`` is rebuilt atomically from the records, sorted by
run id. A crash therefore loses at most the runs in flight, and ``--resume`` reruns exactly
the run ids without a part file.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import pandas as pd

from sim import io
from sim.sweep.execute import Outcome
from sim.sweep.spec import SweepError

log = logging.getLogger(__name__)
LEAD = ["run_id", "point"]
TAIL = ["seed", "replicate", "status", "error"]
REFRESH_S = 5.0
"""Minimum seconds between rewrites of ``summary.parquet`` while a sweep runs."""


def atomic_parquet(df: pd.DataFrame, path: Path) -> None:
    """Write ``df`` to ``path`` through a temporary file in the same folder, renamed when
    complete (a reader never sees half a table; a failure leaves no temporary file)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        df.to_parquet(tmp, index=False)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_text(text: str, path: Path) -> None:
    """Write ``text`` to ``path`` atomically, as :func:`atomic_parquet`."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def table(records: list[dict[str, Any]], keys: list[str]) -> pd.DataFrame:
    """The summary table: run id, point, swept keys, seed, replicate, status, error,
    metrics (in order of first appearance by run id), wall seconds; one row per run."""
    rows = sorted(records, key=lambda r: r["run_id"])
    fixed = [*LEAD, *keys, *TAIL]
    metrics: dict[str, None] = {}
    for r in rows:
        metrics.update({k: None for k in r if k not in fixed and k != "wall_seconds"})
    cols = [*fixed, *metrics, "wall_seconds"]
    df = pd.DataFrame(rows, columns=cols)
    df["error"] = df["error"].astype("string")
    df["status"] = df["status"].astype("string")
    return df


class ResultStore:
    """The sweep folder: ``sweep.yaml``, ``parts/``, ``runs/`` and ``summary.parquet``."""

    kind = "sweep"
    """The kind of output folder (:data:`sim.io.OUTPUT_KINDS`) this store writes."""

    def __init__(self, out: Path, keys: list[str], keep: str) -> None:
        self.out, self.keys, self.keep = out, keys, keep
        self.parts = out / "parts"
        self.runs = out / "runs"
        self.records: dict[str, dict[str, Any]] = {}
        self._written = 0.0

    def create(
        self, sweep_yaml: str, resume: bool, force: bool, protect: tuple[Path, ...] = ()
    ) -> None:
        """Prepare the folder: fresh, replaced (``force``) or resumed (``resume``).

        ``force`` replaces only a folder of this project of the same kind (never one holding
        a file of ``protect``, the command's inputs; :func:`sim.io.check_destination`): the
        new folder is built beside it, the old one renamed aside, the new one renamed in, and
        only then the old one deleted."""
        out = self.out
        if out.exists() and resume:
            if io.output_kind(out) not in (self.kind, None) or not out.is_dir():
                raise SweepError(f"--resume: {out} is not a {self.kind} folder")
            self._check_same_sweep(sweep_yaml)
            self._load_parts()
        else:
            what = f"{self.kind} folder"
            io.check_destination(out, force, kinds=(self.kind,), protect=protect, what=what)
            io.check_writable(out)
            out = io.canonical(out)
            tmp = io.mkdtemp_beside(out)
            try:
                atomic_text(sweep_yaml, tmp / "sweep.yaml")
                io.write_marker(tmp, self.kind)
                io.swap_in(tmp, out, (self.kind,))
            except BaseException:
                shutil.rmtree(tmp, ignore_errors=True)
                raise
        self.parts.mkdir(exist_ok=True)
        if self.keep != "none":
            self.runs.mkdir(exist_ok=True)
            for stale in self.runs.glob(".*"):  # temporaries of runs in flight at a crash
                shutil.rmtree(stale, ignore_errors=True)

    def _check_same_sweep(self, sweep_yaml: str) -> None:
        saved = self.out / "sweep.yaml"
        if not saved.is_file():
            raise SweepError(f"--resume: {self.out} has no sweep.yaml; it is not a sweep folder")
        if saved.read_text() != sweep_yaml:
            raise SweepError(
                f"--resume: {saved} differs from the sweep file (resolved); a resumed sweep "
                "must be the same sweep. Use --force to start again, or another --out"
            )

    def _load_parts(self) -> None:
        for part in sorted(self.parts.glob("*.parquet")):
            try:
                for rec in pd.read_parquet(part).to_dict("records"):
                    self.records[rec["run_id"]] = rec
            except Exception as exc:  # noqa: BLE001 - an unreadable part is rerun
                log.warning("ignoring unreadable part %s (%s); the run will be redone", part, exc)
                part.unlink(missing_ok=True)
        for tmp in self.parts.glob(".*"):
            tmp.unlink(missing_ok=True)
        log.info("resuming: %d runs already done", len(self.records))

    def done(self) -> set[str]:
        """Run ids with a committed record."""
        return set(self.records)

    def add(self, outcome: Outcome, result_saver: Any = None) -> None:
        """Commit one finished run: its run folder (per ``keep``), then its part file."""
        rec, rid = outcome.record, outcome.record["run_id"]
        self.records[rid] = rec
        if outcome.transient:
            return
        if self.keep == "summary" and outcome.summary:
            folder = self.runs / rid
            folder.mkdir(exist_ok=True)
            tmp = folder / ".summary.json.tmp"
            io.write_json(tmp, outcome.summary)
            os.replace(tmp, folder / "summary.json")
        elif self.keep == "full" and outcome.result is not None:
            outcome.result.save(self.runs / rid, force=True)
        atomic_parquet(pd.DataFrame([rec]), self.parts / f"{rid}.parquet")
        if time.monotonic() - self._written > REFRESH_S:
            self.write_summary()

    def write_summary(self) -> pd.DataFrame:
        """Rewrite ``summary.parquet`` (atomically) from every record so far."""
        df = table(list(self.records.values()), self.keys)
        atomic_parquet(df, self.out / "summary.parquet")
        self._written = time.monotonic()
        return df
