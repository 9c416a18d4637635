"""Tissue remodelling over weeks and months (issue 26; DESIGN R1, R2).

Opt-in per scenario with a ``remodel:`` block. Adipocytes are agents that grow and shrink
with their own lipid, set their own insulin sensitivity and cytokine output by size and
hypoxia, die with a size-dependent hazard and are born from precursors on the graph;
macrophages are agents recruited to dead adipocytes that move along the graph, polarise
and secrete TNF-alpha to their neighbours. The body's fat depots follow the cells.

Modules: :mod:`~sim.remodel.rules` (rate laws, pure), :mod:`~sim.remodel.pool` (the
adipose arrays at fixed capacity with an alive mask), :mod:`~sim.remodel.core` (the slow
step, its multi-rate scheme and the outputs). Documentation: docs/remodelling.md.
"""
