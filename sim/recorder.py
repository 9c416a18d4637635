"""Recording: whole-body time series and per-cell snapshots, at the scenario's cadences.

Rows hold plasma concentrations at the recorded time and fluxes averaged over the step that
ended there; per-tissue columns are means over cells of each pathway node.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sim.kinetics import body as bk
from sim.kinetics.species import node_names

if TYPE_CHECKING:
    from sim.model import PhysiologyModel

FLUX_ACC = {
    "ra_meal_mg_kg_min": "acc_ra",
    "gir_mg_kg_min": "acc_gir",
    "uptake_other_mg_kg_min": "acc_other",
    "renal_mg_kg_min": "acc_renal",
    "glucose_infusion_mg_kg_min": "acc_infusion",
}


def _on_cadence(t: float, every: float) -> bool:
    k = round(t / every)
    return abs(t - k * every) < 1e-6


class Recorder:
    """Collects time-series rows and cell snapshots from a running model."""

    def __init__(self, model: PhysiologyModel) -> None:
        self.model = model
        self.rows: list[dict[str, float]] = []
        self.snapshots: list[tuple[float, dict[str, np.ndarray]]] = []
        self.x0 = model.x.copy()
        self.every = model.scenario.record_every_min
        self.cell_every = model.scenario.cell_record_every_min

    def due(self, t: float) -> bool:
        return _on_cadence(t, self.every)

    def record(self, force_cells: bool = False) -> None:
        m = self.model
        t = m.time_min
        if force_cells or self.due(t):
            self.rows.append(self._row())
        if force_cells or _on_cadence(t, self.cell_every):
            self.snapshots.append((t, {n: ts.y.astype(np.float32) for n, ts in m.tissues.items()}))

    def _row(self) -> dict[str, float]:
        m = self.model
        x, bp, cf, dt = m.x, m.ctx.bp, m.ctx.last_flux, m.dt
        prev = getattr(m, "x_prev", x)
        sch = m.ctx.sch
        row = {
            "time_min": m.time_min,
            "clock_h": sch.clock_h(m.time_min),
            "asleep": float(sch.asleep(m.time_min)),
            "exercise_vo2max": sch.intensity(m.time_min),
            "glucose_mM": bk.glucose_mM(x, bp),
            "insulin_uU_ml": bk.insulin_pmol_l(x, bp) / 6.0,
            "ffa_mM": bk.ffa_mM(x, bp),
            "gh_ug_l": bk.gh_ug_l(x, bp),
            "igf1_ug_l": float(x[bk.IDX["igf1"]]),
            "cortisol_nM": float(x[bk.IDX["cort"]]),
            "tnf_pg_ml": bk.tnf_pg_ml(x, bp),
            "egp_mg_kg_min": cf.egp,
            "gng_mg_kg_min": cf.gng,
            "uptake_muscle_mg_kg_min": cf.u_muscle,
            "uptake_adipose_mg_kg_min": cf.u_adipose,
            "uptake_liver_mg_kg_min": cf.u_liver,
            "ffa_release_umol_kg_min": cf.ffa_release,
            "visceral_fat_kg": float(x[bk.IDX["fat_visc"]]),
        }
        for col, acc in FLUX_ACC.items():
            row[col] = float(x[bk.IDX[acc]] - prev[bk.IDX[acc]]) / dt
        if m.ctx.medium is not None:
            row.update(self._medium_row())
        row["rd_mg_kg_min"] = (
            cf.u_muscle
            + cf.u_adipose
            + cf.u_liver
            + row["uptake_other_mg_kg_min"]
            + row["renal_mg_kg_min"]
        )
        for name, tissue in m.tissues.items():
            means = tissue.y.mean(axis=1)
            for i, node in enumerate(tissue.names):
                if node in _NODES[name]:
                    row[f"{name}.{node}"] = float(means[i])
        return row

    def _medium_row(self) -> dict[str, float]:
        from sim.engine import systemic_inputs  # medium: report what the cells are bathed in

        u = systemic_inputs(self.model.time_min, self.model.x, self.model.ctx)
        return {
            "glucose_mM": u["glc_mM"],
            "insulin_uU_ml": u["ins_nM"] * 1000.0 / 6.0,
            "ffa_mM": u["ffa_mM"],
            "gh_ug_l": u["gh_nM"] / bk.GH_NM_PER_UG_L,
            "tnf_pg_ml": u["tnf_pg_ml"],
        }

    def timeseries(self) -> pd.DataFrame:
        return pd.DataFrame(self.rows)

    def cells(self) -> pd.DataFrame:
        """Per-cell snapshots (CONTRACT cells.parquet)."""
        m = self.model
        all_nodes = sorted({n for t in m.tissues for n in _NODES[t]})
        frames = []
        for name, tissue in m.tissues.items():
            names = tissue.names
            lay = tissue.layout
            for t, arrays in self.snapshots:
                y = arrays[name]
                df = pd.DataFrame(
                    {
                        "cell_id": lay.nodes.astype(np.int64),
                        "tissue": name,
                        "subtype": lay.subtype,
                        "zone": lay.zone.astype(np.float32),
                        "time_min": np.float32(t),
                    }
                )
                for node in all_nodes:
                    df[node] = y[names.index(node)] if node in _NODES[name] else np.float32(np.nan)
                df["uptake_mg_kg_min"] = y[names.index("cum_glc")] / np.float32(m.dt)
                frames.append(df)
        out = pd.concat(frames, ignore_index=True)
        out["tissue"] = out["tissue"].astype("category")
        out["subtype"] = out["subtype"].astype("category")
        return out


_NODES = {t: set(node_names(t)) for t in ("muscle", "liver", "adipose")}
