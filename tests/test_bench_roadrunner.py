"""Baseline (c) of the engine benchmark: one libRoadRunner instance per Mesa agent on the
exported SBML advances each cell as the per-agent engine (a) does, to within the difference
between CVODE and the engine's RK4 substeps (docs/export.md)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("roadrunner")

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "engine_throughput.py"


def test_roadrunner_agents_step_the_model_like_baseline_a():
    case = json.dumps(["step", "agent-roadrunner", 12, 2])
    env = {**os.environ, "SIM_WARM_CACHE": "off"}
    out = subprocess.run(
        [sys.executable, str(BENCH), "--case", case],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    res = json.loads(out.stdout.strip().splitlines()[-1])
    assert res["kernel"] == "agent-roadrunner" and res["cells"] == 12
    rr = res["roadrunner"]
    assert rr["instances"] == 12  # one per agent, every agent stepped
    # every row of each tissue's state is in the SBML (species or accumulator)
    assert set(rr["tissues"]) == {"muscle", "liver", "adipose"}
    # the first cell of each tissue: (c) against (a) on the same column and inputs; a wrong
    # row or input mapping gives larger ones (inputs left at their t = 0 values: 1-3e-2)
    diffs = rr["max_rel_diff_vs_a"]
    assert set(diffs) == {"muscle", "liver", "adipose"}
    assert all(0.0 < d < 5e-3 for d in diffs.values()), diffs
    assert res["cell_steps_per_cpu_s"] > 0
