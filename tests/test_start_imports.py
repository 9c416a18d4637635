"""Start-up cost of a run (issue 28: "first start of a 1,000-cell run under 2 s"): what a
run imports, and the replacements that keep heavy modules out of it without changing a bit.
"""

from __future__ import annotations

import math
import subprocess
import sys
from types import SimpleNamespace

import numpy as np
from scipy import stats

from sim.signals import gh_pulse_draws


def test_gh_pulse_draws_are_scipy_stats_quantiles_bit_for_bit() -> None:
    """The GH pulse draws use scipy.special's quantile functions directly; they must equal
    what scipy.stats.gamma / norm give, to the bit, including the ends of [0, 1)."""
    for shape, cv in ((4.0, 0.5), (1.0, 0.1), (17.3, 1.7)):
        bp = SimpleNamespace(gh_interval_gamma_shape=shape, gh_mass_cv=cv)
        got = gh_pulse_draws(3 * 1440.0, np.random.default_rng(11), bp)
        u = np.random.default_rng(11).random((len(got), 2))
        thresholds = stats.gamma.ppf(u[:, 0], shape, scale=1.0 / shape)
        sigma = math.sqrt(math.log(1.0 + cv**2))
        mass = np.exp(-0.5 * sigma**2 + sigma * stats.norm.ppf(u[:, 1]))
        assert got.tobytes() == np.column_stack([thresholds, mass]).tobytes()
        assert abs(got[:, 0].mean() - 1.0) < 0.2  # gamma with mean 1
    # the ends: a uniform of exactly 0 (possible from Generator.random) and tiny values
    from scipy import special

    q = np.array([0.0, 1e-300, 1e-17, 0.5, 1.0 - 2**-53])
    assert (special.gammaincinv(4.0, q) * (1.0 / 4.0)).tobytes() == (
        stats.gamma.ppf(q, 4.0, scale=0.25).tobytes()
    )
    assert special.ndtri(q).tobytes() == stats.norm.ppf(q).tobytes()


def _imported_by(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys\nprint('\\n'.join(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
    )
    return set(out.stdout.split())


def test_a_run_does_not_import_what_it_does_not_use() -> None:
    """What ``sim run`` imports before the model is built (as the set-up benchmark times it)
    leaves out scipy.stats, matplotlib and the figure code: a run never draws."""
    mods = _imported_by(
        "import sim.cli, sim.runner\nfrom sim.model import PhysiologyModel\n"
        "from sim.scenario import load_scenario"
    )
    for heavy in ("scipy.stats", "matplotlib", "sim.viz.figures", "sim.compare.stats"):
        assert heavy not in mods, heavy
