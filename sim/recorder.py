"""Recording: whole-body time series and per-cell snapshots, at the scenario's cadences.

Rows hold plasma concentrations at the recorded time and fluxes averaged over the step that
ended there; per-tissue columns are means over cells of each pathway node.

Per-cell snapshots are not kept in memory: each is written, as it is taken, to an anonymous
temporary file per tissue (:class:`SnapshotStore`; float32, the values the table holds), so
a long run at 10^6 cells (about 124 B per cell per snapshot, ~3 GiB per simulated day at the
default hourly cadence) needs no memory for them. ``cells.parquet`` is built from that store
at the end: in memory as before when the table is small (:data:`CELLS_IN_MEMORY_MIB`), and
otherwise as a :class:`CellTable` that writes the same table one (tissue, snapshot) block at
a time.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from functools import cache
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from sim.kinetics import body as bk
from sim.kinetics.species import TISSUE_SPECIES, node_names
from sim.units import PMOL_PER_UU_INSULIN

if TYPE_CHECKING:
    from sim.model import PhysiologyModel

FLUX_ACC = {
    "ra_meal_mg_kg_min": "acc_ra",
    "gir_mg_kg_min": "acc_gir",
    "uptake_other_mg_kg_min": "acc_other",
    "renal_mg_kg_min": "acc_renal",
    "glucose_infusion_mg_kg_min": "acc_infusion",
    "ffa_spillover_umol_kg_min": "acc_spill",
}


def _on_cadence(t: float, every: float) -> bool:
    k = round(t / every)
    return abs(t - k * every) < 1e-6


CELLS_IN_MEMORY_MIB = 512.0
"""Above this estimated size (MiB; environment variable ``SIM_CELLS_IN_MEMORY_MIB``) the
cells table of a run is not built in memory: :meth:`Recorder.cells` returns a
:class:`CellTable`, which ``RunResult.save`` streams into ``cells.parquet``."""


def _write_all(fd: int, data: memoryview, offset: int) -> None:
    done = 0
    while done < len(data):
        done += os.pwrite(fd, data[done:], offset + done)


def _read_all(fd: int, out: memoryview, offset: int) -> None:
    done = 0
    while done < len(out):
        got = os.preadv(fd, [out[done:]], offset + done)
        if got == 0:
            raise OSError(f"cell snapshot file ended {len(out) - done} bytes early")
        done += got


class SnapshotStore:
    """Cell snapshots on disk: one anonymous temporary file holding every snapshot's float32
    state arrays one after the other, so they take no memory however long the run.

    A sequence of ``(time_min, {tissue: float32 array (species, cells)})`` like the list it
    replaces (the checkpoint code slices and counts it); :meth:`get` reads one tissue of one
    snapshot. The file has no name (``tempfile.TemporaryFile``), so a killed process leaves
    nothing behind; it goes where ``tempfile`` puts temporary files (``TMPDIR``).
    """

    def __init__(self, items: Any = ()) -> None:
        self.times: list[float] = []
        self._file: Any = None
        self._shapes: dict[str, tuple[int, ...]] = {}
        self._offsets: list[dict[str, int]] = []
        self._end = 0
        for t, arrays in items:
            self.append(t, arrays)

    def append(self, t: float, arrays: dict[str, np.ndarray]) -> None:
        if self._file is None:
            self._file = tempfile.TemporaryFile(prefix="sim-snapshots-")
            self._shapes = {name: np.shape(y) for name, y in arrays.items()}
        if set(arrays) != set(self._shapes):
            raise ValueError(f"snapshot tissues {sorted(arrays)}, earlier {sorted(self._shapes)}")
        offsets = {}
        for name, y in arrays.items():
            a = np.ascontiguousarray(y, dtype=np.float32)
            if a.shape != self._shapes[name]:
                raise ValueError(f"{name} snapshot shape {a.shape}, earlier {self._shapes[name]}")
            _write_all(self._file.fileno(), memoryview(a).cast("B"), self._end)
            offsets[name] = self._end
            self._end += a.nbytes
        self._offsets.append(offsets)
        self.times.append(t)

    def get(self, name: str, k: int) -> np.ndarray:
        """Tissue ``name`` in snapshot ``k`` (a new float32 array)."""
        out = np.empty(self._shapes[name], dtype=np.float32)
        _read_all(self._file.fileno(), memoryview(out).cast("B"), self._offsets[k][name])
        return out

    def __len__(self) -> int:
        return len(self.times)

    def __getitem__(self, k: int | slice) -> Any:
        if isinstance(k, slice):
            return [self[i] for i in range(*k.indices(len(self)))]
        return self.times[k], {name: self.get(name, k) for name in self._shapes}

    def __iter__(self) -> Iterator[tuple[float, dict[str, np.ndarray]]]:
        for k in range(len(self)):
            yield self[k]

    def __reduce__(self) -> tuple:
        """Pickled (or deep-copied) with its snapshots read into memory; the copy writes
        them to files of its own."""
        return (SnapshotStore, (list(self),))


def glucose_mM(model: PhysiologyModel) -> float:
    """Model reporter: plasma glucose (mM)."""
    return float(bk.glucose_mM(model.x, model.ctx.bp))


def insulin_uU_ml(model: PhysiologyModel) -> float:
    """Model reporter: plasma insulin (uU/mL)."""
    return float(bk.insulin_pmol_l(model.x, model.ctx.bp) / PMOL_PER_UU_INSULIN)


#: Model reporters the recorder reads at every step (name -> function of the model); add an
#: entry to report another quantity per step (``model.datacollector`` and mesa.batch_run
#: then show it).
STEP_REPORTERS: dict[str, Callable[[PhysiologyModel], float]] = {
    "glucose_mM": glucose_mM,
    "insulin_uU_ml": insulin_uU_ml,
}


class StepReporters:
    """What ``mesa.DataCollector`` offers a Mesa user (``model_vars``,
    ``get_model_vars_dataframe``, the agent-record fields ``mesa.batch_run`` reads), served
    from the recorder's per-step values, so nothing is collected twice. Per-cell values are
    in :meth:`Recorder.cells` (``cells.parquet``) and on the agents themselves."""

    def __init__(self, recorder: Recorder) -> None:
        self._recorder = recorder
        self.agent_reporters: dict[str, Any] = {}  # per-cell values: Recorder.cells()
        self._agent_records: dict[int, list] = {}

    @property
    def model_vars(self) -> dict[str, list[float]]:
        return self._recorder.step_values

    def get_model_vars_dataframe(self) -> pd.DataFrame:
        return pd.DataFrame(self._recorder.step_values)

    def get_agent_vars_dataframe(self) -> pd.DataFrame:
        """Per-cell values are the recorder's cell snapshots (``cells.parquet``)."""
        cells = self._recorder.cells()
        return cells if isinstance(cells, pd.DataFrame) else cells.to_pandas()


class Recorder:
    """Collects time-series rows and cell snapshots from a running model."""

    def __init__(self, model: PhysiologyModel) -> None:
        self.model = model
        self.rows: list[dict[str, float]] = []
        self._snapshots = SnapshotStore()
        self.x0 = model.x.copy()
        self.every = model.scenario.record_every_min
        self.cell_every = model.scenario.cell_record_every_min
        # Model reporters read at every step (t = 0 first), whatever the row cadence: what
        # mesa.batch_run indexes by step (see :class:`StepReporters`).
        self.step_values: dict[str, list[float]] = {name: [] for name in STEP_REPORTERS}

    @property
    def snapshots(self) -> SnapshotStore:
        """The cell snapshots taken so far (on disk)."""
        return self._snapshots

    @snapshots.setter
    def snapshots(self, items: Any) -> None:  # a checkpoint being resumed
        self._snapshots = items if isinstance(items, SnapshotStore) else SnapshotStore(items)

    def due(self, t: float) -> bool:
        return _on_cadence(t, self.every)

    def record(self, force_cells: bool = False) -> None:
        m = self.model
        t = m.time_min
        for name, values in self.step_values.items():
            values.append(STEP_REPORTERS[name](m))
        if force_cells or self.due(t):
            self.rows.append(self._row())
        if force_cells or _on_cadence(t, self.cell_every):
            self._snapshots.append(t, {n: ts.y for n, ts in m.tissues.items()})
            if m.remodel is not None:
                m.remodel.snapshot(t)

    def _row(self) -> dict[str, float]:
        m = self.model
        x, bp, cf, dt = m.x, m.ctx.bp, m.last_flux, m.dt
        prev = getattr(m, "x_prev", x)
        sch = m.ctx.sch
        row = {
            "time_min": m.time_min,
            "clock_h": sch.clock_h(m.time_min),
            "asleep": float(sch.asleep(m.time_min)),
            "exercise_vo2max": sch.intensity(m.time_min),
            "glucose_mM": bk.glucose_mM(x, bp),
            "insulin_uU_ml": bk.insulin_pmol_l(x, bp) / PMOL_PER_UU_INSULIN,
            "ffa_mM": bk.ffa_mM(x, bp),
            "gh_ug_l": bk.gh_ug_l(x, bp),
            "ghrh_rel": float(x[bk.IDX["ghrh"]]),
            "somatostatin_rel": float(x[bk.IDX["sst"]]),
            "ghrelin_pg_ml": float(x[bk.IDX["ghrelin"]]),
            "igf1_ug_l": float(x[bk.IDX["igf1"]]),
            "cortisol_nM": float(x[bk.IDX["cort"]]),
            "tnf_pg_ml": bk.tnf_pg_ml(x, bp),
            "glucagon_pg_ml": float(x[bk.IDX["gcg"]]),
            "adrenaline_pg_ml": float(x[bk.IDX["adr"]]),
            "noradrenaline_pg_ml": float(x[bk.IDX["nor"]]),
            "bhb_mM": float(x[bk.IDX["bhb"]]),
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
            y = tissue.y if tissue.alive is None else tissue.y[:, tissue.alive]
            means = y.mean(axis=1)
            for i, node in enumerate(tissue.names):
                if node in _nodes(name):
                    row[f"{name}.{node}"] = float(means[i])
        if m.remodel is not None:  # R1/R2 (remodelling runs only)
            row.update(m.remodel.columns())
        return row

    def _medium_row(self) -> dict[str, float]:
        from sim.engine import systemic_inputs  # medium: report what the cells are bathed in

        u = systemic_inputs(self.model.time_min, self.model.x, self.model.ctx)
        return {
            "glucose_mM": u["glc_mM"],
            "insulin_uU_ml": u["ins_nM"] * 1000.0 / PMOL_PER_UU_INSULIN,
            "ffa_mM": u["ffa_mM"],
            "gh_ug_l": u["gh_nM"] / bk.GH_NM_PER_UG_L,
            "tnf_pg_ml": u["tnf_pg_ml"],
        }

    def timeseries(self) -> pd.DataFrame:
        return pd.DataFrame(self.rows)

    def cells(self) -> pd.DataFrame | CellTable:
        """Per-cell snapshots (CONTRACT cells.parquet): a DataFrame, or a :class:`CellTable`
        (the same table, streamed when saved) when it would exceed
        :data:`CELLS_IN_MEMORY_MIB`."""
        table = CellTable(self)
        limit = float(os.environ.get("SIM_CELLS_IN_MEMORY_MIB", CELLS_IN_MEMORY_MIB))
        return table.to_pandas() if table.estimated_bytes() <= limit * 2**20 else table


class CellTable:
    """The cells table of a run, built from its snapshot store one (tissue, snapshot) block
    at a time: the rows, row order, columns, types and categories of the in-memory
    DataFrame (:meth:`to_pandas`), without holding more than one block."""

    def __init__(self, recorder: Recorder) -> None:
        self.recorder = recorder
        m = recorder.model
        self.all_nodes = sorted({n for t in m.tissues for n in _nodes(t)})

    @property
    def columns(self) -> list[str]:
        life = (
            ["born_min", "died_min", "diameter_um"]
            if self.recorder.model.remodel is not None
            else []
        )
        return [
            "cell_id",
            "tissue",
            "subtype",
            "zone",
            "time_min",
            *self.all_nodes,
            "uptake_mg_kg_min",
            *life,
        ]

    def _life(self, name: str, n: int) -> tuple[np.ndarray, np.ndarray] | None:
        """(born_min, died_min) per column of tissue ``name`` in a remodelling run (NaN born:
        present at the start; NaN died: not dead; +inf born: a slot never used), else None."""
        rm = self.recorder.model.remodel
        if rm is None:
            return None
        if name == "adipose":
            return rm.pool.born_min, rm.pool.died_min
        return np.full(n, np.nan), np.full(n, np.nan)

    def __len__(self) -> int:
        return len(self.recorder.snapshots) * sum(t.n for t in self.recorder.model.tissues.values())

    def estimated_bytes(self) -> int:
        """Size of the DataFrame (float32 columns, int64 ids, one-byte category codes)."""
        return len(self) * (8 + 2 + 4 * (len(self.columns) - 3))

    def frames(self) -> Iterator[pd.DataFrame]:
        """One block per tissue and snapshot, tissue by tissue, in time order; ``tissue``
        and ``subtype`` as plain strings."""
        m, store = self.recorder.model, self.recorder.snapshots
        for name, tissue in m.tissues.items():
            names = tissue.names
            lay = tissue.layout
            life = self._life(name, tissue.n)
            for k, t in enumerate(store.times):
                y = store.get(name, k)
                df = pd.DataFrame(
                    {
                        "cell_id": lay.nodes.astype(np.int64),
                        "tissue": name,
                        "subtype": lay.subtype,
                        "zone": lay.zone.astype(np.float32),
                        "time_min": np.float32(t),
                    }
                )
                for node in self.all_nodes:
                    df[node] = y[names.index(node)] if node in _nodes(name) else np.float32(np.nan)
                df["uptake_mg_kg_min"] = y[names.index("cum_glc")] / np.float32(m.dt)
                if life is not None:  # remodelling: the cells present at t, with their lives
                    born, died = life
                    df["born_min"], df["died_min"] = born.astype(np.float32), died
                    df["died_min"] = df["died_min"].astype(np.float32)
                    df["diameter_um"] = m.remodel.diameters_at(t) if name == "adipose" else np.nan
                    df["diameter_um"] = df["diameter_um"].astype(np.float32)
                    present = ~(born > t) & ~(died <= t)
                    df = df[present].reset_index(drop=True)
                yield df

    def to_pandas(self) -> pd.DataFrame:
        """The whole table in memory."""
        out = pd.concat(list(self.frames()), ignore_index=True)
        out["tissue"] = out["tissue"].astype("category")
        out["subtype"] = out["subtype"].astype("category")
        return out

    def categories(self) -> dict[str, list[str]]:
        """The categories ``to_pandas`` gives ``tissue`` and ``subtype`` (sorted values)."""
        tissues = {
            n: t for n, t in self.recorder.model.tissues.items() if t.n and self.recorder.snapshots
        }
        return {
            "tissue": sorted(tissues),
            "subtype": sorted(
                {str(s) for t in tissues.values() for s in t.layout.subtype} - {"unborn"}
            ),
        }

    def write_parquet(self, path: str | os.PathLike) -> None:
        """Write the table to ``path`` block by block (one Parquet row group per block)."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        cats = self.categories()
        writer = None
        try:
            for df in self.frames():
                for col, values in cats.items():
                    df[col] = pd.Categorical(df[col], categories=values)
                if writer is None:
                    schema = pa.Schema.from_pandas(df, preserve_index=False)
                    writer = pq.ParquetWriter(path, schema)
                writer.write_table(pa.Table.from_pandas(df, schema=schema, preserve_index=False))
        finally:
            if writer is not None:
                writer.close()
        if writer is None:
            raise ValueError("no cell snapshots to write")


def _nodes(tissue: str) -> frozenset[str]:
    """The pathway nodes of ``tissue`` reported in outputs (its species as declared now,
    species registered through :mod:`sim.kinetics.extensions` included)."""
    return _node_set(tissue, TISSUE_SPECIES[tissue])


@cache
def _node_set(tissue: str, declared: tuple) -> frozenset[str]:
    return frozenset(node_names(tissue))
