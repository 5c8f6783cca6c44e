"""Upload to the central database: idempotent, resumable, one session per transaction, as the site's own role.

Each session goes in its own PostgreSQL transaction, keyed by its UUID, with
its content hash. If the central database already has that UUID with the same
hash it is *skipped*; with a different hash it is *failed* (a conflict to look
at; nothing is overwritten, centrally or locally). A sync killed at any moment
therefore resumes cleanly: the session in flight was rolled back by the server
and is still pending locally, and a session committed centrally but not yet
marked locally is found there and counted as skipped.

The writer needs INSERT and SELECT only (see :mod:`enose.sync.central`): subjects
and devices travel as append-only updates that the owner's triggers apply, QC and
features as new versions. The site is the one enrolled for the connected role
(:mod:`enose.sync.registry`), never simply the UUID this client claims: a local
store with another UUID is refused before anything is sent. Each sync ends by
anchoring the local audit chain's head, signed with the site key when there is one.

:class:`CentralWriter` is shared with bundle import (:mod:`enose.sync.bundle`).
"""

from __future__ import annotations

import json
import logging
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime

import psycopg

from enose.security import audit
from enose.security.permissions import Permission, require
from enose.security.pseudonyms import SecretKeyError
from enose.storage.store import Store
from enose.sync import central, outbox, registry
from enose.sync.connection import SyncError, central_dsn, open_central, redact_dsn
from enose.sync.payload import (
    BLOB_FIELDS,
    CHUNK_FIELDS,
    ROW_TABLES,
    SessionPayload,
    read_rows,
    read_session,
    row_key,
    staff_pseudonyms,
)

__all__ = [
    "SyncConflict",
    "SyncError",
    "SyncReport",
    "AnchorCheck",
    "CentralWriter",
    "anchor_message",
    "central_anchors",
    "check_central_anchors",
    "connect",
    "sync_to_central",
    "redact_dsn",
]

log = logging.getLogger(__name__)

_SUBJECT_FACTORS = ("site", "age_years", "sex", "smoking", "pack_years", "copd", "previous_cancer")


class SyncConflict(RuntimeError):
    """The central database holds a different version of this object."""


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
    site_uuid: str | None = None
    anchor_signed: bool | None = None
    warnings: list[str] = field(default_factory=list)

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
            "site_uuid": self.site_uuid,
            "anchor_signed": self.anchor_signed,
            "warnings": self.warnings,
        }


class CentralWriter:
    """Writes sessions and rows of one site into an open central database connection (INSERT and SELECT only)."""

    def __init__(self, conn: psycopg.Connection, site_uuid: str) -> None:
        self.conn = conn
        self.site_uuid = site_uuid
        with conn.transaction():
            conn.execute("INSERT INTO enose.sites (site_uuid) VALUES (%s) ON CONFLICT DO NOTHING", (site_uuid,))

    def _central_subjects(self, cur: psycopg.Cursor, codes: list[str]) -> dict[str, tuple]:
        cur.execute(
            f"SELECT code, {', '.join(_SUBJECT_FACTORS)} FROM enose.subjects WHERE site_uuid = %s AND code = ANY(%s)",
            (self.site_uuid, codes),
        )
        return {r[0]: tuple(r[1:]) for r in cur.fetchall()}

    def _send_subjects(self, cur: psycopg.Cursor, subjects: list[dict]) -> None:
        """Send the subjects that are new or changed, as rows of ``enose.subject_updates`` (applied by trigger)."""
        if not subjects:
            return
        there = self._central_subjects(cur, [s["code"] for s in subjects])
        changed = [s for s in subjects if there.get(s["code"]) != tuple(s[k] for k in _SUBJECT_FACTORS)]
        if changed:
            cur.executemany(
                """INSERT INTO enose.subject_updates (site_uuid, code, created_at, site, age_years, sex, smoking,
                   pack_years, copd, previous_cancer) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)""",
                [(self.site_uuid, s["code"], s["created_at"], *(s[k] for k in _SUBJECT_FACTORS)) for s in changed],
            )

    def put_subjects(self, subjects: list[dict]) -> None:
        with self.conn.transaction(), self.conn.cursor() as cur:
            self._send_subjects(cur, subjects)

    def _existing_session(self, cur: psycopg.Cursor, session_uuid: str, digest: str) -> str | None:
        """``skipped`` if the central copy is this one, None if there is none this role can see; else conflict."""
        cur.execute("SELECT content_sha256 FROM enose.sessions WHERE uuid = %s", (session_uuid,))
        row = cur.fetchone()
        if row is None:
            return None
        if row[0] != digest:
            raise SyncConflict(
                f"the central database holds a different version of session {session_uuid} "
                f"(content {row[0][:12]}..., here {digest[:12]}...); nothing was overwritten"
            )
        return "skipped"

    def put_session(self, payload: SessionPayload, content_sha256: str | None = None) -> str:
        """Store one session in one transaction; return ``uploaded`` or ``skipped``.

        Raises:
            SyncConflict: the central copy of this UUID has different content, or belongs to another site.
        """
        digest = content_sha256 or payload.content_sha256()
        s = payload.session
        with self.conn.transaction(), self.conn.cursor() as cur:
            seen = self._existing_session(cur, s["uuid"], digest)
            if seen is not None:
                return seen
            if payload.device:
                d = payload.device
                cur.execute(
                    """INSERT INTO enose.device_reports (site_uuid, serial, model, firmware, min_period_ms, channels,
                       first_seen, last_seen) VALUES (%s, %s, %s, %s, %s, %s::jsonb, %s, %s) ON CONFLICT DO NOTHING""",
                    (self.site_uuid, d["serial"], d["model"], d["firmware"], d["min_period_ms"], d["channels"],
                     d["first_seen"], d["last_seen"]),
                )  # fmt: skip
            if payload.subject:
                self._send_subjects(cur, [payload.subject])
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
            if cur.fetchone() is None:  # another transaction committed it meanwhile, or another site holds the UUID
                seen = self._existing_session(cur, s["uuid"], digest)
                if seen is None:
                    raise SyncConflict(
                        f"session {s['uuid']} is already in the central database under another site; nothing was "
                        "overwritten"
                    )
                return seen
            columns = ", ".join(f'"{c}"' for c in (*CHUNK_FIELDS, *BLOB_FIELDS))
            marks = ", ".join(["%s"] * (1 + len(CHUNK_FIELDS) + len(BLOB_FIELDS)))
            # INSERT, not COPY: PostgreSQL refuses COPY FROM into a table with row-level security
            cur.executemany(
                f"INSERT INTO enose.sample_chunks (session_uuid, {columns}) VALUES ({marks})",
                [(s["uuid"], *(chunk[c] for c in CHUNK_FIELDS), *(chunk[c] for c in BLOB_FIELDS))
                 for chunk in payload.chunks],
            )  # fmt: skip
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
        QC and feature rows are derived data: a recomputation is stored as a new version beside the old one
        (``enose.current_qc_results`` / ``current_features`` show the newest), since a site may not UPDATE.
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
                       probability, interval_low, interval_high, zone, ood, explanation, qc_reasons, no_zone)
                       VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s::jsonb, %s::jsonb,
                               %s::jsonb)
                       ON CONFLICT DO NOTHING RETURNING 1""",
                    (self.site_uuid, row["id"], content_sha256, row["session_uuid"], row["created_at"],
                     row["operator"], row["model_id"], row["model_sha256"], row["software_version"],
                     row["processing_version"], row["calibration_id"], row["probability"], row["interval_low"],
                     row["interval_high"], row["zone"], row["ood"], row["explanation"], row["qc_reasons"],
                     row.get("no_zone", "[]")),  # left out of the row while '[]' (payload.read_rows)
                )  # fmt: skip
                table, where = "scores", ("site_uuid = %s AND local_id = %s", (self.site_uuid, row["id"]))
            else:
                if object_type == "qc":
                    cur.execute(
                        """INSERT INTO enose.qc_results (session_uuid, processing_version, content_sha256, passed,
                           reasons, computed_at) VALUES (%s, %s, %s, %s, %s::jsonb, %s)
                           ON CONFLICT DO NOTHING RETURNING 1""",
                        (row["session_uuid"], row["processing_version"], content_sha256, row["passed"],
                         row["reasons"], row["computed_at"]),
                    )  # fmt: skip
                else:
                    cur.execute(
                        """INSERT INTO enose.features (session_uuid, processing_version, content_sha256, names,
                           "values", computed_at) VALUES (%s, %s, %s, %s::jsonb, %s, %s)
                           ON CONFLICT DO NOTHING RETURNING 1""",
                        (row["session_uuid"], row["processing_version"], content_sha256, row["names"], row["values"],
                         row["computed_at"]),
                    )  # fmt: skip
                return "uploaded" if cur.fetchone() else "skipped"
            if cur.fetchone() is not None:
                return "uploaded"
            cur.execute(f"SELECT content_sha256 FROM enose.{table} WHERE {where[0]}", where[1])
            there = cur.fetchone()[0]
            if there != content_sha256:
                raise SyncConflict(f"the central database holds a different {object_type} {row['id']}")
            return "skipped"

    def anchor_audit(self, head: tuple[int, str] | None, *, entry_at: str | None = None,
                     signature: bytes | None = None) -> bool:  # fmt: skip
        """Record the local audit chain's head centrally; True if this anchor is new."""
        if head is None:
            return False
        with self.conn.transaction():
            cursor = self.conn.execute(
                "INSERT INTO enose.audit_anchors (site_uuid, audit_id, hash, entry_at, signature)"
                " VALUES (%s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
                (self.site_uuid, head[0], head[1], entry_at, signature),
            )
            return cursor.rowcount == 1


def anchor_message(site_uuid: str, audit_id: int, hash_hex: str, entry_at: str | None) -> bytes:
    """The bytes a site signs for one anchor; the prefix keeps it from ever meaning anything else."""
    return f"enose-audit-anchor/1\n{site_uuid}\n{int(audit_id)}\n{hash_hex}\n{entry_at or ''}\n".encode()


def _sign_anchor(message: bytes) -> tuple[bytes | None, str | None]:
    """The site key's signature of ``message``, or None and why (no key yet is normal, never an error)."""
    try:
        from enose.security import site_keys

        return site_keys.sign(message), None
    except ImportError as error:
        return None, f"audit anchor not signed: site keys unavailable ({error})"
    except (RuntimeError, OSError, ValueError) as error:  # SiteKeyError is a RuntimeError: no key, bad file
        return None, f"audit anchor not signed: {error}"


def connect(dsn: str, *, insecure: bool = False, store: Store | None = None, actor: str | None = None,
            application_name: str = "enose-sync") -> psycopg.Connection:  # fmt: skip
    """Open the central database under the TLS rule of :mod:`enose.sync.connection`.

    A connection weaker than the rule (only with ``insecure=True``) is logged as a warning and,
    when ``store`` is given, recorded in its audit trail as ``insecure_connection`` before
    anything is sent.
    """
    target = central_dsn(dsn, insecure=insecure)
    if target.insecure_reason:
        log.warning("insecure connection to the central database: %s", target.insecure_reason)
        if store is not None:
            audit.record(store, actor or "unknown", "insecure_connection", "central", redact_dsn(dsn),
                         reason=target.insecure_reason, application=application_name)  # fmt: skip
    return open_central(target, application_name=application_name)


def _require_schema(conn: psycopg.Connection) -> str:
    try:
        return central.require_current(conn)
    except (central.CentralSchemaMissing, central.CentralSchemaTooNew) as error:
        raise SyncError(str(error)) from error


def bound_site(conn: psycopg.Connection, local_site: str) -> tuple[str, str | None]:
    """The site this connection writes as, and a warning when the role is not a site role.

    A site role writes only as the site enrolled for it: a local store with another UUID, an
    unenrolled member of ``enose_site`` or a revoked site is refused (:class:`SyncError`).
    Any other role (the owner, an administrator) is not bound, and row-level security and
    privileges decide what it may write.
    """
    identity = registry.site_identity(conn)
    if identity is None:
        if registry.is_site_group_member(conn):
            raise SyncError(
                "this database role is a site role but is not enrolled for any site: an administrator runs "
                "`enose central enrol-site`; nothing was sent"
            )
        return local_site, (
            "connected with a role that is not an enrolled site role (the owner?); sites sync with their own role"
        )
    if identity.revoked:
        raise SyncError(
            f"site {identity.site_uuid} (database role {identity.db_role}) was revoked at the centre; nothing was sent"
        )
    if identity.site_uuid != local_site:
        raise SyncError(
            f"database role {identity.db_role} is enrolled for site {identity.site_uuid}, but this local database is "
            f"site {local_site}: refused, nothing was sent (use this site's own role, or the right --db)"
        )
    return identity.site_uuid, None


def central_anchors(dsn: str, site: str, *, insecure: bool = False) -> list[tuple[int, str]]:
    """The audit-log anchors ``(audit_id, hash)`` the central database holds for ``site`` (for :func:`audit.verify`)."""
    with connect(dsn, insecure=insecure) as conn:
        _require_schema(conn)
        rows = conn.execute("SELECT audit_id, hash FROM enose.audit_anchors WHERE site_uuid = %s", (site,))
        return [(int(a), str(h)) for a, h in rows]


@dataclass
class AnchorCheck:
    """The central anchors of one site, checked: which to compare with the chain, what is wrong, how far behind."""

    anchors: list[tuple[int, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    signed: int = 0
    unsigned: int = 0
    unverifiable: int = 0
    last_anchor_id: int | None = None
    last_anchored_at: str | None = None
    rows_behind: int | None = None
    seconds_behind: float | None = None

    def to_json(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k != "anchors"} | {"anchors": len(self.anchors)}


def _seconds_between(earlier: str | None, later: str | None) -> float | None:
    try:
        return round((datetime.fromisoformat(later) - datetime.fromisoformat(earlier)).total_seconds(), 3)
    except (TypeError, ValueError):
        return None


def check_central_anchors(store: Store, dsn: str, *, insecure: bool = False, actor: str | None = None) -> AnchorCheck:
    """Fetch this site's central anchors, verify their signatures against its enrolled key, measure the lag.

    An anchor with a bad signature is a problem and is not used; an unsigned one (the site had
    no key yet) or one whose key is not visible (site not enrolled) is used and counted, unless
    an anchor signed by the enrolled key came before it: a site that signs does not stop, so an
    unsigned anchor after a signed one is a problem and is not used. No
    anchor at all is a problem too: ``--central`` asked for a confirmation that does not exist.
    Raises :class:`SyncError` if the database cannot be used (no schema, wrong version, no access).
    """
    from enose.security import site_keys

    site = outbox.site_uuid(store)
    check = AnchorCheck()
    with connect(dsn, insecure=insecure, store=store, actor=actor, application_name="enose-audit-verify") as conn:
        _require_schema(conn)
        public_key = registry.site_public_key(conn, site)
        with conn.transaction():
            rows = conn.execute(
                "SELECT audit_id, hash, entry_at, signature, anchored_at FROM enose.audit_anchors WHERE site_uuid = %s"
                " ORDER BY audit_id",
                (site,),
            ).fetchall()
    signed_before = False  # an anchor signed by the enrolled key came earlier in the chain
    for audit_id, hash_hex, entry_at, signature, anchored_at in rows:
        if signature is None and signed_before:
            check.problems.append(
                f"the central anchor of row {audit_id} is unsigned although this site signed its earlier anchors "
                "with its enrolled key: not trusted (planted, or written by another client)"
            )
            continue
        if signature is None:
            check.unsigned += 1
        elif public_key is None:
            check.unverifiable += 1
        elif site_keys.verify_signature(public_key, anchor_message(site, audit_id, hash_hex, entry_at), signature):
            check.signed += 1
            signed_before = True
        else:
            check.problems.append(
                f"the central anchor of row {audit_id} is not signed by this site's enrolled key: forged or altered"
            )
            continue
        check.anchors.append((int(audit_id), str(hash_hex)))
        check.last_anchor_id, check.last_anchored_at = int(audit_id), anchored_at.isoformat()
    if not rows:
        check.problems.append(f"the central database holds no audit anchor for site {site}: nothing to compare with")
    head = store.conn.execute("SELECT id, at FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    if head is not None and check.last_anchor_id is not None:
        anchored = store.conn.execute("SELECT at FROM audit_log WHERE id = ?", (check.last_anchor_id,)).fetchone()
        check.rows_behind = store.conn.execute(
            "SELECT count(*) FROM audit_log WHERE id > ?", (check.last_anchor_id,)
        ).fetchone()[0]
        check.seconds_behind = _seconds_between(anchored[0] if anchored else None, head[1])
    return check


def sync_to_central(store: Store, dsn: str, user, *, progress: bool = False, insecure: bool = False) -> SyncReport:
    """Send every finished session (then labels, scores, QC and features) to the central database.

    Needs :attr:`Permission.SYNC`. Creates nothing centrally: a database without the current
    schema is refused (an administrator runs ``enose central migrate``). Returns the counts;
    raises :class:`SyncError` if the central database cannot be reached or used, the role is
    not this site's, or the connection drops (what was sent stays sent).
    """
    from tqdm import tqdm

    require(user, Permission.SYNC)
    try:
        staff = staff_pseudonyms(store)  # staff names leave the site only as keyed pseudonyms
    except SecretKeyError as error:
        raise SyncError(f"{error}; nothing was sent") from error
    started = time.perf_counter()
    report = SyncReport()
    conn = connect(dsn, insecure=insecure, store=store, actor=user.username)
    try:
        target = _require_schema(conn)
        report.target = target
        site, warning = bound_site(conn, outbox.site_uuid(store))
        report.site_uuid = site
        if warning:
            log.warning("%s", warning)
            report.warnings.append(warning)
        writer = CentralWriter(conn, site)
        outbox.enqueue(store, target)
        todo = outbox.pending(store, target, "session")
        synced_before = sum(1 for r in outbox.session_status(store, target) if r["status"] == "synced")
        report.skipped = synced_before
        ids = dict(store.conn.execute("SELECT uuid, id FROM sessions"))
        bar = tqdm(total=len(todo), unit="session", desc="sync", file=sys.stderr, disable=not progress, leave=False)
        with bar:
            for key in todo:
                payload = read_session(store, ids[key], staff)
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
        _anchor(store, conn, writer, report)
    except psycopg.errors.InsufficientPrivilege as error:
        raise SyncError(f"the central database refused this role ({redact_dsn(dsn)}): {error}".strip()) from error
    except psycopg.OperationalError as error:
        raise SyncError(
            f"lost the central database ({redact_dsn(dsn)}): {error}; run the sync again to resume".strip()
        ) from error
    finally:
        conn.close()
    report.seconds = time.perf_counter() - started
    audit.record(store, user.username, "sync", "central", target, uploaded=report.uploaded, skipped=report.skipped,
                 failed=report.failed, rows=report.rows, anchor_signed=report.anchor_signed)  # fmt: skip
    return report


def _anchor(store: Store, conn: psycopg.Connection, writer: CentralWriter, report: SyncReport) -> None:
    """Anchor the local chain's head, signed by the site key if there is one (never fails the sync for the key)."""
    head = audit.head(store)
    if head is None:
        return
    entry_at = store.conn.execute("SELECT at FROM audit_log WHERE id = ?", (head[0],)).fetchone()[0]
    signature, why_not = _sign_anchor(anchor_message(writer.site_uuid, head[0], head[1], entry_at))
    report.anchor_signed = signature is not None
    if why_not:
        report.warnings.append(why_not)
    elif (enrolled := registry.site_public_key(conn, writer.site_uuid)) is not None:
        from enose.security import site_keys

        if site_keys.public_key_bytes() != enrolled:
            report.warnings.append(
                "the site key that signed the audit anchor is not the key enrolled at the centre: "
                "the anchor will not verify; have the centre enrol this site's current key"
            )
    writer.anchor_audit(head, entry_at=entry_at, signature=signature)


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
