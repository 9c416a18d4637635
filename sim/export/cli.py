"""``sim export``: the cell and body models in the field's exchange formats (thin command
line).

Registered into the main parser by :func:`add_commands`; the exporters are imported inside
the commands so ``sim --help`` stays fast.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from sim import io
from sim.io import OutputExistsError

TISSUES = ("muscle", "liver", "adipose")
TARGETS = (*TISSUES, "body")
PHENOTYPES = ("healthy", "obese", "t2d")

EXAMPLES = """examples:
  sim export sbml --tissue liver                       # -> sim_liver_cell_healthy.xml
  sim export sbml --tissue muscle --phenotype t2d --out muscle_t2d.xml
  sim export sbml --tissue body                        # -> sim_body_healthy.xml
  sim export omex configs/medium/insulin_gh_steps.yaml --tissue adipose --out adipose.omex

Exit status: 0 written, 2 invalid input (nothing written), 1 a failure while exporting.
"""


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Add ``sim export sbml`` and ``sim export omex`` to the main parser."""
    p = sub.add_parser(
        "export",
        help="write a cell or the body model as SBML, or a medium protocol as a COMBINE archive",
        description="One cell of a tissue, or the whole-body model, as an SBML Level 3 "
        "Version 2 model generated from the simulator's rate laws, with initial values from "
        "its fasting warm-up (docs/export.md).",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    what = p.add_subparsers(dest="format", required=True)
    raw = argparse.RawDescriptionHelpFormatter
    s = what.add_parser(
        "sbml",
        help="SBML L3V2 model of one cell or of the body",
        epilog=EXAMPLES,
        formatter_class=raw,
    )
    s.add_argument(
        "--tissue",
        required=True,
        choices=TARGETS,
        help="the cell type, or body: the whole-body model (plasma hormones and "
        "metabolites, gut, depots) with the scheduled inputs and the cell fluxes as "
        "parameters",
    )
    s.add_argument(
        "--phenotype",
        choices=PHENOTYPES,
        default="healthy",
        help="parameter preset of the subject (default healthy)",
    )
    s.add_argument(
        "--out",
        help="SBML file (default sim_<tissue>_cell_<phenotype>.xml, sim_body_<phenotype>.xml)",
    )
    s.add_argument("--force", action="store_true", help="replace an existing file")
    s.set_defaults(func=cmd_sbml)
    o = what.add_parser(
        "omex",
        help="COMBINE archive: SBML + SED-ML of a medium protocol",
        epilog=EXAMPLES,
        formatter_class=raw,
    )
    o.add_argument("scenario", help="scenario YAML with protocol: {kind: medium, ...}")
    o.add_argument("--tissue", required=True, choices=TISSUES, help="the cell type")
    o.add_argument("--out", help="archive (default <scenario name>_<tissue>.omex)")
    o.add_argument("--force", action="store_true", help="replace an existing file")
    o.set_defaults(func=cmd_omex)


def check_file_destination(out: Path, force: bool, protect: tuple[Path, ...] = ()) -> Path:
    """The resolved path of a single output file, refused (exit status 2) when it is a
    symbolic link, a folder, an existing file without ``force``, one of the command's
    inputs, or in a folder that cannot be written."""
    shown = out
    if Path(shown).is_symlink():
        raise OutputExistsError(f"{shown} is a symbolic link; refusing to write through it")
    out = io.canonical(out)
    if out.is_dir():
        raise OutputExistsError(f"{shown} is a folder; --out takes a file name")
    for p in protect:
        if Path(p).resolve() == out:
            raise OutputExistsError(f"{shown} is an input of this command; choose another --out")
    if out.exists() and not force:
        raise OutputExistsError(f"{shown} exists; pass --force to replace it")
    io.check_writable(out)
    return out


def write_atomic(out: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``out`` and rename it into place."""
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o666 & ~io._umask())
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _report(problems: list) -> bool:
    """Print libSBML's findings; True when there is no error among them."""
    for severity, code, message in problems:
        print(f"libSBML {severity.lower()} {code}: {message.splitlines()[0]}", file=sys.stderr)
    if any(p[0] in ("Error", "Fatal") for p in problems):
        print("error: the generated SBML has libSBML errors; nothing written", file=sys.stderr)
        return False
    return True


def cmd_sbml(args: argparse.Namespace) -> int:
    from sim.export.sbml import model_id, to_string, validate

    if args.tissue == "body":
        from sim.export import body

        out = Path(args.out or f"{body.model_id(args.phenotype)}.xml")
        out = check_file_destination(out, args.force)
        doc = body.body_document(body.warmed_body(args.phenotype))
    else:
        from sim.export.cell import warmed_cell
        from sim.export.sbml import cell_document

        out = Path(args.out or f"{model_id(args.tissue, args.phenotype)}.xml")
        out = check_file_destination(out, args.force)
        doc = cell_document(warmed_cell(args.tissue, phenotype=args.phenotype))
    problems = validate(doc)
    if not _report(problems):
        return 1
    write_atomic(out, to_string(doc).encode())
    print(f"wrote {out} (libSBML: 0 errors, {len(problems)} warnings)")
    return 0


def cmd_omex(args: argparse.Namespace) -> int:
    from sim.export.omex import require_medium, write_omex
    from sim.scenario import load_scenario

    scenario_path = Path(args.scenario)
    scenario = load_scenario(scenario_path)
    require_medium(scenario)
    out = Path(args.out or f"{scenario.name}_{args.tissue}.omex")
    out = check_file_destination(out, args.force, protect=(scenario_path,))
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    os.close(fd)
    try:
        problems = write_omex(scenario, args.tissue, Path(tmp))
        if not _report(problems):
            return 1
        os.chmod(tmp, 0o666 & ~io._umask())
        os.replace(tmp, out)
    finally:
        Path(tmp).unlink(missing_ok=True)
    print(f"wrote {out} (model.xml, simulation.sedml; libSBML: 0 errors, {len(problems)} warnings)")
    return 0
