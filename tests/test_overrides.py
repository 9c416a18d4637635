"""Overrides from the command line and sweep designs: list items by index, unknown keys and
parameter names with the closest declared names, exit status 2 and nothing written."""

from __future__ import annotations

import pytest
import yaml

from sim.cli import main
from sim.scenario import ScenarioError, apply_set, load_scenario, set_path
from sim.sweep.design import set_key
from sim.sweep.spec import SweepError

CELLS = {"muscle": 2, "liver": 2, "adipose": 2}
MEALS = {
    "name": "o",
    "duration_min": 20,
    "cells": CELLS,
    "interventions": [
        {"kind": "meal", "at_min": 0, "carbs_g": 10},
        {"kind": "meal", "at_min": 10, "carbs_g": 20},
    ],
}
CLAMP = {"name": "c", "cells": CELLS, "protocol": {"kind": "clamp", "insulin_uU_ml": [20, 80]}}


def _refused(tmp_path, capsys, data, sets, command="run") -> str:
    """Run ``sim run`` (or ``validate``) with ``--set``s; it must exit 2 and write nothing."""
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(data))
    out = tmp_path / "out"
    args = ["run", str(path)] if command == "run" else ["validate", "--only", "V01"]
    args += [a for s in sets for a in ("--set", s)]
    assert main([*args, "--out", str(out), "-q"]) == 2
    assert not out.exists()
    return capsys.readouterr().err


@pytest.mark.parametrize(
    "key,wanted",
    [
        ("parameters.muscle.glut4_totl", "did you mean muscle.glut4_total"),
        ("parameters.muscl.glut4_total", "did you mean muscle.glut4_total or adipose.glut4_total"),
        ("parameters.glut4_total", "did you mean muscle.glut4_total or adipose.glut4_total"),
        ("parameters.liver.k_ir_onn", "did you mean liver.k_ir_on"),
        ("parameters.liver.glut4_totl", "did you mean muscle.glut4_total"),  # not a liver name
    ],
)
def test_an_unknown_parameter_in_set_names_the_closest_declared(tmp_path, capsys, key, wanted):
    err = _refused(tmp_path, capsys, MEALS, [f"{key}=1.1"])
    assert f"--set {key}:" in err and wanted in err
    assert "muscle.glut4_totl" not in wanted  # the suggestion is a declared name


def test_a_suggestion_stays_within_the_named_table(tmp_path, capsys):
    err = _refused(tmp_path, capsys, MEALS, ["parameters.adipose.k_ir_onn=1.1"])
    suggested = err.split("did you mean ")[1].split("?")[0].split(" or ")
    assert "adipose.k_ir_on" in suggested and all(s.startswith("adipose.") for s in suggested)


def test_a_parameter_with_nothing_close_gets_no_suggestion(tmp_path, capsys):
    err = _refused(tmp_path, capsys, MEALS, ["parameters.muscle.zzqx=1"])
    assert "'muscle.zzqx'" in err and "did you mean" not in err and "sim schema" in err


def test_an_unknown_parameter_in_the_file_names_file_and_suggestion(tmp_path, capsys):
    err = _refused(tmp_path, capsys, {**MEALS, "parameters": {"muscle.glut4_totl": 1.1}}, [])
    assert str(tmp_path / "s.yaml") in err
    assert "'muscle.glut4_totl'" in err and "did you mean muscle.glut4_total" in err


@pytest.mark.parametrize("key", ["muscle.glut4_totl", "parameters.muscle.glut4_totl"])
def test_validate_set_suggests_the_parameter(tmp_path, capsys, key):
    err = _refused(tmp_path, capsys, MEALS, [f"{key}=1.1"], command="validate")
    assert "'muscle.glut4_totl'" in err and "did you mean muscle.glut4_total" in err


def test_set_reaches_an_existing_list_item():
    scn = load_scenario(MEALS, ["interventions.1.carbs_g=75"])
    assert [iv.carbs_g for iv in scn.interventions] == [10, 75]
    clamp = load_scenario(CLAMP, ["protocol.insulin_uU_ml.1=40"])
    assert clamp.protocol.insulin_uU_ml == [20, 40]


@pytest.mark.parametrize(
    "data,key,wanted",
    [
        (MEALS, "interventions.2.carbs_g", "index 2 is out of range: interventions has 2 items"),
        (
            {k: v for k, v in MEALS.items() if k != "interventions"},
            "interventions.0.carbs_g",
            "index 0 is out of range: interventions has no items",
        ),
        (CLAMP, "protocol.insulin_uU_ml.2", "protocol.insulin_uU_ml has 2 items (indices 0-1)"),
        (MEALS, "interventions.first.carbs_g", "interventions is a list (2 items"),
    ],
)
def test_an_index_outside_the_list_names_its_length(tmp_path, capsys, data, key, wanted):
    err = _refused(tmp_path, capsys, data, [f"{key}=75"])
    assert f"--set {key}:" in err and wanted in err
    assert "valid list" not in err


@pytest.mark.parametrize(
    "data,key,wanted",
    [
        (MEALS, "interventions.0.carb_g", "'carb_g' is not a key of interventions.0 (kind meal)"),
        (CLAMP, "protocol.insulin_u_ml", "did you mean insulin_uU_ml?"),
        (MEALS, "durations_min", "did you mean duration_min"),
        (MEALS, "subject.body_mass_kg.x", "subject.body_mass_kg is 75.0, not a mapping"),
    ],
)
def test_a_key_that_is_not_a_field_of_the_item_gets_a_suggestion(
    tmp_path, capsys, data, key, wanted
):
    data = {**data, "subject": {"body_mass_kg": 75.0}}
    err = _refused(tmp_path, capsys, data, [f"{key}=75"])
    assert f"--set {key}:" in err and wanted in err


def test_the_item_suggestion_comes_from_that_kind_only():
    with pytest.raises(ScenarioError) as exc:
        apply_set(MEALS, "interventions.0.dose_m=1")  # dose_mg is a gh_injection key
    assert "did you mean" not in str(exc.value) and "carbs_g" in str(exc.value)


def test_a_value_refused_after_set_names_the_override(tmp_path, capsys):
    err = _refused(tmp_path, capsys, MEALS, ["interventions.0.carbs_g=-5"])
    assert "with --set interventions.0.carbs_g=-5" in err and "interventions.0" in err


def test_sweeps_use_the_same_rules():
    assert set_key(MEALS, "interventions.1.carbs_g", 75) == set_path(
        MEALS, "interventions.1.carbs_g", 75
    )
    assert set_key(MEALS, "interventions.1.carbs_g", 75)["interventions"][1]["carbs_g"] == 75
    assert MEALS["interventions"][1]["carbs_g"] == 20  # the base is not changed
    with pytest.raises(SweepError, match=r"design.parameters.interventions.5.at_min: index 5 .* 2"):
        set_key(MEALS, "interventions.5.at_min", 1)
    with pytest.raises(SweepError, match="did you mean muscle.glut4_total"):
        set_key(MEALS, "parameters.muscle.glut4_totl", 1.0)
