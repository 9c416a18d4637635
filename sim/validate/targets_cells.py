"""Cell-level targets in ``medium`` (no body feedback), each beside its reference SBML model:
V08 GH-STAT5-SOCS3 in hepatocytes (Bachmann 2011), V09 the IR/IRS-1 overshoot in adipocytes
(Brännmark 2010), V10 GLUT4 translocation dose-response in myocytes (Sedaghat 2002)."""

from __future__ import annotations

import numpy as np

from sim.validate import figures as fg
from sim.validate import metrics as mx
from sim.validate import reference as ref
from sim.validate.core import Criterion, Measured, RunData, Target, scenario

CELL_ONLY = {"muscle": 10, "liver": 10, "adipose": 10}
"""Cells per tissue in medium runs (no body: the tissues do not interact)."""


def _medium(name: str, seed: int, duration: float, dt: float = 1.0, **medium) -> dict:
    return scenario(
        name,
        seed,
        duration_min=duration,
        dt_min=dt,
        record_every_min=dt,
        cells=dict(CELL_ONLY),
        protocol={"kind": "medium", **medium},
    )


def _col(run: RunData, col: str) -> tuple[np.ndarray, np.ndarray]:
    ts = run.timeseries
    return ts["time_min"].to_numpy(float), ts[col].to_numpy(float)


# --------------------------------------------------------------------------- V08
V08_GH_UG_L = 20.0
"""GH step (~0.9 nM), a saturating dose as in hepatocyte experiments (Adams 1998: 500 ng/mL)."""


def _v08_scn(seed: int) -> dict:
    ko = {"kind": "knockout", "target": "socs3", "tissue": "liver", "fraction": 1.0}
    intact = _medium("V08_gh_step", seed, 180, gh_ug_l=V08_GH_UG_L)
    return {
        "intact": intact,
        "ko": {**intact, "name": "V08_gh_step_socs3_ko", "interventions": [ko]},
    }


def _v08_measure(runs: dict[str, RunData]) -> Measured:
    t, s = _col(runs["intact"], "liver.stat5_p")
    _, socs = _col(runs["intact"], "liver.socs3")
    _, s_ko = _col(runs["ko"], "liver.stat5_p")
    tp, vp = mx.peak(t, s)
    ts, _ = mx.peak(t, socs)
    values = {
        "pstat5_peak_min": tp,
        "socs3_after_pstat5_min": ts - tp,
        "socs3_peak_min": ts,
        "pstat5_120_over_peak": mx.value_at(t, s, 120.0) / vp,
        "ko_ratio_120": mx.value_at(t, s_ko, 120.0) / mx.value_at(t, s, 120.0),
    }
    curves = {"t": t, "pstat5": s / vp, "socs3": socs / socs.max(), "pstat5_ko": s_ko / vp}
    return Measured(values, curves)


def _v08_draw(title: str, out) -> fg.Figure:  # noqa: ANN001
    c, r = out.curves, out.reference.curves if out.reference else None
    fig, (a1, a2) = fg.panels(2, title)
    for ax, rc, who in ((a1, c, "ours (liver, GH)"), (a2, r, "Bachmann 2011 (Epo)")):
        if rc is None:
            continue
        ax.plot(rc["t"], rc["pstat5"], color="tab:blue", label="pSTAT5")
        ax.plot(rc["t"], rc["pstat5_ko"], color="tab:blue", ls=":", label="pSTAT5, no SOCS3")
        ax.plot(rc["t"], rc["socs3"], color="tab:red", label="SOCS3")
        ax.set_title(who, fontsize=9)
        ax.set_xlabel("time after ligand step (min)")
        ax.set_ylabel("relative to intact pSTAT5 peak / SOCS3 max")
    fg.vband(a1, 0, 15, label="accepted pSTAT5 peak")
    return fig


V08 = Target(
    "V08",
    "GH step on hepatocytes: fast pSTAT5 peak, delayed SOCS3 terminates it",
    "Adams et al. 1998, J Biol Chem 273:1285; reference Bachmann et al. 2011, Mol Syst Biol "
    "7:516 (BIOMD0000000347: pSTAT5 7 min, SOCS3 106 min, x2.9 without feedback)",
    f"medium, GH {V08_GH_UG_L:g} ug/L from 0 for 180 min; liver means; intact vs "
    "knockout socs3 (liver); reference: Epo step, ActD = 1 for no feedback",
    (
        Criterion("pstat5_peak_min", "pSTAT5 peak time", None, 15.0, "min"),
        Criterion(
            "socs3_after_pstat5_min", "SOCS3 peak after pSTAT5 peak", 0.0, None, "min", strict=True
        ),
        Criterion("pstat5_120_over_peak", "pSTAT5 at 120 min / peak (terminated)", None, 0.5),
        Criterion("ko_ratio_120", "pSTAT5 at 120 min, socs3 knockout / intact", 2.0, None),
    ),
    _v08_scn,
    _v08_measure,
    _v08_draw,
    reference=ref.bachmann,
    cost=3.0,
)


# --------------------------------------------------------------------------- V09
V09_DT = 0.25


def _v09_scn(seed: int) -> dict:
    return {"step": _medium("V09_insulin_10nM", seed, 30, dt=V09_DT, insulin_nM=10.0)}


def _v09_measure(runs: dict[str, RunData]) -> Measured:
    r = runs["step"]
    values, curves = {}, {}
    for name, col in (("ir", "adipose.ir_p"), ("irs1", "adipose.irs1_py")):
        t, y = _col(r, col)
        tp, vp = mx.peak(t, y)
        values[f"{name}_peak_min"] = tp
        values[f"{name}_settle_frac"] = mx.window_mean(t, y, 10.0, 15.0) / vp
        values[f"{name}_peak_over_30"] = vp / mx.value_at(t, y, 30.0)
        curves["t"], curves[name] = t, y / vp
    return Measured(values, curves)


def _v09_draw(title: str, out) -> fg.Figure:  # noqa: ANN001
    c, r = out.curves, out.reference.curves if out.reference else None
    fig, (a1, a2) = fg.panels(2, title)
    for ax, key, lab in ((a1, "ir", "IR-P"), (a2, "irs1", "IRS-1-pY")):
        ax.plot(c["t"], c[key], **fg.OURS, label="ours (adipocytes)")
        if r is not None:
            ax.plot(r["t"], r[key], **fg.REF, label="Brännmark 2010")
        fg.vband(ax, 0, 2, label="accepted peak time")
        ax.add_patch(
            fg.plt.Rectangle(
                (10, 0.3),
                5,
                0.5,
                color="tab:purple",
                alpha=0.15,
                lw=0,
                label="accepted settled level",
            )
        )
        ax.set_xlabel("time after 10 nM insulin (min)")
        ax.set_ylabel(f"{lab} / its peak")
    return fig


V09 = Target(
    "V09",
    "10 nM insulin on adipocytes: IR-P and IRS-1-pY overshoot",
    "Cedersund et al. 2008, PLoS Comput Biol 4:e1000096; reference Brännmark et al. 2010, "
    "J Biol Chem 285:20171 (BIOMD0000000343: peak 0.9 min, peak/30-min 2.25)",
    f"medium, insulin 10 nM from 0, 30 min, dt {V09_DT} min; adipose means; reference IRSip "
    "and IRp + IRip after pre-equilibration at ins = 0",
    (
        Criterion("irs1_peak_min", "IRS-1-pY peak time", None, 2.0, "min"),
        Criterion("irs1_settle_frac", "IRS-1-pY at 10-15 min / peak", 0.30, 0.80),
        Criterion("ir_peak_min", "IR-P peak time", None, 2.0, "min"),
        Criterion("ir_settle_frac", "IR-P at 10-15 min / peak", 0.30, 0.80),
    ),
    _v09_scn,
    _v09_measure,
    _v09_draw,
    reference=ref.brannmark,
    cost=1.5,
)


# --------------------------------------------------------------------------- V10
def _v10_scn(seed: int) -> dict:
    runs = {"basal": _medium("V10_0nM", seed, 60, insulin_nM=0.0)}
    for d in ref.V10_DOSES_NM:
        runs[f"{d:g}"] = _medium(f"V10_{d:g}nM", seed, 60, insulin_nM=d)
    return runs


def _v10_measure(runs: dict[str, RunData]) -> Measured:
    t, basal = _col(runs["basal"], "muscle.glut4_pm")
    b0 = float(basal[0])
    doses = np.array(ref.V10_DOSES_NM)
    at60 = np.array([_col(runs[f"{d:g}"], "muscle.glut4_pm")[1][-1] for d in doses])
    fit = mx.fit_hill(np.concatenate([[0.0], doses]), np.concatenate([[basal[-1]], at60]))
    t10, g10 = _col(runs["10"], "muscle.glut4_pm")
    values = {
        "t_half_min": mx.half_time(t10, g10),
        "fold": float(at60[-1] / b0),
        "ec50_nM": fit.ec50,
    }
    curves = {
        "t": t10,
        "glut4_10nM": (g10 - b0) / (g10[-1] - b0),
        "doses": doses,
        "dose_response": (at60 - b0) / (at60.max() - b0),
        "fit": fit,
        "b0": b0,
        "span": float(at60.max() - b0),
    }
    return Measured(values, curves)


def _v10_draw(title: str, out) -> fg.Figure:  # noqa: ANN001
    c, r = out.curves, out.reference.curves if out.reference else None
    fig, (a1, a2) = fg.panels(2, title)
    a1.plot(c["t"], c["glut4_10nM"], **fg.OURS, label="ours (myocytes)")
    a2.semilogx(c["doses"], c["dose_response"], "o", color="tab:blue", label="ours at 60 min")
    xs = np.geomspace(0.003, 300, 200)
    a2.semilogx(
        xs,
        (c["fit"](xs) - c["b0"]) / c["span"],
        **fg.OURS,
        label=f"Hill fit, EC50 {c['fit'].ec50:.2g} nM",
    )
    if r is not None:
        a1.plot(r["t"], r["glut4_10nM"], **fg.REF, label="Sedaghat 2002")
        a2.semilogx(r["doses"], r["dose_response"], "ks--", label="Sedaghat 2002")
    fg.vband(a1, 3, 15, label="accepted t1/2")
    a1.axhline(0.5, color="gray", lw=0.8, ls=":")
    fg.vband(a2, 0.1, 2.0, label="accepted EC50")
    a1.set_xlabel("time after 10 nM insulin (min)")
    a1.set_ylabel("membrane GLUT4 (0 basal, 1 at 60 min)")
    a2.set_xlabel("insulin (nM)")
    a2.set_ylabel("membrane GLUT4 rise at 60 min (normalised)")
    return fig


V10 = Target(
    "V10",
    "insulin dose-response of membrane GLUT4 in myocytes",
    "Karlsson et al. 2009, Diabetes 58:847 (exocytosis x6.8); reference Sedaghat et al. 2002, "
    "Am J Physiol 283:E1084 (BIOMD0000000137: t1/2 3.6 min, EC50 0.41 nM, x10.8)",
    "medium, insulin 0 and 0.01-100 nM for 60 min; muscle mean glut4_pm; t1/2 at 10 nM; fold "
    "= 100 nM at 60 min / basal; EC50 from a Hill fit at 60 min; the SBML model on the same doses",
    (
        Criterion("t_half_min", "membrane GLUT4 half-time at 10 nM", 3.0, 15.0, "min"),
        Criterion("fold", "GLUT4 fold change at saturation", 4.0, 12.0),
        Criterion("ec50_nM", "EC50", 0.1, 2.0, "nM"),
    ),
    _v10_scn,
    _v10_measure,
    _v10_draw,
    reference=ref.sedaghat,
    cost=9.0,
)

TARGETS = (V08, V09, V10)
