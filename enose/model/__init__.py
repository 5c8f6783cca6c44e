"""Lung-cancer risk model: cohort simulator, leakage-safe training, validation, calibrated and explained scores.

Public API:

* :func:`simulate_cohort`, :class:`CohortParams` - simulated multi-site cohort into a database;
* :func:`dataset_from_store`, :func:`read_feature_table`, :class:`Dataset` - training data;
* :func:`train_model` - blocked CV comparison, calibration, thresholds, locked-site validation;
* :func:`save_model`, :func:`load_model`, :class:`RiskModel` - skops artifact + SHA-256 + model card;
* :func:`evaluate_model` - validation report (PNG, markdown, HTML, metrics.json);
* :func:`score_features`, :func:`score_session` - scoring with interval, zone, explanation, OOD flag;
* errors: :class:`ModelError` and its subclasses.

Nothing here imports Qt.
"""

from enose.model.artifact import RiskModel, load_model, save_model
from enose.model.cohort import CohortParams, simulate_cohort
from enose.model.dataset import Dataset, read_feature_table
from enose.model.errors import ModelError, ModelIntegrityError, ModelMismatchError, NotEnoughData, TableError
from enose.model.evaluation import evaluate_model
from enose.model.features import dataset_from_store
from enose.model.scoring import score_features, score_session
from enose.model.training import train_model
from enose.model.zones import ZoneThresholds, choose_thresholds

__all__ = [
    "CohortParams",
    "Dataset",
    "ModelError",
    "ModelIntegrityError",
    "ModelMismatchError",
    "NotEnoughData",
    "RiskModel",
    "TableError",
    "ZoneThresholds",
    "choose_thresholds",
    "dataset_from_store",
    "evaluate_model",
    "load_model",
    "read_feature_table",
    "save_model",
    "score_features",
    "score_session",
    "simulate_cohort",
    "train_model",
]
