"""Signed, checksummed file bundles of sessions for sites without a network link.

Layout of a bundle file (format 2)::

    b"ENOSE-BUNDLE-2\\n"                 magic
    <uncompressed tar>                  manifest.json, subjects.json, rows/*.json,
                                        sessions/<uuid>.json + sessions/<uuid>.bin (raw blobs as stored)
    b"\\nENOSE-SIGNATURE ed25519 " + site uuid (36) + " " + key fingerprint (16 hex) + " "
        + signature (128 hex) + b"\\n"

The signature is Ed25519 by the exporting *site's own key*
(:mod:`enose.security.site_keys`) over every byte before the trailer, so changing
any byte of the file (payload, tar headers, padding or the trailer itself) makes it
refused. Precisely, the signed message is ``SIGNATURE_CONTEXT + SHA-512(every byte
before the trailer)``. Why a digest: export and import stream the file instead of
holding it whole for the signature, and the context string keeps a bundle signature
from ever being valid for anything else the site key signs. To check one by hand::

    Ed25519PublicKey.from_public_bytes(key).verify(sig, SIGNATURE_CONTEXT + sha512(data[:-TRAILER_LENGTH]).digest())

Why per-site keys instead of the former shared study key (format 1, HMAC): every site
held the same secret, so site B could make a bundle that claimed to be site A's and
overwrite A's subjects and labels. Now the centre looks up the public key it enrolled
for the site the bundle names (``enose.site_registry``) and accepts only a signature by
that key; the name in the bundle is never trusted on its own. Format 1 bundles are
refused.

Why a sequence number: re-importing an old genuine bundle after a newer one would put
back what the site corrected since (subject details, QC and features are updated in
place). Each export takes the site's next number (kept in the local audit log, see
:func:`_next_sequence`); the centre records every import in ``enose.bundle_imports`` in the
same transaction as the rows and refuses a number not above the highest it has for that
site. A site's bundle holds *everything* finished at that site, so a newer bundle
supersedes every older one and refusing the older loses nothing.

``manifest.json`` lists the SHA-256 of every member, each session's content hash is
checked again after reading, and every session, subject and row carries the site uuid.
Import goes into the central database with the same idempotent writer as the network
sync; it refuses a bundle that would write to another site's sessions. The
re-identification table is never put in a bundle.
"""

from __future__ import annotations

import hashlib
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
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from enose.security import audit, site_keys
from enose.security.permissions import Permission, require
from enose.security.pseudonyms import SecretKeyError
from enose.storage.store import Store, utc_now
from enose.sync import central, outbox, registry
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
    staff_pseudonyms,
)
from enose.sync.uploader import CentralWriter, SyncConflict, SyncError, connect, redact_dsn

__all__ = [
    "FORMAT_VERSION",
    "SIGNATURE_CONTEXT",
    "Bundle",
    "BundleError",
    "BundleRefused",
    "BundleReport",
    "Trailer",
    "export_bundle",
    "format_trailer",
    "import_bundle",
    "read_bundle",
    "read_trailer",
    "signed_message",
    "verify_bundle_signature",
]

FORMAT_VERSION = 2
MAGIC = b"ENOSE-BUNDLE-2\n"
MAGIC_V1 = b"ENOSE-BUNDLE-1\n"
SIGNATURE_CONTEXT = b"enose-bundle-2 ed25519 sha512\n"
_SIG_PREFIX = b"\nENOSE-SIGNATURE ed25519 "
TRAILER_LENGTH = len(_SIG_PREFIX) + 36 + 1 + 16 + 1 + 128 + 1
_TRAILER = re.compile(rb"^\nENOSE-SIGNATURE ed25519 ([0-9a-f-]{36}) ([0-9a-f]{16}) ([0-9a-f]{128})\n$")
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_MEMBER = re.compile(r"^(manifest\.json|subjects\.json|rows/[a-z]+\.json|sessions/[0-9a-f-]{36}\.(json|bin))$")
_V1_REFUSED = (
    "bundle format 1 signed with the shared study key is no longer accepted; re-export it with this version "
    "(`enose bundle export` signs with the site's own key)"
)

#: Audit actions whose entries hold a bundle number of this site (see :func:`_next_sequence`).
_SEQUENCE_ACTIONS = ("bundle_export_started", "bundle_export")


class BundleError(RuntimeError):
    """The bundle cannot be written or read (a refused bundle is the subclass :class:`BundleRefused`)."""


class BundleRefused(BundleError):
    """The bundle is damaged, forged, from an unenrolled site, a replay, or in a format no longer accepted.

    Nothing was changed in the central database.
    """


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
    site_uuid: str | None = None
    sequence: int | None = None
    bundle_sha256: str | None = None
    already_imported: bool = False

    def to_json(self) -> dict:
        return {k: (round(v, 3) if isinstance(v, float) else v) for k, v in self.__dict__.items()}


# -- signature trailer -----------------------------------------------------------------------


@dataclass(frozen=True)
class Trailer:
    """What a bundle's last line claims: which site signed it, with which key, and the signature."""

    site_uuid: str
    key_fingerprint: str
    signature: bytes


def signed_message(signed_part_sha512: bytes) -> bytes:
    """The message the site key signs, given SHA-512 of every byte before the trailer."""
    return SIGNATURE_CONTEXT + signed_part_sha512


def format_trailer(site_uuid: str, key_fingerprint: str, signature: bytes) -> bytes:
    """The trailer line appended after the signed part (exactly :data:`TRAILER_LENGTH` bytes)."""
    line = _SIG_PREFIX + f"{site_uuid} {key_fingerprint} {signature.hex()}\n".encode()
    if not _TRAILER.match(line):
        raise ValueError("site uuid, key fingerprint or signature has the wrong form for a bundle trailer")
    return line


def read_trailer(data: bytes, name: str = "bundle") -> Trailer:
    """Check the magic and the trailer's form; refuse format 1. Nothing is verified yet."""
    if data.startswith(MAGIC_V1):
        raise BundleRefused(f"{name}: {_V1_REFUSED}")
    if not data.startswith(MAGIC) or len(data) < len(MAGIC) + TRAILER_LENGTH:
        raise BundleRefused(f"{name} is not an e-nose bundle, or its beginning is damaged: refused")
    match = _TRAILER.match(data[-TRAILER_LENGTH:])
    if not match or not _UUID.match(match[1].decode()):
        if b"\nENOSE-SIGNATURE hmac-sha256 " in data[-200:]:
            raise BundleRefused(f"{name}: {_V1_REFUSED}")
        raise BundleRefused(f"{name} has no valid signature at its end (damaged or truncated): refused")
    return Trailer(match[1].decode(), match[2].decode(), bytes.fromhex(match[3].decode()))


def verify_bundle_signature(data: bytes, public_key: bytes, name: str = "bundle") -> Trailer:
    """Refuse (:class:`BundleRefused`) unless ``data`` ends with ``public_key``'s signature of all before it."""
    trailer = read_trailer(data, name)
    _verify(data, trailer, public_key, name)
    return trailer


def _verify(data: bytes, trailer: Trailer, public_key: bytes, name: str) -> None:
    """Refuse unless ``trailer`` is ``public_key``'s signature of everything before it."""
    ours = site_keys.key_fingerprint(public_key)
    if trailer.key_fingerprint != ours:
        raise BundleRefused(
            f"{name} is signed by a key that is not site {trailer.site_uuid}'s (key {trailer.key_fingerprint}; "
            f"the key enrolled for that site is {ours}): refused, nothing was imported"
        )
    digest = hashlib.sha512(memoryview(data)[: len(data) - TRAILER_LENGTH]).digest()
    if not site_keys.verify_signature(public_key, signed_message(digest), trailer.signature):
        raise BundleRefused(
            f"{name} failed its signature check with site {trailer.site_uuid}'s key: the file was modified or "
            "damaged after it was made, or it was signed by a key that is not that site's; refused, nothing was "
            "imported. Ask the site for a fresh copy."
        )


# -- export ---------------------------------------------------------------------------------


def _add(tar: tarfile.TarFile, name: str, data: bytes, files: dict) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = 0
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(data))
    files[name] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}


def _session_member(payload: SessionPayload, site: str) -> tuple[bytes, bytes]:
    blob = io.BytesIO()
    chunks = []
    for chunk in payload.chunks:
        meta = {k: chunk[k] for k in CHUNK_FIELDS}
        for name in BLOB_FIELDS:
            meta[name] = [blob.tell(), len(chunk[name])]
            blob.write(chunk[name])
        chunks.append(meta)
    doc = {"site_uuid": site, "local_id": payload.local_id, "session": payload.session, "subject": payload.subject,
           "device": payload.device, "events": payload.events, "phases": payload.phases, "chunks": chunks,
           "content_sha256": payload.content_sha256()}  # fmt: skip
    return json.dumps(doc, sort_keys=True).encode(), blob.getvalue()


def _next_sequence(store: Store, actor: str, site: str, fingerprint: str, file_name: str) -> int:
    """Take this site's next bundle number, recorded at once as a ``bundle_export_started`` audit entry.

    Why the audit log holds the counter: it is append-only (triggers) and hash-chained, so
    the counter cannot be set back without the chain showing it, and it needs no table
    outside the numbered schema. The number is taken under ``BEGIN IMMEDIATE`` and committed
    before the file is written, so two exports never share one and a crash leaves only a gap.
    """
    conn = store.conn
    if conn.in_transaction:
        conn.commit()
    conn.execute("BEGIN IMMEDIATE")
    try:
        marks = ", ".join("?" * len(_SEQUENCE_ACTIONS))
        taken = [json.loads(d).get("sequence") for (d,) in conn.execute(
            f"SELECT detail FROM audit_log WHERE object_type = 'bundle' AND action IN ({marks})", _SEQUENCE_ACTIONS)]  # fmt: skip
        sequence = max((n for n in taken if isinstance(n, int)), default=0) + 1
        audit.record(store, actor, "bundle_export_started", "bundle", file_name, sequence=sequence, site_uuid=site,
                     key_fingerprint=fingerprint)  # fmt: skip
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return sequence


def export_bundle(store: Store, out: str | os.PathLike, user, *, data_dir: Path | None = None,
                  progress: bool = False) -> BundleReport:  # fmt: skip
    """Write every finished session (with labels, scores, QC and features) to a bundle signed by this site.

    Needs :attr:`Permission.SYNC` and the site signing key (``data_dir``, default the data
    directory); a missing key raises :class:`~enose.security.site_keys.SiteKeyError` before
    anything is written. The file is written owner-only under a temporary name and renamed
    when complete, so a full disk never leaves a half bundle under the real name.
    """
    from tqdm import tqdm

    require(user, Permission.SYNC)
    started = time.perf_counter()
    key: Ed25519PrivateKey = site_keys.load_signing_key(data_dir)
    try:
        staff = staff_pseudonyms(store)  # staff names leave the site only as keyed pseudonyms
    except SecretKeyError as error:
        raise BundleError(f"{error}; no bundle was written") from error
    fingerprint = site_keys.key_fingerprint(key.public_key().public_bytes_raw())
    site = outbox.site_uuid(store)
    path = Path(out)
    sequence = _next_sequence(store, user.username, site, fingerprint, path.name)
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
                    payload = read_session(store, session_id, staff)
                    doc, blobs = _session_member(payload, site)
                    _add(tar, f"sessions/{payload.uuid}.json", doc, files)
                    _add(tar, f"sessions/{payload.uuid}.bin", blobs, files)
                    uuids.append(payload.uuid)
                subjects = [dict(r, site_uuid=site) for r in store.db.query(
                    "SELECT code, created_at, site, age_years, sex, smoking, pack_years, copd, previous_cancer "
                    "FROM subjects")]  # fmt: skip
                _add(tar, "subjects.json", json.dumps(subjects, sort_keys=True).encode(), files)
                for object_type in ROW_TABLES:
                    rows = [{"site_uuid": site, **{k: (v.hex() if isinstance(v, bytes) else v) for k, v in row.items()}}
                            for row in read_rows(store, object_type, staff)]  # fmt: skip
                    _add(tar, f"rows/{object_type}.json", json.dumps(rows, sort_keys=True).encode(), files)
                manifest = {"format": "enose-bundle", "version": FORMAT_VERSION, "site_uuid": site,
                            "key_fingerprint": fingerprint, "sequence": sequence, "created_at": utc_now(),
                            "sessions": uuids, "files": files}  # fmt: skip
                _add(tar, "manifest.json", json.dumps(manifest, sort_keys=True).encode(), {})
            handle.flush()
            handle.seek(0)
            digest = hashlib.sha512()
            while piece := handle.read(1 << 20):
                digest.update(piece)
            handle.write(format_trailer(site, fingerprint, key.sign(signed_message(digest.digest()))))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as error:
        tmp.unlink(missing_ok=True)
        raise BundleError(f"could not write the bundle {path}: {error}") from error
    whole = hashlib.sha256()
    with open(path, "rb") as handle:
        while piece := handle.read(1 << 20):
            whole.update(piece)
    size = path.stat().st_size
    audit.record(store, user.username, "bundle_export", "bundle", path.name, sessions=len(uuids), bytes=size,
                 sequence=sequence, site_uuid=site, key_fingerprint=fingerprint, bundle_sha256=whole.hexdigest())  # fmt: skip
    return BundleReport(str(path), sessions=len(uuids), bytes=size, seconds=time.perf_counter() - started,
                        site_uuid=site, sequence=sequence, bundle_sha256=whole.hexdigest())  # fmt: skip


# -- reading ---------------------------------------------------------------------------------


@dataclass
class Bundle:
    """A verified bundle: its manifest, sessions, subjects and rows (each stripped of its site uuid)."""

    manifest: dict
    sessions: list[SessionPayload]
    subjects: list[dict]
    rows: dict[str, list[dict]]
    sha256: str = ""

    @property
    def site_uuid(self) -> str:
        return self.manifest["site_uuid"]

    @property
    def sequence(self) -> int:
        return self.manifest["sequence"]


def _same_site(items: list[dict], site: str, what: str, name: str) -> list[dict]:
    """Strip each item's ``site_uuid``, refusing any that names another site than the signer."""
    for item in items:
        if item.pop("site_uuid", None) != site:
            raise BundleRefused(f"{name}: a {what} in it does not carry the signing site's uuid {site}: refused")
    return items


def _parse(data: bytes, trailer: Trailer, name: str) -> Bundle:
    """Parse a bundle whose signature was verified; check every checksum and that it is all one site's."""
    try:
        return _parse_members(data, trailer, name)
    except (KeyError, TypeError, ValueError, IndexError) as error:  # signed, yet not what this software writes
        raise BundleRefused(f"{name} is signed but malformed ({type(error).__name__}: {error}): refused") from error


def _parse_members(data: bytes, trailer: Trailer, name: str) -> Bundle:
    members: dict[str, bytes] = {}
    try:
        body = io.BytesIO(memoryview(data)[len(MAGIC) : len(data) - TRAILER_LENGTH])
        with tarfile.open(fileobj=body, mode="r:") as tar:
            for info in tar:
                if not info.isfile() or not _MEMBER.match(info.name) or info.name in members:
                    raise BundleRefused(f"{name} holds an unexpected member {info.name!r}: refused")
                members[info.name] = tar.extractfile(info).read()
        manifest = json.loads(members.pop("manifest.json"))
    except (tarfile.TarError, KeyError, ValueError) as error:
        raise BundleRefused(f"{name} is signed but unreadable ({error}): refused") from error
    if manifest.get("format") != "enose-bundle" or manifest.get("version") != FORMAT_VERSION:
        raise BundleRefused(f"{name}: unsupported bundle format {manifest.get('format')} {manifest.get('version')}")
    site = trailer.site_uuid
    if manifest.get("site_uuid") != site or manifest.get("key_fingerprint") != trailer.key_fingerprint:
        raise BundleRefused(f"{name}: its manifest names another site or key than its signature: refused")
    sequence = manifest.get("sequence")
    if not isinstance(sequence, int) or isinstance(sequence, bool) or sequence < 1:
        raise BundleRefused(f"{name}: its manifest has no valid sequence number: refused")
    listed = manifest["files"]
    if set(listed) != set(members):
        raise BundleRefused(f"{name}: members do not match its manifest: refused")
    for member, content in members.items():
        if hashlib.sha256(content).hexdigest() != listed[member]["sha256"]:
            raise BundleRefused(f"{name}: checksum of {member} does not match its manifest: refused")
    sessions = []
    for session_uuid in manifest["sessions"]:
        doc = json.loads(members[f"sessions/{session_uuid}.json"])
        if doc.get("site_uuid") != site or doc["session"]["uuid"] != session_uuid:
            raise BundleRefused(f"{name}: session {session_uuid} does not carry the signing site's uuid: refused")
        blobs = members[f"sessions/{session_uuid}.bin"]
        chunks = []
        for meta in doc["chunks"]:
            chunk = {k: meta[k] for k in CHUNK_FIELDS}
            for field_name in BLOB_FIELDS:
                offset, length = meta[field_name]
                chunk[field_name] = blobs[offset : offset + length]
            chunks.append(chunk)
        payload = SessionPayload(doc["session"], doc["subject"], doc["device"], doc["events"], doc["phases"], chunks,
                                 local_id=doc["local_id"])  # fmt: skip
        if payload.content_sha256() != doc["content_sha256"]:
            raise BundleRefused(f"{name}: session {session_uuid} does not match its content hash: refused")
        sessions.append(payload)
    rows = {}
    for object_type in ROW_TABLES:
        member = members.get(f"rows/{object_type}.json")
        if member is None:
            raise BundleRefused(f"{name}: rows/{object_type}.json is missing: refused")
        items = _same_site(json.loads(member), site, object_type, name)
        if object_type == "features":
            for item in items:
                item["values"] = bytes.fromhex(item["values"])
        rows[object_type] = items
    subjects = _same_site(json.loads(members["subjects.json"]), site, "subject", name)
    return Bundle(manifest, sessions, subjects, rows, hashlib.sha256(data).hexdigest())


def read_bundle(path: str | os.PathLike, public_key: bytes) -> Bundle:
    """Verify the signature with ``public_key`` and every checksum, then parse the bundle (nothing is written).

    The file is read once and everything is checked on those bytes, so a file changed
    while being imported cannot pass the check with one content and load another.
    """
    path = Path(path)
    data = _read(path)
    return _parse(data, verify_bundle_signature(data, public_key, path.name), path.name)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise BundleError(f"cannot read the bundle {path}: {error}") from error


# -- import ----------------------------------------------------------------------------------


def _lock_site(conn: psycopg.Connection, site: str) -> None:
    """Hold a per-site lock until the transaction ends, so two imports of one site run one after the other.

    Why: otherwise both could pass the sequence check before either recorded its import.
    An advisory lock, because the importer role may only SELECT the registry (a row lock
    with ``FOR UPDATE`` needs UPDATE rights).
    """
    key = int.from_bytes(hashlib.sha256(b"enose-bundle-import\x00" + site.encode()).digest()[:8], "big", signed=True)
    conn.execute("SELECT pg_advisory_xact_lock(%s)", (key,))


def _check_replay(conn: psycopg.Connection, bundle: Bundle, name: str) -> dict | None:
    """The earlier import of this very file (None if new); refuse an older or reused sequence number."""
    same = conn.execute(
        "SELECT sequence, imported_at, imported_by FROM enose.bundle_imports WHERE site_uuid = %s AND bundle_sha256 = %s",
        (bundle.site_uuid, bundle.sha256),
    ).fetchone()
    if same is not None:
        return {"sequence": same[0], "imported_at": same[1], "imported_by": same[2]}
    newest = conn.execute(
        """SELECT sequence, bundle_sha256, imported_at, imported_by FROM enose.bundle_imports WHERE site_uuid = %s
           ORDER BY sequence DESC LIMIT 1""",
        (bundle.site_uuid,),
    ).fetchone()
    if newest is not None and bundle.sequence <= newest[0]:
        raise BundleRefused(
            f"{name} is bundle number {bundle.sequence} of site {bundle.site_uuid}, but that site's bundle number "
            f"{newest[0]} (sha256 {newest[1][:16]}..., imported {newest[2]:%Y-%m-%d %H:%M %Z} by {newest[3]}) was "
            "already imported: loading an older bundle after a newer one would undo later corrections, so it is "
            "refused and nothing was changed. A site's newer bundle already holds everything an older one did; "
            "if this one is newer, the site's database may have been restored from a backup: ask the site."
        )
    return None


def _check_ownership(conn: psycopg.Connection, bundle: Bundle, name: str) -> None:
    """Refuse a bundle whose sessions, or whose rows' sessions, belong to another site at the centre.

    Run after the sessions were written, in the same transaction: a session another site
    imported meanwhile is seen too. A session's newest QC and features versions are the
    ones in force and its scores are shown with it, so without this a site could change
    another site's results.
    """
    site = bundle.site_uuid
    referenced = {p.uuid for p in bundle.sessions}
    referenced |= {r["session_uuid"] for items in bundle.rows.values() for r in items if r.get("session_uuid")}
    if not referenced:
        return
    other = conn.execute(
        "SELECT uuid::text, site_uuid::text FROM enose.sessions WHERE uuid = ANY(%s::uuid[]) AND site_uuid <> %s "
        "LIMIT 1",
        (sorted(referenced), site),
    ).fetchone()
    if other is not None:
        raise BundleRefused(
            f"{name}: session {other[0]} belongs to site {other[1]} at the centre, and a bundle from site {site} "
            "may not write another site's sessions or their rows: refused, nothing was changed"
        )


def _write(writer: CentralWriter, bundle: Bundle, report: BundleReport, name: str, progress: bool) -> None:
    from tqdm import tqdm

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
    _check_ownership(writer.conn, bundle, name)
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


def import_bundle(store: Store, path: str | os.PathLike, dsn: str, user, *, progress: bool = False,
                  insecure: bool = False) -> BundleReport:  # fmt: skip
    """Verify a bundle against its site's enrolled key and load it into the central database.

    Refused (:class:`BundleRefused`, nothing changed) when the site is not enrolled or is
    revoked, the signature is not by that site's key, the file was changed, it names or
    touches another site's data, or a bundle with the same or a higher number of that site
    was imported already. The very same file imported again is reported as
    ``already_imported`` and changes nothing. Rows and the ``enose.bundle_imports`` record
    commit together; sessions or rows the central database refuses (listed in the report)
    do not stop the rest, and the bundle counts as imported, so an older one stays refused. ``store`` is the importing machine's local database, where the import
    (or its refusal) is audited. The connection follows the TLS rule of
    :mod:`enose.sync.connection` (``insecure`` allows a weaker one, audited). Needs
    :attr:`Permission.SYNC`; centrally, a role in ``enose_importer`` (or the owner).
    """
    require(user, Permission.SYNC)
    started = time.perf_counter()
    path = Path(path)
    try:
        report = _import(store, path, dsn, user, progress, insecure)
    except BundleRefused as error:
        audit.record(store, user.username, "bundle_import_refused", "bundle", path.name, reason=str(error))
        raise
    report.seconds = time.perf_counter() - started
    audit.record(store, user.username, "bundle_import", "bundle", path.name, uploaded=report.uploaded,
                 skipped=report.skipped, failed=report.failed, site_uuid=report.site_uuid, sequence=report.sequence,
                 already_imported=report.already_imported)  # fmt: skip
    return report


def _import(store: Store, path: Path, dsn: str, user, progress: bool, insecure: bool) -> BundleReport:
    name = path.name
    data = _read(path)
    trailer = read_trailer(data, name)
    report = BundleReport(str(path), site_uuid=trailer.site_uuid, bundle_sha256=hashlib.sha256(data).hexdigest())
    conn = connect(dsn, insecure=insecure, store=store, actor=user.username, application_name="enose-bundle-import")
    try:
        try:
            central.require_current(conn)
        except (central.CentralSchemaMissing, central.CentralSchemaTooNew) as error:
            raise SyncError(str(error)) from error
        with conn.transaction():
            _lock_site(conn, trailer.site_uuid)
            public_key = registry.site_public_key(conn, trailer.site_uuid)
            if public_key is None:
                raise BundleRefused(
                    f"{name}: site {trailer.site_uuid} is not enrolled at the centre (or its key was revoked): an "
                    "administrator enrols its public key with `enose central enrol-site`; refused, nothing was "
                    "imported"
                )
            _verify(data, trailer, public_key, name)
            bundle = _parse(data, trailer, name)
            del data  # the parsed copy is all that is needed from here on
            report.sessions, report.sequence = len(bundle.sessions), bundle.sequence
            if _check_replay(conn, bundle, name) is not None:
                report.already_imported, report.skipped = True, report.sessions
                return report
            _write(CentralWriter(conn, bundle.site_uuid), bundle, report, name, progress)
            conn.execute(
                "INSERT INTO enose.bundle_imports (site_uuid, sequence, bundle_sha256, imported_by)"
                " VALUES (%s, %s, %s, %s)",
                (bundle.site_uuid, bundle.sequence, bundle.sha256, user.username),
            )
    except psycopg.OperationalError as error:
        raise SyncError(f"lost the central database ({redact_dsn(dsn)}): {error}; import again to resume") from error
    finally:
        conn.close()
    return report
