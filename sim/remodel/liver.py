"""Hepatocyte lipid (issue 26 item 4): zonated triglyceride feeding DAG -> PKC-epsilon.

Every hepatocyte agent (:class:`sim.agents.Hepatocyte`) carries its intrahepatic
triglyceride, as a percentage of liver weight (the unit of 1H-MRS liver fat). Each slow step
it gains the fatty acids it esterifies and loses what it exports in VLDL
(:func:`rules.liver_lipid_rate`):

- **plasma NEFA**: the cell's own fatty-acid uptake (its ``v_ffa_uptake`` times the acyl-CoA
  inflow of the fast model, which follows the portal FFA the cell sees), less the share it
  oxidises (``f_hep_ox``, higher periportal: ``w_zone_ox``);
- **de novo lipogenesis**: a basal part that follows the cell's own glucose uptake
  (glucokinase, higher pericentral; insulin through Akt -> glycogen synthase and SREBP-1c,
  glucose through ChREBP), plus the lipogenesis of a carbohydrate surplus of the diet
  (``dnl_g_per_1000kcal``), shared among the cells by their glucose uptake. When the
  surplus is eaten as meals (``diet.surplus_meals``) its carbohydrate already raises the
  cells' glucose uptake, so the liver's lipogenesis is the larger of its own and the
  first day's plus the measured rise, not their sum;
- **the diet**: chylomicron-remnant fatty acids, a constant part;
- **VLDL export**: saturating in the cell's own triglyceride (``K_vldl_pct``).

Every hepatocyte starts at ``liver_fat_pct`` at the steady state of its own first-day
fluxes: the NEFA it esterifies on the first day sets, with the shares of Donnelly 2005
(``share_tg_nefa``, ``share_tg_dnl``), its basal lipogenesis and diet parts, and its VLDL
capacity is the one that exports all of it at the starting content. Zonation therefore acts
in the response: pericentral cells oxidise less and make more fat from glucose.

The cell's lipid acts on its own signalling through a declared per-cell parameter:
``dag_tg`` = ``w_dag_tg`` x (lipid / starting lipid - 1) adds lipid-droplet DAG to the DAG
of the shared lipid arm (:func:`sim.kinetics.signalling.lipid_pkc`), so PKC-epsilon
phosphorylates IRS on serine and hepatic insulin signalling falls as the cell fills.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from sim.remodel import rules

SIGNALS = ("lcfa", "cum_glc")
"""Per-hepatocyte rows averaged over each slow period (``cum_glc`` per minute)."""


class HepaticLipid:
    """Slow remodelling of the hepatocytes' lipid of one model, driven by the adipose
    remodeller's slow step (:class:`sim.remodel.core.Remodeller`)."""

    def __init__(self, owner: object) -> None:
        self.owner = owner
        m = owner.model
        self.model, self.rp = m, owner.rp
        rp = self.rp
        self.tissue = tissue = m.tissues["liver"]
        n = tissue.n
        self.zone = np.asarray(tissue.layout.zone, dtype=float) * np.ones(n)
        self.f_ox = np.clip(rp.f_hep_ox * (1.0 + rp.w_zone_ox * (1.0 - 2.0 * self.zone)), 0, 1)
        self.lipid = np.full(n, float(rp.liver_fat_pct))
        self.lipid0 = self.lipid.copy()
        self._sums = np.zeros((len(SIGNALS), n))
        self._n = 0
        self._first: list[SimpleNamespace] = []
        self.ref: SimpleNamespace | None = None
        """First-day means: each cell's acyl-CoA and glucose uptake, the liver's basal
        lipogenesis and diet parts and mean glucose uptake, and each cell's VLDL capacity."""
        self.last_flux: SimpleNamespace | None = None
        self.apply()

    # ------------------------------------------------------------------ fast-step hook

    def after_step(self, dt: float) -> None:
        y = self.tissue
        self._sums[0] += y.row("lcfa")
        self._sums[1] += y.row("cum_glc") / dt
        self._n += 1

    def period_signals(self) -> SimpleNamespace:
        """The period's averages, and reset the sums."""
        n = max(self._n, 1)
        out = SimpleNamespace(lcfa=self._sums[0] / n, glc=self._sums[1] / n)
        self._sums[:] = 0.0
        self._n = 0
        return out

    # ------------------------------------------------------------------ the slow step

    def nefa_esterified(self, sig: SimpleNamespace) -> np.ndarray:
        """Each cell's esterified plasma NEFA (umol FA per kg liver per min): its uptake
        (acyl-CoA inflow x ``v_ffa_uptake`` x the reference FFA) less the oxidised share."""
        p = self.tissue.params
        uptake = np.asarray(p.v_ffa_uptake, dtype=float) * float(p.ffa_ref_mM) * sig.lcfa
        return (1.0 - self.f_ox) * uptake

    def slow_step(
        self, sig: SimpleNamespace, days: float, carb_kcal_day: float, eaten: bool = False
    ) -> None:
        """One step of every hepatocyte's lipid with the period's signals and the diet's
        carbohydrate surplus (kcal/day, negative in a deficit); ``eaten``: the surplus's
        food reached the fast model as meals (:func:`sim.interventions.diet.surplus_portion`)."""
        rp = self.rp
        if self.ref is None:
            self._first.append(sig)
            if len(self._first) < self.owner.per_day:
                return
            self._set_reference()
            return
        ref = self.ref
        glc_rel = sig.glc / ref.glc_mean
        surplus = rules.surplus_dnl_umol_kg_min(carb_kcal_day, self.model.ctx.masses.liver, rp)
        # the surplus's lipogenesis is the measured total (Lammert 2000), shared among the
        # cells by their glucose uptake now: the liver's own change of glucose uptake (which
        # the surplus's carbohydrate does not enter) must not scale it again
        share = sig.glc / max(float(sig.glc.mean()), 1e-12)
        own = ref.dnl * glc_rel
        if eaten and surplus > 0:
            # the surplus's carbohydrate reached the fast model: the liver's own glucose
            # uptake already raised its lipogenesis; the liver makes the larger of that and
            # the first day's plus Lammert 2000's measured rise, not both
            surplus = max(ref.dnl + surplus - float(own.mean()), 0.0)
        flux = SimpleNamespace(
            nefa=self.nefa_esterified(sig),
            dnl=np.maximum(own + surplus * share, 0.0),
            diet=np.full_like(self.lipid, ref.diet),
        )
        inflow = flux.nefa + flux.dnl + flux.diet
        self.lipid = rules.liver_lipid_step(self.lipid, inflow, ref.vmax, days, rp)
        flux.vldl = rules.vldl_export(self.lipid, ref.vmax, rp)
        self.last_flux = flux
        self.apply()

    def _set_reference(self) -> None:
        rp = self.rp
        first = self._first
        lcfa = np.mean([f.lcfa for f in first], axis=0)
        glc = np.mean([f.glc for f in first], axis=0)
        nefa = self.nefa_esterified(SimpleNamespace(lcfa=lcfa, glc=glc))
        nefa_mean = float(nefa.mean())
        glc_mean = max(float(glc.mean()), 1e-12)
        dnl = nefa_mean * rp.share_tg_dnl / rp.share_tg_nefa
        diet = nefa_mean * max(1.0 - rp.share_tg_nefa - rp.share_tg_dnl, 0.0) / rp.share_tg_nefa
        inflow0 = nefa + dnl * glc / glc_mean + diet
        self.ref = SimpleNamespace(
            lcfa=lcfa,
            glc=glc,
            dnl=dnl,
            diet=diet,
            glc_mean=glc_mean,
            vmax=rules.vldl_capacity(inflow0, self.lipid0, rp),
        )
        self._first = []

    def apply(self) -> None:
        """Write what the fast model reads: each cell's DAG from its stored triglyceride (a
        new array: the kernel's packed parameters are keyed on it)."""
        self.tissue.params = self.tissue.params.replace(
            dag_tg=rules.dag_from_lipid(self.lipid, self.lipid0, self.rp)
        )

    # ------------------------------------------------------------------ outputs

    def columns(self) -> dict[str, float]:
        z = self.zone
        peri = z >= 2.0 / 3.0
        portal = z < 1.0 / 3.0
        return {
            "liver.lipid_pct": float(self.lipid.mean()),
            "liver.lipid_pct_periportal": float(self.lipid[portal].mean())
            if portal.any()
            else float("nan"),
            "liver.lipid_pct_pericentral": float(self.lipid[peri].mean())
            if peri.any()
            else float("nan"),
        }
