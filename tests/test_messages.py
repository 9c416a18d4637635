"""Messages a new user meets: did-you-mean, units, the schema, --version, a quiet -v."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import yaml

from sim.cli import main
from sim.scenario import scenario_schema

BASE = {"name": "m", "duration_min": 20, "cells": {"muscle": 2, "liver": 2, "adipose": 2}}


def _err(tmp_path, capsys, data) -> str:
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(data))
    assert main(["run", str(path), "--out", str(tmp_path / "o"), "-q"]) == 2
    return capsys.readouterr().err


@pytest.mark.parametrize(
    "extra,wanted",
    [
        ({"protocl": {"kind": "ogtt"}}, "did you mean protocol?"),
        ({"interventions": [{"kind": "meal", "at_min": 0, "carb_g": 5}]}, "did you mean carbs_g?"),
        ({"intervention": []}, "did you mean interventions?"),
    ],
)
def test_unknown_keys_get_a_suggestion(tmp_path, capsys, extra, wanted):
    assert wanted in _err(tmp_path, capsys, {**BASE, **extra})


def test_unknown_key_without_a_close_match_gets_none(tmp_path, capsys):
    assert "did you mean" not in _err(tmp_path, capsys, {**BASE, "colour": "red"})


@pytest.mark.parametrize(
    "extra,wanted",
    [
        (
            {"interventions": [{"kind": "gh_injection", "at_min": 0, "dose_mg": 1000}]},
            "1,000 µg = 1 mg",
        ),
        ({"protocol": {"kind": "clamp", "glucose_mM": 90}}, "divide mg/dL by 18"),
        (
            {
                "interventions": [
                    {"kind": "exercise", "start_min": 0, "duration_min": 5, "intensity_vo2max": 70}
                ]
            },
            "0.7 for 70 %",
        ),
        ({"start_clock_h": 25}, "[hours]"),
    ],
)
def test_range_errors_name_the_unit(tmp_path, capsys, extra, wanted):
    err = _err(tmp_path, capsys, {**BASE, **extra})
    assert wanted in err
    assert "constrained-float" not in err and "literal[" not in err


def test_a_union_error_is_one_line(tmp_path, capsys):
    err = _err(tmp_path, capsys, {**BASE, "protocol": {"kind": "clamp", "glucose_mM": 90}})
    lines = [line for line in err.splitlines() if "glucose_mM" in line]
    assert len(lines) == 1 and "'basal'" in lines[0]


def test_schema_titles_are_the_keys_and_it_lists_the_parameters():
    schema = scenario_schema()
    clamp = schema["$defs"]["Clamp"]["properties"]
    assert clamp["insulin_uU_ml"]["title"] == "insulin_uU_ml"
    params = schema["properties"]["parameters"]["properties"]
    assert "muscle.glut4_total" in params and params["muscle.glut4_total"]["type"] == "number"
    assert "[" in params["muscle.glut4_total"]["description"]
    json.dumps(schema)  # serialisable


def test_version():
    res = subprocess.run(
        [sys.executable, "-m", "sim", "--version"], capture_output=True, text=True, timeout=60
    )
    assert res.returncode == 0 and res.stdout.startswith("sim ")


def test_verbose_does_not_flood_with_mesa_lines(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(BASE))
    res = subprocess.run(
        [sys.executable, "-m", "sim", "-v", "run", str(path), "--out", str(tmp_path / "o")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert res.returncode == 0, res.stderr
    assert not [line for line in res.stderr.splitlines() if " mesa" in line]
    assert "kernel:" in res.stderr


def test_threads_option_sets_the_kernel_threads(tmp_path, monkeypatch):
    monkeypatch.delenv("SIM_THREADS", raising=False)
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(BASE))
    out = tmp_path / "o"
    assert main(["run", str(path), "--out", str(out), "-q", "--threads", "0"]) == 2
    assert not out.exists()
    assert main(["run", str(path), "--out", str(out), "-q", "--threads", "1"]) == 0
    manifest = json.loads((out / "manifest.json").read_text())
    if manifest["kernel"] == "numba":
        assert manifest["kernel_threads"] == 1


def test_validate_set_accepts_the_run_spelling():
    from sim.validate.cli import _overrides

    assert _overrides(["parameters.muscle.glut4_total=1.1"]) == _overrides(
        ["muscle.glut4_total=1.1"]
    )
