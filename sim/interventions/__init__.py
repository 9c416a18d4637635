"""Intervention kinds of the scenario file, one module each, and their registry.

Importing this package registers the built-in kinds (in the contract's order, which is the
order of the scenario schema's union). A new kind is one new module: a schema and a
:class:`~sim.interventions.base.Kind` subclass decorated with
:func:`~sim.interventions.base.register` (see the base module's subclass contract and
docs/interventions.md); built-in ones are imported below.
"""

from __future__ import annotations

# isort: off
from sim.interventions import (  # noqa: F401  (registration order = schema order)
    meal,
    exercise,
    training,
    gh_injection,
    gh_infusion,
    secretagogue,
    insulin_infusion,
    glucose_infusion,
    lipid_infusion,
    acipimox,
    tnf_infusion,
    sleep,
    sleep_restriction,
    diet,
    knockout,
    modulator,
)

# isort: on
from sim.interventions.base import (
    REGISTRY,
    BodyAccess,
    Event,
    Kind,
    Span,
    event_kind,
    kind,
    of,
    register,
    unregister,
)

__all__ = [
    "REGISTRY",
    "BodyAccess",
    "Event",
    "Kind",
    "Span",
    "event_kind",
    "kind",
    "of",
    "register",
    "unregister",
]
