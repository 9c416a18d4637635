"""Muscle fibre remodelling (R3) and energy expenditure: each rule's driver moves its outcome
the right way and its weight at 0 makes it inert; fibres, capillaries and the body agree."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from remodel_helpers import rp, small_scenario

from sim.engine import cell_fluxes
from sim.model import PhysiologyModel
from sim.remodel import rules
from sim.remodel.muscle import Capillary

FEW = {"muscle": 16, "liver": 10, "adipose": 20}


def small(days: float = 1, **extra) -> dict:
    return small_scenario("muscle_rules", FEW, 720, 1440, 1440, days, **extra)


ONE = np.ones(3)


def balance(p: SimpleNamespace, **kw) -> np.ndarray:
    args = {"akt_rel": ONE, "igf1_rel": 1.0, "aa_rel": 1.0, "load": 0 * ONE, "cort_rel": 1.0}
    args.update(kw)
    return rules.protein_balance(
        args["akt_rel"], args["igf1_rel"], args["aa_rel"], args["load"], args["cort_rel"],
        kw.get("deficit", 0.0), p, kw.get("stat5_rise", 0.0),
    )  # fmt: skip


def test_protein_balance_is_zero_at_the_reference_signals():
    assert np.allclose(balance(rp()), 0.0)


@pytest.mark.parametrize(
    ("driver", "value", "weight", "sign"),
    [
        ("load", 2 * ONE, "w_syn_load", 1),
        ("igf1_rel", 2.0, "w_syn_igf1", 1),
        ("stat5_rise", 0.05 * ONE, "w_syn_stat5", 1),
        ("aa_rel", 1.5, "w_syn_aa", 1),
        ("akt_rel", 1.5 * ONE, None, 1),
        ("cort_rel", 2.0, "w_brk_cort", -1),
        ("deficit", 1.0, "w_brk_deficit", -1),
    ],
)
def test_protein_balance_drivers_and_their_switch_off(driver, value, weight, sign):
    """Each driver moves net growth its way; its weight at 0 leaves the reference balance."""
    up = balance(rp(), **{driver: value})
    assert np.all(sign * up > 0)
    if weight is not None:
        off = {weight: 0.0}
        if driver == "load":
            off["w_brk_load"] = 0.0
        assert np.allclose(balance(rp(**off), **{driver: value}), 0.0)
    else:  # Akt acts through synthesis (mTORC1) and breakdown (FOXO): both off is inert
        assert np.allclose(balance(rp(w_syn_akt=0.0, w_brk_foxo=0.0), akt_rel=value), 0.0)


def test_type_shift_only_type_ii_above_threshold_and_off_at_zero_rate():
    p = rp(pgc_type_threshold=0.2, k_type_shift=0.01)
    pgc = np.array([0.1, 0.5, 0.5, 1.0])
    type_i = np.array([0.0, 0.0, 1.0, 0.0])
    iix = np.zeros(4)
    h = rules.type_shift_hazard(pgc, type_i, iix, p)
    assert h[0] == 0.0 and h[2] == 0.0 and 0 < h[1] < h[3]
    assert np.all(rules.type_shift_hazard(pgc, type_i, iix, rp(k_type_shift=0.0)) == 0.0)


def test_type_shift_follows_the_sequence_iix_iia_i():
    """IIx -> IIa at the full hazard, IIa -> I at w_type_IIa_I of it (next-neighbour rule);
    with w_type_IIa_I 0 no IIa fibre becomes type I, while IIx fibres still convert."""
    p = rp(pgc_type_threshold=0.2, k_type_shift=0.01, w_type_IIa_I=0.1)
    pgc = np.full(3, 0.6)
    type_i, iix = np.array([0.0, 0.0, 1.0]), np.array([1.0, 0.0, 0.0])
    h = rules.type_shift_hazard(pgc, type_i, iix, p)
    assert h[0] == pytest.approx(0.01 * 0.4) and h[1] == pytest.approx(0.1 * h[0]) and h[2] == 0
    off = rules.type_shift_hazard(pgc, type_i, iix, rp(w_type_IIa_I=0.0, k_type_shift=0.01))
    assert off[1] == 0.0 and off[0] > 0.0


def test_capillary_target_rises_with_pgc1a_and_fibre_growth():
    p = rp()
    base = rules.capillary_target(np.zeros(1), np.ones(1), p)
    assert base[0] == pytest.approx(p.cf_ratio_ref)
    assert rules.capillary_target(np.ones(1), np.ones(1), p)[0] > base[0]
    assert rules.capillary_target(np.zeros(1), 1.2 * np.ones(1), p)[0] > base[0]
    off = rp(w_angio_pgc=0.0, w_angio_size=0.0)
    assert rules.capillary_target(np.ones(1), 1.2 * np.ones(1), off)[0] == pytest.approx(
        p.cf_ratio_ref
    )


def test_energy_expenditure_from_fat_oxidation_and_lean_mass():
    p = rp()
    assert rules.energy_expenditure_delta(400.0, 400.0, 0.0, p) == 0.0
    # 100 umol/min more fat oxidised: 36.9 g/day; f_fatox_ee of it at 9.4 kcal/g
    extra = rules.energy_expenditure_delta(500.0, 400.0, 0.0, p)
    assert extra == pytest.approx(p.f_fatox_ee * 100 * 1440 * 256e-6 * p.kcal_per_g_fat)
    assert rules.energy_expenditure_delta(400.0, 400.0, 2.0, p) == pytest.approx(
        2.0 * p.ree_per_kg_lean
    )
    assert rules.energy_expenditure_delta(500.0, 400.0, 0.0, rp(f_fatox_ee=0.0)) == 0.0


@pytest.fixture(scope="module")
def model():
    m = PhysiologyModel(small(days=2))
    while m.running:
        m.step()
    return m


def test_capillaries_are_agents_on_their_own_graph_nodes(model):
    mr = model.remodel.muscle
    caps = [c for seg in mr.capillaries for c in seg]
    assert caps and all(isinstance(c, Capillary) for c in caps)
    nodes = [n for n, d in model.graph.nodes(data=True) if d.get("kind") == "capillary"]
    assert sorted(nodes) == sorted(c.cell.coordinate for c in caps)
    for c in caps:  # each capillary touches its segment and the fibres of that segment
        nb = set(model.graph[c.cell.coordinate])
        assert int(mr.seg_nodes[c.segment]) in nb
        fibres = {int(mr.tissue.layout.nodes[i]) for i in mr.fibres_of[c.segment]}
        assert fibres <= nb
    assert mr.capillaries_per_fibre() == pytest.approx(len(caps) / len(mr.csa))


def test_capillary_birth_and_regression_change_graph_and_insulin_transport(model):
    mr = model.remodel.muscle
    s = 0
    n_nodes = model.graph.number_of_nodes()
    kte = float(model.ctx.geo.kte_muscle[s])
    mr._add_capillary(s, model.time_min)
    mr.apply()
    assert model.graph.number_of_nodes() == n_nodes + 1
    assert float(model.ctx.geo.kte_muscle[s]) > kte  # more capillary surface, more insulin
    mr._remove_capillary(s)
    mr.apply()
    assert model.graph.number_of_nodes() == n_nodes
    assert float(model.ctx.geo.kte_muscle[s]) == pytest.approx(kte)


def test_body_follows_the_fibres(model):
    """Muscle mass is the starting mass times the fibres' summed area over its start; lean
    mass adds the fixed non-muscle lean; the muscle's glucose uptake is the mass-weighted
    sum over fibres (an independent weighted mean)."""
    mr = model.remodel.muscle
    mr.csa = mr.csa * np.linspace(0.8, 1.4, len(mr.csa))
    mr.apply()
    expect = mr.mass0 * mr.csa.sum() / mr.csa0.sum()
    assert model.ctx.masses.muscle == pytest.approx(expect)
    assert mr.lean_kg() == pytest.approx(mr.lean_other + expect)
    mu = model.tissues["muscle"]
    cf = cell_fluxes(
        model.tissues, model.x, model.dt, model.ctx, model.adipose_pool, model.muscle_weights
    )
    w = mr.csa / mr.csa.mean()
    ref = float(np.sum(mu.row("cum_glc") * w) / len(w)) * expect / model.ctx.masses.body
    assert cf.u_muscle == pytest.approx(ref / model.dt)


def test_muscle_switch_off_keeps_no_fibre_state():
    m = PhysiologyModel(small(remodel={"every_min": 1440, "muscle": False}))
    assert m.remodel.muscle is None
    assert m.muscle_weights is None
    assert not any(d.get("kind") == "capillary" for _, d in m.graph.nodes(data=True))


def test_resistance_exercise_grows_fibres_and_type_ii_more():
    """A resistance session after the reference day against none (same seed): the fibres grow,
    type II more than type I; with w_syn_load 0 and w_brk_load 0 they do not."""
    rt = {"kind": "exercise", "mode": "resistance", "start_min": 600, "duration_min": 45,
          "intensity_vo2max": 0.8, "repeat_every_min": 1440}  # fmt: skip
    runs = {}
    for name, extra in {
        "ctl": {},
        "rt": {"interventions": [*small()["interventions"], rt]},
        "off": {
            "interventions": [*small()["interventions"], rt],
            "parameters": {"remodel.w_syn_load": 0.0, "remodel.w_brk_load": 0.0},
        },
    }.items():
        m = PhysiologyModel(small(days=2, **extra))
        while m.running:
            m.step()
        runs[name] = m.remodel.muscle
    grow = runs["rt"].csa / runs["ctl"].csa - 1.0
    t1 = runs["rt"].type_i > 0
    assert grow.mean() > 0.001  # one day's session after the reference day
    assert grow[~t1].mean() > grow[t1].mean()
    # switched off: only the session's effect on Akt and cortisol remains (small)
    assert abs((runs["off"].csa / runs["ctl"].csa - 1.0).mean()) < 0.2 * grow.mean()


def _signals(mr, pgc: float) -> SimpleNamespace:
    """A slow period's signals at the fibres' reference, with PGC-1alpha set to ``pgc``."""
    n = len(mr.csa)
    ref = mr.ref
    fibre = np.vstack([ref.akt, np.full(n, pgc), ref.stat5])
    return SimpleNamespace(
        fibre=fibre, work=np.zeros(n), igf1=ref.igf1, aa=ref.aa, cort=ref.cort, fat_ox=ref.fat_ox
    )


@pytest.mark.parametrize("w_angio", [0.7, 0.0])
def test_pgc1a_grows_capillaries_and_converts_type_ii_fibres(model, w_angio):
    """Sustained PGC-1alpha over 60 slow days adds capillary agents (and nodes) and turns
    type II fibres into type I with the type I parameters; with w_angio_pgc 0 the capillary
    count stays near its start and with k_type_shift 0 no fibre converts."""
    import copy

    m = copy.deepcopy(model)
    mr = m.remodel.muscle
    mr.rp = copy.copy(mr.rp)
    mr.rp.w_angio_pgc = w_angio
    mr.rp.k_type_shift = 0.02 if w_angio else 0.0
    mr.rp.w_type_IIa_I = 1.0  # every step of the sequence at the same hazard
    caps0, type0, iix0 = mr.capillaries_per_fibre(), mr.type_i.copy(), mr.iix.sum()
    ox0 = np.asarray(mr.tissue.params.oxidative_capacity).copy()
    for day in range(60):
        mr.slow_step(m.time_min + 1440.0 * (day + 1), _signals(mr, 1.0), 1.0, 0.0)
    n_cap_nodes = sum(d.get("kind") == "capillary" for _, d in m.graph.nodes(data=True))
    assert n_cap_nodes == sum(len(c) for c in mr.capillaries)
    shifted = (mr.type_i > 0) & (type0 == 0)
    if w_angio:
        assert mr.capillaries_per_fibre() > 1.2 * caps0
        assert shifted.any() and mr.iix.sum() < iix0
        ratio = np.asarray(mr.tissue.params.oxidative_capacity)[shifted] / ox0[shifted]
        assert np.allclose(ratio, mr.type_ratio["oxidative_capacity"])
    else:
        assert abs(mr.capillaries_per_fibre() - caps0) < 0.15 * caps0
        assert not shifted.any() and mr.iix.sum() == iix0


def test_fibre_agents_carry_their_area_and_type(model):
    from sim.agents import Myocyte

    mr = model.remodel.muscle
    for a in model.agents_by_type[Myocyte]:
        assert a.csa_um2 == pytest.approx(mr.csa[a.i])
        assert a.type_I == bool(mr.type_i[a.i])


def test_diet_protein_raises_amino_acids_and_fibre_synthesis():
    """diet.protein_g_kg_day from day 1 (after the reference day) adds protein portions:
    plasma amino acids rise and the fibres grow against the same run without it; with
    w_syn_aa 0 the growth is mostly gone (what remains comes through insulin and Akt)."""
    from sim.kinetics import body as bk

    diet = {"kind": "diet", "protein_g_kg_day": 1.0, "start_min": 1440}
    ends, aa = {}, {}
    for name, extra in {
        "ctl": {},
        "protein": {"interventions": [*small()["interventions"], diet]},
        "off": {
            "interventions": [*small()["interventions"], diet],
            "parameters": {"remodel.w_syn_aa": 0.0},
        },
    }.items():
        m = PhysiologyModel(small(days=3, **extra))
        seen = []
        while m.running:
            m.step()
            if m.time_min > 1440:
                seen.append(float(m.x[bk.IDX["aa"]]))
        ends[name], aa[name] = m.remodel.muscle.csa.copy(), float(np.mean(seen))
    assert aa["protein"] > 1.3 * aa["ctl"]
    grow = (ends["protein"] / ends["ctl"] - 1.0).mean()
    off = (ends["off"] / ends["ctl"] - 1.0).mean()
    assert grow > 0.001
    assert abs(off) < 0.5 * grow
