"""Thin adapters between the screens and the core library (no Qt here).

Every function calls :mod:`enose`; none computes a measurement itself. When
the core cannot answer (a live counter failing on a stretch of signal, no
calibration yet) the adapter returns ``None`` and the screen says so plainly;
it never shows an invented result.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from enose.signal.config import DEFAULT_PROCESSING
from enose.storage import Store

__all__ = [
    "ScreeningOutcome",
    "model_dir",
    "result_for_display",
    "calibration_status",
    "evaluate_calibration",
    "drift_chart",
    "count_breath_cycles",
    "session_analysis",
    "add_label",
    "label_history",
    "target_breath_cycles",
    "MIN_BREATH_CO2_PPM",
]

log = logging.getLogger(__name__)

#: Breathing is seen in the mask when the capnogram reaches the end-tidal CO2 the quality gate asks of a
#: valid breath cycle, so the live view turns green only for breaths that will count.
MIN_BREATH_CO2_PPM = DEFAULT_PROCESSING.cycle_min_etco2_ppm

#: Calm tidal breathing of an adult at rest, breaths per minute; sets the cycle target shown live.
RESTING_BREATHS_PER_MIN = 12.0


@dataclass
class ScreeningOutcome:
    """What a finished (or aborted, or failed) screening hands to the result page."""

    session_id: int | None
    status: str  # complete / aborted / interrupted / failed (never started)
    n_samples: int = 0
    lost_samples: int = 0
    interruptions: int = 0
    device_serial: str | None = None
    started_at: str | None = None
    error: str | None = None
    score: dict = field(default_factory=dict)


def subject_code_pattern(db_path: Path) -> str | None:
    """The site's own subject-code pattern (None: the project's default), as the core enforces it."""
    from enose.storage import DatabaseMissing, StorageError

    try:
        with Store.open(db_path, create=False) as store:
            return store.site_setting("subject_code_pattern")
    except (DatabaseMissing, StorageError):
        return None


def model_dir() -> Path | None:
    """Where the risk model is: ``ENOSE_MODEL``, else the bundled demo model (the CLI's rule)."""
    from enose.model.artifact import default_model_dir

    return default_model_dir()


def result_for_display(score: dict) -> dict:
    """The core's score (:func:`enose.screening.score_summary`) in the shape the result page reads.

    ``{"given": True, probability, interval, zone, explanation, model_id, ...}`` or
    ``{"given": False, "why": code, "detail": text, "qc_reasons": [...]}`` with ``why`` one of
    ``incomplete``, ``no_model``, ``model_error``, ``blocked`` and ``withheld`` (the core's codes).
    """
    if score.get("given"):
        return score
    return {"given": False, "why": score.get("why", "model_error"), "detail": score.get("reason") or "",
            "qc_reasons": score.get("qc_reasons", [])}  # fmt: skip


def calibration_status(store: Store, device_serial: str | None) -> dict:
    """The calibration in force for a device: ``{"kind", "created_at", "passed", "due"}`` or ``{}``.

    ``due`` is True/False when :mod:`enose.signal` can tell (drift chart), None when it cannot.
    """
    if not device_serial:
        return {}
    from enose.storage.analysis import latest_calibration

    newest = None
    for kind in ("reference", "zero"):
        record = latest_calibration(store, device_serial, kind, passed_only=False)
        if record is not None and (newest is None or record.created_at > newest.created_at):
            newest = record
    if newest is None:
        return {}
    chart = drift_chart(store, device_serial)
    due = None if chart is None else bool(chart.get("recalibration_due"))
    return {"kind": newest.kind, "created_at": newest.created_at, "passed": newest.passed, "due": due}


#: Relative tolerance of a reference-gas response against the device's commissioning response (the core's).
from enose.pipeline import REFERENCE_TOLERANCE  # noqa: E402


def evaluate_calibration(store: Store, session_id: int, kind: str, user) -> dict | None:
    """Pass or fail of a calibration recording, stored as a calibration record.

    The policy (gas sensors only for zero air, with their humidity response when the device
    has the humidifier; the first reference check commissions the device; later checks within
    :data:`REFERENCE_TOLERANCE`) is the core's, :func:`enose.pipeline.calibrate_session`, so the
    GUI and ``enose calibrate`` agree.

    A zero-air record whose humidity response was ``not_measured`` says why in
    ``detail.humidity.code``; the verdict page words it in the reader's language.
    """
    from enose.pipeline import calibrate_session

    return calibrate_session(store, session_id, kind, user, REFERENCE_TOLERANCE)


def drift_chart(store: Store, device_serial: str) -> dict:
    """The device's EWMA drift charts and "recalibration due", from :func:`enose.pipeline.device_drift`.

    Returns ``{"times", "values", "ewma", "center", "lower", "upper", "recalibration_due", "reasons",
    "channel", "humidity"}``: the zero-air baseline chart in ln ohm (the channel shown is the first
    gas sensor; ``lower``/``upper`` are per point, the limits widen with each calibration), and
    ``humidity``, None until a zero-air calibration measured the humidity response, else
    ``{"times", "values", "ewma", "center", "lower", "upper"}`` for the same sensor in per % RH.
    Why per % RH and not ln: the core charts ln(sensitivity), but the technician reads the same
    number as on the calibration verdict; exp of an EWMA of logs is its geometric counterpart.
    """
    from enose.pipeline import device_drift

    history = device_drift(store, device_serial)
    if history is None:
        return {"times": [], "values": [], "ewma": [], "recalibration_due": True, "reasons": ["never_calibrated"],
                "humidity": None}  # fmt: skip
    channels, status, baselines = history.channels, history.status, history.baselines_ohm
    times = [c.created_at for c in history.zeros]
    with np.errstate(divide="ignore", invalid="ignore"):
        values = list(np.log(baselines[:, 0]))
    out = {"times": times, "recalibration_due": bool(status.recalibration_due), "reasons": list(status.reasons),
           "channel": channels[0] if channels else None, "values": values, "humidity": None}  # fmt: skip
    out.update(_chart_columns(status.baseline_chart, 0, np.asarray))
    if history.humidity is not None and len(history.humidity_records):
        humidity = {"times": [r.created_at for r in history.humidity_records],
                    "values": [float(v) for v in history.humidity[:, 0]]}  # fmt: skip
        humidity.update(_chart_columns(status.humidity_chart, 0, np.exp))
        out["humidity"] = humidity
    return out


def _chart_columns(chart, column: int, scale) -> dict:
    """One channel of an :class:`enose.signal.EwmaChart` as plain lists, through ``scale`` (identity or exp)."""
    if chart is None:
        return {}
    return {
        "ewma": [float(v) for v in scale(chart.ewma[:, column])],
        "center": float(scale(chart.center[column])),
        "lower": [float(v) for v in scale(chart.lower[:, column])],
        "upper": [float(v) for v in scale(chart.upper[:, column])],
    }


def calibration_history(store: Store, device_serial: str) -> list[dict]:
    """Every calibration record of a device, oldest first (stored data, no computation)."""
    from enose.storage.analysis import calibrations

    return [record.as_dict() for record in calibrations(store, device_serial)]


def count_breath_cycles(co2: np.ndarray, t_s: np.ndarray) -> int | None:
    """Breath cycles in a capnogram ``co2`` (ppm, shape ``(n,)``) at times ``t_s`` (s), from enose.signal.

    None when the stretch is too short or the counter fails on it (logged once): the live
    view then keeps its last count rather than showing a number it does not have.
    """
    from enose.signal import count_breath_cycles as count

    if len(t_s) < 2:
        return None
    try:
        return int(count(co2, t_s))
    except Exception as error:  # a live display must not stop on a signal-code error
        global _cycle_error_logged
        if not _cycle_error_logged:
            log.warning("breath-cycle counter failed: %s", error)
            _cycle_error_logged = True
        return None


_cycle_error_logged = False


def target_breath_cycles(breath_s: float) -> int:
    """The cycle count a calm subject reaches in the breath phase (shown as the counter's target)."""
    return max(1, round(breath_s * RESTING_BREATHS_PER_MIN / 60.0))


def session_analysis(store: Store, session_id: int) -> dict:
    """Quality verdict and features of a stored session (cached by the core), for the researcher."""
    from enose.model.features import session_features_and_qc

    recording = store.load_recording(session_id)
    result = session_features_and_qc(store, recording)
    return {
        "names": list(result.names),
        "values": None if result.features is None else [float(v) for v in np.asarray(result.features).ravel()],
        "reasons": result.reasons,
        "blocked": bool(result.blocked),
        "processing_version": result.processing_version,
    }


def add_label(store: Store, user, **values) -> int:
    """Append a confirmed diagnosis through the core (:func:`enose.labels.add_label`: permission and audit there)."""
    from enose.labels import add_label as core_add_label

    return core_add_label(store, user, **values)


def label_history(store: Store, user, subject_code: str) -> list[dict]:
    """Every label row of a subject, newest first (the core's :func:`enose.labels.label_history`)."""
    from enose.labels import label_history as core_label_history

    return core_label_history(store, user, subject_code)


def export_features_csv(rows: list[tuple[int, list[str], list[float] | None]], path: Path) -> Path:
    """Write ``(session_id, names, values)`` rows as one CSV table (blocked sessions: empty cells)."""
    names: list[str] = next((n for _, n, v in rows if v is not None), [])
    tmp = path.with_name(path.name + ".part")
    with open(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w", encoding="utf-8") as handle:
        handle.write(",".join(["session_id", *names]) + "\n")
        for session_id, row_names, values in rows:
            cells = [""] * len(names)
            if values is not None and row_names == names:
                cells = [f"{v:.9g}" for v in values]
            handle.write(",".join([str(session_id), *cells]) + "\n")
    os.replace(tmp, path)
    return path


def session_meta(store: Store, session_id: int) -> dict[str, Any]:
    return store.session(session_id)
