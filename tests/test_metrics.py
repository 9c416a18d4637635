"""Summary metrics: HOMA-IR only from a fasting pre-protocol state; the OGTT indices against
hand-worked values and against a real run's time series."""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

import sim
from sim.metrics import has_fasting_state, ogtt_metrics, summarise

CELLS = {"muscle": 6, "liver": 3, "adipose": 3}


def _ts(times: list[float], glucose: list[float], insulin: list[float]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "time_min": times,
            "glucose_mM": glucose,
            "insulin_uU_ml": insulin,
            "ffa_mM": [0.5] * len(times),
            **{
                c: [0.0] * len(times)
                for c in (
                    "gir_mg_kg_min",
                    "egp_mg_kg_min",
                    "rd_mg_kg_min",
                    "uptake_muscle_mg_kg_min",
                )
            },
        }
    )


def test_ogtt_indices_by_hand():
    # samples every 30 min from t = 10 (the drink), one extra row before it
    t = [0, 10, 40, 70, 100, 130]
    g = [5.0, 5.0, 8.0, 7.0, 6.0, 5.5]
    i = [6.0, 6.0, 60.0, 50.0, 30.0, 20.0]
    m = ogtt_metrics(_ts(t, g, i), at=10.0)
    assert m["glucose_120_mM"] == pytest.approx(5.5)
    assert m["insulinogenic_index"] == pytest.approx((60 - 6) / (8 - 5))
    # trapezoid over 0-30-60-90-120 min after the drink
    assert m["glucose_auc_0_120_mM_min"] == pytest.approx(30 * (5 / 2 + 8 + 7 + 6 + 5.5 / 2))
    assert m["insulin_auc_0_120_uU_ml_min"] == pytest.approx(30 * (6 / 2 + 60 + 50 + 30 + 10))
    gm, im = np.array(g[1:]) * 18.016, np.array(i[1:])
    assert m["matsuda_index"] == pytest.approx(
        10000 / math.sqrt(gm[0] * im[0] * gm.mean() * im.mean())
    )


def test_ogtt_indices_missing_when_not_measurable():
    short = ogtt_metrics(_ts([0, 30, 60], [5.0, 7.0, 6.0], [6.0, 40.0, 30.0]), at=0.0)
    assert math.isnan(short["glucose_120_mM"]) and math.isnan(short["glucose_auc_0_120_mM_min"])
    assert short["insulinogenic_index"] == pytest.approx(34 / 2)
    flat = ogtt_metrics(_ts([0, 30, 120], [5.0, 4.9, 5.0], [6.0, 8.0, 6.0]), at=0.0)
    assert math.isnan(flat["insulinogenic_index"])  # glucose did not rise at 30 min


@pytest.mark.parametrize(
    ("protocol", "expected"),
    [
        (None, True),
        (SimpleNamespace(kind="clamp", start_min=0.0), False),
        (SimpleNamespace(kind="clamp", start_min=60.0), True),
        (SimpleNamespace(kind="ogtt", at_min=0.0), True),
        (SimpleNamespace(kind="medium"), False),
    ],
)
def test_fasting_state_rule(protocol, expected):
    assert has_fasting_state(protocol) is expected
    ts = _ts([0, 30, 60], [5.0, 5.0, 5.0], [9.0, 90.0, 100.0])
    if protocol is not None and protocol.kind == "clamp":
        protocol = SimpleNamespace(**vars(protocol), step_min=30.0, insulin_steps=lambda: [100])
    out = summarise(ts, protocol if getattr(protocol, "kind", "") != "ogtt" else None, 0.0)
    assert ("homa_ir" in out) is expected
    if expected:
        assert out["homa_ir"] == pytest.approx(5.0 * 9.0 / 22.5)


def _run(**extra) -> sim.RunResult:
    base = {"name": "m", "seed": 3, "start_clock_h": 8.0, "cells": CELLS, "duration_min": 30}
    return sim.run(sim.load_scenario({**base, **extra}))


def test_clamp_homa_comes_from_the_fasting_state_only():
    free = _run()
    assert free.summary["homa_ir"] == pytest.approx(
        free.timeseries["glucose_mM"].iloc[0] * free.timeseries["insulin_uU_ml"].iloc[0] / 22.5
    )
    at_start = _run(protocol={"kind": "clamp", "insulin_uU_ml": 100, "step_min": 30})
    assert "homa_ir" not in at_start.summary  # the t = 0 row is already under clamp insulin
    assert at_start.timeseries["insulin_uU_ml"].iloc[0] > free.timeseries["insulin_uU_ml"].iloc[0]
    later = _run(protocol={"kind": "clamp", "insulin_uU_ml": 100, "step_min": 20, "start_min": 10})
    assert later.summary["homa_ir"] == pytest.approx(free.summary["homa_ir"], rel=1e-9)


def test_ogtt_summary_matches_its_time_series():
    res = _run(duration_min=130, protocol={"kind": "ogtt", "glucose_g": 75, "at_min": 0})
    ts, s = res.timeseries, res.summary
    row = ts.set_index("time_min")
    assert s["glucose_120_mM"] == pytest.approx(row.loc[120.0, "glucose_mM"])
    dg = row.loc[30.0, "glucose_mM"] - row.loc[0.0, "glucose_mM"]
    di = row.loc[30.0, "insulin_uU_ml"] - row.loc[0.0, "insulin_uU_ml"]
    assert dg > 0 and s["insulinogenic_index"] == pytest.approx(di / dg)
    assert s["glucose_auc_0_120_mM_min"] > 120 * row.loc[0.0, "glucose_mM"]
    assert s["homa_ir"] == pytest.approx(
        row.loc[0.0, "glucose_mM"] * row.loc[0.0, "insulin_uU_ml"] / 22.5
    )
