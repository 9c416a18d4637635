"""Where runs execute: in-process, a local process pool, or a dask.distributed cluster.

Workers receive :class:`~sim.sweep.design.RunTask` (plain, picklable data) and return the
run's record and, for ``keep: full``, its result; writing happens in the parent, so dask
workers need no shared file system. Every backend yields ``(task, outcome)`` as runs finish.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import multiprocessing
import os
import re
import signal
import time
import traceback
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sim.sweep.design import RunTask

if TYPE_CHECKING:  # the model is imported where runs execute, not by a pool's parent
    from sim.runner import RunResult

log = logging.getLogger(__name__)
CONNECT_TIMEOUT_S = 10.0
"""How long to wait for a dask scheduler to answer."""
PR_SET_PDEATHSIG = 1
"""Linux prctl option: the signal a process gets when its parent dies."""
DASK_RESUBMITS = 3
"""Times a run lost with its dask worker (KilledWorker, connection errors) is resubmitted."""


@dataclass
class Outcome:
    """What one run produced: its summary-table record and, when kept, its result."""

    record: dict[str, Any]
    summary: dict[str, Any] = field(default_factory=dict)
    result: RunResult | None = None
    transient: bool = False
    """Lost with its worker rather than failed: not persisted, so ``--resume`` reruns it."""


def _scalars(summary: dict[str, Any]) -> dict[str, Any]:
    return {
        k: v
        for k, v in summary.items()
        if isinstance(v, int | float | str | bool | None) and not isinstance(v, bool)
    }


def execute_run(task: RunTask) -> Outcome:
    """Run one scenario; never raises for a failing run (it is recorded as failed)."""
    from sim.runner import RunFailedError, run

    t0 = time.perf_counter()
    record: dict[str, Any] = {
        "run_id": task.run_id,
        "point": task.point,
        **task.values,
        "seed": task.seed,
        "replicate": task.replicate,
        "status": "completed",
        "error": None,
    }
    result: RunResult | None
    try:
        result = run(task.scenario)
    except RunFailedError as exc:
        result, record["status"], record["error"] = exc.partial, "failed", str(exc)
    except Exception as exc:  # noqa: BLE001 - any failure is recorded, the sweep goes on
        log.debug("run %s failed:\n%s", task.run_id, traceback.format_exc())
        result, record["status"], record["error"] = None, "failed", f"{type(exc).__name__}: {exc}"
    summary = result.summary if result is not None else {}
    if record["status"] == "completed":
        record.update(_scalars(summary))
    record["wall_seconds"] = time.perf_counter() - t0
    if result is not None:
        result.model = None  # live models stay in the worker
    return Outcome(record, summary, result if task.keep == "full" else None)


def run_serial(tasks: list[RunTask]) -> Iterator[tuple[RunTask, Outcome]]:
    """Run in this process, one after the other."""
    for task in tasks:
        yield task, execute_run(task)


def _die_with_parent(parent: int) -> None:
    """Worker initializer: one kernel thread per worker (the pool already fills the cores;
    results do not depend on it), and ask Linux to end this worker when the process that
    started it dies (even by SIGKILL), so no worker is left computing for nobody."""
    os.environ.setdefault("SIM_THREADS", "1")
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the pool's own shutdown still applies
        return
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


def run_pool(tasks: list[RunTask], workers: int) -> Iterator[tuple[RunTask, Outcome]]:
    """Run on a local process pool (spawned workers, as Mesa requires)."""
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=ctx,
        initializer=_die_with_parent,
        initargs=(os.getpid(),),
    ) as pool:
        pending: dict[Future, RunTask] = {pool.submit(execute_run, t): t for t in tasks}
        try:
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for fut in done:
                    yield pending.pop(fut), fut.result()
        finally:
            for fut in pending:
                fut.cancel()


def check_scheduler(address: str, timeout_s: float = CONNECT_TIMEOUT_S) -> None:
    """Refuse (exit status 2, before anything is written) a scheduler address that is not
    ``tcp://HOST:PORT`` (or another dask protocol) or cannot be reached within
    ``timeout_s``."""
    from sim.scenario import ScenarioError

    if not re.fullmatch(r"(tcp|tls|inproc|ucx|ws|wss)://[^\s/]+:\d{1,5}/?", address):
        raise ScenarioError(f"--scheduler {address!r}: expected an address like tcp://HOST:8786")
    try:
        from dask.distributed import Client
    except ImportError:
        raise ScenarioError(
            "--scheduler needs dask.distributed: pip install -e '.[cluster]'"
        ) from None
    try:
        with Client(address, timeout=timeout_s, set_as_default=False):
            pass
    except (OSError, TimeoutError) as exc:
        raise ScenarioError(
            f"--scheduler {address}: no dask scheduler answered within {timeout_s:g} s ({exc})"
        ) from None


def run_dask(tasks: list[RunTask], address: str) -> Iterator[tuple[RunTask, Outcome]]:
    """Run on a dask.distributed cluster; runs lost with a worker are resubmitted."""
    from dask.distributed import Client, as_completed

    token = uuid.uuid4().hex[:8]
    with Client(address, timeout=CONNECT_TIMEOUT_S, set_as_default=False) as client:
        attempts = {t.run_id: 0 for t in tasks}

        def submit(task: RunTask) -> Any:
            key = f"sim-run-{token}-{task.run_id}-{attempts[task.run_id]}"
            return client.submit(execute_run, task, key=key, pure=False, retries=1)

        futures = {submit(t): t for t in tasks}
        queue = as_completed(list(futures), loop=client.loop)
        try:
            for fut in queue:
                task = futures.pop(fut)
                try:
                    outcome = fut.result()
                except Exception as exc:  # noqa: BLE001 - worker lost, not a run failure
                    yield from _retry(task, exc, attempts, submit, futures, queue)
                    continue
                yield task, outcome
        finally:
            client.cancel(list(futures))


def _retry(
    task: RunTask,
    exc: BaseException,
    attempts: dict[str, int],
    submit: Callable[[RunTask], Any],
    futures: dict[Any, RunTask],
    queue: Any,
) -> Iterator[tuple[RunTask, Outcome]]:
    """Resubmit a run whose dask task was lost; record it as failed after the last try."""
    attempts[task.run_id] += 1
    if attempts[task.run_id] <= DASK_RESUBMITS:
        log.warning("run %s lost on the cluster (%s); resubmitting", task.run_id, exc)
        fut = submit(task)
        futures[fut] = task
        queue.add(fut)
        return
    record = {
        "run_id": task.run_id,
        "point": task.point,
        **task.values,
        "seed": task.seed,
        "replicate": task.replicate,
        "status": "failed",
        "error": f"lost on the cluster: {type(exc).__name__}: {exc}",
        "wall_seconds": float("nan"),
    }
    yield task, Outcome(record, transient=True)
