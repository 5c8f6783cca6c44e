"""Confirmed diagnoses (the training labels): appended, never edited, each audited with who entered it.

A correction is a new row that points at the one it replaces (``supersedes``);
the ``current_labels`` view keeps the newest of each chain. One implementation
for the GUI, the CLI and scripts, with the permission checked here.
"""

from __future__ import annotations

import sqlite3

from enose.security import audit
from enose.security.integrity import fingerprint
from enose.security.permissions import HasRole, Permission, require
from enose.storage.store import StorageError, Store, utc_now

__all__ = ["add_label", "label_history"]


def add_label(
    store: Store,
    user: HasRole,
    *,
    subject_code: str,
    cancer: bool,
    histology: str | None,
    stage: str | None,
    diagnosis_date: str | None,
    source: str,
    supersedes: int | None = None,
) -> int:
    """Append a confirmed diagnosis for ``subject_code`` and return its id (needs :attr:`Permission.WRITE_LABELS`).

    Raises:
        ValueError: ``source`` (where the diagnosis comes from, e.g. a pathology report) is empty.
        StorageError: the database refused it (e.g. an unknown subject).
    """
    require(user, Permission.WRITE_LABELS)
    if not source.strip():
        raise ValueError("source")
    try:
        with store.conn:  # the label and its audit entry commit together
            cursor = store.conn.execute(
                """INSERT INTO labels (subject_code, cancer, histology, stage, diagnosis_date, source, entered_by,
                   entered_at, supersedes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (subject_code, int(bool(cancer)), histology or None, stage or None, diagnosis_date or None,
                 source.strip(), user.username, utc_now(), supersedes),
            )  # fmt: skip
            label_id = int(cursor.lastrowid)
            audit.record(store, user.username, "label_added", "label", label_id, supersedes=supersedes,
                         fingerprint=fingerprint(store.conn, "label", label_id))  # fmt: skip
    except sqlite3.Error as error:
        raise StorageError(f"could not save the diagnosis of {subject_code}: {error}") from error
    return label_id


def label_history(store: Store, user: HasRole, subject_code: str) -> list[dict]:
    """Every label row of a subject, newest first, with whether it is the one in force (needs READ_RESULTS)."""
    require(user, Permission.READ_RESULTS)
    current = {
        row["id"] for row in store.db.query("SELECT id FROM current_labels WHERE subject_code = ?", [subject_code])
    }
    rows = list(store.db.query("SELECT * FROM labels WHERE subject_code = ? ORDER BY id DESC", [subject_code]))
    return [{**row, "current": row["id"] in current} for row in rows]
