"""V32's isoglycaemic iv arm (Nauck 1986 design): the designed infusion copies the oral arm's
glucose, and the oral/iv insulin ratio then measures the incretin gain alone: switched off it
is ~1, raised it grows."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.validate import targets_ivgtt as tv
from sim.validate.core import RunData
from sim.validate.suite import run_job


def _ratio(k_incretin: float | None) -> dict[str, float]:
    oral = tv._elrick_scn(0)["oral"]
    if k_incretin is not None:
        oral["parameters"] = {"body.k_incretin": k_incretin}
    return tv.V32.measure({"oral": run_job(oral)}).values


@pytest.mark.slow
def test_isoglycaemic_iv_copies_oral_glucose_and_isolates_the_incretin_gain():
    intact = _ratio(None)
    # the designed iv arm is isoglycaemic: within 0.1 mM throughout the 2 h reading window
    assert intact["glucose_max_dev_mM"] < 0.1
    assert abs(intact["glucose_ratio"] - 1.0) < 0.03
    # it takes less glucose iv than orally (oral glucose is partly taken up on first pass)
    assert 0.3 * tv.ELRICK_G < intact["iv_glucose_g"] < tv.ELRICK_G
    off = _ratio(0.0)  # switch-off: no incretin gain, same glucose, same secretion
    assert abs(off["insulin_ratio"] - 1.0) < 0.1
    assert intact["insulin_ratio"] > off["insulin_ratio"] + 0.2
    doubled = _ratio(0.24)  # perturbation: twice the gain, a larger incretin effect
    assert doubled["insulin_ratio"] > intact["insulin_ratio"] + 0.1


def test_given_iv_arm_is_used_as_it_is():
    """A supplied iv run is measured without designing one: equal glucose and twice the oral
    insulin increment give glucose ratio 1 and insulin ratio 2."""
    t = np.arange(0.0, 151.0)
    g = np.where(t < tv.BOLUS_MIN, 5.0, 6.0)

    def run(ins_rise: float) -> RunData:
        ins = np.where(t < tv.BOLUS_MIN, 10.0, 10.0 + ins_rise)
        df = pd.DataFrame({"time_min": t, "glucose_mM": g, "insulin_uU_ml": ins})
        return RunData(df, pd.DataFrame(), {})

    v = tv.V32.measure({"oral": run(20.0), "iv": run(10.0)}).values
    assert v["glucose_ratio"] == pytest.approx(1.0)
    assert v["insulin_ratio"] == pytest.approx(2.0)
    assert v["glucose_max_dev_mM"] == 0.0
