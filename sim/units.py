"""Unit conversions the model uses, each once, with where its number comes from.

These are physical constants and unit definitions, not physiological parameters (those live
in :mod:`sim.parameters` with their sources and ranges). Powers of ten, 60 min/h and 24 h/day
are written out where they convert a unit.
"""

from __future__ import annotations

MG_PER_MMOL_GLC = 180.16
"""Molar mass of glucose (g/mol = mg/mmol)."""
MG_DL_PER_MM_GLC = 18.016
"""Plasma glucose in mg/dL per mM (180.16 mg/mmol / 10 dL/L)."""
GH_KDA = 22.1
"""Molar mass of 22-kDa growth hormone (kg/mol)."""
GH_NM_PER_UG_L = 1.0 / GH_KDA
"""GH in nM per ug/L."""
PMOL_PER_UU_INSULIN = 6.0
"""Insulin: 1 uU/mL = 6 pmol/L, i.e. 1 mU = 6 pmol (the conventional conversion,
1 IU = 6 nmol; Heinemann 2010)."""
PALMITATE_KG_PER_UMOL = 256e-9
"""Stored fat per umol of fatty acid released or taken up, as palmitate (256 g/mol)."""
FA_UMOL_PER_G_TG = 3.0e6 / 885.0
"""Fatty acids (umol) per g of triacylglycerol: three per molecule, as triolein (885 g/mol)."""
