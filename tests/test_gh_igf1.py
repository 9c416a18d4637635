"""G4/H1: hepatic IGF-1 transcription by pSTAT5 at paired STAT5 sites (Chia 2006), its
GH-independent share (List 2014) and the ALS ternary complex that retains circulating IGF-1
(Domene 2009), which the liver makes in a GH-dependent manner (Baxter 1988)."""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pytest
from test_mechanisms import basal, cell_inputs, cell_params, index, rate

from sim import engine as en
from sim.kinetics import body as bk


def _transcription(stat5: float, **params: float) -> float:
    """Hepatocyte IGF-1 mRNA target (rate / k with the mRNA at 0) at a held pSTAT5."""
    p = cell_params("liver", **params)
    u = cell_inputs("liver", p)
    y = basal("liver").copy()
    y[index("liver")["stat5_p"]] = stat5
    y[index("liver")["igf1_m"]] = 0.0
    return float(rate("liver", y, u, p, "igf1_m")[0]) / p.k_igf1_m


def test_igf1_transcription_rises_with_pstat5_from_a_small_gh_independent_share():
    p = cell_params("liver")
    assert _transcription(0.0) == pytest.approx(p.igf1_basal, rel=1e-9)
    assert _transcription(1.0) == pytest.approx(1.0, rel=1e-9)  # full induction
    levels = np.linspace(0.0, 1.0, 11)
    assert np.all(np.diff([_transcription(s) for s in levels]) > 0)
    # STAT5 knocked out: the GH-independent share only
    assert _transcription(0.5, expr_stat5=0.0) == pytest.approx(p.igf1_basal, rel=1e-9)


def test_igf1_transcription_is_cooperative_in_pstat5_and_the_switch_removes_it():
    b = cell_params("liver").igf1_basal

    def driven(s: float, **kw: float) -> float:
        return _transcription(s, **kw) - b

    # paired sites (n = 2): doubling a low pSTAT5 nearly quadruples STAT5-driven output
    assert driven(0.02) / driven(0.01) > 3.5
    # one site (n = 1): doubling at most doubles it
    assert driven(0.02, n_igf1_stat5=1.0) / driven(0.01, n_igf1_stat5=1.0) < 2.0 + 1e-9


def _bp(**over: float) -> SimpleNamespace:
    return SimpleNamespace(**{**vars(en.body_params({})), **over})


def _igf1_course(igf1_m: float, days: float, bp: SimpleNamespace) -> tuple[float, float]:
    """IGF-1 and ALS after ``days`` at a held hepatic IGF-1 mRNA, from the reference state
    (ALS 1, IGF-1 at its steady state for the reference mRNA); explicit Euler, 1-min steps."""
    tau = bp.igf1_half_life_min / math.log(2)
    s = {"als": 1.0, "igf1": bp.igf1_prod * bp.als_igf1_m_ref * tau}
    for _ in range(int(days * 1440)):
        d: dict[str, float] = {}
        bk._igf1_rhs(s, d, igf1_m, bp)
        s = {k: s[k] + d[k] for k in s}
    return s["igf1"], s["als"]


def test_reference_state_is_steady_and_a_doubled_programme_quadruples_total_igf1():
    bp = _bp()
    tau = bp.igf1_half_life_min / math.log(2)
    igf0 = bp.igf1_prod * bp.als_igf1_m_ref * tau
    igf, als = _igf1_course(bp.als_igf1_m_ref, 2.0, bp)
    assert igf == pytest.approx(igf0, rel=1e-9) and als == pytest.approx(1.0, rel=1e-9)
    # output x2 and ternary-complex capacity x2: total IGF-1 x4 at the new steady state
    igf, als = _igf1_course(2.0 * bp.als_igf1_m_ref, 20.0, bp)
    assert als == pytest.approx(2.0, rel=1e-3)
    assert igf / igf0 == pytest.approx(4.0, rel=5e-3)
    # the capacity follows with the complex's half-life: after one half-life ALS is half-way
    _, als_half = _igf1_course(2.0 * bp.als_igf1_m_ref, bp.igf1_half_life_min / 1440.0, bp)
    assert als_half == pytest.approx(1.5, abs=0.01)


def test_als_switched_off_leaves_igf1_proportional_to_hepatic_output():
    bp = _bp(w_als_gh=0.0)
    tau = bp.igf1_half_life_min / math.log(2)
    igf0 = bp.igf1_prod * bp.als_igf1_m_ref * tau
    igf, als = _igf1_course(2.0 * bp.als_igf1_m_ref, 20.0, bp)
    assert als == pytest.approx(1.0, rel=1e-12)
    assert igf / igf0 == pytest.approx(2.0, rel=5e-3)
    # a liver without the GH programme (mRNA at the GH-independent share) loses ALS and
    # IGF-1 falls more than its output
    low = cell_params("liver").igf1_basal
    igf_on, _ = _igf1_course(low, 20.0, _bp())
    igf_off, _ = _igf1_course(low, 20.0, bp)
    assert igf_on < igf_off < igf0
