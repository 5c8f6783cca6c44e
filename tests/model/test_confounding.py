# ruff: noqa: N803, N806  (X: the scikit-learn naming convention for data matrices)
"""The confounding audit warns when order, drift, site or a covariate could explain the label, and only then."""

from __future__ import annotations

import numpy as np
import pytest

from enose.model.confounding import WARN_AUC, confounding_audit
from enose.model.dataset import Dataset


def _table(X: np.ndarray, y: np.ndarray, **kw) -> Dataset:
    return Dataset(X=X, y=y, feature_names=[f"f{i}" for i in range(X.shape[1])], **kw)


def _codes(findings) -> dict[str, str]:
    return {f.code: f.severity for f in findings}


@pytest.fixture()
def rng() -> np.random.Generator:
    return np.random.default_rng(7)


def test_a_label_explained_only_by_drift_in_row_order_is_warned(rng):
    """Cases recorded after the controls; the sensors drift with time and carry no class signal at all."""
    n = 120
    y = np.repeat([0, 1], n // 2)  # sorted by group, as the real table is
    t = np.arange(n) / n
    X = np.exp(1.0 + 0.8 * t[:, None] + 0.15 * rng.standard_normal((n, 6)))  # drift only
    codes = _codes(confounding_audit(_table(X, y)))
    assert codes["label_vs_order"] == "warn" and codes["drift_within_class"] == "warn"


def test_real_signal_in_random_order_gets_no_order_or_drift_warning(rng):
    n = 160
    y = rng.permutation(np.repeat([0, 1], n // 2))
    X = np.exp(1.0 + 0.6 * y[:, None] * np.array([1, 1, 0, 0, 0, 0]) + 0.3 * rng.standard_normal((n, 6)))
    findings = confounding_audit(_table(X, y))
    codes = _codes(findings)
    assert codes["label_vs_order"] == "info" and codes["drift_within_class"] == "info"
    assert all(f.auc_ci[0] <= WARN_AUC for f in findings if f.code in ("label_vs_order", "drift_within_class"))


def test_sorted_rows_without_drift_warn_on_order_but_not_on_drift(rng):
    n = 120
    y = np.repeat([0, 1], n // 2)
    X = np.exp(1.0 + 0.6 * y[:, None] + 0.3 * rng.standard_normal((n, 4)))
    codes = _codes(confounding_audit(_table(X, y)))
    assert codes["label_vs_order"] == "warn" and codes["drift_within_class"] == "info"


def test_a_site_that_holds_the_cases_is_warned_and_balanced_sites_are_not(rng):
    n = 120
    y = rng.permutation(np.repeat([0, 1], n // 2))
    X = np.exp(rng.standard_normal((n, 3)))
    skewed = np.where(y == 1, "A", "B").astype(object)
    skewed[:10] = "C"
    balanced = np.array(["A", "B", "C"] * (n // 3), dtype=object)
    assert _codes(confounding_audit(_table(X, y, site=skewed)))["label_vs_site"] == "warn"
    assert _codes(confounding_audit(_table(X, y, site=balanced)))["label_vs_site"] == "info"


def test_a_breath_signal_that_is_only_smoking_vanishes_within_smoking_strata(rng):
    n = 300
    smoking = (rng.random(n) < 0.5).astype(float)
    y = (rng.random(n) < np.where(smoking == 1, 0.8, 0.2)).astype(int)
    breath = smoking + 0.3 * rng.standard_normal(n)  # the "breath score" only mirrors smoking
    X = np.column_stack([np.exp(rng.standard_normal(n)), smoking])
    ds = Dataset(X=X, y=y, feature_names=["f0"], clinical_names=["smoking_current"])
    findings = {f.code: f for f in confounding_audit(ds, breath_scores=breath, headline_auc=0.8)}
    assert findings["label_vs_clinical"].severity == "warn"
    within = findings["breath_within_clinical_strata"]
    assert within.severity == "warn" and within.auc < 0.6
    assert set(within.detail["strata"]) == {"smoking_current = 0", "smoking_current = 1"}


def test_a_real_breath_signal_survives_the_strata(rng):
    n = 300
    smoking = (rng.random(n) < 0.5).astype(float)
    y = (rng.random(n) < np.where(smoking == 1, 0.7, 0.3)).astype(int)
    breath = 1.5 * y + rng.standard_normal(n)
    ds = Dataset(X=np.column_stack([np.exp(rng.standard_normal(n)), smoking]), y=y, feature_names=["f0"],
                 clinical_names=["smoking_current"])  # fmt: skip
    within = next(f for f in confounding_audit(ds, breath_scores=breath, headline_auc=0.85)
                  if f.code == "breath_within_clinical_strata")  # fmt: skip
    assert within.severity == "info" and within.auc > 0.75


def test_tiny_samples_never_give_a_point_interval():
    y = np.array([0, 0, 1, 1, 1])
    findings = confounding_audit(_table(np.exp(np.arange(10.0).reshape(5, 2)), y))
    order = next(f for f in findings if f.code == "label_vs_order")
    assert order.auc == 1.0 and order.auc_ci[1] - order.auc_ci[0] > 0.2 and order.severity == "info"
