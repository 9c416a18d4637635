"""The fasting adaptation of glycogen metabolism (C1, C3) shown by perturbation.

Hepatic glucokinase expression (induced by insulin, repressed by glucagon/PKA), hepatic
glycogen synthase activation (held back by phosphorylase a and PKA, released by insulin)
and the insulin / glycogen-deficit gate on muscle glycogen synthase. Each mechanism is
perturbed at the rate-law level (``cell_rhs`` through the engine's own parameters and
inputs) and switched off through its parameter; assertions are directions and orderings.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from sim import engine as en
from sim import numerics
from sim.graph import CellLayout
from sim.kinetics import tissues
from sim.kinetics.species import ACCUMULATOR_NAMES, index
from sim.kinetics.tissues import cell_rhs, stiffness_bound
from sim.scenario import Medium
from sim.signals import Schedule


def _params(tissue: str, **overrides: float) -> SimpleNamespace:
    layout = CellLayout(np.arange(1), np.full(1, "cell"), np.zeros(1), {})
    ov = {f"{tissue}.{k}": v for k, v in overrides.items()}
    return en.build_params(tissue, ov, layout, 0.0, np.random.default_rng(0))


def _inputs(tissue: str, p: SimpleNamespace, **values: Any) -> SimpleNamespace:
    """Inputs of a medium run (fasting glucose and FFA, no hormones), ``values`` replacing."""
    ctx = en.RunContext(
        bp=en.body_params({}),
        sch=Schedule(1e6, 8.0, 75.0, 1.9),
        geo=None,
        masses=None,
        medium=Medium(kind="medium"),
    )
    base = en.systemic_inputs(0.0, None, ctx)
    layout = CellLayout(np.arange(1), np.full(1, "cell"), np.zeros(1), {})
    cells = en.Tissue(tissue, en.initial_state(tissue, 1), p, layout, 1.0)
    u = en.tissue_inputs(0.0, None, ctx, cells, base, None)
    for key, value in values.items():
        assert hasattr(u, key), key
        setattr(u, key, np.full(1, value) if key == "ins_nM" else value)
    return u


def _advance(tissue: str, y: np.ndarray, u: SimpleNamespace, p: SimpleNamespace, minutes: int):
    acc = [i for name, i in index(tissue).items() if name in ACCUMULATOR_NAMES]
    for _ in range(minutes):
        n_sub = numerics.substeps(1.0, stiffness_bound(y, tissue, u, p))
        y = en.advance_cells(tissue, y, u, p, 1.0, n_sub, acc)
        numerics.check_state(y, tissue, 0.0)
    return y


def _rate(tissue: str, y: np.ndarray, u: SimpleNamespace, p: SimpleNamespace, name: str) -> float:
    return float(cell_rhs(tissue, y, u, p)[index(tissue)[name]][0])


def _settled(tissue: str, p: SimpleNamespace, u: SimpleNamespace) -> np.ndarray:
    """A cell after 3 h at the given inputs (signalling settled; slow stores barely moved)."""
    return _advance(tissue, en.initial_state(tissue, 1), u, p, 180)


# ============================================================== hepatic glucokinase (C1/C3)


def test_gk_expression_target_is_one_at_the_fasting_reference_and_moves_with_hormones():
    """Insulin (Akt) keeps GK transcription at its overnight-fasted (= fed) level, its fall
    lowers it towards the basal share; PKA above fasting represses it at any Akt."""
    p = _params("liver")
    ref = p.gk_akt_ref
    at = tissues.gk_expression_target
    assert at(np.array([ref]), np.array([0.0]), p)[0] == pytest.approx(1.0)
    akt = np.array([0.0, 0.05, 0.1, 0.15, ref])
    by_akt = at(akt, np.zeros_like(akt), p)
    assert np.all(np.diff(by_akt) > 0)
    assert by_akt[0] == pytest.approx(p.gk_basal)
    fed = at(np.array([0.4, 0.8]), np.zeros(2), p)
    assert np.all(fed == 1.0)  # restored to the fed level, not induced beyond it
    pka = np.array([-0.1, 0.0, 0.1, 0.3])
    by_pka = at(np.full(4, ref), pka, p)
    assert by_pka[0] == pytest.approx(by_pka[1])  # only PKA above fasting represses
    assert by_pka[1] > by_pka[2] > by_pka[3]


def test_gk_expression_falls_without_insulin_and_rises_with_it_in_a_hepatocyte():
    """A hepatocyte loses GK without insulin and with glucagon 3x its fasting level, and
    regains it at fed insulin; a loss of GK lowers its glucose uptake. Switched off (k_gk =
    0) the expression stays where it is."""
    p = _params("liver")
    ref_gcg = p.gcg_ref_pg_ml
    fasted = _settled("liver", p, _inputs("liver", p, ins_nM=0.0, glucagon_pg_ml=3 * ref_gcg))
    fed = _settled("liver", p, _inputs("liver", p, ins_nM=1.0, glucagon_pg_ml=0.5 * ref_gcg))
    u_fast = _inputs("liver", p, ins_nM=0.0, glucagon_pg_ml=3 * ref_gcg)
    u_fed = _inputs("liver", p, ins_nM=1.0, glucagon_pg_ml=0.5 * ref_gcg)
    y_low = fed.copy()
    y_low[index("liver")["gk"]] = 0.3
    assert _rate("liver", fasted, u_fast, p, "gk") < 0.0 < _rate("liver", y_low, u_fed, p, "gk")
    assert _rate("liver", y_low, u_fed, p, "cum_glc") < _rate("liver", fed, u_fed, p, "cum_glc")
    off = _params("liver", k_gk=0.0)
    assert _rate("liver", fasted, u_fast, off, "gk") == 0.0


# ====================================================== hepatic glycogen synthase (C1/I5)


def _liver_glycogen_rate(p: SimpleNamespace, **inputs: float) -> tuple[float, float, float]:
    """(glycogen rate, glucose uptake, glucose output) of a hepatocyte settled 3 h at the
    inputs (glucose 8 mM unless given), read at a glycogen of 0.4 of capacity."""
    inputs.setdefault("glc_mM", 8.0)
    u = _inputs("liver", p, **inputs)
    y = _settled("liver", p, u)
    y[index("liver")["glycogen"]] = 0.4
    return (
        _rate("liver", y, u, p, "glycogen"),
        _rate("liver", y, u, p, "cum_glc"),
        _rate("liver", y, u, p, "cum_egp"),
    )


def test_hepatic_glycogen_synthase_needs_insulin_and_is_inactivated_by_glucagon():
    """At fasting insulin the hepatocyte stores little of the glucose it phosphorylates and
    of its gluconeogenic G6P (phosphorylase a holds GS inactive), at fed insulin most; PKA
    above fasting (glucagon 3x) lowers storage further. With glucagon's other hepatic
    effects switched off (w_gly_pka = w_gng_pka = 0) glucagon still lowers storage through
    GS, and no longer with w_gs_pka = 0; with w_gs_phos = 0 (the default) the fasted cell
    stores more than with the phosphorylase-a coupling on (3)."""
    p = _params("liver", w_gs_phos=3.0)
    ref = p.gcg_ref_pg_ml
    fasted, uptake_fasted, _ = _liver_glycogen_rate(p, ins_nM=0.05, glucagon_pg_ml=ref)
    fed, uptake_fed, _ = _liver_glycogen_rate(p, ins_nM=1.0, glucagon_pg_ml=ref)
    glucagon, _, _ = _liver_glycogen_rate(p, ins_nM=0.05, glucagon_pg_ml=3 * ref)
    assert fed > fasted > glucagon
    assert uptake_fed > uptake_fasted  # glucokinase's flux; storage is its GS-gated share
    gs_only = _params("liver", w_gly_pka=0.0, w_gng_pka=0.0, w_gs_phos=3.0)
    a, _, _ = _liver_glycogen_rate(gs_only, ins_nM=0.05, glucagon_pg_ml=ref)
    b, _, _ = _liver_glycogen_rate(gs_only, ins_nM=0.05, glucagon_pg_ml=3 * ref)
    assert b < a
    none = _params("liver", w_gly_pka=0.0, w_gng_pka=0.0, w_gs_pka=0.0, w_gk_pka=0.0, w_gs_phos=3.0)
    a0, _, _ = _liver_glycogen_rate(none, ins_nM=0.05, glucagon_pg_ml=ref)
    b0, _, _ = _liver_glycogen_rate(none, ins_nM=0.05, glucagon_pg_ml=3 * ref)
    assert b0 == pytest.approx(a0, rel=1e-9, abs=1e-12)
    no_phos, _, _ = _liver_glycogen_rate(
        _params("liver", w_gs_phos=0.0), ins_nM=0.05, glucagon_pg_ml=ref
    )
    assert no_phos > fasted


def test_hepatic_glucose_output_includes_the_unstored_gluconeogenic_g6p():
    """Glycogen balance: what GS does not store of the gluconeogenic G6P leaves as glucose,
    so at fasting insulin raising w_gs_phos raises glucose output and lowers the glycogen
    rate by the same flux (mass conservation of the indirect pathway)."""
    p_lo = _params("liver", w_gs_phos=0.5)
    p_hi = _params("liver", w_gs_phos=5.0)
    u = _inputs("liver", p_lo, ins_nM=0.1, glucagon_pg_ml=p_lo.gcg_ref_pg_ml, glc_mM=5.0)
    y = _settled("liver", p_lo, u)
    d_out = _rate("liver", y, u, p_hi, "cum_egp") - _rate("liver", y, u, p_lo, "cum_egp")
    d_gly = _rate("liver", y, u, p_hi, "glycogen") - _rate("liver", y, u, p_lo, "glycogen")
    d_uptake = _rate("liver", y, u, p_hi, "cum_glc") - _rate("liver", y, u, p_lo, "cum_glc")
    assert d_out > 0.0 > d_gly
    assert d_uptake == pytest.approx(0.0, abs=1e-12)  # glucokinase flux unchanged
    # every mg not stored is released or glycolysed: the stored indirect-pathway flux that
    # w_gs_phos withholds equals the extra output, the direct-pathway share is glycolysed
    assert -d_gly * p_lo.glycogen_cap_mg_kg >= d_out * (1 - 1e-9)


# ======================================================= muscle glycogen synthase (C3/E3)


def test_muscle_gs_gate_rises_with_akt_and_with_glycogen_deficit():
    p = _params("muscle")
    gate = tissues.muscle_gs_active
    akt = np.array([0.0, 0.05, 0.15, 0.35, 0.8])
    by_akt = gate(akt, np.full(5, 0.2), p)
    assert np.all(np.diff(by_akt) > 0)
    assert np.all((by_akt >= 0) & (by_akt <= 1))
    deficit = np.array([0.0, 0.2, 0.5, 0.8])
    by_deficit = gate(np.full(4, 0.05), deficit, p)
    assert np.all(np.diff(by_deficit) > 0)
    # at the fasted fibre's Akt and resting deficit most GS is inactive; fed, most active
    assert gate(np.array([0.06]), np.array([0.2]), p)[0] < 0.3
    assert gate(np.array([0.35]), np.array([0.2]), p)[0] > 0.8


def test_fasted_muscle_stores_little_glycogen_and_insulin_restores_storage():
    """A resting fibre without insulin stores a small share of its glucose uptake as
    glycogen; with insulin far more per unit uptake. Switched off (K_gs_depleted_m -> 0
    makes GS fully active at any Akt) the fasted fibre stores as before the gate."""
    p = _params("muscle")
    u0 = _inputs("muscle", p, ins_nM=0.0)
    u1 = _inputs("muscle", p, ins_nM=1.0)
    y0, y1 = _settled("muscle", p, u0), _settled("muscle", p, u1)

    def stored_share(y: np.ndarray, u: SimpleNamespace, q: SimpleNamespace) -> float:
        cap = q.glycogen_cap_mg_kg
        return _rate("muscle", y, u, q, "glycogen") * cap / _rate("muscle", y, u, q, "cum_glc")

    fasted, fed = stored_share(y0, u0, p), stored_share(y1, u1, p)
    assert 0.0 <= fasted < 0.5 * fed
    off = _params("muscle", K_gs_depleted_m=1e-6)
    assert stored_share(y0, u0, off) > 2.0 * fasted
