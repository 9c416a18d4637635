"""Start a remodelling run at its daily steady state (``remodel.settle_days``).

Every remodelling rule refers to day 0: the fibres' protein balance to their first-day Akt,
STAT5, IGF-1, amino acids and cortisol, the hepatocytes' VLDL capacity to their first-day
fatty-acid inflow, the precursors' insulin drive to the first period's Akt. The fasting
warm-up ends at the overnight-fasted steady state, not at the state of a day of meals: after
it, muscle glycogen rises over 2-3 days, IGF-1 (half-life 15 h) falls from its starting
level, liver glycogen, plasma FFA and insulin settle over ~2 days. Day 0 was then unlike the
following days, and a control arm drifted (docs/remodelling.md).

So after the fasting warm-up a remodelling run simulates ``settle_days`` days of the
scenario's daily routine before t = 0: the interventions of the warm-up's kinds (sleep,
diet) and the meals that are taken from day 0 every day. A diet that starts on day 1 or
later (an energy surplus eaten as meals must) is a change the run makes, not part of the
routine. Nothing else (exercise, drugs, boluses, a protocol) is part of the routine, and no
remodelling happens in it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from sim.interventions import of as ivkind
from sim.interventions.base import first_time
from sim.signals import Schedule, build_schedule

DAY_MIN = 1440.0


def is_routine(iv: Any) -> bool:
    """Whether intervention ``iv`` belongs to the daily routine of the settling days: a kind
    of the fasting warm-up, or a meal taken on day 0 and every day after."""
    kind = ivkind(iv)
    if kind.name == "diet" and first_time(iv) >= DAY_MIN:
        return False
    if kind.during_warm_up:
        return True
    daily = getattr(iv, "repeat_every_min", None) == DAY_MIN
    return kind.name == "meal" and daily and first_time(iv) < DAY_MIN


def routine_schedule(scn: Any, bp: Any, sch: Schedule) -> Schedule:
    """The schedule of the settling days of scenario ``scn`` (run schedule ``sch``): its
    routine interventions over ``settle_days`` whole days from the same clock time, with the
    run's GH pulse draws (as the warm-up uses them)."""
    days = scn.remodel.settle_days
    routine = scn.model_copy(
        update={
            "interventions": [iv for iv in scn.interventions if is_routine(iv)],
            "protocol": None,
            "duration_min": days * DAY_MIN,
        }
    )
    out = build_schedule(routine, np.random.default_rng([scn.seed, 1]), bp)
    out.gh_pulses = sch.gh_pulses
    return out
