"""Outputs of ``sim validate``: the pass/fail table, ``validation.json`` and ``report.md``
with one figure per target (the simulated curve against its accepted band, and the reference
SBML model where one exists). The folder is written atomically."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

from sim import io
from sim.scenario import ScenarioError
from sim.validate.core import Outcome
from sim.validate.figures import finish, plt


def fmt(v: float | None) -> str:
    if v is None or not math.isfinite(v):
        return "n/a"
    return f"{v:.3g}"


def table_rows(outcomes: list[Outcome]) -> list[str]:
    """One line per target and seed: id, seed, value, band, PASS/FAIL, failing criteria."""
    rows = [f"{'id':4} {'seed':>4} {'value':>9}  {'band':<18} result  name / failing criteria"]
    for o in outcomes:
        head = o.criteria[0] if o.criteria else None
        value = fmt(head.value) if head else "n/a"
        band = head.band_text if head else ""
        bad = [f"{c.key}={fmt(c.value)} (want {c.band_text})" for c in o.criteria if not c.passed]
        note = o.error if o.error else ("; ".join(bad) if bad else o.target.name)
        rows.append(
            f"{o.target.id:4} {o.seed:>4} {value:>9}  {band:<18} "
            f"{'PASS' if o.passed else 'FAIL':6}  {note}"
        )
    if any(o.target.prediction for o in outcomes):
        rows.append(prediction_line(outcomes))
    return rows


def prediction_line(outcomes: list[Outcome]) -> str:
    """Pass counts of calibrated targets and of predictions (no parameter fitted to them)."""
    pred = [o for o in outcomes if o.target.prediction]
    cal = [o for o in outcomes if not o.target.prediction]
    ids = sorted({o.target.id for o in pred})
    return (
        f"Calibrated or original targets: {sum(o.passed for o in cal)} of {len(cal)} pass; "
        f"predictions ({', '.join(ids) or 'none'}): {sum(o.passed for o in pred)} of "
        f"{len(pred)} pass."
    )


def _figure(o: Outcome, path: Path) -> None:
    fig = o.target.draw(f"{o.target.id} {o.target.name} (seed {o.seed})", o)
    finish(fig)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _markdown(outcomes: list[Outcome], figures: dict[str, str]) -> str:
    seeds = sorted({o.seed for o in outcomes})
    n_pass = sum(o.passed for o in outcomes)
    lines = [
        "# Validation report",
        "",
        f"{n_pass} of {len(outcomes)} target-seed results pass (seeds {seeds}). Targets and bands:"
        " docs/validation.md, with how each is simulated.",
        "",
        prediction_line(outcomes),
        "",
        "| id | seed | value | band | result | failing criteria |",
        "|---|---|---|---|---|---|",
    ]
    for o in outcomes:
        head = o.criteria[0] if o.criteria else None
        bad = ", ".join(
            f"{c.key} {fmt(c.value)} (want {c.band_text})" for c in o.criteria if not c.passed
        )
        lines.append(
            f"| {o.target.id} | {o.seed} | {fmt(head.value) if head else 'n/a'} | "
            f"{head.band_text if head else ''} | {'pass' if o.passed else '**FAIL**'} | "
            f"{o.error or bad} |"
        )
    by_target: dict[str, list[Outcome]] = {}
    for o in outcomes:
        by_target.setdefault(o.target.id, []).append(o)
    for tid, group in by_target.items():
        t = group[0].target
        lines += [
            "",
            f"## {tid}: {t.name}",
            "",
            f"Source: {t.source}.",
            "",
            f"Protocol: {t.protocol}.",
            "",
        ]
        lines += [
            "| criterion | band | " + " | ".join(f"seed {o.seed}" for o in group) + " |",
            "|---|---|" + "---|" * len(group),
        ]
        for k, c in enumerate(t.criteria):
            cells = []
            for o in group:
                if o.error or k >= len(o.criteria):
                    cells.append("error")
                else:
                    r = o.criteria[k]
                    cells.append(f"{fmt(r.value)} {'ok' if r.passed else '**fail**'}")
            lines.append(f"| {c.label} | {c.band_text()} | " + " | ".join(cells) + " |")
        refm = group[0].reference
        if refm is not None:
            lines += [
                "",
                "Reference model on the same protocol (ours, seed "
                f"{group[0].seed}, vs the SBML model):",
                "",
                "| figure | ours | reference |",
                "|---|---|---|",
            ]
            for key, rv in refm.values.items():
                mine = group[0].values.get(key.removeprefix("ref_"), float("nan"))
                lines.append(f"| {key.removeprefix('ref_')} | {fmt(mine)} | {fmt(rv)} |")
        lines += _also_measured_lines(group)
        for o in group:
            if o.error:
                lines += ["", f"Seed {o.seed} error: `{o.error}`"]
        if tid in figures:
            lines += ["", f"![{tid}]({figures[tid]})"]
    return "\n".join(lines) + "\n"


def _also_measured_lines(group: list[Outcome]) -> list[str]:
    """One line with the values a target reports beside its criteria, seed by seed."""
    extra = [o.also_measured() for o in group]
    keys = list(dict.fromkeys(k for e in extra for k in e))
    if not keys:
        return []
    seeds = " / ".join(str(o.seed) for o in group)
    values = "; ".join(
        f"{k} " + " / ".join(fmt(e.get(k, float("nan"))) for e in extra) for k in keys
    )
    return ["", f"Also measured (reported, not judged; seed {seeds}): {values}."]


def prepare_out(out: Path) -> None:
    """Refuse (exit status 2) a folder that is not a validation report of this project, or
    one that must never be replaced (``.``, its parents, ``/``, home); an existing report is
    replaced."""
    try:
        io.check_destination(out, True, kinds=("validation",), what="validation folder")
        io.check_writable(out)
    except io.OutputExistsError as exc:
        raise ScenarioError(f"--out {exc}") from None


def write_report(outcomes: list[Outcome], out: Path, sections: tuple[str, ...] = ()) -> Path:
    """Write ``validation.json``, ``report.md`` and ``figures/`` into ``out`` atomically;
    ``sections`` (Markdown) are appended to the report."""
    prepare_out(out)
    tmp = io.mkdtemp_beside(out)
    try:
        (tmp / "figures").mkdir()
        figures: dict[str, str] = {}
        for o in outcomes:
            if o.target.id in figures or o.error:
                continue
            rel = f"figures/{o.target.id}.png"
            _figure(o, tmp / rel)
            figures[o.target.id] = rel
        records = [o.record() for o in outcomes]
        (tmp / "validation.json").write_text(json.dumps(records, indent=2) + "\n")
        (tmp / "report.md").write_text("\n".join((_markdown(outcomes, figures), *sections)))
        io.write_marker(tmp, "validation")
        io.swap_in(tmp, io.canonical(out), ("validation",))
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out
