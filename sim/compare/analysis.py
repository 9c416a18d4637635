"""From the runs' records to the three tables: results, effects, attribution.

``results``: one row per subject and arm (every summary metric, every outcome, the subject's
traits). ``effects``: one row per outcome and non-control arm, paired against the control
over the subjects complete in both arms (``sim.compare.stats``), Holm-adjusted across the
outcomes of each arm, with the hypothesised direction and verdict where one is stated.
``attribution``: per mechanism and outcome, the share of the full effect that disappears
when the mechanism is switched off.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from sim.compare import stats

if TYPE_CHECKING:
    from sim.compare.core import Plan

EFFECT_COLUMNS = [
    "outcome",
    "arm",
    "mean_difference",
    "ci_low",
    "ci_high",
    "hedges_g",
    "p_value",
    "p_holm",
    "p_ttest",
    "p_holm_ttest",
    "control",
    "n",
    "control_mean",
    "arm_mean",
    "relative_difference",
    "hypothesis",
    "verdict",
]
"""CONTRACT columns first (p_value: Wilcoxon signed-rank; p_ttest: paired t-test)."""
ATTRIBUTION_COLUMNS = [
    "mechanism",
    "outcome",
    "full",
    "counterfactual",
    "control",
    "n",
    "full_effect",
    "counterfactual_effect",
    "share",
    "ci_low",
    "ci_high",
]


def results_table(plan: Plan, summary: pd.DataFrame) -> pd.DataFrame:
    """One row per subject and arm, in arm then subject order."""
    from sim.compare.core import subject_table

    df = summary.copy()
    rename = {}
    for col in list(df.columns):
        if col.startswith("outcome:"):
            name = col.split(":", 1)[1]
            if name in df.columns:  # a summary metric used as an outcome: same values
                df = df.drop(columns=col)
            else:
                rename[col] = name
    df = df.rename(columns=rename).drop(columns=["point", "replicate"], errors="ignore")
    order = {a.name: i for i, a in enumerate(plan.spec.arms)}
    df["arm"] = df["arm"].astype(str)
    df["subject"] = df["subject"].astype(int)
    df = df.sort_values(["arm", "subject"], key=lambda s: s.map(order) if s.name == "arm" else s)
    subjects = subject_table(plan.subjects).drop(columns=["subject_seed"])
    out = df.merge(subjects, on="subject", how="left")
    lead = ["arm", "subject", "run_id", "seed", "status", "error"]
    return out[lead + [c for c in out.columns if c not in lead]].reset_index(drop=True)


def paired(results: pd.DataFrame, outcome: str, arm: str, control: str) -> tuple[Any, Any]:
    """Outcome values of ``control`` and ``arm`` for the subjects completed in both."""
    ok = results[results["status"] == "completed"]
    wide = ok.pivot_table(index="subject", columns="arm", values=outcome, aggfunc="first")
    if arm not in wide or control not in wide:
        return np.array([]), np.array([])
    both = wide[[control, arm]].dropna()
    return both[control].to_numpy(float), both[arm].to_numpy(float)


def effects_table(plan: Plan, results: pd.DataFrame) -> pd.DataFrame:
    """Paired effects of every non-control arm on every outcome."""
    spec = plan.spec
    control = spec.arms[0].name
    hyp = {(h.arm, h.outcome): h.direction for h in spec.hypotheses}
    rows = []
    for a, arm in enumerate(spec.arms[1:], start=1):
        block = []
        for k, o in enumerate(plan.outcomes):
            x, y = paired(results, o.name, arm.name, control)
            seed = int(np.random.SeedSequence([spec.population.seed, a, k]).generate_state(1)[0])
            block.append(
                {"outcome": o.name, "arm": arm.name, "control": control}
                | stats.paired_effect(x, y, seed)
            )
        p_holm = stats.holm([r["p_value"] for r in block])
        p_holm_t = stats.holm([r["p_ttest"] for r in block])
        for r, ph, pt in zip(block, p_holm, p_holm_t, strict=True):
            direction = hyp.get((r["arm"], r["outcome"]))
            r["p_holm"], r["p_holm_ttest"] = float(ph), float(pt)
            r["hypothesis"] = direction
            r["verdict"] = (
                stats.verdict(direction, r["ci_low"], r["ci_high"], r["p_holm"], spec.alpha)
                if direction
                else None
            )
        rows += block
    df = pd.DataFrame(rows, columns=EFFECT_COLUMNS)
    for col in ("hypothesis", "verdict"):
        df[col] = df[col].astype("string")
    return df


def attribution_table(plan: Plan, results: pd.DataFrame) -> pd.DataFrame:
    """Share of each full effect carried by each switched-off mechanism."""
    spec = plan.spec
    control = spec.arms[0].name
    rows = []
    for i, a in enumerate(spec.attribution):
        names = a.outcomes or [h.outcome for h in spec.hypotheses if h.arm == a.full]
        names = names or [o.name for o in plan.outcomes]
        cf_control = a.control or control
        for k, name in enumerate(names):
            full = _diffs(results, name, a.full, control)
            cf = _diffs(results, name, a.counterfactual, cf_control)
            both = full.index.intersection(cf.index)
            f, c = full.loc[both].to_numpy(float), cf.loc[both].to_numpy(float)
            seed = int(
                np.random.SeedSequence([spec.population.seed, 1000 + i, k]).generate_state(1)[0]
            )
            share = stats.attribution(f, c, seed)
            rows.append(
                {
                    "mechanism": a.mechanism,
                    "outcome": name,
                    "full": a.full,
                    "counterfactual": a.counterfactual,
                    "control": cf_control,
                    "n": int(len(both)),
                    "full_effect": float(np.mean(f)) if len(f) else float("nan"),
                    "counterfactual_effect": float(np.mean(c)) if len(c) else float("nan"),
                    **share,
                }
            )
    return pd.DataFrame(rows, columns=ATTRIBUTION_COLUMNS)


def _diffs(results: pd.DataFrame, outcome: str, arm: str, control: str) -> pd.Series:
    ok = results[results["status"] == "completed"]
    wide = ok.pivot_table(index="subject", columns="arm", values=outcome, aggfunc="first")
    if arm not in wide or control not in wide:
        return pd.Series(dtype=float)
    both = wide[[control, arm]].dropna()
    d = stats.paired_differences(both[control].to_numpy(float), both[arm].to_numpy(float))
    return pd.Series(d, index=both.index)


def analyse(plan: Plan, summary: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """results, effects and attribution tables of a finished (or partly failed) comparison."""
    results = results_table(plan, summary)
    return results, effects_table(plan, results), attribution_table(plan, results)
