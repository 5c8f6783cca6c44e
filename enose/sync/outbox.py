"""The local outbox: what each central database still has to receive, and how it went.

One row per (central database, object): a session (key: its uuid), a label or a
score (key: local id), a QC result or feature row (key: ``session uuid/processing
version``). Rows are ``pending`` until the central database has them, then
``synced``; a refusal is ``failed`` with a reason the user can act on and is
retried next time. The outbox only ever grows or changes status: local data is
never touched by a sync.
"""

from __future__ import annotations

import uuid as uuid_module

from enose.storage.store import Store, utc_now
from enose.sync.payload import ROW_TABLES, read_rows, row_key, row_sha256

__all__ = ["OBJECT_TYPES", "site_uuid", "enqueue", "pending", "mark", "session_status", "counts"]

OBJECT_TYPES = ("session", "label", "calibration", "score", "qc", "features")


def site_uuid(store: Store) -> str:
    """This installation's identity in central databases (created on first use)."""
    with store.conn:
        store.conn.execute(
            "INSERT INTO site_identity (id, site_uuid, created_at) VALUES (1, ?, ?) ON CONFLICT(id) DO NOTHING",
            (str(uuid_module.uuid4()), utc_now()),
        )
    return store.conn.execute("SELECT site_uuid FROM site_identity WHERE id = 1").fetchone()[0]


def enqueue(store: Store, target: str) -> dict[str, int]:
    """Queue every finished session not yet queued for ``target``, and every new or changed row.

    Returns how many objects of each type were newly queued.
    """
    from enose.sync.payload import finished_session_ids

    now = utc_now()
    queued = {}
    finished_session_ids(store)  # marks dead 'running' sessions interrupted first
    conn = store.conn
    with conn:
        cursor = conn.execute(
            """INSERT INTO sync_outbox (target, object_type, object_key, status, queued_at, updated_at)
               SELECT ?, 'session', s.uuid, 'pending', ?, ? FROM sessions s
               WHERE s.status != 'running' AND NOT EXISTS (
                   SELECT 1 FROM sync_outbox o WHERE o.target = ? AND o.object_type = 'session' AND o.object_key = s.uuid)
               ORDER BY s.id""",
            (target, now, now, target),
        )
        queued["session"] = cursor.rowcount
    for object_type in ROW_TABLES:
        known = dict(
            conn.execute(
                "SELECT object_key, content_sha256 FROM sync_outbox WHERE target = ? AND object_type = ?",
                (target, object_type),
            ).fetchall()
        )
        fresh = []
        for row in read_rows(store, object_type):
            key, digest = row_key(object_type, row), row_sha256(row)
            if known.get(key) != digest:
                fresh.append((target, object_type, key, digest, now, now))
        with conn:
            conn.executemany(
                """INSERT INTO sync_outbox (target, object_type, object_key, content_sha256, status, queued_at,
                   updated_at) VALUES (?, ?, ?, ?, 'pending', ?, ?)
                   ON CONFLICT (target, object_type, object_key) DO UPDATE SET
                   content_sha256 = excluded.content_sha256, status = 'pending', reason = NULL,
                   updated_at = excluded.updated_at""",
                fresh,
            )
        queued[object_type] = len(fresh)
    return queued


def pending(store: Store, target: str, object_type: str) -> list[str]:
    """Keys still to send (pending, or failed last time), oldest first."""
    if object_type == "session":
        sql = """SELECT o.object_key FROM sync_outbox o JOIN sessions s ON s.uuid = o.object_key
                 WHERE o.target = ? AND o.object_type = 'session' AND o.status != 'synced' ORDER BY s.id"""
        return [r[0] for r in store.conn.execute(sql, (target,))]
    sql = """SELECT object_key FROM sync_outbox WHERE target = ? AND object_type = ? AND status != 'synced'
             ORDER BY queued_at, rowid"""
    return [r[0] for r in store.conn.execute(sql, (target, object_type))]


def mark(store: Store, target: str, object_type: str, key: str, status: str, *, content_sha256: str | None = None,
         reason: str | None = None) -> None:  # fmt: skip
    """Record the outcome of one attempt (one small transaction: a crash loses at most this mark)."""
    with store.conn:
        store.conn.execute(
            """UPDATE sync_outbox SET status = ?, reason = ?, attempts = attempts + 1, updated_at = ?,
               content_sha256 = coalesce(?, content_sha256)
               WHERE target = ? AND object_type = ? AND object_key = ?""",
            (status, reason, utc_now(), content_sha256, target, object_type, key),
        )


def session_status(store: Store, target: str | None = None) -> list[dict]:
    """Sync status of every finished session: ``pending``, ``synced`` or ``failed`` with its reason.

    A session never queued for a target (no sync attempted yet) shows as pending with target None.
    """
    sql = """SELECT s.id AS session_id, s.uuid, o.target, coalesce(o.status, 'pending') AS status, o.reason,
                    coalesce(o.attempts, 0) AS attempts, o.updated_at
             FROM sessions s LEFT JOIN sync_outbox o ON o.object_type = 'session' AND o.object_key = s.uuid
                  {target}
             WHERE s.status != 'running' ORDER BY s.id"""
    if target is None:
        return list(store.db.query(sql.format(target="")))
    return list(store.db.query(sql.format(target="AND o.target = ?"), [target]))


def counts(store: Store, target: str) -> dict[str, dict[str, int]]:
    """``{object_type: {status: n}}`` for ``target``."""
    out: dict[str, dict[str, int]] = {}
    for object_type, status, n in store.conn.execute(
        "SELECT object_type, status, count(*) FROM sync_outbox WHERE target = ? GROUP BY 1, 2", (target,)
    ):
        out.setdefault(object_type, {})[status] = n
    return out
