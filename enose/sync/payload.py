"""What travels for one session, label, calibration, score, QC result or feature row, and its content hash.

The same records are read from the local SQLite store (sync, bundle export) and
from a bundle (bundle import), so one uploader serves both. Raw sample blobs
travel exactly as stored (byte-shuffled zlib, :mod:`enose.storage.chunks`):
the central copy is byte-identical and nothing is re-encoded.

A session's content hash is SHA-256 over the canonical JSON of its fields,
events, phases and chunk metadata with the SHA-256 of every blob; it leaves out
what changes with the machine (local id, writer host and pid, heartbeat) and
the subject's and device's rows, which are updated in place.

A column a later local migration added (``scores.no_zone``) travels only when it
differs from its default (:data:`enose.storage.fingerprints.ADDED_LATER`), so a row
synced before the column existed keeps its content hash and is not re-sent as a
conflicting copy.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from enose.storage.fingerprints import ADDED_LATER
from enose.storage.store import Store

__all__ = [
    "SESSION_FIELDS",
    "CHUNK_FIELDS",
    "BLOB_FIELDS",
    "SessionPayload",
    "read_session",
    "read_rows",
    "row_sha256",
    "finished_session_ids",
]

SESSION_FIELDS = ("uuid", "kind", "subject_code", "device_serial", "firmware", "operator", "site", "started_at",
                  "ended_at", "status", "software_version", "protocol", "channels", "period_ms", "n_samples",
                  "lost_samples", "interruptions")  # fmt: skip
CHUNK_FIELDS = ("chunk_index", "first_sample", "n_samples", "n_channels", "codec")
BLOB_FIELDS = ("t_s", "device_seq", "device_t_ms", "flags", "values")
SUBJECT_FIELDS = ("code", "created_at", "site", "age_years", "sex", "smoking", "pack_years", "copd", "previous_cancer")
DEVICE_FIELDS = ("serial", "model", "firmware", "min_period_ms", "channels", "first_seen", "last_seen")
EVENT_FIELDS = ("t_s", "kind", "detail", "created_at")
PHASE_FIELDS = ("name", "inlet", "start_s", "end_s")

#: Columns of the append-only and derived tables that travel, per outbox object type.
ROW_TABLES = {
    "label": ("labels", ("id", "subject_code", "cancer", "histology", "stage", "diagnosis_date", "source",
                         "entered_by", "entered_at", "supersedes")),
    # before the scores, which name the calibration in force
    "calibration": ("calibrations", ("id", "device_serial", "kind", "session_id", "operator", "created_at", "passed",
                                     "channels", "values", "detail")),
    "score": ("scores", ("id", "session_id", "created_at", "operator", "model_id", "model_sha256",
                         "software_version", "processing_version", "calibration_id", "probability", "interval_low",
                         "interval_high", "zone", "ood", "explanation", "qc_reasons", "no_zone")),
    "qc": ("qc_results", ("session_id", "processing_version", "passed", "reasons", "computed_at")),
    "features": ("feature_cache", ("session_id", "processing_version", "names", "values", "computed_at")),
}  # fmt: skip


def _canonical(obj) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


@dataclass
class SessionPayload:
    """One finished session with everything recorded in it; ``chunks`` hold the stored blobs."""

    session: dict
    subject: dict | None
    device: dict | None
    events: list[dict] = field(default_factory=list)
    phases: list[dict] = field(default_factory=list)
    chunks: list[dict] = field(default_factory=list)
    local_id: int | None = None

    @property
    def uuid(self) -> str:
        return self.session["uuid"]

    def content_sha256(self) -> str:
        digest = hashlib.sha256()
        digest.update(_canonical({"session": {k: self.session[k] for k in SESSION_FIELDS},
                                  "events": self.events, "phases": self.phases}))  # fmt: skip
        for chunk in self.chunks:
            meta = {k: chunk[k] for k in CHUNK_FIELDS}
            meta.update({k: hashlib.sha256(chunk[k]).hexdigest() for k in BLOB_FIELDS})
            digest.update(_canonical(meta))
        return digest.hexdigest()

    def n_bytes(self) -> int:
        return sum(len(chunk[k]) for chunk in self.chunks for k in BLOB_FIELDS)


def finished_session_ids(store: Store) -> list[int]:
    """Local ids of sessions that are over (complete, aborted or interrupted), oldest first."""
    store.mark_stale_sessions()
    return [r[0] for r in store.conn.execute("SELECT id FROM sessions WHERE status != 'running' ORDER BY id")]


def _one(store: Store, sql: str, params: tuple, fields: tuple[str, ...]) -> dict | None:
    row = store.conn.execute(sql, params).fetchone()
    return dict(zip(fields, row, strict=True)) if row else None


#: Columns that hold a staff member's name: they leave the site only as keyed pseudonyms.
STAFF_COLUMNS = ("operator", "entered_by")


def staff_pseudonyms(store: Store):
    """``name -> staff-<12 hex>`` with the site secret (:func:`enose.security.keyed_pseudonym`), cached.

    Raises:
        SecretKeyError: the site secret is missing after it was used (restore it; never a new one).
    """
    from enose.security.pseudonyms import pseudonymiser, site_secret

    pseudo = pseudonymiser(site_secret(store))

    def pseudonym(name):
        # a name that already is a pseudonym (e.g. a bundle re-read) is not pseudonymised twice
        return name if name is None or str(name).startswith("staff-") else pseudo("staff", name)

    return pseudonym


def _event_detail(detail: str | None, staff) -> str | None:
    """An event's JSON detail with any staff name in it replaced by its pseudonym."""
    try:
        value = json.loads(detail) if detail else None
    except ValueError:
        return detail
    if not isinstance(value, dict) or not set(STAFF_COLUMNS) & set(value):
        return detail
    return json.dumps({k: staff(v) if k in STAFF_COLUMNS else v for k, v in value.items()}, sort_keys=True)


def read_session(store: Store, session_id: int, staff=None) -> SessionPayload:
    """Everything about local session ``session_id`` that goes to the central database.

    Staff names travel as keyed pseudonyms (``staff``, default :func:`staff_pseudonyms`): the
    site's own records keep the names, nothing that leaves the site does.
    """
    conn = store.conn
    staff = staff or staff_pseudonyms(store)
    cols = ", ".join(SESSION_FIELDS)
    session = _one(store, f"SELECT {cols} FROM sessions WHERE id = ?", (session_id,), SESSION_FIELDS)
    if session is None:
        raise LookupError(f"no session {session_id}")
    session["operator"] = staff(session["operator"])
    subject = None
    if session["subject_code"]:
        subject = _one(store, f"SELECT {', '.join(SUBJECT_FIELDS)} FROM subjects WHERE code = ?",
                       (session["subject_code"],), SUBJECT_FIELDS)  # fmt: skip
    device = None
    if session["device_serial"]:
        device = _one(store, f"SELECT {', '.join(DEVICE_FIELDS)} FROM devices WHERE serial = ?",
                      (session["device_serial"],), DEVICE_FIELDS)  # fmt: skip
    events = [dict(zip(EVENT_FIELDS, r, strict=True)) for r in conn.execute(
        "SELECT t_s, kind, detail, created_at FROM events WHERE session_id = ? ORDER BY id", (session_id,))]  # fmt: skip
    for event in events:
        event["detail"] = _event_detail(event["detail"], staff)
    phases = [dict(zip(PHASE_FIELDS, r, strict=True)) for r in conn.execute(
        "SELECT name, inlet, start_s, end_s FROM phases WHERE session_id = ? ORDER BY start_s, name", (session_id,))]  # fmt: skip
    names = (*CHUNK_FIELDS, *BLOB_FIELDS)
    chunks = [dict(zip(names, r, strict=True)) for r in conn.execute(
        f"SELECT {', '.join(f'{chr(34)}{n}{chr(34)}' for n in names)} FROM sample_chunks WHERE session_id = ? "
        "ORDER BY chunk_index", (session_id,))]  # fmt: skip
    return SessionPayload(session, subject, device, events, phases, chunks, local_id=session_id)


def row_sha256(row: dict) -> str:
    """Content hash of a label, score, QC or feature row (blobs hashed as hex)."""
    plain = {k: (v.hex() if isinstance(v, bytes) else v) for k, v in row.items()}
    return hashlib.sha256(_canonical(plain)).hexdigest()


def read_rows(store: Store, object_type: str, staff=None) -> list[dict]:
    """Every local row of ``object_type`` (label, calibration, score, qc, features) with ``session_uuid``
    where relevant (None for a calibration entered without a recording); staff names as pseudonyms.
    A column added later is left out while it holds its default (a score's ``no_zone`` while ``[]``)."""
    table, fields = ROW_TABLES[object_type]
    cols = ", ".join(f't."{f}"' for f in fields)
    if "session_id" in fields:
        sql = f"SELECT {cols}, s.uuid FROM {table} t LEFT JOIN sessions s ON s.id = t.session_id"
        names = (*fields, "session_uuid")
    else:
        sql = f"SELECT {cols} FROM {table} t"
        names = fields
    order = " ORDER BY t.id" if "id" in fields else " ORDER BY t.session_id, t.processing_version"
    defaults = ADDED_LATER.get(table, {})
    rows = [{k: v for k, v in zip(names, r, strict=True) if not (k in defaults and v == defaults[k])}
            for r in store.conn.execute(sql + order)]  # fmt: skip
    if any(c in fields for c in STAFF_COLUMNS):
        staff = staff or staff_pseudonyms(store)
        for row in rows:
            for column in STAFF_COLUMNS:
                if column in row:
                    row[column] = staff(row[column])
    return rows


def row_key(object_type: str, row: dict) -> str:
    """The outbox key of a row: local id for labels, calibrations and scores, session uuid + version for derived rows."""
    if object_type in ("label", "calibration", "score"):
        return str(row["id"])
    return f"{row['session_uuid']}/{row['processing_version']}"
