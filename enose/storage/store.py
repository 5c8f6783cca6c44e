"""The local session store: one SQLite file, opened through sqlite-utils.

Why these settings: WAL lets the GUI read while a screening writes and keeps
the file consistent after a crash; ``synchronous=NORMAL`` in WAL mode can lose
only the last transactions on power loss, never corrupt the file; the
acquisition commits about once a second, so a crash costs at most a second of
samples. Raw samples are append-only (triggers refuse UPDATE and DELETE).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import socket
import sqlite3
import stat
import time
import uuid as uuid_module
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import sqlite_utils

from enose import __version__
from enose.recording import ChannelLayout, Phase, Recording
from enose.storage.chunks import CODEC, SampleBlock, pack_column, unpack_column
from enose.storage.clock import utc_now
from enose.storage.migrations import SchemaTooNew, apply_migrations
from enose.storage.paths import default_db_path

log = logging.getLogger(__name__)

__all__ = ["DatabaseMissing", "MAX_ROW_ID", "Store", "SessionWriter", "SessionNotFound", "StorageError", "utc_now",
           "STALE_AFTER_S"]  # fmt: skip

#: A 'running' session whose writer has not committed for this long is reported as interrupted.
STALE_AFTER_S = 30.0
SESSION_STATUSES = ("running", "complete", "aborted", "interrupted")
#: The largest row id SQLite can hold (a signed 64-bit integer): ids beyond it cannot exist, and
#: Python's sqlite3 raises OverflowError when asked for one, so options check against it first.
MAX_ROW_ID = 2**63 - 1


class StorageError(RuntimeError):
    """The database could not be written or read (disk full, permissions, corrupt file)."""


class DatabaseMissing(StorageError):
    """A command that only reads was pointed at a database file that does not exist."""


class SessionNotFound(LookupError):
    """No session with that id."""


def _audit(store: Store, actor: str, action: str, object_type: str, object_id, **detail) -> None:
    """Append to the hash-chained audit trail inside the caller's transaction (it commits with the change)."""
    from enose.storage.audit_log import record

    record(store, actor, action, object_type, object_id, **detail)


def _audit_sealed(store: Store, actor: str, action: str, object_type: str, object_id, **detail) -> None:
    """Like :func:`_audit`, with the record's content fingerprint (:mod:`enose.security.integrity`), so a later
    edit of the row or a swap of its raw samples in the file shows in ``audit verify``."""
    from enose.storage.fingerprints import fingerprint

    _audit(store, actor, action, object_type, object_id, fingerprint=fingerprint(store.conn, object_type, object_id),
           **detail)  # fmt: skip


def _tighten(target: Path) -> None:
    """Make an existing database (and its WAL files) owner-only again if others may read it; say so."""
    for path in (target, Path(f"{target}-wal"), Path(f"{target}-shm")):
        try:
            mode = stat.S_IMODE(path.stat().st_mode)
        except FileNotFoundError:
            continue
        if mode & 0o077:
            try:
                os.chmod(path, 0o600)
                log.warning("%s was readable by other users (mode %o): made owner-only", path, mode)
            except PermissionError:
                log.warning("%s is readable by other users (mode %o) and could not be tightened: run "
                            "`chmod 600 %s`", path, mode, path)  # fmt: skip


def _writer_alive(row: dict) -> bool:
    """Whether the process recording a 'running' session still exists.

    On the recording machine the process id answers at once (a killed recorder is
    seen immediately); elsewhere, a heartbeat older than :data:`STALE_AFTER_S` does.
    """
    if row.get("writer_host") == socket.gethostname() and row.get("writer_pid"):
        try:
            os.kill(int(row["writer_pid"]), 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            pass  # exists, owned by someone else
        if int(row["writer_pid"]) != os.getpid() or not row.get("heartbeat_at"):
            return True
    if not row.get("heartbeat_at"):
        return False
    age = datetime.now(UTC) - datetime.fromisoformat(row["heartbeat_at"])
    return age <= timedelta(seconds=STALE_AFTER_S)


def _space_hint(target: Path) -> str:
    """", the disk holding it is full (N kB free): free space, then start again" when that is the cause, else ""."""
    try:
        free = shutil.disk_usage(target.parent if target.parent.exists() else ".").free
    except OSError:
        return ""
    if free >= LOW_SPACE_BYTES:
        return ""
    return f"; the disk holding it is full ({free // 1024} kB free): free space, then start again"


#: Below this much free space a failed write is reported as a full disk.
LOW_SPACE_BYTES = 16 * 1024 * 1024


#: How long a first open keeps retrying the switch to WAL while another process switches it (s).
WAL_SWITCH_WAIT_S = 10.0


def _enable_wal(connection: sqlite3.Connection) -> None:
    """Switch ``connection``'s file to WAL, retrying while another process is switching it too.

    Why retry here: SQLite answers ``database is locked`` at once, without calling the busy
    handler, when two connections change the journal mode of a new file at the same moment
    (issue 13: several processes opening a new database at once). The loser waits a moment and
    finds the file in WAL already.
    """
    deadline = time.monotonic() + WAL_SWITCH_WAIT_S
    pause = 0.005
    while True:
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
        time.sleep(pause)  # another process holds the lock: nothing to await across processes
        pause = min(0.1, pause * 2)


@dataclass
class Store:
    """An open session database.

    Use :meth:`open`; the connection belongs to the thread that opened it.
    """

    path: Path
    db: sqlite_utils.Database

    @classmethod
    def open(cls, path: str | os.PathLike | None = None, *, create: bool = True) -> Store:
        """Open (creating and migrating if needed) the database at ``path`` or the default location.

        ``create=False`` is for commands that only read or analyse what was recorded: a missing
        file is refused (:class:`DatabaseMissing`) instead of becoming a new empty database, so a
        mistyped path says so rather than showing "no sessions". SQLite's ``mode=rw`` makes the
        refusal atomic (no window between a check and the open).
        """
        target = Path(path) if path is not None else default_db_path()
        if not create:
            return cls._open_existing(target)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fresh = not target.exists()
            connection = sqlite3.connect(target, timeout=10.0)
        except (OSError, sqlite3.Error) as error:
            raise StorageError(f"cannot create the database {target}: {error}") from error
        return cls._prepare(target, connection, fresh)

    @classmethod
    def open_read_only(cls, path: str | os.PathLike | None = None) -> Store:
        """Open an existing, current database for reading only (SQLite ``mode=ro``): a browser can never write.

        Raises:
            DatabaseMissing: no file there.
            StorageError: unreadable, or its schema is not this software's (open it once to migrate).
        """
        from enose.storage.migrations import MIGRATIONS, _version

        target = Path(path) if path is not None else default_db_path()
        if not target.is_file():
            raise DatabaseMissing(f"no database at {target}")
        try:
            connection = sqlite3.connect(f"{target.resolve().as_uri()}?mode=ro", timeout=10.0, uri=True)
            version = _version(connection)
        except sqlite3.Error as error:
            raise StorageError(f"cannot open the database {target}: {error}") from error
        if version != len(MIGRATIONS):
            connection.close()
            raise StorageError(f"the database {target} has schema version {version}, this software uses "
                               f"{len(MIGRATIONS)}: open it once with write access to bring it up to date")  # fmt: skip
        return cls(target, sqlite_utils.Database(connection))

    @classmethod
    def _open_existing(cls, target: Path) -> Store:
        if not target.is_file():
            raise DatabaseMissing(f"no database at {target}")
        try:
            connection = sqlite3.connect(f"{target.resolve().as_uri()}?mode=rw", timeout=10.0, uri=True)
        except sqlite3.Error as error:
            raise StorageError(f"cannot open the database {target}: {error}") from error
        return cls._prepare(target, connection, fresh=False)

    @classmethod
    def _prepare(cls, target: Path, connection: sqlite3.Connection, fresh: bool) -> Store:
        """Set the connection up (WAL, foreign keys) and bring the schema up to date."""
        try:
            if fresh:
                os.chmod(target, 0o600)  # patient data: owner only
            else:
                _tighten(target)
            _enable_wal(connection)
            connection.execute("PRAGMA synchronous=NORMAL")
            connection.execute("PRAGMA foreign_keys=ON")
            apply_migrations(connection)
        except SchemaTooNew as error:
            connection.close()
            raise StorageError(str(error)) from error
        except (sqlite3.DatabaseError, OSError) as error:
            connection.close()
            raise StorageError(f"cannot open the database {target}: {error}{_space_hint(target)}") from error
        return cls(target, sqlite_utils.Database(connection))

    @property
    def conn(self) -> sqlite3.Connection:
        return self.db.conn

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- devices and subjects ------------------------------------------------

    @contextmanager
    def _writing(self, what: str) -> Iterator[None]:
        """One write transaction; a failure (disk full, read-only file) becomes a :class:`StorageError`
        naming the file, what was being written and, for a full disk, what to do."""
        try:
            with self.conn:
                yield
        except sqlite3.Error as error:
            raise StorageError(
                f"cannot write {what} to the database {self.path}: {error}{_space_hint(self.path)}"
            ) from error

    def upsert_device(self, serial: str, model: str, firmware: str, min_period_ms: int, layout: ChannelLayout) -> None:
        now = utc_now()
        with self._writing("the device record"):
            self.conn.execute(
                """INSERT INTO devices (serial, model, firmware, min_period_ms, channels, first_seen, last_seen)
                   VALUES (?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT(serial) DO UPDATE SET model=excluded.model, firmware=excluded.firmware,
                   min_period_ms=excluded.min_period_ms, channels=excluded.channels, last_seen=excluded.last_seen""",
                (serial, model, firmware, min_period_ms, json.dumps(layout.to_json()), now, now),
            )

    def site_setting(self, key: str) -> str | None:
        """A setting an administrator chose for this site (``site_settings``), or None."""
        row = self.conn.execute("SELECT value FROM site_settings WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def ensure_subject(self, code: str, **risk_factors: Any) -> None:
        """Create the subject if new; update the risk factors that are given (not None).

        A new code must follow the site's subject-code pattern (:mod:`enose.subjects`): whatever
        screen or script records a subject, a name or a hospital number is never stored as one.

        Raises:
            InvalidSubjectCode: a new code that is not a pseudonymous study code.
        """
        from enose.subjects import validate_subject_code

        if self.subject(code) is None:
            validate_subject_code(code, self.site_setting("subject_code_pattern"))
        factors = {k: v for k, v in risk_factors.items() if v is not None}
        with self._writing(f"subject {code}"):
            self.conn.execute(
                "INSERT INTO subjects (code, created_at) VALUES (?, ?) ON CONFLICT(code) DO NOTHING",
                (code, utc_now()),
            )
            if factors:
                self.db["subjects"].update(code, factors)

    def subject(self, code: str) -> dict | None:
        rows = list(self.db.query("SELECT * FROM subjects WHERE code = ?", [code]))
        return rows[0] if rows else None

    # -- sessions --------------------------------------------------------------

    def create_session(
        self,
        *,
        operator: str,
        layout: ChannelLayout,
        period_ms: int,
        protocol: dict,
        subject_code: str | None = None,
        device_serial: str | None = None,
        firmware: str | None = None,
        site: str | None = None,
        kind: str = "screening",
        session_uuid: str | None = None,
    ) -> SessionWriter:
        """Start a session row (status ``running``) and return its writer."""
        now = utc_now()
        with self._writing("a new session"):
            cursor = self.conn.execute(
                """INSERT INTO sessions (uuid, kind, subject_code, device_serial, firmware, operator, site,
                   started_at, heartbeat_at, writer_host, writer_pid, status, software_version, protocol,
                   channels, period_ms)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'running', ?, ?, ?, ?)""",
                (
                    session_uuid or str(uuid_module.uuid4()),
                    kind,
                    subject_code,
                    device_serial,
                    firmware,
                    operator,
                    site,
                    now,
                    now,
                    socket.gethostname(),
                    os.getpid(),
                    __version__,
                    json.dumps(protocol, sort_keys=True),
                    json.dumps(layout.to_json()),
                    period_ms,
                ),
            )
            session_id = int(cursor.lastrowid)
            _audit(self, operator, "create", "session", session_id, kind=kind, device=device_serial)
        return SessionWriter(self, session_id, len(layout))

    def resume_session(self, session_id: int, n_channels: int) -> SessionWriter:
        """A writer that appends after what a stored session already holds (e.g. samples rescued to an
        emergency file): its next chunk index, sample count and loss count continue the stored ones."""
        chunks, samples = self.conn.execute(
            "SELECT COALESCE(MAX(chunk_index) + 1, 0), COALESCE(SUM(n_samples), 0) FROM sample_chunks "
            "WHERE session_id = ?",
            (session_id,),
        ).fetchone()
        lost = self.conn.execute("SELECT lost_samples FROM sessions WHERE id = ?", (session_id,)).fetchone()
        writer = SessionWriter(self, session_id, n_channels)
        writer._chunk_index, writer.n_samples, writer.lost_samples = int(chunks), int(samples), int(lost[0] or 0)
        return writer

    def session(self, session_id: int) -> dict:
        rows = list(self.db.query("SELECT * FROM sessions WHERE id = ?", [session_id]))
        if not rows:
            raise SessionNotFound(f"no session {session_id} in {self.path}")
        return self._present(rows[0])

    def list_sessions(self, limit: int | None = None) -> list[dict]:
        sql = "SELECT * FROM sessions ORDER BY id DESC" + (f" LIMIT {int(limit)}" if limit else "")
        return [self._present(row) for row in self.db.query(sql)]

    def _present(self, row: dict) -> dict:
        """A session row, shown as interrupted if it is 'running' but its writer is gone."""
        row = dict(row)
        if row["status"] == "running" and not _writer_alive(row):
            row["status"] = "interrupted"
        return row

    def mark_stale_sessions(self) -> list[int]:
        """Record as ``interrupted`` every running session whose writer is gone; return their ids."""
        stale = [
            row["id"]
            for row in self.db.query(
                "SELECT id, status, heartbeat_at, writer_host, writer_pid FROM sessions WHERE status = 'running'"
            )
            if self._present(row)["status"] == "interrupted"
        ]
        for session_id in stale:
            with self._writing(f"the end of interrupted session {session_id}"):
                self.conn.execute(
                    "UPDATE sessions SET status = 'interrupted', ended_at = heartbeat_at WHERE id = ?", (session_id,)
                )
                self._insert_event(session_id, None, "session_interrupted", {"reason": "writer stopped"})
                _audit_sealed(self, "system", "interrupted", "session", session_id, reason="writer stopped")
        return stale

    def events(self, session_id: int) -> list[dict]:
        return [
            {**row, "detail": json.loads(row["detail"])}
            for row in self.db.query("SELECT * FROM events WHERE session_id = ? ORDER BY id", [session_id])
        ]

    def add_event(self, session_id: int | None, kind: str, t_s: float | None = None, **detail: Any) -> None:
        with self.conn:
            self._insert_event(session_id, t_s, kind, detail)

    def _insert_event(self, session_id: int | None, t_s: float | None, kind: str, detail: dict) -> None:
        self.conn.execute(
            "INSERT INTO events (session_id, t_s, kind, detail, created_at) VALUES (?, ?, ?, ?, ?)",
            (session_id, t_s, kind, json.dumps(detail, sort_keys=True, default=str), utc_now()),
        )

    def phases(self, session_id: int) -> list[Phase]:
        return [
            Phase(row["name"], row["inlet"], row["start_s"], row["end_s"])
            for row in self.db.query("SELECT * FROM phases WHERE session_id = ? ORDER BY start_s", [session_id])
        ]

    # -- samples ---------------------------------------------------------------

    def check_integrity(self) -> None:
        """Refuse a damaged database file (``PRAGMA quick_check``) before anything is recorded in it.

        Why before a screening: a damaged page is otherwise found only when the first write after
        the breath touches it, and the subject has breathed for nothing. ``quick_check`` reads every
        page (seconds for a large file) but skips the slower index cross-checks of ``integrity_check``.

        Raises:
            StorageError: naming the file, the first problems found and what to do.
        """
        try:
            problems = [row[0] for row in self.conn.execute("PRAGMA quick_check(5)")]
        except sqlite3.DatabaseError as error:
            problems = [str(error)]
        if problems != ["ok"]:
            raise StorageError(
                f"the database {self.path} is damaged ({'; '.join(problems)[:300]}): nothing was recorded. "
                "Keep the file for recovery (do not delete it), restore it from a backup or start with a new "
                "file (--db), and tell the technician"
            )

    def iter_blocks(self, session_id: int, damaged: list[dict] | None = None) -> Iterator[SampleBlock]:
        """Yield the stored sample blocks of a session in order.

        A block whose bytes no longer decode (a damaged file: ``zlib.error``, a wrong length) raises
        :class:`StorageError`, unless ``damaged`` is a list: then the block is skipped and described
        there (``chunk_index``, ``first_sample``, ``n_samples``, ``t_first_s``/``t_last_s`` when its
        time column still decodes, and ``after_s``/``before_s``: the last intact sample before the hole
        and the first after it, None at either end), so one bad block costs its second of data, not
        the session, and an export can say which seconds are missing.
        """
        last_t_s: float | None = None
        open_holes: list[dict] = []
        for row in self.conn.execute(
            """SELECT chunk_index, first_sample, n_samples, n_channels, codec, t_s, device_seq, device_t_ms, flags,
               "values" FROM sample_chunks WHERE session_id = ? ORDER BY chunk_index""",
            (session_id,),
        ):
            chunk_index, first_sample, n, n_channels, codec, t_s, seq, t_ms, flags, values = row
            if codec != CODEC:
                raise StorageError(f"session {session_id} uses sample codec {codec!r}, unknown to this version")
            try:
                block = SampleBlock(
                    unpack_column(t_s, "<f8", (n,)),
                    unpack_column(seq, "<u2", (n,)),
                    unpack_column(t_ms, "<u4", (n,)),
                    unpack_column(flags, "<u2", (n,)),
                    unpack_column(values, "<f4", (n, n_channels)),
                )
            except (zlib.error, ValueError, TypeError) as error:
                if damaged is None:
                    raise StorageError(
                        f"sample block {chunk_index} of session {session_id} is damaged ({error})"
                    ) from error
                hole = _describe_damaged(chunk_index, first_sample, n, t_s, error)
                hole.update(after_s=last_t_s, before_s=None)
                damaged.append(hole)
                open_holes.append(hole)
                continue
            if n:
                for hole in open_holes:
                    hole["before_s"] = float(block.t_s[0])
                open_holes.clear()
                last_t_s = float(block.t_s[-1])
            yield block

    def load_recording(self, session_id: int) -> Recording:
        """The whole session as a :class:`Recording` (samples, phases, metadata)."""
        row = self.session(session_id)
        layout = ChannelLayout.from_json(json.loads(row["channels"]))
        damaged: list[dict] = []
        blocks = list(self.iter_blocks(session_id, damaged))
        n_channels = len(layout)

        def cat(name: str, dtype: str, shape: tuple[int, ...]) -> np.ndarray:
            if not blocks:
                return np.empty(shape, dtype=dtype)
            return np.concatenate([getattr(b, name) for b in blocks])

        events = self.events(session_id)
        meta = {
            "session_id": session_id,
            "uuid": row["uuid"],
            "status": row["status"],
            "subject_code": row["subject_code"],
            "device_serial": row["device_serial"],
            "operator": row["operator"],
            "site": row["site"],
            "started_at": row["started_at"],
            "lost_samples": row["lost_samples"],
            "interruptions": [e["t_s"] for e in events if e["kind"] == "interruption"],
            "event_kinds": sorted({e["kind"] for e in events}),
            "protocol": json.loads(row["protocol"]),
            "software_version": row["software_version"],
            "damaged_blocks": damaged,
        }
        return Recording(
            layout=layout,
            t_s=cat("t_s", "<f8", (0,)),
            values=cat("values", "<f4", (0, n_channels)),
            device_seq=cat("device_seq", "<u2", (0,)),
            device_t_ms=cat("device_t_ms", "<u4", (0,)),
            flags=cat("flags", "<u2", (0,)),
            period_ms=row["period_ms"],
            phases=self.phases(session_id),
            session_id=session_id,
            meta=meta,
        )


def _describe_damaged(chunk_index: int, first_sample: int, n: int, t_blob: bytes, error: Exception) -> dict:
    """What is known of a block that no longer decodes: its place, and its seconds if its time column decodes."""
    found = {"chunk_index": int(chunk_index), "first_sample": int(first_sample), "n_samples": int(n),
             "error": f"{type(error).__name__}: {error}"}  # fmt: skip
    try:
        t = unpack_column(t_blob, "<f8", (n,))
    except (zlib.error, ValueError, TypeError):
        return found
    if n:
        found.update(t_first_s=float(t[0]), t_last_s=float(t[-1]))
    return found


class SessionWriter:
    """Appends one session's samples, events and phases; owned by the recording thread.

    Every :meth:`append` is its own transaction, so whatever was appended
    survives a crash of the process.
    """

    def __init__(self, store: Store, session_id: int, n_channels: int) -> None:
        self.store = store
        self.session_id = session_id
        self.n_channels = n_channels
        self.n_samples = 0
        self.lost_samples = 0
        self.interruptions = 0
        self._chunk_index = 0

    def append(self, block: SampleBlock, lost_samples: int = 0) -> None:
        """Commit a block of samples (and the loss count so far) in one transaction."""
        n = len(block)
        if n == 0 and lost_samples == self.lost_samples:
            return
        if n and block.values.shape != (n, self.n_channels):
            raise ValueError(f"block values shaped {block.values.shape}, expected ({n}, {self.n_channels})")
        conn = self.store.conn
        try:
            with conn:
                if n:
                    conn.execute(
                        """INSERT INTO sample_chunks (session_id, chunk_index, first_sample, n_samples, n_channels,
                           codec, t_s, device_seq, device_t_ms, flags, "values") VALUES (?,?,?,?,?,?,?,?,?,?,?)""",
                        (
                            self.session_id,
                            self._chunk_index,
                            self.n_samples,
                            n,
                            self.n_channels,
                            CODEC,
                            pack_column(block.t_s.astype("<f8", copy=False)),
                            pack_column(block.device_seq.astype("<u2", copy=False)),
                            pack_column(block.device_t_ms.astype("<u4", copy=False)),
                            pack_column(block.flags.astype("<u2", copy=False)),
                            pack_column(block.values.astype("<f4", copy=False)),
                        ),
                    )
                conn.execute(
                    "UPDATE sessions SET n_samples = ?, lost_samples = ?, heartbeat_at = ? WHERE id = ?",
                    (self.n_samples + n, lost_samples, utc_now(), self.session_id),
                )
        except sqlite3.Error as error:
            raise StorageError(f"could not save samples of session {self.session_id}: {error}") from error
        if n:
            self._chunk_index += 1
            self.n_samples += n
        self.lost_samples = lost_samples

    def seal(self, actor: str, action: str, **detail: Any) -> None:
        """Record in the audit trail, with the session's new fingerprint, a change made after it was finished
        (e.g. samples recovered from an emergency file)."""
        try:
            with self.store.conn:
                _audit_sealed(self.store, actor, action, "session", self.session_id, **detail)
        except sqlite3.Error as error:
            raise StorageError(f"could not record the change of session {self.session_id}: {error}") from error

    def event(self, kind: str, t_s: float | None = None, **detail: Any) -> None:
        conn = self.store.conn
        try:
            with conn:
                if kind == "interruption":
                    conn.execute(
                        "UPDATE sessions SET interruptions = ? WHERE id = ?", (self.interruptions + 1, self.session_id)
                    )
                self.store._insert_event(self.session_id, t_s, kind, detail)
        except sqlite3.Error as error:
            raise StorageError(f"could not save the {kind} event of session {self.session_id}: {error}") from error
        if kind == "interruption":
            self.interruptions += 1

    def phase(self, name: str, inlet: int, start_s: float, end_s: float) -> None:
        try:
            with self.store.conn:
                self.store.conn.execute(
                    "INSERT OR REPLACE INTO phases (session_id, name, inlet, start_s, end_s) VALUES (?, ?, ?, ?, ?)",
                    (self.session_id, name, int(inlet), float(start_s), float(end_s)),
                )
        except sqlite3.Error as error:
            raise StorageError(f"could not save phase {name} of session {self.session_id}: {error}") from error

    def finish(self, status: str) -> None:
        if status not in SESSION_STATUSES[1:]:
            raise ValueError(f"status must be one of {SESSION_STATUSES[1:]}, got {status!r}")
        try:
            with self.store.conn:
                self.store.conn.execute(
                    "UPDATE sessions SET status = ?, ended_at = ? WHERE id = ?", (status, utc_now(), self.session_id)
                )
                operator = self.store.conn.execute(
                    "SELECT operator FROM sessions WHERE id = ?", (self.session_id,)
                ).fetchone()[0]
                _audit_sealed(self.store, operator, "finish", "session", self.session_id, status=status,
                              samples=self.n_samples)  # fmt: skip
        except sqlite3.Error as error:
            raise StorageError(f"could not close session {self.session_id}: {error}") from error
