"""Exact cache of a model's warmed-up state, so a repeated start skips the fasting warm-up.

Building a :class:`~sim.model.PhysiologyModel` ends with a 420-min fasting warm-up (330
small steps; at 1,000 cells ~3 s of a ~4-s start, at 10^6 cells many minutes). Its result
is a deterministic function of the resolved scenario (every default filled in: subject,
parameters, cells, seed, heterogeneity, protocol, interventions, cadences), the warm-up
lengths, the cell kernel, the code and the numerical libraries. So the state the model has at
t = 0 (:meth:`~sim.model.PhysiologyModel.state_dict`, the same state a checkpoint holds) is
stored under a key hashed from all of these, and a later build with the same key loads it
(:meth:`~sim.model.PhysiologyModel.load_state_dict`, which also checks per-cell and body
parameters and the GH pulse train against the freshly built model) instead of integrating
again. A run started from the cache is bit for bit the run warmed up from scratch
(``tests/test_warmcache.py``).

The key (:func:`key`) hashes: the scenario with every default (:func:`warm_up_view`: its
name and the interventions that act only after t = 0 left out, see below), the warm-up
lengths, the kernel (numpy or numba; with numba, whether the body is compiled, and the hash
of its generated code), a hash of every ``.py`` file of the package (an edited rate law, or
any other edit, misses), and the versions of Python, numpy, scipy (and numba when it is the
kernel), the machine type and numpy's enabled CPU features (SIMD paths
may round differently). The per-agent engine (``engine: agent``) is never cached.

Shared warm-ups: the warm-up runs on the schedule without meals, boluses, exercise, infusions,
drugs or modulators (only the kinds flagged ``during_warm_up``: ``Schedule.fasting``), and the
state at t = 0 is recorded before the first step applies anything due at t = 0. So two
scenarios that differ only in a meal, a GH injection or a secretagogue bolus (at any time, t =
0 included), or in an exercise bout, an infusion, acipimox or a modulator that starts after t =
0, warm up to the same state bit for bit, and :func:`warm_up_view` gives them the same key (a
sweep over a dose or a meal computes its warm-up once). Anything else the warm-up or the record
at t = 0 reads stays in the key: subject, parameters, cells, seed, heterogeneity, protocol,
duration (the GH pulse train and the default nights run to the end), clock, cadences, and the
interventions that shape the schedule before t = 0 or the build (sleep, sleep restriction,
diet, training, knockouts) or start at t = 0 (a span at t = 0 shows in the first record). Each
intervention kind says whether it acts only after t = 0
(:meth:`sim.interventions.base.Kind.acts_after_t0`); a kind that does not stays in the key.
A remodelling run's settling days before t = 0 (``remodel.settle_days``,
:mod:`sim.remodel.settle`) take its daily meals, so those stay in its key.
``tests/test_warmcache.py`` runs pairs of each kind both ways and compares every output
exactly.

Where: ``SIM_WARM_CACHE`` names the folder (default ``~/.cache/sim/warm``); ``off`` (or
``0``, ``no``, ``false``, ``none``) disables it, as does ``sim run --no-warm-cache``. An
entry is one ``<key>.npz`` (numpy arrays plus the metadata as JSON; read with
``allow_pickle=False``), written to a temporary name and renamed into place. The folder is
kept under ``SIM_WARM_CACHE_MAX_MIB`` (default 256): the least recently used entries go
first, and only entries the cache lists in its own index (``sim-warm-cache-index.txt``):
other files in the folder, which may be one the user named, are never deleted. A state larger
than a quarter of the limit is not stored (an entry is ~0.5 kB per cell: 0.56 MB at 1,100
cells, so by default up to ~10^5 cells; a 10^6-cell warm-up is cached with
``SIM_WARM_CACHE_MAX_MIB=2048``). Failing to read or write the cache never fails a run: it
warms up as if there were no cache.

Processes that need the same entry at once (the workers of a sweep start together): the one
that finds no entry takes a lock (:func:`computing`, ``fcntl.flock`` on one of 256 lock files
in ``locks/``, chosen by the key's first two hex digits) before it warms up, and holds it
until the entry is stored; another process that finds no entry waits for that lock, then
finds the entry and loads it instead of computing the same warm-up. The operating system
drops the lock of a process that dies; a waiter gives up after ``LOCK_WAIT_S`` and warms up
itself. Where ``fcntl`` does not exist (Windows) there is no lock.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import platform
import re
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

try:
    import fcntl
except ImportError:  # Windows: no lock, each process warms up for itself
    fcntl = None

import numpy as np

from sim.interventions import of as ivkind
from sim.remodel.settle import is_routine

if TYPE_CHECKING:
    from sim.checkpoint.state import ModelState
    from sim.model import PhysiologyModel

log = logging.getLogger(__name__)

ENV = "SIM_WARM_CACHE"
MAX_ENV = "SIM_WARM_CACHE_MAX_MIB"
DEFAULT_MAX_MIB = 256.0
FORMAT = 2
"""Layout of an entry and of the key; part of the key (2: keyed on :func:`warm_up_view`)."""
META_KEY = "__meta__"
OFF = frozenset({"off", "0", "no", "false", "none"})
INDEX = "sim-warm-cache-index.txt"
"""The cache's own list of the entries it wrote (one key per line): eviction and
:func:`clear` delete only those."""
_KEY = re.compile(r"[0-9a-f]{64}")
LOCKS = "locks"
"""Subfolder of the lock files: at most 256 empty files named by two hex digits. Only
:func:`clear` removes them, each while holding its lock, so a file another process holds is
kept (a process that opened a file just before it was removed may warm up beside a newer one:
a repeated warm-up, never a wrong entry, since entries are written atomically)."""
_LOCK_NAME = re.compile(r"[0-9a-f]{2}\.lock")
LOCK_WAIT_S = 3600.0
"""How long a process waits for another one's warm-up of the same key before warming up
itself (a 10^6-cell warm-up takes minutes)."""
LOCK_POLL_S = 0.02
PACKAGE_ROOT = Path(__file__).resolve().parent

_source_hash: str | None = None


def folder() -> Path | None:
    """The cache folder, or None when the cache is switched off."""
    value = os.environ.get(ENV, "").strip()
    if value.lower() in OFF:
        return None
    return Path(value).expanduser() if value else Path.home() / ".cache" / "sim" / "warm"


def source_sha256() -> str:
    """Hash of every ``.py`` file of the package (relative path and content), computed once
    per process: the code this process imported."""
    global _source_hash
    if _source_hash is None:
        h = hashlib.sha256()
        for path in sorted(PACKAGE_ROOT.rglob("*.py")):
            h.update(path.relative_to(PACKAGE_ROOT).as_posix().encode() + b"\0")
            h.update(path.read_bytes() + b"\0")
        _source_hash = h.hexdigest()
    return _source_hash


def _cpu_features() -> list[str]:
    try:
        from numpy._core._multiarray_umath import __cpu_features__
    except ImportError:  # pragma: no cover - numpy < 2
        return []
    return sorted(k for k, v in __cpu_features__.items() if v)


def acts_after_t0(iv: Any) -> bool:
    """Whether intervention ``iv`` cannot change the warmed-up state at t = 0 (see the
    module docstring): its kind's :meth:`~sim.interventions.base.Kind.acts_after_t0`
    (False for a kind that does not say so)."""
    return ivkind(iv).acts_after_t0(iv)


def warm_up_view(scenario: Any) -> dict[str, Any]:
    """The part of a resolved scenario the warm-up and the state at t = 0 depend on: every
    key with its default filled in, except the name and the interventions that act only
    after t = 0 (:func:`acts_after_t0`)."""
    data = scenario.model_dump(mode="json")
    if data.get("remodel") is None:
        data.pop("remodel", None)
    data.pop("name", None)
    # a remodelling run's settling days take its daily meals (sim.remodel.settle)
    settles = scenario.remodel is not None and scenario.remodel.settle_days > 0
    data["interventions"] = [
        d
        for d, iv in zip(data["interventions"], scenario.interventions, strict=True)
        if not acts_after_t0(iv) or (settles and is_routine(iv))
    ]
    return data


def key_parts(model: PhysiologyModel, warm_up_min: tuple[float, float]) -> dict[str, Any]:
    """Everything the warmed-up state depends on (hashed by :func:`key`)."""
    import scipy

    from sim.engine import default_kernel
    from sim.kinetics import extensions

    kernel = default_kernel()
    parts: dict[str, Any] = {
        "format": FORMAT,
        "scenario": warm_up_view(model.scenario),
        "warm_up_min": [float(v) for v in warm_up_min],
        "kernel": kernel,
        "source_sha256": source_sha256(),
        "python": sys.version,
        "machine": platform.machine(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "cpu_features": _cpu_features(),
        "extensions": extensions.signature(),  # species registered from outside the package
    }
    if kernel == "numba":
        import numba

        from sim.kinetics import body_compiled

        parts["numba"] = numba.__version__
        # the compiled body (its generated code: laws, tracer, sympy) or the Python one
        parts["body"] = body_compiled.key() if body_compiled.available() else "python"
    return parts


def key(model: PhysiologyModel, warm_up_min: tuple[float, float]) -> str | None:
    """The cache key of ``model``'s warmed-up state; None when it is not cached (cache off,
    or the per-agent engine)."""
    if folder() is None or model.scenario.engine != "vector":
        return None
    text = json.dumps(key_parts(model, warm_up_min), sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def _path(k: str) -> Path:
    base = folder()
    assert base is not None
    return base / f"{k}.npz"


def load(k: str) -> ModelState | None:
    """The state stored under ``k``, or None (absent or unreadable)."""
    from sim.checkpoint.state import ModelState

    path = _path(k)
    try:
        with np.load(path, allow_pickle=False) as npz:
            arrays = {name: npz[name] for name in npz.files}
        meta = json.loads(str(arrays.pop(META_KEY)))
    except FileNotFoundError:
        return None
    except Exception as exc:  # noqa: BLE001 - truncated zip, bad JSON ...: warm up instead
        log.warning("warm-state cache entry %s unreadable (%s); warming up instead", path, exc)
        return None
    if meta.get("key") != k or meta.get("format") != FORMAT:
        return None
    try:
        os.utime(path)  # least recently used goes first
    except OSError:
        pass
    return ModelState(meta["state"], arrays)


def restore(model: PhysiologyModel, state: ModelState) -> bool:
    """Put a cached warmed-up ``state`` into ``model`` (built, not warmed up, with a fresh
    recorder). False, with ``model`` untouched, when the state does not fit the model."""
    from sim.checkpoint.state import CheckpointError

    arrays = state.arrays
    need = ["body.x", "body.x0", "recorder.rows", "recorder.snapshot_times"]
    for name, tissue in model.tissues.items():
        need += [f"tissue.{name}.y", f"recorder.snapshots.{name}"]
        if arrays.get(f"tissue.{name}.y", np.empty(0)).shape != tissue.y.shape:
            return False
    if any(n not in arrays for n in need) or arrays["body.x"].shape != model.x.shape:
        return False
    # load_state_dict checks the recorder's x0 (the state the warm-up reached) against the
    # rebuilt model's, to catch a changed warm-up; here the key stands for that check.
    model.recorder.x0 = arrays["body.x0"].copy()
    try:
        model.load_state_dict(state)
    except CheckpointError as exc:  # raised before anything is changed
        log.warning("warm-state cache entry does not fit this model (%s); warming up", exc)
        return False
    return True


@contextmanager
def computing(k: str | None, wait_s: float | None = None) -> Iterator[bool]:
    """Hold the lock of entry ``k`` while its warm-up is computed and stored.

    A process that finds no entry warms up inside this block; another process asking for
    the same key meanwhile waits here, and on entering finds the entry the first one stored.
    Yields whether the lock is held (False: no key, the cache is off, no ``fcntl``, the
    folder cannot be written, or ``wait_s`` (default ``LOCK_WAIT_S``) passed first).
    """
    base = folder()
    if k is None or base is None or fcntl is None:
        yield False
        return
    try:
        (base / LOCKS).mkdir(parents=True, exist_ok=True)
        fh = open(base / LOCKS / f"{k[:2]}.lock", "a")  # noqa: SIM115 - held across the yield
    except OSError as exc:
        log.warning("warm-state cache: no lock for %s (%s)", k[:12], exc)
        yield False
        return
    deadline = time.monotonic() + (LOCK_WAIT_S if wait_s is None else wait_s)
    held = False
    try:
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                held = True
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    log.warning("warm-state cache: waited for %s too long; warming up", k[:12])
                    break
                time.sleep(LOCK_POLL_S)
        yield held
    finally:
        if held:
            fcntl.flock(fh, fcntl.LOCK_UN)
        fh.close()


def store(model: PhysiologyModel, k: str) -> None:
    """Store ``model``'s state (just warmed up) under ``k``, keeping the folder within its
    size limit; a failure to write is logged and otherwise ignored."""
    from sim.checkpoint import _json_default, _write_atomic

    limit = max_bytes()
    if sum(t.y.nbytes for t in model.tissues.values()) > limit / 4:
        return  # too large, without copying it first (the state is a copy)
    state = model.state_dict()
    arrays = dict(state.arrays)
    meta = {"format": FORMAT, "key": k, "state": state.meta}
    arrays[META_KEY] = np.array(json.dumps(meta, default=_json_default))
    if sum(a.nbytes for a in arrays.values()) > limit / 4:
        return  # one entry may take a quarter of the folder at most
    path = _path(k)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path.parent / INDEX, "a") as fh:  # before the entry: never an unlisted one
            fh.write(k + "\n")
        _write_atomic(path, lambda fh: np.savez(fh, **arrays))
        _evict(path.parent, limit)
    except OSError as exc:
        log.warning("warm-state cache: could not write %s (%s)", path, exc)


def max_bytes() -> float:
    """The folder's size limit in bytes (``SIM_WARM_CACHE_MAX_MIB``; an unusable value is
    reported and the default used)."""
    raw = os.environ.get(MAX_ENV, "").strip()
    if not raw:
        return DEFAULT_MAX_MIB * 2**20
    try:
        value = float(raw)
        if not math.isfinite(value) or value < 0:
            raise ValueError
    except ValueError:
        log.warning(
            "%s=%r is not a size in MiB (a number >= 0); using %g", MAX_ENV, raw, DEFAULT_MAX_MIB
        )
        return DEFAULT_MAX_MIB * 2**20
    return value * 2**20


def _own_entries(base: Path) -> list[Path]:
    """The entries this cache wrote: files ``<key>.npz`` whose key is in its index. Any other
    file in the folder (the folder may be one the user named) is never touched."""
    try:
        lines = (base / INDEX).read_text(errors="replace").split()
    except OSError:
        return []
    keys = {k for k in lines if _KEY.fullmatch(k)}
    return [base / f"{k}.npz" for k in sorted(keys)]


def _evict(base: Path, limit: float) -> None:
    """Delete the least recently used entries until the folder is within ``limit`` bytes."""
    entries = []
    for p in _own_entries(base):
        try:
            st = p.stat()
        except FileNotFoundError:  # removed by another process
            continue
        entries.append((st.st_mtime, st.st_size, p))
    total = sum(size for _, size, _ in entries)
    for _, size, p in sorted(entries, key=lambda e: e[0]):
        if total <= limit:
            break
        p.unlink(missing_ok=True)
        total -= size


def clear() -> int:
    """Delete every entry the cache wrote (its index); returns how many."""
    base = folder()
    if base is None or not base.is_dir():
        return 0
    n = 0
    for p in _own_entries(base):
        if p.exists():
            p.unlink(missing_ok=True)
            n += 1
    (base / INDEX).unlink(missing_ok=True)
    _clear_locks(base / LOCKS)
    return n


def _clear_locks(d: Path) -> None:
    """Remove the cache's own lock files (empty, named ``xx.lock``) that no process holds,
    then the folder if that leaves it empty; anything else in it is left alone."""
    if fcntl is None or not d.is_dir():
        return
    for p in d.iterdir():
        if not (_LOCK_NAME.fullmatch(p.name) and p.is_file() and p.stat().st_size == 0):
            continue
        with open(p, "a") as fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue  # held by a process warming up now
            p.unlink(missing_ok=True)
    try:
        d.rmdir()
    except OSError:
        pass  # not empty: a held lock or a file the cache did not make
