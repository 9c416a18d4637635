"""Engines, determinism, conservation, positivity and glucose mass balance."""

from __future__ import annotations

import dataclasses
import importlib.util

import numpy as np
import pandas as pd
import pytest

import sim
from sim.kinetics.species import conserved_groups, moiety_total
from sim.model import PhysiologyModel


@pytest.mark.parametrize("agent_kernel", ["python", "numba"])
def test_agent_engine_matches_vector_engine(small_scenario, agent_kernel, monkeypatch):
    """Each Mesa agent stepping its own cell (on Python floats, or calling the compiled
    single-cell kernel) reproduces the vectorised engine."""
    small_scenario["cells"] = {"muscle": 4, "liver": 3, "adipose": 3}
    vec = sim.run(small_scenario)
    monkeypatch.setenv("SIM_AGENT_KERNEL", agent_kernel)
    agent = sim.run({**small_scenario, "engine": "agent"})
    if agent_kernel == "numba" and importlib.util.find_spec("numba") is not None:
        assert agent.manifest()["kernel"] == "agent-numba"
    elif agent_kernel == "python":
        assert agent.manifest()["kernel"] == "agent-python"
    a, b = vec.timeseries.to_numpy(float), agent.timeseries.to_numpy(float)
    np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)
    for t in ("muscle", "liver", "adipose"):
        np.testing.assert_allclose(
            vec.model.tissues[t].y, agent.model.tissues[t].y, rtol=1e-9, atol=1e-12
        )


def test_agents_are_views_on_tissue_state(small_scenario):
    model = PhysiologyModel(small_scenario)
    agents = list(model.agents)
    assert len(agents) == sum(small_scenario["cells"].values())
    a = agents[0]
    a.state[:] = 0.123
    assert np.all(a.tissue.y[:, a.i] == 0.123)
    assert a.cell is not None and a in a.cell.agents


def test_same_seed_identical_outputs(small_scenario, tmp_path):
    r1, r2 = sim.run(small_scenario), sim.run(small_scenario)
    r1.save(tmp_path / "a")
    r2.save(tmp_path / "b")
    for name in ("timeseries.parquet", "cells.parquet"):
        pd.testing.assert_frame_equal(
            pd.read_parquet(tmp_path / "a" / name), pd.read_parquet(tmp_path / "b" / name)
        )


def test_other_seed_changes_cells(small_scenario):
    r1 = sim.run(small_scenario)
    r2 = sim.run({**small_scenario, "seed": small_scenario["seed"] + 1})
    assert not np.allclose(
        r1.cells["akt_p"].to_numpy(), r2.cells["akt_p"].to_numpy(), equal_nan=True
    )


@pytest.fixture(scope="module")
def long_run():
    """Two days, three meals a day, exercise and a GH injection: stresses every arm."""
    meals = [
        {"kind": "meal", "at_min": t, "carbs_g": 70, "protein_g": 20, "fat_g": 15}
        for t in (60, 360, 720, 1500, 1800, 2160)
    ]
    return sim.run(
        {
            "name": "long",
            "duration_min": 2880,
            "dt_min": 2.0,
            "cells": {"muscle": 8, "liver": 8, "adipose": 8},
            "interventions": meals
            + [
                {
                    "kind": "exercise",
                    "start_min": 540,
                    "duration_min": 60,
                    "intensity_vo2max": 0.75,
                },
                {"kind": "gh_injection", "at_min": 900, "dose_mg": 0.5, "route": "sc"},
            ],
        }
    )


def test_conserved_totals_over_long_run(long_run):
    for t, tissue in long_run.model.tissues.items():
        for group, rows in conserved_groups(t).items():
            total = tissue.y[rows].sum(axis=0)
            expected = getattr(tissue.params, moiety_total(group))  # 1 unless knocked out
            np.testing.assert_allclose(total, expected, rtol=0, atol=1e-9, err_msg=f"{t}.{group}")


def test_positivity_over_long_run(long_run):
    nodes = long_run.cells.select_dtypes("number").drop(columns=["cell_id", "time_min"])
    assert np.nanmin(nodes.to_numpy()) >= 0.0
    ts = long_run.timeseries.drop(columns=["time_min", "clock_h"])
    assert ts.to_numpy().min() >= 0.0
    assert np.isfinite(ts.to_numpy()).all()


def test_glucose_mass_balance_closes(long_run):
    assert long_run.summary["glucose_balance_error"] < 1e-6


def test_whole_body_does_not_depend_on_agent_count():
    """DESIGN: agents are resolution; doubling them changes whole-body output only by noise."""
    base = {
        "name": "res",
        "duration_min": 240,
        "heterogeneity_cv": 0.15,
        "interventions": [{"kind": "meal", "at_min": 0, "carbs_g": 75}],
    }
    runs = [
        sim.run({**base, "cells": {"muscle": n, "liver": n, "adipose": n}}) for n in (60, 120, 240)
    ]
    peaks = [r.summary["glucose_peak_mM"] for r in runs]
    auc = [r.summary["glucose_iauc_mM_min"] for r in runs]
    assert max(peaks) / min(peaks) < 1.03
    assert max(auc) / min(auc) < 1.08


def test_glucose_fluxes_vary_within_a_step_but_keep_their_step_integral(small_scenario):
    """The body sees each glucose flux as a line through its step mean (slope from the
    previous step, limited to stay non-negative): the amount delivered in the step is the
    cells' amount, whatever the slope, and no flux turns negative inside the step."""
    from sim import engine as en
    from sim.kinetics import body as bk

    model = PhysiologyModel(small_scenario)
    model.step()
    cf, dt, t = model.last_flux, model.dt, model.time_min
    rising = dataclasses.replace(cf, egp=3.0 * cf.egp, u_muscle=0.1 * cf.u_muscle)
    flat = en.advance_body(t, model.x, cf, model.ctx, dt)
    sloped = en.advance_body(t, model.x, cf, model.ctx, dt, prev=rising)
    for name, flux in (("acc_egp", "egp"), ("acc_muscle", "u_muscle")):
        i = bk.IDX[name]
        delivered = sloped[i] - model.x[i]
        assert delivered == pytest.approx(getattr(cf, flux) * dt, rel=1e-12)
        assert delivered == pytest.approx(flat[i] - model.x[i], rel=1e-12)
    rhs = en.BodyRHS(cf, model.ctx, t, dt, rising)
    assert rhs.slopes["egp"] < 0 < rhs.slopes["u_muscle"]  # towards this step's values
    start, middle, end = (rhs.fluxes(t + f * dt) for f in (0.0, 0.5, 1.0))
    for k in en.GLUCOSE_FLUXES:
        assert min(getattr(start, k), getattr(end, k)) >= 0.0, k
        assert getattr(middle, k) == pytest.approx(getattr(cf, k), rel=1e-12), k
    assert start.egp == pytest.approx(2.0 * cf.egp)  # limited: the fall stops at zero
    assert end.egp == pytest.approx(0.0, abs=1e-12)
    # the glucose trajectory inside the step differs from the flat one
    assert sloped[bk.IDX["q_glc"]] != flat[bk.IDX["q_glc"]]


def test_check_state_rejects_non_finite_and_negative_values_and_clips_round_off():
    """The positivity check's verdicts: NaN and inf are named with species and cell, a
    negative value beyond round-off is an error, round-off below zero is clipped to 0."""
    from sim.numerics import NEG_TOL, NumericalError, check_state

    names = ["a", "b", "c"]
    good = np.array([[0.5, 1.0], [2.0, 0.0], [0.1, 3.0]])
    y = good.copy()
    check_state(y, "muscle", 1.0, names)
    np.testing.assert_array_equal(y, good)
    y[1, 1] = -0.1 * NEG_TOL * 3.0  # round-off: max |y| is 3
    check_state(y, "muscle", 1.0, names)
    assert y[1, 1] == 0.0
    for bad, kind in ((np.nan, "not finite"), (np.inf, "not finite"), (-1e-3, "negative")):
        y = good.copy()
        y[2, 1] = bad
        with pytest.raises(NumericalError, match=f"cell 1, species c: .* is {kind}"):
            check_state(y, "muscle", 1.0, names)
    y = good.copy()
    y[0, 0] = -np.inf  # also caught when the extreme is the minimum
    with pytest.raises(NumericalError, match="species a: .* is not finite"):
        check_state(y, "muscle", 1.0, names)


def test_tissue_parameter_means_follow_a_replaced_parameter(small_scenario):
    tissue = PhysiologyModel(small_scenario).tissues["muscle"]
    values = tissue.params.v_ffa_uptake
    assert tissue.param_mean("v_ffa_uptake") == pytest.approx(float(np.mean(values)))
    tissue.params = tissue.params.replace(v_ffa_uptake=2.0 * values)
    assert tissue.param_mean("v_ffa_uptake") == pytest.approx(2.0 * float(np.mean(values)))


def test_run_records_and_announces_its_kernel(small_scenario, monkeypatch, capsys):
    """The manifest names the kernel that advanced the cells; with ``announce`` (what
    ``sim run`` passes unless -q) one line on stderr says it too."""
    from sim.engine import default_kernel

    res = sim.run(small_scenario, announce=True)
    manifest = res.manifest()
    assert manifest["kernel"] == default_kernel()
    assert manifest["kernel_threads"] >= 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [line for line in err if line.startswith("kernel: ")]
    assert len(err) == 1 and err[0].startswith(f"kernel: {manifest['kernel']} (")
    monkeypatch.setenv("SIM_KERNEL", "numpy")
    res = sim.run(small_scenario)
    assert res.manifest()["kernel"] == "numpy"
    assert res.manifest()["kernel_note"] == "SIM_KERNEL=numpy"
    assert capsys.readouterr().err == ""  # silent without announce


def test_bad_thread_count_is_refused_before_the_run(small_scenario, monkeypatch):
    from sim.engine import default_kernel
    from sim.scenario import ScenarioError

    if default_kernel() != "numba":
        pytest.skip("the thread count matters to the compiled kernel only")
    monkeypatch.setenv("SIM_THREADS", "0")
    with pytest.raises(ScenarioError, match="SIM_THREADS='0': must be a positive integer"):
        sim.run(small_scenario)


def test_every_conserved_group_has_a_declared_total():
    from sim.kinetics.species import MOIETY_TOTALS, TISSUES
    from sim.parameters import tissue_params

    for t in TISSUES:
        for group in conserved_groups(t):
            assert moiety_total(group) in tissue_params(t), (t, group)
    assert set(MOIETY_TOTALS) == {g for t in TISSUES for g in conserved_groups(t)}
    with pytest.raises(KeyError, match="MOIETY_TOTALS"):
        moiety_total("glut4")
