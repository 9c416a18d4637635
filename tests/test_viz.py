"""Tests of the plotting layer on a small synthetic run folder with known data."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from matplotlib.figure import Figure

from sim.viz import (
    cell_order,
    flux_stack,
    glucose_flux_figure,
    heatmap_figure,
    heatmap_matrix,
    heatmap_nodes,
    iter_figures,
    load_run,
    pathway_quantiles,
    pathways_figure,
    plot_run,
    scenario_periods,
    sleep_periods,
    whole_body_figure,
    whole_body_panels,
)

pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")

NODES = {
    "muscle": ["ir_p", "irs1_py", "akt_p", "glut4_pm", "stat5_p", "socs3", "pkc", "nfkb"],
    "liver": ["ir_p", "akt_p", "stat5_p", "socs3", "pkc", "nfkb", "pepck", "foxo1"],
    "adipose": ["ir_p", "akt_p", "glut4_pm", "stat5_p", "socs3", "hsl"],
}
SUBTYPES = {
    "muscle": ["type_II", "type_I", "type_II", "type_I", "type_I", "type_II"],
    "liver": ["pericentral", "periportal", "midzonal", "periportal", "pericentral", "midzonal"],
    "adipose": ["visceral", "subcutaneous", "subcutaneous", "visceral"],
}
ALL_NODES = sorted({n for nodes in NODES.values() for n in nodes})
EXPECTED_FIGURES = {
    "whole_body",
    "glucose_fluxes",
    *(f"{kind}_{t}" for kind in ("pathways", "heatmap", "pathway_diagram") for t in NODES),
}
"""Synthetic cells do not match the graph builder, so no tissue graph is drawn for them."""
SCENARIO = {
    "name": "synthetic",
    "duration_min": 720,
    "start_clock_h": 7.0,
    "protocol": None,
    "interventions": [
        {"kind": "meal", "at_min": 60, "carbs_g": 75},
        {"kind": "exercise", "start_min": 240, "duration_min": 60, "intensity": 0.6},
        {"kind": "gh_infusion", "start_min": 400, "duration_h": 1.5},
    ],
}


def make_cells() -> pd.DataFrame:
    """Hourly snapshots; node value = 0.1 * (rank within tissue) + 0.02 * hour (+ NaNs)."""
    rows, cell_id = [], 0
    for tissue, subtypes in SUBTYPES.items():
        for k, subtype in enumerate(subtypes):
            for hour in range(13):
                row = {
                    "cell_id": cell_id,
                    "tissue": tissue,
                    "subtype": subtype,
                    "zone": (k * 7 % 5) / 5.0,
                    "time_min": 60.0 * hour,
                    "uptake_mg_kg_min": 2.0 + k,
                }
                for node in ALL_NODES:
                    present = node in NODES[tissue]
                    row[node] = 0.1 * k + 0.02 * hour if present else np.nan
                rows.append(row)
            cell_id += 1
    cells = pd.DataFrame(rows)
    cells.loc[(cells["tissue"] == "muscle") & (cells["time_min"] == 120.0), "akt_p"] = np.nan
    return cells


def make_timeseries(cells: pd.DataFrame) -> pd.DataFrame:
    """5-min timeseries: glucose a sine, pathway means the interpolated cell means."""
    t = np.arange(0.0, 721.0, 5.0)
    ts = pd.DataFrame(
        {"time_min": t, "clock_h": (7.0 + t / 60.0) % 24.0, "asleep": (t >= 540).astype(int)}
    )
    ts["glucose_mM"] = 5.0 + np.sin(2 * np.pi * t / 360.0)
    for i, col in enumerate(
        ["insulin_uU_ml", "ffa_mM", "gh_ug_l", "igf1_ug_l", "cortisol_nM", "tnf_pg_ml"]
    ):
        ts[col] = (i + 1) * (1.5 + np.cos(2 * np.pi * t / 720.0))
    for i, col in enumerate(["muscle", "adipose", "liver", "other"]):
        ts[f"uptake_{col}_mg_kg_min"] = 0.5 * (i + 1) + 0.1 * np.sin(t / 100.0)
    ts["renal_mg_kg_min"] = 0.0
    ts["egp_mg_kg_min"] = 2.0 - 0.5 * np.sin(t / 100.0)
    ts["ra_meal_mg_kg_min"] = np.where((t >= 60) & (t < 240), 3.0, 0.0)
    ts["rd_mg_kg_min"] = ts[[c for c in ts.columns if c.startswith("uptake_")]].sum(axis=1)
    ts["gir_mg_kg_min"] = 0.0
    for tissue, nodes in NODES.items():
        means = cells[cells["tissue"] == tissue].groupby("time_min")[nodes].mean()
        for node in nodes:
            m = means[node].dropna()
            ts[f"{tissue}.{node}"] = np.interp(t, m.index.to_numpy(), m.to_numpy())
    return ts


def write_run(
    run_dir: Path,
    ts: pd.DataFrame | None = None,
    cells: pd.DataFrame | None = None,
    scenario: dict | None = None,
) -> Path:
    """Write a complete synthetic run folder and return it."""
    run_dir.mkdir(parents=True, exist_ok=True)
    cells = make_cells() if cells is None else cells
    ts = make_timeseries(cells) if ts is None else ts
    ts.to_parquet(run_dir / "timeseries.parquet")
    cells.to_parquet(run_dir / "cells.parquet")
    (run_dir / "scenario.yaml").write_text(yaml.safe_dump(scenario or SCENARIO))
    (run_dir / "summary.json").write_text(json.dumps({"glucose_mean_mM": 5.0}))
    (run_dir / "manifest.json").write_text(json.dumps({"seed": 1}))
    return run_dir


@pytest.fixture
def run_dir(tmp_path: Path) -> Path:
    return write_run(tmp_path / "run")


def line_by_gid(fig: Figure, gid: str):
    lines = [ln for ax in fig.axes for ln in ax.lines if ln.get_gid() == gid]
    assert len(lines) == 1, f"expected one line {gid}, found {len(lines)}"
    return lines[0]


def artist_by_gid(fig: Figure, gid: str):
    found = [a for ax in fig.axes for a in ax.collections if a.get_gid() == gid]
    assert len(found) == 1, f"expected one collection {gid}, found {len(found)}"
    return found[0]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, list[Path]]:
    """One full render of the synthetic run into an explicit ``out_dir`` (shared: slow)."""
    base = tmp_path_factory.mktemp("rendered")
    run_dir, out = write_run(base / "run"), base / "elsewhere"
    return run_dir, out, plot_run(str(run_dir), out, workers=1)


def test_plot_run_in_two_processes_writes_the_same_files(
    rendered: tuple[Path, Path, list[Path]], tmp_path: Path
) -> None:
    run_dir, _, serial = rendered
    parallel = plot_run(str(run_dir), tmp_path, workers=2)
    assert [p.name for p in parallel] == [p.name for p in serial]  # same drawing order
    for a, b in zip(serial, parallel, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_sim_plot_forks_its_workers_and_writes_the_same_files(
    rendered: tuple[Path, Path, list[Path]], tmp_path: Path
) -> None:
    """``sim plot`` in a fresh process (no other Python thread) forks its drawing workers,
    which start with the run already loaded; their files equal those drawn in one process."""
    import os
    import subprocess
    import sys

    run_dir, _, serial = rendered
    out = tmp_path / "forked"
    env = {**os.environ, "SIM_PLOT_WORKERS": "2", "PYTHONPATH": str(Path(sim_root()).parent)}
    code = (
        "import sys, sim.viz.figures as f\n"
        "assert f._start_method() == 'fork', f._start_method()\n"
        "from sim.cli import main\n"
        "sys.exit(main(['plot', sys.argv[1], '--out', sys.argv[2]]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(run_dir), str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in serial)
    for a in serial:
        assert (out / a.name).read_bytes() == a.read_bytes(), a.name


def sim_root() -> str:
    import sim

    return str(Path(sim.__file__).parent)


def test_plot_run_writes_every_figure(rendered: tuple[Path, Path, list[Path]]) -> None:
    run_dir, out, paths = rendered
    assert {p.stem for p in paths} == EXPECTED_FIGURES
    for p in paths:
        assert p.parent == out
        assert p.stat().st_size > 0
        assert p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not (run_dir / "figures").exists()


def test_whole_body_lines_match_parquet(run_dir: Path) -> None:
    run = load_run(run_dir)
    ts = pd.read_parquet(run_dir / "timeseries.parquet")
    fig = whole_body_figure(run)
    for col in ["glucose_mM", "insulin_uU_ml", "ffa_mM", "gh_ug_l", "igf1_ug_l", "cortisol_nM"]:
        line = line_by_gid(fig, f"series:{col}")
        np.testing.assert_allclose(line.get_ydata(), ts[col])
        np.testing.assert_allclose(line.get_xdata(), ts["time_min"] / 60.0)
    assert "gir_mg_kg_min" not in [c for c, _ in whole_body_panels(ts)]
    assert all(ax.get_ylabel() for ax in fig.axes if ax.lines)


def test_gir_panel_when_positive(tmp_path: Path) -> None:
    ts = make_timeseries(make_cells())
    ts["gir_mg_kg_min"] = np.where(ts["time_min"] > 300, 4.0, 0.0)
    run = load_run(write_run(tmp_path / "clamp", ts=ts))
    assert whole_body_panels(ts)[-1][0] == "gir_mg_kg_min"
    line = line_by_gid(whole_body_figure(run), "series:gir_mg_kg_min")
    np.testing.assert_allclose(line.get_ydata(), ts["gir_mg_kg_min"])
    flux_line_gids = {ln.get_gid() for ax in glucose_flux_figure(run).axes for ln in ax.lines}
    assert "series:gir_mg_kg_min" in flux_line_gids


def test_glucose_fluxes_match_parquet(run_dir: Path) -> None:
    run = load_run(run_dir)
    ts = run.timeseries
    stack = flux_stack(ts)
    order = [f"uptake_{t}_mg_kg_min" for t in ("muscle", "adipose", "liver", "other")]
    assert list(stack.columns) == ["time_min", *order]  # renal all zero: not stacked
    np.testing.assert_allclose(stack[order[-1]], ts[order].sum(axis=1))
    np.testing.assert_allclose(stack[order[0]], ts[order[0]])
    fig = glucose_flux_figure(run)
    for col in ["egp_mg_kg_min", "ra_meal_mg_kg_min", "rd_mg_kg_min"]:
        np.testing.assert_allclose(line_by_gid(fig, f"series:{col}").get_ydata(), ts[col])
    top = artist_by_gid(fig, f"stack:{order[-1]}").get_paths()[0].vertices[:, 1]
    assert np.isclose(top.max(), stack[order[-1]].max())


def test_pathway_quantiles_known_values() -> None:
    cells = pd.DataFrame(
        {
            "cell_id": [0, 1, 2, 3, 4, 5, 0, 1, 9],
            "tissue": ["liver"] * 6 + ["liver", "liver", "muscle"],
            "time_min": [0.0] * 6 + [60.0, 60.0, 0.0],
            "akt_p": [1.0, 2.0, 3.0, 4.0, 5.0, np.nan, 0.2, 0.4, 100.0],
        }
    )
    q = pathway_quantiles(cells, "liver", "akt_p")
    assert list(q.columns) == ["time_min", "q25", "q50", "q75"]
    np.testing.assert_allclose(q.to_numpy(), [[0.0, 2.0, 3.0, 4.0], [60.0, 0.25, 0.3, 0.35]])
    assert pathway_quantiles(cells, "liver", "glut4_pm").empty
    assert pathway_quantiles(cells, "adipose", "akt_p").empty


def test_pathway_quantiles_match_numpy(run_dir: Path) -> None:
    cells = pd.read_parquet(run_dir / "cells.parquet")
    q = pathway_quantiles(cells, "muscle", "akt_p")
    sub = cells[cells["tissue"] == "muscle"].dropna(subset=["akt_p"])
    assert len(q) == 12  # the all-NaN snapshot at 120 min is dropped
    for _, row in q.iterrows():
        values = sub.loc[sub["time_min"] == row["time_min"], "akt_p"]
        np.testing.assert_allclose(
            row[["q25", "q50", "q75"]].to_numpy(dtype=float), np.quantile(values, [0.25, 0.5, 0.75])
        )


def test_pathways_figure_draws_mean_and_band(run_dir: Path) -> None:
    from sim.viz.nodes import node_label

    run = load_run(run_dir)
    fig = pathways_figure(run, "muscle")
    mean = line_by_gid(fig, "mean:muscle.akt_p")
    np.testing.assert_allclose(mean.get_ydata(), run.timeseries["muscle.akt_p"])
    q = pathway_quantiles(run.cells, "muscle", "akt_p")
    median = line_by_gid(fig, "median:akt_p")
    np.testing.assert_allclose(median.get_ydata(), np.repeat(q["q50"], 2))
    # steps: each snapshot's value is held over an interval around its own time, never
    # interpolated between snapshots
    edges = np.asarray(median.get_xdata(), float)
    assert np.all(np.diff(edges) >= 0)
    verts = artist_by_gid(fig, "iqr:akt_p").get_paths()[0].vertices
    for i, (t, lo, hi) in enumerate(zip(q["time_min"] / 60, q["q25"], q["q75"], strict=True)):
        left, right = edges[2 * i], edges[2 * i + 1]
        assert left <= t <= right and right - left > 0
        for x in (left, right):
            ys = verts[np.isclose(verts[:, 0], x), 1]
            assert np.isclose(ys, lo).any() and np.isclose(ys, hi).any()
    titles = {ax.get_title() for ax in fig.axes}
    assert {t.rsplit(" (", 1)[0] for t in titles} == {node_label(n) for n in NODES["muscle"]}
    assert "Akt pT308/pS473 (fraction of total)" in titles
    liver_titles = " ".join(ax.get_title() for ax in pathways_figure(run, "liver").axes)
    assert "GLUT4" not in liver_titles and "PEPCK" in liver_titles


def test_pathways_group_by_arm_and_leave_out_internal_and_constant_nodes(run_dir: Path) -> None:
    from dataclasses import replace

    from sim.viz.nodes import ARMS, node_info

    run = load_run(run_dir)
    ts = run.timeseries.copy()
    ts["muscle.ir_f"] = 1.0 - ts["muscle.ir_p"]  # internal: free receptor
    ts["muscle.mito"] = 1.0  # does not move over the run
    run = replace(run, timeseries=ts)
    fig = pathways_figure(run, "muscle")
    titles = [ax.get_title() for ax in fig.axes]
    assert not any("free" in t or "mitochondrial" in t for t in titles)
    assert "internal states not shown: ir_f" in fig.get_suptitle()
    assert "mitochondrial density = 1" in fig.get_suptitle()
    # rows by arm, in ARMS order: an arm's panels never share a row with another arm's
    rows: dict[int, set[str]] = {}
    for ax in fig.axes:
        node = next(
            n
            for n in [*NODES["muscle"], "ir_f"]
            if any(line.get_gid() == f"mean:muscle.{n}" for line in ax.lines)
        )
        rows.setdefault(ax.get_subplotspec().rowspan.start, set()).add(node_info(node).arm)
    arms = [next(iter(a)) for _, a in sorted(rows.items())]
    assert all(len(a) == 1 for a in rows.values())
    assert arms == sorted(arms, key=ARMS.index)
    with_internal = pathways_figure(run, "muscle", internal=True)
    assert any("free" in ax.get_title() for ax in with_internal.axes)
    explicit = pathways_figure(run, "muscle", nodes=["mito", "akt_p"])
    assert len(explicit.axes) == 2


def test_whole_body_axes_have_minimum_spans_and_no_offsets(run_dir: Path) -> None:
    from dataclasses import replace

    run = load_run(run_dir)
    ts = run.timeseries.copy()
    ts["igf1_ug_l"] = 250.0 + 0.5 * np.sin(ts["time_min"] / 100)  # a 0.4 % wobble
    ts["tnf_pg_ml"] = 2.31 + 0.002 * np.sin(ts["time_min"] / 50)
    fig = whole_body_figure(replace(run, timeseries=ts))
    panel = {
        ln.get_gid(): ax
        for ax in fig.axes
        for ln in ax.lines
        if str(ln.get_gid()).startswith("series:")
    }
    lo, hi = panel["series:igf1_ug_l"].get_ylim()
    assert hi - lo >= 50.0 and lo <= 249.5 and hi >= 250.5
    lo, hi = panel["series:tnf_pg_ml"].get_ylim()
    assert hi - lo >= 1.0
    glucose = panel["series:glucose_mM"].get_ylim()
    assert glucose[1] - glucose[0] < 3.0  # a moving series keeps its own range
    fig.canvas.draw()
    for ax in panel.values():
        assert ax.yaxis.get_major_formatter().get_offset() == ""


def test_flux_colours_are_distinct_and_spans_do_not_tint_the_stack(run_dir: Path) -> None:
    from matplotlib.colors import to_rgb

    fig = glucose_flux_figure(load_run(run_dir))
    ax = fig.axes[0]
    stacks = [c for c in ax.collections if str(c.get_gid()).startswith("stack:")]
    stack_rgb = {tuple(np.round(c.get_facecolor()[0][:3], 3)) for c in stacks}
    line_rgb = {
        tuple(np.round(to_rgb(ln.get_color()), 3))
        for ln in ax.lines
        if str(ln.get_gid()).startswith("series:")
    }
    assert len(stack_rgb) == len(stacks) and not stack_rgb & line_rgb
    assert all(c.get_facecolor()[0][3] == 1.0 for c in stacks)  # opaque: the legend colour
    spans = [p for p in ax.patches if str(p.get_gid()).startswith("period:")]
    inside = [p for p in spans if p.get_in_layout()]
    assert inside and all(p.get_zorder() < min(c.get_zorder() for c in stacks) for p in inside)
    # the strip above the axes: clipped to their x range, allowed above their top edge
    fig.canvas.draw()
    strip = [p for p in spans if not p.get_in_layout()]
    assert strip
    for p in strip:
        box = p.get_clip_box()
        assert box.y1 > ax.bbox.y1 and np.isclose(box.x0, ax.bbox.x0)
        assert np.isclose(box.x1, ax.bbox.x1)


def test_cell_figures_read_clock_time(run_dir: Path) -> None:
    run = load_run(run_dir)  # starts at 07:00
    for fig in (heatmap_figure(run, "muscle"), pathways_figure(run, "muscle")):
        fig.canvas.draw()
        labels = [t.get_text() for ax in fig.axes for t in ax.get_xticklabels() if t.get_visible()]
        assert "6\n13:00" in labels, labels


def test_cell_order_and_heatmap(run_dir: Path) -> None:
    run = load_run(run_dir)
    order = cell_order(run.cells, "liver")
    assert list(order["subtype"]) == ["periportal"] * 2 + ["midzonal"] * 2 + ["pericentral"] * 2
    for _, block in order.groupby("subtype"):
        assert block["zone"].is_monotonic_increasing
    matrix = heatmap_matrix(run.cells, "liver", "akt_p")
    assert list(matrix.index) == list(order["cell_id"])
    assert matrix.shape == (6, 13)
    assert heatmap_nodes(run.cells, "liver") == ["akt_p", "stat5_p", "socs3", "pkc", "nfkb"]
    fig = heatmap_figure(run, "liver")
    mesh = artist_by_gid(fig, "heatmap:akt_p")
    np.testing.assert_allclose(
        np.ma.filled(mesh.get_array(), np.nan).reshape(matrix.shape), matrix.to_numpy()
    )
    muscle = heatmap_matrix(run.cells, "muscle", "akt_p")
    assert muscle.shape == (6, 13) and muscle[120.0].isna().all()
    assert muscle.drop(columns=120.0).notna().all().all()
    assert any("fraction of total" == cax.get_ylabel() for cax in fig.axes)
    assert "Akt pT308/pS473" in {ax.get_title() for ax in fig.axes}


def test_periods_from_scenario_and_sleep(run_dir: Path) -> None:
    run = load_run(run_dir)
    spans = {(p.kind, p.start_min, p.end_min) for p in scenario_periods(run.scenario)}
    assert spans == {
        ("meal", 60.0, None),
        ("exercise", 240.0, 300.0),
        ("gh_infusion", 400.0, 490.0),
    }
    sleep = sleep_periods(run.timeseries)
    assert [(p.start_min, p.end_min) for p in sleep] == [(540.0, 720.0)]
    clamp = {
        "protocol": {
            "kind": "clamp",
            "start_min": 120,
            "steps": [{"duration_min": 60, "insulin_mU_m2_min": 10}, {"duration_min": 90}],
        }
    }
    steps = [(p.start_min, p.end_min) for p in scenario_periods(clamp)]
    assert steps == [(120.0, 180.0), (180.0, 270.0)]
    contract_clamp = {
        "protocol": {"kind": "clamp", "insulin_uU_ml": [20, 100], "step_min": 120, "start_min": 60}
    }
    steps = [(p.start_min, p.end_min) for p in scenario_periods(contract_clamp)]
    assert steps == [(60.0, 180.0), (180.0, 300.0)]


def test_missing_optional_data_does_not_crash(tmp_path: Path) -> None:
    cells = make_cells().drop(columns=["glut4_pm", "socs3"])
    ts = make_timeseries(make_cells()).drop(
        columns=[
            "cortisol_nM",
            "tnf_pg_ml",
            "gir_mg_kg_min",
            "renal_mg_kg_min",
            "asleep",
            "muscle.glut4_pm",
            "ra_meal_mg_kg_min",
        ]
    )
    ts.loc[ts.index[:10], "glucose_mM"] = np.nan
    ts["igf1_ug_l"] = np.nan
    run_dir = write_run(tmp_path / "sparse", ts=ts, cells=cells)
    (run_dir / "scenario.yaml").unlink()
    paths = plot_run(run_dir, workers=1)  # the same files as in worker processes (above)
    assert {p.stem for p in paths} == EXPECTED_FIGURES
    assert all(p.parent == run_dir / "figures" and p.stat().st_size > 0 for p in paths)
    panels = [c for c, _ in whole_body_panels(load_run(run_dir).timeseries)]
    assert panels == ["glucose_mM", "insulin_uU_ml", "ffa_mM", "gh_ug_l"]


def test_without_cells_file(tmp_path: Path) -> None:
    run_dir = write_run(tmp_path / "nocells")
    (run_dir / "cells.parquet").unlink()
    figures = dict(iter_figures(load_run(run_dir)))
    assert set(figures) == {
        "whole_body",
        "glucose_fluxes",
        *(f"{kind}_{t}" for kind in ("pathways", "pathway_diagram") for t in NODES),
    }
    fig = figures["pathways_liver"]
    fig.canvas.draw()
    assert not any(a.get_gid() == "iqr:akt_p" for ax in fig.axes for a in ax.collections)


# ---------------------------------------------------------------- a real (tiny) saved run

TINY = {
    "name": "tiny",
    "seed": 2,
    "duration_min": 120,
    "start_clock_h": 8.0,
    "record_every_min": 5,
    "cell_record_every_min": 30,
    "cells": {"muscle": 9, "liver": 6, "adipose": 5},
    "interventions": [
        {"kind": "meal", "at_min": 10, "carbs_g": 75},
        {"kind": "exercise", "start_min": 60, "duration_min": 30, "intensity_vo2max": 0.6},
    ],
}


@pytest.fixture(scope="module")
def real_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A saved run folder written by the simulator (graph-consistent cell ids)."""
    import sim

    out = tmp_path_factory.mktemp("real") / "run"
    sim.run(sim.load_scenario(TINY)).save(out)
    return out


def test_rebuilt_graph_has_the_saved_cells(real_run: Path) -> None:
    from sim.viz.tissue_graph import rebuild_graph, tissue_layout

    run = load_run(real_run)
    graph = rebuild_graph(run)
    kinds = dict(graph.nodes(data="kind"))
    for tissue, n in TINY["cells"].items():
        saved = sorted(run.cells.loc[run.cells["tissue"] == tissue, "cell_id"].unique())
        nodes = sorted(
            i for i, t in graph.nodes(data="tissue") if t == tissue and kinds[i] == "cell"
        )
        assert nodes == saved and len(nodes) == n
    # every cell hangs off exactly one exchange compartment (capillary or sinusoid segment)
    for cell in (i for i, k in kinds.items() if k == "cell"):
        assert sum(kinds[j] != "cell" for j in graph.neighbors(cell)) == 1
    a, b = tissue_layout(graph, "muscle"), tissue_layout(graph, "muscle")
    np.testing.assert_array_equal(a.cell_xy, b.cell_xy)  # seeded: stable picture


def test_tissue_layout_draws_each_cell_beside_its_own_compartment(real_run: Path) -> None:
    from sim.viz.tissue_graph import rebuild_graph, tissue_layout

    graph = rebuild_graph(load_run(real_run))
    kinds = dict(graph.nodes(data="kind"))
    for tissue in TINY["cells"]:
        lay = tissue_layout(graph, tissue)
        comp = dict(zip(lay.other_ids.tolist(), lay.other_xy, strict=True))
        for cell, xy in zip(lay.cell_ids.tolist(), lay.cell_xy, strict=True):
            own = next(j for j in graph.neighbors(cell) if kinds[j] != "cell")
            d_own = np.linalg.norm(xy - comp[own])
            d_other = min(np.linalg.norm(xy - p) for j, p in comp.items() if j != own)
            assert d_own < d_other, (tissue, cell)


def test_rebuild_graph_rejects_foreign_cells(run_dir: Path) -> None:
    from sim.scenario import ScenarioError
    from sim.viz.tissue_graph import rebuild_graph

    with pytest.raises(ScenarioError, match="do not match"):
        rebuild_graph(load_run(run_dir))


def test_tissue_graph_colours_are_the_cell_values(real_run: Path) -> None:
    from sim.viz.tissue_graph import tissue_graph_figure

    run = load_run(real_run)
    cells = pd.read_parquet(real_run / "cells.parquet")
    fig = tissue_graph_figure(run, "glut4_pm", [0.0, 75.0])
    drawn = {c.get_gid(): c for ax in fig.axes for c in ax.collections if c.get_gid()}
    for tissue in ("muscle", "adipose"):  # hepatocytes carry GLUT2: no liver row
        for t_snap in (0.0, 60.0):  # 75 min asked: the nearest snapshot is 60 min
            sub = cells[(cells["tissue"] == tissue) & (cells["time_min"] == t_snap)]
            expected = sub.sort_values("cell_id")["glut4_pm"].to_numpy(float)
            got = np.ma.filled(drawn[f"cells:{tissue}:{t_snap:g}"].get_array(), np.nan)
            np.testing.assert_allclose(got, expected, rtol=1e-6)
    assert not any(g.startswith("cells:liver") for g in drawn)
    assert any("glut4_pm (fraction)" in ax.get_ylabel() for ax in fig.axes)


def test_animation_has_one_frame_per_snapshot(real_run: Path, tmp_path: Path) -> None:
    from PIL import Image

    from sim.viz.tissue_graph import animate_graph

    run = load_run(real_run)
    paths = animate_graph(run, "akt_p", tmp_path / "anim", tissue="liver")
    n_snapshots = pd.read_parquet(real_run / "cells.parquet")["time_min"].nunique()
    with Image.open(paths[0]) as gif:
        assert gif.format == "GIF" and gif.n_frames == n_snapshots == 5


def test_plot_bad_node_exits_2_and_writes_nothing(real_run: Path, capsys) -> None:
    from sim.cli import main

    before = sorted(p.name for p in real_run.iterdir())
    assert main(["plot", str(real_run), "--animate", "akt_pp"]) == 2
    err = capsys.readouterr().err
    assert "akt_pp" in err and "allowed:" in err and "glut4_pm" in err
    assert main(["plot", str(real_run), "--animate", "akt_p", "--tissue", "brain"]) == 2
    assert "muscle, liver, adipose" in capsys.readouterr().err
    assert main(["plot", str(real_run), "--graph-node", "nope"]) == 2
    assert sorted(p.name for p in real_run.iterdir()) == before  # no figures/ folder


def test_plot_run_draws_the_tissue_graph_of_a_real_run(real_run: Path, monkeypatch) -> None:
    import sim.viz.figures as figures

    for name in ("whole_body_figure", "glucose_flux_figure", "pathways_figure"):
        monkeypatch.setattr(figures, name, lambda *a, **k: None)  # only the graph is drawn here
    for name in ("heatmap_figure", "pathway_diagram_figure"):
        monkeypatch.setattr(figures, name, lambda *a, **k: None)
    drawn = dict(iter_figures(load_run(real_run), graph_times_min=[0.0, 120.0]))
    assert set(drawn) == {"tissue_graph"}
    titles = [ax.get_title() for ax in drawn["tissue_graph"].axes if ax.get_title()]
    assert titles[:2] == ["muscle, t = 0 h (08:00)", "muscle, t = 2 h (10:00)"]  # clock time


# ---------------------------------------------------------------- the pathway diagram

DESIGN_EDGES = {
    # (tissue, source, target): sign, from the mechanism table of DESIGN section 2
    ("muscle", "ins_nM", "ir_p"): 1,  # I1
    ("muscle", "ir_p", "irs1_py"): 1,  # I2
    ("muscle", "irs1_py", "pi3k"): 1,  # I3
    ("muscle", "pi3k", "akt_p"): 1,  # I3
    ("muscle", "akt_p", "glut4_pm"): 1,  # I4
    ("muscle", "glut4_pm", "cum_glc"): 1,  # I4: uptake proportional to membrane GLUT4
    ("muscle", "gh_nM", "ghr_jak2"): 1,  # G1
    ("muscle", "ghr_jak2", "stat5_p"): 1,  # G1
    ("muscle", "stat5_p", "socs3"): 1,  # G2
    ("muscle", "socs3", "irs1_py"): -1,  # G3
    ("muscle", "socs3", "stat5_p"): -1,  # G3 (JAK2 block)
    ("muscle", "lcfa", "cum_glc"): -1,  # F1 Randle
    ("muscle", "dag", "pkc"): 1,  # F2
    ("muscle", "pkc", "irs1_py"): -1,  # F2
    ("muscle", "amp_atp", "ampk_p"): 1,  # E1
    ("muscle", "intensity", "amp_atp"): 1,  # E1
    ("muscle", "ampk_p", "glut4_pm"): 1,  # E2
    ("muscle", "tnf_pg_ml", "nfkb"): 1,  # N1
    ("muscle", "nfkb", "irs1_py"): -1,  # N1
    ("liver", "akt_p", "foxo1"): -1,  # I5
    ("liver", "foxo1", "pepck"): 1,  # I5
    ("liver", "pepck", "cum_egp"): 1,  # I5
    ("liver", "cort_excess", "pepck"): 1,  # S1
    ("adipose", "akt_p", "hsl"): -1,  # I6
    ("adipose", "stat5_p", "gh_lipo_m"): 1,  # G5 (transcription)
    ("adipose", "gh_lipo_m", "gh_lipo_p"): 1,  # G5 (protein synthesis)
    ("adipose", "gh_lipo_p", "gh_lipo"): 1,  # G5 (protein turnover)
    ("adipose", "gh_lipo", "hsl"): 1,  # G5
    ("adipose", "hsl", "cum_ffa_out"): 1,  # G5
}


def test_pathway_edges_agree_with_the_design_table() -> None:
    from sim.viz.pathway_diagram import pathway_edges

    edges = {t: {(e.source, e.target): e.sign for e in pathway_edges(t)} for t in NODES}
    for (tissue, a, b), sign in DESIGN_EDGES.items():
        assert edges[tissue].get((a, b)) == sign, f"{tissue}: {a} -> {b} should be {sign:+d}"
    # conversions between forms of one protein are not drawn as regulation
    assert ("irs1_py", "irs1_ps") not in edges["muscle"]
    assert ("ir_p", "irs1_ps") not in edges["muscle"]
    # hepatocytes have no GLUT4 node; muscle has no HSL
    assert not any("glut4_pm" in pair for pair in edges["liver"])
    assert not any("hsl" in pair for pair in edges["muscle"])


def test_pathway_diagram_draws_every_edge_and_the_saved_values(real_run: Path) -> None:
    from sim.viz.pathway_diagram import diagram_graph, node_values, pathway_diagram_figure

    run = load_run(real_run)
    ts = run.timeseries
    fig = pathway_diagram_figure(run, "muscle", time_min=62.0)
    patches = {p.get_gid() for ax in fig.axes for p in ax.patches if p.get_gid()}
    g = diagram_graph("muscle")
    expected = {f"edge:{'+' if d['sign'] > 0 else '-'}:{a}>{b}" for a, b, d in g.edges(data=True)}
    assert patches == expected
    row = ts.iloc[(ts["time_min"] - 62.0).abs().argmin()]
    assert row["time_min"] == 60.0
    values = node_values(run, "muscle", 62.0)
    assert values["akt_p"] == row["muscle.akt_p"] and values["ins_nM"] == row["insulin_uU_ml"]
    labels = {t.get_text() for ax in fig.axes for t in ax.texts}
    assert f"akt_p\n{row['muscle.akt_p']:.2f}" in labels


# ---------------------------------------------------------------- sweep folders


def write_sweep(folder: Path) -> pd.DataFrame:
    """A 2 x 3 grid with 3 replicates, one failed run and one NaN metric."""
    rows = []
    rng = np.random.default_rng(0)
    for i, dose in enumerate([0.1, 2.0]):
        for j, inten in enumerate([0.3, 0.5, 0.7]):
            for r in range(3):
                rows.append(
                    {
                        "run_id": f"p{i * 3 + j:04d}-r{r:02d}",
                        "point": i * 3 + j,
                        "interventions.0.dose_mg": dose,
                        "interventions.1.intensity_vo2max": inten,
                        "seed": int(rng.integers(1e6)),
                        "replicate": r,
                        "status": "completed",
                        "error": None,
                        "m_value_mg_kg_min": 5.0 - dose + 3 * inten + rng.normal(0, 0.3),
                        "glucose_mean_mM": 5.0 + rng.normal(0, 0.1),
                        "wall_seconds": 1.0,
                    }
                )
    summary = pd.DataFrame(rows)
    summary.loc[4, "status"] = "failed"
    summary.loc[4, "m_value_mg_kg_min"] = 99.0  # must not count: the run failed
    summary.loc[7, "m_value_mg_kg_min"] = np.nan
    folder.mkdir(parents=True)
    summary.to_parquet(folder / "summary.parquet")
    spec = {
        "name": "synthetic_sweep",
        "design": {
            "kind": "grid",
            "parameters": {
                "interventions.0.dose_mg": [0.1, 2.0],
                "interventions.1.intensity_vo2max": [0.3, 0.5, 0.7],
            },
        },
    }
    (folder / "sweep.yaml").write_text(yaml.safe_dump(spec))
    return summary


def test_sweep_heatmap_values_are_the_summary_means(tmp_path: Path) -> None:
    from sim.viz.sweep import load_sweep, sweep_curves_figure, sweep_heatmap_figure

    summary = write_sweep(tmp_path / "sweep")
    ok = summary[(summary["status"] == "completed") & summary["m_value_mg_kg_min"].notna()]
    means = ok.groupby(["interventions.1.intensity_vo2max", "interventions.0.dose_mg"])[
        "m_value_mg_kg_min"
    ].mean()
    expected = means.unstack().to_numpy()  # rows: intensity, columns: dose
    sweep = load_sweep(tmp_path / "sweep")
    fig = sweep_heatmap_figure(sweep, "m_value_mg_kg_min")
    mesh = artist_by_gid(fig, "sweep_heatmap:m_value_mg_kg_min")
    np.testing.assert_allclose(np.ma.filled(mesh.get_array(), np.nan).reshape(3, 2), expected)
    assert 99.0 not in np.asarray(mesh.get_array())
    curves = sweep_curves_figure(sweep, "m_value_mg_kg_min")
    line = line_by_gid(curves, "sweep_mean:interventions.0.dose_mg:0.5")
    np.testing.assert_allclose(line.get_ydata(), expected[1])
    assert all(ax.get_xlabel() and ax.get_ylabel() for ax in curves.axes)


def test_plot_sweep_folder_via_cli(tmp_path: Path, capsys) -> None:
    from sim.cli import main

    write_sweep(tmp_path / "sweep")
    assert main(["plot", str(tmp_path / "sweep")]) == 0
    assert sorted(p.name for p in (tmp_path / "sweep" / "figures").iterdir()) == [
        "sweep_curves.png",
        "sweep_heatmap.png",
    ]
    assert main(["plot", str(tmp_path / "sweep"), "--metric", "bogus"]) == 2
    assert "allowed: m_value_mg_kg_min, glucose_mean_mM" in capsys.readouterr().err
    assert main(["plot", str(tmp_path)]) == 2  # not a run, sweep or compare folder


def test_plot_compare_folder_calls_plot_compare(tmp_path: Path, monkeypatch) -> None:
    figures = pytest.importorskip(
        "sim.compare.figures", reason="sim.compare.figures (hypothesis-testing engineer) absent"
    )
    from sim.viz.commands import plot_folder

    calls = []
    monkeypatch.setattr(figures, "plot_compare", lambda f: calls.append(Path(f)) or [])
    (tmp_path / "cmp").mkdir()
    pd.DataFrame({"outcome": ["x"], "arm": ["a"]}).to_parquet(tmp_path / "cmp" / "effects.parquet")
    assert plot_folder(tmp_path / "cmp") == [] and calls == [tmp_path / "cmp"]


def test_nearly_constant_heatmap_is_not_stretched(tmp_path: Path) -> None:
    cells = make_cells()
    muscle = cells["tissue"] == "muscle"
    cells.loc[muscle, "nfkb"] = 0.0857 + 1e-6 * cells.loc[muscle, "time_min"] / 720.0
    run = load_run(write_run(tmp_path / "flat", cells=cells))
    mesh = artist_by_gid(heatmap_figure(run, "muscle"), "heatmap:nfkb")
    lo, hi = mesh.get_clim()
    assert hi - lo >= 0.02 * 0.0857 * 0.999 and lo < 0.0857 < hi
    varied = artist_by_gid(heatmap_figure(run, "muscle"), "heatmap:akt_p")
    values = heatmap_matrix(run.cells, "muscle", "akt_p").to_numpy()
    assert varied.get_clim() == (np.nanmin(values), np.nanmax(values))  # real changes: full range


def test_paired_sweep_contrasts_are_the_within_replicate_differences(tmp_path: Path) -> None:
    from sim.viz.sweep import load_sweep, paired_contrasts, sweep_contrasts_figure

    summary = write_sweep(tmp_path / "sweep")
    spec = yaml.safe_load((tmp_path / "sweep" / "sweep.yaml").read_text())
    assert sweep_contrasts_figure(load_sweep(tmp_path / "sweep"), "m_value_mg_kg_min") is None
    (tmp_path / "sweep" / "sweep.yaml").write_text(yaml.safe_dump({**spec, "paired": True}))
    sweep = load_sweep(tmp_path / "sweep")
    con = paired_contrasts(sweep, "m_value_mg_kg_min").set_index("point")
    ok = summary[(summary["status"] == "completed") & summary["m_value_mg_kg_min"].notna()]
    wide = ok.pivot(index="replicate", columns="point", values="m_value_mg_kg_min")
    for point in (1, 5):
        d = (wide[point] - wide[0]).dropna()
        assert con.loc[point, "n"] == len(d)
        assert con.loc[point, "mean"] == pytest.approx(d.mean())
        assert con.loc[point, "sd"] == pytest.approx(d.std(ddof=1))
        unpaired = np.sqrt(wide[point].var(ddof=1) + wide[0].var(ddof=1))
        assert con.loc[point, "sd_unpaired"] == pytest.approx(unpaired)
    assert 1 not in con.index or con.loc[1, "n"] == 2  # point 1 lost replicate 1 (failed run)
    fig = sweep_contrasts_figure(sweep, "m_value_mg_kg_min")
    dots = line_by_gid(fig, "sweep_contrast:5")
    np.testing.assert_allclose(dots.get_xdata(), (wide[5] - wide[0]).dropna().to_numpy())


def test_sweep_axes_name_keys_from_the_base_scenario() -> None:
    from sim.viz.sweep import key_label

    spec = {
        "base": {
            "interventions": [{"kind": "gh_injection"}, {"kind": "exercise"}],
            "protocol": {"kind": "clamp"},
        }
    }
    assert key_label("interventions.0.dose_mg", spec) == "gh injection: dose (mg)"
    assert key_label("interventions.1.intensity_vo2max", spec) == (
        "exercise: intensity (fraction of VO2max)"
    )
    assert key_label("protocol.insulin_uU_ml", spec) == "clamp: insulin (µU/mL)"
    assert key_label("interventions.0.dose_mg") == "intervention 0: dose (mg)"
    assert key_label("subject.body_mass_kg") == "subject body mass (kg)"
    assert key_label("parameters.muscle.glut4_total") == "muscle glut4_total (parameter)"


def test_forest_plot_uses_outcome_labels() -> None:
    from sim.compare.figures import outcome_label

    meta = {"outcomes": [{"name": "homa_ir", "label": "HOMA-IR at t = 0"}, {"name": "m"}]}
    assert outcome_label(meta, "homa_ir") == "HOMA-IR at t = 0"
    assert outcome_label(meta, "m") == "m"
    assert outcome_label({}, "x") == "x"


def test_pathway_diagram_rows_follow_the_arms() -> None:
    """Within each layer the nodes sit in arm bands, insulin on top, then GH, lipid, energy,
    inflammation: the diagram reads as parallel arms, not a tangle."""
    from sim.viz.pathway_diagram import _layout, arm_rank, diagram_graph

    for tissue in ("muscle", "liver", "adipose"):
        g = diagram_graph(tissue)
        pos = _layout(g)
        by_layer: dict[float, list[tuple[float, int]]] = {}
        for n, (x, y) in pos.items():
            by_layer.setdefault(x, []).append((-y, arm_rank(n)))
        for members in by_layer.values():
            ranks = [r for _, r in sorted(members)]
            assert ranks == sorted(ranks), (tissue, sorted(members))
    assert arm_rank("ir_p") < arm_rank("stat5_p") < arm_rank("pkc") < arm_rank("ampk_p")
    assert arm_rank("ampk_p") < arm_rank("nfkb") and arm_rank("ins_nM") == arm_rank("akt_p")


def test_grid_layout_keeps_every_panel_inside_the_figure_and_off_its_neighbours(
    run_dir: Path,
) -> None:
    """sim.viz.layout.GridLayout: after a draw at the files' dpi, every axes with its tick
    labels, labels, title, clock axis and colour bar lies inside the figure, and no two
    panels' decorated boxes overlap (what constrained layout guaranteed before)."""
    from itertools import combinations

    from sim.viz.layout import GridLayout

    run = load_run(run_dir)
    for stem, fig in iter_figures(run):
        assert isinstance(fig.get_layout_engine(), GridLayout), stem
        fig.set_dpi(120)
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        page = fig.bbox
        boxes = [(ax, ax.get_tightbbox(renderer)) for ax in fig.axes if ax.get_visible()]
        for _ax, box in boxes:
            assert box.x0 >= page.x0 - 1 and box.x1 <= page.x1 + 1, (stem, box)
            assert box.y0 >= page.y0 - 1 and box.y1 <= page.y1 + 1, (stem, box)
        # a colour bar sits in the room beside its own panel, where that panel's last x tick
        # label may overhang below the bar's end: those pairs are not compared
        own = {
            frozenset((id(cb.cax), id(p)))
            for cb in fig.get_layout_engine().colorbars
            for p in cb.parents
        }
        for (a, box_a), (b, box_b) in combinations(boxes, 2):
            if frozenset((id(a), id(b))) in own:
                continue
            overlap_w = min(box_a.x1, box_b.x1) - max(box_a.x0, box_b.x0)
            overlap_h = min(box_a.y1, box_b.y1) - max(box_a.y0, box_b.y0)
            assert overlap_w <= 2 or overlap_h <= 2, (stem, a.get_title(), b.get_title())
        for text in [*fig.texts, *fig.legends]:  # title above, legend below every panel
            t = text.get_window_extent(renderer)
            for _ax, box in boxes:
                overlap_w = min(t.x1, box.x1) - max(t.x0, box.x0)
                overlap_h = min(t.y1, box.y1) - max(t.y0, box.y0)
                assert overlap_w <= 2 or overlap_h <= 2, (stem, "figure text over a panel")


def test_node_units_follow_the_species_declaration():
    """A pathway panel's unit is the species table's: fractions are 'fraction', species
    declared relative are never labelled a fraction of total, amounts keep their unit."""
    from sim.kinetics.species import TISSUE_SPECIES
    from sim.viz.data import node_unit

    for tissue, species in TISSUE_SPECIES.items():
        for s in species:
            unit = node_unit(s.name, tissue=tissue)
            if s.unit == "fraction":
                assert unit == "fraction", (tissue, s.name)
            elif s.unit == "relative":
                assert unit in ("relative to basal", "relative units"), (tissue, s.name)
                assert (unit == "relative to basal") == (s.initial == 1.0), (tissue, s.name)
            else:
                assert unit == s.unit, (tissue, s.name)
