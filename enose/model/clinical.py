"""The clinical model inputs (age, pack-years, COPD...) as read from a ``subjects`` row.

One reading for training (:mod:`enose.model.features`) and scoring (:mod:`enose.model.scoring`),
so a subject's risk factors mean the same number in both.
"""

from __future__ import annotations

import numpy as np

__all__ = ["CLINICAL_FROM_SUBJECT", "clinical_vector"]


def _sex_male(s: dict) -> float | None:
    return None if s.get("sex") is None else float(s["sex"] == "M")


def _smoking_current(s: dict) -> float | None:
    return None if s.get("smoking") is None else float(s["smoking"] == "current")


#: How each clinical model input is read from a ``subjects`` row.
CLINICAL_FROM_SUBJECT = {
    "age_years": lambda s: s.get("age_years"),
    "pack_years": lambda s: s.get("pack_years"),
    "copd": lambda s: s.get("copd"),
    "previous_cancer": lambda s: s.get("previous_cancer"),
    "sex_male": _sex_male,
    "smoking_current": _smoking_current,
}


def clinical_vector(subject: dict | None, names: list[str]) -> np.ndarray:
    """``(len(names),)`` float clinical inputs from a ``subjects`` row; NaN where unknown."""
    subject = subject or {}
    out = []
    for name in names:
        reader = CLINICAL_FROM_SUBJECT.get(name)
        if reader is None:
            raise KeyError(f"unknown clinical variable {name!r}; known: {', '.join(CLINICAL_FROM_SUBJECT)}")
        value = reader(subject)
        out.append(np.nan if value is None else float(value))
    return np.array(out, dtype=np.float64)
