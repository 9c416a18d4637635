"""The fibre figure's legend names every fibre type and capillary kind drawn, whichever
capillary segment holds the first of them (it once labelled only the first segment's)."""

import json
from types import SimpleNamespace

import matplotlib

matplotlib.use("Agg")

from sim.viz.remodel import muscle_figure  # noqa: E402


def _fibre(seg: int, kind: str) -> dict:
    return {"segment": seg, "type": kind, "csa_um2": 5000.0, "csa0_um2": 4500.0}


def test_legend_names_types_absent_from_the_first_segment(tmp_path):
    fibres = [_fibre(0, "IIa"), _fibre(0, "IIa"), _fibre(1, "I"), _fibre(1, "IIx")]
    caps = [
        {"segment": 0, "born_min": None},
        {"segment": 1, "born_min": 1440.0},
    ]
    (tmp_path / "remodel.json").write_text(
        json.dumps({"muscle": {"fibres": fibres, "capillaries": caps}})
    )
    fig = muscle_figure(SimpleNamespace(run_dir=tmp_path))
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert sorted(labels) == sorted(
        ["type I", "type IIa", "type IIx", "capillary", "new capillary"]
    )
