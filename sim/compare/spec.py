"""Hypothesis files and ``sim compare A.yaml B.yaml``: the study, validated before anything runs.

A study is arms (scenarios; the first is the control), a virtual population, outcomes with
their windows, the hypothesised direction of each tested effect, and attribution arms. Every
arm scenario is built and validated (with ``sim.scenario.load_scenario``) and every outcome
checked against the arms before anything is written; an error names the file, the key path,
the value and what is allowed (exit status 2).
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from sim.compare import outcomes as oc
from sim.compare.population import TRAIT_NAMES, TRAITS, varied_keys
from sim.metrics import OGTT_METRICS, has_fasting_state
from sim.scenario import (
    Scenario,
    ScenarioError,
    apply_set,
    format_validation_error,
    load_scenario,
    read_yaml_mapping,
)

Name = Annotated[str, Field(min_length=1, max_length=60, pattern=r"^[A-Za-z0-9_.\-]+$")]


class CompareError(ScenarioError):
    """Invalid comparison input; the message is meant for the user (exit status 2)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ArmSpec(_Strict):
    """One arm: a scenario (file relative to the hypothesis file, or inline), or the
    study's ``base`` with interventions added and parameters set."""

    name: Name
    description: str = ""
    scenario: str | dict[str, Any] | None = None
    add: list[dict[str, Any]] = []
    parameters: dict[str, float] = {}


class OutcomeSpec(_Strict):
    """A summary ``metric``, or ``stat`` of a time-series ``column`` over ``window``."""

    name: Name
    metric: str | None = None
    column: str | None = None
    window: str | tuple[float, float] | None = None
    stat: Literal["mean", "max", "min", "auc", "iauc", "last"] = "mean"
    label: str = ""


class HypothesisSpec(_Strict):
    """The hypothesised direction of one outcome in one arm, against the control."""

    arm: str
    outcome: str
    direction: Literal["increase", "decrease"]


class AttributionSpec(_Strict):
    """How much of ``full``'s effect a mechanism carries: ``counterfactual`` is ``full``
    with the mechanism switched off; its effect is taken against ``control`` (an arm with
    the same switch but without the intervention; default: the study's control)."""

    mechanism: str
    full: str
    counterfactual: str
    control: str | None = None
    outcomes: list[str] | None = None


class PopulationSpec(_Strict):
    """The virtual population (``sim.compare.population``)."""

    phenotype: Literal["healthy", "obese", "t2d"] | None = None
    seed: Annotated[int, Field(ge=0, le=2**63 - 1)] = 0
    cv_scale: Annotated[float, Field(ge=0, le=3)] = 1.0
    traits: list[str] | None = None

    @field_validator("traits")
    @classmethod
    def _known(cls, v: list[str] | None) -> list[str] | None:
        for t in v or []:
            if t not in TRAIT_NAMES:
                raise ValueError(f"unknown trait {t!r}; allowed: {', '.join(TRAIT_NAMES)}")
        return v


class StudySpec(_Strict):
    """A hypothesis file (docs/compare.md)."""

    name: Name
    question: str = ""
    replicates: Annotated[int, Field(ge=2, le=100_000)] = 8
    base: str | dict[str, Any] | None = None
    arms: Annotated[list[ArmSpec], Field(min_length=2)]
    windows: dict[str, tuple[float, float]] = {}
    outcomes: list[OutcomeSpec] = []
    population: PopulationSpec = PopulationSpec()
    hypotheses: list[HypothesisSpec] = []
    attribution: list[AttributionSpec] = []
    alpha: Annotated[float, Field(gt=0, lt=1)] = 0.05
    keep: Literal["none", "summary", "full"] = "summary"
    notes: str = ""


def _fmt(label: str, err: ValidationError) -> str:
    return format_validation_error(label, "hypothesis file", err)


def read_yaml(path: Path) -> dict[str, Any]:
    """A YAML mapping from ``path`` (safe loading), or CompareError naming the file."""
    return read_yaml_mapping(path, "the file", CompareError)


def is_hypothesis_file(data: dict[str, Any]) -> bool:
    """A hypothesis file has ``arms``; a scenario file does not."""
    return "arms" in data


def load_study(path: str | Path) -> StudySpec:
    """Load and validate a hypothesis file (structure only; see ``resolve``)."""
    path = Path(path)
    data = read_yaml(path)
    try:
        return StudySpec.model_validate(data)
    except ValidationError as err:
        raise CompareError(_fmt(str(path), err)) from None


def study_from_scenarios(paths: list[str], replicates: int) -> tuple[StudySpec, Path]:
    """The study of ``sim compare A.yaml B.yaml ...``: one arm per file, A the control."""
    arms, seen = [], set()
    for p in paths:
        data = read_yaml(Path(p))
        if is_hypothesis_file(data):
            raise CompareError(f"{p}: a hypothesis file must be given alone (sim compare {p})")
        name = str(data.get("name") or Path(p).stem)
        k = 2
        while name in seen:
            name, k = f"{data.get('name')}_{k}", k + 1
        seen.add(name)
        arms.append({"name": name, "scenario": str(Path(p).resolve())})
    name = "_vs_".join(a["name"] for a in arms)[:60].strip("_.-") or "compare"
    try:
        spec = StudySpec.model_validate({"name": name, "replicates": replicates, "arms": arms})
    except ValidationError as err:
        raise CompareError(_fmt("<command line>", err)) from None
    return spec, Path.cwd()


def _scenario_mapping(src: str | dict[str, Any], root: Path, where: str) -> dict[str, Any]:
    if isinstance(src, dict):
        return copy.deepcopy(src)
    path = Path(src) if Path(src).is_absolute() else root / src
    if not path.is_file():
        raise CompareError(f"{where}: scenario file {src!r} not found (relative to {root})")
    return read_yaml(path)


def arm_mapping(spec: StudySpec, arm: ArmSpec, root: Path, label: str) -> dict[str, Any]:
    """The scenario mapping of one arm (before subjects are applied)."""
    where = f"{label}: arms.{arm.name}"
    src = arm.scenario if arm.scenario is not None else spec.base
    if src is None:
        raise CompareError(f"{where}: no `scenario` and the study has no `base`; give one")
    data = _scenario_mapping(src, root, where)
    if arm.add:
        data["interventions"] = [*data.get("interventions", []), *arm.add]
    if arm.parameters:
        data["parameters"] = {**data.get("parameters", {}), **arm.parameters}
    data["name"] = f"{spec.name}-{arm.name}"[:120]
    return data


def fixed_keys(data: dict[str, Any]) -> set[str]:
    """Dotted keys a scenario mapping sets that a population trait could vary
    (``muscle.glut4_total`` parameter names and ``subject.body_mass_kg``-style keys)."""
    keys = set(data.get("parameters") or {})
    keys |= {f"subject.{k}" for k in (data.get("subject") or {}) if k != "phenotype"}
    return keys


def traits_fixed_by(mappings: list[dict[str, Any]], overrides: list[str]) -> dict[str, list[str]]:
    """Traits whose parameters some arm sets (after ``--set``): trait -> the keys it fixes.

    ``sim compare A.yaml B.yaml`` keeps what the files fix and varies only the other traits.
    """
    keys: set[str] = set()
    for data in mappings:
        for assignment in overrides:
            try:
                data = apply_set(data, assignment)
            except ScenarioError:
                continue  # reported by check_arm with the arm's name
        keys |= fixed_keys(data)
    out = {}
    for trait in TRAITS:
        hit = sorted(k for k in trait.targets if k in keys)
        if hit:
            out[trait.name] = hit
    return out


def check_arm(
    data: dict[str, Any], where: str, traits: list[str] | None, overrides: list[str]
) -> tuple[dict[str, Any], Scenario]:
    """Apply ``--set`` overrides, validate, and refuse keys the population varies."""
    for assignment in overrides:
        try:
            data = apply_set(data, assignment)
        except ScenarioError as exc:
            raise CompareError(f"{where}: {exc}") from None
    try:
        scn = load_scenario(data)
    except ScenarioError as exc:
        raise CompareError(f"{where}: {str(exc).replace('<scenario>: ', '')}") from None
    varied = varied_keys(traits)
    clash = sorted(k for k in data.get("parameters", {}) if k in varied)
    clash += sorted(f"subject.{k}" for k in (data.get("subject") or {}) if f"subject.{k}" in varied)
    if clash:
        raise CompareError(
            f"{where}: sets {', '.join(clash)}, which the virtual population varies between "
            "subjects; remove it from the arm, or leave that trait out with population.traits"
        )
    return data, scn


def build_outcomes(spec: StudySpec, label: str, extra: list[str]) -> list[oc.Outcome]:
    """The study's outcomes (explicit, or the defaults) plus ``--outcome`` ones."""
    out: list[oc.Outcome] = []
    for i, o in enumerate(spec.outcomes):
        where = f"{label}: outcomes.{i} ({o.name})"
        if (o.metric is None) == (o.column is None):
            raise CompareError(f"{where}: give exactly one of `metric` or `column`")
        if o.metric is not None and o.metric not in oc.SUMMARY_METRICS:
            raise CompareError(
                f"{where}: metric {o.metric!r} unknown; allowed: {', '.join(oc.SUMMARY_METRICS)}"
            )
        window = o.window
        if isinstance(window, str):
            if window not in spec.windows:
                raise CompareError(
                    f"{where}: window {window!r} is not defined under `windows` "
                    f"(defined: {', '.join(spec.windows) or 'none'})"
                )
            window = spec.windows[window]
        if window is not None and not window[0] < window[1]:
            raise CompareError(f"{where}: window {list(window)} needs start < end (minutes)")
        out.append(oc.Outcome(o.name, o.metric, o.column, window, o.stat, o.label))
    for text in extra:
        try:
            out.append(oc.parse_outcome(text))
        except ValueError as exc:
            raise CompareError(str(exc)) from None
    return out


def check_outcomes(outcomes: list[oc.Outcome], arms: dict[str, Scenario], label: str) -> None:
    """Every outcome applies to every arm: known column, window inside the run, metric
    produced by the arm's protocol."""
    columns = set(oc.known_columns())
    names = [o.name for o in outcomes]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise CompareError(f"{label}: outcome names must be unique; repeated: {', '.join(dup)}")
    reserved = {"arm", "subject", "run_id", "point", "seed", "replicate", "status", "error"}
    for o in outcomes:
        where = f"{label}: outcome {o.name}"
        if o.name in reserved or (o.column is not None and o.name in oc.SUMMARY_METRICS):
            raise CompareError(f"{where}: the name is taken by a results column; rename it")
        if o.column is not None and o.column not in columns:
            raise CompareError(
                f"{where}: column {o.column!r} is not a time-series column; allowed: "
                "glucose_mM, insulin_uU_ml, ffa_mM, gh_ug_l, ... or <tissue>.<node> "
                "(e.g. muscle.akt_p; see README Outputs)"
            )
        if o.stat not in oc.STATS:
            raise CompareError(f"{where}: stat {o.stat!r}; allowed: {', '.join(oc.STATS)}")
        for arm, scn in arms.items():
            end = float(scn.duration_min or 0)
            if o.window is not None and (o.window[0] < 0 or o.window[1] > end):
                raise CompareError(
                    f"{where}: window {list(o.window)} min is outside arm {arm!r} (0-{end:g} min)"
                )
            kind = scn.protocol.kind if scn.protocol is not None else None
            if o.metric == "m_value_mg_kg_min" and kind != "clamp":
                raise CompareError(
                    f"{where}: m_value_mg_kg_min needs a clamp; arm {arm!r} has none"
                )
            if o.metric in OGTT_METRICS and kind != "ogtt":
                raise CompareError(f"{where}: {o.metric} needs an OGTT; arm {arm!r} has none")
            if o.metric == "homa_ir" and not has_fasting_state(scn.protocol):
                raise CompareError(
                    f"{where}: homa_ir needs a fasting state before the protocol; arm {arm!r} "
                    "starts its clamp at t = 0 (or has no body): set protocol.start_min > 0"
                )


def check_references(spec: StudySpec, outcomes: list[oc.Outcome], label: str) -> None:
    """Hypotheses and attribution name existing arms and outcomes."""
    arms = [a.name for a in spec.arms]
    names = [o.name for o in outcomes]
    if len(set(arms)) != len(arms):
        raise CompareError(f"{label}: arm names must be unique (got {', '.join(arms)})")

    def need(kind: str, value: str | None, allowed: list[str], where: str) -> None:
        if value is not None and value not in allowed:
            raise CompareError(
                f"{label}: {where}: {kind} {value!r} unknown; allowed: {', '.join(allowed)}"
            )

    for i, h in enumerate(spec.hypotheses):
        need("arm", h.arm, arms[1:], f"hypotheses.{i}.arm")
        need("outcome", h.outcome, names, f"hypotheses.{i}.outcome")
    for i, a in enumerate(spec.attribution):
        for key in ("full", "counterfactual", "control"):
            need("arm", getattr(a, key), arms, f"attribution.{i}.{key}")
        for o in a.outcomes or []:
            need("outcome", o, names, f"attribution.{i}.outcomes")
