"""The live dashboard: the model it drives, and the page in headless Chromium.

The browser test starts ``sim dashboard`` on a free loopback port as a subprocess, opens it
in Debian's Chromium driven by Playwright (``.ci/run`` installs the ``chromium`` package; the
test installs nothing), steps the model twice and checks that the simulated clock and the
plasma plot changed. It is skipped, with the reason, only when Chromium or the dashboard extra
is absent.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.request
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
    """A ``sim dashboard`` subprocess on a free loopback port; yields (url, first line)."""
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
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
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
        yield url, first, port
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


def test_dashboard_in_headless_chromium(dashboard, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    url, first_line, port = dashboard
    assert f"http://127.0.0.1:{port}/" in first_line and "loopback only" in first_line
    address = socket.gethostbyname(socket.gethostname())
    if not address.startswith("127."):  # bound to loopback: the LAN address must refuse
        with pytest.raises(OSError), socket.create_connection((address, port), timeout=2):
            pass
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1500, "height": 1100})
        page.goto(url, timeout=120_000)
        page.get_by_text("Step: 0").wait_for(timeout=120_000)
        page.locator(FIGURE).first.wait_for(timeout=60_000)
        assert _status(page).startswith("t = 0.00 h (07:00)")
        assert f"{CELLS} cells" in _status(page)
        before = _plasma_png(page)
        for k in (1, 2):
            page.get_by_role("button", name="Step").click()
            page.get_by_text(f"Step: {k}").wait_for(timeout=60_000)
        page.wait_for_function(
            "([sel, src]) => document.querySelector(sel).src !== src",
            arg=[FIGURE, before[0]],
            timeout=60_000,
        )
        status = _status(page)
        assert status.startswith("t = 0.33 h (07:20)"), status  # 2 steps x 10 min
        assert re.search(r"glucose \d+\.\d\d mM", status)
        after = _plasma_png(page)
        assert after[1] > 10_000 and after[2] != before[2]  # redrawn, and its pixels changed
        shot = tmp_path / "dashboard.png"
        page.screenshot(path=str(shot), full_page=True)
        browser.close()
    assert shot.stat().st_size > 20_000
