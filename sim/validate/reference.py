"""Side-by-side reference runs: curated BioModels SBML files driven with libroadrunner.

The four files in ``reference_models/`` (BioModels, CC0; unchanged copies) are run on the
same protocol as our model, and measured with the same extractors
(:mod:`sim.validate.metrics`), so the report can show both curves and the agreement figures:

- V08 Bachmann et al. 2011 (BIOMD0000000347): JAK2-STAT5 with CIS/SOCS3 feedback; ligand
  step at t = 0 (the file's ``Epo``); ``ActD = 1`` blocks CIS/SOCS3 transcription (our
  ``knockout: socs3``).
- V09 Brännmark et al. 2010 (BIOMD0000000343): adipocyte IR/IRS-1 overshoot; pre-equilibrate
  at ``ins = 0``, then a 10 nM step.
- V10 Sedaghat et al. 2002 (BIOMD0000000137): insulin signalling to GLUT4; species ``x1`` =
  insulin in fM; ``event_0000001`` (insulin removed at 15 min) deleted; reaction R12's
  ``fast`` flag cleared (libroadrunner refuses fast reactions).
- V16 Dalla Man et al. 2007 (BIOMD0000000379): meal model, 78 g (``Q_sto1`` = 78 000 mg) for a
  78 kg subject; ``G`` in mg/dL, ``I`` in pmol/L.

libroadrunner and python-libsbml are in the ``validation`` (and ``test``) extras; without
them :func:`available` is False and targets run without their reference overlay.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np

from sim.units import MG_DL_PER_MM_GLC, PMOL_PER_UU_INSULIN
from sim.validate import metrics as mx
from sim.validate.core import Measured

MODELS = {
    "bachmann": "BIOMD0000000347_Bachmann2011_JAK2STAT5.xml",
    "brannmark": "BIOMD0000000343_Brannmark2010.xml",
    "sedaghat": "BIOMD0000000137_Sedaghat2002.xml",
    "dallaman": "BIOMD0000000379_DallaMan2007.xml",
}
V10_DOSES_NM = (0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 100.0)


def available() -> bool:
    """True when libroadrunner and python-libsbml import."""
    try:
        import libsbml  # noqa: F401
        import roadrunner  # noqa: F401
    except ImportError:
        return False
    return True


def model_path(key: str) -> Path:
    """Path of a packaged SBML file (``bachmann``, ``brannmark``, ``sedaghat``, ``dallaman``)."""
    return Path(str(resources.files("sim.validate") / "reference_models" / MODELS[key]))


def _load(key: str, edit=None):  # noqa: ANN001, ANN202
    """A RoadRunner instance of the model, after an optional libsbml edit of the document."""
    import libsbml
    import roadrunner

    doc = libsbml.readSBMLFromFile(str(model_path(key)))
    if doc.getNumErrors(libsbml.LIBSBML_SEV_FATAL):
        raise RuntimeError(f"{model_path(key)}: unreadable SBML")
    if edit is not None:
        edit(doc.getModel())
    rr = roadrunner.RoadRunner(libsbml.writeSBMLToString(doc))
    rr.integrator.relative_tolerance = 1e-8
    rr.integrator.absolute_tolerance = 1e-10
    rr.integrator.maximum_num_steps = 200_000
    return rr


def _simulate(rr, t_end: float, n: int, cols: list[str]) -> dict[str, np.ndarray]:  # noqa: ANN001
    res = rr.simulate(0.0, t_end, n, ["time", *cols])
    return {c: np.asarray(res[:, i], dtype=float) for i, c in enumerate(["time", *cols])}


@cache
def bachmann(t_end: float = 180.0) -> Measured:
    """pSTAT5 and SOCS3 after a ligand step, intact and with SOCS3/CIS transcription blocked."""
    rr = _load("bachmann")
    a = _simulate(rr, t_end, int(t_end * 10) + 1, ["pSTAT5", "SOCS3"])
    rr.resetAll()
    rr["ActD"] = 1.0
    b = _simulate(rr, t_end, int(t_end * 10) + 1, ["pSTAT5"])
    t = a["time"]
    tp, vp = mx.peak(t, a["pSTAT5"])
    ts, _ = mx.peak(t, a["SOCS3"])
    values = {
        "ref_pstat5_peak_min": tp,
        "ref_socs3_peak_min": ts,
        "ref_pstat5_120_over_peak": mx.value_at(t, a["pSTAT5"], 120.0) / vp,
        "ref_ko_ratio_120": mx.value_at(t, b["pSTAT5"], 120.0) / mx.value_at(t, a["pSTAT5"], 120.0),
    }
    curves = {
        "t": t,
        "pstat5": a["pSTAT5"] / vp,
        "socs3": a["SOCS3"] / a["SOCS3"].max(),
        "pstat5_ko": b["pSTAT5"] / vp,
    }
    return Measured(values, curves)


@cache
def brannmark(ins_nM: float = 10.0, t_end: float = 30.0) -> Measured:
    """IRS-1-pY (``IRSip``) and IR-P (``IRp + IRip``) after an insulin step."""
    rr = _load("brannmark")
    rr["ins"] = 0.0
    rr.simulate(0.0, 3000.0, 301)  # basal steady state (the file starts off basal)
    rr["ins"] = ins_nM
    a = _simulate(rr, t_end, int(t_end * 100) + 1, ["IRSip", "IRp", "IRip"])
    t = a["time"] - a["time"][0]
    irs, irp = a["IRSip"], a["IRp"] + a["IRip"]
    values = {}
    for name, y in (("irs1", irs), ("ir", irp)):
        tp, vp = mx.peak(t, y)
        values[f"ref_{name}_peak_min"] = tp
        values[f"ref_{name}_settle_frac"] = mx.window_mean(t, y, 10.0, 15.0) / vp
        values[f"ref_{name}_peak_over_30"] = vp / mx.value_at(t, y, 30.0)
    curves = {"t": t, "irs1": irs / irs.max(), "ir": irp / irp.max()}
    return Measured(values, curves)


def _sedaghat_edit(model) -> None:  # noqa: ANN001
    model.getReaction("R12").setFast(False)
    model.removeEvent("event_0000001")


@cache
def sedaghat(doses_nM: tuple[float, ...] = V10_DOSES_NM, t_end: float = 60.0) -> Measured:
    """Surface GLUT4 (``x21``, % of total) after insulin steps (``x1`` in fM)."""
    rr = _load("sedaghat", _sedaghat_edit)
    at_end, course = [], {}
    for dose in doses_nM:
        rr.resetAll()  # also the parameters the file's events change (k5)
        rr["x1"] = dose * 1e6
        a = _simulate(rr, t_end, int(t_end * 20) + 1, ["x21"])
        at_end.append(a["x21"][-1])
        course[dose] = a
    basal = float(course[doses_nM[0]]["x21"][0])
    fit = mx.fit_hill(np.array([0.0, *doses_nM]), np.array([basal, *at_end]))
    c10 = course[10.0]
    values = {
        "ref_t_half_min": mx.half_time(c10["time"], c10["x21"]),
        "ref_fold": float(at_end[-1] / basal),
        "ref_ec50_nM": fit.ec50,
    }
    curves = {
        "t": c10["time"],
        "glut4_10nM": (c10["x21"] - basal) / (c10["x21"][-1] - basal),
        "doses": np.array(doses_nM),
        "dose_response": (np.array(at_end) - basal) / (max(at_end) - basal),
    }
    return Measured(values, curves)


@cache
def dallaman(t_end: float = 420.0) -> Measured:
    """Plasma glucose and insulin after a 78 g meal (78 kg subject)."""
    rr = _load("dallaman")
    a = _simulate(rr, t_end, int(t_end) + 1, ["G", "I", "EGP"])
    t, g, ins = a["time"], a["G"] / MG_DL_PER_MM_GLC, a["I"] / PMOL_PER_UU_INSULIN
    tg, vg = mx.peak(t, g)
    ti, vi = mx.peak(t, ins)
    values = {
        "ref_glucose_peak_mM": vg,
        "ref_glucose_peak_min": tg,
        "ref_insulin_peak_uU_ml": vi,
        "ref_insulin_peak_min": ti,
        "ref_glucose_300_rel": abs(mx.value_at(t, g, 300.0) - g[0]) / g[0],
        "ref_egp_supp_120": 1.0 - mx.window_mean(t, a["EGP"], 0.0, 120.0) / a["EGP"][0],
    }
    return Measured(values, {"t": t, "glucose_mM": g, "insulin_uU_ml": ins, "egp": a["EGP"]})
