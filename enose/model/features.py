# ruff: noqa: N806  (X: the scikit-learn naming convention for data matrices)
"""From stored sessions to model inputs: quality gate and features, through ``enose.signal``.

The model never computes signal features itself: :func:`analyse_recordings`
runs :func:`enose.signal.quality_gate` and :func:`enose.signal.batch_features`,
and every result carries the signal ``PROCESSING_VERSION`` so a model trained
on one version is refused on another.

Results are cached in ``qc_results`` and ``feature_cache`` under the processing
version, so training on a database scores every session once.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

import numpy as np
from tqdm import tqdm

from enose.model.clinical import clinical_vector
from enose.model.dataset import Dataset
from enose.recording import Recording
from enose.storage.analysis import load_features, load_qc, save_features, save_qc
from enose.storage.store import Store

__all__ = [
    "SessionAnalysis",
    "processing_version",
    "analyse_recordings",
    "session_features_and_qc",
    "dataset_from_store",
]

log = logging.getLogger(__name__)


@dataclass
class SessionAnalysis:
    """Quality verdict and feature vector of one session."""

    features: np.ndarray | None  # (n_features,) or None when blocked
    names: list[str]
    processing_version: str
    reasons: list[dict]
    blocked: bool


def processing_version() -> str:
    from enose.signal import PROCESSING_VERSION

    return PROCESSING_VERSION


def _reason_dicts(reasons) -> list[dict]:
    out = []
    for r in reasons:
        if isinstance(r, dict):
            out.append(r)
        else:
            out.append({k: getattr(r, k) for k in ("code", "severity", "message", "detail") if hasattr(r, k)})
    for r in out:
        if hasattr(r.get("severity"), "value"):
            r["severity"] = r["severity"].value
    return out


def analyse_recordings(
    recs: list[Recording], store: Store | None = None, *, known_reasons: list[list[dict]] | None = None
) -> list[SessionAnalysis]:
    """Quality gate and features of a batch of recordings (one layout).

    With the ``store`` they came from, the gate is :func:`enose.pipeline.quality_reasons`
    (the calibration in force, the overdue warning): the same verdict as ``enose qc``; and
    the features are compensated with the humidity sensitivity of the calibration in force
    when each session was recorded (without a store, or a calibration, uncompensated).

    ``known_reasons`` (one list per recording) are the gate's reasons from a verdict already
    stored under this processing version: the gate is not run again, only the features.
    """
    from enose.pipeline import calibrations_in_force, quality_reasons
    from enose.signal import PROCESSING_VERSION, SignalError, batch_features, quality_gate, session_grids

    def grids_of(rec: Recording):
        try:
            return session_grids(rec)
        except SignalError:  # e.g. a missing phase: the gate reports it
            return None

    # resampled once, for the gate and the features alike
    grids = [grids_of(rec) for rec in recs]
    if known_reasons is not None:
        if len(known_reasons) != len(recs):
            raise ValueError(f"{len(known_reasons)} lists of known reasons for {len(recs)} recordings")
        reasons = [list(rs) for rs in known_reasons]
    elif store is not None:
        reasons = [_reason_dicts(quality_reasons(store, rec, g)) for rec, g in zip(recs, grids, strict=True)]
    else:
        reasons = [_reason_dicts(quality_gate(rec, grids=g)) for rec, g in zip(recs, grids, strict=True)]
    blocked = [any(r.get("severity") == "block" for r in rs) for rs in reasons]
    keep = [(rec, g) for rec, g, b in zip(recs, grids, blocked, strict=True) if not b]
    if keep:
        kept_grids = [g for _, g in keep]
        humidity = None if store is None else calibrations_in_force(store, [rec for rec, _ in keep])
        X, names = batch_features([rec for rec, _ in keep], grids=None if None in kept_grids else kept_grids,
                                  humidity_calibrations=humidity)  # fmt: skip
        names = list(names)
    else:
        X, names = np.empty((0, 0)), []
    out, k = [], 0
    for rs, b in zip(reasons, blocked, strict=True):
        if b:
            out.append(SessionAnalysis(None, names, PROCESSING_VERSION, rs, True))
        else:
            out.append(SessionAnalysis(np.asarray(X[k], dtype=float), names, PROCESSING_VERSION, rs, False))
            k += 1
    return out


def session_features_and_qc(store: Store, rec: Recording) -> SessionAnalysis:
    """One session's analysis, from the cache when this processing version already ran on it.

    A verdict stored under this version (``enose qc``, or the screening's own gate just
    before scoring) is reused: only the features are computed then, the gate runs once.
    """
    version = processing_version()
    sid = rec.session_id
    qc = None if sid is None else load_qc(store, sid, version)
    if qc is not None:
        if not qc["passed"]:
            return SessionAnalysis(None, [], version, qc["reasons"], True)
        names, rows = load_features(store, [sid], version)
        if sid in rows:
            return SessionAnalysis(rows[sid], list(names or []), version, qc["reasons"], False)
    (result,) = analyse_recordings([rec], store, known_reasons=None if qc is None else [qc["reasons"]])
    if sid is not None:
        if qc is None:
            save_qc(store, sid, version, not result.blocked, result.reasons)
        if not result.blocked:
            save_features(store, [sid], version, result.names, result.features[None, :])
    return result


def _median_phase_durations(store: Store, session_ids: list[int]) -> dict[str, float]:
    """Median duration of each screening phase over the sessions, in seconds."""
    marks = ",".join("?" * len(session_ids))
    rows = store.conn.execute(
        f"SELECT name, end_s - start_s FROM phases WHERE session_id IN ({marks}) AND name IN ('baseline', 'breath', "
        "'purge')",
        session_ids,
    ).fetchall()
    by_name: dict[str, list[float]] = {}
    for name, seconds in rows:
        by_name.setdefault(name, []).append(float(seconds))
    return {name: float(np.median(values)) for name, values in sorted(by_name.items())}


def dataset_from_store(
    store: Store,
    *,
    user,
    clinical: list[str] | tuple[str, ...] = (),
    batch: int = 50,
    progress: bool = False,
) -> tuple[Dataset, dict]:
    """Every complete, labelled screening session as a :class:`Dataset`, and the flow counts (STARD).

    Sessions blocked by the quality gate are left out and counted in the flow. Needs
    :attr:`~enose.security.Permission.READ_RESULTS` (labels and features are results).
    """
    from enose.security.permissions import Permission, require

    require(user, Permission.READ_RESULTS)
    rows = list(
        store.db.query(
            """SELECT s.id, s.subject_code, s.site, s.device_serial, s.channels, l.cancer
               FROM sessions s JOIN current_labels l ON l.subject_code = s.subject_code
               WHERE s.kind = 'screening' AND s.status = 'complete' ORDER BY s.id"""
        )
    )
    n_all = store.db.execute("SELECT COUNT(*) FROM sessions WHERE kind = 'screening'").fetchone()[0]
    if not rows:
        raise ValueError(f"{store.path} holds no complete screening session with a label")
    layouts = {r["channels"] for r in rows}
    if len(layouts) > 1:
        raise ValueError(
            f"{store.path} mixes {len(layouts)} channel layouts; a model is trained for one device layout at a time"
        )
    version = processing_version()
    ids = [r["id"] for r in rows]
    cached_names, cached = load_features(store, ids, version)
    qc_cached = {sid: load_qc(store, sid, version) for sid in ids}
    analyses: dict[int, SessionAnalysis] = {}
    for sid in ids:
        qc = qc_cached[sid]
        if qc is not None and not qc["passed"]:
            analyses[sid] = SessionAnalysis(None, [], version, qc["reasons"], True)
        elif qc is not None and sid in cached:
            analyses[sid] = SessionAnalysis(cached[sid], list(cached_names or []), version, qc["reasons"], False)
    todo = [sid for sid in ids if sid not in analyses]
    for start in tqdm(range(0, len(todo), batch), desc="features", disable=not progress, leave=False):
        chunk = todo[start : start + batch]
        recs = [store.load_recording(sid) for sid in chunk]
        results = analyse_recordings(recs, store)
        kept = [(sid, a) for sid, a in zip(chunk, results, strict=True) if not a.blocked]
        for sid, a in zip(chunk, results, strict=True):
            save_qc(store, sid, version, not a.blocked, a.reasons)
            analyses[sid] = a
        if kept:
            save_features(
                store, [s for s, _ in kept], version, kept[0][1].names, np.stack([a.features for _, a in kept])
            )
    good = [r for r in rows if not analyses[r["id"]].blocked]
    if not good:
        raise ValueError("every labelled session was blocked by the quality gate")
    names = analyses[good[0]["id"]].names
    subjects = {r["subject_code"]: store.subject(r["subject_code"]) for r in good}
    X = np.stack(
        [
            np.concatenate([analyses[r["id"]].features, clinical_vector(subjects[r["subject_code"]], list(clinical))])
            for r in good
        ]
    )
    ds = Dataset(
        phase_durations_s=_median_phase_durations(store, [r["id"] for r in good]),
        X=X,
        y=np.array([r["cancer"] for r in good]),
        feature_names=list(names),
        clinical_names=list(clinical),
        subject=np.array([r["subject_code"] for r in good], dtype=object),
        site=np.array([r["site"] or "" for r in good], dtype=object),
        device=np.array([r["device_serial"] or "" for r in good], dtype=object),
        session_id=np.array([r["id"] for r in good]),
        source=f"database {store.path.name}",
        layout=json.loads(rows[0]["channels"]),
        processing_version=version,
    )
    flow = {
        "screening_sessions": int(n_all),
        "complete_with_label": len(rows),
        "blocked_by_quality_gate": len(rows) - len(good),
        "analysed": len(good),
    }
    return ds, flow
