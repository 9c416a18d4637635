"""Mesa that means something: the cells' agents exist from construction and are the way a
user reads or changes one cell; Mesa's reporters are served by the recorder (nothing is
collected twice); ``mesa.batch_run`` reads them (tests/test_sweep.py runs it)."""

from __future__ import annotations

import mesa
import numpy as np
import pytest

import sim
import sim.agents
from sim.model import PhysiologyModel
from sim.recorder import STEP_REPORTERS


def test_every_cell_has_its_agent_right_after_construction(small_scenario):
    m = PhysiologyModel(small_scenario)
    counts = small_scenario["cells"]
    by_type = {cls.__name__: len(agents) for cls, agents in m.agents_by_type.items()}
    assert by_type == {
        "Myocyte": counts["muscle"],
        "Hepatocyte": counts["liver"],
        "Adipocyte": counts["adipose"],
    }
    for a in m.agents:  # each on its own node of the tissue graph
        assert a.cell.coordinate == int(a.tissue.layout.nodes[a.i]) and a in a.cell.agents


def test_a_change_made_through_one_agent_is_what_the_engine_steps(small_scenario):
    """Cutting one fibre's GLUT4 protein to a fifth through its agent lowers that fibre's
    glucose uptake over the next step, and only that fibre's (a twin model without the
    change is the reference)."""
    a, b = PhysiologyModel(small_scenario), PhysiologyModel(small_scenario)
    fibre = next(iter(a.agents_by_type[sim.agents.Myocyte]))
    names = list(fibre.tissue.names)
    fibre.state[names.index("glut4_content")] *= 0.2
    a.step()
    b.step()
    up_a, up_b = (m.tissues["muscle"].y[names.index("cum_glc")] for m in (a, b))
    assert up_a[fibre.i] < 0.5 * up_b[fibre.i]
    others = np.delete(np.arange(up_a.size), fibre.i)
    np.testing.assert_allclose(up_a[others], up_b[others], rtol=1e-3)


def test_reporters_come_from_the_recorder_every_step(small_scenario):
    m = PhysiologyModel({**small_scenario, "record_every_min": 10.0})
    assert not isinstance(m.datacollector, mesa.DataCollector)  # no second collector
    while m.time_min < 10.0:
        m.step()
    df = m.datacollector.get_model_vars_dataframe()
    assert list(df.columns) == list(STEP_REPORTERS) and len(df) == m.steps + 1  # t = 0 too
    rows = m.recorder.timeseries().set_index("time_min")
    for t in (0.0, 10.0):  # where a row was recorded, the same number
        step = int(round(t / m.dt))
        assert df["glucose_mM"].iloc[step] == pytest.approx(rows.loc[t, "glucose_mM"], abs=0)
        assert df["insulin_uU_ml"].iloc[step] == pytest.approx(rows.loc[t, "insulin_uU_ml"], abs=0)
