"""Figures of a comparison folder, from its saved tables only.

``plot_compare(folder)`` writes ``figures/forest.png`` (every effect as % of the control
mean with its bootstrap 95 % interval), ``figures/paired.png`` (each subject's value in every
arm, joined by a line: the paired design made visible) and, when the study has attribution
arms, ``figures/attribution.png``. ``sim plot COMPARE_DIR`` calls it.
"""

from __future__ import annotations

import json
import math
import textwrap
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

MAX_PAIRED = 12
"""Most outcomes shown in the paired plot (hypothesised outcomes first)."""


def _load(folder: Path) -> tuple[dict, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    meta = json.loads((folder / "study.json").read_text())
    res = pd.read_parquet(folder / "results.parquet")
    eff = pd.read_parquet(folder / "effects.parquet")
    att_path = folder / "attribution.parquet"
    att = pd.read_parquet(att_path) if att_path.is_file() else pd.DataFrame()
    return meta, res, eff, att


def _percent(eff: pd.DataFrame) -> pd.DataFrame:
    scale = eff["control_mean"].abs().replace(0, np.nan) / 100.0
    out = eff.copy()
    for col in ("mean_difference", "ci_low", "ci_high"):
        out[col + "_pct"] = eff[col] / scale
    return out


def outcome_label(meta: dict, name: str, width: int = 45) -> str:
    """The outcome's label from the hypothesis file (wrapped), else its name."""
    labels = {o["name"]: o.get("label") or "" for o in meta.get("outcomes", [])}
    return "\n".join(textwrap.wrap(labels.get(name) or name, width)) or name


def plot_forest(meta: dict, eff: pd.DataFrame, path: Path) -> Path:
    """Forest plot: paired mean difference as % of the control mean, 95 % bootstrap CI."""
    eff = _percent(eff)
    outcomes = list(dict.fromkeys(eff["outcome"]))
    arms = list(dict.fromkeys(eff["arm"]))
    fig, ax = plt.subplots(figsize=(8.5, 0.55 * len(outcomes) * max(1, len(arms) ** 0.5) + 1.8))
    colours = plt.get_cmap("tab10")
    step = 0.8 / max(len(arms), 1)
    for j, arm in enumerate(arms):
        sub = eff[eff["arm"] == arm].set_index("outcome").reindex(outcomes)
        y = np.arange(len(outcomes)) - 0.4 + step * (j + 0.5)
        x = sub["mean_difference_pct"].to_numpy(float)
        lo, hi = sub["ci_low_pct"].to_numpy(float), sub["ci_high_pct"].to_numpy(float)
        sig = (sub["p_holm"].to_numpy(float) < meta.get("alpha", 0.05)) & np.isfinite(x)
        c = colours(j % 10)
        ax.errorbar(
            x,
            y,
            xerr=[x - lo, hi - x],
            fmt="none",
            ecolor=c,
            elinewidth=1.4,
            capsize=3,
            label=f"{arm} vs {meta['arms'][0]['name']}",
        )
        ax.scatter(x[sig], y[sig], color=c, s=36, zorder=3)
        ax.scatter(x[~sig], y[~sig], facecolor="white", edgecolor=c, s=36, zorder=3)
    ax.axvline(0, color="0.3", lw=0.8)
    ax.set_yticks(np.arange(len(outcomes)), [outcome_label(meta, o) for o in outcomes], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("paired difference vs control (% of control mean), bootstrap 95 % CI")
    ax.set_title(
        f"{meta['name']}: effects over {meta['replicates']} virtual subjects\n"
        f"(filled: Holm-adjusted Wilcoxon p < {meta.get('alpha', 0.05)})",
        fontsize=10,
    )
    ax.legend(fontsize=8, loc="best")
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _paired_outcomes(meta: dict, eff: pd.DataFrame) -> list[str]:
    first = [h["outcome"] for h in meta.get("hypotheses", [])]
    first += [o for a in meta.get("attribution", []) for o in (a.get("outcomes") or [])]
    names = list(dict.fromkeys([*first, *eff["outcome"]]))
    return names[:MAX_PAIRED]


def plot_paired(meta: dict, res: pd.DataFrame, eff: pd.DataFrame, path: Path) -> Path:
    """One panel per outcome: every subject's value in every arm, joined across arms."""
    names = _paired_outcomes(meta, eff)
    arms = [a["name"] for a in meta["arms"]]
    described = {o["name"]: o["description"] for o in meta["outcomes"]}
    ncol = min(3, len(names))
    nrow = math.ceil(len(names) / ncol)
    fig, axes = plt.subplots(nrow, ncol, figsize=(4.6 * ncol, 3.4 * nrow), squeeze=False)
    ok = res[res["status"] == "completed"]
    for ax, name in zip(axes.flat, names, strict=False):
        wide = ok.pivot_table(index="subject", columns="arm", values=name, aggfunc="first")
        wide = wide.reindex(columns=[a for a in arms if a in wide])
        x = np.arange(wide.shape[1])
        for _, row in wide.iterrows():
            ax.plot(x, row.to_numpy(float), color="0.6", lw=0.8, marker="o", ms=3)
        ax.plot(x, wide.mean().to_numpy(float), color="C3", lw=2.2, marker="D", ms=5, label="mean")
        ax.set_xticks(x, wide.columns, rotation=25, ha="right", fontsize=7)
        ax.set_title(outcome_label(meta, name, 50), fontsize=8)
        label = textwrap.wrap(described.get(name, name), 40)
        ax.set_ylabel("\n".join(label[:2]) + ("..." if len(label) > 2 else ""), fontsize=7)
        ax.tick_params(axis="y", labelsize=7)
        ax.grid(axis="y", alpha=0.3)
    for ax in list(axes.flat)[len(names) :]:
        ax.axis("off")
    fig.suptitle(
        f"{meta['name']}: each line is one virtual subject (same subject in every arm)", fontsize=10
    )
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def plot_attribution(meta: dict, att: pd.DataFrame, path: Path) -> Path:
    """Share of each effect carried by each mechanism, with its bootstrap 95 % interval."""
    labels = [f"{r.mechanism}\n{r.outcome}" for r in att.itertuples()]
    share = att["share"].to_numpy(float) * 100
    lo, hi = att["ci_low"].to_numpy(float) * 100, att["ci_high"].to_numpy(float) * 100
    fig, ax = plt.subplots(figsize=(8.5, 0.6 * len(att) + 1.8))
    y = np.arange(len(att))
    ax.barh(y, share, color="C0", alpha=0.7)
    ax.errorbar(share, y, xerr=[share - lo, hi - share], fmt="none", ecolor="k", capsize=3)
    ax.axvline(0, color="0.3", lw=0.8)
    ax.axvline(100, color="0.3", lw=0.8, ls="--")
    ax.set_yticks(y, labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("share of the effect carried (%) = 1 - effect(switched off) / effect(full)")
    ax.set_title(f"{meta['name']}: mechanism attribution (bootstrap 95 % CI)", fontsize=10)
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def plot_compare(folder: str | Path) -> list[Path]:
    """Write the comparison figures of ``folder`` into ``folder/figures``; return their paths."""
    folder = Path(folder)
    meta, res, eff, att = _load(folder)
    figs = folder / "figures"
    figs.mkdir(exist_ok=True)
    paths = []
    if len(eff):
        paths.append(plot_forest(meta, eff, figs / "forest.png"))
        paths.append(plot_paired(meta, res, eff, figs / "paired.png"))
    if len(att):
        paths.append(plot_attribution(meta, att, figs / "attribution.png"))
    return paths
