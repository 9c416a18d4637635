"""Species and rate laws added to a tissue without editing the package.

:func:`register_species` appends species to a tissue's declared state
(:data:`sim.kinetics.species.TISSUE_SPECIES`) together with the rate law that gives their
derivatives: a function ``law(s, d, u, p)`` in the rate-law dialect (docs/rate_laws.md) that
reads any species, declared cell input and parameter of the tissue and assigns
``d.<name>[:] = ...`` for each of its species (it may read, not assign, the tissue's own
species). Every back end reads it from here: the numpy kernel calls it after the tissue's law
(:class:`sim.kinetics.tissues.BoundRHS`), the compiled kernel compiles its per-cell copy
(:mod:`sim.kinetics.dialect`) into the tissue's fused RK4 (:mod:`sim.kinetics.compiled`), the
tracer runs it on symbols (:mod:`sim.kinetics.cell_trace`), so the substep bound's Jacobian
(:mod:`sim.kinetics.stiffness`) and the SBML export see its species; the outputs report
them as pathway nodes. The on-disk caches (the derived Jacobians, the warm states) are keyed
by :func:`signature`, so a registered law never reads a cache made without it.

A law of a registered species reads the existing parameter tables (a new parameter is
declared in :mod:`sim.parameters` as any other); registration checks that it reads only the
tissue's parameters and the declared cell inputs. The per-agent Python kernel
(``engine: agent``) runs registered laws too. Registration is per process: the worker
processes of a sweep or a comparison see a species only if the module that registers it is
imported there too (for instance by the model class a ``mesa.batch_run`` is given).

This is the path for a model built on top of the package (and for tests); a species that
belongs to the model is declared in ``species.py`` and its law written in ``tissues.py``
(README, "Extending it").
"""

from __future__ import annotations

import hashlib
import inspect
import textwrap
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sim.kinetics import species as declared
from sim.types import Species

Law = Callable[..., None]


@dataclass(frozen=True)
class Extension:
    """Species appended to one tissue and the law of their derivatives."""

    tissue: str
    species: tuple[Species, ...]
    law: Law

    @property
    def source(self) -> str:
        """The law's source, dedented (a law defined inside a function or class)."""
        return textwrap.dedent(inspect.getsource(self.law))


_BASE = dict(declared.TISSUE_SPECIES)
"""The package's own species of each tissue."""
_REGISTERED: list[Extension] = []


def registered(tissue: str | None = None) -> tuple[Extension, ...]:
    """The extensions in registration order (of ``tissue`` only, when given)."""
    return tuple(e for e in _REGISTERED if tissue is None or e.tissue == tissue)


def laws(tissue: str) -> tuple[Law, ...]:
    """The registered laws of ``tissue``, called after its own law, in order."""
    return tuple(e.law for e in registered(tissue))


def signature() -> str:
    """A hash of every registered extension (tissue, species, law source); empty when none.
    Part of the keys of the on-disk caches."""
    if not _REGISTERED:
        return ""
    h = hashlib.sha256()
    for e in _REGISTERED:
        h.update(repr((e.tissue, e.species)).encode())
        h.update(e.source.encode())
    return h.hexdigest()[:16]


def _refresh() -> None:
    """Rebuild the tissues' species tuples and forget everything made from the old ones."""
    from sim.kinetics import cell_trace, compiled, stiffness, tissues

    for tissue, base in _BASE.items():
        extra = tuple(sp for e in registered(tissue) for sp in e.species)
        declared.TISSUE_SPECIES[tissue] = base + extra
        tissues._IDX[tissue] = declared.index(tissue)  # noqa: SLF001
    made = [cell_trace.trace, compiled.python_cell_kernel, compiled._kernel]  # noqa: SLF001
    # everything the substep bound memoises (the Jacobians and what is made from them)
    made += [f for f in vars(stiffness).values() if callable(getattr(f, "cache_clear", None))]
    for fn in made:
        fn.cache_clear()


def register_species(tissue: str, species: tuple[Species, ...], law: Law) -> Extension:
    """Append ``species`` to ``tissue``'s state with ``law`` giving their derivatives.

    Raises ValueError for an unknown tissue, a name the tissue already has, an accumulator
    name (``cum_*``) or a law outside the rate-law dialect (checked here, naming line and
    rule, as the compiled kernel's copy would be)."""
    from sim.kinetics import dialect

    if tissue not in _BASE:
        raise ValueError(f"unknown tissue {tissue!r}; one of {', '.join(_BASE)}")
    taken = {s.name for s in declared.TISSUE_SPECIES[tissue]}
    for sp in species:
        if sp.name in taken or sp.name.startswith("cum_") or not sp.name.isidentifier():
            raise ValueError(
                f"{tissue} species {sp.name!r}: the name is taken, an accumulator name "
                "(cum_*) or not an identifier"
            )
        taken.add(sp.name)
        if sp.conserved_group:
            raise ValueError(f"{sp.name}: a registered species cannot join a conserved group")
    ext = Extension(tissue, tuple(species), law)
    try:
        dialect.per_cell_function_source(ext.source)
    except dialect.DialectError as exc:
        raise ValueError(f"{tissue} law {law.__name__}: {exc}") from None
    _REGISTERED.append(ext)
    _refresh()
    try:
        _check_reads(tissue)
    except ValueError:
        unregister(ext)
        raise
    return ext


def _check_reads(tissue: str) -> None:
    """Run the tissue's laws on symbols (:mod:`sim.kinetics.cell_trace`) and refuse a
    registered law that reads a parameter the tissue does not declare or an undeclared input,
    or leaves one of its species without a derivative (the tracer says which)."""
    from sim.kinetics import cell_inputs
    from sim.kinetics.cell_trace import trace
    from sim.kinetics.symbolic import TraceError
    from sim.parameters import tissue_params

    try:
        traced = trace(tissue)
    except TraceError as exc:
        raise ValueError(str(exc)) from None
    unknown = [n for n in traced.parameters if n not in tissue_params(tissue)]
    unknown += [n for n in traced.inputs if n not in cell_inputs.NAMES]
    if unknown:
        raise ValueError(
            f"a law registered for {tissue} reads {unknown}, not a {tissue} parameter "
            "(sim/parameters.py) or declared cell input (sim/kinetics/cell_inputs.py)"
        )


def unregister(ext: Extension) -> None:
    """Take a registered extension off again (its species leave the tissue's state)."""
    _REGISTERED.remove(ext)
    _refresh()


@contextmanager
def species_added(tissue: str, species: tuple[Species, ...], law: Law) -> Iterator[Extension]:
    """:func:`register_species` for the duration of a ``with`` block."""
    ext = register_species(tissue, species, law)
    try:
        yield ext
    finally:
        unregister(ext)
