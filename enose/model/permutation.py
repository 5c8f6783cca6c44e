"""Permutation test of the whole training pipeline: how often does chance alone reach the reported AUC?

Why the *whole* pipeline: the reported out-of-fold AUC is the best of several
candidates (model choice), each calibrated inside its folds; a permutation test that
refits only the chosen model would ignore that the choice itself was made on the data
and would flatter it. So each permutation shuffles the labels, then repeats exactly
what training does to choose: every candidate's out-of-fold predictions over the same
blocked folds (:func:`~enose.model.training.outer_folds`, subjects/sites/devices kept
apart, each fit calibrated inside its fold by :func:`~enose.model.training.fit_pipeline`),
and keeps the best AUC. The labels are shuffled **per subject** (a subject's sessions
keep one label), so repeated sessions cannot make the null look easier than it is.

``p = (1 + #{null AUC >= observed}) / (1 + n_permutations)`` (Phipson & Smyth 2010: never 0).
Permutations run in parallel processes (joblib) when the machine has more than one core.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
from joblib import Parallel, delayed
from sklearn.metrics import roc_auc_score
from tqdm import tqdm

from enose.model.crossval import CANDIDATES, out_of_fold, outer_folds
from enose.model.dataset import Dataset
from enose.model.groups import subject_rows

__all__ = ["PermutationResult", "permutation_test", "permuted_labels"]


@dataclass(frozen=True)
class PermutationResult:
    """The observed statistic against its null distribution."""

    observed_auc: float
    null_aucs: np.ndarray
    p_value: float
    candidates: tuple[str, ...]

    @property
    def n_permutations(self) -> int:
        return int(self.null_aucs.size)

    def as_dict(self) -> dict:
        null = self.null_aucs
        return {
            "n_permutations": self.n_permutations,
            "observed_auc": self.observed_auc,
            "permutation_p": self.p_value,
            "null_auc_mean": float(null.mean()) if null.size else None,
            "null_auc_p95": float(np.percentile(null, 95)) if null.size else None,
            "null_auc_max": float(null.max()) if null.size else None,
            "candidates": list(self.candidates),
            "design": "labels shuffled per subject; every candidate refit over the same blocked folds, with its "
            "calibration; the statistic is the best candidate's out-of-fold AUC, as in training",
        }


def permuted_labels(ds: Dataset, rng: np.random.Generator) -> np.ndarray:
    """The labels shuffled between subjects: every session of a subject gets that subject's new label."""
    inverse, first = subject_rows(ds.subject)  # by first appearance: the same draw whatever the codes' spelling
    shuffled = rng.permutation(ds.y[first])
    return shuffled[inverse]


def _best_auc(ds: Dataset, folds, candidates: Sequence[str], seed: int) -> float:
    best = 0.0
    for name in candidates:
        p = out_of_fold(name, ds, folds, seed=seed)
        keep = np.isfinite(p)
        if np.unique(ds.y[keep]).size == 2:
            best = max(best, float(roc_auc_score(ds.y[keep], p[keep])))
    return best


def _one(ds: Dataset, folds, candidates: Sequence[str], seed: int, k: int) -> float:
    rng = np.random.default_rng([seed, 0x9E12, k])
    return _best_auc(replace(ds, y=permuted_labels(ds, rng)), folds, candidates, seed)


def permutation_test(
    ds: Dataset,
    *,
    candidates: Sequence[str] = tuple(CANDIDATES),
    n_permutations: int = 100,
    n_splits: int = 5,
    seed: int = 0,
    observed_auc: float | None = None,
    n_jobs: int | None = None,
    progress: bool = False,
) -> PermutationResult:
    """Run the training's model choice on ``n_permutations`` label shuffles of ``ds``.

    Args:
        ds: the training data (the same rows training used, locked site excluded).
        observed_auc: the real run's best out-of-fold AUC (computed here when not given).
        n_jobs: parallel processes (default: every core).

    Raises:
        ValueError: ``n_permutations`` < 1.
        NotEnoughData: the data are too small for the folds (as in training).
    """
    if n_permutations < 1:
        raise ValueError(f"n_permutations must be at least 1, got {n_permutations}")
    folds, _ = outer_folds(ds, n_splits=n_splits, seed=seed)
    if observed_auc is None:
        observed_auc = _best_auc(ds, folds, candidates, seed)
    jobs = n_jobs or max(1, os.cpu_count() or 1)
    work = (delayed(_one)(ds, folds, tuple(candidates), seed, k) for k in range(n_permutations))
    runner = Parallel(n_jobs=jobs, return_as="generator")
    null = np.fromiter(tqdm(runner(work), total=n_permutations, desc="permutations", disable=not progress),
                       dtype=float, count=n_permutations)  # fmt: skip
    p_value = float((1 + np.sum(null >= observed_auc)) / (1 + n_permutations))
    return PermutationResult(float(observed_auc), null, p_value, tuple(candidates))
