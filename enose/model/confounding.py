# ruff: noqa: N803, N806  (X: the scikit-learn naming convention for data matrices)
"""Confounding audit: could something other than the breath explain the headline AUC?

E-nose studies have a well-known way to fool themselves: sensors drift, and when the
cases and the controls were recorded at different times (or places, or on different
units), a classifier learns *when* (or *where*) a sample was taken and reports it as
a diagnosis. Every check here asks one such question of a :class:`Dataset` and answers
with an AUC and its interval, so the answer can be weighed against the model's own AUC:

``label_vs_order``
    acquisition order alone (timestamps, session ids, or row order) as a predictor of
    the label. High means the classes were recorded at different times.
``drift_within_class``
    how well the breath features tell an early recording from a late one *within each
    class* (cross-validated logistic regression on "second half vs first half of that
    class's recordings"). High means the sensors drift or were re-batched: together
    with ``label_vs_order`` that drift could masquerade as the cancer signal.
``label_vs_site`` / ``label_vs_device``
    where or on what a sample was recorded as a predictor of the label
    (cross-validated logistic regression on one-hot site/device).
``label_vs_clinical``
    each clinical covariate alone (its AUC), and, given the breath model's
    out-of-fold predictions, the breath AUC within strata of the strongest covariate
    (age below/above its median, smoking yes/no...): a breath signal that vanishes
    within strata was the covariate.

Severity: ``warn`` when a finding could explain a material part of the headline AUC
(its interval lies above :data:`WARN_AUC`, and for drift only when the classes are
also ordered in time), else ``info``. Intervals: Hanley & McNeil (1982) standard
error of an AUC, never narrower than a single-case resolution, so a tiny sample can
not produce a warning by chance alone.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from enose.model.dataset import Dataset
from enose.model.estimators import PositiveLog

__all__ = ["Finding", "WARN_AUC", "confounding_audit", "recording_order"]

#: An alternative explanation is flagged when the lower end of its AUC interval is above this.
WARN_AUC = 0.65
_Z = 1.959964


@dataclass(frozen=True)
class Finding:
    """One check's answer: ``code``, ``severity`` (``warn`` or ``info``), ``auc`` with ``auc_ci``, ``message``."""

    code: str
    severity: str
    auc: float | None
    auc_ci: tuple[float, float] | None
    message: str
    detail: dict

    def as_dict(self) -> dict:
        out = asdict(self)
        out["auc_ci"] = None if self.auc_ci is None else list(self.auc_ci)
        return out


def _symmetric_auc(y: np.ndarray, score: np.ndarray) -> tuple[float | None, tuple[float, float] | None]:
    """AUC of ``score`` for ``y`` folded to >= 0.5 (a predictor is as telling upside down), with a 95 % interval."""
    y = np.asarray(y, int)
    keep = np.isfinite(score)
    y, score = y[keep], np.asarray(score, float)[keep]
    n1, n0 = int(y.sum()), int((1 - y).sum())
    if n1 == 0 or n0 == 0:
        return None, None
    auc = float(roc_auc_score(y, score))
    auc = max(auc, 1.0 - auc)
    q1, q2 = auc / (2 - auc), 2 * auc**2 / (1 + auc)
    se = np.sqrt((auc * (1 - auc) + (n1 - 1) * (q1 - auc**2) + (n0 - 1) * (q2 - auc**2)) / (n1 * n0))
    se = max(float(se), 1.0 / np.sqrt(n1 * n0))  # never a point interval, however separable a tiny sample is
    return auc, (float(max(0.0, auc - _Z * se)), float(min(1.0, auc + _Z * se)))


def _cv_scores(X: np.ndarray, y: np.ndarray, encoder=None, seed: int = 0) -> np.ndarray | None:
    """Out-of-fold probabilities of a plain logistic regression (5-fold stratified), None when too few cases."""
    counts = np.bincount(np.asarray(y, int), minlength=2)
    folds = int(min(5, counts.min()))
    if folds < 2:
        return None
    steps = [encoder] if encoder is not None else [
        PositiveLog(), SimpleImputer(strategy="median", keep_empty_features=True), StandardScaler()]
    model = make_pipeline(*steps, LogisticRegression(C=1.0, max_iter=2000))
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    return cross_val_predict(model, X, y, cv=splitter, method="predict_proba")[:, 1]


def _finding(code: str, auc, ci, warn: bool, message: str, **detail) -> Finding:
    return Finding(code, "warn" if warn else "info", None if auc is None else round(auc, 4),
                   None if ci is None else (round(ci[0], 4), round(ci[1], 4)), message, detail)  # fmt: skip


def _order_findings(ds: Dataset, order: np.ndarray, order_name: str) -> list[Finding]:
    auc, ci = _symmetric_auc(ds.y, order)
    ordered = ci is not None and ci[0] > WARN_AUC
    findings = [_finding(
        "label_vs_order", auc, ci, ordered,
        f"acquisition order ({order_name}) alone predicts the label with AUC {auc:.2f}: the classes were recorded at "
        "different times, so anything that changed with time (sensor drift, batches, operators) can pass for a "
        "diagnosis" if ordered else f"acquisition order ({order_name}) does not predict the label (AUC {auc:.2f})",
        order=order_name,
    )] if auc is not None else []  # fmt: skip
    per_class = {}
    for label in (0, 1):
        rows = np.flatnonzero(ds.y == label)
        if rows.size < 8:
            continue
        late = (order[rows] > np.median(order[rows])).astype(int)
        scores = _cv_scores(ds.X[rows, : len(ds.feature_names)], late)
        if scores is not None:
            per_class[label] = _symmetric_auc(late, scores)
    if per_class:
        aucs = [a for a, _ in per_class.values()]
        lows = [c[0] for _, c in per_class.values()]
        auc, low = float(np.mean(aucs)), float(np.min(lows))
        drifting = low > WARN_AUC
        text = (f"the breath features tell early from late recordings within each class (AUC {auc:.2f}): sensor drift "
                "or batches are in the data")  # fmt: skip
        if drifting and ordered:
            text += "; with the classes recorded at different times, that drift could explain the separation"
        elif not drifting:
            text = f"no drift the features can see within a class (AUC {auc:.2f})"
        findings.append(_finding("drift_within_class", auc, (low, float(np.max([c[1] for _, c in per_class.values()]))),
                                 drifting and ordered, text,
                                 per_class={str(k): round(v[0], 4) for k, v in per_class.items()}))  # fmt: skip
    return findings


def _place_findings(ds: Dataset) -> list[Finding]:
    findings = []
    for code, values in (("label_vs_site", ds.site), ("label_vs_device", ds.device)):
        values = np.asarray(values, dtype=object)
        if np.unique(values).size < 2 or np.any(values == ""):
            continue
        scores = _cv_scores(values.reshape(-1, 1).astype(str), ds.y,
                            OneHotEncoder(handle_unknown="ignore"))  # fmt: skip
        if scores is None:
            continue
        auc, ci = _symmetric_auc(ds.y, scores)
        what = code.split("_")[-1]
        warn = ci[0] > WARN_AUC
        findings.append(_finding(code, auc, ci, warn,
                                 f"the {what} alone predicts the label (AUC {auc:.2f}): cases and controls were not "
                                 f"spread alike over {what}s, so a {what} effect can pass for a diagnosis" if warn else
                                 f"the {what} does not predict the label (AUC {auc:.2f})"))  # fmt: skip
    return findings


def _strata(values: np.ndarray) -> list[tuple[str, np.ndarray]]:
    """Two strata of a covariate: yes/no for a binary one, below/above the median otherwise."""
    finite = np.isfinite(values)
    levels = np.unique(values[finite])
    if levels.size <= 2:
        return [(f"= {level:g}", finite & (values == level)) for level in levels]
    median = float(np.median(values[finite]))
    return [(f"<= {median:g}", finite & (values <= median)), (f"> {median:g}", finite & (values > median))]


def _clinical_findings(ds: Dataset, breath_scores: np.ndarray | None, headline: float | None) -> list[Finding]:
    k = len(ds.feature_names)
    findings, strongest = [], []
    for j, name in enumerate(ds.clinical_names):
        values = ds.X[:, k + j]
        auc, ci = _symmetric_auc(ds.y, values)
        if auc is None:
            continue
        strongest.append((auc, name, values))
        findings.append(_finding("label_vs_clinical", auc, ci, ci[0] > WARN_AUC,
                                 f"{name} alone predicts the label with AUC {auc:.2f}", covariate=name))  # fmt: skip
    if breath_scores is None:
        return findings
    for _, name, values in sorted(strongest, key=lambda item: item[0], reverse=True)[:2]:
        within = {}
        for label, rows in _strata(values):
            a, c = _symmetric_auc(ds.y[rows], breath_scores[rows]) if rows.sum() >= 4 else (None, None)
            if a is not None:
                within[f"{name} {label}"] = {"auc": round(a, 4), "auc_ci": [round(c[0], 4), round(c[1], 4)],
                                             "n": int(rows.sum())}  # fmt: skip
        if not within:
            continue
        low = min(v["auc"] for v in within.values())
        lost = headline is not None and low < 0.6 <= headline
        findings.append(_finding(
            "breath_within_clinical_strata", low, None, lost,
            (f"within strata of {name} the breath model's AUC falls to {low:.2f}: part of its separation is {name}"
             if lost else f"the breath model keeps its separation within strata of {name} (lowest AUC {low:.2f})"),
            covariate=name, strata=within,
        ))  # fmt: skip
    return findings


def recording_order(ds: Dataset) -> tuple[np.ndarray, str]:
    """When each row of ``ds`` was recorded, and what that order is: a table's time column, else the
    database's session ids (recording order), else the row order."""
    if ds.acquisition_order is not None:
        return np.asarray(ds.acquisition_order, dtype=float), ds.order_name or "acquisition time"
    if len(ds) and np.all(ds.session_id >= 0):
        return np.asarray(ds.session_id, dtype=float), "session id (recording order)"
    return np.arange(len(ds), dtype=float), "row order"


def confounding_audit(
    ds: Dataset,
    *,
    order: np.ndarray | None = None,
    order_name: str = "row order",
    breath_scores: np.ndarray | None = None,
    headline_auc: float | None = None,
) -> list[Finding]:
    """Every check of the module docstring that ``ds`` can answer, as a list of :class:`Finding`.

    Args:
        ds: the data (features, clinical columns, labels, sites and devices when known).
        order: ``(n,)`` acquisition order (timestamps as numbers, session ids or row numbers);
            default: the row order of ``ds``.
        order_name: what ``order`` is, for the messages.
        breath_scores: ``(n,)`` out-of-fold predictions of the breath model, for the within-strata check.
        headline_auc: the model's AUC, against which a lost separation is judged.
    """
    order = np.arange(len(ds), dtype=float) if order is None else np.asarray(order, dtype=float)
    if order.shape != (len(ds),):
        raise ValueError(f"order must give one value per row ({len(ds)}), got shape {order.shape}")
    return [*_order_findings(ds, order, order_name), *_place_findings(ds),
            *_clinical_findings(ds, breath_scores, headline_auc)]  # fmt: skip
