"""``report.md`` of a comparison folder: question, arms, population, effects with confidence
intervals, attribution and a verdict per hypothesis, written from the saved tables only."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd

from sim.compare.figures import plot_compare
from sim.compare.population import TRAITS
from sim.compare.stats import ROUNDOFF_REL


def _f(x: float | None, digits: int = 3) -> str:
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "n/a"
    if x == 0:
        return "0"
    if abs(x) >= 1e4 or abs(x) < 1e-3:
        return f"{x:.{digits - 1}e}"
    return f"{x:.{digits}g}"


def _pct(x: float) -> str:
    """A percentage with sensible precision (no exponent)."""
    if not math.isfinite(x):
        return "n/a"
    return f"{x:.0f}" if abs(x) >= 10 else f"{x:.2g}"


def _p(x: float) -> str:
    if not math.isfinite(x):
        return "n/a"
    return "<0.0001" if x < 1e-4 else f"{x:.4f}"


def _arm_lines(meta: dict) -> list[str]:
    lines = ["| arm | what it is | duration | protocol | interventions |", "|---|---|---|---|---|"]
    for k, a in enumerate(meta["arms"]):
        proto = a["protocol"]["kind"] if a["protocol"] else "free-living"
        ivs = ", ".join(
            iv["kind"]
            + (
                f" ({iv.get('drug') or iv.get('mode') or iv.get('target') or ''})"
                if iv.get("drug") or iv.get("mode") or iv.get("target")
                else ""
            )
            for iv in a["interventions"]
        )
        role = " (control)" if k == 0 and a["name"] != "control" else ""
        h = float(a["start_clock_h"])
        clock = f"{int(h):02d}:{int(round(h % 1 * 60)):02d}"
        params = f"; parameters {a['parameters']}" if a["parameters"] else ""
        lines.append(
            f"| `{a['name']}`{role} | {a['description'] or ''}{params} | "
            f"{_f(a['duration_min'])} min from {clock} | {proto} | {ivs or '-'} |"
        )
    return lines


def _population_lines(meta: dict) -> list[str]:
    pop = meta["population"]
    chosen = pop.get("traits")
    chosen = [t.name for t in TRAITS] if chosen is None else chosen
    lines = [
        f"{meta['replicates']} virtual subjects, phenotype `{meta['phenotype']}`, population seed "
        f"{pop['seed']}, CV scale {pop['cv_scale']:g}. Each trait is a log-normal factor "
        "(median 1) on the phenotype preset, the same subject in every arm (paired design):",
        "",
        "| trait | parameters | CV |",
        "|---|---|---|",
    ]
    for t in TRAITS:
        if t.name in chosen:
            lines.append(f"| {t.name} | {', '.join(t.targets)} | {t.cv * pop['cv_scale']:.2f} |")
    fixed = meta.get("traits_fixed_by_files") or {}
    if fixed:
        held = "; ".join(f"{name} ({', '.join(keys)})" for name, keys in fixed.items())
        lines += ["", f"Not varied, because the scenario files fix them: {held}."]
    return lines


def _verdict_lines(meta: dict, eff: pd.DataFrame) -> list[str]:
    hyp = eff[eff["hypothesis"].notna()]
    if hyp.empty:
        return ["No direction was hypothesised; see the effects below."]
    lines = [
        "| arm | outcome | hypothesised | difference (95 % CI) | % of control | Holm p | verdict |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in hyp.itertuples():
        pct = 100 * r.mean_difference / abs(r.control_mean) if r.control_mean else float("nan")
        lines.append(
            f"| `{r.arm}` | `{r.outcome}` | {r.hypothesis} | {_f(r.mean_difference)} "
            f"({_f(r.ci_low)} to {_f(r.ci_high)}) | {_pct(pct)} % | {_p(r.p_holm)} | "
            f"**{r.verdict}** |"
        )
    return lines


def _effect_lines(eff: pd.DataFrame, arm: str) -> list[str]:
    lines = [
        "| outcome | control mean | arm mean | difference (95 % CI) | Hedges g_av | "
        "Wilcoxon p | Holm p | t-test p |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in eff[eff["arm"] == arm].itertuples():
        lines.append(
            f"| `{r.outcome}` | {_f(r.control_mean)} | {_f(r.arm_mean)} | {_f(r.mean_difference)} "
            f"({_f(r.ci_low)} to {_f(r.ci_high)}) | {_f(r.hedges_g, 2)} | {_p(r.p_value)} | "
            f"{_p(r.p_holm)} | {_p(r.p_ttest)} |"
        )
    return lines


def _attribution_lines(att: pd.DataFrame) -> list[str]:
    if att.empty:
        return ["No attribution arms in this study."]
    lines = [
        "| mechanism switched off | outcome | full effect | effect without it | share carried "
        "(95 % CI) |",
        "|---|---|---|---|---|",
    ]
    for r in att.itertuples():
        lines.append(
            f"| {r.mechanism} (`{r.counterfactual}` vs `{r.control}`) | `{r.outcome}` | "
            f"{_f(r.full_effect)} | {_f(r.counterfactual_effect)} | "
            f"{_pct(100 * r.share)} % ({_pct(100 * r.ci_low)} to {_pct(100 * r.ci_high)} %) |"
        )
    return lines


_TOLERANCE = f"{ROUNDOFF_REL:.0e}".replace("e-0", "e-")
"""The round-off tolerance as the report writes it (``1e-9``)."""
METHODS = (
    f"Paired differences (arm - control) per subject; a difference below {_TOLERANCE} of "
    "the values compared is numerical round-off and counts as zero. Mean difference with a "
    "seeded BCa bootstrap 95 % CI (scipy.stats.bootstrap, 4000 resamples); Hedges' g_av (mean"
    " difference over the average of the two arms' between-subject SDs, times the exact "
    "small-sample correction J(n-1); Lakens 2013, Hedges 1981); Wilcoxon signed-rank p (exact"
    " for small n) and paired t-test p; Holm adjustment across the outcomes of each arm. "
    "Verdict: *supported* when the CI excludes 0 on the hypothesised side and Holm p < alpha,"
    " *contradicted* when it does so on the other side, *no difference* when every subject's "
    "difference is zero, else *inconclusive*. Attribution: share = 1 - effect(mechanism off) "
    "/ effect(full), each effect against its own control, paired percentile bootstrap over "
    "subjects. Note: the virtual subjects are noise-free model runs, so p-values reflect "
    "between-subject consistency of the effect, not measurement noise; read the effect size "
    "and its CI first."
)


def write_report(folder: str | Path) -> Path:
    """Write ``folder/report.md`` (and its figures) from the saved tables."""
    folder = Path(folder)
    meta = json.loads((folder / "study.json").read_text())
    eff = pd.read_parquet(folder / "effects.parquet")
    att_path = folder / "attribution.parquet"
    att = pd.read_parquet(att_path) if att_path.is_file() else pd.DataFrame()
    figs = [p.relative_to(folder) for p in plot_compare(folder)]
    code = meta.get("code") or {}
    lines = [
        f"# {meta['name']}",
        "",
        f"**Question.** {meta['question'] or '(none stated)'}",
        "",
        f"Produced by `sim compare` (sim {code.get('version')}, commit "
        f"`{(code.get('git_commit') or 'unknown')[:12]}`"
        f"{', uncommitted changes' if code.get('git_dirty') else ''}).",
        "",
        "## Answer",
        "",
        *_verdict_lines(meta, eff),
        "",
        "## Arms",
        "",
        *_arm_lines(meta),
        "",
        "## Population",
        "",
        *_population_lines(meta),
        "",
        "## Outcomes",
        "",
        *[f"- `{o['name']}`: {o['description']}" for o in meta["outcomes"]],
        "",
        "## Effects against the control",
        "",
    ]
    for arm in dict.fromkeys(eff["arm"]):
        lines += [f"### `{arm}` vs `{meta['arms'][0]['name']}`", "", *_effect_lines(eff, arm), ""]
    lines += ["## Mechanism attribution", "", *_attribution_lines(att), ""]
    lines += ["## Figures", ""] + [f"![{p.stem}]({p.as_posix()})" for p in figs] + [""]
    if meta.get("failed_runs"):
        lines += ["## Failed runs", "", ", ".join(meta["failed_runs"]), ""]
    if meta.get("notes"):
        lines += ["## Notes", "", meta["notes"].strip(), ""]
    lines += ["## Methods", "", METHODS, ""]
    path = folder / "report.md"
    tmp = folder / ".report.md.tmp"
    tmp.write_text("\n".join(lines))
    tmp.replace(path)
    return path
