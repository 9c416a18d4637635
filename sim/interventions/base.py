"""The intervention registry: one class per ``kind:`` of the scenario file.

In the manner of scipy's ``solve_ivp`` methods, a kind is a class registered under its name,
and every layer that handles interventions asks the registry instead of branching on the
kind's name: the scenario file's schema (:mod:`sim.scenario` builds its ``interventions``
union from the registered schemas), the schedule (:mod:`sim.signals`), the boluses applied to
the body state (:mod:`sim.model`), the cell inputs (:mod:`sim.engine`), the fasting warm-up
(which keeps only the kinds that say they belong to it) and the warm-state cache key.

A subclass of :class:`Kind`:

1. sets ``name``, the ``kind:`` key, and ``Schema``, a pydantic model deriving from
   :class:`Strict` (or :class:`Repeat` when it may repeat) whose ``kind`` field is
   ``Literal[name]``;
2. implements :meth:`Kind.schedule`: what one validated intervention adds to the run's
   :class:`sim.signals.Schedule` (spans on its channels, :class:`Event` boluses, settings);
3. implements :meth:`Kind.apply_event` for the events it schedules, naming them in
   ``events``: the bolus's effect on the body state, by compartment name;
4. may implement :meth:`Kind.cell_inputs`: its effect on the inputs every cell of a tissue
   sees (called at every step for every registered kind, on inputs that start at their
   neutral values);
5. may implement :meth:`Kind.parameter_factors` (effects on the cells' parameters when
   the model is built, e.g. knockouts), :meth:`Kind.check` (checks against the whole
   scenario) and :meth:`Kind.check_simulated_days` (remodelling runs that skip days);
6. sets ``during_warm_up`` True only when what it schedules is part of the subject's
   fasting state before t = 0 (sleep, diet); the default False keeps a kind out of the
   warm-up, so a kind nobody thought about is never dosed during it;
7. sets :meth:`Kind.acts_after_t0` True when the intervention cannot change the warmed-up
   state at t = 0 (its warm-cache key then leaves it out); the default False keeps it in.

:func:`register` adds a kind (and rebuilds the scenario schema); :func:`unregister` removes
one (tests). Nothing here imports the numerical layers: schedules and body state are reached
through the objects passed in.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, Literal, get_args

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

NonNeg = Annotated[float, Field(ge=0)]
Pos = Annotated[float, Field(gt=0)]
Frac = Annotated[float, Field(ge=0, le=1)]
Grams = Annotated[float, Field(ge=0, le=1000)]
Tissue = Literal["muscle", "liver", "adipose", "all"]


class Strict(BaseModel):
    """Base of every scenario-file model: unknown keys, NaN and booleans for numbers are
    errors; instances are frozen."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        allow_inf_nan=False,
        field_title_generator=lambda name, info: name,  # titles are the keys users write
    )

    @model_validator(mode="before")
    @classmethod
    def _no_booleans_for_numbers(cls, data: Any) -> Any:
        """YAML ``yes``/``true`` must not silently become 1 in a numeric field."""
        if isinstance(data, dict):
            for key, value in data.items():
                field = cls.model_fields.get(key)
                if isinstance(value, bool) and field is not None and field.annotation is not bool:
                    raise ValueError(f"{key}: expected a number or text, got a boolean ({value})")
        return data


class Repeat(Strict):
    """An intervention that may repeat: ``repeat_every_min`` until ``repeat_until_min``."""

    repeat_every_min: Pos | None = None
    repeat_until_min: NonNeg | None = None

    @model_validator(mode="after")
    def _repeat_pair(self) -> Repeat:
        if (self.repeat_until_min is not None) and self.repeat_every_min is None:
            raise ValueError("repeat_until_min needs repeat_every_min")
        return self

    def count(self, first: float, end: float) -> int:
        """How many repetitions :meth:`times` gives, without listing them."""
        if self.repeat_every_min is None:
            return 1
        until = end if self.repeat_until_min is None else min(self.repeat_until_min, end)
        if until < first:
            return 0
        return int(math.floor((until - first) / self.repeat_every_min)) + 1

    def times(self, first: float, end: float) -> list[float]:
        """Start times of every repetition within the run (``end`` excluded)."""
        if self.repeat_every_min is None:
            return [first]
        until = end if self.repeat_until_min is None else min(self.repeat_until_min, end)
        out, t = [], first
        while t <= until and t < end:
            out.append(t)
            t += self.repeat_every_min
        return out


@dataclass(frozen=True)
class Span:
    """A constant input on ``[start, end)``."""

    start: float
    end: float
    value: float
    tissue: str = "all"

    def on(self, t: float) -> bool:
        return self.start <= t < self.end


@dataclass(frozen=True)
class Event:
    """A bolus at ``t``: meal into the stomach, iv glucose/GH, sc GH or a secretagogue dose.
    ``kind`` names the event; the registered kind listing it in ``events`` applies it."""

    t: float
    kind: str
    amounts: dict[str, float]


@dataclass(frozen=True)
class BodyAccess:
    """What a bolus may touch: the body state ``x`` (changed in place) by compartment name,
    the body parameters and the body mass (kg)."""

    x: np.ndarray
    index: dict[str, int]
    bp: Any
    body_mass_kg: float

    def add(self, compartment: str, amount: float) -> None:
        """Add ``amount`` to a body compartment (in the compartment's own unit)."""
        self.x[self.index[compartment]] += amount


def span_end(start: float, duration: float | None, end: float) -> float:
    """End of a span begun at ``start`` lasting ``duration`` (to the run's end when None)."""
    return end if duration is None else min(start + duration, end)


def first_time(iv: BaseModel) -> float:
    """When an intervention starts: its ``at_min`` or ``start_min``."""
    return iv.at_min if hasattr(iv, "at_min") else iv.start_min


class Kind:
    """Base class of an intervention kind (the subclass contract is the module docstring)."""

    name: ClassVar[str] = ""
    Schema: ClassVar[type[Strict]]
    events: ClassVar[tuple[str, ...]] = ()
    during_warm_up: ClassVar[bool] = False

    @classmethod
    def schedule(cls, iv: Any, sch: Any, end: float) -> None:
        """Add what intervention ``iv`` stands for to the schedule ``sch`` of a run ending
        at ``end`` (min)."""
        raise NotImplementedError(f"{cls.__name__}.schedule")

    @classmethod
    def apply_event(cls, ev: Event, body: BodyAccess) -> None:
        """The effect of one of this kind's events on the body state."""
        raise NotImplementedError(f"{cls.__name__} schedules no event {ev.kind!r}")

    @classmethod
    def cell_inputs(cls, ctx: Any, t: float, tissue: Any, u: dict[str, Any]) -> None:
        """Change the inputs ``u`` of every cell of ``tissue`` (an engine ``Tissue``: its
        ``name``, ``param_mean``) at ``t``, in place; ``ctx`` is the run's context (its
        schedule ``ctx.sch``, body parameters ``ctx.bp``). ``u`` holds every declared input
        (sim/kinetics/cell_inputs.py), at its neutral value unless something set it."""

    @classmethod
    def parameter_factors(cls, iv: Any, tissue: str) -> dict[str, float]:
        """Factors on the cell parameters of ``tissue`` (``<tissue>.<name>``) when built."""
        return {}

    @classmethod
    def check(cls, iv: Any, i: int, scn: Any) -> None:
        """Raise ValueError when ``iv`` (item ``i``) does not fit the scenario ``scn``."""

    @classmethod
    def check_simulated_days(cls, iv: Any, i: int, k: int) -> None:
        """A remodelling run simulates one day in ``k`` and repeats it for the others: a
        timed intervention must repeat daily or fall on a simulated day."""
        t = getattr(iv, "at_min", getattr(iv, "start_min", None))
        if t is None:
            return
        every = getattr(iv, "repeat_every_min", None)
        daily = every is not None and abs(1440.0 / every - round(1440.0 / every)) < 1e-9
        if not daily and int(t // 1440) % k != 0:
            raise ValueError(
                f"interventions.{i} at {t:g} min falls on day {int(t // 1440)}, which "
                f"remodel.simulate_every_days={k} does not simulate: repeat it daily "
                f"(repeat_every_min: 1440) or move it to a day divisible by {k}"
            )

    @classmethod
    def acts_after_t0(cls, iv: Any) -> bool:
        """True when ``iv`` cannot change the warmed-up state at t = 0 (see
        :mod:`sim.warmcache`); False (kept in the cache key) unless a kind knows better."""
        return False


class SpanKind(Kind):
    """A kind that adds one constant span per repetition to a list channel of the schedule
    (``channel``), with the value of the schema field ``field`` times ``scale``. It starts
    after t = 0 only when its ``start_min`` is positive."""

    channel: ClassVar[str] = ""
    field: ClassVar[str] = ""

    @classmethod
    def value(cls, iv: Any, sch: Any) -> float:
        return getattr(iv, cls.field)

    @classmethod
    def schedule(cls, iv: Any, sch: Any, end: float) -> None:
        spans = getattr(sch, cls.channel)
        for t in iv.times(first_time(iv), end):
            spans.append(Span(t, span_end(t, iv.duration_min, end), cls.value(iv, sch)))

    @classmethod
    def acts_after_t0(cls, iv: Any) -> bool:
        return iv.start_min > 0


REGISTRY: dict[str, type[Kind]] = {}
"""Registered kinds by name, in registration order (the order of the schema's union)."""
_EVENTS: dict[str, type[Kind]] = {}
_LISTENERS: list[Callable[[], None]] = []


def on_change(listener: Callable[[], None]) -> None:
    """Call ``listener`` after every :func:`register` / :func:`unregister` (the scenario
    module rebuilds its schema)."""
    _LISTENERS.append(listener)


def register(cls: type[Kind]) -> type[Kind]:
    """Register kind ``cls`` (usable as a class decorator); refuses a name or event name
    already taken and a schema whose ``kind`` field is not ``Literal[cls.name]``."""
    if not cls.name or cls.name in REGISTRY:
        raise ValueError(f"intervention kind {cls.name!r}: empty or already registered")
    field = cls.Schema.model_fields.get("kind")
    if field is None or get_args(field.annotation) != (cls.name,):
        raise ValueError(f"{cls.__name__}.Schema needs kind: Literal[{cls.name!r}]")
    taken = [e for e in cls.events if e in _EVENTS]
    if taken:
        raise ValueError(f"{cls.__name__}: events {taken} belong to another kind")
    REGISTRY[cls.name] = cls
    _EVENTS.update(dict.fromkeys(cls.events, cls))
    for listener in _LISTENERS:
        listener()
    return cls


def unregister(name: str) -> None:
    """Remove kind ``name`` (and its events) from the registry."""
    cls = REGISTRY.pop(name)
    for e in cls.events:
        _EVENTS.pop(e, None)
    for listener in _LISTENERS:
        listener()


def kind(name: str) -> type[Kind]:
    """The registered kind ``name``."""
    return REGISTRY[name]


def of(iv: BaseModel) -> type[Kind]:
    """The registered kind of a validated intervention."""
    return REGISTRY[iv.kind]


def event_kind(event: str) -> type[Kind]:
    """The kind that applies events named ``event``."""
    try:
        return _EVENTS[event]
    except KeyError:
        raise KeyError(f"no registered intervention kind applies event {event!r}") from None


def schemas() -> list[type[Strict]]:
    """The schemas of the registered kinds, in registration order."""
    return [cls.Schema for cls in REGISTRY.values()]
