"""The intervention registry: a kind is one class, registered from a single module (here,
from inside the test), and every layer (schema, schedule, body boluses, cell inputs, the
fasting warm-up, the warm-cache key) handles it without an edit to the package."""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import pytest

from sim import scenario as sc
from sim.interventions import REGISTRY, BodyAccess, Event, Kind, Span, register, unregister
from sim.interventions.base import NonNeg, Pos, Repeat, Strict, first_time, span_end
from sim.model import PhysiologyModel
from sim.scenario import ScenarioError, load_scenario

CELLS = {"muscle": 8, "liver": 4, "adipose": 4}


class DextroseTablet(Repeat):
    kind: Literal["dextrose_tablet"]
    at_min: NonNeg
    glucose_g: Pos


class DextroseTabletKind(Kind):
    """A toy oral glucose bolus: straight into the emptying stomach compartment."""

    name = "dextrose_tablet"
    Schema = DextroseTablet
    events = ("dextrose_tablet",)

    @classmethod
    def schedule(cls, iv: DextroseTablet, sch: Any, end: float) -> None:
        for t in iv.times(iv.at_min, end):
            sch.events.append(Event(t, "dextrose_tablet", {"g": iv.glucose_g}))

    @classmethod
    def apply_event(cls, ev: Event, body: BodyAccess) -> None:
        body.add("sto2", ev.amounts["g"] * 1000.0 / body.body_mass_kg)


class Glut4Blocker(Strict):
    kind: Literal["glut4_blocker"]
    start_min: NonNeg = 0.0
    duration_min: Pos | None = None
    fraction: float = 0.8


class Glut4BlockerKind(Kind):
    """A toy drug that blocks a fraction of GLUT4 translocation in every cell, through the
    cell input ``mod_glut4_translocation``, from its own schedule channel."""

    name = "glut4_blocker"
    Schema = Glut4Blocker

    @classmethod
    def schedule(cls, iv: Glut4Blocker, sch: Any, end: float) -> None:
        t = first_time(iv)
        span = Span(t, span_end(t, iv.duration_min, end), iv.fraction)
        sch.channels.setdefault(cls.name, []).append(span)

    @classmethod
    def cell_inputs(cls, ctx: Any, t: float, tissue: Any, u: dict[str, Any]) -> None:
        on = [s.value for s in ctx.sch.channels.get(cls.name, []) if s.on(t)]
        u["mod_glut4_translocation"] *= 1.0 - max(on, default=0.0)


@pytest.fixture
def toy_kinds():
    for cls in (DextroseTabletKind, Glut4BlockerKind):
        register(cls)
    yield
    for cls in (DextroseTabletKind, Glut4BlockerKind):
        unregister(cls.name)


def _model(ivs: list[dict], duration: float = 120.0) -> PhysiologyModel:
    return PhysiologyModel(
        {
            "name": "toy",
            "duration_min": duration,
            "cells": CELLS,
            "heterogeneity_cv": 0.0,
            "interventions": ivs,
        }
    )


def _run(model: PhysiologyModel) -> dict[str, np.ndarray]:
    while model.running:
        model.step()
    rows = model.recorder.rows
    return {k: np.array([r[k] for r in rows]) for k in rows[0]}


def test_a_kind_registered_from_a_test_runs_end_to_end(toy_kinds):
    tablet = {"kind": "dextrose_tablet", "at_min": 0, "glucose_g": 30}
    blocker = {"kind": "glut4_blocker", "fraction": 0.5}
    builtin = {"kind": "modulator", "target": "glut4_translocation", "factor": 0.5}
    control, fed, blocked = _model([]), _model([tablet]), _model([blocker])
    # the warm-up never doses a kind that does not say it belongs to it
    for other in (fed, blocked):
        assert np.array_equal(control.x, other.x)
        for name, tissue in control.tissues.items():
            assert np.array_equal(tissue.y, other.tissues[name].y)
    a, b, c = _run(control), _run(fed), _run(blocked)
    # the bolus reaches the body through its own event
    assert b["ra_meal_mg_kg_min"].max() > a["ra_meal_mg_kg_min"].max() + 1.0
    assert b["glucose_mM"].max() > a["glucose_mM"].max() + 0.5
    # the blocker reaches every muscle cell through its cell input: GLUT4 translocation
    # halved is what the built-in modulator with factor 0.5 does, to the bit
    assert c["muscle.glut4_pm"][-1] < 0.8 * a["muscle.glut4_pm"][-1]
    assert c["uptake_muscle_mg_kg_min"][-1] < 0.9 * a["uptake_muscle_mg_kg_min"][-1]
    d = _run(_model([builtin]))
    for col in ("glucose_mM", "muscle.glut4_pm", "adipose.glut4_pm", "uptake_muscle_mg_kg_min"):
        assert np.array_equal(c[col], d[col]), col


def test_schema_and_messages_follow_the_registry(toy_kinds):
    assert "DextroseTablet" in sc.scenario_schema()["$defs"]
    with pytest.raises(ScenarioError, match="glucose_gram"):
        load_scenario(
            {
                "name": "x",
                "duration_min": 60,
                "interventions": [{"kind": "dextrose_tablet", "at_min": 0, "glucose_gram": 3}],
            }
        )


def test_unregistered_kind_is_refused_again(toy_kinds):
    unregister("dextrose_tablet")
    try:
        with pytest.raises(ScenarioError, match="dextrose_tablet"):
            load_scenario(
                {
                    "name": "x",
                    "duration_min": 60,
                    "interventions": [{"kind": "dextrose_tablet", "at_min": 0, "glucose_g": 3}],
                }
            )
    finally:
        register(DextroseTabletKind)


def test_registration_refuses_a_name_or_event_taken_and_a_wrong_schema():
    class Again(DextroseTabletKind):
        name = "meal"

    with pytest.raises(ValueError, match="already registered"):
        register(Again)

    class WrongSchema(Kind):
        name = "snack"
        Schema = DextroseTablet  # its kind is "dextrose_tablet"

    with pytest.raises(ValueError, match="kind: Literal"):
        register(WrongSchema)

    class Snack(DextroseTablet):
        kind: Literal["snack"]  # type: ignore[assignment]

    class StealsMealEvent(Kind):
        name = "snack"
        Schema = Snack
        events = ("meal",)

    with pytest.raises(ValueError, match="belong to another kind"):
        register(StealsMealEvent)
    assert "snack" not in REGISTRY


def test_built_in_kinds_are_registered_in_the_contract_order():
    assert list(REGISTRY) == [
        "meal",
        "exercise",
        "training",
        "gh_injection",
        "gh_infusion",
        "secretagogue",
        "insulin_infusion",
        "glucose_infusion",
        "lipid_infusion",
        "acipimox",
        "tnf_infusion",
        "sleep",
        "sleep_restriction",
        "diet",
        "knockout",
        "modulator",
    ]
    # every event a schedule can hold is applied by exactly one kind
    events = [e for cls in REGISTRY.values() for e in cls.events]
    assert len(events) == len(set(events))
    assert {"meal", "iv_glucose", "gh_iv", "gh_sc", "ipam_sc", "serm_sc"} <= set(events)


def test_warm_up_schedule_holds_only_warm_up_kinds():
    from sim.signals import build_schedule

    scn = load_scenario(
        {
            "name": "w",
            "duration_min": 1440,
            "interventions": [
                {"kind": "meal", "at_min": 60, "carbs_g": 50},
                {"kind": "exercise", "start_min": 0, "duration_min": 30, "intensity_vo2max": 0.5},
                {"kind": "modulator", "target": "lipolysis", "factor": 0.5},
                {"kind": "acipimox", "start_min": 0, "duration_min": 60},
                {"kind": "diet", "omega3_g_day": 2},
                {"kind": "sleep_restriction", "nights": 2, "hours": 5},
            ],
        }
    )
    sch = build_schedule(scn, np.random.default_rng(0))
    quiet = sch.fasting
    assert sch.events and sch.exercise and sch.modulators and sch.acipimox
    assert not (quiet.events or quiet.exercise or quiet.modulators or quiet.acipimox)
    assert quiet.diet == sch.diet and quiet.diet.omega3 == 2
    assert quiet.prior_sleep_debt_h == sch.prior_sleep_debt_h > 0
    assert quiet.sleep == sch.sleep and quiet.gh_pulses is sch.gh_pulses


def test_the_documented_example_kind_works():
    """docs/interventions.md's worked example, executed as written: hepatic glucose output
    falls while the drug acts."""
    import re
    from pathlib import Path

    doc = (Path(__file__).resolve().parent.parent / "docs" / "interventions.md").read_text()
    section = doc[doc.index("## Adding a kind") :]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    exec(compile(code, "docs/interventions.md", "exec", dont_inherit=True), {"__name__": "doc"})  # noqa: S102
    try:
        drug = {"kind": "gng_inhibitor", "start_min": 0, "duration_min": 120, "inhibition": 0.5}
        a, b = _run(_model([])), _run(_model([drug]))
        assert b["egp_mg_kg_min"][-1] < 0.95 * a["egp_mg_kg_min"][-1]
    finally:
        unregister("gng_inhibitor")


def test_warm_up_state_depends_only_on_the_warm_up_kinds():
    """Every kind not flagged during_warm_up (all but sleep, sleep restriction and diet;
    knockouts act on the build) leaves the state at t = 0 exactly as without it."""
    warm = [
        {"kind": "diet", "omega3_g_day": 2, "caloric_restriction": 0.1},
        {"kind": "sleep_restriction", "nights": 2, "hours": 5},
        {"kind": "sleep", "start_min": 900, "duration_h": 6},
    ]
    others = [
        {"kind": "meal", "at_min": 0, "carbs_g": 60, "fat_g": 20},
        {"kind": "exercise", "start_min": 0, "duration_min": 30, "intensity_vo2max": 0.6},
        {"kind": "gh_injection", "at_min": 0, "dose_mg": 1.0, "route": "iv"},
        {"kind": "secretagogue", "at_min": 0, "drug": "ipamorelin", "dose_ug": 300},
        {"kind": "insulin_infusion", "start_min": 0, "duration_min": 60, "rate_mU_m2_min": 40},
        {"kind": "glucose_infusion", "start_min": 0, "duration_min": 60, "rate_mg_kg_min": 3},
        {"kind": "gh_infusion", "start_min": 0, "duration_min": 60, "rate_ng_kg_min": 20},
        {"kind": "lipid_infusion", "start_min": 0, "duration_min": 60, "ffa_mM": 1.5},
        {"kind": "acipimox", "start_min": 0, "duration_min": 60},
        {"kind": "tnf_infusion", "start_min": 0, "duration_min": 60, "tnf_pg_ml": 50},
        {"kind": "modulator", "target": "insulin_secretion", "factor": 0.2},
        {"kind": "modulator", "target": "lipolysis", "factor": 0.2},
    ]
    assert {iv["kind"] for iv in warm + others} | {"training", "knockout"} == set(REGISTRY)
    quiet = _model(warm, duration=1440.0)
    dosed = _model(warm + others, duration=1440.0)
    assert np.array_equal(quiet.x, dosed.x)
    for name, tissue in quiet.tissues.items():
        assert np.array_equal(tissue.y, dosed.tissues[name].y), name
    # and the warm-up kinds do shape it
    rested = _model([], duration=1440.0)
    assert not np.array_equal(rested.x, quiet.x)


def test_an_unknown_kind_is_named_briefly_with_the_registered_ones():
    for kind, hint in (("x" * 10_000, None), ("meals", "did you mean meal?")):
        with pytest.raises(ScenarioError) as err:
            load_scenario(
                {"name": "u", "duration_min": 60, "interventions": [{"kind": kind, "at_min": 0}]}
            )
        text = str(err.value)
        assert len(text) < 1000 and "is not one of: meal, exercise" in text
        assert (hint or "did you mean") in text if hint else "did you mean" not in text
