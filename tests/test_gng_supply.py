"""Gluconeogenic precursor delivery (C3): lactate, alanine and glycerol.

``tissues.gng_precursor_supply`` scales the hepatocyte's gluconeogenic flux by the delivery
of its 3-carbon precursors relative to the overnight fast: Cori-cycle lactate follows
glucose through a saturable uptake, glycerol follows lipolysis (plasma FFA), alanine is
held. Perturbations at the rate-law level (``cell_rhs``) and the switch-off
(``w_gng_supply`` 0); assertions are directions, the shares of the law and identities.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim import engine as en
from sim.graph import CellLayout
from sim.kinetics import tissues
from sim.kinetics.species import index
from sim.kinetics.tissues import cell_rhs


def _params(**overrides: float):
    layout = CellLayout(np.arange(1), np.full(1, "cell"), np.zeros(1), {})
    ov = {f"liver.{k}": v for k, v in overrides.items()}
    return en.build_params("liver", ov, layout, 0.0, np.random.default_rng(0))


def _supply(p, glc: float, ffa: float) -> float:
    return float(tissues.gng_precursor_supply(np.array([glc]), np.array([ffa]), p)[0])


def test_delivery_is_one_postabsorptive_and_follows_lipolysis_and_glucose():
    p = _params(w_gng_supply=1.0)
    ref_g, ref_f = p.gng_glc_ref_mM, p.ffa_ref_mM
    assert _supply(p, ref_g, ref_f) == pytest.approx(1.0)
    # glycerol: doubled lipolysis adds glycerol's share of the precursors
    assert _supply(p, ref_g, 2.0 * ref_f) == pytest.approx(1.0 + p.f_gng_glycerol)
    # lactate: falls with glucose, but little (saturable glycolysis of red cells)
    low = _supply(p, ref_g - 0.5, ref_f)
    assert 1.0 - p.f_gng_lactate * 0.1 < low < 1.0
    assert _supply(p, ref_g + 3.0, ref_f) > 1.0
    # alanine is held: no FFA and no glucose leave alanine's share (and a little lactate)
    floor = _supply(p, 1e-9, 0.0)
    assert floor == pytest.approx(1.0 - p.f_gng_lactate - p.f_gng_glycerol, abs=1e-6)


def test_switch_off_holds_the_delivery_at_its_postabsorptive_rate():
    p = _params(w_gng_supply=0.0)
    for glc, ffa in ((3.0, 0.2), (5.0, 0.5), (9.0, 1.6)):
        assert _supply(p, glc, ffa) == 1.0


def _gng_rate(p, **inputs: float) -> float:
    from tests.test_fasting import _inputs  # the medium inputs of the fasting tests

    u = _inputs("liver", p, **inputs)
    y = en.initial_state("liver", 1)
    return float(cell_rhs("liver", y, u, p)[index("liver")["cum_gng"]][0])


def test_hepatocyte_gluconeogenesis_follows_the_delivery_and_not_when_switched_off():
    """Same cell state, only plasma FFA (glycerol) or glucose (lactate) changed: the
    gluconeogenic flux moves by the delivery's factor when the law is on and not at all
    when it is off (FFA's slower drive through the acyl-CoA pool is a state, not an input)."""
    on = _params(w_gng_supply=1.0)
    base = _gng_rate(on, ffa_mM=on.ffa_ref_mM, glc_mM=on.gng_glc_ref_mM)
    assert base > 0.0
    more_fat = _gng_rate(on, ffa_mM=2.0 * on.ffa_ref_mM, glc_mM=on.gng_glc_ref_mM)
    assert more_fat / base == pytest.approx(1.0 + on.f_gng_glycerol, rel=1e-9)
    less_glc = _gng_rate(on, ffa_mM=on.ffa_ref_mM, glc_mM=on.gng_glc_ref_mM - 1.0)
    assert less_glc < base
    off = _params(w_gng_supply=0.0)
    ref = _gng_rate(off, ffa_mM=off.ffa_ref_mM, glc_mM=off.gng_glc_ref_mM)
    assert _gng_rate(off, ffa_mM=2.0 * off.ffa_ref_mM, glc_mM=off.gng_glc_ref_mM) == ref
    assert _gng_rate(off, ffa_mM=off.ffa_ref_mM, glc_mM=off.gng_glc_ref_mM - 1.0) == ref
