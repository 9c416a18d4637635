"""The cortisol clock: circadian set point timed to the habitual waking, the awakening
response timed to actual waking, naps, and free cortisol from CBG/albumin binding."""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pytest

from sim.kinetics import body as bk
from sim.parameters import BODY
from sim.signals import Schedule, Span, finish_sleep

BP = SimpleNamespace(**{p.name: p.value for p in BODY})


def _schedule(start_clock_h: float, sleep: list[tuple[float, float]], duration: float) -> Schedule:
    sch = Schedule(duration, start_clock_h, body_mass_kg=75.0, bsa_m2=1.9)
    sch.sleep = [Span(a, b, 1.0) for a, b in sleep]
    finish_sleep(sch, BP)  # its wakings, as build_schedule records them
    return sch


def _bp(**changes: float) -> SimpleNamespace:
    return SimpleNamespace(**{**vars(BP), **changes})


def _plasma(sch: Schedule, bp: SimpleNamespace, t0: float, t1: float) -> tuple:
    """Integrate the cortisol equation alone (1-min Euler, as small as its 70-min half-life
    needs) from the set point at t0."""
    k = math.log(2) / bp.cort_half_life_min
    ts = np.arange(t0, t1 + 1.0)
    c = np.empty(len(ts))
    c[0] = bk.cortisol_target(sch.clock_h(t0), 0.0, bp)
    for i in range(1, len(ts)):
        t = ts[i - 1]
        target = bk.cortisol_target(sch.clock_h(t), sch.sleep_debt_h(t), bp)
        c[i] = c[i - 1] + k * (target - c[i - 1]) + bk.cortisol_awakening(t, sch, bp)
    return ts, c


def test_free_cortisol_satisfies_mass_action_and_cbg_saturates() -> None:
    totals = np.array([30.0, 100.0, 300.0, 600.0, 1200.0])
    free = np.array([bk.free_cortisol_nM(c, BP) for c in totals])
    k, n, cbg = BP.k_cbg_per_nM, BP.albumin_bound_ratio, BP.cbg_nM
    bound = free * n + cbg * k * free / (1 + k * free)
    np.testing.assert_allclose(free + bound, totals, rtol=1e-10)  # the root solves the balance
    fraction = free / totals
    assert np.all(np.diff(fraction) > 0)  # CBG saturates: free fraction rises with total
    assert 0.03 < bk.free_cortisol_nM(400.0, BP) / 400.0 < 0.15  # ~10 % unbound in the morning


def test_set_point_is_quiescent_at_night_highest_before_habitual_waking() -> None:
    clock = np.arange(0.0, 24.0, 0.25)
    sp = np.array([bk.cortisol_target(h, 0.0, BP) for h in clock])
    assert clock[np.argmax(sp)] == pytest.approx(BP.cort_habitual_wake_clock_h - 1.0)
    night = (clock >= 22.5) | (clock <= 0.5)
    assert np.allclose(sp[night], BP.cort_min_nM)
    # a habitual waking 2 h later moves the whole curve 2 h later
    late = _bp(cort_habitual_wake_clock_h=BP.cort_habitual_wake_clock_h + 2.0)
    shifted = np.array([bk.cortisol_target((h + 2.0) % 24, 0.0, late) for h in clock])
    np.testing.assert_allclose(shifted, sp)


def test_awakening_burst_follows_waking_and_is_gated_by_the_clock() -> None:
    # run from 21:00; sleep 23:00-07:00 (habitual), and another run waking at 19:00
    morning = _schedule(21.0, [(120.0, 600.0)], 900.0)
    evening = _schedule(13.0, [(300.0, 360.0)], 600.0)  # 1-h nap to 19:00
    assert bk.wake_times(morning, BP) == [600.0] and morning.wakes == (600.0,)
    burst = [bk.cortisol_awakening(t, morning, BP) for t in np.arange(600.0, 700.0)]
    assert burst[0] == 0.0 and max(burst) > 0.0
    peak_after = int(np.argmax(burst))
    assert peak_after == pytest.approx(BP.cort_car_theta_min, abs=1)  # gamma kernel mode
    # integral of the burst = its declared size at the habitual waking time
    total = sum(bk.cortisol_awakening(t, morning, BP) for t in np.arange(600.0, 900.0))
    assert total == pytest.approx(BP.cort_car_nM, rel=0.02)
    # waking 12 h away from the habitual time: no burst
    assert all(bk.cortisol_awakening(t, evening, BP) == 0.0 for t in np.arange(360.0, 450.0))


def test_awakening_response_size_follows_its_parameter() -> None:
    sch = _schedule(21.0, [(120.0, 600.0)], 800.0)
    rises = []
    for car in (0.0, 130.0, 260.0):
        bp = _bp(cort_car_nM=car)
        t, c = _plasma(sch, bp, 0.0, 700.0)
        free = np.array([bk.free_cortisol_nM(x, bp) for x in c])
        rises.append(free[t == 630.0][0] / free[t == 600.0][0])
        if car == 0.0:  # switched off: no burst, only the circadian set point moves cortisol
            assert not any(bk.cortisol_awakening(x, sch, bp) for x in t)
    assert rises[0] < 1.2 < 1.3 < rises[1] < rises[2]


def test_a_nap_is_not_a_night() -> None:
    nap = _schedule(13.0, [(300.0, 300.0 + BP.nap_max_min - 60.0)], 2000.0)
    assert nap.sleep_debt_h(1000.0) == 0.0  # no hours lost for a nap
    short_night = _schedule(13.0, [(300.0, 300.0 + 240.0)], 2000.0)
    assert short_night.sleep_debt_h(1000.0) > 3.0  # a 4-h night loses ~4 h


def test_a_morning_run_starts_after_the_habitual_awakening() -> None:
    # run from 08:00 with no sleep period: the 07:00 waking (t = -60) is in the warm-up
    sch = _schedule(8.0, [], 600.0)
    assert bk.wake_times(sch, BP) == [-60.0]
    # the same start but a sleep period covering 07:00: that sleep's end is the waking
    slept_in = _schedule(8.0, [(-600.0, 60.0)], 600.0)
    assert bk.wake_times(slept_in, BP) == [60.0]


def test_awakening_burst_reads_only_the_recent_wakings() -> None:
    # sixty nights: the burst after the last waking is that of the last night alone
    nights = [(120.0 + 1440.0 * d, 600.0 + 1440.0 * d) for d in range(60)]
    many = _schedule(21.0, nights, 1440.0 * 60)
    one = _schedule(21.0, nights[-1:], 1440.0 * 60)
    last = nights[-1][1]
    for t in np.arange(last - 5.0, last + 80.0, 0.5):
        assert bk.cortisol_awakening(t, many, BP) == bk.cortisol_awakening(t, one, BP)
