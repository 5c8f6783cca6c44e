"""Derived results kept beside the raw data: calibration records, QC verdicts, cached features.

Raw samples never change; what is computed from them may, when the processing
changes. So QC results and features are stored under the processing version
that produced them, and a new version simply computes and stores anew.
Calibration records are append-only: a new calibration is a new row.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from enose.storage.store import StorageError, Store, utc_now

__all__ = [
    "CalibrationRecord",
    "add_calibration",
    "json_numbers",
    "calibrations",
    "latest_calibration",
    "save_qc",
    "load_qc",
    "save_features",
    "load_features",
]


@dataclass(frozen=True)
class CalibrationRecord:
    """One calibration of one device (``values`` per channel, in ``channels`` order)."""

    id: int
    device_serial: str
    kind: str
    created_at: str
    operator: str
    passed: bool | None
    channels: tuple[str, ...]
    values: tuple[float | None, ...]
    detail: dict
    session_id: int | None

    def as_dict(self) -> dict:
        return {
            "id": self.id,
            "device_serial": self.device_serial,
            "kind": self.kind,
            "created_at": self.created_at,
            "operator": self.operator,
            "passed": self.passed,
            "channels": list(self.channels),
            "values": list(self.values),
            "detail": self.detail,
            "session_id": self.session_id,
        }


def json_numbers(values: Iterable[float | None]) -> list[float | None]:
    """Numbers as JSON-safe values: NaN, infinities and None become null (a dead channel has no value)."""
    return [None if v is None or not np.isfinite(v) else float(v) for v in np.ravel(np.asarray(values, dtype=float))]


def _write(store: Store, sql: str, params: Sequence[Any], what: str, then=None) -> int:
    """Insert one row and return its id; ``then(id)`` runs in the same transaction (e.g. its audit entry)."""
    try:
        with store.conn:
            row_id = int(store.conn.execute(sql, params).lastrowid)
            if then is not None:
                then(row_id)
            return row_id
    except sqlite3.Error as error:
        raise StorageError(f"could not save the {what}: {error}") from error


def add_calibration(
    store: Store,
    *,
    device_serial: str,
    kind: str,
    operator: str,
    channels: Sequence[str],
    values: Iterable[float],
    passed: bool | None = None,
    detail: dict | None = None,
    session_id: int | None = None,
) -> int:
    """Append a calibration record (audited with its fingerprint, as ``operator``) and return its id."""
    from enose.storage.store import _audit_sealed

    def sealed(record_id: int) -> None:
        _audit_sealed(store, operator, "calibration_added", "calibration", record_id, kind=kind, device=device_serial)

    return _write(
        store,
        """INSERT INTO calibrations (device_serial, kind, session_id, operator, created_at, passed, channels,
           "values", detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (
            device_serial,
            kind,
            session_id,
            operator,
            utc_now(),
            None if passed is None else int(passed),
            json.dumps(list(channels)),
            json.dumps(json_numbers(values)),
            json.dumps(detail or {}, sort_keys=True, default=str),
        ),
        f"{kind} calibration of {device_serial}",
        then=sealed,
    )


def _record(row: dict) -> CalibrationRecord:
    return CalibrationRecord(
        id=row["id"],
        device_serial=row["device_serial"],
        kind=row["kind"],
        created_at=row["created_at"],
        operator=row["operator"],
        passed=None if row["passed"] is None else bool(row["passed"]),
        channels=tuple(json.loads(row["channels"])),
        values=tuple(json.loads(row["values"])),
        detail=json.loads(row["detail"]),
        session_id=row["session_id"],
    )


def calibrations(store: Store, device_serial: str, kind: str | None = None) -> list[CalibrationRecord]:
    """A device's calibrations, oldest first (optionally of one kind)."""
    sql = "SELECT * FROM calibrations WHERE device_serial = ?"
    params: list[Any] = [device_serial]
    if kind is not None:
        sql += " AND kind = ?"
        params.append(kind)
    return [_record(row) for row in store.db.query(sql + " ORDER BY created_at, id", params)]


def latest_calibration(
    store: Store, device_serial: str, kind: str, passed_only: bool = True, before: str | None = None
) -> CalibrationRecord | None:
    """The newest calibration of ``kind`` for a device (by default the newest one that passed).

    ``before`` (ISO time, e.g. a session's ``started_at``): the newest one made at or before it,
    i.e. the calibration in force then.
    """
    sql = "SELECT * FROM calibrations WHERE device_serial = ? AND kind = ?"
    params: list[Any] = [device_serial, kind]
    if passed_only:
        sql += " AND (passed IS NULL OR passed = 1)"
    if before is not None:
        sql += " AND created_at <= ?"
        params.append(before)
    rows = list(store.db.query(sql + " ORDER BY created_at DESC, id DESC LIMIT 1", params))
    return _record(rows[0]) if rows else None


def save_qc(store: Store, session_id: int, processing_version: str, passed: bool, reasons: list[dict]) -> None:
    """Store the quality gate's verdict for a session under a processing version (replacing an older run)."""
    _write(
        store,
        """INSERT OR REPLACE INTO qc_results (session_id, processing_version, passed, reasons, computed_at)
           VALUES (?, ?, ?, ?, ?)""",
        (session_id, processing_version, int(passed), json.dumps(reasons, default=str), utc_now()),
        f"QC result of session {session_id}",
    )


def load_qc(store: Store, session_id: int, processing_version: str) -> dict | None:
    rows = list(
        store.db.query(
            "SELECT * FROM qc_results WHERE session_id = ? AND processing_version = ?",
            [session_id, processing_version],
        )
    )
    if not rows:
        return None
    return {"passed": bool(rows[0]["passed"]), "reasons": json.loads(rows[0]["reasons"])}


def save_features(
    store: Store, session_ids: Sequence[int], processing_version: str, names: Sequence[str], values: np.ndarray
) -> None:
    """Cache a ``(n_sessions, n_features)`` feature matrix, one row per session, in one transaction."""
    matrix = np.asarray(values, dtype="<f8")
    if matrix.shape != (len(session_ids), len(names)):
        raise ValueError(f"features shaped {matrix.shape}, expected ({len(session_ids)}, {len(names)})")
    names_json = json.dumps(list(names))
    now = utc_now()
    rows = [(int(sid), processing_version, names_json, matrix[i].tobytes(), now) for i, sid in enumerate(session_ids)]
    try:
        with store.conn:
            store.conn.executemany(
                """INSERT OR REPLACE INTO feature_cache (session_id, processing_version, names, "values",
                   computed_at) VALUES (?, ?, ?, ?, ?)""",
                rows,
            )
    except sqlite3.Error as error:
        raise StorageError(f"could not cache features: {error}") from error


def load_features(
    store: Store, session_ids: Sequence[int], processing_version: str
) -> tuple[list[str] | None, dict[int, np.ndarray]]:
    """Cached feature rows for the sessions that have them under this version: ``(names, {id: row})``."""
    found: dict[int, np.ndarray] = {}
    names: list[str] | None = None
    ids = [int(s) for s in session_ids]
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        for row in store.db.query(
            f'SELECT session_id, names, "values" FROM feature_cache WHERE processing_version = ? '
            f"AND session_id IN ({marks})",
            [processing_version, *chunk],
        ):
            row_names = json.loads(row["names"])
            if names is None:
                names = row_names
            elif row_names != names:
                continue  # a stale row from another feature layout: recompute it
            found[row["session_id"]] = np.frombuffer(row["values"], dtype="<f8")
    return names, found
