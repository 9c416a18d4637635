"""Monolithic reference: the whole model as one ODE system for a stiff solver.

The engine splits each step (cells with frozen inputs, then the body). Here the same rate
functions are coupled instantaneously (cell inputs from the current body state, body fluxes
from the cells' instantaneous rates) and handed to ``scipy.integrate.solve_ivp`` (BDF/LSODA,
tight tolerances). Tests compare the engine at its default step against this reference.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
from scipy.integrate import solve_ivp

from sim import engine as en
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
        dys, rates = {}, {}
        for name, tissue in m.tissues.items():
            view = en.Tissue(name, ys[name], tissue.params, tissue.layout, tissue.mass_kg)
            u = en.tissue_inputs(t, x, m.ctx, view, base)
            dys[name] = cell_rhs(name, ys[name], u, tissue.params)
            rates[name] = en.Tissue(name, dys[name], tissue.params, tissue.layout, tissue.mass_kg)
        cf = en.cell_fluxes(rates, x, 1.0, m.ctx)  # instantaneous rates (dt = 1 min)
        m.ctx.last_flux = cf
        dx = en.bk.body_rhs(t, x, cf, m.ctx) if m.ctx.medium is None else np.zeros_like(x)
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

    Bolus events are not handled here: use scenarios whose boluses fall at t = 0 and apply
    them with ``model._apply_events(0, dt)`` before calling.
    """
    sysm = CoupledSystem(model)
    sol = solve_ivp(
        sysm.rhs,
        (model.time_min, t_end),
        sysm.pack(),
        method=method,
        t_eval=times,
        rtol=rtol,
        atol=atol,
    )
    if not sol.success:
        raise RuntimeError(sol.message)
    return SimpleNamespace(t=sol.t, states=[sysm.unpack(sol.y[:, k]) for k in range(len(sol.t))])
