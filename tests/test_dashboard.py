"""The live dashboard: the model it drives, and the page in headless Chromium.

The browser test starts ``sim dashboard`` on a free loopback port as a subprocess, opens it
in Debian's Chromium driven by Playwright (``.ci/run`` installs the ``chromium`` package; the
test installs nothing), checks the tab title, that every slider shows its value and that the
value follows the slider, steps the model twice and checks that the simulated clock and the
plasma plot changed, that the panels are not shrunk below their drawn size (readable text),
that no request of the page left loopback and that the server logged no warning. It is
skipped, with the reason, only when Chromium or the dashboard extra is absent.
"""

from __future__ import annotations

import io
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
import warnings
from pathlib import Path

import numpy as np
import pytest

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")  # solara's hook linter on mesa

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
CELLS = 40


def test_dashboard_model_steps_and_panels_show_its_state() -> None:
    pytest.importorskip("solara", reason="the dashboard extra (solara, mesa[viz]) is absent")
    from sim.viz.dashboard import DashboardModel, graph_figure, live_run

    model = DashboardModel(n_cells=CELLS, minutes_per_step=5, exercise=True)
    assert {t: m.n for t, m in model.tissues.items()} == {"muscle": 22, "liver": 9, "adipose": 9}
    kinds = [iv.kind for iv in model.scenario.interventions]
    assert kinds == ["meal", "exercise"]
    model.step()
    model.step()
    assert model.time_min == 10.0 and model.steps == 2 and len(model.snapshots) == 3
    run = live_run(model)
    assert run.timeseries["time_min"].tolist() == [0.0, 5.0, 10.0]
    last = run.cells[run.cells["time_min"] == 10.0]
    muscle = model.tissues["muscle"]
    akt = muscle.y[muscle.names.index("akt_p")]
    np.testing.assert_allclose(last[last["tissue"] == "muscle"]["akt_p"], akt)
    fig = graph_figure(model, "muscle", "akt_p")
    (cells,) = [c for ax in fig.axes for c in ax.collections if c.get_gid() == "cells:muscle:10"]
    order = np.argsort(muscle.layout.nodes)
    np.testing.assert_allclose(np.asarray(cells.get_array()), akt[order])


def test_panels_draw_without_warnings_from_the_first_step_and_fit_their_column() -> None:
    """At t = 0 (one recorded time) and with interventions still ahead of the clock, every
    panel draws without a matplotlib warning (identical axis limits, collapsed layout) and
    comes out at the panel width."""
    pytest.importorskip("solara", reason="the dashboard extra (solara, mesa[viz]) is absent")
    from PIL import Image

    from sim.viz.dashboard import (
        LIVE_FRACTION_NODES,
        PANEL_DPI,
        PANEL_WIDTH_IN,
        PLASMA_COLUMNS,
        DashboardModel,
        glucose_flux_figure,
        graph_figure,
        live_run,
        panel_png,
        pathway_overlay_figure,
        whole_body_figure,
    )

    model = DashboardModel(n_cells=CELLS, exercise=True, gh_injection=True, secretagogue=True)
    for _ in range(2):
        run = live_run(model)
        figures = (
            whole_body_figure(run, columns=PLASMA_COLUMNS),
            glucose_flux_figure(run),
            pathway_overlay_figure(run, "liver", LIVE_FRACTION_NODES),
            graph_figure(model, "adipose", "akt_p"),
        )
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            pngs = [panel_png(fig) for fig in figures]
        for png in pngs:
            assert Image.open(io.BytesIO(png)).width == round(PANEL_WIDTH_IN * PANEL_DPI)
        model.step()


def test_the_page_says_which_settings_wait_for_reset() -> None:
    pytest.importorskip("solara", reason="the dashboard extra (solara, mesa[viz]) is absent")
    from sim.viz.dashboard import DashboardModel, model_params, pending_changes

    model = DashboardModel(n_cells=CELLS, seed=3)
    chosen = {k: v["value"] for k, v in model_params().items()} | {"n_cells": CELLS, "seed": 3}
    assert pending_changes(model, chosen) == []
    assert pending_changes(model, chosen | {"seed": 4, "exercise": True}) == ["exercise", "seed"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_http(url: str, proc: subprocess.Popen, timeout_s: float = 120.0) -> None:
    """Poll until the server answers (or fail with its output)."""
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        if proc.poll() is not None:
            pytest.fail(f"sim dashboard exited early with status {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"sim dashboard did not answer at {url} within {timeout_s:.0f} s")


@pytest.fixture
def dashboard():
    """A ``sim dashboard`` subprocess on a free loopback port; yields (url, first line, port,
    the server's later output lines)."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} absent: install Debian's chromium package (.ci/run does)")
    pytest.importorskip("playwright", reason="playwright (test extra) is absent")
    pytest.importorskip("solara", reason="the dashboard extra (solara, mesa[viz]) is absent")
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "sim", "dashboard", "--port", str(port), "--cells", str(CELLS)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={k: v for k, v in os.environ.items() if k != "PYTHONWARNINGS"},
    )
    try:
        first = ""
        for _ in range(50):  # the address line comes first, but tolerate stray log lines
            first = proc.stdout.readline()
            if "serving on" in first or not first:
                break
        log: list[str] = []  # keep draining the server's output so its pipe never fills
        threading.Thread(target=lambda: log.extend(proc.stdout), daemon=True).start()
        url = f"http://127.0.0.1:{port}/"
        _wait_http(url, proc)
        yield url, first, port, log
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def _status(page) -> str:  # noqa: ANN001
    """The status line: simulated time, cells, plasma values."""
    return page.locator("p", has_text=re.compile(r"t = \d+\.\d\d h")).first.inner_text()


FIGURE = "img[src^='blob:']"
"""Solara shows each matplotlib panel as an image with a blob URL; the first is the plasma one."""
BYTES_JS = """async (sel) => {
    const img = document.querySelector(sel);
    const buf = new Uint8Array(await (await fetch(img.src)).arrayBuffer());
    let h = 0;
    for (const b of buf) { h = (h * 31 + b) >>> 0; }
    return [img.src, buf.length, h];
}"""


def _plasma_png(page) -> tuple[str, int, int]:  # noqa: ANN001
    """``(src, byte count, hash of the PNG bytes)`` of the plasma panel's image."""
    return tuple(page.evaluate(BYTES_JS, FIGURE))


LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}


def _host(url: str) -> str | None:
    """The host a URL reaches (a blob URL: its origin's; data URLs reach none)."""
    if url.startswith("data:"):
        return None
    if url.startswith("blob:"):
        url = url[len("blob:") :]
    return urllib.parse.urlsplit(url).hostname


SLIDERS_JS = """() => [...document.querySelectorAll('.sim-slider')].map(s => [
    [...s.classList].find(c => c.startsWith('sim-slider-')),
    s.querySelector('.sim-slider-value').innerText,
    s.querySelector('[role=slider]').getAttribute('aria-valuenow'),
])"""
PANELS_JS = """() => [...document.querySelectorAll('img.sim-panel')].map(
    i => [i.naturalWidth, i.clientWidth])"""


def _sliders(page) -> dict[str, tuple[str, str]]:  # noqa: ANN001
    """Each slider's name: (the value shown beside it, the slider's own value)."""
    return {
        name[len("sim-slider-") :]: (shown, now) for name, shown, now in page.evaluate(SLIDERS_JS)
    }


def _nudge(page, name: str, presses: int) -> None:  # noqa: ANN001
    """Move a slider by ``presses`` steps to the right with the keyboard."""
    page.locator(f".sim-slider-{name} [role=slider]").focus()
    for _ in range(presses):
        page.keyboard.press("ArrowRight")


def test_dashboard_in_headless_chromium(dashboard, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    from sim.viz.dashboard import PANEL_DPI, TITLE

    url, first_line, port, log = dashboard
    assert f"http://127.0.0.1:{port}/" in first_line and "loopback only" in first_line
    address = socket.gethostbyname(socket.gethostname())
    if not address.startswith("127."):  # bound to loopback: the LAN address must refuse
        with pytest.raises(OSError), socket.create_connection((address, port), timeout=2):
            pass
    requests: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1500, "height": 1100})
        context.on("request", lambda r: requests.append(r.url))
        page = context.new_page()
        page.on("websocket", lambda ws: requests.append(ws.url))
        page.goto(url, timeout=120_000)
        # the title is set as the page renders, before its model is built
        page.wait_for_function("t => document.title === t", arg=TITLE, timeout=60_000)
        # the first build on a machine compiles the kernels: up to ~1.5 min on busy cores
        page.get_by_text("Step: 0").wait_for(timeout=240_000)
        page.locator(FIGURE).first.wait_for(timeout=60_000)
        assert page.title() == TITLE
        assert _status(page).startswith("t = 0.00 h (07:00)")
        assert f"{CELLS} cells" in _status(page)

        # every slider shows its value beside it, and the text follows the slider
        sliders = _sliders(page)
        assert {"n_cells", "minutes_per_step", "seed", "play_ms", "render_every"} <= set(sliders)
        for name, (shown, now) in sliders.items():
            assert shown.split()[0] == now, (name, shown, now)
        assert sliders["n_cells"][0] == str(CELLS) and sliders["minutes_per_step"][0] == "10 min"
        _nudge(page, "seed", 2)
        _nudge(page, "n_cells", 1)
        page.wait_for_function(
            "() => document.querySelector('.sim-slider-seed .sim-slider-value').innerText == '2'",
            timeout=30_000,
        )
        page.get_by_text("Reset applies: n_cells, seed").wait_for(timeout=30_000)
        moved = _sliders(page)
        assert moved["seed"] == ("2", "2") and moved["n_cells"] == (str(CELLS + 10),) * 2

        before = _plasma_png(page)
        for k in (1, 2):
            page.get_by_role("button", name="Step").click()
            page.get_by_text(f"Step: {k}").wait_for(timeout=60_000)
        # the page renders after each step: wait for the second step's status line (the
        # first step's redraw can land after the button's "Step: 2")
        page.locator("p", has_text="t = 0.33 h (07:20)").first.wait_for(timeout=60_000)
        page.wait_for_function(
            "([sel, src]) => document.querySelector(sel).src !== src",
            arg=[FIGURE, before[0]],
            timeout=60_000,
        )
        status = _status(page)
        assert status.startswith("t = 0.33 h (07:20)"), status  # 2 steps x 10 min
        assert f"{CELLS} cells" in status  # the settings wait for Reset
        assert re.search(r"glucose \d+\.\d\d mM", status)
        after = _plasma_png(page)
        assert after[1] > 10_000 and after[2] != before[2]  # redrawn, and its pixels changed

        # readable: 10-pt figure text shows at >= 11 px (panels not shrunk far below their size)
        panels = page.evaluate(PANELS_JS)
        assert len(panels) == 4
        for natural, shown in panels:
            assert 10 * PANEL_DPI / 72 * shown / natural >= 11, (natural, shown)
        shot = tmp_path / "dashboard.png"
        page.screenshot(path=str(shot), full_page=True)
        browser.close()
    assert shot.stat().st_size > 20_000
    assert requests, "no request was seen"
    outside = sorted({u for u in requests if _host(u) not in LOOPBACK_HOSTS | {None}})
    assert not outside, f"the page contacted non-loopback hosts: {outside}"
    time.sleep(0.5)  # let the reader thread take the server's last lines
    warned = [line for line in log if "Warning" in line]
    assert not warned, "".join(warned)
