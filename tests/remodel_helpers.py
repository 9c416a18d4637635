"""Shared builders for the remodelling rule tests (adipose and muscle)."""

from __future__ import annotations

from types import SimpleNamespace

from sim.remodel.core import remodel_params


def rp(**changes) -> SimpleNamespace:
    """The remodelling parameters with ``changes`` applied."""
    out = remodel_params({})
    vars(out).update(changes)
    return out


def small_scenario(
    name: str,
    cells: dict,
    record_min: float,
    cell_record_min: float,
    every_min: float,
    days: float = 1,
    **extra,
) -> dict:
    """A short remodelling run: a mixed meal every day, ``extra`` keys replacing the defaults."""
    scn = {
        "name": name,
        "duration_min": days * 1440,
        "record_every_min": record_min,
        "cell_record_every_min": cell_record_min,
        "cells": dict(cells),
        # no settling days: these tests are about the rules; tests/test_remodel_body.py
        # tests the settling days (which would double or triple these short runs)
        "remodel": {"every_min": every_min, "settle_days": 0},
        "interventions": [
            {"kind": "meal", "at_min": 60, "carbs_g": 70, "protein_g": 20, "fat_g": 20,
             "repeat_every_min": 1440},
        ],
    }  # fmt: skip
    scn.update(extra)
    return scn
