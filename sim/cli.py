"""Command line: a thin layer over the Python API (``sim run``, ``sim schema``, ``sim plot``).

Exit status: 0 success, 2 invalid input (nothing written), 1 failure while running.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from sim.io import OutputExistsError
from sim.scenario import ScenarioError, load_scenario, scenario_schema

EXAMPLES_RUN = """examples:
  sim run configs/baseline.yaml
  sim run configs/clamp.yaml --set protocol.insulin_uU_ml=40 --seed 2 --plot
  sim run configs/exercise.yaml --set cells.muscle=5000 --out outputs/ex5k --force
"""


def _default_out(name: str, seed: int) -> Path:
    return Path("outputs") / f"{name}-seed{seed}"


def cmd_run(args: argparse.Namespace) -> int:
    from sim.runner import RunFailedError, run

    scn = load_scenario(args.scenario, args.set, seed=args.seed)
    if args.engine:
        scn = scn.model_copy(update={"engine": args.engine})
    out = Path(args.out) if args.out else _default_out(scn.name, scn.seed)
    if out.exists() and not args.force:
        raise OutputExistsError(f"{out} exists; pass --force to replace it")
    try:
        result = run(scn, progress=not args.quiet and sys.stderr.isatty())
    except RunFailedError as exc:
        failed = out.with_name(out.name + "-failed")
        exc.partial.save(failed, force=True)
        print(
            f"error: run failed: {exc}\npartial run kept in {failed} (status: failed)",
            file=sys.stderr,
        )
        return 1
    figures = None
    if args.plot:
        from sim.viz import plot_run as figures
    result.save(out, force=args.force, figures=figures)
    s = result.summary
    print(
        f"wrote {out}  ({result.wall_seconds:.1f} s; glucose mean {s['glucose_mean_mM']:.2f}"
        f" mM, peak {s['glucose_peak_mM']:.2f} mM)"
    )
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    print(json.dumps(scenario_schema(), indent=2))
    return 0


def cmd_plot(args: argparse.Namespace) -> int:
    from sim.viz import plot_run

    run_dir = Path(args.run_dir)
    if not (run_dir / "timeseries.parquet").is_file():
        print(f"error: {run_dir}: not a run folder (no timeseries.parquet)", file=sys.stderr)
        return 2
    for path in plot_run(run_dir):
        print(path)
    return 0


EXAMPLES_SWEEP = """examples:
  sim sweep configs/sweeps/gh_dose_x_exercise.yaml --workers 4
  sim sweep configs/sweeps/sobol_clamp.yaml --out outputs/sweeps/sobol --resume
  sim sweep configs/sweeps/virtual_population.yaml --scheduler tcp://10.0.0.5:8786 --quiet
"""


def cmd_sweep(args: argparse.Namespace) -> int:
    from sim.sweep import run_sweep

    if args.workers is not None and args.workers < 1:
        print(f"error: --workers {args.workers}: must be >= 1", file=sys.stderr)
        return 2
    res = run_sweep(
        args.sweep,
        out=args.out,
        workers=args.workers,
        scheduler=args.scheduler,
        resume=args.resume,
        force=args.force,
        progress=not args.quiet,
    )
    print(
        f"wrote {res.out}  ({res.n_runs} runs, {res.n_ran} run now, {res.n_failed} failed;"
        f" table {res.out / 'summary.parquet'})"
    )
    if res.n_failed:
        print(
            f"error: {res.n_failed} runs failed; see status/error in summary.parquet",
            file=sys.stderr,
        )
        return 1
    return 0


EXAMPLES_COMPARE = """examples:
  sim compare configs/hypotheses/a_gh_secretagogue_muscle.yaml --workers 2
  sim compare configs/sleep_ctrl.yaml configs/scenarios/sleep_restriction.yaml --replicates 10
  sim compare A.yaml B.yaml --outcome muscle.akt_p:600-720:mean --set cells.muscle=20
  sim compare STUDY.yaml --out outputs/compare/study --resume
  sim compare STUDY.yaml --scheduler tcp://10.0.0.5:8786 --replicates 200

A hypothesis file (arms, outcomes, windows, population, directions, attribution) is given
alone; otherwise the first scenario is the control. See docs/compare.md.
"""


def cmd_compare(args: argparse.Namespace) -> int:
    from sim.compare import run_compare

    if args.workers is not None and args.workers < 1:
        print(f"error: --workers {args.workers}: must be >= 1", file=sys.stderr)
        return 2
    res = run_compare(
        args.files,
        out=args.out,
        replicates=args.replicates,
        workers=args.workers,
        scheduler=args.scheduler,
        resume=args.resume,
        force=args.force,
        progress=not args.quiet,
        overrides=args.set,
        extra_outcomes=args.outcome,
    )
    print(
        f"wrote {res.out}  ({res.n_runs} runs, {res.n_ran} run now, {res.n_failed} failed; "
        f"{res.out / 'report.md'})"
    )
    if res.n_failed:
        print(f"error: {res.n_failed} runs failed; see results.parquet", file=sys.stderr)
        return 1
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sim",
        description="Agent-based simulator of insulin, GH, FFA, inflammation, "
        "sleep and exercise signalling in muscle, liver and fat cells.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="examples:\n  sim run configs/baseline.yaml --plot\n  sim schema > schema.json",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress details")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser(
        "run",
        help="run one scenario; writes a run folder",
        epilog=EXAMPLES_RUN,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("scenario", help="scenario YAML file")
    p.add_argument("--out", help="run folder (default outputs/<name>-seed<seed>)")
    p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a scenario key, e.g. parameters.muscle.glut4_total=1.2",
    )
    p.add_argument("--seed", type=int, help="replace the scenario's seed")
    p.add_argument("--engine", choices=["vector", "agent"], help="override the engine")
    p.add_argument("--plot", action="store_true", help="also write the standard figures")
    p.add_argument("--force", action="store_true", help="replace an existing run folder")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_run)
    p = sub.add_parser(
        "schema",
        help="print the JSON Schema of the scenario file",
        epilog="example:\n  sim schema > scenario.schema.json",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.set_defaults(func=cmd_schema)
    p = sub.add_parser(
        "plot",
        help="standard figures from a saved run folder",
        epilog="example:\n  sim plot outputs/baseline-seed0",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("run_dir", help="a run folder written by `sim run`")
    p.set_defaults(func=cmd_plot)
    p = sub.add_parser(
        "sweep",
        help="parameter sweep over a design; writes a sweep folder with summary.parquet",
        epilog=EXAMPLES_SWEEP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("sweep", help="sweep YAML file (see docs/sweeps.md)")
    p.add_argument("--out", help="sweep folder (default outputs/sweeps/<name>)")
    p.add_argument(
        "--workers", type=int, help="local worker processes (default: all cores; 1 = serial)"
    )
    p.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="dask.distributed scheduler address (e.g. tcp://host:8786) instead of local workers",
    )
    p.add_argument("--resume", action="store_true", help="run only what an earlier run left")
    p.add_argument("--force", action="store_true", help="replace an existing sweep folder")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_sweep)
    p = sub.add_parser(
        "compare",
        help="hypothesis test: arms over a virtual population; effects, CIs, attribution",
        epilog=EXAMPLES_COMPARE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "files",
        nargs="+",
        metavar="FILE",
        help="a hypothesis file, or two or more scenario files (the first is the control)",
    )
    p.add_argument("--replicates", type=int, help="virtual subjects (default 8 or the file's)")
    p.add_argument("--out", help="output folder (default outputs/compare/<name>)")
    p.add_argument(
        "--workers", type=int, help="local worker processes (default: all cores; 1 = serial)"
    )
    p.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="dask.distributed scheduler address (e.g. tcp://host:8786) instead of local workers",
    )
    p.add_argument("--resume", action="store_true", help="run only what an earlier run left")
    p.add_argument("--force", action="store_true", help="replace an existing output folder")
    p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a scenario key in every arm, e.g. cells.muscle=20",
    )
    p.add_argument(
        "--outcome",
        action="append",
        default=[],
        metavar="COLUMN[:T0-T1[:STAT]]",
        help="add an outcome, e.g. muscle.akt_p:600-720:mean (stat: mean max min auc iauc last)",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_compare)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        return args.func(args)
    except (ScenarioError, OutputExistsError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
