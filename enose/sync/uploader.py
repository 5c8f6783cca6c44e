"""Upload to the central database: idempotent, resumable, one session per transaction.

Each session goes in its own PostgreSQL transaction, keyed by its UUID, with
its content hash. If the central database already has that UUID with the same
hash it is *skipped*; with a different hash it is *failed* (a conflict to look
at; nothing is overwritten, centrally or locally). A sync killed at any moment
therefore resumes cleanly: the session in flight was rolled back by the server
and is still pending locally, and a session committed centrally but not yet
marked locally is found there and counted as skipped.

:class:`CentralWriter` is shared with bundle import (:mod:`enose.sync.bundle`).
"""

from __future__ import annotations

import json
import logging
import sys
import time
from dataclasses import dataclass, field

import psycopg

from enose.security import audit
from enose.security.permissions import Permission, require
from enose.storage.store import Store
from enose.sync import central, outbox
from enose.sync.payload import BLOB_FIELDS, CHUNK_FIELDS, ROW_TABLES, SessionPayload, read_rows, read_session, row_key

__all__ = ["SyncConflict", "SyncError", "SyncReport", "CentralWriter", "sync_to_central", "redact_dsn"]

log = logging.getLogger(__name__)


class SyncError(RuntimeError):
    """The central database cannot be reached or used; nothing local was changed."""


class SyncConflict(RuntimeError):
    """The central database holds a different version of this object."""


def redact_dsn(dsn: str) -> str:
    """The DSN without its password, for messages and the audit trail."""
    try:
        info = psycopg.conninfo.conninfo_to_dict(dsn)
    except psycopg.ProgrammingError:
        return "<unparsable DSN>"
    info.pop("password", None)
    return " ".join(f"{k}={v}" for k, v in sorted(info.items()))


@dataclass
class SyncReport:
    """Counts of one sync; ``uploaded + skipped + failed`` is every finished local session."""

    uploaded: int = 0
    skipped: int = 0
    failed: int = 0
    failures: list[dict] = field(default_factory=list)
    rows: dict[str, dict[str, int]] = field(default_factory=dict)
    bytes_uploaded: int = 0
    seconds: float = 0.0
    target: str | None = None

    def to_json(self) -> dict:
        return {
            "uploaded": self.uploaded,
            "skipped": self.skipped,
            "failed": self.failed,
            "failures": self.failures,
            "rows": self.rows,
            "bytes_uploaded": self.bytes_uploaded,
            "seconds": round(self.seconds, 3),
            "target": self.target,
        }


class CentralWriter:
    """Writes sessions and rows of one site into an open central database connection."""

    def __init__(self, conn: psycopg.Connection, site_uuid: str) -> None:
        self.conn = conn
        self.site_uuid = site_uuid
        with conn.transaction():
            conn.execute(
                "INSERT INTO enose.sites (site_uuid, last_sync) VALUES (%s, now())"
                " ON CONFLICT (site_uuid) DO UPDATE SET last_sync = now()",
                (site_uuid,),
            )

    def _subject(self, cur: psycopg.Cursor, subject: dict) -> None:
        cur.execute(
            """INSERT INTO enose.subjects (site_uuid, code, created_at, site, age_years, sex, smoking, pack_years,
               copd, previous_cancer) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
               ON CONFLICT (site_uuid, code) DO UPDATE SET site = excluded.site, age_years = excluded.age_years,
               sex = excluded.sex, smoking = excluded.smoking, pack_years = excluded.pack_years,
               copd = excluded.copd, previous_cancer = excluded.previous_cancer""",
            (self.site_uuid, subject["code"], subject["created_at"], subject["site"], subject["age_years"],
             subject["sex"], subject["smoking"], subject["pack_years"], subject["copd"], subject["previous_cancer"]),
        )  # fmt: skip

    def put_subjects(self, subjects: list[dict]) -> None:
        with self.conn.transaction(), self.conn.cursor() as cur:
            for subject in subjects:
                self._subject(cur, subject)

    def put_session(self, payload: SessionPayload, content_sha256: str | None = None) -> str:
        """Store one session in one transaction; return ``uploaded`` or ``skipped``.

        Raises:
            SyncConflict: the central copy of this UUID has different content.
        """
        digest = content_sha256 or payload.content_sha256()
        s = payload.session
        with self.conn.transaction(), self.conn.cursor() as cur:
            if payload.device:
                d = payload.device
                cur.execute(
                    """INSERT INTO enose.devices (serial, model, firmware, min_period_ms, channels, first_seen,
                       last_seen) VALUES (%s, %s, %s, %s, %s::jsonb, %s, %s)
                       ON CONFLICT (serial) DO UPDATE SET
                       model = CASE WHEN excluded.last_seen > devices.last_seen THEN excluded.model ELSE devices.model END,
                       firmware = CASE WHEN excluded.last_seen > devices.last_seen THEN excluded.firmware
                                  ELSE devices.firmware END,
                       first_seen = least(devices.first_seen, excluded.first_seen),
                       last_seen = greatest(devices.last_seen, excluded.last_seen)""",
                    (d["serial"], d["model"], d["firmware"], d["min_period_ms"], d["channels"], d["first_seen"],
                     d["last_seen"]),
                )  # fmt: skip
            if payload.subject:
                self._subject(cur, payload.subject)
            cur.execute(
                """INSERT INTO enose.sessions (uuid, site_uuid, local_id, content_sha256, kind, subject_code,
                   device_serial, firmware, operator, site, started_at, ended_at, status, software_version, protocol,
                   channels, period_ms, n_samples, lost_samples, interruptions)
                   VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s::jsonb, %s::jsonb, %s, %s, %s, %s)
                   ON CONFLICT (uuid) DO NOTHING RETURNING uuid""",
                (s["uuid"], self.site_uuid, payload.local_id or 0, digest, s["kind"], s["subject_code"],
                 s["device_serial"], s["firmware"], s["operator"], s["site"], s["started_at"], s["ended_at"],
                 s["status"], s["software_version"], s["protocol"], s["channels"], s["period_ms"], s["n_samples"],
                 s["lost_samples"], s["interruptions"]),
            )  # fmt: skip
            if cur.fetchone() is None:
                cur.execute("SELECT content_sha256 FROM enose.sessions WHERE uuid = %s", (s["uuid"],))
                there = cur.fetchone()[0]
                if there != digest:
                    raise SyncConflict(
                        f"the central database holds a different version of session {s['uuid']} "
                        f"(content {there[:12]}..., here {digest[:12]}...); nothing was overwritten"
                    )
                return "skipped"
            columns = ", ".join(f'"{c}"' for c in (*CHUNK_FIELDS, *BLOB_FIELDS))
            with cur.copy(f"COPY enose.sample_chunks (session_uuid, {columns}) FROM STDIN") as copy:
                for chunk in payload.chunks:
                    copy.write_row((s["uuid"], *(chunk[c] for c in CHUNK_FIELDS), *(chunk[c] for c in BLOB_FIELDS)))
            if payload.events:
                cur.executemany(
                    "INSERT INTO enose.events (session_uuid, seq, t_s, kind, detail, created_at)"
                    " VALUES (%s, %s, %s, %s, %s::jsonb, %s)",
                    [(s["uuid"], i, e["t_s"], e["kind"], e["detail"], e["created_at"])
                     for i, e in enumerate(payload.events)],
                )  # fmt: skip
            if payload.phases:
                cur.executemany(
                    "INSERT INTO enose.phases (session_uuid, name, inlet, start_s, end_s) VALUES (%s, %s, %s, %s, %s)",
                    [(s["uuid"], p["name"], p["inlet"], p["start_s"], p["end_s"]) for p in payload.phases],
                )
        return "uploaded"

    def put_row(self, object_type: str, row: dict, content_sha256: str) -> str:
        """Store one label, calibration, score, QC or feature row; return ``uploaded`` or ``skipped``.

        Labels, calibrations and scores are append-only: a different central copy is a :class:`SyncConflict`.
        QC and feature rows are derived data and are replaced by a newer computation.
        """
        with self.conn.transaction(), self.conn.cursor() as cur:
            if object_type in ("score", "qc", "features") or row.get("session_uuid"):
                cur.execute("SELECT 1 FROM enose.sessions WHERE uuid = %s", (row["session_uuid"],))
                if cur.fetchone() is None:
                    raise SyncConflict(f"its session {row['session_uuid']} is not in the central database yet")
            if object_type == "calibration":
                cur.execute(
                    """INSERT INTO enose.calibrations (site_uuid, local_id, content_sha256, device_serial, kind,
                       session_uuid, operator, created_at, passed, channels, "values", detail)
                       VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s::jsonb, %s::jsonb, %s::jsonb)
                       ON CONFLICT DO NOTHING RETURNING 1""",
                    (self.site_uuid, row["id"], content_sha256, row["device_serial"], row["kind"],
                     row["session_uuid"], row["operator"], row["created_at"], row["passed"], row["channels"],
                     row["values"], row["detail"]),
                )  # fmt: skip
                table, where = "calibrations", ("site_uuid = %s AND local_id = %s", (self.site_uuid, row["id"]))
            elif object_type == "label":
                cur.execute(
                    """INSERT INTO enose.labels (site_uuid, local_id, content_sha256, subject_code, cancer, histology,
                       stage, diagnosis_date, source, entered_by, entered_at, supersedes_local_id)
                       VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING RETURNING 1""",
                    (self.site_uuid, row["id"], content_sha256, row["subject_code"], row["cancer"], row["histology"],
                     row["stage"], row["diagnosis_date"], row["source"], row["entered_by"], row["entered_at"],
                     row["supersedes"]),
                )  # fmt: skip
                table, where = "labels", ("site_uuid = %s AND local_id = %s", (self.site_uuid, row["id"]))
            elif object_type == "score":
                cur.execute(
                    """INSERT INTO enose.scores (site_uuid, local_id, content_sha256, session_uuid, created_at,
                       operator, model_id, model_sha256, software_version, processing_version, calibration_local_id,
                       probability, interval_low, interval_high, zone, ood, explanation, qc_reasons)
                       VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s::jsonb, %s::jsonb)
                       ON CONFLICT DO NOTHING RETURNING 1""",
                    (self.site_uuid, row["id"], content_sha256, row["session_uuid"], row["created_at"],
                     row["operator"], row["model_id"], row["model_sha256"], row["software_version"],
                     row["processing_version"], row["calibration_id"], row["probability"], row["interval_low"],
                     row["interval_high"], row["zone"], row["ood"], row["explanation"], row["qc_reasons"]),
                )  # fmt: skip
                table, where = "scores", ("site_uuid = %s AND local_id = %s", (self.site_uuid, row["id"]))
            else:
                table = "qc_results" if object_type == "qc" else "features"
                if object_type == "qc":
                    values = (row["session_uuid"], row["processing_version"], content_sha256, row["passed"],
                              row["reasons"], row["computed_at"])  # fmt: skip
                    sql = """INSERT INTO enose.qc_results (session_uuid, processing_version, content_sha256, passed,
                             reasons, computed_at) VALUES (%s, %s, %s, %s, %s::jsonb, %s)"""
                    update = "passed = excluded.passed, reasons = excluded.reasons"
                else:
                    values = (row["session_uuid"], row["processing_version"], content_sha256, row["names"],
                              row["values"], row["computed_at"])  # fmt: skip
                    sql = """INSERT INTO enose.features (session_uuid, processing_version, content_sha256, names,
                             "values", computed_at) VALUES (%s, %s, %s, %s::jsonb, %s, %s)"""
                    update = 'names = excluded.names, "values" = excluded."values"'
                cur.execute(
                    sql
                    + f""" ON CONFLICT (session_uuid, processing_version) DO UPDATE SET {update},
                    content_sha256 = excluded.content_sha256, computed_at = excluded.computed_at
                    WHERE {table}.content_sha256 != excluded.content_sha256 RETURNING 1""",
                    values,
                )
                return "uploaded" if cur.fetchone() else "skipped"
            if cur.fetchone() is not None:
                return "uploaded"
            cur.execute(f"SELECT content_sha256 FROM enose.{table} WHERE {where[0]}", where[1])
            there = cur.fetchone()[0]
            if there != content_sha256:
                raise SyncConflict(f"the central database holds a different {object_type} {row['id']}")
            return "skipped"

    def anchor_audit(self, head: tuple[int, str] | None) -> None:
        if head is None:
            return
        with self.conn.transaction():
            self.conn.execute(
                "INSERT INTO enose.audit_anchors (site_uuid, audit_id, hash) VALUES (%s, %s, %s) ON CONFLICT DO NOTHING",
                (self.site_uuid, head[0], head[1]),
            )


def connect(dsn: str) -> psycopg.Connection:
    """Open the central database (not in autocommit; every write is an explicit transaction)."""
    try:
        return psycopg.connect(dsn, connect_timeout=15, application_name="enose-sync")
    except psycopg.Error as error:
        raise SyncError(f"cannot connect to the central database ({redact_dsn(dsn)}): {error}".strip()) from error


def central_anchors(dsn: str, site: str) -> list[tuple[int, str]]:
    """The audit-log anchors the central database holds for ``site`` (for :func:`audit.verify`)."""
    with connect(dsn) as conn:
        central.migrate(conn)
        rows = conn.execute("SELECT audit_id, hash FROM enose.audit_anchors WHERE site_uuid = %s", (site,))
        return [(int(a), str(h)) for a, h in rows]


def sync_to_central(store: Store, dsn: str, user, *, progress: bool = False) -> SyncReport:
    """Send every finished session (then labels, scores, QC and features) to the central database.

    Needs :attr:`Permission.SYNC`. Returns the counts; raises :class:`SyncError` if the
    central database cannot be reached or its connection drops (what was sent stays sent).
    """
    from tqdm import tqdm

    require(user, Permission.SYNC)
    started = time.perf_counter()
    report = SyncReport()
    conn = connect(dsn)
    try:
        try:
            target = central.migrate(conn)
        except central.CentralSchemaTooNew as error:
            raise SyncError(str(error)) from error
        report.target = target
        site = outbox.site_uuid(store)
        writer = CentralWriter(conn, site)
        outbox.enqueue(store, target)
        todo = outbox.pending(store, target, "session")
        synced_before = sum(1 for r in outbox.session_status(store, target) if r["status"] == "synced")
        report.skipped = synced_before
        ids = dict(store.conn.execute("SELECT uuid, id FROM sessions"))
        bar = tqdm(total=len(todo), unit="session", desc="sync", file=sys.stderr, disable=not progress, leave=False)
        with bar:
            for key in todo:
                payload = read_session(store, ids[key])
                digest = payload.content_sha256()
                try:
                    outcome = writer.put_session(payload, digest)
                except SyncConflict as error:
                    outbox.mark(store, target, "session", key, "failed", content_sha256=digest, reason=str(error))
                    report.failed += 1
                    report.failures.append({"session": key, "reason": str(error)})
                except (psycopg.DataError, psycopg.IntegrityError, psycopg.ProgrammingError) as error:
                    reason = f"refused by the central database: {error}".strip()
                    outbox.mark(store, target, "session", key, "failed", content_sha256=digest, reason=reason)
                    report.failed += 1
                    report.failures.append({"session": key, "reason": reason})
                else:
                    outbox.mark(store, target, "session", key, "synced", content_sha256=digest)
                    if outcome == "uploaded":
                        report.uploaded += 1
                        report.bytes_uploaded += payload.n_bytes()
                    else:
                        report.skipped += 1
                bar.update(1)
        subjects = [dict(r) for r in store.db.query("SELECT code, created_at, site, age_years, sex, smoking, "
                                                    "pack_years, copd, previous_cancer FROM subjects")]  # fmt: skip
        writer.put_subjects(subjects)
        for object_type in ROW_TABLES:
            report.rows[object_type] = _sync_rows(store, writer, target, object_type)
        writer.anchor_audit(audit.head(store))
    except psycopg.OperationalError as error:
        raise SyncError(
            f"lost the central database ({redact_dsn(dsn)}): {error}; run the sync again to resume".strip()
        ) from error
    finally:
        conn.close()
    report.seconds = time.perf_counter() - started
    audit.record(store, user.username, "sync", "central", target, uploaded=report.uploaded, skipped=report.skipped,
                 failed=report.failed, rows=report.rows)  # fmt: skip
    return report


def _sync_rows(store: Store, writer: CentralWriter, target: str, object_type: str) -> dict[str, int]:
    counts = {"uploaded": 0, "skipped": 0, "failed": 0}
    todo = set(outbox.pending(store, target, object_type))
    if not todo:
        return counts
    hashes = dict(
        store.conn.execute(
            "SELECT object_key, content_sha256 FROM sync_outbox WHERE target = ? AND object_type = ?",
            (target, object_type),
        ).fetchall()
    )
    for row in read_rows(store, object_type):
        key = row_key(object_type, row)
        if key not in todo:
            continue
        try:
            outcome = writer.put_row(object_type, _as_sent(row), hashes[key])
        except (SyncConflict, psycopg.DataError, psycopg.IntegrityError) as error:
            outbox.mark(store, target, object_type, key, "failed", reason=str(error).strip())
            counts["failed"] += 1
        else:
            outbox.mark(store, target, object_type, key, "synced")
            counts[outcome] += 1
    return counts


def _as_sent(row: dict) -> dict:
    return {k: (json.dumps(v) if isinstance(v, list | dict) else v) for k, v in row.items()}
