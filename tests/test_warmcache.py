"""The warm-state cache (sim.warmcache): a run started from a cached warmed-up state is bit
for bit the run warmed up from scratch, and anything that changes the warm state misses.

Each test has its own cache folder (``SIM_WARM_CACHE`` = a temporary folder). The identity
test uses the real warm-up lengths; the others shorten the warm-up (part of the key) to keep
the suite fast.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import sim.model as sim_model
from sim import warmcache
from sim.model import PhysiologyModel
from sim.runner import run

SCENARIO = {
    "name": "warm",
    "seed": 7,
    "duration_min": 90,
    "cells": {"muscle": 9, "liver": 7, "adipose": 6},
    "heterogeneity_cv": 0.3,
    "cell_record_every_min": 30,
    "interventions": [
        {"kind": "meal", "at_min": 0, "carbs_g": 75, "protein_g": 10},
        {"kind": "gh_injection", "at_min": 20, "dose_mg": 0.3, "route": "sc"},
    ],
}


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "warm"
    monkeypatch.setenv(warmcache.ENV, str(folder))
    return folder


@pytest.fixture
def short_warmup(monkeypatch):
    monkeypatch.setattr(sim_model, "WARMUP_MIN", 20.0)
    monkeypatch.setattr(sim_model, "PREWARM_MIN", 10.0)


def _entries(folder):
    return sorted(folder.glob("*.npz")) if folder.exists() else []


def _assert_identical(a, b) -> None:
    """Every output and the final state, exactly."""
    pd.testing.assert_frame_equal(a.timeseries, b.timeseries, check_exact=True)
    pd.testing.assert_frame_equal(a.cells, b.cells, check_exact=True)
    assert a.summary == b.summary
    ma, mb = a.model, b.model
    assert np.array_equal(ma.x, mb.x)
    assert np.array_equal(ma.recorder.x0, mb.recorder.x0)
    for name in ma.tissues:
        assert np.array_equal(ma.tissues[name].y, mb.tissues[name].y), name
    assert ma.rng.bit_generator.state == mb.rng.bit_generator.state
    assert ma.random.getstate() == mb.random.getstate()
    pd.testing.assert_frame_equal(
        ma.datacollector.get_model_vars_dataframe(),
        mb.datacollector.get_model_vars_dataframe(),
        check_exact=True,
    )


def test_run_from_cache_is_bit_identical_to_a_fresh_warm_up(cache, monkeypatch):
    """Real warm-up lengths: off (reference), first start (writes), repeat start (loads)."""
    monkeypatch.setenv(warmcache.ENV, "off")
    reference = run(SCENARIO)
    assert reference.model.warm_start == "computed"
    assert _entries(cache) == []
    monkeypatch.setenv(warmcache.ENV, str(cache))
    first = run(SCENARIO)
    assert first.model.warm_start == "computed"
    assert len(_entries(cache)) == 1
    repeat = run(SCENARIO)
    assert repeat.model.warm_start == "cache"
    _assert_identical(reference, first)
    _assert_identical(reference, repeat)
    assert len(reference.cells) == 22 * 4  # 4 snapshots (0, 30, 60, 90 min) of 22 cells


def test_a_changed_parameter_seed_or_cell_count_misses(cache, short_warmup):
    base = PhysiologyModel(SCENARIO)
    assert base.warm_start == "computed"
    assert PhysiologyModel(SCENARIO).warm_start == "cache"
    changed = [
        {**SCENARIO, "parameters": {"muscle.glut4_total": 1.1}},
        {**SCENARIO, "seed": 8},
        {**SCENARIO, "cells": {**SCENARIO["cells"], "liver": 8}},
        {**SCENARIO, "heterogeneity_cv": 0.2},
        {**SCENARIO, "subject": {"phenotype": "obese"}},
    ]
    for k, scn in enumerate(changed, start=2):
        m = PhysiologyModel(scn)
        assert m.warm_start == "computed", scn
        assert len(_entries(cache)) == k
    # and the changed parameter's warm state really differs from the cached one
    glut4 = PhysiologyModel(changed[0])
    assert glut4.warm_start == "cache"
    assert not np.array_equal(glut4.tissues["muscle"].y, base.tissues["muscle"].y)


def test_changed_source_warm_up_length_or_kernel_misses(cache, short_warmup, monkeypatch):
    assert PhysiologyModel(SCENARIO).warm_start == "computed"
    monkeypatch.setattr(warmcache, "_source_hash", "0" * 64)  # an edited rate law
    assert PhysiologyModel(SCENARIO).warm_start == "computed"
    monkeypatch.setattr(sim_model, "WARMUP_MIN", 22.0)
    assert PhysiologyModel(SCENARIO).warm_start == "computed"
    parts = warmcache.key_parts(PhysiologyModel(SCENARIO), (22.0, 10.0))
    assert parts["kernel"] in ("numpy", "numba") and parts["source_sha256"] == "0" * 64
    assert len(_entries(cache)) == 3


def test_off_agent_engine_and_oversized_states_are_not_cached(cache, short_warmup, monkeypatch):
    monkeypatch.setenv(warmcache.ENV, "off")
    assert PhysiologyModel(SCENARIO).warm_start == "computed"
    monkeypatch.setenv(warmcache.ENV, str(cache))
    agent = {**SCENARIO, "engine": "agent", "cells": {"muscle": 2, "liver": 2, "adipose": 2}}
    assert PhysiologyModel(agent).warm_start == "computed"
    monkeypatch.setenv(warmcache.MAX_ENV, "0.01")  # 10 KiB: smaller than the state
    assert PhysiologyModel(SCENARIO).warm_start == "computed"
    assert _entries(cache) == []


def test_least_recently_used_entries_are_evicted(cache, short_warmup, monkeypatch):
    PhysiologyModel(SCENARIO)
    size = _entries(cache)[0].stat().st_size
    monkeypatch.setenv(warmcache.MAX_ENV, str(4.5 * size / 2**20))  # room for four entries
    for seed in (1, 2, 3):
        PhysiologyModel({**SCENARIO, "seed": seed})
    assert len(_entries(cache)) == 4
    assert PhysiologyModel(SCENARIO).warm_start == "cache"  # touches the first entry
    PhysiologyModel({**SCENARIO, "seed": 4})  # evicts seed 1, the least recently used
    assert len(_entries(cache)) == 4
    assert PhysiologyModel(SCENARIO).warm_start == "cache"
    assert PhysiologyModel({**SCENARIO, "seed": 2}).warm_start == "cache"
    assert PhysiologyModel({**SCENARIO, "seed": 1}).warm_start == "computed"
    # an entry may take a quarter of the folder at most
    before = _entries(cache)
    monkeypatch.setenv(warmcache.MAX_ENV, str(3.5 * size / 2**20))
    PhysiologyModel({**SCENARIO, "seed": 5})
    assert _entries(cache) == before
    assert PhysiologyModel({**SCENARIO, "seed": 5}).warm_start == "computed"


def test_a_corrupt_or_foreign_entry_is_ignored(cache, short_warmup):
    fresh = PhysiologyModel(SCENARIO)
    (entry,) = _entries(cache)
    whole = entry.read_bytes()
    for broken in (b"not a numpy file", whole[: len(whole) // 2]):  # garbage, torn zip
        entry.write_bytes(broken)
        again = PhysiologyModel(SCENARIO)
        assert again.warm_start == "computed"
        assert np.array_equal(again.tissues["muscle"].y, fresh.tissues["muscle"].y)
    # an entry whose per-cell parameters do not match the model is refused (and not used)
    other = PhysiologyModel({**SCENARIO, "seed": 99})
    (entry_other,) = [e for e in _entries(cache) if e != entry]
    entry_other.replace(entry)  # seed 99's state under this scenario's key
    refused = PhysiologyModel(SCENARIO)
    assert refused.warm_start == "computed"
    assert not np.array_equal(other.tissues["muscle"].y, refused.tissues["muscle"].y)
    assert np.array_equal(refused.tissues["muscle"].y, fresh.tissues["muscle"].y)


def test_cli_no_warm_cache_flag(cache, short_warmup, tmp_path, monkeypatch):
    from sim import cli

    scn = tmp_path / "s.yaml"
    scn.write_text(
        "name: cli\nduration_min: 10\ncells: {muscle: 3, liver: 2, adipose: 2}\n"
        "cell_record_every_min: 10\n"
    )
    assert cli.main(["run", str(scn), "--out", str(tmp_path / "a"), "-q", "--no-warm-cache"]) == 0
    assert _entries(cache) == []
    monkeypatch.setenv(warmcache.ENV, str(cache))
    assert cli.main(["run", str(scn), "--out", str(tmp_path / "b"), "-q"]) == 0
    assert len(_entries(cache)) == 1
    a = pd.read_parquet(tmp_path / "a" / "timeseries.parquet")
    b = pd.read_parquet(tmp_path / "b" / "timeseries.parquet")
    pd.testing.assert_frame_equal(a, b, check_exact=True)


@pytest.mark.parametrize(
    "extra",
    [
        {"protocol": {"kind": "clamp", "insulin_uU_ml": [20, 80], "step_min": 30}},
        {"protocol": {"kind": "medium", "insulin_nM": [[0, 0.0], [10, 1.0]], "gh_ug_l": 5.0}},
        {"interventions": [{"kind": "sleep_restriction", "nights": 3, "hours": 4}]},
        {"interventions": [{"kind": "knockout", "target": "akt", "tissue": "muscle"}]},
    ],
    ids=["clamp", "medium", "sleep_restriction", "knockout"],
)
def test_protocols_from_cache_are_bit_identical(cache, short_warmup, monkeypatch, extra):
    scn = {**SCENARIO, "duration_min": 60, "interventions": [], **extra}
    monkeypatch.setenv(warmcache.ENV, "off")
    reference = run(scn)
    monkeypatch.setenv(warmcache.ENV, str(cache))
    assert run(scn).model.warm_start == "computed"
    repeat = run(scn)
    assert repeat.model.warm_start == "cache"
    _assert_identical(reference, repeat)


# ----------------------------------------------------------------- shared warm-ups

SHARED = {
    "meal_at_0": (
        {"kind": "meal", "at_min": 0, "carbs_g": 75, "protein_g": 10},
        {"kind": "meal", "at_min": 0, "carbs_g": 110, "fat_g": 20},
    ),
    "meal_time": (
        {"kind": "meal", "at_min": 0, "carbs_g": 75},
        {"kind": "meal", "at_min": 25, "carbs_g": 75, "repeat_every_min": 20},
    ),
    "gh_injection": (
        {"kind": "gh_injection", "at_min": 0, "dose_mg": 0.3, "route": "sc"},
        {"kind": "gh_injection", "at_min": 15, "dose_mg": 1.0, "route": "iv"},
    ),
    "secretagogue": (
        {"kind": "secretagogue", "at_min": 0, "drug": "ipamorelin", "dose_ug": 100},
        {
            "kind": "secretagogue",
            "at_min": 5,
            "drug": "sermorelin",
            "dose_ug": 50,
            "infusion_min": 15,
        },
    ),
    "exercise": (
        {"kind": "exercise", "start_min": 10, "duration_min": 20, "intensity_vo2max": 0.5},
        {"kind": "exercise", "start_min": 30, "duration_min": 20, "intensity_vo2max": 0.7},
    ),
    "insulin_infusion": (
        {"kind": "insulin_infusion", "start_min": 5, "duration_min": 30, "rate_mU_m2_min": 40},
        {"kind": "insulin_infusion", "start_min": 5, "duration_min": 30, "rate_mU_m2_min": 80},
    ),
    "glucose_infusion": (
        {"kind": "glucose_infusion", "start_min": 5, "duration_min": 30, "rate_mg_kg_min": 2},
        {"kind": "glucose_infusion", "start_min": 5, "duration_min": 30, "rate_mg_kg_min": 6},
    ),
    "gh_infusion": (
        {"kind": "gh_infusion", "start_min": 5, "duration_min": 30, "rate_ng_kg_min": 20},
        {"kind": "gh_infusion", "start_min": 5, "duration_min": 30, "rate_ng_kg_min": 60},
    ),
    "lipid_infusion": (
        {"kind": "lipid_infusion", "start_min": 5, "duration_min": 30, "ffa_mM": 1.0},
        {"kind": "lipid_infusion", "start_min": 5, "duration_min": 30, "ffa_mM": 2.0},
    ),
    "acipimox": (
        {"kind": "acipimox", "start_min": 5, "duration_min": 30, "inhibition": 0.5},
        {"kind": "acipimox", "start_min": 5, "duration_min": 30, "inhibition": 0.9},
    ),
    "tnf_infusion": (
        {"kind": "tnf_infusion", "start_min": 5, "duration_min": 30, "tnf_pg_ml": 20},
        {"kind": "tnf_infusion", "start_min": 5, "duration_min": 30, "tnf_pg_ml": 80},
    ),
    "modulator": (
        {"kind": "modulator", "target": "lipolysis", "factor": 0.5, "start_min": 5},
        {"kind": "modulator", "target": "glut4_translocation", "factor": 2.0, "start_min": 10},
    ),
}


@pytest.mark.parametrize("kind", list(SHARED))
def test_points_differing_after_t0_share_the_warm_up_bit_for_bit(
    cache, short_warmup, monkeypatch, kind
):
    """Two scenarios that differ only in something that acts after t = 0 (and their names)
    share one cached warm-up, and the run started from the other's entry equals the same
    run warmed up from scratch, every output exactly."""
    first, second = SHARED[kind]
    a = {**SCENARIO, "name": "point_a", "duration_min": 60, "interventions": [first]}
    b = {**SCENARIO, "name": "point_b", "duration_min": 60, "interventions": [second]}
    monkeypatch.setenv(warmcache.ENV, "off")
    reference = run(b)
    assert reference.model.warm_start == "computed"
    monkeypatch.setenv(warmcache.ENV, str(cache))
    assert run(a).model.warm_start == "computed"
    shared = run(b)
    assert shared.model.warm_start == "cache"
    assert len(_entries(cache)) == 1
    _assert_identical(reference, shared)
    # the pair really differs after t = 0 (else the test would prove nothing)
    assert not reference.timeseries.equals(run({**a, "name": "again"}).timeseries)


def test_what_the_warm_up_or_the_first_record_reads_is_never_shared():
    """Scenarios that differ in anything the warm-up, the build or the record at t = 0 read
    have different warm-up views (so different keys); a name or a later dose does not."""
    from sim.scenario import load_scenario

    def view(**changes):
        return warmcache.warm_up_view(load_scenario({**SCENARIO, **changes}))

    base = view()
    assert view(name="other") == base
    assert view(interventions=[{"kind": "meal", "at_min": 40, "carbs_g": 10}]) == base
    exercise_at_0 = {
        "kind": "exercise",
        "start_min": 0,
        "duration_min": 20,
        "intensity_vo2max": 0.5,
    }
    infusion_at_0 = {
        "kind": "insulin_infusion",
        "start_min": 0,
        "duration_min": 20,
        "rate_mU_m2_min": 40,
    }
    differing = [
        {"interventions": [exercise_at_0]},
        {"interventions": [infusion_at_0]},
        {"interventions": [{"kind": "modulator", "target": "lipolysis", "factor": 0.5}]},
        {
            "interventions": [
                {
                    "kind": "secretagogue",
                    "at_min": 0,
                    "drug": "sermorelin",
                    "dose_ug": 50,
                    "infusion_min": 15,
                }
            ]
        },
        {"interventions": [{"kind": "sleep", "start_min": 30, "duration_h": 1}]},
        {"interventions": [{"kind": "sleep_restriction", "nights": 2, "hours": 5}]},
        {"interventions": [{"kind": "diet", "omega3_g_day": 2}]},
        {
            "interventions": [
                {
                    "kind": "training",
                    "sessions_per_week": 3,
                    "weeks": 1,
                    "session_min": 30,
                    "intensity_vo2max": 0.6,
                }
            ]
        },
        {"interventions": [{"kind": "knockout", "target": "akt"}]},
        {"duration_min": 120},
        {"start_clock_h": 9.0},
        {"seed": 8},
        {"parameters": {"muscle.glut4_total": 1.1}},
        {"protocol": {"kind": "clamp", "insulin_uU_ml": 80, "step_min": 30}},
        {"record_every_min": 10},
    ]
    for changes in differing:
        assert view(**changes) != base, changes


def test_an_exercise_bout_at_t0_shows_in_the_first_record(cache, short_warmup):
    """Why a span starting at t = 0 is kept in the key: the state at t = 0 includes the
    record at t = 0, which reads the exercise intensity."""
    bout = {"kind": "exercise", "start_min": 0, "duration_min": 20, "intensity_vo2max": 0.5}
    at_0 = PhysiologyModel({**SCENARIO, "interventions": [bout]})
    later = PhysiologyModel({**SCENARIO, "interventions": [{**bout, "start_min": 10}]})
    assert later.warm_start == "computed" and at_0.warm_start == "computed"
    assert at_0.recorder.rows[0]["exercise_vo2max"] == 0.5
    assert later.recorder.rows[0]["exercise_vo2max"] == 0.0


def test_every_intervention_kind_is_classified():
    """A kind stays in the key unless it says it acts only after t = 0: the built-in kinds
    that do not say so are exactly those that shape the warm-up or the build."""
    from sim.interventions import REGISTRY, Kind

    default = Kind.acts_after_t0.__func__
    kept = {n for n, cls in REGISTRY.items() if cls.acts_after_t0.__func__ is default}
    assert kept == {"training", "sleep", "sleep_restriction", "diet", "knockout"}


def test_computing_lock_makes_a_second_taker_wait(cache):
    """The lock of one key: a second taker (another open file, as in another process) waits
    until the first leaves; a taker that waits too long goes on without it."""
    import threading
    import time

    key = "ab" + "0" * 62
    inside, order = threading.Event(), []

    def first() -> None:
        with warmcache.computing(key) as held:
            assert held
            inside.set()
            time.sleep(0.4)
            order.append("first out")

    t = threading.Thread(target=first)
    t.start()
    inside.wait(5)
    start = time.monotonic()
    with warmcache.computing(key) as held:
        order.append("second in")
        waited = time.monotonic() - start
    t.join()
    assert held and order == ["first out", "second in"] and waited >= 0.3
    with warmcache.computing(key) as outer, warmcache.computing(key, wait_s=0.1) as inner:
        assert outer and not inner  # gave up waiting, did not deadlock
    with warmcache.computing(None) as none:
        assert not none


def test_clear_removes_free_lock_files_only(cache):
    """clear() leaves no lock litter in the folder, but keeps a lock another process holds
    and anything in the lock folder the cache did not make."""
    with warmcache.computing("cd" + "0" * 62) as held:
        assert held
    locks = warmcache.folder() / warmcache.LOCKS
    assert (locks / "cd.lock").exists()
    warmcache.clear()
    assert not locks.exists()
    with warmcache.computing("ef" + "0" * 62) as held:
        assert held
        (locks / "notes.txt").write_text("a user's file")
        (locks / "12.lock").touch()
        warmcache.clear()
        assert sorted(p.name for p in locks.iterdir()) == ["ef.lock", "notes.txt"]


_RACE = """
import sys, time
import sim.model as m
m.WARMUP_MIN, m.PREWARM_MIN = 20.0, 10.0
slow = m.PhysiologyModel._warm_up
def _warm_up(self):
    slow(self)
    time.sleep(1.5)  # long enough that the other process starts meanwhile
m.PhysiologyModel._warm_up = _warm_up
model = m.PhysiologyModel({"name": sys.argv[1], "seed": 7, "duration_min": 60,
                           "cells": {"muscle": 5, "liver": 4, "adipose": 4}})
print(model.warm_start)
"""


def test_two_processes_starting_together_compute_one_warm_up(cache, tmp_path):
    """Two sweep workers needing the same warm-up at once: one computes and stores it, the
    other waits for it and loads it (without the lock both would compute it)."""
    import os
    import subprocess
    import sys

    script = tmp_path / "race.py"
    script.write_text(_RACE)
    env = {**os.environ, warmcache.ENV: str(cache), "SIM_KERNEL": "numpy"}
    procs = [
        subprocess.Popen(
            [sys.executable, str(script), name], env=env, stdout=subprocess.PIPE, text=True
        )
        for name in ("a", "b")  # names differ: not part of the key
    ]
    starts = sorted(p.communicate(timeout=300)[0].split()[-1] for p in procs)
    assert [p.returncode for p in procs] == [0, 0]
    assert starts == ["cache", "computed"]
    assert len(_entries(cache)) == 1
