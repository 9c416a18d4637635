"""Each remodelling rule (R1, R2): its driver turned up moves its outcome the right way, and
its rate at 0 makes it inert."""

from __future__ import annotations

import math

import numpy as np
import pytest
from remodel_helpers import rp, small_scenario

import sim
from sim.agents import Macrophage
from sim.model import PhysiologyModel
from sim.remodel import rules
from sim.remodel.core import SIGNALS, remodel_params

RP = remodel_params({})
FEW = {"muscle": 16, "liver": 10, "adipose": 40}


def small(days: float = 1, **extra) -> dict:
    return small_scenario("rules", FEW, 60, 720, 720, days, **extra)


@pytest.fixture(scope="module")
def model():
    return PhysiologyModel(small(days=2))


def signals(m: PhysiologyModel, **rows: np.ndarray) -> np.ndarray:
    """Per-slot averaged signals as the slow step receives them: every cell alike (the
    alive mean), with the given rows replaced."""
    pool = m.remodel.pool
    sig = np.zeros((len(SIGNALS), pool.capacity))
    y = m.tissues["adipose"]
    for k, name in enumerate(SIGNALS):
        sig[k] = float(np.mean(y.row(name)[pool.alive])) / (m.dt if k < 3 else 1.0)
    for name, value in rows.items():
        sig[SIGNALS.index(name)] = value
    return sig


# ---------------------------------------------------------------- R1 size


def test_lipid_and_diameter_are_inverse_and_physical():
    d = rules.diameter_um(np.array([0.1, 0.29, 1.0]), RP)
    assert np.all(np.diff(d) > 0)
    assert float(d[1]) == pytest.approx(84.9, abs=0.3)  # 15 kg over 5.23e10 cells
    assert rules.lipid_ug(d, RP) == pytest.approx([0.1, 0.29, 1.0])


def test_size_lowers_insulin_stimulated_glut4_and_switch_off():
    size = np.array([0.5, 1.0, 1.5, 2.0, 5.0])
    f = rules.glut4_insulin_factor(size, RP)
    assert np.all(np.diff(f) <= 0) and f[-2] < f[1] == 1.0 and f.min() >= 0.1
    assert np.all(rules.glut4_insulin_factor(size, rp(w_size_glut4=0.0)) == 1.0)


def test_large_cells_get_less_insulin_driven_glut4_in_the_model(model):
    pool = model.remodel.pool
    p = pool.tissue.params
    i = np.flatnonzero(pool.alive)
    big, small_ = i[np.argmax(pool.lipid[i])], i[np.argmin(pool.lipid[i])]
    ratio = p.k_exo_ins / pool.base["k_exo_ins"]
    assert ratio[big] < ratio[small_] == 1.0


def test_hypoxia_rises_with_distance_and_size():
    hops, d = np.array([1, 1, 2, 2]), np.array([80.0, 130.0, 80.0, 130.0])
    h = rules.hypoxia(hops, d, RP)
    assert h[0] == 0.0 and h[1] > 0 and h[3] > h[1] and h[3] > h[2]
    assert np.all(rules.hypoxia(hops, d, rp(diameter_hypoxia_um=1e6)) == 0.0)


# ---------------------------------------------------------------- R1 storage and lipolysis


def test_surplus_stores_fat_and_zero_surplus_conserves_it():
    # the storage rule alone (from day 0; tests/test_remodel_surplus.py eats the surplus)
    diet = {"kind": "diet", "energy_balance_kcal_day": 1500, "surplus_meals": False}
    # expenditure held at its first day (its own rule is tested in test_remodel_muscle.py)
    ee_off = {"remodel.f_fatox_ee": 0.0, "remodel.ree_per_kg_lean": 0.0}
    base = small(days=2, parameters=dict(ee_off))
    fed = sim.run({**base, "interventions": [*base["interventions"], diet]}).timeseries
    off = sim.run(
        {
            **base,
            "interventions": [*base["interventions"], diet],
            "parameters": {**ee_off, "remodel.f_surplus_fat": 0.0, "remodel.k_death_ref": 0.0},
        }
    ).timeseries
    gain = fed["fat_mass_kg"].iloc[-1] - fed["fat_mass_kg"].iloc[0]
    expected = 1500 * 0.6 / 9.4 / 1000 * 2  # kg over 2 days
    assert gain == pytest.approx(expected, rel=0.02)
    assert fed["adipose.diameter_um_mean"].iloc[-1] > fed["adipose.diameter_um_mean"].iloc[0]
    # no surplus (and no deaths): the depot stores what its cells release, to round-off
    assert off["fat_mass_kg"].iloc[-1] == pytest.approx(off["fat_mass_kg"].iloc[0], rel=1e-9)


def test_own_lipolysis_shrinks_a_cell_and_own_uptake_grows_it(model):
    rm = model.remodel
    pool = rm.pool
    i = np.flatnonzero(pool.depot_mask(0))[:3]
    before = pool.lipid.copy()
    base = signals(model)
    ffa = base[SIGNALS.index("cum_ffa_out")].copy()
    glc = base[SIGNALS.index("cum_glc")].copy()
    ffa[i[0]] *= 3.0  # more HSL flux
    glc[i[1]] *= 3.0  # more insulin-stimulated uptake
    rm._lipid_balance(signals(model, cum_ffa_out=ffa, cum_glc=glc), 0.0, 0.5)
    change = (pool.lipid[i] - before[i]) / before[i]
    assert change[0] < change[2] < change[1]
    pool.lipid[:] = before


# ---------------------------------------------------------------- R1 death and birth


def test_death_hazard_rises_with_size_hypoxia_and_in_viscera_and_switch_off():
    d = np.array([80.0, 100.0, 100.0, 100.0])
    h = rules.death_hazard(d, np.array([0, 0, 1, 0]), np.array([0, 0, 0, 1]), RP)
    assert h[1] > h[0] and h[2] > h[1] and h[3] > h[1]
    assert np.all(rules.death_hazard(d, np.zeros(4), np.zeros(4), rp(k_death_ref=0)) == 0)


def test_chemokine_output_rises_with_size_and_hypoxia_and_switch_off():
    d = np.array([85.0, 110.0, 110.0])
    c = rules.chemokine(d, np.array([0.0, 0.0, 1.0]), RP)
    assert c[0] == pytest.approx(1.0) and c[1] > c[0] and c[2] > c[1]
    flat = rules.chemokine(d, np.zeros(3), rp(n_chemokine_size=0.0))
    assert np.all(flat == 1.0)  # size no longer matters


def test_differentiation_rises_with_large_neighbours_and_insulin_and_switch_off():
    nb = np.array([1.0, 2.0, 2.0])
    visc = np.array([0.0, 0.0, 1.0])
    r0 = rules.differentiation_rate(nb, 0.0, visc, RP)
    assert np.all(rules.differentiation_rate(nb, 0.0, visc, RP, 0.01) == r0 + 0.01)
    r1 = rules.differentiation_rate(nb, 0.5, visc, RP)
    assert r0[1] > r0[0] == 0.0 and np.all(r1 > r0) and r0[2] < r0[1]
    assert np.all(rules.differentiation_rate(nb, 0.5, visc, rp(k_diff=0.0)) == 0.0)


BUSY = {
    "remodel.k_death_ref": 0.05,
    "remodel.k_diff": 2.0,
    "remodel.size_diff_threshold": 0.5,
    "remodel.k_recruit_dead": 5.0,
}


@pytest.fixture(scope="module")
def busy():
    """Two days at the busy hazards (read, never changed, by the tests that use it)."""
    return sim.run(small(days=2, parameters=BUSY, seed=1))


def test_rates_at_zero_switch_deaths_births_and_recruitment_off(busy):
    off = {
        **BUSY,
        "remodel.k_death_ref": 0.0,
        "remodel.k_diff": 0.0,
        "remodel.macrophages_resident": 0.0,
    }
    on = busy.model.remodel
    quiet = sim.run(small(days=2, parameters=off, seed=1)).model.remodel
    assert on.events["deaths"] > 0 and on.events["births"] > 0 and on.events["recruited"] > 0
    assert quiet.events == dict.fromkeys(quiet.events, 0)
    assert not quiet.macrophages


# ---------------------------------------------------------------- R2 macrophages


def test_macrophage_polarisation_target():
    lo = rules.m1_target(0.3, False, 0.0, RP)
    assert lo == 0.0
    assert rules.m1_target(0.8, False, 0.0, RP) > lo
    assert rules.m1_target(0.8, True, 0.0, RP) > rules.m1_target(0.8, False, 0.0, RP)
    assert rules.m1_target(0.8, True, 0.5, RP) < rules.m1_target(0.8, True, 0.0, RP)
    assert rules.m1_target(0.8, True, 0.0, rp(w_m1_ffa=0.0, w_m1_dead=0.0)) == 0.0


def _kill_one(m: PhysiologyModel) -> int:
    """Make one living adipocyte die now; returns its node."""
    rm, pool = m.remodel, m.remodel.pool
    s = int(np.flatnonzero(pool.alive)[5])
    pool.alive[s], pool.dead[s] = False, True
    pool.debris[s], pool.debris_ug[s], pool.lipid[s] = 1.0, pool.lipid[s], 0.0
    rm.adipocytes[s].dead = True
    return int(pool.tissue.layout.nodes[s])


def test_macrophages_climb_to_a_dead_adipocyte_and_polarise_there():
    m = PhysiologyModel(small(days=1, parameters={"remodel.moves_per_day": 20.0}, seed=2))
    rm = m.remodel
    node = _kill_one(m)
    field = rm._chemoattractant(rm._hypoxia())
    assert field[node] == max(field.values())
    g = m.graph
    cap = next(n for n in g[node] if g.nodes[n].get("kind") == "depot_capillary")
    macs = [Macrophage(m, m.space._cells[cap], 0.0) for _ in range(6)]
    rm.macrophages += macs
    before = [nx_dist(g, mac.cell.coordinate, node) for mac in macs]
    rm.field, rm.ffa_mM = field, 0.5
    for mac in macs:
        mac.remodel_step(rm, 1.0, 20, 0.0)
    after = [nx_dist(g, mac.cell.coordinate, node) for mac in macs if not mac.gone]
    assert np.mean(after) < np.mean(before)
    at = [mac for mac in macs if mac.cell.coordinate == node]
    assert at and all(mac.m1 > 0.2 for mac in at)
    assert rm.macrophages_near(node) >= 3 and rm.cls_count() >= 1


def test_macrophages_beside_lipolytic_cells_polarise_more():
    """Local FFA: plasma FFA scaled by the neighbouring cells' own net release."""
    m = PhysiologyModel(small(days=1, seed=2))
    rm, pool = m.remodel, m.remodel.pool
    lay = pool.tissue.layout
    slots = np.flatnonzero(pool.alive)
    hot, cold = int(slots[0]), int(slots[-1])
    rm.ffa_out = np.where(pool.alive, 1.0, 0.0)
    rm.ffa_out[hot] = 5.0
    rm.ffa_mM, rm.field = 0.6, {}
    rm.rp.k_macrophage_out, rm.rp.k_m1 = 0.0, 1.0
    node_hot, node_cold = int(lay.nodes[hot]), int(lay.nodes[cold])
    assert rm.local_ffa_mM(node_hot) > rm.ffa_mM >= rm.local_ffa_mM(node_cold) * 0.99
    a = Macrophage(m, m.space._cells[node_hot], 0.0)
    b = Macrophage(m, m.space._cells[node_cold], 0.0)
    for mac in (a, b):
        mac.remodel_step(rm, 1.0, 0, 0.0)
    assert a.m1 > b.m1
    rm.rp.w_m1_ffa = 0.0  # switch-off: FFA no longer polarises
    a.m1 = b.m1 = 0.0
    for mac in (a, b):
        mac.remodel_step(rm, 1.0, 0, 0.0)
    assert a.m1 == b.m1 == 0.0


def nx_dist(g, a, b) -> int:
    import networkx as nx

    return nx.shortest_path_length(g, a, b)


def test_moves_and_polarisation_switch_off():
    m = PhysiologyModel(small(days=1, parameters={"remodel.moves_per_day": 0.0}, seed=2))
    rm = m.remodel
    rm.rp.k_m1 = 0.0
    rm.rp.k_macrophage_out = 0.0
    node = _kill_one(m)
    g = m.graph
    cap = next(n for n in g[node] if g.nodes[n].get("kind") == "depot_capillary")
    mac = Macrophage(m, m.space._cells[cap], 0.0)
    rm.field, rm.ffa_mM = rm._chemoattractant(rm._hypoxia()), 1.0
    mac.remodel_step(rm, 1.0, 0, 0.0)
    assert mac.cell.coordinate == cap and mac.m1 == 0.0


def test_paracrine_and_venous_tnf_follow_m1_macrophages_and_switch_off():
    m = PhysiologyModel(small(days=1, seed=2))
    rm = m.remodel
    pool = rm.pool
    s = int(np.flatnonzero(pool.alive)[3])
    node = int(pool.tissue.layout.nodes[s])
    for mac in rm.macrophages:  # only the two placed here
        mac.remove()
    rm.macrophages = [Macrophage(m, m.space._cells[node], 0.0) for _ in range(2)]
    for mac in rm.macrophages:
        mac.m1 = 0.0
    rm._paracrine()
    calm_local, calm_out = pool.tissue.local_tnf.copy(), sum(pool.macrophage_tnf)
    for mac in rm.macrophages:
        mac.m1 = 1.0
    rm._paracrine()
    local = pool.tissue.local_tnf
    assert local[s] > calm_local[s] and sum(pool.macrophage_tnf) > calm_out
    far = [
        int(k)
        for k in np.flatnonzero(pool.alive)
        if nx_dist(m.graph, int(pool.tissue.layout.nodes[k]), node) > 2
    ]
    assert far and np.all(local[far] == 0.0)  # paracrine: neighbours only
    rm.rp.w_paracrine_tnf, rm.rp.tnf_macrophage = 0.0, 0.0
    rm._paracrine()
    assert not pool.tissue.local_tnf.any() and sum(pool.macrophage_tnf) == 0.0


def test_macrophage_tnf_raises_plasma_tnf(busy):
    """The paracrine and venous TNF-alpha of macrophages reach the body."""
    quiet_p = dict(BUSY, **{"remodel.tnf_macrophage": 0.0})
    quiet = sim.run(small(days=2, parameters=quiet_p, seed=1)).timeseries
    ts = busy.timeseries
    assert ts["tnf_pg_ml"].iloc[-1] > quiet["tnf_pg_ml"].iloc[-1]
    assert math.isfinite(ts["adipose.macrophage_m1_mean"].iloc[-1])


def test_births_deaths_and_clearance_conserve_the_depot_lipid():
    """At energy balance, cells dying, being scavenged and being born move lipid between
    cells and debris but the depots' total stays what it was."""
    params = dict(BUSY, **{"remodel.k_clear": 1.0})
    params.update({"remodel.f_fatox_ee": 0.0, "remodel.ree_per_kg_lean": 0.0})  # R3 off
    r = sim.run(small(days=3, parameters=params, seed=5))
    ev = r.model.remodel.events
    assert ev["births"] and ev["deaths"] and ev["cleared"]
    fat = r.timeseries["fat_mass_kg"]
    assert fat.iloc[-1] == pytest.approx(fat.iloc[0], rel=1e-9)


def test_macrophages_leave_at_their_exit_rate_and_stay_with_exit_off():
    """R2 exit: with ``k_macrophage_out`` high every macrophage away from a dead adipocyte
    leaves (and one on a dead adipocyte stays); at 0 none leaves."""
    for k_out, expect_left in ((50.0, True), (0.0, False)):
        m = PhysiologyModel(small(days=1, seed=2))
        rm = m.remodel
        rm.rp.k_macrophage_out, rm.rp.moves_per_day = k_out, 0.0
        node = _kill_one(m)
        keeper = Macrophage(m, m.space._cells[node], 0.0)
        rm.macrophages.append(keeper)
        others = [mac for mac in rm.macrophages if mac is not keeper]
        assert others  # the resident macrophages of the starting depot
        rm.field, rm.ffa_mM = rm._chemoattractant(rm._hypoxia()), 0.5
        left0 = rm.events["left"]
        rm.rp.k_recruit_dead = rm.rp.macrophages_resident = 0.0  # no newcomers
        rm._macrophages(m.time_min, rm.field, 0.5, 1.0)
        assert keeper in rm.macrophages
        if expect_left:
            assert rm.events["left"] - left0 == len(others)
            assert all(mac not in rm.macrophages for mac in others)
        else:
            assert rm.events["left"] == left0 and all(mac in rm.macrophages for mac in others)


def test_debris_is_cleared_by_macrophages_and_stays_with_clearance_off():
    """R2 clearance: a dead adipocyte with a macrophage on it is cleared (node and agent
    removed, its lipid returned to its depot's storage); at ``k_clear`` 0 it stays."""
    for k_clear, cleared in ((5.0, True), (0.0, False)):
        m = PhysiologyModel(small(days=1, seed=2))
        rm, pool = m.remodel, m.remodel.pool
        rm.rp.k_clear = k_clear
        node = _kill_one(m)
        s = int(np.flatnonzero(pool.dead)[0])
        debris_ug = float(pool.debris_ug[s])
        d = int(pool.visceral[s])
        restore0 = pool.restore_kg[d]
        rm.macrophages.append(Macrophage(m, m.space._cells[node], 0.0))
        rm._clear_debris(m.time_min, 1.0)
        if cleared:
            assert not pool.dead[s] and node not in m.graph
            assert pool.restore_kg[d] - restore0 == pytest.approx(
                debris_ug * pool.n_rep[d] / 1e9, rel=1e-12
            )
        else:
            assert pool.dead[s] and node in m.graph and pool.restore_kg[d] == restore0


def test_hypoxia_raises_the_cells_tnf_output_and_switch_off(model):
    """R1 hypoxia -> TNF-alpha: the per-cell ``depot_tnf`` the kernel reads rises with the
    cell's hypoxia by ``w_hypoxia_tnf``; at 0 hypoxia changes nothing."""
    pool = model.remodel.pool
    hyp = np.where(pool.alive, 0.5, 0.0)
    base = np.asarray(pool.base["depot_tnf"], dtype=float)
    pool.set_params(hyp, RP)
    tnf = np.asarray(pool.tissue.params.depot_tnf, dtype=float)
    assert np.all(tnf[pool.alive] > base[pool.alive])
    assert np.allclose(tnf, base * (1.0 + RP.w_hypoxia_tnf * hyp))
    pool.set_params(hyp, rp(w_hypoxia_tnf=0.0))
    assert np.allclose(np.asarray(pool.tissue.params.depot_tnf, dtype=float), base)
    pool.set_params(np.zeros_like(hyp), RP)  # leave the shared model as it was
