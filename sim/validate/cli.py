"""``sim validate`` and ``sim calibrate``: thin command lines over :mod:`sim.validate`.

Registered into the main parser by :func:`add_commands`; imports of the suite happen inside
the commands so ``sim --help`` stays fast.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sim import io

EXAMPLES_VALIDATE = """examples:
  sim validate                                  # every target of the suite, seed 0
  sim validate --only V09 V10 --out outputs/val-cells
  sim validate --seeds 0 1 2 --workers 2        # the acceptance run: three seeds
  sim validate --only V01 --set muscle.k_irs1_py=3.0   # try a parameter value

Exit status: 0 every target passes, 1 one or more fail, 2 invalid input (nothing written).
Writes DIR/validation.json, DIR/report.md and DIR/figures/<id>.png.
"""

EXAMPLES_CALIBRATE = """examples:
  sim calibrate configs/calibration/insulin_arm.yaml
  sim calibrate configs/calibration/insulin_arm.yaml --out outputs/calibration/ia --force

Writes DIR/best.yaml (fitted values, loss per target and seed), DIR/history.csv (every
evaluation) and DIR/config.yaml. Bounds outside a parameter's declared range are refused
(exit 2). The fitted values are not applied: copy them into sim/parameters.py.
"""


def _overrides(items: list[str]) -> dict[str, float]:
    from sim.scenario import ScenarioError

    out = {}
    for item in items:
        key, sep, raw = item.partition("=")
        key = key.strip().removeprefix("parameters.")  # as in `sim run --set parameters.x.y=`
        try:
            out[key] = float(raw)
        except ValueError:
            raise ScenarioError(f"--set {item!r}: expected PARAMETER=NUMBER") from None
        if not sep:
            raise ScenarioError(f"--set {item!r}: expected PARAMETER=NUMBER")
    return out


def cmd_validate(args: argparse.Namespace) -> int:
    from sim.validate.report import prepare_out, table_rows, write_report
    from sim.validate.suite import check_overrides, run_targets, select

    targets = select(args.only)
    overrides = _overrides(args.set)
    check_overrides(overrides, "--set")
    if args.workers is not None and args.workers < 1:
        print(f"error: --workers {args.workers}: must be >= 1", file=sys.stderr)
        return 2
    if any(s < 0 for s in args.seeds):
        print(f"error: --seeds {args.seeds}: seeds must be >= 0", file=sys.stderr)
        return 2
    out = Path(args.out)
    prepare_out(out)
    outcomes = run_targets(targets, args.seeds, overrides, args.workers, progress=not args.quiet)
    for row in table_rows(outcomes):
        print(row)
    sections, cross_ok = (), True
    if not args.only:  # the whole suite: add the SBML/libRoadRunner cross-check (~30 s)
        text, cross_ok = crosscheck_section()
        sections = (text,)
    write_report(outcomes, out, sections)
    n_fail = sum(not o.passed for o in outcomes)
    print(f"{len(outcomes) - n_fail} passed, {n_fail} failed; report {out / 'report.md'}")
    return 1 if n_fail or not cross_ok else 0


def crosscheck_section() -> tuple[str, bool]:
    """The report's SBML/libRoadRunner cross-check and whether it ran. An integrator failure
    there is reported in the section (and makes the exit status 1) instead of losing the
    targets' results, which took minutes to compute."""
    from sim.export.crosscheck import body_report_section, report_section

    try:
        return report_section() + "\n" + body_report_section(), True
    except RuntimeError as exc:
        print(f"error: the SBML cross-check could not run: {exc}", file=sys.stderr)
        text = (
            "## Cross-check: exported SBML in libRoadRunner against sim\n\n"
            f"**Could not run**: {exc}\n"
        )
        return text, False


def cmd_calibrate(args: argparse.Namespace) -> int:
    from sim.validate.calibrate import calibrate, load_config

    cfg = load_config(args.config)
    out = Path(args.out) if args.out else Path("outputs") / "calibration" / cfg.name
    io.check_destination(
        out, args.force, kinds=("calibration",), protect=(Path(args.config),), what="calibration"
    )
    io.check_writable(out)
    res = calibrate(cfg, out=out, progress=not args.quiet)
    print(f"best loss {res.loss:.4g} after {len(res.history)} evaluations")
    for key, value in res.best.items():
        print(f"  {key}: {value:.6g}")
    print(f"wrote {res.out}")
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Add ``validate`` and ``calibrate`` to the main command line."""
    p = sub.add_parser(
        "validate",
        help="run the validation targets (docs/validation.md); pass/fail table and a report",
        epilog=EXAMPLES_VALIDATE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--only", nargs="+", metavar="ID", help="targets to run, e.g. V01 V10")
    p.add_argument(
        "--out",
        default="outputs/validation",
        help="report folder (default outputs/validation; an earlier report there is replaced)",
    )
    p.add_argument(
        "--seeds",
        nargs="+",
        type=int,
        default=[0],
        metavar="N",
        help="scenario seeds; one result per target and seed (default 0)",
    )
    p.add_argument("--workers", type=int, help="worker processes (default: all cores)")
    p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="PARAMETER=VALUE",
        help="dotted parameter override for every run, e.g. muscle.glut4_total=1.1 (or, as "
        "with sim run, parameters.muscle.glut4_total=1.1)",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_validate)
    p = sub.add_parser(
        "calibrate",
        help="fit parameters to validation targets (scipy.optimize); writes best.yaml",
        epilog=EXAMPLES_CALIBRATE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("config", help="calibration YAML (see configs/calibration/)")
    p.add_argument("--out", help="output folder (default outputs/calibration/<name>)")
    p.add_argument("--force", action="store_true", help="replace an existing output folder")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_calibrate)
