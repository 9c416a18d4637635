"""Parameter sweeps (CONTRACT: Sweeps): designs, replicates, resumable local or dask runs,
incremental results and global sensitivity analysis.

``run_sweep(path_or_mapping, out=..., workers=..., scheduler=..., resume=...)`` is the API
behind ``sim sweep``; ``prepare`` validates a sweep and lists its runs without running them.
"""

from __future__ import annotations

from sim.sweep.core import SweepOutcome, prepare, run_sweep
from sim.sweep.spec import SweepError, SweepSpec, load_sweep

__all__ = ["SweepError", "SweepOutcome", "SweepSpec", "load_sweep", "prepare", "run_sweep"]
