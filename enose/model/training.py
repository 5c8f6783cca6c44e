# ruff: noqa: N803, N806  (X, Y: the scikit-learn naming convention for data matrices)
"""Leakage-safe training: candidate pipelines, blocked cross-validation, locked validation.

The rules, and where they are enforced:

* **No subject, site or device in two folds.** :func:`cv_blocks` joins rows that
  share a subject, a site or a device into one block (connected components), and
  the outer cross-validation never splits a block. With site/device information
  that is leave-one-site-out (sites own their devices); without it (an external
  table) it is a stratified group k-fold over subjects. Never a shuffled row split.
* **Calibration inside the training fold.** Each pipeline ends in
  :class:`~sklearn.calibration.CalibratedClassifierCV` (Platt scaling) whose own
  cross-validation is a :class:`~sklearn.model_selection.GroupKFold` over
  subjects (:func:`fit_pipeline`).
* **A locked validation set.** :func:`split_locked` sets aside one site and
  every device used there (and any subject seen there); model choice,
  calibration and the zone thresholds never see it. It is scored once, at the end.
* **Thresholds from out-of-fold predictions** of the chosen candidate on the
  training part (:mod:`enose.model.zones`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline
from tqdm import tqdm

from enose.model.crossval import (
    CANDIDATES,
    INNER_SPLITS,
    cv_blocks,
    fit_pipeline,
    make_pipeline,
    out_of_fold,
    outer_folds,
)
from enose.model.dataset import Dataset
from enose.model.errors import NotEnoughData
from enose.model.estimators import MahalanobisOOD, PositiveLog
from enose.model.groups import subject_rows
from enose.model.metrics import (
    auc_with_ci,
    brier_score,
    calibration_slope_intercept,
    metrics_at_threshold,
    site_level_metrics,
    small_sample_warnings,
)
from enose.model.overlap import training_fingerprint
from enose.model.zones import ZoneThresholds, choose_thresholds

__all__ = [
    "CANDIDATES",
    "make_pipeline",
    "cv_blocks",
    "outer_folds",
    "out_of_fold",
    "split_locked",
    "CandidateResult",
    "TrainedModel",
    "train_model",
    "fit_pipeline",
]

log = logging.getLogger(__name__)


def split_locked(ds: Dataset, locked_site: str | None = None) -> tuple[np.ndarray, np.ndarray, dict]:
    """Boolean masks (train, locked) setting aside one site, every device used there, and its subjects.

    ``locked_site`` defaults to the last site in sorted order. A dataset without
    site information has no locked set (``locked`` all False).
    """
    sites = sorted({s for s in ds.site if s})
    if not sites:
        return np.ones(len(ds), bool), np.zeros(len(ds), bool), {"site": None, "devices": []}
    if locked_site is None:
        locked_site = sites[-1]
    if locked_site not in sites:
        raise NotEnoughData(f"locked site {locked_site!r} is not in the data; sites are {', '.join(sites)}")
    if len(sites) < 4:
        raise NotEnoughData(f"a locked site needs at least 4 sites (3 left for site-blocked CV); got {len(sites)}")
    locked = ds.site == locked_site
    devices = sorted({d for d in ds.device[locked] if d})
    locked |= np.isin(ds.device, devices)
    subjects = set(ds.subject[locked])
    locked |= np.isin(ds.subject, list(subjects))
    train = ~locked
    if np.unique(ds.y[locked]).size < 2 or np.unique(ds.y[train]).size < 2:
        raise NotEnoughData("the locked site or the training sites hold one class only")
    info = {
        "site": locked_site,
        "devices": devices,
        "n_sessions": int(locked.sum()),
        "n_subjects": len(subjects),
        "sites_lost_with_devices": sorted({s for s in ds.site[locked] if s} - {locked_site}),
    }
    return train, locked, info


@dataclass
class CandidateResult:
    """Out-of-fold performance of one candidate on the training part."""

    name: str
    description: str
    columns: str
    auc: float
    auc_ci: tuple[float, float]
    brier: float
    calibration_slope: float
    calibration_intercept: float
    oof: np.ndarray = field(repr=False)
    selectable: bool = True

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "description": self.description,
            "columns": self.columns,
            "auc": self.auc,
            "auc_ci": list(self.auc_ci),
            "brier": self.brier,
            "calibration_slope": self.calibration_slope,
            "calibration_intercept": self.calibration_intercept,
            "selectable": self.selectable,
        }


@dataclass
class TrainedModel:
    """Everything the scorer needs, before persistence (see :mod:`enose.model.artifact`)."""

    pipeline: Pipeline
    bootstrap: list[Pipeline]
    ood: Pipeline
    reference: np.ndarray
    feature_names: list[str]
    clinical_names: list[str]
    thresholds: ZoneThresholds
    candidate: str
    training: dict
    layout: list[dict] | None = None
    processing_version: str | None = None
    scope: dict | None = None
    """What the model was trained on and checks at scoring: ``units`` (device serials),
    ``phase_durations_s`` (median per phase) and ``training_fingerprint`` (keyed hashes of the
    training subjects and rows, :mod:`enose.model.overlap`). Stored in the hashed artifact, not only on the card."""

    @property
    def columns(self) -> list[str]:
        return [*self.feature_names, *self.clinical_names]


def _result(name: str, columns: str, ds: Dataset, p: np.ndarray, n_boot: int, seed: int, selectable: bool):
    auc, ci = auc_with_ci(ds.y, p, groups=ds.subject, n_boot=n_boot, seed=seed)
    slope, intercept = calibration_slope_intercept(ds.y, p)
    return CandidateResult(
        name=name,
        description=CANDIDATES[name],
        columns=columns,
        auc=auc,
        auc_ci=ci,
        brier=brier_score(ds.y, p),
        calibration_slope=slope,
        calibration_intercept=intercept,
        oof=p,
        selectable=selectable,
    )


def _subject_bootstrap(ds: Dataset, rng: np.random.Generator) -> np.ndarray:
    """Row indices of one bootstrap replicate resampling whole subjects, stratified by class."""
    inverse, first = subject_rows(ds.subject)  # by first appearance, not by the codes' spelling
    label = np.bincount(inverse, weights=ds.y) / np.bincount(inverse) >= 0.5
    rows_of = [np.flatnonzero(inverse == s) for s in range(first.size)]
    picked = np.concatenate([rng.choice(np.flatnonzero(label == c), (label == c).sum()) for c in (True, False)])
    idx, new_subject = [], []
    for k, s in enumerate(picked):
        idx.append(rows_of[s])
        new_subject.extend([f"b{k}"] * rows_of[s].size)  # a subject drawn twice counts as two, kept whole
    return np.concatenate(idx), np.array(new_subject, dtype=object)


def _permutation(train: Dataset, candidates, observed: float, n: int, n_splits: int, seed: int, progress: bool) -> dict:
    """The permutation test's summary, or a note that it was turned off."""
    if n <= 0:
        return {"n_permutations": 0, "permutation_p": None, "note": "permutation test turned off (--permutations 0): "
                "nothing here shows the AUC is more than chance"}  # fmt: skip
    from enose.model.permutation import permutation_test

    return permutation_test(train, candidates=candidates, n_permutations=n, n_splits=n_splits, seed=seed,
                            observed_auc=observed, progress=progress).as_dict()  # fmt: skip


def _confounding(ds: Dataset, train_mask: np.ndarray, results, headline: float, order, order_name) -> list[dict]:
    """The confounding audit of the training rows, with the breath-only model's out-of-fold scores for strata."""
    from enose.model.confounding import confounding_audit, recording_order

    train = ds.subset(train_mask)
    if order is None:
        order, default_name = recording_order(ds)
        order_name = order_name or default_name
    breath = next((r.oof for r in results if r.columns == "features only (reference)"), None)
    if breath is None:
        breath = max((r for r in results if r.selectable), key=lambda r: r.auc).oof
    findings = confounding_audit(train, order=np.asarray(order, dtype=float)[train_mask],
                                 order_name=order_name or "acquisition order", breath_scores=breath,
                                 headline_auc=headline)  # fmt: skip
    return [f.as_dict() for f in findings]


def train_model(
    ds: Dataset,
    *,
    candidates: Sequence[str] = tuple(CANDIDATES),
    locked_site: str | None = None,
    use_locked: bool = True,
    n_bootstrap: int = 30,
    n_boot_ci: int = 1000,
    n_splits: int = 5,
    seed: int = 0,
    progress: bool = False,
    target_sensitivity: float = 0.95,
    n_permutations: int = 0,
    acquisition_order: np.ndarray | None = None,
    order_name: str | None = None,
) -> tuple[TrainedModel, dict]:
    """Compare candidates by blocked CV, choose one, set thresholds, fit, and validate on the locked site.

    ``target_sensitivity`` is the out-of-fold sensitivity the refer threshold keeps (see
    :mod:`enose.model.zones`): fixed before training, never tuned on the locked site.

    ``n_permutations`` > 0 runs the permutation test of the whole model choice
    (:mod:`enose.model.permutation`); 0 turns it off, and the report says so. The confounding
    audit (:mod:`enose.model.confounding`) always runs on the training rows, with
    ``acquisition_order`` (one value per row of ``ds``; default: session ids for database
    rows, else the row order) named ``order_name``.

    Returns the trained model and a report dictionary (comparison table, CV
    design, thresholds, locked-site metrics) that goes into the model card.
    """
    if use_locked:
        train_mask, locked_mask, locked_info = split_locked(ds, locked_site)
    else:
        train_mask, locked_mask, locked_info = np.ones(len(ds), bool), np.zeros(len(ds), bool), {"site": None}
    train = ds.subset(train_mask)
    folds, cv_description = outer_folds(train, n_splits=n_splits, seed=seed)
    jobs = [(name, "features+clinical" if ds.clinical_names else "features", train, True) for name in candidates]
    if ds.clinical_names:
        jobs.append(("logreg", "clinical only (reference)", _clinical_only(train), False))
        jobs.append(("logreg", "features only (reference)", train.without_clinical(), False))
    bar = tqdm(total=len(jobs) * len(folds), desc="cross-validation", disable=not progress, file=None, leave=False)
    results: list[CandidateResult] = []
    for name, columns, data, selectable in jobs:
        p = out_of_fold(name, data, folds, seed=seed, on_fold=lambda: bar.update(1))
        results.append(_result(name, columns, data, p, n_boot_ci, seed, selectable))
    bar.close()
    eligible = [r for r in results if r.selectable]
    best = max(eligible, key=lambda r: (round(r.auc, 3), -list(CANDIDATES).index(r.name)))
    thresholds = choose_thresholds(train.y, best.oof, target_sensitivity=target_sensitivity)
    model = _fit_final(best.name, train, thresholds, n_bootstrap=n_bootstrap, seed=seed, progress=progress)
    training_data = train.summary()
    model.scope = {
        "units": training_data["devices"],
        "phase_durations_s": training_data["phase_durations_s"] or {},
        # hashes of the training subjects and rows: lets `evaluate` tell a validation from a re-test
        "training_fingerprint": training_fingerprint(train, seed=seed),
    }
    ood_factors = held_out_ood_factors(train, folds)
    model.ood.named_steps["distance"].widen(*ood_factors)
    report = {
        "cv": {
            "design": cv_description,
            "n_folds": len(folds),
            "inner_calibration_cv": f"GroupKFold({INNER_SPLITS}) over subjects, inside each training fold",
            "folds": [
                {
                    "test_sites": sorted({str(s) for s in train.site[test] if s}),
                    "test_devices": sorted({str(d) for d in train.device[test] if d}),
                    "n_train": int(train_idx.size),
                    "n_test": int(test.size),
                    # the chosen model's AUC on this held-out block: how much a new site can differ
                    "chosen_auc": _fold_auc(train.y[test], best.oof[test]),
                }
                for train_idx, test in folds
            ],
        },
        "comparison": [r.as_dict() for r in results],
        "chosen": best.name,
        "chosen_oof_auc": best.auc,
        "chosen_oof_auc_ci": list(best.auc_ci),
        "oof_metrics": {
            "refer": metrics_at_threshold(train.y, best.oof, thresholds.refer).as_dict(),
            "rule_out": metrics_at_threshold(train.y, best.oof, thresholds.rule_out).as_dict(),
        },
        "thresholds": thresholds.as_dict(),
        "ood_limits": {
            "held_out_quantile": OOD_HELD_OUT_QUANTILE,
            "t2_factor": ood_factors[0],
            "q_factor": ood_factors[1],
            "why": "limits widened so the held-out sites of the cross-validation (new sites, new units) fall "
            f"within them {OOD_HELD_OUT_QUANTILE:.1%} of the time",
        },
        "training_data": training_data,
        "locked": locked_info,
        "warnings": small_sample_warnings(
            train.y, train.subject, what="the out-of-fold figures (model choice, AUC, thresholds)"
        ),
        "site_level": site_level_metrics(train.y, best.oof, train.site, thresholds.refer, n_boot=n_boot_ci, seed=seed),
        "permutation": _permutation(train, candidates, best.auc, n_permutations, n_splits, seed, progress),
        "confounding": _confounding(ds, train_mask, results, best.auc, acquisition_order, order_name),
    }
    model.training = report
    if locked_mask.any():
        from enose.model.evaluation import headline_metrics

        locked = ds.subset(locked_mask)
        p_locked = model.pipeline.predict_proba(locked.X)[:, 1]
        ood = np.any(model.ood.transform(locked.X[:, : len(locked.feature_names)]) > 1.0, axis=1)
        report["locked"].update(
            headline_metrics(locked.y, p_locked, thresholds, groups=locked.subject, n_boot=n_boot_ci, ood=ood)
        )
        report["locked"]["data"] = locked.summary()
        report["warnings"] += small_sample_warnings(locked.y, locked.subject, what="the locked-site figures")
    return model, report


def _fold_auc(y: np.ndarray, p: np.ndarray) -> float | None:
    """AUC of one held-out block, None when it holds one class only (or no prediction)."""
    from sklearn.metrics import roc_auc_score

    ok = np.isfinite(p)
    if ok.sum() < 2 or np.unique(y[ok]).size < 2:
        return None
    return float(roc_auc_score(y[ok], p[ok]))


def _clinical_only(ds: Dataset) -> Dataset:
    k = len(ds.feature_names)
    return Dataset(
        X=ds.X[:, k:],
        y=ds.y,
        feature_names=[],
        clinical_names=list(ds.clinical_names),
        subject=ds.subject,
        site=ds.site,
        device=ds.device,
        session_id=ds.session_id,
        subject_known=ds.subject_known,
    )


#: Share of the cross-validation's held-out sessions the widened OOD limits must accept.
OOD_HELD_OUT_QUANTILE = 0.99


def held_out_ood_factors(train: Dataset, folds: list[tuple[np.ndarray, np.ndarray]]) -> tuple[float, float]:
    """How much wider the OOD limits must be for a new site and unit: ``(t2_factor, q_factor)``, each >= 1.

    Why: limits set on the training sessions alone call every session of a new
    unit "out of distribution", because each unit varies in directions the few
    training units do not span (measured: the Q residual of a locked site's
    sessions is 3-6x the in-sample limit). Fitting the detector on each
    cross-validation training fold and measuring the sessions of the held-out
    sites (new site air, new units) tells how unusual a legitimate new site
    looks; the final limits are widened to accept ``OOD_HELD_OUT_QUANTILE`` of
    them. A session beyond that is more unusual than any new site was.
    """
    k = len(train.feature_names)
    ratios = []
    for train_idx, test in folds:
        detector = make_ood_detector().fit(train.X[train_idx, :k])
        ratios.append(detector.transform(train.X[test, :k]))
    held_out = np.concatenate(ratios)
    factors = np.quantile(held_out, OOD_HELD_OUT_QUANTILE, axis=0)
    return float(max(1.0, factors[0])), float(max(1.0, factors[1]))


def make_ood_detector() -> Pipeline:
    """OOD detector on the e-nose features only (log, impute, then T² / Q distances)."""
    return Pipeline(
        [
            ("log", PositiveLog()),
            ("impute", SimpleImputer(strategy="median", keep_empty_features=True)),
            ("distance", MahalanobisOOD()),
        ]
    )


def _fit_final(
    name: str, train: Dataset, thresholds: ZoneThresholds, *, n_bootstrap: int, seed: int, progress: bool
) -> TrainedModel:
    pipeline = fit_pipeline(make_pipeline(name, random_state=seed), train.X, train.y, train.subject)
    rng = np.random.default_rng(seed)
    bootstrap = []
    for _ in tqdm(range(n_bootstrap), desc="bootstrap ensemble", disable=not progress, leave=False):
        idx, subjects = _subject_bootstrap(train, rng)
        bootstrap.append(fit_pipeline(make_pipeline(name, random_state=seed), train.X[idx], train.y[idx], subjects))
    k = len(train.feature_names)
    ood = make_ood_detector().fit(train.X[:, :k])
    reference = np.nanmedian(train.X, axis=0)
    return TrainedModel(
        pipeline=pipeline,
        bootstrap=bootstrap,
        ood=ood,
        reference=reference,
        feature_names=list(train.feature_names),
        clinical_names=list(train.clinical_names),
        thresholds=thresholds,
        candidate=name,
        training={},
        layout=train.layout,
        processing_version=train.processing_version,
    )
