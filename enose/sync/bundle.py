"""Signed, checksummed file bundles of sessions for sites without a network link.

Layout of a bundle file::

    b"ENOSE-BUNDLE-1\\n"                 magic
    <uncompressed tar>                  manifest.json, subjects.json, rows/*.json,
                                        sessions/<uuid>.json + sessions/<uuid>.bin (raw blobs as stored)
    b"\\nENOSE-SIGNATURE hmac-sha256 " + key id (16 hex) + " " + signature (64 hex) + b"\\n"

The signature is HMAC-SHA256 with the *study key* over every byte before the
trailer, so changing any byte of the file (payload, tar headers, padding or the
trailer itself) makes it refused; ``manifest.json`` also lists the SHA-256 of
every member, and each session's content hash is checked again after reading.

Why HMAC and not Ed25519: the ``cryptography`` package is not a dependency of
this project, and the standard library has no public-key signatures. HMAC proves
the bundle was made by a holder of the study key and not changed since; unlike
Ed25519 it cannot tell *which* key holder made it (every site holds the same
secret). The trailer names its algorithm so Ed25519 can be added later without
breaking old bundles.

The study key is created once by the coordinator (``enose bundle key --new``),
copied to each offline site and to the machine that imports, and kept
owner-only: ``ENOSE_STUDY_KEY`` names the file, default ``study.key`` in the
data directory. Import goes straight into the central database with the same
idempotent writer as the network sync, so importing a bundle twice changes
nothing. The re-identification table is never put in a bundle.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import os
import re
import sys
import tarfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

from enose.security import audit
from enose.security.keys import KeyFileError, create_key_file, read_key_file
from enose.security.permissions import Permission, require
from enose.storage.paths import default_data_dir
from enose.storage.store import Store, utc_now
from enose.sync import central, outbox
from enose.sync.payload import (
    BLOB_FIELDS,
    CHUNK_FIELDS,
    ROW_TABLES,
    SessionPayload,
    finished_session_ids,
    read_rows,
    read_session,
    row_key,
    row_sha256,
)
from enose.sync.uploader import CentralWriter, SyncConflict, SyncError, connect, redact_dsn

__all__ = [
    "BundleError",
    "BundleReport",
    "create_study_key",
    "load_study_key",
    "study_key_path",
    "export_bundle",
    "read_bundle",
    "import_bundle",
]

MAGIC = b"ENOSE-BUNDLE-1\n"
_SIG_PREFIX = b"\nENOSE-SIGNATURE hmac-sha256 "
TRAILER_LENGTH = len(_SIG_PREFIX) + 16 + 1 + 64 + 1
_TRAILER = re.compile(rb"^\nENOSE-SIGNATURE hmac-sha256 ([0-9a-f]{16}) ([0-9a-f]{64})\n$")
_MEMBER = re.compile(r"^(manifest\.json|subjects\.json|rows/[a-z]+\.json|sessions/[0-9a-f-]{36}\.(json|bin))$")


class BundleError(RuntimeError):
    """The bundle is damaged, tampered with, signed with another key, or cannot be written."""


@dataclass
class BundleReport:
    path: str
    sessions: int = 0
    uploaded: int = 0
    skipped: int = 0
    failed: int = 0
    failures: list[dict] = field(default_factory=list)
    rows: dict[str, dict[str, int]] = field(default_factory=dict)
    bytes: int = 0
    seconds: float = 0.0

    def to_json(self) -> dict:
        return {k: (round(v, 3) if isinstance(v, float) else v) for k, v in self.__dict__.items()}


# -- the study key ------------------------------------------------------------------------


def study_key_path() -> Path:
    named = os.environ.get("ENOSE_STUDY_KEY")
    return Path(named) if named else default_data_dir() / "study.key"


def create_study_key(path: Path | None = None) -> Path:
    """Write a new random study key (owner-only); refuse to replace an existing one."""
    target = Path(path) if path else study_key_path()
    if not create_key_file(target):
        raise BundleError(f"{target} already exists; a study has one key (copy it, do not replace it)")
    return target


def load_study_key(path: Path | None = None) -> bytes:
    target = Path(path) if path else study_key_path()
    if not target.is_file():
        raise BundleError(
            f"no study key at {target}: the coordinator creates one with `enose bundle key --new` and copies it "
            "to every site (or set ENOSE_STUDY_KEY to its path)"
        )
    try:
        return read_key_file(target)
    except KeyFileError as error:
        raise BundleError(str(error)) from error


def key_id(key: bytes) -> str:
    return hashlib.sha256(b"enose-study-key\x00" + key).hexdigest()[:16]


# -- export ---------------------------------------------------------------------------------


def _add(tar: tarfile.TarFile, name: str, data: bytes, files: dict) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = 0
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(data))
    files[name] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}


def _session_member(payload: SessionPayload) -> tuple[bytes, bytes]:
    blob = io.BytesIO()
    chunks = []
    for chunk in payload.chunks:
        meta = {k: chunk[k] for k in CHUNK_FIELDS}
        for name in BLOB_FIELDS:
            meta[name] = [blob.tell(), len(chunk[name])]
            blob.write(chunk[name])
        chunks.append(meta)
    doc = {"local_id": payload.local_id, "session": payload.session, "subject": payload.subject,
           "device": payload.device, "events": payload.events, "phases": payload.phases, "chunks": chunks,
           "content_sha256": payload.content_sha256()}  # fmt: skip
    return json.dumps(doc, sort_keys=True).encode(), blob.getvalue()


def export_bundle(store: Store, out: str | os.PathLike, user, *, key: bytes | None = None,
                  progress: bool = False) -> BundleReport:  # fmt: skip
    """Write every finished session (with labels, scores, QC and features) to a signed bundle file.

    Needs :attr:`Permission.SYNC`. The file is written owner-only under a temporary name and
    renamed when complete, so a full disk never leaves a half bundle under the real name.
    """
    from tqdm import tqdm

    require(user, Permission.SYNC)
    started = time.perf_counter()
    key = key if key is not None else load_study_key()
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    files: dict[str, dict] = {}
    ids = finished_session_ids(store)
    uuids = []
    try:
        with open(os.open(tmp, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600), "w+b") as handle:
            handle.write(MAGIC)
            with tarfile.open(fileobj=handle, mode="w", format=tarfile.PAX_FORMAT) as tar:
                for session_id in tqdm(ids, unit="session", desc="bundle", file=sys.stderr, disable=not progress,
                                       leave=False):  # fmt: skip
                    payload = read_session(store, session_id)
                    doc, blobs = _session_member(payload)
                    _add(tar, f"sessions/{payload.uuid}.json", doc, files)
                    _add(tar, f"sessions/{payload.uuid}.bin", blobs, files)
                    uuids.append(payload.uuid)
                subjects = [dict(r) for r in store.db.query("SELECT code, created_at, site, age_years, sex, smoking, "
                                                            "pack_years, copd, previous_cancer FROM subjects")]  # fmt: skip
                _add(tar, "subjects.json", json.dumps(subjects, sort_keys=True).encode(), files)
                for object_type in ROW_TABLES:
                    rows = [{k: (v.hex() if isinstance(v, bytes) else v) for k, v in row.items()}
                            for row in read_rows(store, object_type)]  # fmt: skip
                    _add(tar, f"rows/{object_type}.json", json.dumps(rows, sort_keys=True).encode(), files)
                manifest = {"format": "enose-bundle", "version": 1, "site_uuid": outbox.site_uuid(store),
                            "created_at": utc_now(), "key_id": key_id(key), "sessions": uuids, "files": files}  # fmt: skip
                _add(tar, "manifest.json", json.dumps(manifest, sort_keys=True).encode(), {})
            handle.flush()
            handle.seek(0)
            mac = hmac.new(key, digestmod=hashlib.sha256)
            while piece := handle.read(1 << 20):
                mac.update(piece)
            handle.write(_SIG_PREFIX + key_id(key).encode() + b" " + mac.hexdigest().encode() + b"\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as error:
        tmp.unlink(missing_ok=True)
        raise BundleError(f"could not write the bundle {path}: {error}") from error
    size = path.stat().st_size
    audit.record(store, user.username, "bundle_export", "bundle", path.name, sessions=len(uuids), bytes=size)
    return BundleReport(str(path), sessions=len(uuids), bytes=size, seconds=time.perf_counter() - started)


# -- reading ---------------------------------------------------------------------------------


@dataclass
class Bundle:
    """A verified bundle: its manifest, sessions, subjects and rows."""

    manifest: dict
    sessions: list[SessionPayload]
    subjects: list[dict]
    rows: dict[str, list[dict]]


def _verify_signature(path: Path, key: bytes) -> int:
    """Check magic and signature; return the length of the signed part."""
    size = path.stat().st_size
    with open(path, "rb") as handle:
        head = handle.read(len(MAGIC))
        if head != MAGIC or size < len(MAGIC) + TRAILER_LENGTH:
            raise BundleError(f"{path.name} is not an e-nose bundle, or its beginning is damaged: refused")
        handle.seek(size - TRAILER_LENGTH)
        match = _TRAILER.match(handle.read(TRAILER_LENGTH))
        if not match:
            raise BundleError(f"{path.name} has no valid signature at its end (damaged or truncated): refused")
        if match[1].decode() != key_id(key):
            raise BundleError(
                f"{path.name} was signed with another study key (key id {match[1].decode()}, ours {key_id(key)}): "
                "refused; import it with the study's key"
            )
        handle.seek(0)
        mac = hmac.new(key, digestmod=hashlib.sha256)
        remaining = size - TRAILER_LENGTH
        while remaining:
            piece = handle.read(min(remaining, 1 << 20))
            if not piece:
                raise BundleError(f"{path.name} changed while being read: refused")
            mac.update(piece)
            remaining -= len(piece)
    if not hmac.compare_digest(mac.hexdigest(), match[2].decode()):
        raise BundleError(
            f"{path.name} failed its signature check: the file was modified or damaged after it was made; refused, "
            "nothing was imported. Ask the site for a fresh copy."
        )
    return size - TRAILER_LENGTH


def read_bundle(path: str | os.PathLike, key: bytes | None = None) -> Bundle:
    """Verify the signature and every checksum, then parse the bundle (nothing is written anywhere)."""
    path = Path(path)
    key = key if key is not None else load_study_key()
    signed = _verify_signature(path, key)
    members: dict[str, bytes] = {}
    try:
        with open(path, "rb") as handle:
            handle.seek(len(MAGIC))
            body = io.BytesIO(handle.read(signed - len(MAGIC)))
        with tarfile.open(fileobj=body, mode="r:") as tar:
            for info in tar:
                if not info.isfile() or not _MEMBER.match(info.name) or info.name in members:
                    raise BundleError(f"{path.name} holds an unexpected member {info.name!r}: refused")
                members[info.name] = tar.extractfile(info).read()
        manifest = json.loads(members.pop("manifest.json"))
    except (tarfile.TarError, KeyError, ValueError) as error:
        raise BundleError(f"{path.name} is signed but unreadable ({error}): refused") from error
    if manifest.get("format") != "enose-bundle" or manifest.get("version") != 1:
        raise BundleError(f"{path.name}: unsupported bundle format {manifest.get('format')} {manifest.get('version')}")
    listed = manifest["files"]
    if set(listed) != set(members):
        raise BundleError(f"{path.name}: members do not match its manifest: refused")
    for name, data in members.items():
        if hashlib.sha256(data).hexdigest() != listed[name]["sha256"]:
            raise BundleError(f"{path.name}: checksum of {name} does not match its manifest: refused")
    sessions = []
    for session_uuid in manifest["sessions"]:
        doc = json.loads(members[f"sessions/{session_uuid}.json"])
        blobs = members[f"sessions/{session_uuid}.bin"]
        chunks = []
        for meta in doc["chunks"]:
            chunk = {k: meta[k] for k in CHUNK_FIELDS}
            for name in BLOB_FIELDS:
                offset, length = meta[name]
                chunk[name] = blobs[offset : offset + length]
            chunks.append(chunk)
        payload = SessionPayload(doc["session"], doc["subject"], doc["device"], doc["events"], doc["phases"], chunks,
                                 local_id=doc["local_id"])  # fmt: skip
        if payload.content_sha256() != doc["content_sha256"]:
            raise BundleError(f"{path.name}: session {session_uuid} does not match its content hash: refused")
        sessions.append(payload)
    rows = {}
    for object_type in ROW_TABLES:
        member = members.get(f"rows/{object_type}.json")
        if member is None and object_type == "calibration":
            member = b"[]"  # a bundle from before calibrations travelled
        if member is None:
            raise BundleError(f"{path.name}: rows/{object_type}.json is missing: refused")
        items = json.loads(member)
        if object_type == "features":
            for item in items:
                item["values"] = bytes.fromhex(item["values"])
        rows[object_type] = items
    return Bundle(manifest, sessions, json.loads(members["subjects.json"]), rows)


def import_bundle(store: Store, path: str | os.PathLike, dsn: str, user, *, key: bytes | None = None,
                  progress: bool = False) -> BundleReport:  # fmt: skip
    """Verify a bundle and load it into the central database; importing it again changes nothing.

    ``store`` is the importing machine's local database, where the import is audited.
    Needs :attr:`Permission.SYNC`.
    """
    from tqdm import tqdm

    require(user, Permission.SYNC)
    started = time.perf_counter()
    bundle = read_bundle(path, key)
    report = BundleReport(str(path), sessions=len(bundle.sessions))
    conn = connect(dsn)
    try:
        central.migrate(conn)
        writer = CentralWriter(conn, bundle.manifest["site_uuid"])
        for payload in tqdm(bundle.sessions, unit="session", desc="import", file=sys.stderr, disable=not progress,
                            leave=False):  # fmt: skip
            try:
                outcome = writer.put_session(payload)
            except (SyncConflict, psycopg.DataError, psycopg.IntegrityError) as error:
                report.failed += 1
                report.failures.append({"session": payload.uuid, "reason": str(error).strip()})
                continue
            report.uploaded += outcome == "uploaded"
            report.skipped += outcome == "skipped"
            report.bytes += payload.n_bytes() if outcome == "uploaded" else 0
        writer.put_subjects(bundle.subjects)
        for object_type, items in bundle.rows.items():
            counts = {"uploaded": 0, "skipped": 0, "failed": 0}
            for row in items:
                sent = {k: (json.dumps(v) if isinstance(v, list | dict) else v) for k, v in row.items()}
                try:
                    counts[writer.put_row(object_type, sent, row_sha256(row))] += 1
                except (SyncConflict, psycopg.DataError, psycopg.IntegrityError) as error:
                    counts["failed"] += 1
                    report.failures.append({object_type: row_key(object_type, row), "reason": str(error).strip()})
            report.rows[object_type] = counts
    except psycopg.OperationalError as error:
        raise SyncError(f"lost the central database ({redact_dsn(dsn)}): {error}; import again to resume") from error
    finally:
        conn.close()
    report.seconds = time.perf_counter() - started
    audit.record(store, user.username, "bundle_import", "bundle", Path(path).name, uploaded=report.uploaded,
                 skipped=report.skipped, failed=report.failed, site_uuid=bundle.manifest["site_uuid"])  # fmt: skip
    return report
