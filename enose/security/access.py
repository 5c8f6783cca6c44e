"""Guarded reads of results: the one place a screen or a script should fetch them from.

A technician records sessions but never sees results; these functions refuse
before touching the tables, whatever the caller's user interface shows.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from enose.security import audit
from enose.security.permissions import Permission, require
from enose.storage.store import Store

__all__ = ["read_results", "read_session", "list_sessions", "screening_sessions", "export_session",
           "recover_emergency_files"]


def read_session(store: Store, user, session_id: int) -> dict:
    """The session row (needs :attr:`Permission.READ_SESSIONS`)."""
    require(user, Permission.READ_SESSIONS)
    return store.session(session_id)


def read_results(store: Store, user, session_id: int) -> dict:
    """Scores (all versions, newest last), QC results and the subject's current label of a session.

    Needs :attr:`Permission.READ_RESULTS`: a technician gets ``PermissionDenied``.
    """
    require(user, Permission.READ_RESULTS)
    session = store.session(session_id)
    scores = list(store.db.query("SELECT * FROM scores WHERE session_id = ? ORDER BY id", [session_id]))
    for score in scores:
        for key in ("explanation", "qc_reasons", "no_zone"):  # JSON text stored; "[]" read as a list, never as true
            score[key] = json.loads(score[key])
    qc = [
        {**row, "reasons": json.loads(row["reasons"])}
        for row in store.db.query("SELECT * FROM qc_results WHERE session_id = ?", [session_id])
    ]
    label = None
    if session["subject_code"]:
        rows = list(store.db.query("SELECT * FROM current_labels WHERE subject_code = ?", [session["subject_code"]]))
        label = rows[0] if rows else None
    return {"session_id": session_id, "scores": scores, "qc": qc, "label": label}


def list_sessions(store: Store, user, limit: int | None = None) -> list[dict]:
    """Sessions, newest first (needs :attr:`Permission.READ_SESSIONS`)."""
    require(user, Permission.READ_SESSIONS)
    return store.list_sessions(limit)


def export_session(store: Store, user, session_id: int, fmt: str, target: str | os.PathLike):
    """Write one session's raw samples to ``target`` (owner-only) and audit it; return ``(recording, path)``.

    Needs :attr:`Permission.READ_SESSIONS`: whoever may read the raw signals may take a copy,
    and the trail says who did, when, and how many samples left the database.
    """
    from enose.storage.export import export_recording

    require(user, Permission.READ_SESSIONS)
    recording = store.load_recording(session_id)
    written = export_recording(recording, fmt, Path(target))
    audit.record(store, user.username, "export", "session", session_id, format=fmt, samples=recording.n_samples,
                 authenticated=getattr(user, "authenticated", True))  # fmt: skip
    return recording, written


def screening_sessions(store: Store, user, *, all_statuses: bool = False) -> list[dict]:
    """Screening sessions to build a feature table from (needs :attr:`Permission.READ_RESULTS`: features are results)."""
    require(user, Permission.READ_RESULTS)
    sql = "SELECT id, subject_code, device_serial, site, channels, status FROM sessions WHERE kind = 'screening'"
    return [r for r in store.db.query(sql + " ORDER BY id") if all_statuses or r["status"] == "complete"]


def recover_emergency_files(store: Store, user, files: list[Path] | None = None) -> list:
    """Import emergency files back into their sessions (needs :attr:`Permission.RECORD_SESSION`: it completes
    recordings); see :func:`enose.storage.recovery.recover`."""
    from enose.storage.recovery import recover

    require(user, Permission.RECORD_SESSION)
    return recover(store, files, actor=user.username)
