"""Shared fixtures: small, fast scenarios."""

from __future__ import annotations

import pytest

SMALL_CELLS = {"muscle": 12, "liver": 10, "adipose": 10}


@pytest.fixture
def small_scenario() -> dict:
    """A 3-h free-living scenario with a meal and a walk; a few cells per tissue."""
    return {
        "name": "small",
        "seed": 3,
        "duration_min": 180,
        "cells": dict(SMALL_CELLS),
        "interventions": [
            {"kind": "meal", "at_min": 10, "carbs_g": 60, "protein_g": 10},
            {
                "kind": "exercise",
                "start_min": 100,
                "duration_min": 30,
                "intensity_vo2max": 0.6,
                "mode": "walk",
            },
        ],
    }
