"""Fingerprints that tie stored records to the hash-chained audit trail, and the schema's own fingerprint.

The audit chain proves that its own rows were not edited; these fingerprints
extend that proof to what the rows describe. When a session is finished (or
interrupted, or completed from an emergency file), and when a calibration,
label or score is stored, its audit entry carries ``fingerprint``: a SHA-256 of
the record's content (for a session also of every stored sample block, in
order, and its phases). :func:`content_problems` recomputes them: a record
edited in the file, a sample block swapped with another session's, a record
deleted, or one inserted outside the software (no audit entry at all) is
reported. Records written before fingerprints existed (an audit entry without
one) are counted as not covered rather than reported.

:func:`schema_problems` compares the database's tables, views, indexes and
triggers with those the migrations create on an empty database, so a
protective trigger replaced by a same-name no-op shows.
"""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass, field

from enose.storage.fingerprints import COVERED, fingerprint

__all__ = ["COVERED", "fingerprint", "content_problems", "schema_problems", "ContentReport"]


@dataclass
class ContentReport:
    """What :func:`content_problems` found: problems, and how many records are covered and not."""

    problems: list[str] = field(default_factory=list)
    covered: int = 0
    not_covered: int = 0


def _audited(conn: sqlite3.Connection, object_type: str) -> dict[str, tuple[int, str | None]]:
    """object_id -> (id of its first audit entry, newest fingerprint or None)."""
    seen: dict[str, tuple[int, str | None]] = {}
    for entry_id, object_id, detail in conn.execute(
        "SELECT id, object_id, detail FROM audit_log WHERE object_type = ? ORDER BY id", (object_type,)
    ):
        try:
            value = json.loads(detail).get("fingerprint")
        except (TypeError, ValueError, AttributeError):
            value = None
        first, previous = seen.get(object_id, (entry_id, None))
        seen[object_id] = (first, value or previous)
    return seen


def _fingerprints_since(conn: sqlite3.Connection) -> int | None:
    """Id of the first audit entry that carries a fingerprint: records first audited after it must have one."""
    row = conn.execute(
        "SELECT MIN(id) FROM audit_log WHERE object_type IN ('session', 'calibration', 'label', 'score', 'user')"
        " AND json_extract(detail, '$.fingerprint') IS NOT NULL"
    ).fetchone()
    return row[0] if row else None


def content_problems(conn: sqlite3.Connection) -> ContentReport:
    """Compare every covered record with the newest fingerprint the audit trail holds for it."""
    report = ContentReport()
    since = _fingerprints_since(conn)
    for object_type, (table, _) in COVERED.items():
        audited = _audited(conn, object_type)
        present = {str(r[0]): r[1] for r in conn.execute(
            f"SELECT id, {'status' if table == 'sessions' else 'NULL'} FROM {table}")}  # noqa: S608  # fmt: skip
        for object_id, status in present.items():
            if object_id not in audited:
                report.problems.append(f"{object_type} {object_id} is not in the audit trail: it was inserted "
                                       "outside the software")  # fmt: skip
                continue
            first_entry, expected = audited[object_id]
            if expected is None:
                if status == "running":
                    continue
                if since is not None and first_entry > since:
                    report.problems.append(f"{object_type} {object_id} has lost the audit entry that sealed its "
                                           "content (entries at the end of the trail were deleted?)")  # fmt: skip
                else:
                    report.not_covered += 1  # recorded by a release before fingerprints
                continue
            report.covered += 1
            if fingerprint(conn, object_type, int(object_id)) != expected:
                what = "its row or its raw samples" if object_type == "session" else "its row"
                report.problems.append(f"{object_type} {object_id} was changed after it was recorded ({what} no "
                                       "longer match the audit trail)")  # fmt: skip
        for object_id, (_, expected) in audited.items():
            if object_id not in present and expected is not None:
                report.problems.append(f"{object_type} {object_id} recorded in the audit trail has been deleted")
    return report


def _normalised(sql: str | None) -> str:
    return re.sub(r"\s+", " ", sql or "").strip()


def _objects(conn: sqlite3.Connection) -> dict[tuple[str, str], str]:
    return {
        (kind, name): _normalised(sql)
        for kind, name, sql in conn.execute("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")
    }


def schema_problems(conn: sqlite3.Connection) -> list[str]:
    """Tables, views, indexes and triggers that differ from what this software's migrations create."""
    from enose.storage.migrations import apply_migrations

    reference = sqlite3.connect(":memory:")
    try:
        apply_migrations(reference)
        expected = _objects(reference)
    finally:
        reference.close()
    actual = _objects(conn)
    problems = []
    for key, sql in sorted(expected.items()):
        if key not in actual:
            problems.append(f"{key[0]} {key[1]} is missing from the database schema")
        elif actual[key] != sql:
            problems.append(f"{key[0]} {key[1]} differs from this software's definition (it was replaced)")
    for key in sorted(set(actual) - set(expected)):
        problems.append(f"{key[0]} {key[1]} is not part of this software's schema (added outside it)")
    return problems
