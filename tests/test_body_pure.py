"""The body's right-hand side is a pure function of (state, inputs, cell fluxes, parameters,
geometry): the scheduled inputs are built once per time by ``body_inputs`` from the
schedule, the context, inputs, fluxes and parameters are frozen, and nothing is cached on
the schedule."""

from __future__ import annotations

import copy
import dataclasses
import inspect

import numpy as np
import pytest

from sim.kinetics import body as bk
from sim.model import PhysiologyModel
from sim.signals import Span


@pytest.fixture(scope="module")
def model() -> PhysiologyModel:
    m = PhysiologyModel(
        {
            "name": "pure",
            "duration_min": 120,
            "start_clock_h": 6.0,
            "cells": {"muscle": 8, "liver": 4, "adipose": 4},
            "interventions": [
                {"kind": "meal", "at_min": 0, "carbs_g": 60, "protein_g": 20, "fat_g": 10},
                {"kind": "lipid_infusion", "start_min": 10, "duration_min": 60, "ffa_mM": 1.5},
                {
                    "kind": "exercise",
                    "start_min": 20,
                    "duration_min": 30,
                    "intensity_vo2max": 0.6,
                    "mode": "aerobic",
                },
            ],
        }
    )
    for _ in range(30):
        m.step()
    return m


def test_body_rhs_takes_no_schedule_time_or_context():
    names = list(inspect.signature(bk.body_rhs).parameters)
    assert names == ["x", "inp", "cf", "bp", "geo"]


def test_body_rhs_is_pure(model):
    ctx, t = model.ctx, model.time_min
    inp = bk.body_inputs(t, ctx.sch, ctx.bp)
    assert inp.lipid_on and inp.intensity == pytest.approx(0.6)  # the scheduled inputs at t
    x, cf = model.x.copy(), model.last_flux
    x_before, cf_before, inp_before = x.copy(), copy.copy(cf), copy.copy(inp)
    bp_before = dataclasses.asdict(ctx.bp)
    first = bk.body_rhs(x, inp, cf, ctx.bp, ctx.geo)
    second = bk.body_rhs(x, inp, cf, ctx.bp, ctx.geo)
    assert first is not x and np.array_equal(first, second)  # equal inputs, equal outputs
    assert np.array_equal(x, x_before)  # no argument changed
    assert cf == cf_before and inp == inp_before and dataclasses.asdict(ctx.bp) == bp_before
    # the same inputs built by hand give the same derivative: nothing else is read
    by_hand = bk.BodyInputs(**{f.name: getattr(inp, f.name) for f in dataclasses.fields(inp)})
    assert np.array_equal(bk.body_rhs(x, by_hand, cf, ctx.bp, ctx.geo), first)
    # and it is the derivative the engine integrates
    assert np.array_equal(bk.body_rhs(x, inp, cf, ctx.bp, ctx.geo), first)


@pytest.mark.parametrize("obj", ["inputs", "fluxes", "params", "context"])
def test_what_the_body_reads_is_frozen(model, obj):
    ctx = model.ctx
    target = {
        "inputs": bk.body_inputs(model.time_min, ctx.sch, ctx.bp),
        "fluxes": model.last_flux,
        "params": ctx.bp,
        "context": ctx,
    }[obj]
    name = dataclasses.fields(target)[0].name
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(target, name, 0.0)


def test_inputs_change_the_derivative_in_their_direction(model):
    """The held and infused inputs act only through ``inp``: a lipid infusion's target above
    plasma FFA raises d(FFA)/dt, an insulin infusion raises d(insulin)/dt, exercise raises
    the drive of muscle perfusion."""
    ctx, x, cf = model.ctx, model.x, model.last_flux
    rest = bk.BodyInputs(clock_h=12.0)

    def rate(inp: bk.BodyInputs, name: str) -> float:
        return float(bk.body_rhs(x, inp, cf, ctx.bp, ctx.geo)[bk.IDX[name]])

    ffa = bk.ffa_mM(x, ctx.bp)
    held = dataclasses.replace(rest, lipid_on=True, lipid_mM=ffa + 1.0)
    assert rate(held, "ffa") > rate(rest, "ffa")
    assert rate(dataclasses.replace(rest, insulin_inf=5.0), "ins_p") == pytest.approx(
        rate(rest, "ins_p") + 5.0
    )
    assert rate(dataclasses.replace(rest, intensity=0.7), "flow") > rate(rest, "flow")


def test_building_inputs_leaves_the_schedule_unchanged(model):
    """The wakings are computed when the schedule is built, not cached into it on first use."""
    sch = model.ctx.sch
    assert sch.wakes == tuple(bk.wake_times(sch, model.ctx.bp))
    before = {k: copy.copy(v) for k, v in vars(sch).items() if k != "fasting"}
    for t in np.arange(-30.0, 200.0, 7.5):
        bk.body_inputs(float(t), sch, model.ctx.bp)
    after = {k: v for k, v in vars(sch).items() if k != "fasting"}
    assert set(before) == set(after)
    for k, v in before.items():
        if isinstance(v, np.ndarray):
            assert np.array_equal(v, after[k]), k
        else:
            assert v == after[k], k


def test_clamp_inputs_carry_an_explicit_switch():
    m = PhysiologyModel(
        {
            "name": "c",
            "duration_min": 60,
            "cells": {"muscle": 4, "liver": 2, "adipose": 2},
            "protocol": {
                "kind": "clamp",
                "insulin_uU_ml": 80,
                "step_min": 60,
                "glucose_mM": "basal",
                "start_min": 10,
            },
        }
    )
    sch, bp = m.ctx.sch, m.ctx.bp
    before, during = bk.body_inputs(5.0, sch, bp), bk.body_inputs(15.0, sch, bp)
    assert not before.clamp_on and before.clamp_insulin_uU == 0.0
    assert during.clamp_on and during.clamp_basal and during.clamp_insulin_uU == 80.0


def test_a_span_added_to_the_schedule_reaches_the_inputs(model):
    """The inputs are a function of the schedule at the time asked (nothing stale)."""
    sch = copy.deepcopy(model.ctx.sch)
    sch.glucose_inf.append(Span(100.0, 110.0, 2.5))
    assert bk.body_inputs(105.0, sch, model.ctx.bp).glucose_inf == 2.5
    assert bk.body_inputs(111.0, sch, model.ctx.bp).glucose_inf == 0.0
