"""Appending to the hash-chained audit trail (the table ``audit_log``): the storage layer's half of it.

Every row carries ``hash = SHA-256(prev_hash + canonical JSON of the row)``, where
the row is ``{id, at, actor, action, object_type, object_id, detail}`` and
``prev_hash`` is the hash of the row before it (64 zeros for the first). Writing
lives here, beside the tables whose changes it records, so the store never
imports the security layer; checking the chain, and what it vouches for, is
:mod:`enose.security.audit`.

``detail`` must never hold a patient identifier (hospital number, name):
keys that look like one are refused.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from typing import Any, Protocol

from enose.storage.clock import utc_now


class Store(Protocol):
    """Anything holding the database connection (an :class:`enose.storage.Store`); a protocol, so this
    module needs nothing from the store module that calls it."""

    @property
    def conn(self) -> sqlite3.Connection: ...

__all__ = ["GENESIS_HASH", "AuditError", "record", "head", "row_hash"]

GENESIS_HASH = "0" * 64
_FORBIDDEN_DETAIL_KEYS = {"hospital_number", "patient_number", "password", "name", "patient_name", "birth_date"}


class AuditError(ValueError):
    """An audit entry was refused (e.g. its detail looks like it holds an identifier)."""


def _canonical(payload: dict) -> str:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def row_hash(prev_hash: str, row: dict) -> str:
    """The chained hash of ``row`` (keys id, at, actor, action, object_type, object_id, detail as a dict)."""
    body = {k: row[k] for k in ("id", "at", "actor", "action", "object_type", "object_id", "detail")}
    return hashlib.sha256((prev_hash + _canonical(body)).encode("utf-8")).hexdigest()


def record(store: Store, actor: str, action: str, object_type: str, object_id: Any = None, **detail: Any) -> int:
    """Append one entry and return its id.

    Runs in the caller's transaction when one is open (so the entry commits or rolls back
    with the change it describes), else in its own ``BEGIN IMMEDIATE`` transaction so that
    two processes never chain onto the same previous row.

    Example: ``record(store, "tech1", "create", "session", session_uuid, kind="screening")``
    """
    bad = _FORBIDDEN_DETAIL_KEYS & set(detail)
    if bad:
        raise AuditError(f"audit detail may not hold identifiers or secrets ({', '.join(sorted(bad))})")
    conn = store.conn
    own = not conn.in_transaction
    if own:
        conn.execute("BEGIN IMMEDIATE")
    try:
        seq = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'audit_log'").fetchone()
        last = conn.execute("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
        next_id = max(seq[0] if seq else 0, last[0] if last else 0) + 1
        prev_hash = last[1] if last else GENESIS_HASH
        detail_obj = json.loads(_canonical(detail))
        row = {
            "id": next_id,
            "at": utc_now(),
            "actor": str(actor),
            "action": str(action),
            "object_type": str(object_type),
            "object_id": None if object_id is None else str(object_id),
            "detail": detail_obj,
        }
        conn.execute(
            "INSERT INTO audit_log (id, at, actor, action, object_type, object_id, detail, prev_hash, hash)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (next_id, row["at"], row["actor"], row["action"], row["object_type"], row["object_id"],
             _canonical(detail_obj), prev_hash, row_hash(prev_hash, row)),
        )  # fmt: skip
        if own:
            conn.execute("COMMIT")
    except BaseException:
        if own and conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return next_id


def head(store: Store) -> tuple[int, str] | None:
    """The newest ``(id, hash)``, to anchor the chain elsewhere (the central database)."""
    row = store.conn.execute("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    return (int(row[0]), str(row[1])) if row else None


