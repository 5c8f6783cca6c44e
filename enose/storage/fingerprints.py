"""Content fingerprints of stored records, written into the audit trail when a record is sealed.

A session's fingerprint covers its row (less a running writer's heartbeat), every
stored sample block in order, and its phases; a calibration's, label's and
score's cover their row. :mod:`enose.security.integrity` recomputes them to show
an edit, a swap of raw samples, a deletion or an insertion made in the file.

A column added to a covered table after records were sealed is hashed only when it
differs from its default (:data:`ADDED_LATER`): a record sealed before the column
existed hashes as it did then, and setting the column, or clearing it back to the
default on a record that had it, still changes the fingerprint.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3

__all__ = ["ADDED_LATER", "COVERED", "fingerprint"]

#: object_type in the audit trail -> (table, columns left out of the fingerprint: a running writer's heartbeat)
COVERED: dict[str, tuple[str, tuple[str, ...]]] = {
    "session": ("sessions", ("heartbeat_at", "writer_host", "writer_pid")),
    "calibration": ("calibrations", ()),
    "label": ("labels", ()),
    "score": ("scores", ()),
}
#: table -> {column added by a later migration: its default}; the column is in the fingerprint only when it differs
#: (scores.no_zone: schema 007).
ADDED_LATER: dict[str, dict[str, object]] = {
    "scores": {"no_zone": "[]"},
}
_BLOCK_COLUMNS = ("chunk_index", "first_sample", "n_samples", "n_channels", "codec", "t_s", "device_seq",
                  "device_t_ms", "flags", '"values"')  # fmt: skip


def _row_digest(conn: sqlite3.Connection, table: str, row_id: int, leave_out: tuple[str, ...]) -> hashlib._Hash | None:
    cursor = conn.execute(f"SELECT * FROM {table} WHERE id = ?", (row_id,))  # noqa: S608 - table from COVERED
    row = cursor.fetchone()
    if row is None:
        return None
    names = [d[0] for d in cursor.description]
    defaults = ADDED_LATER.get(table, {})
    body = {}
    for name, value in zip(names, row, strict=True):
        if name not in leave_out and not (name in defaults and value == defaults[name]):
            body[name] = value
    return hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":"), default=str).encode())


def fingerprint(conn: sqlite3.Connection, object_type: str, object_id: int) -> str | None:
    """SHA-256 of a covered record as stored now (None if it does not exist)."""
    table, leave_out = COVERED[object_type]
    digest = _row_digest(conn, table, int(object_id), leave_out)
    if digest is None:
        return None
    if object_type == "session":
        blocks = conn.execute(
            f"SELECT {', '.join(_BLOCK_COLUMNS)} FROM sample_chunks WHERE session_id = ? ORDER BY chunk_index",
            (int(object_id),),
        )
        for block in blocks:
            for value in block:
                data = value if isinstance(value, bytes) else str(value).encode()
                digest.update(len(data).to_bytes(8, "big"))
                digest.update(data)
        for phase in conn.execute(
            "SELECT name, inlet, start_s, end_s FROM phases WHERE session_id = ? ORDER BY name", (int(object_id),)
        ):
            digest.update(json.dumps(phase).encode())
    return digest.hexdigest()
