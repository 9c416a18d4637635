"""Error of the multi-rate scheme against a full-resolution run (docs/remodelling.md).

``python benchmarks/remodel_multirate.py [--days 21] [--k 7] [--seeds 0 1 2] [--scenario
gh_replacement_26wk]`` runs the 8-week energy-surplus scenario (its run-in week, then the
surplus; or the named library scenario) shortened to ``days``, once with every day
simulated at full
resolution (``simulate_every_days: 1``) and once with one day in ``k`` simulated and the
others replayed from its averaged signals, for each seed, and prints the differences of the
remodelling outcomes at the end. Both runs take the same slow steps, so their seeded draws
line up until a decision first differs.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import yaml

from sim import run

LIB = Path(__file__).resolve().parents[1] / "configs" / "scenarios"
SCENARIO = LIB / "energy_surplus_8wk.yaml"
OUTCOMES = (
    "fat_mass_kg",
    "adipose.diameter_um_mean",
    "adipose.cell_count",
    "adipose.macrophages_per_100_adipocytes",
    "muscle.csa_um2_mean",
    "muscle.capillaries_per_fibre",
    "lean_mass_kg",
    "liver.lipid_pct",
)


def outcomes(
    days: int, k: int, seed: int, cells: dict[str, int] | None = None, scenario: Path = SCENARIO
) -> dict:
    """End-of-run remodelling outcomes of the shortened ``scenario`` with ``k``."""
    scn = yaml.safe_load(scenario.read_text())
    scn.update(duration_min=days * 1440.0, seed=seed, cell_record_every_min=days * 1440.0)
    scn["remodel"] = {**scn["remodel"], "simulate_every_days": k}
    if cells:
        scn["cells"] = cells
    r = run(scn)
    last = r.timeseries.iloc[-1]
    out = {c: float(last[c]) for c in OUTCOMES}
    out["diameter_change_um"] = out["adipose.diameter_um_mean"] - float(
        r.timeseries["adipose.diameter_um_mean"].iloc[0]
    )
    out["csa_change_um2"] = out["muscle.csa_um2_mean"] - float(
        r.timeseries["muscle.csa_um2_mean"].iloc[0]
    )
    out["liver_change_pct"] = out["liver.lipid_pct"] - float(
        r.timeseries["liver.lipid_pct"].iloc[0]
    )
    out.update({f"events.{e}": n for e, n in r.model.remodel.events.items()})
    out["wall_s"] = r.wall_seconds
    return out


def compare(
    days: int = 21, k: int = 7, seeds: tuple[int, ...] = (0,), cells=None, scenario=SCENARIO
) -> dict:
    """Per seed, the full-resolution and multi-rate outcomes and their differences."""
    rows = []
    for seed in seeds:
        full = outcomes(days, 1, seed, cells, scenario)
        fast = outcomes(days, k, seed, cells, scenario)
        rows.append({"seed": seed, "full": full, "multirate": fast})
    diff = {
        key: [r["multirate"][key] - r["full"][key] for r in rows]
        for key in rows[0]["full"]
        if not key.startswith("wall")
    }
    summary = {key: float(np.mean(np.abs(v))) for key, v in diff.items()}
    return {"days": days, "k": k, "runs": rows, "mean_abs_difference": summary}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--days", type=int, default=21)
    ap.add_argument("--k", type=int, default=7)
    ap.add_argument("--seeds", type=int, nargs="+", default=[0])
    ap.add_argument(
        "--scenario",
        default="energy_surplus_8wk",
        help="library scenario (configs/scenarios/<name>.yaml), e.g. gh_replacement_26wk",
    )
    a = ap.parse_args(argv)
    scenario = LIB / f"{a.scenario}.yaml"
    print(json.dumps(compare(a.days, a.k, tuple(a.seeds), None, scenario), indent=1))  # noqa: T201


if __name__ == "__main__":
    main()
