"""Per-site bundle signatures: a site can sign only as itself, and an older bundle cannot undo a newer one.

Real PostgreSQL (``central_dsn``), real key files and bundle files. The attacks are the
ones reported: site B forging a bundle in site A's name (changing A's subject, adding a
cancer label), and an old genuine bundle re-imported after a correction.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import shutil
import sqlite3
import stat
from dataclasses import dataclass
from pathlib import Path
from uuid import uuid4

import psycopg
import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from enose.cli import cli
from enose.security import User, site_keys
from enose.security.site_keys import SiteKeyError
from enose.storage import Store
from enose.storage.analysis import save_qc
from enose.storage.store import utc_now
from enose.sync import central, outbox, registry
from enose.sync.bundle import (
    MAGIC,
    SIGNATURE_CONTEXT,
    TRAILER_LENGTH,
    BundleRefused,
    export_bundle,
    format_trailer,
    import_bundle,
    read_bundle,
    signed_message,
    verify_bundle_signature,
)
from tests.sync.conftest import write_sessions

ADMIN = User("admin1", "admin")


def prepare_central(dsn: str) -> None:
    """Migrate the fresh central database, as its owner (the test server's superuser)."""
    with psycopg.connect(dsn) as conn:
        central.migrate(conn)


def enrol(dsn: str, site_uuid: str, public_key: bytes, code: str) -> None:
    """What ``enose central enrol-site`` does; roles are cluster-wide, so each test's role name is new."""
    prepare_central(dsn)
    with psycopg.connect(dsn) as conn:
        registry.enrol_site(conn, site_uuid, public_key, site_code=code, db_role=f"site_{code.lower()}_{uuid4().hex[:10]}",
                            enrolled_by="coordinator")  # fmt: skip


@dataclass
class Site:
    """An offline site: its own database, its own data directory with its own signing key."""

    db: Path
    data_dir: Path
    uuid: str
    public_key: bytes

    def export(self, out: Path) -> Path:
        with Store.open(self.db) as store:
            export_bundle(store, out, ADMIN, data_dir=self.data_dir)
        return out


def make_site(root: Path, n_sessions: int, prefix: str, *, seed: int = 0) -> Site:
    root.mkdir(parents=True)
    db = root / "enose.db"
    write_sessions(db, n_sessions, seed=seed, subject_prefix=prefix)
    with Store.open(db) as store:
        uuid = outbox.site_uuid(store)
    return Site(db, root / "data", uuid, site_keys.create_site_key(root / "data"))


def add_label(
    store: Store, code: str, cancer: bool, *, supersedes: int | None = None, source: str = "pathology"
) -> int:
    """A confirmed diagnosis as the clinic enters it (append-only; a correction supersedes the old row)."""
    with store.conn:
        cursor = store.conn.execute(
            "INSERT INTO labels (subject_code, cancer, source, entered_by, entered_at, supersedes)"
            " VALUES (?, ?, ?, 'clin1', ?, ?)",
            (code, int(cancer), source, utc_now(), supersedes),
        )
    return int(cursor.lastrowid)


def do_import(site_db: Path, bundle: Path, dsn: str):
    with Store.open(site_db) as store:
        return import_bundle(store, bundle, dsn, ADMIN)


def central_state(dsn: str) -> dict[str, list]:
    """Every central row a bundle import can write (without the big sample blobs, which are checked by count)."""
    queries = {
        "sites": "SELECT site_uuid::text, last_sync FROM enose.sites ORDER BY 1",
        "subjects": "SELECT * FROM enose.subjects ORDER BY site_uuid, code",
        "subject_updates": "SELECT count(*) FROM enose.subject_updates",
        "device_reports": "SELECT count(*) FROM enose.device_reports",
        "sessions": "SELECT uuid::text, site_uuid::text, content_sha256 FROM enose.sessions ORDER BY 1",
        "chunks": "SELECT count(*) FROM enose.sample_chunks",
        "labels": "SELECT * FROM enose.labels ORDER BY site_uuid, local_id",
        "qc": "SELECT * FROM enose.qc_results ORDER BY session_uuid, processing_version",
        "features": "SELECT session_uuid, processing_version, content_sha256 FROM enose.features ORDER BY 1, 2",
        "scores": "SELECT site_uuid, local_id, content_sha256 FROM enose.scores ORDER BY 1, 2",
        "imports": "SELECT site_uuid, sequence, bundle_sha256 FROM enose.bundle_imports ORDER BY 1, 2",
    }
    with psycopg.connect(dsn) as conn:
        return {name: conn.execute(sql).fetchall() for name, sql in queries.items()}


def current_label(dsn: str, site_uuid: str, code: str) -> int:
    with psycopg.connect(dsn) as conn:
        return conn.execute(
            "SELECT cancer FROM enose.current_labels WHERE site_uuid = %s AND subject_code = %s", (site_uuid, code)
        ).fetchone()[0]


@pytest.fixture
def site_a(tmp_path) -> Site:
    site = make_site(tmp_path / "site-a", 2, "LIL")
    with Store.open(site.db) as store:
        add_label(store, "LIL-0000", False)
    return site


@pytest.fixture
def site_b(tmp_path) -> Site:
    return make_site(tmp_path / "site-b", 1, "BRS", seed=1)


# -- the format: a known-value vector ---------------------------------------------------------

# RFC 8032 section 7.1, test 1: a published Ed25519 private key and its public key.
RFC8032_SECRET = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
RFC8032_PUBLIC = bytes.fromhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
VECTOR_SITE = "0f8fad5b-d9cb-469f-a165-70867728950e"
VECTOR_SIGNED = b"ENOSE-BUNDLE-2\na tar archive would be here\n"
VECTOR_TRAILER = (
    b"\nENOSE-SIGNATURE ed25519 0f8fad5b-d9cb-469f-a165-70867728950e 21fe31dfa154a261 "
    b"4dff254db99bcbc207bfcba7d539a73d47817b9b2d8f071022eb1cc2020022e96c322377a02bf770759fefdf7fd682efbe6e3d9ddcb5c7b4"
    b"72b11b7cd948e708\n"
)


def test_known_value_vector_for_the_trailer_and_signature(tmp_path):
    """Fixed key and bytes give this exact trailer (Ed25519 is deterministic); the spec in the docstring holds."""
    key_dir = tmp_path / "data"
    key_dir.mkdir()
    pem = Ed25519PrivateKey.from_private_bytes(RFC8032_SECRET).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    (key_dir / site_keys.SIGNING_KEY_FILE).write_bytes(pem)
    os.chmod(key_dir / site_keys.SIGNING_KEY_FILE, 0o600)
    assert site_keys.public_key_bytes(key_dir) == RFC8032_PUBLIC
    assert site_keys.key_fingerprint(RFC8032_PUBLIC) == hashlib.sha256(RFC8032_PUBLIC).hexdigest()[:16]

    assert VECTOR_SIGNED.startswith(MAGIC) and SIGNATURE_CONTEXT == b"enose-bundle-2 ed25519 sha512\n"
    message = SIGNATURE_CONTEXT + hashlib.sha512(VECTOR_SIGNED).digest()
    assert signed_message(hashlib.sha512(VECTOR_SIGNED).digest()) == message
    signature = site_keys.sign(message, key_dir)
    trailer = format_trailer(VECTOR_SITE, site_keys.key_fingerprint(RFC8032_PUBLIC), signature)
    assert trailer == VECTOR_TRAILER and len(trailer) == TRAILER_LENGTH == 208
    # independently of this package's code: plain Ed25519 over context + SHA-512 of the signed part
    Ed25519PublicKey.from_public_bytes(RFC8032_PUBLIC).verify(bytes.fromhex(VECTOR_TRAILER[-129:-1].decode()), message)

    found = verify_bundle_signature(VECTOR_SIGNED + VECTOR_TRAILER, RFC8032_PUBLIC)
    assert (found.site_uuid, found.key_fingerprint, found.signature) == (VECTOR_SITE, "21fe31dfa154a261", signature)
    for index in (0, len(MAGIC) + 3, len(VECTOR_SIGNED) - 1, len(VECTOR_SIGNED) + 70, -2):
        flipped = bytearray(VECTOR_SIGNED + VECTOR_TRAILER)
        flipped[index] ^= 0x01
        with pytest.raises(BundleRefused, match="refused"):
            verify_bundle_signature(bytes(flipped), RFC8032_PUBLIC)


# -- site keys --------------------------------------------------------------------------------


def test_a_site_key_is_created_once_owner_only_with_a_public_line_to_send(tmp_path):
    raw = site_keys.create_site_key(tmp_path)
    key_file, pub_file = tmp_path / site_keys.SIGNING_KEY_FILE, tmp_path / site_keys.PUBLIC_KEY_FILE
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600 and stat.S_IMODE(pub_file.stat().st_mode) == 0o644
    assert key_file.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    line = pub_file.read_text()
    assert line == f"ed25519 {raw.hex()}\n" and site_keys.format_public_key(raw) == line.strip()
    assert site_keys.parse_public_key(line) == site_keys.parse_public_key(raw.hex()) == raw
    assert site_keys.public_key_bytes(tmp_path) == raw
    signature = site_keys.sign(b"message", tmp_path)
    assert len(signature) == 64 and site_keys.verify_signature(raw, b"message", signature)
    assert not site_keys.verify_signature(raw, b"messagE", signature)
    assert not site_keys.verify_signature(b"short", b"message", signature)
    before = key_file.read_bytes()
    with pytest.raises(SiteKeyError, match="already"):
        site_keys.create_site_key(tmp_path)
    assert key_file.read_bytes() == before
    for bad in ("", "ed25519", "rsa " + raw.hex(), raw.hex()[:-2], "ed25519 " + raw.hex() + "00", "zz" * 32):
        with pytest.raises(ValueError):
            site_keys.parse_public_key(bad)


def test_a_missing_key_is_explained_and_never_created(tmp_path, monkeypatch):
    monkeypatch.setenv("ENOSE_DATA_DIR", str(tmp_path / "data"))
    db = tmp_path / "site.db"
    write_sessions(db, 1)
    with pytest.raises(SiteKeyError) as raised:
        site_keys.load_signing_key()
    assert "backup" in str(raised.value) and "enose bundle keygen" in str(raised.value)
    with Store.open(db) as store, pytest.raises(SiteKeyError, match="enose bundle keygen"):
        export_bundle(store, tmp_path / "b.enose", ADMIN)
    result = CliRunner().invoke(cli, ["bundle", "export", "--out", str(tmp_path / "c.enose"), "--db", str(db)])
    assert result.exit_code == 2 and "enose bundle keygen" in result.output and "no bundle was written" in result.output
    assert not (tmp_path / "data" / site_keys.SIGNING_KEY_FILE).exists()
    assert not (tmp_path / "data" / site_keys.PUBLIC_KEY_FILE).exists()
    assert not list(tmp_path.glob("*.enose*"))


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o644])
def test_a_key_file_others_can_read_is_refused(tmp_path, mode):
    site_keys.create_site_key(tmp_path / "data")
    os.chmod(tmp_path / "data" / site_keys.SIGNING_KEY_FILE, mode)
    db = tmp_path / "site.db"
    write_sessions(db, 1)
    with pytest.raises(SiteKeyError, match="readable by other users"):
        site_keys.sign(b"x", tmp_path / "data")
    with Store.open(db) as store, pytest.raises(SiteKeyError, match="chmod 600"):
        export_bundle(store, tmp_path / "b.enose", ADMIN, data_dir=tmp_path / "data")
    assert not (tmp_path / "b.enose").exists()


def test_a_damaged_key_file_is_refused_with_how_to_restore_it(tmp_path):
    site_keys.create_site_key(tmp_path)
    (tmp_path / site_keys.SIGNING_KEY_FILE).write_text("not a key\n")
    with pytest.raises(SiteKeyError, match="backup"):
        site_keys.load_signing_key(tmp_path)


def test_cli_keygen_prints_the_public_key_once_and_the_old_study_key_command_points_to_it(tmp_path, monkeypatch):
    monkeypatch.setenv("ENOSE_DATA_DIR", str(tmp_path))
    runner = CliRunner()
    result = runner.invoke(cli, ["bundle", "keygen"])
    assert result.exit_code == 0, result.output
    raw = site_keys.public_key_bytes(tmp_path)
    assert f"ed25519 {raw.hex()}" in result.output and site_keys.key_fingerprint(raw) in result.output
    assert "site-signing.pub" in result.output and "centre" in result.output
    again = runner.invoke(cli, ["bundle", "keygen"])
    assert again.exit_code == 2 and "already exists" in again.output
    assert site_keys.public_key_bytes(tmp_path) == raw
    old = runner.invoke(cli, ["bundle", "key", "--new"])
    assert old.exit_code == 2 and "enose bundle keygen" in old.output
    assert not (tmp_path / "study.key").exists()


# -- export: what a bundle carries -----------------------------------------------------------


def test_each_export_carries_the_site_its_key_and_the_next_sequence_number(tmp_path, site_a):
    first, second = site_a.export(tmp_path / "1.enose"), site_a.export(tmp_path / "2.enose")
    one, two = read_bundle(first, site_a.public_key), read_bundle(second, site_a.public_key)
    fingerprint = site_keys.key_fingerprint(site_a.public_key)
    assert (one.manifest["version"], one.site_uuid, one.manifest["key_fingerprint"]) == (2, site_a.uuid, fingerprint)
    assert (one.sequence, two.sequence) == (1, 2)
    assert first.read_bytes()[-TRAILER_LENGTH:].startswith(f"\nENOSE-SIGNATURE ed25519 {site_a.uuid} ".encode())
    with sqlite3.connect(site_a.db) as raw:  # the counter lives in the append-only audit log
        rows = [(a, json.loads(d)) for a, d in raw.execute(
            "SELECT action, detail FROM audit_log WHERE action LIKE 'bundle_export%' ORDER BY id")]  # fmt: skip
    assert [(a, d["sequence"], d["site_uuid"], d.get("bundle_sha256")) for a, d in rows] == [
        ("bundle_export_started", 1, site_a.uuid, None), ("bundle_export", 1, site_a.uuid, one.sha256),
        ("bundle_export_started", 2, site_a.uuid, None), ("bundle_export", 2, site_a.uuid, two.sha256),
    ]  # fmt: skip


# -- import: identity comes from the registry ------------------------------------------------


def test_a_bundle_forged_as_site_a_with_site_b_key_is_refused_and_changes_nothing(tmp_path, central_dsn, site_a,
                                                                                  site_b):  # fmt: skip
    enrol(central_dsn, site_a.uuid, site_a.public_key, "A")
    enrol(central_dsn, site_b.uuid, site_b.public_key, "B")
    do_import(site_a.db, site_a.export(tmp_path / "a.enose"), central_dsn)
    before = central_state(central_dsn)
    assert current_label(central_dsn, site_a.uuid, "LIL-0000") == 0

    # Site B takes a copy of A's database (so the bundle names A), changes A's subject, adds a cancer
    # label, and signs with its own key, the only one it has.
    forged_db = tmp_path / "forged.db"
    shutil.copy(site_a.db, forged_db)
    with Store.open(forged_db) as store:
        store.ensure_subject("LIL-0000", age_years=33, smoking="never")
        add_label(store, "LIL-0000", True, supersedes=1, source="forged")
        forged = export_bundle(store, tmp_path / "forged.enose", ADMIN, data_dir=site_b.data_dir)
    assert read_bundle(tmp_path / "forged.enose", site_b.public_key).site_uuid == site_a.uuid  # it claims A

    with pytest.raises(BundleRefused, match=f"signed by a key that is not site {site_a.uuid}'s"):
        do_import(site_b.db, Path(forged.path), central_dsn)
    # Claiming A's key fingerprint in the trailer does not help: B's signature does not verify with A's key.
    data = bytearray(Path(forged.path).read_bytes())
    start = len(data) - TRAILER_LENGTH + len(b"\nENOSE-SIGNATURE ed25519 ") + 37
    data[start : start + 16] = site_keys.key_fingerprint(site_a.public_key).encode()
    (tmp_path / "forged2.enose").write_bytes(bytes(data))
    with pytest.raises(BundleRefused, match=f"failed its signature check with site {site_a.uuid}'s key"):
        do_import(site_b.db, tmp_path / "forged2.enose", central_dsn)
    result = CliRunner().invoke(cli, ["bundle", "import", forged.path, "--to", central_dsn, "--db", str(site_b.db)])
    assert result.exit_code == 1 and "not site" in result.output

    assert central_state(central_dsn) == before
    assert current_label(central_dsn, site_a.uuid, "LIL-0000") == 0


def test_a_bundle_relabelled_as_another_enrolled_site_is_refused(tmp_path, central_dsn, site_a, site_b):
    enrol(central_dsn, site_a.uuid, site_a.public_key, "A")
    enrol(central_dsn, site_b.uuid, site_b.public_key, "B")
    data = bytearray(site_b.export(tmp_path / "b.enose").read_bytes())
    start = len(data) - TRAILER_LENGTH + len(b"\nENOSE-SIGNATURE ed25519 ")
    data[start : start + 36] = site_a.uuid.encode()
    (tmp_path / "b-as-a.enose").write_bytes(bytes(data))
    before = central_state(central_dsn)
    with pytest.raises(BundleRefused, match="not site"):
        do_import(site_b.db, tmp_path / "b-as-a.enose", central_dsn)
    assert central_state(central_dsn) == before


def test_a_bundle_naming_site_a_inside_but_signed_as_site_b_is_refused(tmp_path, central_dsn, site_a, site_b):
    """B signs (genuinely, as itself) a bundle whose manifest and rows say A: B may not write as A."""
    enrol(central_dsn, site_a.uuid, site_a.public_key, "A")
    enrol(central_dsn, site_b.uuid, site_b.public_key, "B")
    do_import(site_a.db, site_a.export(tmp_path / "a.enose"), central_dsn)
    before = central_state(central_dsn)
    forged_db = tmp_path / "forged.db"
    shutil.copy(site_a.db, forged_db)
    with Store.open(forged_db) as store:
        store.ensure_subject("LIL-0000", age_years=33)
        add_label(store, "LIL-0000", True, supersedes=1, source="forged")
        export_bundle(store, tmp_path / "forged.enose", ADMIN, data_dir=site_b.data_dir)
    data = bytearray((tmp_path / "forged.enose").read_bytes())
    start = len(data) - TRAILER_LENGTH + len(b"\nENOSE-SIGNATURE ed25519 ")
    data[start : start + 36] = site_b.uuid.encode()  # the trailer is not signed: it now names B, B's key verifies
    (tmp_path / "forged.enose").write_bytes(bytes(data))
    assert verify_bundle_signature(bytes(data), site_b.public_key).site_uuid == site_b.uuid
    with pytest.raises(BundleRefused, match="manifest names another site or key than its signature"):
        do_import(site_b.db, tmp_path / "forged.enose", central_dsn)
    assert central_state(central_dsn) == before
    assert current_label(central_dsn, site_a.uuid, "LIL-0000") == 0


def test_a_bundle_from_an_unenrolled_or_revoked_site_is_refused(tmp_path, central_dsn, site_a, site_b):
    prepare_central(central_dsn)
    bundle = site_a.export(tmp_path / "a.enose")
    with pytest.raises(BundleRefused) as raised:
        do_import(site_a.db, bundle, central_dsn)
    assert f"site {site_a.uuid} is not enrolled at the centre" in str(raised.value)
    assert "enose central enrol-site" in str(raised.value)
    result = CliRunner().invoke(cli, ["bundle", "import", str(bundle), "--to", central_dsn, "--db", str(site_a.db)])
    assert result.exit_code == 1 and "not enrolled" in result.output

    enrol(central_dsn, site_a.uuid, site_a.public_key, "A")
    with psycopg.connect(central_dsn) as conn:
        registry.revoke_site(conn, site_a.uuid)
    with pytest.raises(BundleRefused, match="not enrolled"):
        do_import(site_a.db, bundle, central_dsn)
    state = central_state(central_dsn)
    assert state["sessions"] == [] and state["subjects"] == [] and state["imports"] == []


def test_a_bundle_may_not_write_another_sites_sessions_or_their_rows(tmp_path, central_dsn, site_a, site_b):
    """Site B, with its own genuine key and uuid, re-sends A's sessions with changed QC: refused whole."""
    enrol(central_dsn, site_a.uuid, site_a.public_key, "A")
    enrol(central_dsn, site_b.uuid, site_b.public_key, "B")
    with Store.open(site_a.db) as store:
        save_qc(store, 1, "p1", True, [])
    do_import(site_a.db, site_a.export(tmp_path / "a.enose"), central_dsn)
    before = central_state(central_dsn)

    copy = tmp_path / "copy.db"
    shutil.copy(site_a.db, copy)
    with sqlite3.connect(copy) as raw:
        raw.execute("UPDATE site_identity SET site_uuid = ?", (site_b.uuid,))
    with Store.open(copy) as store:
        save_qc(store, 1, "p1", False, [{"reason": "overwritten by site B"}])
        export_bundle(store, tmp_path / "b.enose", ADMIN, data_dir=site_b.data_dir)
    assert read_bundle(tmp_path / "b.enose", site_b.public_key).site_uuid == site_b.uuid
    with pytest.raises(BundleRefused, match=f"belongs to site {site_a.uuid}"):
        do_import(site_b.db, tmp_path / "b.enose", central_dsn)
    assert central_state(central_dsn) == before


# -- import: replays -------------------------------------------------------------------------


def test_an_older_bundle_after_a_newer_one_is_refused_and_the_correction_stays(tmp_path, central_dsn, site_a):
    enrol(central_dsn, site_a.uuid, site_a.public_key, "A")
    with Store.open(site_a.db) as store:
        save_qc(store, 1, "p1", False, [{"reason": "drift"}])
    old = site_a.export(tmp_path / "old.enose")
    with Store.open(site_a.db) as store:  # the corrections
        save_qc(store, 1, "p1", True, [])
        store.ensure_subject("LIL-0000", age_years=71)
        add_label(store, "LIL-0000", True, supersedes=1, source="pathology report 2")
    new = site_a.export(tmp_path / "new.enose")

    first = do_import(site_a.db, new, central_dsn)
    assert (first.sequence, first.uploaded, first.failed, first.already_imported) == (2, 2, 0, False)
    after_new = central_state(central_dsn)
    with pytest.raises(BundleRefused) as raised:
        do_import(site_a.db, old, central_dsn)
    message = str(raised.value)
    assert "bundle number 1" in message and "bundle number 2" in message and "nothing was changed" in message
    result = CliRunner().invoke(cli, ["bundle", "import", str(old), "--to", central_dsn, "--db", str(site_a.db)])
    assert result.exit_code == 1 and "nothing was changed" in result.output

    assert central_state(central_dsn) == after_new
    assert current_label(central_dsn, site_a.uuid, "LIL-0000") == 1
    with psycopg.connect(central_dsn) as conn:
        assert conn.execute("SELECT passed FROM enose.qc_results").fetchall() == [(1,)]
        assert conn.execute("SELECT age_years FROM enose.subjects WHERE code = 'LIL-0000'").fetchone()[0] == 71
        imports = conn.execute("SELECT sequence, bundle_sha256, imported_by FROM enose.bundle_imports").fetchall()
    assert imports == [(2, hashlib.sha256(new.read_bytes()).hexdigest(), ADMIN.username)]


def test_bundles_in_order_are_all_imported_and_recorded(tmp_path, central_dsn, site_a):
    enrol(central_dsn, site_a.uuid, site_a.public_key, "A")
    one = site_a.export(tmp_path / "1.enose")
    write_sessions(site_a.db, 1, seed=5)
    two = site_a.export(tmp_path / "2.enose")
    assert do_import(site_a.db, one, central_dsn).uploaded == 2
    report = do_import(site_a.db, two, central_dsn)
    assert (report.sequence, report.uploaded, report.skipped) == (2, 1, 2)
    assert [r[1] for r in central_state(central_dsn)["imports"]] == [1, 2]


def test_the_same_bundle_imported_again_is_reported_as_already_imported(tmp_path, central_dsn, site_a):
    enrol(central_dsn, site_a.uuid, site_a.public_key, "A")
    bundle = site_a.export(tmp_path / "a.enose")
    runner = CliRunner()
    args = ["bundle", "import", str(bundle), "--to", central_dsn, "--db", str(site_a.db)]
    assert runner.invoke(cli, args).exit_code == 0
    before = central_state(central_dsn)
    again = runner.invoke(cli, args)
    assert again.exit_code == 0, again.output
    assert "was already imported: nothing changed" in again.output
    assert central_state(central_dsn) == before
    report = do_import(site_a.db, bundle, central_dsn)
    assert report.already_imported and (report.uploaded, report.failed, report.sequence) == (0, 0, 1)


def test_an_importer_role_imports_and_is_refused_exactly_like_the_owner(tmp_path, central_dsn, site_a, site_b):
    """The way a centre runs it: a login role in enose_importer (INSERT and SELECT only, row-level security on)."""
    enrol(central_dsn, site_a.uuid, site_a.public_key, "A")
    role = f"importer_{uuid4().hex[:10]}"
    with psycopg.connect(central_dsn, autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {role} LOGIN IN ROLE enose_importer")
    importer_dsn = psycopg.conninfo.make_conninfo(central_dsn, user=role)
    first = site_a.export(tmp_path / "1.enose")
    with Store.open(site_a.db) as store:
        store.ensure_subject("LIL-0000", age_years=71)
    second = site_a.export(tmp_path / "2.enose")

    assert do_import(site_a.db, second, importer_dsn).uploaded == 2
    with pytest.raises(BundleRefused, match="nothing was changed"):
        do_import(site_a.db, first, importer_dsn)
    assert do_import(site_a.db, second, importer_dsn).already_imported
    with pytest.raises(BundleRefused, match="not enrolled"):
        do_import(site_b.db, site_b.export(tmp_path / "b.enose"), importer_dsn)
    with psycopg.connect(central_dsn) as conn:
        assert conn.execute("SELECT age_years FROM enose.subjects WHERE code = 'LIL-0000'").fetchone()[0] == 71
        assert conn.execute("SELECT sequence, imported_by FROM enose.bundle_imports").fetchall() == [(2, "admin1")]


def test_bundle_import_keeps_the_tls_rule_for_a_remote_centre(tmp_path, site_a):
    bundle = site_a.export(tmp_path / "a.enose")
    weak = "postgresql://importer@192.0.2.10/enose?sslmode=require"  # TEST-NET-1: never reached
    result = CliRunner().invoke(cli, ["bundle", "import", str(bundle), "--to", weak, "--db", str(site_a.db)])
    assert result.exit_code == 1 and "sslmode=verify-full" in result.output and "--insecure" in result.output


# -- format 1 --------------------------------------------------------------------------------


def test_a_format_1_bundle_signed_with_the_study_key_is_refused(tmp_path, central_dsn, site_a):
    """A file as the previous release wrote it: magic 1, a tar, an HMAC-SHA256 trailer."""
    enrol(central_dsn, site_a.uuid, site_a.public_key, "A")
    body = site_a.export(tmp_path / "a.enose").read_bytes()[len(MAGIC) : -TRAILER_LENGTH]
    signed = b"ENOSE-BUNDLE-1\n" + body
    mac = hmac.new(b"k" * 32, signed, hashlib.sha256).hexdigest()
    old = tmp_path / "old.enose"
    old.write_bytes(signed + b"\nENOSE-SIGNATURE hmac-sha256 " + b"0123456789abcdef " + mac.encode() + b"\n")
    with pytest.raises(BundleRefused, match="bundle format 1 signed with the shared study key is no longer accepted"):
        do_import(site_a.db, old, central_dsn)
    result = CliRunner().invoke(cli, ["bundle", "import", str(old), "--to", central_dsn, "--db", str(site_a.db)])
    assert result.exit_code == 1 and "re-export it with this version" in result.output
    assert central_state(central_dsn)["sessions"] == []
