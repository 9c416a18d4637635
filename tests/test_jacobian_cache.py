"""The cells' traced Jacobians (:func:`sim.kinetics.stiffness.jacobian`, the source of each
tissue's substep bound) are derived with sympy once per version of the laws and kept on
disk, named by a hash of the law sources: a new process reads them instead of deriving
again, a damaged file is derived again, and a changed law is a different folder."""

from __future__ import annotations

import json

import pytest

from sim.kinetics import stiffness


@pytest.fixture
def fresh_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("SIM_NUMBA_CACHE", str(tmp_path))
    stiffness.jacobian.cache_clear()
    yield tmp_path
    stiffness.jacobian.cache_clear()


def test_the_derivation_is_read_back_from_disk(fresh_cache, monkeypatch):
    derived = stiffness.jacobian("adipose")
    path = stiffness.cache_dir() / "adipose.json"
    assert path.parent.parent == fresh_cache and path.exists()
    assert json.loads(path.read_text()) == json.loads(json.dumps(derived))
    stiffness.jacobian.cache_clear()  # as a new process

    def refuse(tissue: str) -> dict:
        raise AssertionError(f"{tissue} derived again although it is on disk")

    monkeypatch.setattr(stiffness, "derive", refuse)
    assert stiffness.jacobian("adipose") == json.loads(path.read_text())


def test_a_damaged_file_is_derived_again(fresh_cache):
    path = stiffness.cache_dir() / "adipose.json"
    path.parent.mkdir(parents=True)
    path.write_text('{"species": [')  # a crashed writer
    code = stiffness.jacobian("adipose")
    assert code["tissue"] == "adipose"
    assert json.loads(path.read_text())["exprs"] == code["exprs"]


def test_the_folder_is_named_by_the_law_sources(fresh_cache, monkeypatch):
    """An edited law (here: a source text with one character more) is another folder, so a
    stale derivation is never read for it."""
    before = stiffness.cache_dir()
    real = stiffness.inspect.getsource

    def edited(obj):  # noqa: ANN001, ANN202
        src = real(obj)
        return src + " " if obj is stiffness.tissues else src

    monkeypatch.setattr(stiffness.inspect, "getsource", edited)
    assert stiffness.cache_dir() != before
