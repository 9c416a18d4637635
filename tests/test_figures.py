"""Figures of a real (short) run: what a reader sees in the rendered pixels.

``tests/test_viz.py`` checks the figures' artists on a synthetic run folder; here a short
simulated evening and night is drawn and the rendered image itself is read.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import sim
from sim.viz.data import RunData
from sim.viz.figures import whole_body_figure

EVENING = {
    "name": "evening",
    "seed": 0,
    "start_clock_h": 21.0,
    "duration_min": 360,
    "record_every_min": 5,
    "cell_record_every_min": 360,
    "cells": {"muscle": 6, "liver": 4, "adipose": 4},
}
"""21:00-03:00: two hours awake, then the default night from 23:00."""


@pytest.fixture(scope="module")
def evening() -> RunData:
    res = sim.run(EVENING)
    return RunData(
        run_dir=Path("evening"),
        timeseries=res.timeseries,
        cells=res.cells,
        scenario=res.scenario.model_dump(mode="json"),
        summary=res.summary,
        manifest={},
    )


def _column_brightness(rgb: np.ndarray, ax, t_h: float) -> float:  # noqa: ANN001
    """Mean brightness of the pixel column at time ``t_h`` inside the axes (the curve crosses
    each column once, so two columns differ by their background)."""
    height = rgb.shape[0]
    x, _ = ax.transData.transform((t_h, 0.0))
    bbox = ax.get_window_extent()
    top, bottom = int(height - bbox.y1) + 2, int(height - bbox.y0) - 2
    return float(rgb[top:bottom, int(round(x)), :3].mean())


def test_every_whole_body_panel_shows_the_night_shaded(evening: RunData) -> None:
    """Each panel (plasma metabolites, hormones, counter-regulatory hormones) is visibly
    darker in the night than in the evening before it."""
    fig = whole_body_figure(evening)
    fig.canvas.draw()
    rgb = np.asarray(fig.canvas.buffer_rgba())
    labels = [ax.get_ylabel() for ax in fig.axes if ax.get_ylabel()]
    assert len(labels) >= 10, labels  # glucose ... noradrenaline
    for ax in fig.axes:
        if not ax.get_ylabel():
            continue  # the clock axis on top
        # 21:25 and 00:55, both off the hour grid lines
        awake, night = _column_brightness(rgb, ax, 0.42), _column_brightness(rgb, ax, 3.92)
        assert night < awake - 10, (ax.get_ylabel(), awake, night)


def test_repeated_interventions_are_shaded_on_every_day_they_happen() -> None:
    """A meal and a walk repeated daily, and a dose repeated until a given time, appear at
    each repetition inside the run and not after its end."""
    from sim.viz.events import scenario_periods

    scenario = {
        "duration_min": 2880,
        "interventions": [
            {"kind": "meal", "at_min": 60, "carbs_g": 75, "repeat_every_min": 1440},
            {
                "kind": "exercise",
                "start_min": 75,
                "duration_min": 20,
                "intensity_vo2max": 0.35,
                "repeat_every_min": 1440,
            },
            {
                "kind": "gh_injection",
                "at_min": 900,
                "dose_mg": 0.5,
                "repeat_every_min": 720,
                "repeat_until_min": 2000,
            },
        ],
    }
    periods = scenario_periods(scenario)
    by_kind = {
        k: [(p.start_min, p.end_min) for p in periods if p.kind == k]
        for k in ("meal", "exercise", "gh_injection")
    }
    assert by_kind["meal"] == [(60.0, None), (1500.0, None)]
    assert by_kind["exercise"] == [(75.0, 95.0), (1515.0, 1535.0)]
    assert by_kind["gh_injection"] == [(900.0, None), (1620.0, None)]  # 2340 is after 2000
