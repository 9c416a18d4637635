"""Between-subject spread of the clamp M-value in the virtual population.

The check behind the ``irs1_signalling`` CV (docs/compare.md): Hollenbeck & Reaven 1987
(JCEM 64:1169) found clamp M-value quartile means of 140 and 349 mg/m2/min in 100 adults with
normal glucose tolerance (CV about 0.34 if roughly normal, top/bottom quartile ratio 2.49).

    python -m sim.compare.check_population --subjects 16 --seed 100
"""

from __future__ import annotations

import argparse
import json
import sys

import numpy as np
from tqdm import tqdm

from sim.compare.population import draw_population
from sim.runner import run
from sim.scenario import load_scenario

CLAMP = {
    "name": "population_check",
    "cells": {"muscle": 20, "liver": 8, "adipose": 8},
    "protocol": {"kind": "clamp", "insulin_uU_ml": 100, "step_min": 120},
}


def m_values(n: int, seed: int, phenotype: str = "healthy") -> np.ndarray:
    """Clamp M-values (mg/kg/min, 100 uU/mL, 2 h) of ``n`` virtual subjects."""
    out = []
    for s in tqdm(draw_population(n, seed, phenotype), file=sys.stderr, unit="subject"):
        scn = {**CLAMP, "seed": s.seed, "subject": s.subject, "parameters": s.parameters}
        out.append(run(load_scenario(scn)).summary["m_value_mg_kg_min"])
    return np.array(out)


def spread(m: np.ndarray) -> dict[str, float]:
    """Mean, SD, CV and the top/bottom quartile-mean ratio of M-values."""
    k = max(len(m) // 4, 1)
    s = np.sort(m)
    return {
        "n": len(m),
        "mean": float(m.mean()),
        "sd": float(m.std(ddof=1)),
        "cv": float(m.std(ddof=1) / m.mean()),
        "q4_over_q1": float(s[-k:].mean() / s[:k].mean()),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--subjects", type=int, default=16)
    parser.add_argument("--seed", type=int, default=100)
    parser.add_argument("--phenotype", default="healthy", choices=["healthy", "obese", "t2d"])
    args = parser.parse_args(argv)
    print(json.dumps(spread(m_values(args.subjects, args.seed, args.phenotype)), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
