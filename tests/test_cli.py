"""Command line: run, schema, errors with exit 2 and nothing written, --force."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from sim.cli import main

GOOD = {
    "name": "cli",
    "duration_min": 30,
    "cells": {"muscle": 5, "liver": 5, "adipose": 5},
    "interventions": [{"kind": "meal", "at_min": 0, "carbs_g": 50}],
}


def _write(tmp_path: Path, data, name: str = "s.yaml") -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else yaml.safe_dump(data))
    return path


def test_run_writes_contract_folder(tmp_path):
    out = tmp_path / "run"
    assert main(["run", str(_write(tmp_path, GOOD)), "--out", str(out), "-q"]) == 0
    names = {p.name for p in out.iterdir()}
    assert {
        "scenario.yaml",
        "manifest.json",
        "timeseries.parquet",
        "cells.parquet",
        "summary.json",
    } <= names
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "completed" and manifest["seed"] == 0
    assert main(["run", str(_write(tmp_path, GOOD)), "--out", str(out), "-q"]) == 2
    assert (
        main(
            [
                "run",
                str(_write(tmp_path, GOOD)),
                "--out",
                str(out),
                "-q",
                "--force",
                "--set",
                "seed=4",
            ]
        )
        == 0
    )
    assert json.loads((out / "manifest.json").read_text())["seed"] == 4


@pytest.mark.parametrize(
    "bad,needle",
    [
        ({**GOOD, "colour": "red"}, "colour"),
        ({**GOOD, "duration_min": "long"}, "duration_min"),
        (
            {**GOOD, "interventions": [{"kind": "gh_injection", "at_min": 0, "dose_mg": -1}]},
            "dose_mg",
        ),
        ({**GOOD, "interventions": [{"kind": "meal", "at_min": 99, "carbs_g": 10}]}, "at_min"),
        (
            {
                **GOOD,
                "interventions": [
                    {
                        "kind": "exercise",
                        "start_min": 0,
                        "duration_min": 10,
                        "intensity_vo2max": 1.5,
                    }
                ],
            },
            "intensity_vo2max",
        ),
        ({**GOOD, "interventions": [{"kind": "knockout", "target": "foo"}]}, "target"),
        ({**GOOD, "parameters": {"muscle.nonexistent": 1.0}}, "muscle.nonexistent"),
        ({**GOOD, "parameters": {"muscle.k_ir_on": -1.0}}, "muscle.k_ir_on"),
        ("name: [unclosed", "YAML"),
        ("", "mapping"),
    ],
)
def test_bad_scenarios_exit_2_and_write_nothing(tmp_path, capsys, bad, needle):
    path = _write(tmp_path, bad)
    out = tmp_path / "never"
    assert main(["run", str(path), "--out", str(out), "-q"]) == 2
    err = capsys.readouterr().err
    assert needle in err and str(path) in err or needle in err
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


def test_schema_is_json_schema(capsys):
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert "interventions" in schema["properties"] and "name" in schema["required"]


def test_python_dash_m_help():
    res = subprocess.run(
        [sys.executable, "-m", "sim", "run", "--help"], capture_output=True, text=True, check=True
    )
    assert "examples" in res.stdout and "--set" in res.stdout
