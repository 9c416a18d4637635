"""Exogenous and scheduled inputs: meals, exercise, sleep, drugs, infusions, GH pulse draws.

A :class:`Schedule` is built once from a validated scenario (and the run's seeded generator
for the random numbers of the GH pulse generator) and answers two questions for the engine:
the continuous inputs at time ``t`` (:meth:`Schedule.at`) and the bolus events due in a step
(:meth:`Schedule.events`). Everything here is deterministic given the scenario and seed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from types import SimpleNamespace

import numpy as np
from scipy import special

from sim import scenario as sc
from sim.interventions import base as ivb
from sim.interventions.base import Event, Span  # noqa: F401  (Span re-exported)
from sim.kinetics.body import wake_times
from sim.parameters import BODY, PHENOTYPES, body_params

DAY_MIN = 1440.0
_DEFAULT = {p.name: p.value for p in BODY}
NIGHT_START_CLOCK_H = 23.0
"""CONTRACT: nights not given start at 23:00 (a rule of the scenario format)."""
REPLACES_NIGHT_WITHIN_MIN = 720.0
"""A given sleep period starting within 12 h of a default night's start replaces it."""


@dataclass(frozen=True)
class Clamp:
    """A glucose clamp (``protocol: {kind: clamp}``): insulin held at ``levels`` (uU/mL), one
    per ``step`` minutes from ``start``, glucose held at ``glucose`` (mM); ``glucose`` None
    means the subject's own glucose at the start, kept in the body state (``clamp_glc``) so
    checkpoints carry it."""

    start: float
    step: float
    levels: tuple[float, ...]
    glucose: float | None

    def __call__(self, t: float) -> tuple[float, float | None] | None:
        """(insulin target uU/mL, glucose target mM or None for basal) at ``t``, or None
        before the clamp starts."""
        if t < self.start:
            return None
        k = min(int((t - self.start) // self.step), len(self.levels) - 1)
        return self.levels[k], self.glucose


def clamp_of(scn: sc.Scenario) -> Clamp | None:
    """The scenario's clamp, if its protocol is one."""
    proto = scn.protocol
    if proto is None or proto.kind != "clamp":
        return None
    glucose = None if proto.glucose_mM == "basal" else float(proto.glucose_mM)
    return Clamp(proto.start_min, proto.step_min, tuple(proto.insulin_steps()), glucose)


@dataclass
class Schedule:
    """All scheduled inputs of a run (times in minutes from the start)."""

    duration_min: float
    start_clock_h: float
    body_mass_kg: float
    bsa_m2: float
    exercise: list[tuple[Span, str]] = field(default_factory=list)
    insulin_inf: list[Span] = field(default_factory=list)  # pmol/kg/min
    glucose_inf: list[Span] = field(default_factory=list)  # mg/kg/min
    gh_inf: list[Span] = field(default_factory=list)  # ug/kg/min
    lipid: list[Span] = field(default_factory=list)  # mM held
    acipimox: list[Span] = field(default_factory=list)  # inhibition fraction
    tnf: list[Span] = field(default_factory=list)  # pg/mL added
    modulators: dict[str, list[Span]] = field(default_factory=dict)
    drug_inf: dict[str, list[Span]] = field(default_factory=dict)  # ug/kg/min, iv peptides
    sleep: list[Span] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    channels: dict[str, list[Span]] = field(default_factory=dict)
    """Spans of kinds that keep their own channel (by the kind's name), read back by the
    kind itself (its :meth:`~sim.interventions.base.Kind.cell_inputs`)."""
    gh_pulses: np.ndarray = field(default_factory=lambda: np.zeros((0, 2)))
    clamp: Clamp | None = None
    wakes: tuple[float, ...] = ()
    """Run times (min) of waking (:func:`sim.kinetics.body.wake_times`), set with the sleep
    periods when the schedule is built (:func:`finish_sleep`)."""
    prior_sleep_debt_h: float = 0.0
    sleep_need_h: float = _DEFAULT["sleep_need_h"]
    """S1: sleep per night against which hours lost count; the default night's length."""
    sleep_debt_tau_h: float = _DEFAULT["sleep_debt_tau_h"]
    """S1: recovery time constant of sleep debt (h)."""
    resistance_rest_vo2max: float = _DEFAULT["resistance_rest_vo2max"]
    """E1: work rate in the rest minute between resistance sets (fraction of VO2max)."""
    nap_max_min: float = _DEFAULT["nap_max_min"]
    """Sleep periods shorter than this are naps: they neither replace the night nor count as
    a night with hours lost (a 1-h nap is not a night of 7 h sleep debt)."""
    kcal_per_g_carbohydrate: float = _DEFAULT["diet_kcal_per_g_carbohydrate"]
    kcal_per_g_fat: float = _DEFAULT["diet_kcal_per_g_fat"]
    """A diet's energy surplus eaten as meals, in grams (:mod:`sim.interventions.diet`)."""
    fasting: Schedule | None = field(default=None, repr=False)
    """The schedule of the fasting warm-up: only the kinds with ``during_warm_up`` (sleep,
    sleep restriction, diet), the default nights and the same GH pulse train."""
    diet: SimpleNamespace = field(
        default_factory=lambda: SimpleNamespace(
            omega3=0.0, polyphenols=0.0, cr=0.0, fasting_h=0.0, start=0.0, end=math.inf
        )
    )

    def clock_h(self, t: float) -> float:
        """Time of day (h) at run time ``t``."""
        return (self.start_clock_h + t / 60.0) % 24.0

    def asleep(self, t: float) -> bool:
        return any(s.on(t) for s in self.sleep)

    def sleep_onsets(self) -> list[float]:
        return [s.start for s in self.sleep]

    def sleep_since(self, t: float) -> float | None:
        """Minutes since the onset of the sleep span containing ``t``; None awake."""
        for s in self.sleep:
            if s.on(t):
                return t - s.start
        return None

    def intensity(self, t: float) -> float:
        """Exercise intensity (fraction of VO2max) at ``t``; resistance is intermittent."""
        for span, mode in self.exercise:
            if span.on(t):
                if mode == "resistance":  # 1 min of sets, 1 min of rest
                    on = int((t - span.start) // 1.0) % 2 == 0
                    return span.value if on else self.resistance_rest_vo2max
                return span.value
        return 0.0

    def modulator(self, target: str, tissue: str, t: float) -> float:
        f = 1.0
        for s in self.modulators.get(target, []):
            if s.on(t) and s.tissue in ("all", tissue):
                f *= s.value
        return f

    def sleep_debt_h(self, t: float) -> float:
        """S1: hours of sleep lost (against ``sleep_need_h``) in earlier nights, recovering
        exponentially."""
        tau = self.sleep_debt_tau_h * 60.0
        debt = self.prior_sleep_debt_h * math.exp(-t / tau)
        for s in self.sleep:
            if s.end <= t and s.end - s.start >= self.nap_max_min:  # a nap is not a night
                lost = max(self.sleep_need_h - (s.end - s.start) / 60.0, 0.0)
                debt += lost * math.exp(-(t - s.end) / tau)
        return debt

    def due(self, t0: float, t1: float) -> list[Event]:
        """Events with ``t0 <= t < t1``."""
        return [e for e in self.events if t0 <= e.t < t1]


def _default_nights(sch: Schedule, given: list[Span]) -> list[Span]:
    """CONTRACT: nights not given default to 8 h (``sleep_need_h``) from 23:00 when the run
    spans days."""
    out = []
    length = sch.sleep_need_h * 60.0
    first = (NIGHT_START_CLOCK_H - sch.start_clock_h) * 60.0 % DAY_MIN
    t = first - DAY_MIN if first - DAY_MIN + length > 0 else first
    while t < sch.duration_min:
        night = Span(t, min(t + length, sch.duration_min), 1.0)
        # A night begun before the run keeps its real start: its slow-wave sleep (and GH
        # drive) began before t = 0 and its first hours are not counted as sleep lost.
        replaced = any(
            abs(g.start - t) < REPLACES_NIGHT_WITHIN_MIN and g.end - g.start >= sch.nap_max_min
            for g in given
        )
        if night.end > max(night.start, 0.0) and not replaced:
            out.append(night)
        t += DAY_MIN
    return out


GH_DRAWS_PER_DAY = 60
"""Pulse-generator draws per simulated day (at least 4x the fastest regulated burst rate)."""


def gh_pulse_draws(duration_min: float, rng: np.random.Generator, bp: object) -> np.ndarray:
    """H1: the random numbers of the GH pulse generator, drawn once from the run's seed.

    Column 0: gamma-distributed thresholds of the integrated pulse hazard (mean 1; shape
    ``bp.gh_interval_gamma_shape``, 4), so at constant drive bursts are as regular as
    gamma(4) intervals (Hartman 1992: interburst intervals cluster around their mean);
    column 1: log-normal burst-mass factors (mean 1, CV ``bp.gh_mass_cv``, 0.5). When and
    how large bursts are follows the regulation (:func:`sim.kinetics.body.fire_gh_pulses`);
    nothing here depends on sleep or meals.
    The warm-up before t = 0 uses the same draws.
    """
    n = int(math.ceil((max(duration_min, 0.0) + DAY_MIN) / DAY_MIN * GH_DRAWS_PER_DAY))
    # one pair of uniforms per burst, so a longer run extends the same sequence
    u = rng.random((n, 2))
    shape = bp.gh_interval_gamma_shape
    # the quantile functions of gamma(shape, scale 1 / shape) and of the standard normal,
    # as scipy.stats computes them (gammaincinv(a, q) * scale; ndtri), without importing
    # scipy.stats (~0.3 s at every start); tests/test_signals_draws.py checks they agree
    thresholds = special.gammaincinv(shape, u[:, 0]) * (1.0 / shape)
    sigma = math.sqrt(math.log(1.0 + bp.gh_mass_cv**2))
    mass = np.exp(-0.5 * sigma**2 + sigma * special.ndtri(u[:, 1]))
    return np.column_stack([thresholds, mass])


def _bsa_m2(mass_kg: float, height_cm: float) -> float:
    """Du Bois & Du Bois 1916 body surface area."""
    return 0.007184 * mass_kg**0.425 * height_cm**0.725


def finish_sleep(sch: Schedule, bp: object) -> None:
    """Sort the sleep periods and events of ``sch`` and record its wakings (``sch.wakes``),
    which the cortisol awakening response reads at every time; ``bp``: the body parameters
    (the habitual waking time)."""
    sch.sleep.sort(key=lambda s: s.start)
    sch.events.sort(key=lambda e: e.t)
    sch.wakes = tuple(wake_times(sch, bp))


def build_schedule(
    scn: sc.Scenario, rng: np.random.Generator, bp: object | None = None
) -> Schedule:
    """Translate a validated scenario into a schedule of inputs; ``bp``: the run's body
    parameters (default: the table's with the phenotype's and scenario's overrides)."""
    if bp is None:
        bp = body_params({**PHENOTYPES[scn.subject.phenotype], **scn.parameters})
    end = float(scn.duration_min)
    sleep = {
        "sleep_need_h": bp.sleep_need_h,
        "sleep_debt_tau_h": bp.sleep_debt_tau_h,
        "nap_max_min": bp.nap_max_min,
        "resistance_rest_vo2max": bp.resistance_rest_vo2max,
        "kcal_per_g_carbohydrate": bp.diet_kcal_per_g_carbohydrate,
        "kcal_per_g_fat": bp.diet_kcal_per_g_fat,
    }
    sch = Schedule(
        end,
        scn.start_clock_h,
        scn.subject.body_mass_kg,
        _bsa_m2(scn.subject.body_mass_kg, scn.subject.height_cm),
        **sleep,
    )
    # The fasting warm-up runs on a schedule of the kinds that belong to it (sleep, diet,
    # ...): each kind's own flag, so a kind not known here never doses the warm-up.
    fasting = Schedule(end, sch.start_clock_h, sch.body_mass_kg, sch.bsa_m2, **sleep)
    for iv in scn.interventions:
        kind = ivb.of(iv)
        kind.schedule(iv, sch, end)
        if kind.during_warm_up:
            kind.schedule(iv, fasting, end)
    proto = scn.protocol
    if proto is not None and proto.kind == "ogtt":
        sch.events.append(
            Event(
                proto.at_min,
                "meal",
                {
                    "carbs_g": proto.glucose_g,
                    "protein_g": 0.0,
                    "fat_g": 0.0,
                    "fiber_g": 0.0,
                    "liquid": 1.0,
                },
            )
        )
    if proto is not None and proto.kind == "ivgtt":
        sch.events.append(Event(proto.at_min, "iv_glucose", {"mg_kg": proto.glucose_g_kg * 1000.0}))
    for each in (sch, fasting):
        if proto is None or proto.kind != "medium":
            each.sleep.extend(_default_nights(each, list(each.sleep)))
        finish_sleep(each, bp)
    sch.clamp = fasting.clamp = clamp_of(scn)
    sch.gh_pulses = gh_pulse_draws(sch.duration_min, rng, bp)
    fasting.gh_pulses = sch.gh_pulses
    sch.fasting = fasting
    return sch
