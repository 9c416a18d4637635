"""Monolithic reference: the whole model as one ODE system for a stiff solver.

The engine splits each step (cells with frozen inputs, then the body). Here the same rate
functions are coupled instantaneously (cell inputs from the current body state, body fluxes
from the cells' instantaneous rates) and handed to ``scipy.integrate.solve_ivp`` (BDF/LSODA,
tight tolerances). Tests compare the engine at its default step against this reference.
"""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import numpy as np
from scipy.integrate import solve_ivp

from sim import engine as en
from sim.kinetics import body as bk
from sim.kinetics.tissues import cell_rhs
from sim.model import PhysiologyModel
from sim.types import FloatArray


class CoupledSystem:
    """The model's full state as one vector: body state, then each tissue's array."""

    def __init__(self, model: PhysiologyModel) -> None:
        self.model = model
        self.shapes = {t: ts.y.shape for t, ts in model.tissues.items()}
        self.nx = len(model.x)

    def pack(self) -> FloatArray:
        m = self.model
        return np.concatenate([m.x] + [m.tissues[t].y.ravel() for t in self.shapes])

    def unpack(self, v: FloatArray) -> tuple[FloatArray, dict[str, FloatArray]]:
        x, k, ys = v[: self.nx], self.nx, {}
        for t, shape in self.shapes.items():
            n = shape[0] * shape[1]
            ys[t] = v[k : k + n].reshape(shape)
            k += n
        return x, ys

    def rhs(self, t: float, v: FloatArray) -> FloatArray:
        m = self.model
        x, ys = self.unpack(v)
        base = en.systemic_inputs(t, x, m.ctx)
        # The liver's portal inputs carry the visceral adipocytes' FFA and TNF-alpha release
        # of this same state: the other tissues first (their inputs do not read the cell
        # fluxes), then the liver with the fluxes they give, so the right-hand side is a
        # function of (t, v) alone, as a stiff solver assumes.
        dys, rates = {}, {}
        order = sorted(m.tissues, key=lambda name: name == "liver")
        cf = None  # no tissue before the liver reads the cell fluxes
        for name in order:
            tissue = m.tissues[name]
            if name == "liver":  # only the visceral release is read from these fluxes
                unset = en.Tissue(name, np.zeros_like(ys[name]), tissue.params, tissue.layout, 0)
                partial = {**rates, name: unset}
                cf = en.cell_fluxes(partial, x, 1.0, m.ctx, m.adipose_pool, m.muscle_weights)
            view = en.Tissue(name, ys[name], tissue.params, tissue.layout, tissue.mass_kg)
            u = en.tissue_inputs(t, x, m.ctx, view, base, cf)
            dys[name] = cell_rhs(name, ys[name], u, tissue.params)
            rates[name] = en.Tissue(name, dys[name], tissue.params, tissue.layout, tissue.mass_kg)
        # instantaneous rates (dt = 1 min)
        cf = en.cell_fluxes(rates, x, 1.0, m.ctx, m.adipose_pool, m.muscle_weights)
        # IGF-1 production follows the hepatocytes' IGF-1 mRNA level, not a rate: read it
        # from the states (from the rates it is ~0 and the reference's IGF-1 decays)
        li = m.tissues["liver"]
        igf1_m = float(
            np.mean(en.Tissue("liver", ys["liver"], li.params, li.layout, 0).row("igf1_m"))
        )
        cf = dataclasses.replace(cf, igf1_m=igf1_m)
        if m.ctx.medium is None:
            inputs = bk.body_inputs(t, m.ctx.sch, m.ctx.bp)
            dx = bk.body_rhs(x, inputs, cf, m.ctx.bp, m.ctx.geo)
        else:
            dx = np.zeros_like(x)
        return np.concatenate([dx] + [dys[t].ravel() for t in self.shapes])


def solve(
    model: PhysiologyModel,
    t_end: float,
    times: FloatArray,
    method: str = "LSODA",
    rtol: float = 1e-8,
    atol: float = 1e-10,
) -> SimpleNamespace:
    """Integrate the model from its current state to ``t_end`` with a stiff solver.

    The GH pulse generator is a hybrid system: a burst starts when the integrated hazard
    (``gh_hazard``) reaches its pre-drawn threshold. The engine checks this at its step
    boundaries; here a terminal event stops the solver at the exact crossing, the burst is
    started from the state at that instant, and integration restarts, so the reference carries
    the same bursts without the engine's up-to-one-step delay.

    Bolus events are not handled here: use scenarios whose boluses fall at t = 0 and apply
    them with ``model._apply_events(0, dt)`` before calling.
    """
    sysm = CoupledSystem(model)
    sch, bp = model.ctx.sch, model.ctx.bp
    draws = sch.gh_pulses
    i_haz, i_fired = bk.IDX["gh_hazard"], bk.IDX["gh_fired"]

    def threshold(v: FloatArray) -> float:
        return float(draws[int(round(v[i_fired])) % len(draws), 0])

    times = np.asarray(times, dtype=float)
    t0, v = model.time_min, sysm.pack()
    out_t: list[float] = []
    out_y: list[FloatArray] = []
    while True:
        events = None
        if len(draws):
            thr = threshold(v)

            def burst(t: float, w: FloatArray, thr: float = thr) -> float:
                return w[i_haz] - thr

            burst.terminal, burst.direction = True, 1.0
            events = [burst]
        todo = times[(times > t0) & (times <= t_end)] if out_t else times[times <= t_end]
        sol = solve_ivp(
            sysm.rhs,
            (t0, t_end),
            v,
            method=method,
            t_eval=todo,
            events=events,
            rtol=rtol,
            atol=atol,
        )
        if not sol.success:
            raise RuntimeError(sol.message)
        out_t.extend(sol.t)
        out_y.extend(sol.y.T)
        if sol.status != 1:  # reached t_end
            break
        t0, v = float(sol.t_events[0][0]), sol.y_events[0][0].copy()
        x, _ = sysm.unpack(v)
        x[i_haz] = max(x[i_haz], threshold(v))  # the solver stops within its tolerance of it
        gain = sch.modulator("gh_secretion", "all", t0)
        bk.fire_gh_pulses(x, draws, gain, bp, bk.sleep_metab_gate(t0, sch, bp))  # x: view into v
    return SimpleNamespace(t=np.array(out_t), states=[sysm.unpack(y) for y in out_y])
