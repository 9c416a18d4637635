"""Command line: a thin layer over the Python API (``sim run``, ``sim schema``, ``sim plot``,
``sim dashboard`` ...).

Exit status: 0 success, 2 invalid input (nothing written), 1 failure while running.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import socket
import sys
import traceback
from pathlib import Path
from typing import Any

from sim import io
from sim.inputs import InputError, short_text
from sim.io import OutputExistsError
from sim.scenario import Scenario, ScenarioError, load_scenario, scenario_schema

EXAMPLES_RUN = """examples:
  sim run configs/baseline.yaml
  sim run configs/clamp.yaml --set protocol.insulin_uU_ml=40 --seed 2 --plot
  sim run configs/exercise.yaml --set cells.muscle=5000 --out outputs/ex5k --force

long runs (a checkpoint every M simulated minutes in <out>.checkpoint/; after a kill, the
same command with --resume continues from it and gives an identical result):
  sim run configs/baseline.yaml --set duration_min=20160 --out outputs/2w --checkpoint-every-min 720
  sim run configs/baseline.yaml --set duration_min=20160 --out outputs/2w --resume

reproduce a saved run bit for bit (warns if versions, git commit or source differ):
  sim run --from-manifest outputs/baseline-seed0/manifest.json --out outputs/baseline-rerun
"""


def _default_out(name: str, seed: int) -> Path:
    return Path("outputs") / f"{name}-seed{seed}"


def _run_target(args: argparse.Namespace) -> tuple[Scenario, Path, dict[str, Any]]:
    """The scenario to run, its run folder, and manifest entries for a re-run."""
    from sim.runner import scenario_from_manifest

    if args.from_manifest is None:
        if args.scenario is None:
            raise ScenarioError("sim run: give a SCENARIO file, or --from-manifest MANIFEST")
        scn = load_scenario(args.scenario, args.set, seed=args.seed)
        if args.engine:
            scn = scn.model_copy(update={"engine": args.engine})
        return scn, Path(args.out) if args.out else _default_out(scn.name, scn.seed), {}
    if args.scenario or args.set or args.seed is not None or args.engine:
        raise ScenarioError(
            "--from-manifest re-runs the recorded scenario exactly: give no SCENARIO, --set,"
            " --seed or --engine with it"
        )
    scn, manifest, notes = scenario_from_manifest(args.from_manifest)
    if notes:
        print(
            "warning: this environment differs from the recorded run's, so the re-run may not"
            " be bit-for-bit identical:\n  " + "\n  ".join(notes),
            file=sys.stderr,
        )
    src = Path(args.from_manifest)
    run_dir = src if src.is_dir() else src.parent
    out = Path(args.out) if args.out else run_dir.with_name(run_dir.name + "-rerun")
    prov = {"reproduces": {"manifest": str(src), "environment_differences": notes}}
    return scn, out, prov


def _checkpoint_folder(args: argparse.Namespace, out: Path) -> Path:
    """Where checkpoints go; refuses to overwrite an earlier run's checkpoint silently."""
    from sim import checkpoint
    from sim.runner import check_interval

    check_interval(args.checkpoint_every_min)
    folder = checkpoint.folder_for(out)
    if folder.exists() and not checkpoint.is_checkpoint_folder(folder):
        raise ScenarioError(
            f"{folder} exists and is not a checkpoint folder of this project; it is where "
            f"the checkpoints of --out {out} go: move it, or choose another --out"
        )
    if args.checkpoint_every_min is not None and not args.resume and folder.exists():
        if not args.force:
            raise ScenarioError(
                f"{folder} holds a checkpoint of an earlier run: pass --resume to continue "
                "it, or --force to discard it and start again"
            )
        checkpoint.remove(folder)
    return folder


def cmd_run(args: argparse.Namespace) -> int:
    from sim import checkpoint
    from sim.runner import RunFailedError, check_resources, run

    if args.no_warm_cache:
        os.environ["SIM_WARM_CACHE"] = "off"
    if args.threads is not None:
        if not 1 <= args.threads <= 256:
            raise ScenarioError(f"--threads {args.threads}: must be 1-256")
        os.environ["SIM_THREADS"] = str(args.threads)
    scn, out, prov = _run_target(args)
    inputs = tuple(Path(p) for p in (args.scenario, args.from_manifest) if p)
    io.check_destination(out, args.force, protect=inputs)
    io.check_writable(out)
    check_resources(scn)
    ck_dir = _checkpoint_folder(args, out)
    ck_note = f"; last checkpoint kept in {ck_dir} (continue with --resume)"
    try:
        result = run(
            scn,
            progress=not args.quiet and sys.stderr.isatty(),
            checkpoint_dir=ck_dir,
            checkpoint_every_min=args.checkpoint_every_min,
            resume=args.resume,
            announce=not args.quiet,
        )
    except RunFailedError as exc:
        if exc.partial is None:
            print(f"error: run failed: {exc}; nothing was written", file=sys.stderr)
            return 1
        failed = io.free_name(out.with_name(out.name + "-failed"))
        exc.partial.provenance.update(prov)
        exc.partial.save(failed, force=True, protect=inputs)
        print(
            f"error: run failed: {exc}\npartial run kept in {failed} (status: failed)"
            + (ck_note if (ck_dir / checkpoint.STATE_FILE).exists() else ""),
            file=sys.stderr,
        )
        return 1
    except KeyboardInterrupt:
        if not (ck_dir / checkpoint.STATE_FILE).exists():
            raise
        print(f"interrupted{ck_note}", file=sys.stderr)
        return 130
    result.provenance.update(prov)
    figures = None
    if args.plot:
        from sim.viz import plot_run as figures
    result.save(out, force=args.force, figures=figures, protect=inputs)
    if args.resume or args.checkpoint_every_min is not None:
        checkpoint.remove(ck_dir)
    s = result.summary
    print(
        f"wrote {out}  ({result.wall_seconds:.1f} s; glucose mean {s['glucose_mean_mM']:.2f}"
        f" mM, peak {s['glucose_peak_mM']:.2f} mM)"
    )
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    print(json.dumps(scenario_schema(), indent=2))
    return 0


EXAMPLES_PLOT = """examples:
  sim plot outputs/baseline-seed0
  sim plot outputs/baseline-seed0 --graph-node glut4_pm --graph-times-h 0,1.5,8 --diagram-time-h 1.5
  sim plot outputs/baseline-seed0 --animate glut4_pm --tissue muscle
  sim plot outputs/sweeps/gh_dose_x_exercise --metric m_value_mg_kg_min
  sim plot outputs/compare/secretagogue      (a folder with effects.parquet)
"""


def _hours(text: str) -> float:
    """A finite, non-negative number of hours (argparse type)."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value >= 0):
        raise argparse.ArgumentTypeError(f"{text!r}: expected a number of hours >= 0")
    return value


def _hours_list(text: str) -> list[float]:
    """``--graph-times-h 0,1.5,8`` as a list of hours."""
    try:
        return [_hours(v) for v in text.split(",")[:100] if v.strip()]
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(
            f"{text!r}: expected hours >= 0 separated by commas"
        ) from None


def unreadable_errors() -> tuple[type[BaseException], ...]:
    """What reading a damaged output file raises: a truncated or bit-flipped Parquet file
    (pyarrow), YAML or JSON (including non-UTF-8 bytes), a file that is missing."""
    import pyarrow as pa
    import yaml

    return (
        pa.ArrowException,
        yaml.YAMLError,
        UnicodeDecodeError,
        json.JSONDecodeError,
        InputError,
        FileNotFoundError,
        IsADirectoryError,
        NotADirectoryError,
    )


def cmd_plot(args: argparse.Namespace) -> int:
    from sim.viz.commands import plot_folder

    try:
        paths = plot_folder(
            args.run_dir,
            animate=args.animate,
            tissue=args.tissue,
            graph_node=args.graph_node,
            graph_times_h=args.graph_times_h,
            diagram_time_h=args.diagram_time_h,
            metric=args.metric,
            out_dir=args.out,
        )
    except RuntimeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except (*unreadable_errors(), OSError) as exc:
        if (
            isinstance(exc, OSError)
            and exc.errno is not None
            and not isinstance(exc, FileNotFoundError | IsADirectoryError | NotADirectoryError)
        ):
            raise  # a disk that is full or read-only: exit 1 (main)
        print(
            f"error: {args.run_dir}: not a readable run, sweep or compare folder "
            f"({type(exc).__name__}: {short_text(str(exc), 300)})",
            file=sys.stderr,
        )
        return 2
    for path in paths:
        print(path)
    return 0


EXAMPLES_DASHBOARD = """examples:
  sim dashboard                      (http://127.0.0.1:8765/, this machine only)
  sim dashboard --port 9000
  sim dashboard --host 0.0.0.0       (reachable from the network: only on a trusted network)
  sim dashboard --measure 1000       (time one dashboard step and redraw at 1,000 cells)
"""


def cmd_dashboard(args: argparse.Namespace) -> int:
    if not 0 < args.port < 65536:
        print(f"error: --port {args.port}: must be 1-65535", file=sys.stderr)
        return 2
    if args.cells is not None and not 20 <= args.cells <= 3000:
        print(f"error: --cells {args.cells}: must be 20-3000", file=sys.stderr)
        return 2
    if not 1 <= args.max_visitors <= 100:
        print(f"error: --max-visitors {args.max_visitors}: must be 1-100", file=sys.stderr)
        return 2
    try:
        socket.getaddrinfo(args.host, args.port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, ValueError) as exc:
        print(
            f"error: --host {args.host!r}: not an address of this machine ({exc})", file=sys.stderr
        )
        return 2
    if args.measure is not None:
        from sim.viz.dashboard import measure_step_seconds

        print(json.dumps(measure_step_seconds(args.measure), indent=2))
        return 0
    from sim.viz.commands import serve_dashboard

    try:
        return serve_dashboard(args.host, args.port, args.cells, args.max_visitors)
    except RuntimeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


EXAMPLES_SWEEP = """examples:
  sim sweep configs/sweeps/gh_dose_x_exercise.yaml --workers 4
  sim sweep configs/sweeps/sobol_clamp.yaml --out outputs/sweeps/sobol --resume
  sim sweep configs/sweeps/virtual_population.yaml --scheduler tcp://10.0.0.5:8786 --quiet
"""


def _bad_workers(args: argparse.Namespace) -> bool:
    """Report a ``--workers`` below 1 (the caller exits 2)."""
    if args.workers is not None and args.workers < 1:
        print(f"error: --workers {args.workers}: must be >= 1", file=sys.stderr)
        return True
    return False


def _batch_status(res: Any, written: Path, failed_hint: str) -> int:
    """Print what a sweep or comparison wrote; 1 if any run failed, else 0."""
    print(
        f"wrote {res.out}  ({res.n_runs} runs, {res.n_ran} run now, {res.n_failed} failed; "
        f"{written})"
    )
    if res.n_failed:
        print(f"error: {res.n_failed} runs failed; see {failed_hint}", file=sys.stderr)
        return 1
    return 0


def cmd_sweep(args: argparse.Namespace) -> int:
    from sim.sweep import run_sweep

    if _bad_workers(args):
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
    seeding = _read_seeding(res.out / "manifest.json")
    if seeding:
        print(seeding)
    return _batch_status(res, res.out / "summary.parquet", "status/error in summary.parquet")


def _read_seeding(path: Path) -> str:
    """The sentence a sweep's manifest gives on how its runs are seeded (paired or not)."""
    try:
        return str(json.loads(path.read_text()).get("seeding") or "")
    except (OSError, ValueError, AttributeError):
        return ""


EXAMPLES_COMPARE = """examples:
  sim compare configs/hypotheses/a_gh_secretagogue_muscle.yaml --workers 2
  sim compare CONTROL.yaml TREATED.yaml OTHER.yaml --replicates 10 --workers 2
  sim compare A.yaml B.yaml --outcome muscle.akt_p:600-720:mean --set cells.muscle=20
  sim compare STUDY.yaml --out outputs/compare/study --resume
  sim compare STUDY.yaml --scheduler tcp://10.0.0.5:8786 --replicates 200

A hypothesis file (arms, outcomes, windows, population, directions, attribution) is given
alone; otherwise the first scenario is the control. See docs/compare.md.
"""


def cmd_compare(args: argparse.Namespace) -> int:
    from sim.compare import run_compare

    if _bad_workers(args):
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
    return _batch_status(res, res.out / "report.md", "results.parquet")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sim",
        description="Agent-based simulator of insulin, GH, FFA, inflammation, "
        "sleep and exercise signalling in muscle, liver and fat cells.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="examples:\n  sim run configs/baseline.yaml --plot\n  sim schema > schema.json",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress details")
    parser.add_argument("--version", action="version", version=f"sim {io.package_version()}")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser(
        "run",
        help="run one scenario; writes a run folder",
        epilog=EXAMPLES_RUN,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("scenario", nargs="?", help="scenario YAML file")
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
    p.add_argument(
        "--checkpoint-every-min",
        type=float,
        metavar="M",
        help="write a checkpoint of the whole model every M simulated minutes to "
        "<out>.checkpoint/ (removed when the run folder is written)",
    )
    p.add_argument(
        "--resume",
        action="store_true",
        help="continue from the checkpoint of the same scenario and --out after a kill "
        "(refused if the scenario or package version differs)",
    )
    p.add_argument(
        "--threads",
        type=int,
        metavar="N",
        help="threads of the compiled cell kernel (default: every core; results are identical "
        "for any N)",
    )
    p.add_argument(
        "--no-warm-cache",
        action="store_true",
        help="always run the fasting warm-up; do not read or write the warm-state cache "
        "(same as SIM_WARM_CACHE=off; the cache gives bit-identical results, see "
        "docs/performance.md)",
    )
    p.add_argument(
        "--from-manifest",
        metavar="MANIFEST",
        help="re-run a saved run exactly: its manifest.json (or run folder); the scenario.yaml "
        "beside it is checked against the recorded hash (default --out <run>-rerun)",
    )
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
        help="standard figures from a saved run, sweep or compare folder",
        description="Figures from saved outputs only, written to FOLDER/figures. A run folder "
        "gives whole-body, glucose-flux, pathway, heatmap, pathway-diagram and tissue-graph "
        "PNGs (or, with --animate, only a GIF of the tissue graph); a sweep folder a heatmap "
        "over two swept keys and metric-versus-key curves; a compare folder the comparison "
        "figures.",
        epilog=EXAMPLES_PLOT,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("run_dir", metavar="FOLDER", help="a run, sweep or compare folder")
    p.add_argument("--out", help="figures folder (default FOLDER/figures)")
    p.add_argument(
        "--animate",
        metavar="NODE",
        help="write a GIF (and MP4 if ffmpeg is present) of the tissue graph coloured by NODE",
    )
    p.add_argument("--tissue", help="with --animate: one tissue (muscle, liver, adipose)")
    p.add_argument("--graph-node", metavar="NODE", help="node colouring the tissue graph (akt_p)")
    p.add_argument(
        "--graph-times-h",
        type=_hours_list,
        metavar="H,H,...",
        help="times of the tissue-graph panels in hours (default: four, evenly spread)",
    )
    p.add_argument(
        "--diagram-time-h",
        type=_hours,
        metavar="H",
        help="time of the pathway diagrams in hours (default: peak plasma insulin)",
    )
    p.add_argument("--metric", help="sweep folders: summary metric to draw")
    p.set_defaults(func=cmd_plot)
    p = sub.add_parser(
        "dashboard",
        help="the live Mesa/Solara dashboard (bound to 127.0.0.1 by default)",
        description="Serve the live dashboard: choose phenotype, interventions and cell count, "
        "step or play the model and watch plasma curves, tissue uptake, pathway activity and "
        "the tissue graph. Needs the 'dashboard' extra.",
        epilog=EXAMPLES_DASHBOARD,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8765, help="port (default 8765)")
    p.add_argument("--cells", type=int, help="starting cell count, 20-3000 (default 300)")
    p.add_argument(
        "--max-visitors",
        type=int,
        default=4,
        help="most pages served at once; each builds its own model (~135 MB) (default 4)",
    )
    p.add_argument(
        "--measure",
        type=int,
        metavar="CELLS",
        help="do not serve: time model build, one step and one redraw at CELLS cells",
    )
    p.set_defaults(func=cmd_dashboard)
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
    from sim.validate.cli import add_commands as add_validation_commands

    add_validation_commands(sub)  # sim validate, sim calibrate
    from sim.export.cli import add_commands as add_export_commands

    add_export_commands(sub)  # sim export sbml, sim export omex
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("mesa").setLevel(logging.WARNING)  # one line per step otherwise
    try:
        return args.func(args)
    except (ScenarioError, OutputExistsError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # a full or read-only disk, a file vanished ...
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 1
    except MemoryError:
        print("error: out of memory; use fewer cells or a shorter run", file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - the last resort: a message, not a traceback
        if args.verbose:
            traceback.print_exc()
        print(
            f"error: internal error: {type(exc).__name__}: {exc} (please report it; "
            "`sim -v ...` logs the traceback)",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())
