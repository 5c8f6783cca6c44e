"""Risk zones and the choice of their two thresholds.

Zones, as a clinic uses them:

* **red** ("refer for CT"): ``p >= refer_threshold``;
* **green** ("no breath signal of cancer now"): ``p < rule_out_threshold``;
* **orange** ("discuss / repeat"): in between.

How the thresholds are chosen, and what they mean together
----------------------------------------------------------
Both are chosen on *out-of-fold* predictions of the training cohort (never on
the locked validation set):

* ``refer_threshold`` is the **highest** threshold that keeps sensitivity at or
  above ``target_sensitivity`` (95 %): at least 95 % of the cancers of the
  training cohort score red. It is a *rule-out style* threshold: chosen for
  sensitivity, it sits low, and red therefore means "cannot be ruled out, CT is
  warranted", not "probably cancer"; the PPV of red stays modest (see the card).
* ``rule_out_threshold`` is the **highest** threshold below which the NPV is at
  or above ``target_npv`` (95 %), evaluated at ``prevalence`` (Bayes' rule from
  sensitivity and specificity). It is then clipped to ``refer_threshold``.

Together: everything below ``refer_threshold`` holds at most 5 % of the
cancers, so green (``< rule_out_threshold <= refer_threshold``) is a subset of
"not referred" in which, in addition, 95 % of the people are cancer-free. The
orange band holds the subjects that the sensitivity rule declines to refer but
whom the NPV rule cannot clear. When the sensitivity threshold alone already
gives NPV >= 95 % (a low prevalence), the orange band is empty; when no
threshold reaches the NPV target, the green zone is empty and no one is
cleared. NPV depends on prevalence: a case-control cohort (30-50 % cancers)
gives a lower NPV than a screening population (1-3 %) at the same threshold,
so the card records the prevalence the rule-out threshold was chosen at.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from enose.model.metrics import metrics_at_threshold

__all__ = ["ZoneThresholds", "choose_thresholds", "assign_zone", "ZONES", "ZONE_WORDS", "NO_ZONE_TEXT"]

ZONES = ("green", "orange", "red")
ZONE_WORDS = {
    "green": "green - no breath signal of lung cancer at this visit; usual follow-up",
    "orange": "orange - discuss with the clinician; consider repeating the breath test",
    "red": "red - refer for a CT scan (low-dose chest CT)",
    "inconclusive": "inconclusive - the breath sample is unlike the model's training data; repeat the test",
    "blocked": "blocked - the recording failed its quality check; no score was given",
}
#: Said instead of a zone when a probability is kept for the record only (see the score's ``no_zone`` reasons).
NO_ZONE_TEXT = "no zone - the probability is kept for the record only; see why below"


@dataclass(frozen=True)
class ZoneThresholds:
    """The two zone thresholds and how they were obtained."""

    rule_out: float
    refer: float
    target_sensitivity: float
    target_npv: float
    prevalence: float
    achieved_sensitivity: float
    achieved_npv: float
    n_subjects: int
    source: str = "out-of-fold predictions on the training cohort"

    def zone(self, probability: float) -> str:
        return assign_zone(np.array([probability]), self)[0]

    def as_dict(self) -> dict:
        return asdict(self)


def assign_zone(p: np.ndarray, thresholds: ZoneThresholds) -> np.ndarray:
    """``(n,)`` array of 'green' / 'orange' / 'red' for probabilities ``p``."""
    p = np.asarray(p, dtype=float)
    out = np.full(p.shape, "orange", dtype=object)
    out[p >= thresholds.refer] = "red"
    out[p < thresholds.rule_out] = "green"
    return out


def choose_thresholds(
    y: np.ndarray,
    p: np.ndarray,
    *,
    target_sensitivity: float = 0.95,
    target_npv: float = 0.95,
    prevalence: float | None = None,
) -> ZoneThresholds:
    """Choose (rule_out, refer) on out-of-fold predictions (see the module docstring)."""
    y = np.asarray(y, dtype=int)
    p = np.asarray(p, dtype=float)
    if y.min() == y.max():
        raise ValueError("choosing thresholds needs both classes in the training predictions")
    if prevalence is None:
        prevalence = float(y.mean())
    positives = np.sort(p[y == 1])[::-1]
    k = int(np.ceil(target_sensitivity * positives.size))
    refer = float(positives[k - 1])
    # candidate rule-out thresholds: every distinct prediction (green is p < t)
    candidates = np.unique(np.concatenate([p, [refer]]))
    rule_out = 0.0
    for t in candidates[::-1]:
        if t > refer:
            continue
        m = metrics_at_threshold(y, p, t)
        if m.tn + m.fn == 0:
            continue
        if m.npv_at_prevalence(prevalence) >= target_npv:
            rule_out = float(t)
            break
    achieved = metrics_at_threshold(y, p, rule_out)
    return ZoneThresholds(
        rule_out=rule_out,
        refer=refer,
        target_sensitivity=target_sensitivity,
        target_npv=target_npv,
        prevalence=float(prevalence),
        achieved_sensitivity=metrics_at_threshold(y, p, refer).sensitivity,
        achieved_npv=achieved.npv_at_prevalence(prevalence) if achieved.tn + achieved.fn else float("nan"),
        n_subjects=int(y.size),
    )
