"""What ``sim plot`` and ``sim dashboard`` do, kept out of ``sim/cli.py`` (a thin layer).

``sim plot FOLDER`` recognises the folder by its files: ``effects.parquet`` (a comparison, drawn
by :func:`sim.compare.figures.plot_compare`), ``summary.parquet`` (a sweep), or
``timeseries.parquet`` (a run). Bad input raises :class:`~sim.scenario.ScenarioError` (exit
status 2) before anything is written.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from sim.scenario import ScenarioError

logger = logging.getLogger(__name__)

LOOPBACK = "127.0.0.1"


def folder_kind(folder: Path) -> str:
    """``compare``, ``sweep`` or ``run`` from the files in ``folder``.

    Raises:
        ScenarioError: if the folder holds none of the three.
    """
    if (folder / "effects.parquet").is_file():
        return "compare"
    if (folder / "summary.parquet").is_file():
        return "sweep"
    if (folder / "timeseries.parquet").is_file():
        return "run"
    raise ScenarioError(
        f"{folder}: not a run, sweep or compare folder (expected timeseries.parquet, "
        "summary.parquet or effects.parquet)"
    )


def plot_folder(
    folder: str | Path,
    *,
    animate: str | None = None,
    tissue: str | None = None,
    graph_node: str | None = None,
    graph_times_h: Sequence[float] | None = None,
    diagram_time_h: float | None = None,
    metric: str | None = None,
    out_dir: str | Path | None = None,
) -> list[Path]:
    """Draw the figures a folder supports; return the files written.

    Args:
        folder: a run, sweep or compare folder.
        animate: a pathway node: write only the animated tissue graph (run folders).
        tissue: with ``animate``, one tissue instead of all.
        graph_node: node colouring the tissue-graph figure (default ``akt_p``).
        graph_times_h: times (h) of the tissue-graph panels (default: four, evenly spread).
        diagram_time_h: time (h) of the pathway diagrams (default: peak plasma insulin).
        metric: sweep metric (default: the first of M-value, Matsuda, glucose iAUC, mean).
        out_dir: destination (default ``folder/figures``).
    """
    folder = Path(folder)
    out = Path(out_dir) if out_dir is not None else None
    kind = folder_kind(folder)
    if kind != "run" and (animate or tissue or graph_node or graph_times_h or diagram_time_h):
        raise ScenarioError(
            f"{folder}: --animate, --tissue, --graph-node, --graph-times-h and --diagram-time-h "
            "apply to run folders only"
        )
    if kind == "compare":
        try:
            from sim.compare.figures import plot_compare
        except ImportError as exc:
            raise RuntimeError(f"comparison figures are not available here: {exc}") from exc
        return list(plot_compare(folder))
    if kind == "sweep":
        from sim.viz.sweep import plot_sweep

        return plot_sweep(folder, metric, out)
    if metric is not None:
        raise ScenarioError(f"{folder}: --metric applies to sweep folders only")
    from sim.viz.data import load_run

    run = load_run(folder)
    if animate is not None:
        from sim.viz.tissue_graph import animate_graph

        stem = (out or folder / "figures") / f"animation_{animate}{'_' + tissue if tissue else ''}"
        return animate_graph(run, animate, stem, tissue)
    if tissue is not None:
        raise ScenarioError(f"{folder}: --tissue applies with --animate only")
    from sim.viz.figures import plot_run

    times_min = [60.0 * h for h in graph_times_h] if graph_times_h else None
    diagram_min = None if diagram_time_h is None else 60.0 * diagram_time_h
    return plot_run(
        folder, out, graph_node=graph_node, graph_times_min=times_min, diagram_time_min=diagram_min
    )


def serve_dashboard(
    host: str = LOOPBACK, port: int = 8765, cells: int | None = None, max_visitors: int = 4
) -> int:
    """Serve the dashboard with ``solara run`` (blocks until interrupted).

    ``cells`` sets the starting cell count (the page's slider changes it later).

    Prints the address it binds to, and whether that is loopback only (DESIGN: bound to
    127.0.0.1 unless the user asks otherwise).
    """
    import os
    import warnings

    # Solara warns on every page load over plain http that it falls back to samesite=lax
    # session cookies (a concern only when the page is embedded in another site's iframe).
    warnings.filterwarnings("ignore", message="Cookies with samesite=none require https")
    # Solara reads these when it is imported: at most ``max_visitors`` live pages (each builds
    # its own model, ~135 MB), pages idle for 10 min are closed.
    os.environ.setdefault("SOLARA_KERNEL_MAX_COUNT", str(max_visitors))
    os.environ.setdefault("SOLARA_KERNEL_CULL_TIMEOUT", "10m")
    # the plain loading screen: the default one leaves a "runs on Solara" badge over the panels
    os.environ.setdefault("SOLARA_THEME_LOADER", "plain")
    try:
        import solara  # noqa: F401
        from solara.__main__ import cli as solara_cli
    except ImportError as exc:
        raise RuntimeError(
            f"the dashboard needs the 'dashboard' extra (mesa[viz], solara): {exc}; "
            'install with: pip install -e ".[dashboard]"'
        ) from exc
    if cells is not None:
        from sim.viz.dashboard import CELLS_ENV

        os.environ[CELLS_ENV] = str(cells)
    scope = (
        "loopback only: reachable from this machine only"
        if host in (LOOPBACK, "localhost", "::1")
        else "NOT loopback: reachable from other machines on the network"
    )
    print(
        f"sim dashboard: serving on http://{host}:{port}/  (bound to {host}, {scope}; at most "
        f"{max_visitors} pages at once)",
        flush=True,
    )
    if "NOT" in scope:
        print(
            f"warning: --host {host} exposes the dashboard, without authentication, to every "
            "machine that can reach this one; use it only on a trusted network",
            file=sys.stderr,
            flush=True,
        )
    args = [
        "run",
        "sim.viz.dashboard:Page",
        "--host",
        host,
        "--port",
        str(port),
        "--production",
        "--no-open",
        "--no-check-version",  # no request to a package index at start
        "--log-level",
        "warning",
    ]
    try:
        solara_cli.main(args, prog_name="sim dashboard", standalone_mode=False)
    except KeyboardInterrupt:
        print("sim dashboard: stopped", file=sys.stderr)
    return 0
