# ruff: noqa: N803, N806  (X: the scikit-learn naming convention for data matrices)
"""Scoring one session: quality gate -> features -> model -> stored score.

:func:`score_features` is the pure part (a feature vector in, a score out);
:func:`score_session` is what the screening calls at the end of the manoeuvre:
it loads the recording, refuses a device the model was not trained for, runs
the quality gate (blocking reasons prevent a score), computes the features,
scores, and appends one row to ``scores`` recording the model id and hash, the
software and processing versions, and the calibration in force.

Zones of a stored score: green / orange / red from the thresholds;
``inconclusive`` when the sample is out of distribution (repeat the test);
``blocked`` when the quality gate blocked the recording (no probability).
A probability kept for the record only (a protocol mismatch, no humidity
calibration in force) is stored with the zone ``inconclusive`` too, and the
codes of its reasons in ``scores.no_zone`` (a JSON list, ``[]`` when a zone was
given), so a list of stored scores can tell "no zone" from "repeat the test".
"""

from __future__ import annotations

import json
import logging
from typing import Any

import numpy as np

from enose import __version__
from enose.model.artifact import RiskModel
from enose.model.clinical import CLINICAL_FROM_SUBJECT, clinical_vector
from enose.model.explain import explain
from enose.model.zones import NO_ZONE_TEXT, ZONE_WORDS
from enose.security.audit import record
from enose.security.integrity import fingerprint
from enose.security.permissions import HasRole, Permission, require
from enose.storage.store import StorageError, Store, utc_now

__all__ = ["score_features", "score_session", "clinical_vector", "CLINICAL_FROM_SUBJECT", "UNFAMILIAR_UNIT_CAUTION"]

log = logging.getLogger(__name__)


def score_features(
    model: RiskModel,
    features: np.ndarray,
    feature_names: list[str],
    clinical: np.ndarray | None = None,
    *,
    layout: list[dict] | None = None,
    processing_version: str | None = None,
    top: int = 4,
) -> dict:
    """Score one feature vector.

    Args:
        features: ``(n_features,)`` e-nose features, named by ``feature_names``.
        clinical: ``(n_clinical,)`` in ``model.clinical_names`` order (NaN: unknown).
        layout: the recording device's channel layout (checked against the model's).

    Raises:
        ModelMismatchError: another channel layout, feature set or processing version.
    """
    model.check_layout(layout)
    columns = model.check_features(list(feature_names), processing_version)
    clinical = np.full(len(model.clinical_names), np.nan) if clinical is None else np.asarray(clinical, float)
    x = np.concatenate([np.asarray(features, dtype=float).reshape(-1)[columns], clinical.reshape(-1)])
    p = float(model.predict_proba(x)[0])
    low, high = model.predict_interval(x)
    ratios = model.ood_ratios(x)[0]
    features_finite = bool(np.all(np.isfinite(x[: len(model.feature_names)])))
    ood = bool(np.any(ratios > 1.0)) or not features_finite
    zone = "inconclusive" if ood else model.thresholds.zone(p)
    return {
        "probability": p,
        "interval": [float(low[0]), float(high[0])],
        "zone": zone,
        "zone_text": ZONE_WORDS[zone],
        "ood": ood,
        "ood_distance": {"t2_ratio": float(ratios[0]), "q_ratio": float(ratios[1])},
        "explanation": explain(
            model.predict_proba, x, model.trained.reference, model.feature_names, model.clinical_names, top=top
        ),
        "model_id": model.model_id,
        "model_sha256": model.sha256,
        "thresholds": {"rule_out": model.thresholds.rule_out, "refer": model.thresholds.refer},
    }


#: A phase shorter than this share of the training sessions' median makes the features incomparable.
PROTOCOL_TOLERANCE = 0.9


def protocol_mismatch(model: RiskModel, recording) -> dict | None:
    """The first screening phase recorded clearly shorter than the model's training sessions, or None.

    Why: the features summarise fixed windows of each phase (e.g. 300 s of
    breath, 120 s of purge); a shorter phase is padded with nothing, so its
    features describe another measurement and the zone would be meaningless.
    """
    for name, expected in model.training_phase_durations.items():
        phase = recording.phase(name)
        seconds = 0.0 if phase is None else float(phase.end_s - phase.start_s)
        if seconds < PROTOCOL_TOLERANCE * expected:
            return {
                "phase": name,
                "seconds": round(seconds, 1),
                "expected_s": round(expected, 1),
                "text": f"the {name} phase lasted {seconds:.0f} s but this model was trained on {expected:.0f} s: "
                "repeat the test with the standard protocol",
            }
    return None


#: Said with every score from a device the model never saw in training (see the model card's known limitations).
UNFAMILIAR_UNIT_CAUTION = (
    "Device {serial} was not among the units this model was trained on. Its humidity calibration and the model's "
    "gain-free inputs make units at one site agree; a site whose room air differs from the training sites' can "
    "still move the probability and the zone (see the model card)."
)


def _insert_score(store: Store, row: dict[str, Any]) -> int:
    columns = ", ".join(row)
    marks = ", ".join("?" * len(row))
    try:
        with store.conn:
            cursor = store.conn.execute(f"INSERT INTO scores ({columns}) VALUES ({marks})", list(row.values()))
            score_id = int(cursor.lastrowid)
            record(store, row["operator"], "score", "score", score_id, session_id=row["session_id"],
                   zone=row.get("zone"), model_id=row.get("model_id"),
                   fingerprint=fingerprint(store.conn, "score", score_id))  # fmt: skip
    except Exception as error:
        raise StorageError(f"could not store the score of session {row['session_id']}: {error}") from error
    return int(cursor.lastrowid)


def score_session(store: Store, session_id: int, model: RiskModel, *, user: HasRole) -> dict:
    """Quality gate + features + model for one stored session; append the result to ``scores``.

    Returns the summary dictionary (the ``score`` of ``screen --json``): either
    ``probability``, ``interval``, ``zone``, ``model_id``, ``explanation``..., or
    ``zone = 'blocked'`` with the quality gate's ``reasons`` and no probability.

    Raises:
        ModelMismatchError: the session's device has another channel layout, or
            the features differ from the model's (nothing is stored: this is a
            set-up error, not a result about the person).
    """
    from enose.model.features import session_features_and_qc
    from enose.pipeline import humidity_in_force

    require(user, Permission.WRITE_SCORES)  # checked here, so the CLI, the GUI and scripts get the same answer
    recording = store.load_recording(session_id)
    model.check_layout(recording.layout.to_json())
    result = session_features_and_qc(store, recording)
    meta = recording.meta
    # the zero-air record in force: the quality gate's clean-air reference and the humidity compensation
    humidity = humidity_in_force(store, meta.get("device_serial"), meta.get("started_at"))
    row: dict[str, Any] = {
        "session_id": session_id,
        "created_at": utc_now(),
        "operator": user.username,
        "software_version": __version__,
        "processing_version": result.processing_version,
        "calibration_id": humidity.calibration_id,
        "qc_reasons": json.dumps(result.reasons, default=str),
    }
    if result.blocked:
        row.update({"zone": "blocked", "ood": 0, "explanation": "[]"})
        score_id = _insert_score(store, row)
        blocking = [r for r in result.reasons if r.get("severity") == "block"]
        return {
            "score_id": score_id,
            "session_id": session_id,
            "zone": "blocked",
            "zone_text": ZONE_WORDS["blocked"],
            "probability": None,
            "reason": "; ".join(str(r.get("message", r.get("code"))) for r in blocking) or "quality gate blocked",
            "qc_reasons": result.reasons,
            "model_id": None,
        }
    subject = store.subject(meta["subject_code"]) if meta.get("subject_code") else None
    clinical = clinical_vector(subject, model.clinical_names)
    scored = score_features(
        model,
        result.features,
        result.names,
        clinical,
        layout=recording.layout.to_json(),
        processing_version=result.processing_version,
    )
    mismatch = protocol_mismatch(model, recording)
    no_zone = [] if mismatch is None else [{"code": "protocol_mismatch", "text": mismatch["text"]}]
    if not humidity.in_force:
        no_zone.append({"code": humidity.code, "text": humidity.text})
    if no_zone:  # a probability is kept for the record, but no zone is given
        scored.update({"zone": "inconclusive", "zone_text": NO_ZONE_TEXT})
    row.update(
        {
            "model_id": scored["model_id"],
            "model_sha256": scored["model_sha256"],
            "probability": scored["probability"],
            "interval_low": scored["interval"][0],
            "interval_high": scored["interval"][1],
            "zone": scored["zone"],
            "ood": int(scored["ood"]),
            "explanation": json.dumps(scored["explanation"]),
            "no_zone": json.dumps([reason["code"] for reason in no_zone]),
        }
    )
    score_id = _insert_score(store, row)
    serial = meta.get("device_serial")
    units = model.training_units
    unit_known = None if not (serial and units) else serial in units
    return {
        "score_id": score_id,
        "session_id": session_id,
        **scored,
        "unit_in_training": unit_known,
        "protocol_mismatch": mismatch,
        "humidity_calibration": humidity.as_dict(),
        "no_zone": no_zone,
        "caution": None if unit_known is not False else UNFAMILIAR_UNIT_CAUTION.format(serial=serial),
        "qc_reasons": result.reasons,
        "calibration_id": row["calibration_id"],
        "processing_version": result.processing_version,
        "software_version": __version__,
    }
