"""A species and its rate law added from inside a test, with no edit to the package
(:func:`sim.kinetics.extensions.register_species`): the numpy kernel, the compiled kernel
and the per-agent Python kernel run it and agree, the substep bound's traced Jacobian holds
it, the outputs report it, and the tissue is as before once it is taken off. With a toy
intervention kind registered here too, both kernels run the pair (issue 21's acceptance
test: ``test_a_toy_kind_and_a_toy_species_from_a_test_run_on_both_kernels``)."""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import pytest

from sim.interventions import Kind, Span, register, unregister
from sim.interventions.base import NonNeg, Pos, Strict, first_time, span_end
from sim.kinetics import compiled, extensions, stiffness
from sim.kinetics.species import TISSUE_SPECIES
from sim.model import PhysiologyModel
from sim.types import Species

TOY = (Species("toy_irs2", "fraction", "a toy hepatic IRS-2 pool phosphorylated by Akt", 0.0),)


def toy_irs2_law(s, d, u, p):  # noqa: ANN001, ANN201
    """A toy law in the dialect: Akt phosphorylates the pool and the sinusoidal insulin
    (a declared cell input) adds to it, at the FOXO1 export rate (an existing liver
    parameter), scaled by the gluconeogenesis modulator input (which the toy drug below
    lowers); first-order return at the FOXO1 import rate."""
    drive = p.k_foxo_out * s.akt_p * (1.0 + u.ins_nM) * u.mod_gluconeogenesis
    d.toy_irs2[:] = drive * (1.0 - s.toy_irs2) - p.k_foxo_in * np.maximum(s.toy_irs2, 0.0)


SCENARIO = {
    "name": "toy_species",
    "duration_min": 120,
    "cells": {"muscle": 6, "liver": 6, "adipose": 6},
    "interventions": [{"kind": "meal", "at_min": 0, "carbs_g": 75}],
}


def _run(monkeypatch, kernel: str, engine: str = "vector"):  # noqa: ANN001, ANN202
    monkeypatch.setenv("SIM_KERNEL", kernel)
    monkeypatch.setenv("SIM_WARM_CACHE", "off")
    m = PhysiologyModel({**SCENARIO, "engine": engine})
    while m.running:
        m.step()
    return m.recorder.timeseries()


@pytest.fixture
def toy():
    with extensions.species_added("liver", TOY, toy_irs2_law) as ext:
        yield ext


def test_both_kernels_run_the_toy_species_and_agree(toy, monkeypatch):
    assert [s.name for s in TISSUE_SPECIES["liver"]][-1] == "toy_irs2"
    slow = _run(monkeypatch, "numpy")
    col = slow["liver.toy_irs2"].to_numpy()
    assert col[0] > 0.0 and np.all(np.diff(col[: len(col) // 2]) != 0)  # it is integrated
    if compiled.available():
        fast = _run(monkeypatch, "numba")
        np.testing.assert_allclose(fast["liver.toy_irs2"], col, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(fast["glucose_mM"], slow["glucose_mM"], rtol=1e-9)


def test_the_toy_follows_its_law(toy, monkeypatch):
    """Direction by perturbation: after the meal, Akt rises and with it the toy pool."""
    ts = _run(monkeypatch, "numba" if compiled.available() else "numpy")
    fasting = ts.loc[ts.time_min <= 0, "liver.toy_irs2"].iloc[-1]
    fed = ts.loc[ts.time_min.between(30, 90), "liver.toy_irs2"].max()
    assert fed > fasting


def test_the_per_agent_kernel_runs_it_too(toy, monkeypatch):
    ref = _run(monkeypatch, "numpy")
    agent = _run(monkeypatch, "numpy", engine="agent")
    np.testing.assert_allclose(agent["liver.toy_irs2"], ref["liver.toy_irs2"], rtol=1e-9)


def test_the_substep_bound_holds_the_toy(toy):
    code = stiffness.jacobian("liver")
    assert "toy_irs2" in code["species"]
    k = code["species"].index("toy_irs2")
    assert (k, k) in [tuple(e) for e in code["entries"]]  # its own relaxation rate


def test_taken_off_the_tissue_is_as_before():
    before = TISSUE_SPECIES["liver"]
    key = stiffness.cache_dir()
    with extensions.species_added("liver", TOY, toy_irs2_law):
        assert len(TISSUE_SPECIES["liver"]) == len(before) + 1
        assert stiffness.cache_dir() != key  # never the derivation made without it
    assert TISSUE_SPECIES["liver"] == before and stiffness.cache_dir() == key
    assert "toy_irs2" not in stiffness.jacobian("liver")["species"]


def test_a_law_outside_the_dialect_or_a_taken_name_is_refused():
    def bad(s, d, u, p):  # noqa: ANN001, ANN202
        d.toy_irs2[:] = np.exp(s.akt_p)

    with pytest.raises(ValueError, match="np.exp|exp"):
        extensions.register_species("liver", TOY, bad)
    with pytest.raises(ValueError, match="taken"):
        extensions.register_species("liver", (Species("akt_p", "fraction", "x", 0.0),), bad)

    def unknown_parameter(s, d, u, p):  # noqa: ANN001, ANN202
        d.toy_irs2[:] = p.k_prime_on * s.akt_p  # a muscle parameter

    with pytest.raises(ValueError, match="k_prime_on"):
        extensions.register_species("liver", TOY, unknown_parameter)
    assert extensions.registered() == ()
    assert "toy_irs2" not in [s.name for s in TISSUE_SPECIES["liver"]]


class ToyDrug(Strict):
    kind: Literal["toy_drug"]
    start_min: NonNeg = 0.0
    duration_min: Pos | None = None
    inhibition: float = 0.5


class ToyDrugKind(Kind):
    """A toy drug (the docs' worked example): lowers the hepatocytes' gluconeogenesis
    modulator input while it acts; the toy species' law reads that input."""

    name = "toy_drug"
    Schema = ToyDrug

    @classmethod
    def schedule(cls, iv: ToyDrug, sch: Any, end: float) -> None:
        t = first_time(iv)
        span = Span(t, span_end(t, iv.duration_min, end), iv.inhibition)
        sch.channels.setdefault(cls.name, []).append(span)

    @classmethod
    def cell_inputs(cls, ctx: Any, t: float, tissue: Any, u: dict[str, Any]) -> None:
        if tissue.name == "liver":
            on = [s.value for s in ctx.sch.channels.get(cls.name, []) if s.on(t)]
            u["mod_gluconeogenesis"] *= 1.0 - max(on, default=0.0)


@pytest.fixture
def toy_drug():
    register(ToyDrugKind)
    yield
    unregister(ToyDrugKind.name)


def test_a_toy_kind_and_a_toy_species_from_a_test_run_on_both_kernels(toy, toy_drug, monkeypatch):
    """The issue's acceptance test: a kind and a species, both added here, no edit to the
    package; the path from the kind's YAML to the species' law is its registry entry (a
    cell input the law reads). Both kernels run it, agree, and the drug lowers the pool."""
    drug = {"kind": "toy_drug", "start_min": 0, "inhibition": 0.6}
    base = dict(SCENARIO)
    runs = {}
    for kernel in ("numpy", "numba") if compiled.available() else ("numpy",):
        for arm, ivs in (
            ("control", base["interventions"]),
            ("drug", [*base["interventions"], drug]),
        ):
            monkeypatch.setenv("SIM_KERNEL", kernel)
            monkeypatch.setenv("SIM_WARM_CACHE", "off")
            m = PhysiologyModel({**base, "interventions": ivs})
            while m.running:
                m.step()
            runs[kernel, arm] = m.recorder.timeseries()["liver.toy_irs2"].to_numpy()
    for kernel in {k for k, _ in runs}:
        assert runs[kernel, "drug"][-1] < 0.8 * runs[kernel, "control"][-1]
    if compiled.available():
        for arm in ("control", "drug"):
            np.testing.assert_allclose(runs["numba", arm], runs["numpy", arm], rtol=1e-9)
