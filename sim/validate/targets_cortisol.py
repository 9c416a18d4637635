"""Cortisol clock targets (issue 22, item 6): the awakening response and the 24-h profile.

The awakening-response papers measured salivary cortisol, which is the free (unbound)
hormone; the model's plasma cortisol is total, so they are compared through the free
concentration the mass-action binding of cortisol to CBG and albumin gives
(:func:`sim.kinetics.body.free_cortisol_nM`). The 24-h profile is serum total cortisol.

Targets marked ``prediction`` were never used to set a parameter (reported apart by ``sim
validate``); the others are calibration targets and the parameters fitted to them say so in
their provenance. First results on the model as it stood before any parameter was changed for
them: docs/validation.md.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from sim.kinetics import body as bk
from sim.parameters import BODY
from sim.validate import figures as fg
from sim.validate.core import Criterion, Measured, RunData, Target, scenario

KEYS = {"record_every_min": 1, "cell_record_every_min": 600}
_BP = SimpleNamespace(**{p.name: p.value for p in BODY})
"""Default body parameters: the binding constants are not phenotype-specific."""


def _free(total_nM: np.ndarray) -> np.ndarray:
    return np.array([bk.free_cortisol_nM(float(c), _BP) for c in total_nM])


def _cortisol(run: RunData) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    ts = run.timeseries
    t = ts["time_min"].to_numpy(float)
    total = ts["cortisol_nM"].to_numpy(float)
    return t, total, _free(total)


def _at(t: np.ndarray, y: np.ndarray, at: float) -> float:
    return float(np.interp(at, t, y))


def _waking(name: str, seed: int, clock_h: float, sleep_at: float, sleep_h: float, after: float):
    """A run starting at ``clock_h`` with one sleep period from ``sleep_at`` (min) lasting
    ``sleep_h``, continuing ``after`` min past waking; no meals (cortisol has no meal input)."""
    wake = sleep_at + sleep_h * 60.0
    sleep = {"kind": "sleep", "start_min": sleep_at, "duration_h": sleep_h}
    return scenario(
        name,
        seed,
        start_clock_h=clock_h,
        duration_min=wake + after,
        interventions=[sleep],
        **KEYS,
    )


def _rise(run: RunData, wake: float) -> dict[str, float]:
    """Free cortisol 30 min after waking relative to waking, and the time of its peak in
    the 90 min after waking (min)."""
    t, total, free = _cortisol(run)
    on = (t >= wake) & (t <= wake + 90.0)
    return {
        "ratio_30": _at(t, free, wake + 30.0) / _at(t, free, wake),
        "peak_min": float(t[on][np.argmax(free[on])] - wake),
    }


def _waking_runs(name: str, clock_h: float, sleep_at: float, sleep_h: float, after: float):
    """(waking time, scenarios, measure) of a target reading the response to one waking."""
    wake = sleep_at + sleep_h * 60.0

    def scenarios(seed: int) -> dict:
        return {name: _waking(name, seed, clock_h, sleep_at, sleep_h, after)}

    def measure(runs: dict[str, RunData]) -> Measured:
        t, total, free = _cortisol(runs[name])
        return Measured(_rise(runs[name], wake), {"t": t, "total": total, "free": free})

    return wake, scenarios, measure


def _draw_waking(title: str, out, wake: float, key: str) -> fg.Figure:  # noqa: ANN001
    c = out.curves
    fig, (a1, a2) = fg.panels(2, title)
    t = c["t"] - wake
    a1.plot(t, c["total"], **fg.OURS, label="total (plasma)")
    a1.set_ylabel("cortisol (nM)")
    a2.plot(t, c["free"] / np.interp(0.0, t, c["free"]), **fg.OURS, label="free / at waking")
    crit = out.target.criteria[0]
    if key == "ratio":
        a2.axvline(30.0, color="0.5", lw=0.8)
        fg.hband(a2, crit.low, crit.high)
    for ax in (a1, a2):
        ax.axvline(0.0, color="k", lw=0.8, ls=":")
        ax.set_xlabel("time from waking (min)")
    a2.set_ylabel("free cortisol (fold of waking)")
    return fg.finish(fig)


# ---------------------------------------------------------------- V50/V51 morning awakening
CAR_WAKE, _car_scn, _car_measure = _waking_runs("car_morning", 21.0, 120.0, 8.0, 180.0)
"""Run from 21:00, sleep 23:00-07:00: waking at 600 min."""


V50 = Target(
    "V50",
    "Cortisol awakening response: free cortisol 30 min after waking",
    "Pruessner et al. 1997, Life Sci 61:2539 (three studies, n = 152: free cortisol "
    "'increased by 50-75% within the first 30 minutes after awakening'); Wust et al. 2000, "
    "Noise Health 2:79 (n = 509: 'a mean cortisol increase of about 50%')",
    "sleep 23:00-07:00; salivary (free) cortisol at +30 min / at waking; the band is the "
    "range of the three study means",
    (Criterion("ratio_30", "free cortisol at +30 min / at waking", 1.50, 1.75),),
    _car_scn,
    _car_measure,
    lambda title, out: _draw_waking(title, out, CAR_WAKE, "ratio"),
)

V51 = Target(
    "V51",
    "Cortisol awakening response: time of the peak",
    "Pruessner et al. 1997, Life Sci 61:2539 (saliva every 10-15 min for 30-60 min after "
    "waking; the increase is complete within 30 min, men's peak before women's); Edwards et "
    "al. 2001, Life Sci 68:2093 (n = 40, samples synchronised to waking: 'peaking after "
    "about 30 min')",
    "as V50; time of the free-cortisol maximum in the 90 min after waking; band: the 30-min "
    "sample +/- half the 15-min sampling interval",
    (Criterion("peak_min", "free-cortisol peak after waking", 22.5, 37.5, "min"),),
    _car_scn,
    _car_measure,
    lambda title, out: _draw_waking(title, out, CAR_WAKE, "peak"),
)


# ---------------------------------------------------------------- V52 24-h serum profile
def _day_scn(seed: int) -> dict:
    # 07:00 start, default nights 23:00-07:00; the second day (24-48 h) is read
    return {"day": scenario("cortisol_48h", seed, start_clock_h=7.0, duration_min=2880.0, **KEYS)}


def _day_measure(runs: dict[str, RunData]) -> Measured:
    t, total, free = _cortisol(runs["day"])
    day2 = t >= 1440.0
    clock = (7.0 + t / 60.0) % 24.0
    i_peak, i_nadir = np.argmax(total[day2]), np.argmin(total[day2])
    values = {
        "peak_nM": float(total[day2][i_peak]),
        "nadir_nM": float(total[day2][i_nadir]),
        "peak_clock_h": float(clock[day2][i_peak]),
        "nadir_clock_h": float(clock[day2][i_nadir]),
    }
    return Measured(values, {"t": t, "total": total, "free": free, "clock": clock})


def _day_draw(title: str, out) -> fg.Figure:  # noqa: ANN001
    c = out.curves
    fig, (ax,) = fg.panels(1, title, width=8.0)
    h = c["t"] / 60.0
    ax.plot(h, c["total"], **fg.OURS, label="serum total cortisol")
    peak, nadir = out.target.criteria
    ax.axhspan(peak.low, peak.high, xmin=0.5, **fg.BAND, label="accepted peak")
    ax.axhline(nadir.high, color="tab:green", ls="--", lw=1, label="accepted nadir (at most)")
    ax.set_xlabel("time from 07:00 on day 1 (h); sleep 23:00-07:00")
    ax.set_ylabel("cortisol (nM)")
    return fg.finish(fig)


V52 = Target(
    "V52",
    "24-h serum cortisol: morning peak and night nadir",
    "Debono et al. 2009, J Clin Endocrinol Metab 94:1548 (33 healthy subjects, 20-min "
    "sampling: peak 15.5 ug/dL, 95 % reference range 11.7-20.6, at 08:32; nadir < 2.0 "
    "ug/dL, 95 % reference range 1.5-2.5, at 00:18); 1 ug/dL = 27.59 nM",
    "free-living day with sleep 23:00-07:00; peak and nadir of the second day; bands: the "
    "95 % reference ranges (peak 323-568 nM; nadir at most 69 nM)",
    (
        Criterion("peak_nM", "24-h peak", 323.0, 568.0, "nM"),
        Criterion("nadir_nM", "24-h nadir", None, 69.0, "nM"),
    ),
    _day_scn,
    _day_measure,
    _day_draw,
    cost=2.0,
)


# ---------------------------------------------------------------- V53/V54 waking off the clock
NAP_WAKE, _nap_scn, _nap_measure = _waking_runs("evening_nap", 13.0, 300.0, 1.5, 90.0)
"""Run from 13:00, a 90-min nap 18:00-19:30: waking at 390 min."""
SHIFT_WAKE, _shift_scn, _shift_measure = _waking_runs("night_shift_sleep", 2.0, 360.0, 4.5, 90.0)
"""Run from 02:00 (a night shift), sleep 08:00-12:30: waking at 630 min."""


FEDERENKO = (
    "Federenko et al. 2004, Psychoneuroendocrinology 29:174 (saliva 0, 30, 45, 60 min after "
    "waking: 'increased significantly under all three shift conditions (p<0.01), but "
    "decreased in the student sample (p<.05)' after a short nap, waking 18:45-20:30; night "
    "shift waking 11:00-14:00)"
)

V53 = Target(
    "V53",
    "No awakening response after an evening nap (prediction)",
    FEDERENKO,
    "run from 13:00, nap 18:00-19:30; free cortisol at +30 min / at waking; the paper "
    "reports a decrease (direction only)",
    (Criterion("ratio_30", "free cortisol at +30 min / at waking", None, 1.0, strict=True),),
    _nap_scn,
    _nap_measure,
    lambda title, out: _draw_waking(title, out, NAP_WAKE, "ratio"),
    prediction=True,
)

V54 = Target(
    "V54",
    "Awakening response after day sleep following a night shift (prediction)",
    FEDERENKO,
    "run from 02:00 awake, sleep 08:00-12:30; free cortisol at +30 min / at waking; the "
    "paper reports a significant increase (direction only)",
    (Criterion("ratio_30", "free cortisol at +30 min / at waking", 1.0, None, strict=True),),
    _shift_scn,
    _shift_measure,
    lambda title, out: _draw_waking(title, out, SHIFT_WAKE, "ratio"),
    prediction=True,
)

TARGETS = (V50, V51, V52, V53, V54)
