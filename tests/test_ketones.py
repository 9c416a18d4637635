"""Ketone bodies (K1): hepatic ketogenesis from FFA, restrained by insulin and promoted by
glucagon; saturable peripheral oxidation; the brain's use of ketones in place of glucose.

Perturbation (FFA, insulin, glucagon, plasma BHB move the rates the right way) and
switch-off (``v_ketogenesis`` 0 empties plasma ketones; ``K_brain_bhb_mM`` huge takes the
brain's glucose sparing away) at the rate-law level and through the body's right-hand side;
the glucose sparing at a 3.5-day fast's ketones against Hasselbalch 1994's -24 %.
"""

from __future__ import annotations

import dataclasses

import pytest

import sim
from sim.kinetics import body as bk
from sim.model import PhysiologyModel
from sim.parameters import body_params
from sim.units import MG_PER_MMOL_GLC


@pytest.fixture(scope="module")
def bp():
    return body_params({})


def test_ketogenesis_rises_with_ffa_and_glucagon_and_falls_with_insulin(bp):
    base = bk.ketogenesis(0.7, 10.0, bp.gcg_basal_pg_ml, bp)
    assert base > 0.0
    assert bk.ketogenesis(1.4, 10.0, bp.gcg_basal_pg_ml, bp) > 1.5 * base  # FFA delivery
    assert bk.ketogenesis(0.7, 4.0, bp.gcg_basal_pg_ml, bp) > 2.0 * base  # insulin falls
    assert bk.ketogenesis(0.7, 40.0, bp.gcg_basal_pg_ml, bp) < 0.1 * base  # fed insulin
    assert bk.ketogenesis(0.7, 10.0, 2.0 * bp.gcg_basal_pg_ml, bp) > base  # glucagon
    assert bk.ketogenesis(0.0, 10.0, bp.gcg_basal_pg_ml, bp) == 0.0  # no fatty acids
    off = dataclasses.replace(bp, v_ketogenesis=0.0)
    assert bk.ketogenesis(1.4, 2.0, 200.0, off) == 0.0


def test_brain_sparing_is_zero_at_the_postabsorptive_ketones_and_grows_with_them(bp):
    g = bp.glc_ref_mM
    assert bk.brain_glucose_spared(g, bp.bhb_ref_mM, bp) == pytest.approx(0.0, abs=1e-15)
    levels = [0.3, 1.0, 1.5, 3.0, 6.0]
    spared = [bk.brain_glucose_spared(g, b, bp) for b in levels]
    assert all(b > a > 0.0 for a, b in zip(spared, spared[1:], strict=False))
    # an 18-h fast's ketones (~0.3 mM) barely touch brain glucose use (London 1986)
    assert spared[0] / bk.brain_uptake(g, bp) < 0.02
    # after meals ketones fall below the reference: the brain takes slightly more glucose
    assert bk.brain_glucose_spared(g, 0.02, bp) < 0.0
    # never more than the brain's whole glucose use
    assert bk.brain_glucose_spared(g, 50.0, bp) < bk.brain_uptake(g, bp)


def test_brain_sparing_at_a_three_and_a_half_day_fast_matches_hasselbalch(bp):
    """Hasselbalch 1994: brain glucose use -24 % (Fick; -26 % by PET) after 3.5 days of
    fasting; BHB near 1.5 mM at that time (the level K_brain_bhb_mM was set from)."""
    g = bp.glc_ref_mM
    fall = bk.brain_glucose_spared(g, 1.5, bp) / bk.brain_uptake(g, bp)
    assert 0.18 < fall < 0.30


def test_brain_ketone_uptake_is_the_spared_glucose_by_hasselbalchs_ratio(bp):
    """The BHB the brain takes up above the postabsorptive level, times
    ``brain_glc_per_bhb``, is the glucose it spares (umol for umol), at any glucose."""
    for g in (4.0, bp.glc_ref_mM, 7.0):
        b = 2.0
        spared_umol = bk.brain_glucose_spared(g, b, bp) / MG_PER_MMOL_GLC * 1000.0
        extra = bk.brain_ketone_uptake(g, b, bp) - bk.brain_ketone_uptake(g, bp.bhb_ref_mM, bp)
        assert extra * bp.brain_glc_per_bhb == pytest.approx(spared_umol, rel=1e-12)
    assert bk.brain_ketone_uptake(bp.glc_ref_mM, 0.0, bp) == 0.0


def test_peripheral_ketone_oxidation_saturates(bp):
    """Disposal per mM falls as ketones rise (clearance saturates), so plasma ketones rise
    more than their production in a fast."""
    no_brain = dataclasses.replace(bp, K_brain_bhb_mM=1e9)
    low = bk.ketone_disposal(0.1, bp.glc_ref_mM, no_brain) / 0.1
    high = bk.ketone_disposal(3.0, bp.glc_ref_mM, no_brain) / 3.0
    assert high < 0.6 * low


# ------------------------------------------------------------ through the body's RHS


@pytest.fixture(scope="module")
def fasted():
    m = PhysiologyModel(
        {
            "name": "ketones",
            "duration_min": 30,
            "cells": {"muscle": 8, "liver": 4, "adipose": 4},
            "interventions": [],
        }
    )
    m.step()
    return m


def _rhs(m, bp, **state):
    x = m.x.copy()
    for name, value in state.items():
        x[bk.IDX[name]] = value
    inp = bk.body_inputs(m.time_min, m.ctx.sch, bp)
    return bk.body_rhs(x, inp, m.last_flux, bp, m.ctx.geo)


def test_body_rhs_ketones_follow_ffa_insulin_and_production_switch(fasted):
    m, bp = fasted, fasted.ctx.bp
    i = bk.IDX["bhb"]
    x = m.x
    ffa = x[bk.IDX["ffa"]]
    ins = x[bk.IDX["ins_p"]]
    base = _rhs(m, bp)[i]
    assert _rhs(m, bp, ffa=2.0 * ffa)[i] > base
    assert _rhs(m, bp, ins_p=3.0 * ins)[i] < base
    assert _rhs(m, bp, gcg=2.0 * x[bk.IDX["gcg"]])[i] > base
    off = dataclasses.replace(bp, v_ketogenesis=0.0)
    assert _rhs(m, off)[i] < 0.0  # no production: ketones only cleared
    assert _rhs(m, bp, bhb=3.0)[i] < 0.0  # far above the overnight level: they fall


def test_body_rhs_brain_glucose_use_falls_as_ketones_rise_and_not_when_switched_off(fasted):
    m, bp = fasted, fasted.ctx.bp
    q = bk.IDX["q_glc"]
    g = bk.glucose_mM(m.x, bp)
    at_ref = _rhs(m, bp, bhb=bp.bhb_ref_mM)[q]
    raised = _rhs(m, bp, bhb=2.0)[q]
    # glucose accumulates faster by exactly the spared brain uptake
    assert raised - at_ref == pytest.approx(bk.brain_glucose_spared(g, 2.0, bp), rel=1e-9)
    assert raised > at_ref
    no_brain = dataclasses.replace(bp, K_brain_bhb_mM=1e9)
    assert _rhs(m, no_brain, bhb=2.0)[q] == pytest.approx(
        _rhs(m, no_brain, bhb=bp.bhb_ref_mM)[q], rel=1e-12, abs=1e-12
    )


def test_a_lipid_infusion_raises_plasma_ketones_and_the_switch_off_empties_them():
    """Plasma FFA held at 1.5 mM for 3 h after the overnight fast raise BHB; without
    ketogenesis there are none; both recorded as ``bhb_mM``."""

    def run(params=None):
        scn = {
            "name": "lipid",
            "duration_min": 180,
            "record_every_min": 10,
            "cells": {"muscle": 8, "liver": 4, "adipose": 4},
            "interventions": [
                {"kind": "lipid_infusion", "start_min": 0, "duration_min": 180, "ffa_mM": 1.5}
            ],
        }
        if params:
            scn["parameters"] = params
        return sim.run(sim.load_scenario(scn)).timeseries["bhb_mM"].to_numpy(float)

    on, off = run(), run({"body.v_ketogenesis": 0.0})
    assert on[-1] > 1.5 * on[0]
    assert 0.05 < on[0] < 0.3  # the overnight-fasted level (~0.1 mM)
    assert off.max() < 0.01  # the warm-up already cleared them
