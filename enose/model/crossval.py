# ruff: noqa: N803, N806  (X, Y: the scikit-learn naming convention for data matrices)
"""Candidate pipelines and blocked cross-validation: the folds no subject, site or device crosses.

Used by training (:mod:`enose.model.training`) and by the permutation test
(:mod:`enose.model.permutation`), which repeats the same model choice on
shuffled labels; neither imports the other.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold, LeaveOneGroupOut, StratifiedGroupKFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from enose.model.dataset import Dataset
from enose.model.errors import NotEnoughData
from enose.model.estimators import PLSDAClassifier, PositiveLog
from enose.model.groups import first_seen_order

__all__ = [
    "CANDIDATES",
    "INNER_SPLITS",
    "make_pipeline",
    "first_seen_order",
    "fit_pipeline",
    "cv_blocks",
    "outer_folds",
    "out_of_fold",
]

#: Candidate classifiers with their fixed, pre-specified hyper-parameters (no tuning on the data,
#: so the only data-driven choice is the candidate, made on out-of-fold AUC).
CANDIDATES: dict[str, str] = {
    "logreg": "L2-regularised logistic regression (C=0.1)",
    "svm": "RBF support-vector machine (C=1, gamma='scale')",
    "plsda": "PLS-DA (3 latent variables)",
    "gboost": "histogram gradient boosting (depth 3, 150 trees, learning rate 0.05)",
}

INNER_SPLITS = 3


def _classifier(name: str, random_state: int):
    if name == "logreg":
        return LogisticRegression(C=0.1, max_iter=2000)
    if name == "svm":
        return SVC(C=1.0, gamma="scale", kernel="rbf")
    if name == "plsda":
        return PLSDAClassifier(n_components=3)
    if name == "gboost":
        return HistGradientBoostingClassifier(
            max_depth=3, max_iter=150, learning_rate=0.05, min_samples_leaf=10, l2_regularization=1.0,
            random_state=random_state,
        )  # fmt: skip
    raise ValueError(f"unknown candidate {name!r}; choose from {', '.join(CANDIDATES)}")


def make_pipeline(name: str, *, random_state: int = 0, inner_splits: int = INNER_SPLITS) -> Pipeline:
    """The whole model as one Pipeline: log -> impute -> scale -> calibrated classifier.

    Fit it with :func:`fit_pipeline`, which keeps each subject in one calibration fold.
    """
    calibrated = CalibratedClassifierCV(
        _classifier(name, random_state), method="sigmoid", cv=GroupKFold(n_splits=inner_splits), ensemble=False
    )
    return Pipeline(
        [
            ("log", PositiveLog()),
            ("impute", SimpleImputer(strategy="median", keep_empty_features=True)),
            ("scale", StandardScaler()),
            ("classifier", calibrated),
        ]
    )


def fit_pipeline(pipeline: Pipeline, X: np.ndarray, y: np.ndarray, groups: np.ndarray) -> Pipeline:
    """Fit so that the calibration's inner folds never split a subject (``groups``: subject per row).

    Why not metadata routing: with ``ensemble=False`` scikit-learn 1.9's
    CalibratedClassifierCV does not pass ``groups`` on to ``cross_val_predict``
    (its splitter then fails), so the grouped splits are computed here and given
    as an explicit list, then the parameter is put back to the GroupKFold it
    stands for (the fitted state does not depend on it afterwards).
    """
    splitter = pipeline.get_params()["classifier__cv"]
    splits = list(splitter.split(X, y, first_seen_order(groups)))
    pipeline.set_params(classifier__cv=splits)
    try:
        pipeline.fit(X, y)
    finally:
        pipeline.set_params(classifier__cv=splitter)
    return pipeline


def cv_blocks(ds: Dataset) -> np.ndarray:
    """``(n,)`` int block id: rows sharing a subject, site or device (transitively) share a block."""
    n = len(ds)
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for key in (ds.subject, ds.site, ds.device):
        first: dict[str, int] = {}
        for i, value in enumerate(key):
            if value == "" or value is None:
                continue
            j = first.setdefault(value, i)
            ri, rj = find(i), find(j)
            if ri != rj:
                parent[ri] = rj
    roots = np.array([find(i) for i in range(n)])
    return np.unique(roots, return_inverse=True)[1]


def outer_folds(ds: Dataset, *, n_splits: int = 5, seed: int = 0) -> tuple[list[tuple[np.ndarray, np.ndarray]], str]:
    """Outer cross-validation folds that never split a :func:`cv_blocks` block, and their description.

    Raises:
        NotEnoughData: when the classes or blocks are too few for the folds.
    """
    blocks = cv_blocks(ds)
    n_blocks = int(blocks.max()) + 1 if blocks.size else 0
    n_pos, n_neg = int(ds.y.sum()), int((1 - ds.y).sum())
    has_sites = np.unique(ds.site[ds.site != ""]).size >= 3
    if has_sites and n_blocks >= 3:
        if n_blocks <= 8:
            folds = list(LeaveOneGroupOut().split(ds.X, ds.y, blocks))
            sites = np.unique(ds.site).size
            description = f"leave-one-site-out ({n_blocks} blocks of sites with their devices; {sites} sites)"
        else:
            folds = list(GroupKFold(n_splits=min(n_splits, n_blocks)).split(ds.X, ds.y, blocks))
            description = f"grouped {min(n_splits, n_blocks)}-fold over {n_blocks} site/device/subject blocks"
    else:
        if min(n_pos, n_neg) < n_splits or n_blocks < n_splits:
            raise NotEnoughData(
                f"{len(ds)} rows ({n_pos} cancer, {n_neg} control, {n_blocks} subjects) are too few for "
                f"{n_splits}-fold cross-validation: each class needs at least {n_splits} subjects"
            )
        splitter = StratifiedGroupKFold(n_splits=n_splits, shuffle=True, random_state=seed)
        folds = list(splitter.split(ds.X, ds.y, blocks))
        description = f"stratified {n_splits}-fold grouped by subject ({n_blocks} subjects)"
    for train, _test in folds:
        if np.unique(ds.y[train]).size < 2:
            raise NotEnoughData("a training fold holds one class only; too few subjects per site for this CV")
        if np.unique(ds.subject[train]).size < INNER_SPLITS:
            raise NotEnoughData("too few subjects in a training fold for the calibration's inner folds")
    return folds, description


def out_of_fold(
    name: str,
    ds: Dataset,
    folds: Sequence[tuple[np.ndarray, np.ndarray]],
    *,
    seed: int = 0,
    on_fold: Callable[[], None] | None = None,
) -> np.ndarray:
    """``(n,)`` out-of-fold probabilities of candidate ``name`` (each row predicted by a model that never saw its block)."""
    p = np.full(len(ds), np.nan)
    for train, test in folds:
        model = fit_pipeline(make_pipeline(name, random_state=seed), ds.X[train], ds.y[train], ds.subject[train])
        p[test] = model.predict_proba(ds.X[test])[:, 1]
        if on_fold:
            on_fold()
    return p
