"""Append-only, hash-chained audit trail in the local database.

Every row carries ``hash = SHA-256(prev_hash + canonical JSON of the row)``,
where the row is ``{id, at, actor, action, object_type, object_id, detail}``
and ``prev_hash`` is the hash of the row before it (64 zeros for the first).
Editing any field of any row breaks its hash; deleting a row breaks the link
of the next one (or, for the last rows, leaves ``sqlite_sequence`` ahead of
the last id); triggers refuse UPDATE and DELETE, and :func:`verify` reports
it if they were dropped. What a chain cannot show on its own is a rewrite of
every hash from the edited row onwards by someone holding the database file;
:mod:`enose.sync` therefore copies the newest ``(id, hash)`` to the central
database at every sync, and :func:`verify` checks against those anchors when
given them.

``detail`` must never hold a patient identifier (hospital number, name):
keys that look like one are refused.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from enose.security.permissions import Permission, require
from enose.storage.audit_log import GENESIS_HASH, AuditError, _canonical, head, record, row_hash
from enose.storage.store import Store

__all__ = ["GENESIS_HASH", "VerifyReport", "AuditError", "record", "verify", "entries", "head", "row_hash"]

_TRIGGERS = ("audit_log_never_updated", "audit_log_never_deleted")


@dataclass
class VerifyReport:
    """Result of :func:`verify`: ``ok`` or the first bad row id and what is wrong."""

    ok: bool
    n_rows: int
    first_bad_id: int | None = None
    problems: list[str] = field(default_factory=list)
    head_id: int | None = None
    head_hash: str | None = None
    records_covered: int = 0
    records_not_covered: int = 0

    def to_json(self) -> dict:
        return {
            "records_covered": self.records_covered,
            "records_not_covered": self.records_not_covered,
            "ok": self.ok,
            "rows": self.n_rows,
            "first_bad_id": self.first_bad_id,
            "problems": self.problems,
            "head_id": self.head_id,
            "head_hash": self.head_hash,
        }


def verify(store: Store, anchors: Iterable[tuple[int, str]] = (), *, content: bool = True) -> VerifyReport:
    """Re-compute the whole chain; report the first row that was edited, deleted or re-ordered.

    ``anchors`` are ``(id, hash)`` pairs recorded elsewhere earlier (see module docs). With
    ``content`` (the default) also every record the chain vouches for (:mod:`enose.security.integrity`):
    an edited account, session, raw sample block, calibration, label or score, a deleted or
    inserted one, and a changed schema or trigger.
    """
    conn = store.conn
    problems: list[str] = []
    first_bad: int | None = None

    def bad(row_id: int | None, message: str) -> None:
        nonlocal first_bad
        problems.append(message)
        if row_id is not None and (first_bad is None or row_id < first_bad):
            first_bad = row_id

    present = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    for trigger in _TRIGGERS:
        if trigger not in present:
            bad(None, f"protective trigger {trigger} has been removed: the log was opened for editing")
    prev_hash = GENESIS_HASH
    expected_id = 1
    n = 0
    last: tuple[int, str] | None = None
    hashes: dict[int, str] = {}
    try:
        cursor = conn.execute(
            "SELECT id, at, actor, action, object_type, object_id, detail, prev_hash, hash FROM audit_log ORDER BY id"
        )
        for row_id, at, actor, action, object_type, object_id, detail, stored_prev, stored_hash in cursor:
            n += 1
            if row_id != expected_id:
                bad(expected_id, f"entries {expected_id}..{row_id - 1} are missing (deleted) before row {row_id}")
            try:
                detail_obj = json.loads(detail)
            except (TypeError, ValueError):
                detail_obj = detail
            row = {"id": row_id, "at": at, "actor": actor, "action": action, "object_type": object_type,
                   "object_id": object_id, "detail": detail_obj}  # fmt: skip
            if stored_prev != prev_hash:
                bad(row_id, f"row {row_id} does not link to the row before it (a row was deleted or edited)")
            if row_hash(stored_prev, row) != stored_hash or (
                isinstance(detail, str) and _canonical(detail_obj) != detail
            ):
                bad(row_id, f"row {row_id} was edited after it was written (its hash does not match its content)")
            prev_hash = stored_hash
            expected_id = row_id + 1
            last = (row_id, stored_hash)
            hashes[row_id] = stored_hash
    except sqlite3.DatabaseError as error:
        bad(None, f"the audit log cannot be read: {error}")
    seq = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'audit_log'").fetchone()
    last_id = last[0] if last else 0
    if seq and seq[0] > last_id:
        bad(last_id + 1, f"entries {last_id + 1}..{seq[0]} at the end of the log were deleted")
    for anchor_id, anchor_hash in anchors:
        if hashes.get(anchor_id) != anchor_hash:
            bad(anchor_id, f"row {anchor_id} differs from the copy anchored in the central database")
    report = VerifyReport(not problems, n, first_bad, problems, last[0] if last else None, last[1] if last else None)
    if content:
        _check_records(store, report)
    return report


def _check_records(store: Store, report: VerifyReport) -> None:
    """What the chain vouches for: accounts, sessions with their raw samples, calibrations, labels, scores,
    and the schema (tables and the triggers that keep them append-only)."""
    from enose.security.accounts import user_fingerprint_problems
    from enose.security.integrity import content_problems, schema_problems

    found = content_problems(store.conn)
    extra = user_fingerprint_problems(store) + found.problems + schema_problems(store.conn)
    report.problems.extend(extra)
    report.records_covered, report.records_not_covered = found.covered, found.not_covered
    report.ok = report.ok and not extra


def entries(store: Store, user, limit: int | None = 100, object_type: str | None = None) -> list[dict]:
    """The newest audit entries (needs :attr:`Permission.READ_AUDIT`)."""
    require(user, Permission.READ_AUDIT)
    sql = "SELECT id, at, actor, action, object_type, object_id, detail, hash FROM audit_log"
    params: list[Any] = []
    if object_type:
        sql += " WHERE object_type = ?"
        params.append(object_type)
    sql += " ORDER BY id DESC" + (f" LIMIT {int(limit)}" if limit else "")
    return [{**row, "detail": json.loads(row["detail"])} for row in store.db.query(sql, params)]
