"""The LAYOUT and INTERVENTION parameter tables are overridden from a scenario's
``parameters:`` like the other tables (``layout.<name>``, ``intervention.<kind>_<field>``),
with the same validation: unknown names, values out of range and non-whole counts are
input errors (exit 2) naming the key and what is allowed."""

from __future__ import annotations

import numpy as np
import pytest
import yaml

from sim.cli import main
from sim.model import PhysiologyModel
from sim.parameters import INTERVENTION_VALUES, LAYOUT_VALUES
from sim.scenario import ScenarioError, load_scenario

BASE = {"name": "layout", "duration_min": 10, "cells": {"muscle": 24, "liver": 12, "adipose": 8}}


def _scenario(**parameters: float) -> dict:
    return {**BASE, "parameters": parameters}


def test_a_layout_override_changes_the_graph():
    default = PhysiologyModel(_scenario())
    n = LAYOUT_VALUES["fibres_per_segment"]
    wider = PhysiologyModel(_scenario(**{"layout.fibres_per_segment": 2 * n}))
    seg_default = default.ctx.geo.n_isf[0]
    seg_wider = wider.ctx.geo.n_isf[0]
    assert seg_wider < seg_default  # twice the fibres per capillary segment: fewer segments


def test_a_layout_scaling_override_reaches_the_cells():
    key = "layout.zone_gng_periportal"
    m = PhysiologyModel(_scenario(**{key: 1.5 * LAYOUT_VALUES["zone_gng_periportal"]}))
    base = PhysiologyModel(_scenario())
    zone = np.asarray(m.tissues["liver"].params.zone_gng)
    assert zone.max() > np.asarray(base.tissues["liver"].params.zone_gng).max()


def test_an_intervention_default_is_overridden_where_not_given():
    key = "intervention.acipimox_inhibition"
    assert key.split(".")[1] in INTERVENTION_VALUES
    scn = _scenario(**{key: 0.5})
    scn["duration_min"] = 100
    scn["interventions"] = [
        {"kind": "acipimox", "start_min": 0, "duration_min": 60},
        {"kind": "acipimox", "start_min": 70, "duration_min": 20, "inhibition": 0.8},
    ]
    s = load_scenario(scn)
    assert [iv.inhibition for iv in s.interventions] == [0.5, 0.8]


@pytest.mark.parametrize(
    ("key", "value", "says"),
    [
        ("layout.fibres_per_segment", 2.5, "whole number"),
        ("layout.fibres_per_segment", 99, "outside its range"),
        ("layout.fibre_per_segment", 4, "did you mean layout.fibres_per_segment"),
        ("intervention.acipimox_inhibition", 1.5, "outside its range"),
    ],
)
def test_bad_overrides_are_input_errors(tmp_path, capsys, key, value, says):
    with pytest.raises(ScenarioError, match=says):
        load_scenario(_scenario(**{key: value}))
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(_scenario(**{key: value})))
    out = tmp_path / "run"
    assert main(["run", str(path), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "s.yaml" in err and key.split(".")[1][:10] in err
    assert not out.exists()


def test_a_saved_run_with_a_layout_override_rebuilds_its_graph(tmp_path):
    """``sim plot`` rebuilds the graph from the saved run: it reads the override too."""
    import sim
    from sim.viz.data import load_run
    from sim.viz.tissue_graph import rebuild_graph

    scn = _scenario(**{"layout.fibres_per_segment": 2 * LAYOUT_VALUES["fibres_per_segment"]})
    sim.run(scn).save(tmp_path / "run")
    graph = rebuild_graph(load_run(tmp_path / "run"))
    segments = [n for n, a in graph.nodes(data=True) if a.get("kind") == "capillary_segment"]
    m = PhysiologyModel(scn)
    muscle_segments = [n for n in segments if graph.nodes[n].get("tissue") == "muscle"]
    assert len(muscle_segments) == m.ctx.geo.n_isf[0]
