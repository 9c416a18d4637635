"""B1/E3: muscle perfusion (body state ``flow``) follows work quickly, decays over hours, and
carries muscle FFA uptake and interstitial insulin delivery."""

from __future__ import annotations

import numpy as np

from sim.kinetics import body as bk
from sim.model import PhysiologyModel

CELLS = {"muscle": 6, "liver": 4, "adipose": 4}


def _run() -> dict[float, tuple[float, float]]:
    scn = {
        "name": "perfusion",
        "duration_min": 150,
        "cells": CELLS,
        "interventions": [
            {"kind": "exercise", "start_min": 10, "duration_min": 30, "intensity_vo2max": 0.7}
        ],
    }
    m = PhysiologyModel(scn)
    out = {}
    while m.running:
        m.step()
        out[round(m.time_min)] = (float(m.x[bk.IDX["flow"]]), m.last_flux.ffa_clearance)
    return out


def test_perfusion_rises_with_work_decays_slowly_and_carries_ffa_uptake():
    s = _run()
    rest_flow, rest_clear = s[5]
    work_flow, work_clear = s[40]
    assert rest_flow < 0.01 and 0.6 < work_flow <= 0.7 + 1e-9  # reaches the intensity
    # decays over hours (t1/2 ~3 h), not with the end of the bout
    assert 0.5 * work_flow < s[140][0] < work_flow
    assert work_clear > 1.5 * rest_clear  # working muscle takes up more FFA
    assert rest_clear < s[140][1] < work_clear
    assert np.isfinite([v for pair in s.values() for v in pair]).all()
