"""Diagnostic-accuracy metrics with confidence intervals (STARD / TRIPOD+AI items).

All functions take ``y`` (``(n,)`` 0/1, 1 = cancer) and ``p`` (``(n,)`` predicted
probability of cancer). Confidence intervals:

* proportions (sensitivity, specificity, PPV, NPV): Wilson score interval, which
  behaves at 0 % and 100 % where the normal approximation does not;
* AUC and calibration: percentile bootstrap, resampling whole *groups*
  (subjects) when ``groups`` is given, so repeated sessions of one person do
  not narrow the interval; resampling is stratified by class so every replicate
  has both classes;
* AUC with fewer than :data:`MIN_PER_CLASS` subjects in a class, or whose bootstrap
  interval collapses to a point (perfect separation): Newcombe's score-type
  interval (:func:`auc_score_interval`). A bootstrap of five perfectly separated
  rows gives ``1.000 (1.000-1.000)`` because every replicate is perfectly separated
  too; the score interval, like Wilson's for a proportion, stays wide at small n.

:func:`small_sample_warnings` says, in words, when a figure rests on too few cases.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
from scipy import optimize, stats
from sklearn.metrics import roc_auc_score, roc_curve

from enose.model.groups import subject_rows

__all__ = [
    "MIN_PER_CLASS",
    "wilson_interval",
    "auc_with_ci",
    "auc_interval",
    "auc_score_interval",
    "small_sample_warnings",
    "BinaryMetrics",
    "metrics_at_threshold",
    "calibration_slope_intercept",
    "calibration_curve_points",
    "net_benefit_curve",
    "brier_score",
    "site_level_metrics",
]

_EPS = 1e-6

#: Fewer subjects than this in either class and a figure is flagged as resting on too few cases
#: (and the AUC interval is the score interval, not a bootstrap).
MIN_PER_CLASS = 10


def wilson_interval(successes: int, total: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval of a binomial proportion; ``(nan, nan)`` when ``total`` is 0."""
    if total <= 0:
        return (float("nan"), float("nan"))
    z = stats.norm.ppf(0.5 + confidence / 2)
    phat = successes / total
    denominator = 1 + z * z / total
    centre = (phat + z * z / (2 * total)) / denominator
    half = z * np.sqrt(phat * (1 - phat) / total + z * z / (4 * total * total)) / denominator
    return (float(max(0.0, centre - half)), float(min(1.0, centre + half)))


def _bootstrap_indices(y: np.ndarray, groups: np.ndarray | None, n_boot: int, rng: np.random.Generator):
    """Yield index arrays of class-stratified (cluster) bootstrap replicates."""
    if groups is None:
        groups = np.arange(y.size)
    groups = np.asarray(groups)
    # a group's class is its majority label (subjects have one label); groups numbered by first appearance
    inverse, first = subject_rows(groups)
    group_label = np.bincount(inverse, weights=y) / np.bincount(inverse) >= 0.5
    members = [np.flatnonzero(inverse == g) for g in range(first.size)]
    strata = [np.flatnonzero(group_label), np.flatnonzero(~group_label)]
    for _ in range(n_boot):
        picked = np.concatenate([rng.choice(s, size=s.size, replace=True) for s in strata if s.size])
        yield np.concatenate([members[g] for g in picked])


def class_counts(y: np.ndarray, groups: np.ndarray | None = None) -> tuple[int, int]:
    """``(cases, controls)`` counted as independent units: subjects when ``groups`` is given, else rows.

    A subject's class is the majority label of its rows (subjects have one label).
    """
    y = np.asarray(y, dtype=int)
    if groups is None or y.size == 0:
        return int(y.sum()), int(y.size - y.sum())
    _, inverse = np.unique(np.asarray(groups).astype(str), return_inverse=True)
    label = np.bincount(inverse, weights=y) / np.bincount(inverse) >= 0.5
    return int(label.sum()), int(label.size - label.sum())


def auc_score_interval(auc: float, n_cases: int, n_controls: int, confidence: float = 0.95) -> tuple[float, float]:
    """Newcombe's (2006, method 5) score-type interval for an AUC: every theta with ``(auc - theta)^2 <= z^2 V(theta)``.

    ``V`` is the Hanley-McNeil variance with both class sizes replaced by
    ``N* = (n_cases + n_controls) / 2 - 1``::

        V(theta) = theta (1 - theta) / (m n) * [1 + (N* - 1) ((1 - theta) / (2 - theta) + theta / (1 + theta))]

    Why this one: the variance is evaluated at the candidate ``theta``, not at the
    observed AUC, so (like Wilson's interval for a proportion) it does not shrink to
    zero width when the observed AUC is 0 or 1, and it stays inside [0, 1]. With 3
    cases and 2 controls perfectly separated it gives about 0.54-1.00, not 1.00-1.00.
    Solved on a grid of 1e-4 (the interval is reported to 3 decimals).
    """
    m, n = int(n_cases), int(n_controls)
    if m < 1 or n < 1 or not np.isfinite(auc):
        return (float("nan"), float("nan"))
    z = stats.norm.ppf(0.5 + confidence / 2)
    n_star = max((m + n) / 2 - 1, 1.0)
    theta = np.linspace(0.0, 1.0, 10_001)
    variance = theta * (1 - theta) / (m * n) * (1 + (n_star - 1) * ((1 - theta) / (2 - theta) + theta / (1 + theta)))
    inside = theta[(auc - theta) ** 2 <= z * z * variance + 1e-15]
    if inside.size == 0:  # cannot happen (theta = auc is always inside), kept for safety
        return (float(auc), float(auc))
    return (float(min(inside.min(), auc)), float(max(inside.max(), auc)))


def auc_interval(
    y: np.ndarray,
    p: np.ndarray,
    *,
    groups: np.ndarray | None = None,
    n_boot: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
) -> tuple[float, tuple[float, float], str]:
    """ROC AUC, its CI and the name of the CI's method (``'bootstrap'`` or ``'score'``).

    Percentile bootstrap (cluster bootstrap over ``groups``) when both classes hold at
    least :data:`MIN_PER_CLASS` subjects; otherwise, or when the bootstrap interval has
    zero width, Newcombe's score interval (:func:`auc_score_interval`) over the number of
    subjects per class. Why: a bootstrap can only resample what it has; with a handful of
    cases, or perfectly separated ones, every replicate repeats the observed AUC and the
    interval collapses to a point that claims a certainty the data do not have.
    """
    y = np.asarray(y, dtype=int)
    p = np.asarray(p, dtype=float)
    auc = float(roc_auc_score(y, p))
    n_cases, n_controls = class_counts(y, groups)
    if min(n_cases, n_controls) < MIN_PER_CLASS:
        return auc, auc_score_interval(auc, n_cases, n_controls, confidence), "score"
    rng = np.random.default_rng(seed)
    values = []
    for idx in _bootstrap_indices(y, groups, n_boot, rng):
        yy = y[idx]
        if yy.min() == yy.max():
            continue
        values.append(roc_auc_score(yy, p[idx]))
    if not values:
        return auc, auc_score_interval(auc, n_cases, n_controls, confidence), "score"
    alpha = (1 - confidence) / 2
    low, high = float(np.quantile(values, alpha)), float(np.quantile(values, 1 - alpha))
    if high - low < 1e-12:
        return auc, auc_score_interval(auc, n_cases, n_controls, confidence), "score"
    return auc, (low, high), "bootstrap"


def auc_with_ci(
    y: np.ndarray,
    p: np.ndarray,
    *,
    groups: np.ndarray | None = None,
    n_boot: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
) -> tuple[float, tuple[float, float]]:
    """ROC AUC and its CI: percentile bootstrap, or the score interval at small n (see :func:`auc_interval`)."""
    auc, ci, _ = auc_interval(y, p, groups=groups, n_boot=n_boot, confidence=confidence, seed=seed)
    return auc, ci


def small_sample_warnings(y: np.ndarray, groups: np.ndarray | None = None, *, what: str = "these figures") -> list[str]:
    """One sentence when either class has fewer than :data:`MIN_PER_CLASS` subjects, else nothing.

    Why: an AUC, a sensitivity or a specificity from a few cases can take almost any
    value by chance; a reader must be told before reading the number, not left to
    infer it from the width of an interval.
    """
    n_cases, n_controls = class_counts(y, groups)
    if min(n_cases, n_controls) >= MIN_PER_CLASS:
        return []
    unit = "subjects" if groups is not None else "cases"
    return [
        f"small sample: {what} rest on {n_cases} cancer and {n_controls} control {unit} (fewer than "
        f"{MIN_PER_CLASS} per class), too few to mean anything; the AUC interval is a score interval "
        "(Newcombe), not a bootstrap, and every interval is wide"
    ]


@dataclass(frozen=True)
class BinaryMetrics:
    """Accuracy of the rule "positive when p >= threshold", with Wilson 95 % CIs.

    ``npv_at_prevalence`` / ``ppv_at_prevalence`` recompute the predictive values
    at another prevalence by Bayes' rule (predictive values of a case-control
    cohort do not transfer to a screening population).
    """

    threshold: float
    tp: int
    fp: int
    tn: int
    fn: int
    sensitivity: float
    sensitivity_ci: tuple[float, float]
    specificity: float
    specificity_ci: tuple[float, float]
    ppv: float
    ppv_ci: tuple[float, float]
    npv: float
    npv_ci: tuple[float, float]

    def ppv_at_prevalence(self, prevalence: float) -> float:
        se, sp = self.sensitivity, self.specificity
        num = se * prevalence
        den = num + (1 - sp) * (1 - prevalence)
        return float(num / den) if den > 0 else float("nan")

    def npv_at_prevalence(self, prevalence: float) -> float:
        se, sp = self.sensitivity, self.specificity
        num = sp * (1 - prevalence)
        den = num + (1 - se) * prevalence
        return float(num / den) if den > 0 else float("nan")

    def as_dict(self) -> dict:
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in asdict(self).items()}


def _ratio(a: int, b: int) -> float:
    return float(a / b) if b else float("nan")


def metrics_at_threshold(y: np.ndarray, p: np.ndarray, threshold: float) -> BinaryMetrics:
    """Sensitivity, specificity, PPV, NPV (with CIs) of ``p >= threshold``."""
    y = np.asarray(y, dtype=int)
    positive = np.asarray(p, dtype=float) >= threshold
    tp = int(np.sum(positive & (y == 1)))
    fp = int(np.sum(positive & (y == 0)))
    tn = int(np.sum(~positive & (y == 0)))
    fn = int(np.sum(~positive & (y == 1)))
    return BinaryMetrics(
        threshold=float(threshold),
        tp=tp,
        fp=fp,
        tn=tn,
        fn=fn,
        sensitivity=_ratio(tp, tp + fn),
        sensitivity_ci=wilson_interval(tp, tp + fn),
        specificity=_ratio(tn, tn + fp),
        specificity_ci=wilson_interval(tn, tn + fp),
        ppv=_ratio(tp, tp + fp),
        ppv_ci=wilson_interval(tp, tp + fp),
        npv=_ratio(tn, tn + fn),
        npv_ci=wilson_interval(tn, tn + fn),
    )


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, _EPS, 1 - _EPS)
    return np.log(p / (1 - p))


def _logistic_fit(x: np.ndarray, y: np.ndarray, offset: np.ndarray | None = None) -> np.ndarray:
    """Unpenalised logistic regression (``x`` is ``(n, k)`` including the intercept column).

    Minimises the negative log-likelihood with BFGS in a numerically stable form
    (``logaddexp``), so a badly miscalibrated set of predictions gives a large
    but finite coefficient instead of a diverging Newton step.
    """
    offset = np.zeros(y.size) if offset is None else offset

    def loss(beta: np.ndarray) -> tuple[float, np.ndarray]:
        eta = x @ beta + offset
        value = float(np.sum(np.logaddexp(0.0, eta) - y * eta))
        mu = 0.5 * (1 + np.tanh(0.5 * eta))
        return value, x.T @ (mu - y)

    result = optimize.minimize(loss, np.zeros(x.shape[1]), jac=True, method="BFGS")
    return result.x


def calibration_slope_intercept(y: np.ndarray, p: np.ndarray) -> tuple[float, float]:
    """Calibration slope and calibration-in-the-large (intercept), as TRIPOD defines them.

    Slope: coefficient of ``logit(p)`` in a logistic model of ``y`` (1 is ideal;
    < 1 means the predictions are too extreme). Intercept: the intercept of a
    logistic model with ``logit(p)`` as an offset (0 is ideal; > 0 means the
    model under-predicts risk on average).
    """
    y = np.asarray(y, dtype=float)
    lp = _logit(np.asarray(p, dtype=float))
    ones = np.ones_like(lp)
    slope = _logistic_fit(np.column_stack([ones, lp]), y)[1]
    intercept = _logistic_fit(ones[:, None], y, offset=lp)[0]
    return float(slope), float(intercept)


def calibration_curve_points(y: np.ndarray, p: np.ndarray, n_bins: int = 8) -> dict:
    """Observed vs predicted risk in quantile bins, with Wilson CIs of the observed fraction."""
    y = np.asarray(y, dtype=int)
    p = np.asarray(p, dtype=float)
    edges = np.unique(np.quantile(p, np.linspace(0, 1, n_bins + 1)))
    which = np.clip(np.searchsorted(edges, p, side="right") - 1, 0, max(0, edges.size - 2))
    out = {"predicted": [], "observed": [], "low": [], "high": [], "n": []}
    for b in np.unique(which):
        sel = which == b
        k, n = int(y[sel].sum()), int(sel.sum())
        lo, hi = wilson_interval(k, n)
        out["predicted"].append(float(p[sel].mean()))
        out["observed"].append(k / n)
        out["low"].append(lo)
        out["high"].append(hi)
        out["n"].append(n)
    return out


def net_benefit_curve(y: np.ndarray, p: np.ndarray, thresholds: np.ndarray | None = None) -> dict:
    """Decision curve (Vickers & Elkin): net benefit of the model, of "refer all" and "refer none".

    Net benefit at threshold probability ``pt`` = TP/n - FP/n x pt / (1 - pt).
    """
    y = np.asarray(y, dtype=int)
    p = np.asarray(p, dtype=float)
    if thresholds is None:
        thresholds = np.linspace(0.01, 0.8, 80)
    n = y.size
    prevalence = y.mean()
    model, refer_all = [], []
    for pt in thresholds:
        odds = pt / (1 - pt)
        positive = p >= pt
        tp = np.sum(positive & (y == 1))
        fp = np.sum(positive & (y == 0))
        model.append(float(tp / n - fp / n * odds))
        refer_all.append(float(prevalence - (1 - prevalence) * odds))
    return {"threshold": [float(t) for t in thresholds], "model": model, "refer_all": refer_all}


def brier_score(y: np.ndarray, p: np.ndarray) -> float:
    return float(np.mean((np.asarray(p, dtype=float) - np.asarray(y, dtype=float)) ** 2))


def roc_points(y: np.ndarray, p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(fpr, tpr)`` of the empirical ROC curve."""
    fpr, tpr, _ = roc_curve(y, p)
    return fpr, tpr


def site_level_metrics(
    y: np.ndarray, p: np.ndarray, site: np.ndarray, threshold: float, *, n_boot: int = 1000, seed: int = 0
) -> dict | None:
    """AUC, sensitivity and specificity with a **cluster bootstrap over sites**, and each site's calibration.

    Why sites: a new deployment samples sites, not subjects; a subject bootstrap treats every
    person as independent and gives intervals that a new site falls outside of. Each bootstrap
    round draws whole sites with replacement (a site drawn twice counts twice). With fewer than
    3 sites there is nothing to resample: None.

    Returns ``{"n_sites", "auc_ci", "sensitivity_ci", "specificity_ci", "method", "per_site"}`` where
    ``per_site`` gives each site's n, AUC and calibration-in-the-large (mean predicted risk minus
    observed rate: > 0 over-predicts there).
    """
    from sklearn.metrics import roc_auc_score

    y, p, site = np.asarray(y, int), np.asarray(p, float), np.asarray(site, dtype=object)
    sites = [s for s in np.unique(site) if s != ""]
    if len(sites) < 3:
        return None
    rows = {s: np.flatnonzero(site == s) for s in sites}
    rng = np.random.default_rng(seed)
    aucs, sens, spec = [], [], []
    for _ in range(n_boot):
        idx = np.concatenate([rows[s] for s in rng.choice(sites, size=len(sites), replace=True)])
        yy, pp = y[idx], p[idx]
        if yy.min() == yy.max():
            continue
        aucs.append(roc_auc_score(yy, pp))
        positive = pp >= threshold
        sens.append(positive[yy == 1].mean())
        spec.append((~positive)[yy == 0].mean())

    def interval(values: list[float]) -> list[float] | None:
        return [float(np.percentile(values, 2.5)), float(np.percentile(values, 97.5))] if values else None

    per_site = {}
    for s, index in rows.items():
        yy, pp = y[index], p[index]
        auc = float(roc_auc_score(yy, pp)) if 0 < yy.sum() < yy.size else None
        per_site[str(s)] = {"n": int(index.size), "n_cancer": int(yy.sum()), "auc": auc,
                            "calibration_in_the_large": float(pp.mean() - yy.mean())}  # fmt: skip
    return {
        "n_sites": len(sites),
        "n_boot": len(aucs),
        "auc_ci": interval(aucs),
        "sensitivity_ci": interval(sens),
        "specificity_ci": interval(spec),
        "method": "cluster bootstrap over sites (whole sites drawn with replacement), percentile intervals",
        "per_site": per_site,
    }
