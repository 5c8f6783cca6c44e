"""Guarded reads of results: the one place a screen or a script should fetch them from.

A technician records sessions but never sees results; these functions refuse
before touching the tables, whatever the caller's user interface shows.
"""

from __future__ import annotations

import json

from enose.security.permissions import Permission, require
from enose.storage.store import Store

__all__ = ["read_results", "read_session"]


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
        for key in ("explanation", "qc_reasons"):
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
