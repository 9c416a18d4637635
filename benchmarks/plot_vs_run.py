"""`sim plot` against the `sim run` it draws, side by side (issue 28: "`sim plot` on the
README's first run in less time than the run").

Each repeat runs, in fresh interpreters and one after the other, the README's first run
(``sim run configs/baseline.yaml``: 1,100 cells, 24 h, warm-state cache on as a user has it;
one untimed run per code copy first, so the kernels are compiled and the warm state stored)
into a temporary folder, then
``sim plot`` of that folder once per ``--plot-workers`` value (each into its own ``figures``
folder). Each command's CPU time is that of its process and every child it waited for
(``RUSAGE_CHILDREN`` differences), its wall time the clock around it. The load average is
recorded at every command's start and end: on a shared machine read CPU time, and the ratio
taken within a repeat.

``--code-a DIR --code-b DIR`` alternate two copies of the ``sim`` package (``DIR`` holds
``sim/``; ``git archive COMMIT sim | tar -x -C DIR``) for ``sim plot`` within each repeat,
so that a change to the figures is measured against the code before it in the same minutes;
the run is then made by the first copy.

``python benchmarks/plot_vs_run.py [--repeats 5] [--plot-workers 1 2] [--out FILE.json]``
writes ``benchmarks/results/plot_vs_run.{json,md}`` unless ``--out`` is given;
``--render FILE.json`` rewrites the Markdown of a result.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "results" / "plot_vs_run.json"
SCENARIO = ROOT / "configs" / "baseline.yaml"


def _load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def _timed(cmd: list[str], env: dict[str, str]) -> dict:
    """Run ``cmd`` to completion; its wall and CPU seconds (user + system, children)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    load0, t0 = _load(), time.perf_counter()
    # cwd: not the repository, whose sim/ would come first on sys.path for `python -m sim`
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=tempfile.gettempdir())
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall_s": round(wall, 3), "cpu_s": round(cpu, 3), "load": [load0, _load()]}


def _shown(path: Path) -> str:
    """``path`` relative to the repository where it is inside it."""
    try:
        return str(Path(path).resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def _env(code: Path | None, extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(code if code is not None else ROOT)
    env.update(extra or {})
    return env


def measure(
    repeats: int,
    plot_workers: list[int],
    code_a: Path | None,
    code_b: Path | None,
    scenario: Path = SCENARIO,
    warm: bool = True,
) -> dict:
    """Run ``scenario`` (default: the README's first run) and plot it ``repeats`` times; see
    the module docstring. ``warm=False`` leaves out the untimed first run."""
    codes = {"a": code_a, "b": code_b} if code_b is not None else {"a": code_a}
    rows = []
    with tempfile.TemporaryDirectory(prefix="plot_vs_run_") as tmp:
        # untimed: compiles or loads the kernels and stores the warm state, as a user's
        # first run does; the timed runs start as every later run of the README does
        for code in ({code_a, code_b} - {None} or {None}) if warm else ():
            cmd = [sys.executable, "-m", "sim", "run", str(scenario), "--out", f"{tmp}/warm"]
            _timed(cmd, _env(code))
            shutil.rmtree(f"{tmp}/warm", ignore_errors=True)
        for rep in range(repeats):
            run_dir = Path(tmp) / f"run{rep}"
            cmd = [sys.executable, "-m", "sim", "run", str(scenario), "--out", str(run_dir)]
            row = {"repeat": rep, "run": _timed(cmd, _env(code_a))}
            for label, code in codes.items():
                for w in plot_workers:
                    out = run_dir / f"figures_{label}_{w}"
                    cmd = [sys.executable, "-m", "sim", "plot", str(run_dir), "--out", str(out)]
                    env = _env(code, {"SIM_PLOT_WORKERS": str(w)})
                    case = _timed(cmd, env)
                    case["figures"] = len(list(out.glob("*.png")))
                    row[f"plot_{label}_w{w}"] = case
            rows.append(row)
            print(json.dumps(row), flush=True)
            shutil.rmtree(run_dir, ignore_errors=True)
    return {
        "what": f"sim run {_shown(scenario)}, then sim plot of its folder, per repeat",
        "code_a": str(code_a or ROOT),
        "code_b": str(code_b) if code_b else None,
        "python": sys.version.split()[0],
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "date_utc": time.strftime("%Y-%m-%d %H:%M", time.gmtime()),
        "rows": rows,
    }


def render(result: dict) -> str:
    """Markdown of a result: every repeat, then medians and the plot / run ratios."""
    rows = result["rows"]
    cases = [k for k in rows[0] if k.startswith("plot_")]
    lines = [
        "# `sim plot` against `sim run`",
        "",
        f"{result['what']}; {result['date_utc']} UTC, {result['cpus']} CPUs, Python "
        f"{result['python']}. Code a: `{result['code_a']}`"
        + (f"; code b: `{result['code_b']}`" if result.get("code_b") else "")
        + ". CPU = user + system of the command and its children; "
        "load = 1-min load average at start / end.",
        "",
        "| repeat | command | wall s | CPU s | load | figures |",
        "|---:|---|---:|---:|---|---:|",
    ]
    for row in rows:
        for key in ["run", *cases]:
            c = row[key]
            load = f"{c['load'][0][0]} / {c['load'][1][0]}"
            lines.append(
                f"| {row['repeat']} | {key} | {c['wall_s']:.2f} | {c['cpu_s']:.2f} | {load} "
                f"| {c.get('figures', '')} |"
            )
    lines += ["", "| command | median wall s | median CPU s | CPU / run CPU (median of repeats) |"]
    lines += ["|---|---:|---:|---:|"]
    for key in ["run", *cases]:
        wall = statistics.median(r[key]["wall_s"] for r in rows)
        cpu = statistics.median(r[key]["cpu_s"] for r in rows)
        ratio = statistics.median(r[key]["cpu_s"] / r["run"]["cpu_s"] for r in rows)
        lines.append(f"| {key} | {wall:.2f} | {cpu:.2f} | {ratio:.2f} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--plot-workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--code-a", type=Path, help="folder holding the sim/ package to run")
    ap.add_argument("--code-b", type=Path, help="a second sim/ copy for sim plot, alternated")
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--render", type=Path, metavar="FILE.json")
    args = ap.parse_args(argv)
    if args.render:
        result = json.loads(args.render.read_text())
        args.render.with_suffix(".md").write_text(render(result))
        print(render(result))
        return 0
    result = measure(args.repeats, args.plot_workers, args.code_a, args.code_b)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n")
    args.out.with_suffix(".md").write_text(render(result))
    print(render(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
