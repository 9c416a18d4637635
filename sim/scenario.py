"""Scenario files: pydantic models of CONTRACT's keys, loading, overrides and clear errors.

A scenario is validated completely before anything runs or is written; an error names the
file, the key path, the offending value and what is allowed.
"""

from __future__ import annotations

import copy
import difflib
import math
import re
import types
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, Field, ValidationError, field_validator, model_validator
from pydantic.fields import FieldInfo

from sim import limits
from sim.inputs import InputError, is_number, load_yaml, read_text, short, short_text
from sim.interventions import base as ivb  # the package registers the built-in kinds
from sim.interventions.acipimox import Acipimox  # noqa: F401  (re-exported)
from sim.interventions.base import Frac, Grams, NonNeg, Pos, Repeat, Strict, Tissue  # noqa: F401
from sim.interventions.diet import Diet  # noqa: F401  (re-exported)
from sim.interventions.exercise import Exercise  # noqa: F401  (re-exported)
from sim.interventions.gh_infusion import GhInfusion  # noqa: F401  (re-exported)
from sim.interventions.gh_injection import GhInjection  # noqa: F401  (re-exported)
from sim.interventions.glucose_infusion import GlucoseInfusion  # noqa: F401  (re-exported)
from sim.interventions.insulin_infusion import InsulinInfusion  # noqa: F401  (re-exported)
from sim.interventions.knockout import Knockout  # noqa: F401  (re-exported)
from sim.interventions.lipid_infusion import LipidInfusion  # noqa: F401  (re-exported)
from sim.interventions.meal import Meal  # noqa: F401  (re-exported)
from sim.interventions.modulator import MODULATOR_TARGETS, Modulator  # noqa: F401
from sim.interventions.secretagogue import Secretagogue  # noqa: F401  (re-exported)
from sim.interventions.sleep import Sleep  # noqa: F401  (re-exported)
from sim.interventions.sleep_restriction import SleepRestriction  # noqa: F401  (re-exported)
from sim.interventions.tnf_infusion import TnfInfusion  # noqa: F401  (re-exported)
from sim.interventions.training import Training  # noqa: F401  (re-exported)
from sim.parameters import LAYOUT_COUNTS, overridable_params

MAX_DURATION_MIN = 366 * 1440.0
"""Longest run accepted (one year of simulated time)."""


class ScenarioError(ValueError):
    """Invalid scenario input; the message is meant for the user (exit status 2)."""


_Strict = Strict
_Repeat = Repeat


def _intervention_union() -> Any:
    """The ``interventions`` item type: the registered kinds' schemas, keyed by ``kind``."""
    members = tuple(ivb.schemas())
    return Annotated[Union[members], Field(discriminator="kind")]  # noqa: UP007


Intervention = _intervention_union()

Steps = float | list[tuple[NonNeg, NonNeg]]


class Clamp(_Strict):
    kind: Literal["clamp"]
    insulin_uU_ml: Pos | Annotated[list[Pos], Field(min_length=1, max_length=1000)] = 100.0
    step_min: Annotated[float, Field(gt=0, le=MAX_DURATION_MIN)] = 120.0
    glucose_mM: Annotated[float, Field(gt=1, le=30)] | Literal["basal"] = 5.0
    """Glucose target (mM), or ``basal``: the subject's own plasma glucose when the clamp
    starts (a euglycaemic clamp in DeFronzo's sense, held at each subject's fasting level)."""
    start_min: NonNeg = 0.0

    def insulin_steps(self) -> list[float]:
        v = self.insulin_uU_ml
        return list(v) if isinstance(v, list) else [v]


class Ogtt(_Strict):
    kind: Literal["ogtt"]
    glucose_g: Annotated[float, Field(gt=0, le=300)] = 75.0
    at_min: NonNeg = 0.0


class Ivgtt(_Strict):
    kind: Literal["ivgtt"]
    glucose_g_kg: Annotated[float, Field(gt=0, le=1.0)] = 0.3
    at_min: NonNeg = 0.0


class Medium(_Strict):
    kind: Literal["medium"]
    insulin_nM: Steps = 0.0
    gh_ug_l: Steps = 0.0
    glucose_mM: Steps = 5.0
    ffa_mM: Steps = 0.5
    tnf_pg_ml: Steps = 0.0

    @field_validator("insulin_nM", "gh_ug_l", "glucose_mM", "ffa_mM", "tnf_pg_ml")
    @classmethod
    def _nonneg(cls, v: Steps) -> Steps:
        values = [v] if isinstance(v, float | int) else [x for _, x in v]
        if any(x < 0 for x in values):
            raise ValueError("concentrations must be >= 0")
        return v


Protocol = Annotated[Clamp | Ogtt | Ivgtt | Medium, Field(discriminator="kind")]


class Subject(_Strict):
    phenotype: Literal["healthy", "obese", "t2d"] = "healthy"
    body_mass_kg: Annotated[float, Field(ge=20, le=400)] = 75.0
    height_cm: Annotated[float, Field(ge=100, le=230)] = 175.0


class Cells(_Strict):
    muscle: Annotated[int, Field(ge=1, le=5_000_000)] = 500
    liver: Annotated[int, Field(ge=1, le=5_000_000)] = 200
    adipose: Annotated[int, Field(ge=1, le=5_000_000)] = 200


class Remodel(_Strict):
    """Tissue remodelling over days to months (docs/remodelling.md): adipocytes that grow,
    shrink, die and are born on the graph, and macrophages. Absent: no remodelling, and the
    run is exactly what it was without this block."""

    every_min: Annotated[float, Field(gt=0, le=1440)] = 1440.0
    """The slow (remodelling) time step; divides a day. Each slow step uses the per-cell
    signals averaged over the fast steps of the period before it."""
    simulate_every_days: Annotated[int, Field(ge=1, le=28)] = 1
    """K: simulate one day at full resolution every K days and apply the K - 1 days between
    with that day's averaged signals (1: every day at full resolution)."""
    capacity_factor: Annotated[float, Field(ge=1, le=10)] = 2.0
    """Adipocyte slots kept per initial adipocyte (births beyond it are refused, logged)."""
    muscle: bool = True
    """Muscle fibres remodel too (size, type, capillaries; docs/remodelling.md)."""
    liver: bool = True
    """Hepatocytes carry their lipid (zonated triglyceride feeding DAG -> PKC-epsilon)."""
    settle_days: Annotated[int, Field(ge=0, le=14)] = 3
    """Days of the scenario's daily routine (daily meals from day 0, sleep, diet) simulated
    after the fasting warm-up and before t = 0, so that day 0, to which the remodelling rules
    refer, starts at the daily steady state (0: start from the fasting warm-up)."""


class Scenario(_Strict):
    """A complete, validated scenario (CONTRACT: Scenario file)."""

    name: Annotated[str, Field(min_length=1, max_length=120, pattern=r"^[A-Za-z0-9_.\-]+$")]
    seed: Annotated[int, Field(ge=0, le=2**63 - 1)] = 0
    duration_min: Annotated[float, Field(gt=0, le=MAX_DURATION_MIN)] | None = None
    dt_min: Annotated[float, Field(gt=0, le=5)] = 1.0
    start_clock_h: Annotated[float, Field(ge=0, lt=24)] = 8.0
    engine: Literal["vector", "agent"] = "vector"
    record_every_min: Annotated[float, Field(gt=0, le=MAX_DURATION_MIN)] = 5.0
    cell_record_every_min: Annotated[float, Field(gt=0, le=MAX_DURATION_MIN)] = 60.0
    subject: Subject = Subject()
    cells: Cells = Cells()
    heterogeneity_cv: Annotated[float, Field(ge=0, le=1)] = 0.15
    parameters: dict[str, float] = {}
    protocol: Protocol | None = None
    interventions: list[Intervention] = []
    remodel: Remodel | None = None

    @field_validator("parameters")
    @classmethod
    def _known_params(cls, v: dict[str, float]) -> dict[str, float]:
        known = overridable_params()
        for key, value in v.items():
            if key not in known:
                raise ValueError(unknown_parameter(key))
            lo, hi = known[key].bounds
            if not lo <= value <= hi:
                raise ValueError(f"parameter {key}={value} outside its range [{lo}, {hi}]")
            table, _, name = key.partition(".")
            if table == "layout" and name in LAYOUT_COUNTS and value != int(value):
                raise ValueError(
                    f"parameter {key}={value} must be a whole number (a count), {int(lo)}-{int(hi)}"
                )
        return v

    @model_validator(mode="after")
    def _intervention_defaults(self) -> Scenario:
        """``intervention.<kind>_<field>`` parameters set that field of every intervention of
        the kind that does not give it (sim.parameters.INTERVENTION)."""
        for key, value in self.parameters.items():
            table, _, name = key.partition(".")
            if table != "intervention":
                continue
            for iv in self.interventions:
                kind = getattr(iv, "kind", "")
                field = name[len(kind) + 1 :] if name.startswith(f"{kind}_") else None
                if field in type(iv).model_fields and field not in iv.model_fields_set:
                    object.__setattr__(iv, field, value)
                    iv.model_fields_set.add(field)
        return self

    @model_validator(mode="after")
    def _times_within_run(self) -> Scenario:
        if self.duration_min is None:
            raise ValueError("duration_min is required (no protocol implies it here)")
        end = self.duration_min
        for i, iv in enumerate(self.interventions):
            for key in ("at_min", "start_min"):
                t = getattr(iv, key, None)
                if t is not None and t >= end:
                    raise ValueError(
                        f"interventions.{i}.{key}={t} is not before the end of the "
                        f"run (duration_min={end})"
                    )
        if self.protocol is not None:
            start = getattr(self.protocol, "start_min", getattr(self.protocol, "at_min", 0.0))
            if start >= end:
                raise ValueError(f"protocol starts at {start}, not before duration_min={end}")
        if self.record_every_min < self.dt_min:
            raise ValueError("record_every_min must be >= dt_min")
        self._whole_steps()
        if self.record_every_min > end:
            raise ValueError(
                f"record_every_min={self.record_every_min:g} is longer than the run "
                f"(duration_min={end:g}): the time series would hold one row"
            )
        self._bounded_events(end)
        self._timed_inputs(end)
        self._remodel_fits()
        return self

    def _remodel_fits(self) -> None:
        """A ``remodel:`` block fits the run; energy balance needs one (docs/remodelling.md)."""
        rm = self.remodel
        if rm is None:
            return
        per_day = 1440.0 / rm.every_min
        if abs(per_day - round(per_day)) > 1e-9:
            raise ValueError(f"remodel.every_min={rm.every_min:g} must divide a day (1440 min)")
        n = rm.every_min / self.dt_min
        if abs(n - round(n)) > 1e-6 * max(1.0, n):
            raise ValueError(
                f"remodel.every_min={rm.every_min:g} is not a whole number of steps of "
                f"dt_min={self.dt_min:g}"
            )
        if self.engine != "vector":
            raise ValueError(
                "remodel: needs engine: vector (the per-agent engine is not built "
                "for cells that are born and die)"
            )
        if isinstance(self.protocol, Medium):
            raise ValueError("remodel: needs a body (protocol kind medium has none)")
        if self.cells.adipose < 2:
            raise ValueError(
                f"remodel: needs cells.adipose >= 2 (one adipocyte per depot), got "
                f"{self.cells.adipose}"
            )
        if rm.simulate_every_days > 1:
            self._skipped_days_repeat(rm.simulate_every_days)

    def _skipped_days_repeat(self, k: int) -> None:
        """With K > 1 the days between simulated ones repeat the simulated day: a timed
        event must repeat daily or fall on a simulated day (day index divisible by K)."""
        for i, iv in enumerate(self.interventions):
            ivb.of(iv).check_simulated_days(iv, i, k)

    def _whole_steps(self) -> None:
        """The run, and both recording cadences, are whole numbers of steps; the number of
        steps is bounded (:mod:`sim.limits`)."""
        dt = self.dt_min
        limits.check(
            "steps",
            (self.duration_min + limits.WARMUP_MIN) / dt,
            f"(duration_min + the {limits.WARMUP_MIN:g}-min warm-up) / dt_min = "
            f"({self.duration_min:g} + {limits.WARMUP_MIN:g}) / {dt:g}",
        )
        for key in ("duration_min", "record_every_min", "cell_record_every_min"):
            n = getattr(self, key) / dt
            if n < 1 - 1e-9 or abs(n - round(n)) > 1e-6 * max(1.0, n):
                raise ValueError(
                    f"{key}={getattr(self, key):g} is not a whole number of steps of "
                    f"dt_min={dt:g} (choose dt_min dividing {getattr(self, key):g})"
                )

    def _bounded_events(self, end: float) -> None:
        total = 0
        for i, iv in enumerate(self.interventions):
            if isinstance(iv, Repeat):
                first = getattr(iv, "at_min", getattr(iv, "start_min", 0.0))
                n = iv.count(first, end)
                limits.check("events", n, f"interventions.{i}.repeat_every_min")
                total += n
        limits.check("events", total, "interventions")

    def _timed_inputs(self, end: float) -> None:
        """Medium steps fall within the run; each intervention fits the scenario (its kind's
        :meth:`~sim.interventions.base.Kind.check`: e.g. an infusion lasts at least one step)."""
        proto = self.protocol
        if isinstance(proto, Medium):
            for key in ("insulin_nM", "gh_ug_l", "glucose_mM", "ffa_mM", "tnf_pg_ml"):
                steps = getattr(proto, key)
                for j, (t, _) in enumerate(steps if isinstance(steps, list) else []):
                    if t >= end:
                        raise ValueError(
                            f"protocol.{key}.{j}: step at {t:g} min is not before the end of "
                            f"the run (duration_min={end:g})"
                        )
        for i, iv in enumerate(self.interventions):
            ivb.of(iv).check(iv, i, self)  # each kind's own checks against the scenario

    @model_validator(mode="before")
    @classmethod
    def _cadences_on_steps(cls, data: Any) -> Any:
        """A recording cadence the file does not give defaults to the smallest whole number
        of steps at least as long as the usual one (5 and 60 min, or the run's length when
        that is shorter)."""
        if not isinstance(data, dict):
            return data
        dt, end = data.get("dt_min", 1.0), data.get("duration_min")
        if not is_number(dt) or not 0 < dt <= 5:
            return data
        for key, usual in (("record_every_min", 5.0), ("cell_record_every_min", 60.0)):
            if key not in data:
                if key == "record_every_min" and is_number(end) and dt <= end < usual:
                    usual = end  # a run shorter than the usual cadence: record its end
                data = {**data, key: max(1, math.ceil(usual / dt - 1e-9)) * dt}
        return data

    @model_validator(mode="before")
    @classmethod
    def _implied_duration(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("duration_min") is None:
            proto = data.get("protocol") or {}
            if isinstance(proto, dict) and proto.get("kind") == "clamp":
                steps = proto.get("insulin_uU_ml", 100.0)
                n = len(steps) if isinstance(steps, list) else 1
                data = {
                    **data,
                    "duration_min": proto.get("start_min", 0.0) + n * proto.get("step_min", 120.0),
                }
            elif isinstance(proto, dict) and proto.get("kind") in ("ogtt", "ivgtt"):
                data = {**data, "duration_min": proto.get("at_min", 0.0) + 180.0}
        return data


def _rebuild_schema() -> None:
    """Rebuild the scenario schema from the registry (a kind registered or removed)."""
    global Intervention
    Intervention = _intervention_union()
    Scenario.model_fields["interventions"] = FieldInfo.from_annotated_attribute(
        list[Intervention], []
    )
    Scenario.model_rebuild(force=True)


ivb.on_change(_rebuild_schema)


_TYPE_TAG = re.compile(r"^(function-\w+|constrained-\w+|\w+\[.*\]|float|int|str|bool|none)$")
"""Parts of a pydantic error location naming a union member's type, not a key."""
UNITS = {
    "_mM": "mM",
    "_nM": "nM",
    "_uU_ml": "µU/mL",
    "_pg_ml": "pg/mL",
    "_ug_l": "µg/L",
    "_mg_kg_min": "mg/kg/min",
    "_ng_kg_min": "ng/kg/min",
    "_mU_m2_min": "mU/m²/min",
    "_g_kg": "g/kg",
    "_g_day": "g/day",
    "_mg_day": "mg/day",
    "_mg": "mg",
    "_ug": "µg",
    "_kg": "kg",
    "_cm": "cm",
    "_g": "g",
    "_min": "minutes",
    "_h": "hours",
    "_vo2max": "a fraction of VO2max, 0-1",
}
"""Unit of a key, from its suffix (CONTRACT: units are in the key names)."""
HINTS = {
    "glucose_mM": "glucose is in mM: divide mg/dL by 18 (90 mg/dL = 5.0 mM)",
    "dose_mg": "rhGH doses are in mg (1,000 µg = 1 mg; 1 IU ≈ 0.33 mg)",
    "dose_ug": "secretagogue doses are in µg",
    "insulin_uU_ml": "insulin is in µU/mL (6 pmol/L = 1 µU/mL)",
    "intensity_vo2max": "intensity is a fraction of VO2max: 0.7 for 70 %",
}
"""Likely unit mistakes, named in messages about a key's range."""


def _all_keys() -> list[str]:
    """Every key a scenario or sweep file may hold (for "did you mean")."""
    keys: set[str] = set()
    todo: list[type[BaseModel]] = list(_Strict.__subclasses__())
    while todo:
        cls = todo.pop()
        keys.update(cls.model_fields)
        todo.extend(cls.__subclasses__())
    return sorted(keys)


def _unit_hint(key: str, etype: str) -> str:
    if etype not in ("less_than_equal", "less_than", "greater_than", "greater_than_equal"):
        return ""
    if key in HINTS:
        return f"; {HINTS[key]}"
    unit = next((u for suffix, u in UNITS.items() if key.endswith(suffix)), None)
    return f" [{unit}]" if unit else ""


def format_validation_error(
    source: str, what: str, err: ValidationError, keys: list[str] | None = None
) -> str:
    """One line per problem: key path, message (with the key's unit, a likely unit mistake,
    or "did you mean" for an unknown key), and the offending value shown within 80
    characters (:func:`sim.inputs.short`, which never serialises a whole input). The
    alternatives of a union (a number or ``basal``) are joined on one line."""
    merged: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    known = keys if keys is not None else _all_keys()
    for e in err.errors(include_url=False):
        parts = [str(x) for x in e["loc"] if not _TYPE_TAG.match(str(x))]
        loc = ".".join(parts)
        msg = e["msg"].replace("Value error, ", "")
        last = parts[-1] if parts else ""
        if e["type"] == "union_tag_invalid":  # an unknown kind: never echo it whole
            ctx = e.get("ctx", {})
            tag = str(ctx.get("tag", ""))
            allowed = [t.strip(" '") for t in str(ctx.get("expected_tags", "")).split(",")]
            close = difflib.get_close_matches(tag, allowed, n=3, cutoff=0.6)
            msg = f"{str(ctx.get('discriminator', 'kind')).strip(chr(39))} {short(tag, 60)} "
            msg += "is not one of: "
            msg += ", ".join(allowed) + (f"; did you mean {' or '.join(close)}?" if close else "")
        elif e["type"] == "extra_forbidden":
            close = difflib.get_close_matches(last, known, n=3, cutoff=0.6)
            msg += f"; did you mean {' or '.join(close)}?" if close else ""
        else:
            msg += _unit_hint(last, e["type"])
        if msg not in merged.setdefault(loc, []):
            merged[loc].append(msg)
        values.setdefault(loc, e.get("input"))
    lines = [f"{source}: invalid {what}"]
    for loc, msgs in list(merged.items())[:20]:
        got = f" (got {short(values[loc])})" if loc else ""
        lines.append(f"  {short_text(loc, 120) or '<top>'}: {'; or '.join(msgs)}{got}")
    if len(merged) > 20:
        lines.append(f"  ... and {len(merged) - 20} more")
    return "\n".join(lines)


def _format_error(source: str, err: ValidationError) -> str:
    return format_validation_error(source, "scenario", err)


def read_yaml_mapping(
    path: Path,
    what: str,
    error: type[ScenarioError] = ScenarioError,
    expected: str = "a YAML mapping",
) -> dict[str, Any]:
    """A YAML mapping from ``path`` (safe loading only); any problem raises ``error`` naming the
    file: unreadable, not YAML, or not a mapping. ``what`` names the file kind in messages."""
    try:
        data = load_yaml(read_text(path, what), str(path))
    except InputError as exc:
        raise error(str(exc)) from None
    if not isinstance(data, dict):
        raise error(f"{path}: {what} must be {expected}, got {type(data).__name__}")
    return data


def parse_value(text: str) -> Any:
    """Parse a ``--set`` value with YAML scalar rules (numbers, booleans, lists)."""
    try:
        return load_yaml(text, "--set")
    except InputError as exc:
        if "not valid YAML" in str(exc):
            return text
        raise ScenarioError(str(exc)) from None


def parameter_suggestions(key: str) -> list[str]:
    """Declared parameters closest to an unknown dotted name ``<table>.<name>``: difflib over
    the names of that tissue or body table; when nothing there is close (or the table is
    unknown), the same name in other tables, else the closest names in any table."""
    split = [k.partition(".")[::2] for k in overridable_params()]
    table, _, name = key.rpartition(".")
    names = [n for t, n in split if t == table]
    close = [f"{table}.{n}" for n in difflib.get_close_matches(name, names, n=3, cutoff=0.6)]
    if close:
        return close
    same = [f"{t}.{n}" for t, n in split if n == name]
    if same:
        return same[:3]
    close = difflib.get_close_matches(name, list(dict.fromkeys(n for _, n in split)), 3, 0.6)
    return [f"{t}.{n}" for c in close for t, n in split if n == c][:3]


def unknown_parameter(key: str) -> str:
    """The message for a parameter name that sim/parameters.py does not declare."""
    close = parameter_suggestions(key)
    hint = f"; did you mean {' or '.join(close)}?" if close else ""
    tables = sorted({k.partition(".")[0] for k in overridable_params()})
    if key.rpartition(".")[0] not in tables:
        hint += f" (names are <table>.<name>, table one of {', '.join(tables)})"
    return f"unknown parameter {key!r}{hint}; every name: `sim schema`, docs/parameters.md"


def _concrete(ann: Any, node: Any) -> Any:
    """What a value of annotation ``ann`` holding ``node`` is: a model class (a union keyed
    by ``kind`` resolved by the node's kind), a ``list[...]`` annotation, or None when that
    cannot be told (a scalar, a union of scalars and lists, an unknown kind)."""
    if ann is None:
        return None
    if get_origin(ann) is Annotated:
        return _concrete(get_args(ann)[0], node)
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return ann
    if get_origin(ann) is list:
        return ann
    if get_origin(ann) in (Union, types.UnionType):
        members = [a for a in get_args(ann) if a is not type(None)]
        if len(members) == 1:
            return _concrete(members[0], node)
        kind = node.get("kind") if isinstance(node, dict) else None
        for m in members:
            m = _concrete(m, None)
            if isinstance(m, type) and "kind" in m.model_fields:
                if kind in get_args(m.model_fields["kind"].annotation):
                    return m
    return None


def _describe(path: str, model: type[BaseModel]) -> str:
    where = path or "the scenario"
    kind = model.model_fields.get("kind")
    return f"{where} (kind {get_args(kind.annotation)[0]})" if kind is not None else where


def set_path(data: dict[str, Any], key: str, value: Any) -> dict[str, Any]:
    """A copy of the scenario mapping ``data`` with the dotted ``key`` set to ``value``: the
    rules of ``sim run --set`` and of sweep designs. ``parameters.<table>.<name>`` keeps its
    dotted name; a list item is named by its index (``interventions.0.carbs_g``) and must
    exist; a key must be one of that item's keys. Raises ScenarioError (without a prefix: the
    caller names where the key came from) for an unknown parameter or key (with the closest
    names), an index out of range (with the number of items) or a path through a value."""
    out = copy.deepcopy(data)
    parts = key.strip().split(".")
    if parts[0] == "parameters" and len(parts) > 1:
        name = ".".join(parts[1:])
        if name not in overridable_params():
            raise ScenarioError(unknown_parameter(name))
        if not isinstance(out.get("parameters"), dict):
            out["parameters"] = {}
        out["parameters"][name] = value
        return out
    node: Any = out
    ann: Any = Scenario
    for i, part in enumerate(parts):
        here, last = ".".join(parts[:i]), i == len(parts) - 1
        kind = _concrete(ann, node)
        if isinstance(node, list):
            items, n = node, len(node)
            span = {0: "no items", 1: "1 item (index 0)"}.get(n, f"{n} items (indices 0-{n - 1})")
            if not part.isdigit():
                raise ScenarioError(f"{here} is a list ({span}): name an item by its index")
            if int(part) >= n:
                extra = "" if n else f"; give the whole list instead ({here}=[{{...}}])"
                raise ScenarioError(f"index {part} is out of range: {here} has {span}{extra}")
            if last:
                items[int(part)] = value
                return out
            ann = get_args(kind)[0] if get_origin(kind) is list else None
            node = items[int(part)]
            continue
        if not isinstance(node, dict):
            raise ScenarioError(f"{here} is {short(node)}, not a mapping: it has no key {part!r}")
        field = None
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            field = kind.model_fields.get(part)
            if field is None:
                allowed = list(kind.model_fields)
                close = difflib.get_close_matches(part, allowed, n=3, cutoff=0.6)
                hint = f"; did you mean {' or '.join(close)}?" if close else ""
                raise ScenarioError(
                    f"{part!r} is not a key of {_describe(here, kind)}{hint} "
                    f"(allowed: {', '.join(allowed)})"
                )
        ann = field.annotation if field is not None else None
        if last:
            node[part] = value
            return out
        if node.get(part) is None:
            if get_origin(_concrete(ann, None)) is list:
                node = []  # an absent list has no items (reported with the next part)
                continue
            node[part] = {}
        node = node[part]
    return out


def apply_set(data: dict[str, Any], assignment: str) -> dict[str, Any]:
    """Apply one ``KEY=VALUE`` override (:func:`set_path` rules)."""
    if "=" not in assignment:
        raise ScenarioError(f"--set {assignment!r}: expected KEY=VALUE")
    key, raw = assignment.split("=", 1)
    value = parse_value(raw)
    try:
        return set_path(data, key, value)
    except ScenarioError as exc:
        raise ScenarioError(f"--set {key.strip()}: {exc}") from None


def load_scenario(
    source: str | Path | dict[str, Any],
    overrides: list[str] | None = None,
    seed: int | None = None,
) -> Scenario:
    """Load and validate a scenario from a YAML path or a mapping.

    Args:
        source: path to a YAML file, or an already-parsed mapping.
        overrides: ``KEY=VALUE`` strings (as ``sim run --set``).
        seed: replaces the scenario's seed when given.

    Raises:
        ScenarioError: with a message naming file, key path, value and what is allowed.
    """
    if isinstance(source, dict):
        data, label = copy.deepcopy(source), "<scenario>"
    else:
        data = read_yaml_mapping(
            Path(source), "a scenario file", expected="a YAML mapping with at least `name`"
        )
        label = str(source)
    if overrides:  # a value that fails validation may come from the command line
        label += f" with --set {short_text(' '.join(overrides), 120)}"
    for assignment in overrides or []:
        data = apply_set(data, assignment)
    if seed is not None:
        data["seed"] = seed
    try:
        return Scenario.model_validate(data)
    except ValidationError as err:
        raise ScenarioError(_format_error(label, err)) from None


def scenario_schema() -> dict[str, Any]:
    """JSON Schema of the scenario file, with every model parameter ``parameters`` accepts
    (its unit, range and source)."""
    schema = Scenario.model_json_schema()
    schema["properties"]["parameters"] = {
        "title": "parameters",
        "description": "dotted overrides of model parameters (<tissue or body>.<name>)",
        "type": "object",
        "additionalProperties": False,
        "properties": {
            name: {
                "type": "number",
                **({"minimum": p.bounds[0]} if math.isfinite(p.bounds[0]) else {}),
                **({"maximum": p.bounds[1]} if math.isfinite(p.bounds[1]) else {}),
                "default": p.value,
                "description": f"[{p.unit}] {p.source}",
            }
            for name, p in sorted(overridable_params().items())
        },
    }
    return schema


def to_yaml(scenario: Scenario) -> str:
    """The scenario with every default filled in, as YAML (no ``remodel`` key when the
    scenario has no remodelling, so such a scenario reads as it did before the key existed)."""
    data = scenario.model_dump(mode="json")
    if data.get("remodel") is None:
        data.pop("remodel", None)
    return yaml.safe_dump(data, sort_keys=False)
