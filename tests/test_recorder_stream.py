"""Per-cell snapshots go to disk as they are taken, and cells.parquet is the same table
whether it is built in memory or streamed block by block (sim.recorder)."""

from __future__ import annotations

import pickle
import tracemalloc

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

import sim.model as sim_model
from sim import recorder as rec
from sim.recorder import CellTable, SnapshotStore
from sim.runner import run

SCENARIO = {
    "name": "stream",
    "seed": 2,
    "duration_min": 60,
    "cells": {"muscle": 8, "liver": 6, "adipose": 5},
    "heterogeneity_cv": 0.3,
    "cell_record_every_min": 20,
    "interventions": [{"kind": "meal", "at_min": 0, "carbs_g": 75, "fat_g": 10}],
}


@pytest.fixture(autouse=True)
def short_warmup(monkeypatch):
    monkeypatch.setattr(sim_model, "WARMUP_MIN", 20.0)
    monkeypatch.setattr(sim_model, "PREWARM_MIN", 10.0)
    monkeypatch.setenv("SIM_WARM_CACHE", "off")


def test_snapshot_store_round_trips_and_holds_no_memory():
    shapes = {"muscle": (31, 20_000), "liver": (30, 3)}

    def arrays(k: int) -> dict[str, np.ndarray]:
        rng = np.random.default_rng(k)
        return {n: rng.random(s) for n, s in shapes.items()}

    store = SnapshotStore()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        for k in range(12):  # 12 x 2.4 MB of float32 muscle snapshots
            store.append(float(10 * k), arrays(k))
        grown = tracemalloc.get_traced_memory()[0] - base
    finally:
        tracemalloc.stop()
    assert grown < 2**20, f"the store kept {grown / 2**20:.1f} MiB in memory"
    kept = [{n: a.astype(np.float32) for n, a in arrays(k).items()} for k in (0, 5, 11)]
    assert len(store) == 12 and store.times[5] == 50.0
    for k, want in zip((0, 5, 11), kept, strict=True):
        t, got = store[k]
        assert t == 10.0 * k
        for n in shapes:
            assert got[n].dtype == np.float32 and np.array_equal(got[n], want[n])
    assert np.array_equal(store.get("muscle", -1), kept[-1]["muscle"])
    assert [t for t, _ in store[10:]] == [100.0, 110.0]
    copy = pickle.loads(pickle.dumps(store))  # e.g. a result sent back by a worker process
    assert len(copy) == 12 and np.array_equal(copy.get("muscle", 5), kept[1]["muscle"])
    assert copy._file is not store._file
    with pytest.raises(ValueError, match="shape"):
        store.append(120.0, {"muscle": np.zeros((31, 5)), "liver": np.zeros((30, 3))})


def test_cells_table_is_the_snapshots_taken(monkeypatch):
    """The table read back from disk holds, row for row, the float32 states at each cadence
    (captured here independently of the recorder)."""
    captured = []
    record = rec.Recorder.record

    def spy(self, force_cells=False):  # noqa: ANN001
        t = self.model.time_min
        if force_cells or rec._on_cadence(t, self.cell_every):
            captured.append(
                (t, {n: ts.y.astype(np.float32) for n, ts in self.model.tissues.items()})
            )
        record(self, force_cells)

    monkeypatch.setattr(rec.Recorder, "record", spy)
    res = run(SCENARIO)
    cells = res.cells
    assert isinstance(cells, pd.DataFrame)
    assert [t for t, _ in captured] == [0.0, 20.0, 60.0 - 20.0, 60.0]
    assert len(cells) == 4 * 19
    m = res.model
    row = 0
    for name, tissue in m.tissues.items():  # tissue by tissue, then time
        for t, arrays in captured:
            block = cells.iloc[row : row + tissue.n]
            row += tissue.n
            assert (block["tissue"] == name).all() and (block["time_min"] == np.float32(t)).all()
            assert np.array_equal(block["cell_id"].to_numpy(), tissue.layout.nodes)
            for i, node in enumerate(tissue.names):
                if node in block.columns:
                    assert np.array_equal(block[node].to_numpy(), arrays[name][i]), (name, t, node)
            up = arrays[name][tissue.names.index("cum_glc")] / np.float32(m.dt)
            assert np.array_equal(block["uptake_mg_kg_min"].to_numpy(), up)
    assert list(cells["tissue"].cat.categories) == ["adipose", "liver", "muscle"]


def test_streamed_cells_parquet_equals_the_in_memory_one(tmp_path, monkeypatch):
    small = run(SCENARIO)
    assert isinstance(small.cells, pd.DataFrame)
    small.save(tmp_path / "memory")
    monkeypatch.setenv("SIM_CELLS_IN_MEMORY_MIB", "0")  # every table counts as too large
    big = run(SCENARIO)
    assert isinstance(big.cells, CellTable)
    assert big.cells.estimated_bytes() > 0 and len(big.cells) == len(small.cells)
    assert big.cells.columns == list(small.cells.columns)
    big.save(tmp_path / "streamed")
    a = pq.read_table(tmp_path / "memory" / "cells.parquet")
    b = pq.read_table(tmp_path / "streamed" / "cells.parquet")
    assert a.schema.equals(b.schema, check_metadata=True)
    assert a.equals(b)
    assert pq.ParquetFile(tmp_path / "streamed" / "cells.parquet").metadata.num_row_groups == 12
    pd.testing.assert_frame_equal(
        pd.read_parquet(tmp_path / "memory" / "cells.parquet"),
        pd.read_parquet(tmp_path / "streamed" / "cells.parquet"),
        check_exact=True,
    )
    pd.testing.assert_frame_equal(big.cells.to_pandas(), small.cells, check_exact=True)
    for name in ("timeseries.parquet", "summary.json", "scenario.yaml"):
        assert (tmp_path / "memory" / name).read_bytes() == (
            tmp_path / "streamed" / name
        ).read_bytes()
