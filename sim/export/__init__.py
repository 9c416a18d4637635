"""The cell models in the field's exchange formats: SBML, SED-ML and COMBINE archives.

Everything is generated from the simulator's own declarations and rate laws (see
:mod:`sim.export.trace`); docs/export.md describes the files and how they were checked.
"""
