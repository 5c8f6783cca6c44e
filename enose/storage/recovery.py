"""Emergency files back into the database: the samples a full or broken disk kept out of it.

When the database cannot be written to the end of a recording, the screening engine
writes the unsaved samples to ``enose-unsaved-session-<id>-<unix time>.npz`` in the
first writable of :func:`emergency_folders`. :func:`recover` appends them to their
session (raw samples are append-only: nothing stored is changed), records an event
saying so, and moves the file to a ``recovered/`` folder beside it (never deleted), so
a second run finds nothing to do. A file that does not fit its session (another
channel layout, samples that overlap what is stored, a session that is not in this
database) is left where it is and reported: nothing is guessed.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from enose.storage.chunks import SampleBlock
from enose.storage.paths import default_data_dir
from enose.storage.store import Store

__all__ = ["EMERGENCY_PATTERN", "RecoveryOutcome", "emergency_files", "emergency_folders", "recover"]

#: File name of an emergency file; group 1 is the session id.
EMERGENCY_PATTERN = re.compile(r"^enose-unsaved-session-(\d+)-\d+\.npz$")


def emergency_folders(db_path: str | Path) -> list[Path]:
    """Where emergency files go, in the order the engine tries them (beside the database first)."""
    return [Path(db_path).parent / "emergency", default_data_dir() / "emergency", Path.home() / "enose-emergency",
            Path(tempfile.gettempdir())]  # fmt: skip


def emergency_files(db_path: str | Path, folders: list[Path] | None = None) -> list[Path]:
    """Emergency files waiting in the folders (not yet recovered), oldest name first."""
    found: list[Path] = []
    for folder in folders or emergency_folders(db_path):
        if folder.is_dir():
            found += [p for p in folder.iterdir() if p.is_file() and EMERGENCY_PATTERN.match(p.name)]
    return sorted(set(found), key=lambda p: p.name)


@dataclass(frozen=True)
class RecoveryOutcome:
    """What happened to one emergency file."""

    path: str
    session_id: int | None
    recovered: bool
    samples: int
    reason: str
    moved_to: str | None = None

    def as_dict(self) -> dict:
        return self.__dict__.copy()


def _recover_one(store: Store, path: Path, named: bool, actor: str) -> RecoveryOutcome:
    match = EMERGENCY_PATTERN.match(path.name)
    if match is None:
        return RecoveryOutcome(str(path), None, False, 0, "not an emergency file name (enose-unsaved-session-N-T.npz)")
    session_id = int(match.group(1))
    try:
        with np.load(path) as data:
            values, channels, t = data["values"], [str(c) for c in data["channels"]], data["t"]
            uuid = str(data["session_uuid"]) if "session_uuid" in data.files else ""
            block = SampleBlock(t_s=t, device_seq=data["device_seq"], device_t_ms=data["device_t_ms"],
                                flags=data["flags"], values=values)  # fmt: skip
    except (OSError, ValueError, KeyError, EOFError) as error:
        return RecoveryOutcome(str(path), session_id, False, 0, f"unreadable emergency file: {error}")
    if len(block) == 0:
        return RecoveryOutcome(str(path), session_id, False, 0, "the file holds no sample")
    row = store.conn.execute("SELECT uuid FROM sessions WHERE id = ?", (session_id,)).fetchone()
    if row is None:
        return RecoveryOutcome(str(path), session_id, False, 0, f"session {session_id} is not in {store.path}")
    if uuid and uuid != row[0]:
        return RecoveryOutcome(str(path), session_id, False, 0,
                               f"it belongs to session {uuid} of another database, not to {store.path}")  # fmt: skip
    if not uuid and not named:
        return RecoveryOutcome(str(path), session_id, False, 0,
                               "it names no session uuid (an older file): import it explicitly with --file")  # fmt: skip
    recording = store.load_recording(session_id)
    if list(recording.layout.names) != channels:
        return RecoveryOutcome(str(path), session_id, False, 0,
                               f"its channels {channels} are not session {session_id}'s {list(recording.layout.names)}")  # fmt: skip
    if recording.n_samples and float(block.t_s[0]) <= float(recording.t_s[-1]):
        return RecoveryOutcome(str(path), session_id, False, 0,
                               f"its samples start at {float(block.t_s[0]):.3f} s, not after the "
                               f"{float(recording.t_s[-1]):.3f} s already stored: not appended twice")  # fmt: skip
    writer = store.resume_session(session_id, len(channels))
    writer.append(block, lost_samples=writer.lost_samples)
    writer.event("recovered_from_emergency_file", float(block.t_s[0]), file=path.name, samples=len(block))
    writer.seal(actor, "recovered", file=path.name, samples=len(block))
    target = path.parent / "recovered" / path.name
    target.parent.mkdir(parents=True, exist_ok=True)
    path.replace(target)
    return RecoveryOutcome(str(path), session_id, True, len(block), "appended", str(target))


def recover(store: Store, files: list[Path] | None = None, *, actor: str) -> list[RecoveryOutcome]:
    """Append every emergency file (default: all found for this database) to its session; one outcome per file.

    ``actor`` is recorded in the audit trail with each session's new fingerprint. The permission
    check is the caller's: :func:`enose.security.access.recover_emergency_files`.
    """
    if files is not None:
        return [_recover_one(store, Path(f), named=True, actor=actor) for f in files]
    return [_recover_one(store, path, named=False, actor=actor) for path in emergency_files(store.path)]
