"""Generated bad inputs across run, sweep, compare, plot and --from-manifest: no traceback,
no hang, nothing written or deleted outside the output folder (tests/fuzz_inputs.py)."""

from __future__ import annotations

import random

import pytest
from fuzz_inputs import _bad_yaml, _scenario, fuzz
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.scenario import ScenarioError, load_scenario


def _check(report: dict) -> None:
    bad = [(v["kind"], v["args"], v["damage"], v["code"], v["outside"]) for v in report["bad"]]
    assert report["tracebacks"] == 0 and report["hangs"] == 0, bad[:5]
    assert report["written_or_deleted_outside"] == 0, bad[:5]


def test_fuzz_sample_of_bad_inputs():
    _check(fuzz(120, seed=7))


@pytest.mark.slow
def test_fuzz_a_thousand_bad_inputs():
    report = fuzz(1000, seed=0)
    _check(report)
    assert report["cases"] == 1000


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.randoms(use_true_random=False))
def test_bad_scenario_files_are_refused_or_valid(tmp_path_factory, rnd: random.Random):
    """Alias bombs, non-UTF-8, nesting, duplicate keys, NaN/Inf, extreme steps: loading either
    gives a valid scenario or a ScenarioError; never another exception."""
    path = tmp_path_factory.mktemp("fz") / "s.yaml"
    path.write_bytes(_bad_yaml(rnd, _scenario(rnd)))
    try:
        scn = load_scenario(path)
    except ScenarioError as exc:
        assert len(str(exc)) < 5000
        return
    assert scn.duration_min / scn.dt_min <= 5_000_000
