"""Least-privilege, append-only central database (security issue: the first site to sync owned every table).

Real PostgreSQL: the owner migrates and enrols; each site connects with its own login
role. Every attack a site role's credentials allow is tried, and the data checked
unchanged through the superuser (``central_dsn``).
"""

from __future__ import annotations

import json

import psycopg
import pytest
from click.testing import CliRunner
from psycopg import errors

from enose.cli import cli
from enose.security import User, site_keys
from enose.storage import Store
from enose.storage.analysis import save_qc
from enose.sync import SyncError, central, outbox, registry, sync_to_central
from enose.sync.connection import central_dsn as tls_dsn
from enose.sync.connection import is_local_host
from enose.sync.uploader import anchor_message, check_central_anchors
from tests.sync.conftest import random_public_key, role_dsn, write_sessions

ADMIN = User("admin1", "admin")


@pytest.fixture
def two_sites(tmp_path, central_dsn, enrol_store):
    """Sites A and B, each synced with its own role, each with a label and a score; returns their DSNs and uuids."""
    sites = {}
    for name, prefix, seed in (("a", "LIL", 0), ("b", "BRS", 1)):
        db = tmp_path / f"{name}.db"
        write_sessions(db, 2, seed=seed, subject_prefix=prefix)
        with Store.open(db) as store, store.conn:
            store.conn.execute("INSERT INTO labels (subject_code, cancer, source, entered_by, entered_at)"
                               " VALUES (?, 0, 'MDT', 'Dr Secret', '2025-01-01T00:00:00+00:00')", (f"{prefix}-0000",))  # fmt: skip
            store.conn.execute("INSERT INTO scores (session_id, created_at, operator, software_version,"
                               " processing_version, probability, zone) VALUES (1, '2025-01-01T00:00:00+00:00',"
                               " 'Nurse Hidden', '0.1.0', 'p1', 0.4, 'orange')")  # fmt: skip
        dsn = enrol_store(db, code=prefix)
        with Store.open(db) as store:
            report = sync_to_central(store, dsn, ADMIN)
            site = outbox.site_uuid(store)
        assert report.failed == 0 and report.site_uuid == site
        sites[name] = {"dsn": dsn, "uuid": site, "db": db}
    return sites


def snapshot(dsn: str) -> dict:
    """Every table a site could try to damage, as the superuser sees it."""
    tables = ["sites", "subjects", "sessions", "sample_chunks", "events", "phases", "labels", "scores",
              "calibrations", "qc_results", "features", "audit_anchors", "site_registry", "devices"]  # fmt: skip
    with psycopg.connect(dsn) as conn:
        return {t: sorted(map(repr, conn.execute(f"SELECT * FROM enose.{t}").fetchall())) for t in tables}


ATTACKS = {
    "truncate sample_chunks": "TRUNCATE enose.sample_chunks CASCADE",
    "truncate scores": "TRUNCATE enose.scores",
    "delete a label": "DELETE FROM enose.labels",
    "update a label": "UPDATE enose.labels SET cancer = 1",
    "disable the labels trigger": "ALTER TABLE enose.labels DISABLE TRIGGER labels_append_only",
    "disable row-level security": "ALTER TABLE enose.sessions DISABLE ROW LEVEL SECURITY",
    "delete audit anchors": "DELETE FROM enose.audit_anchors",
    "update a session": "UPDATE enose.sessions SET operator = 'x'",
    "update a subject": "UPDATE enose.subjects SET age_years = 1",
    "update sites.last_sync": "UPDATE enose.sites SET last_sync = now()",
    "create a table": "CREATE TABLE enose.mine (x int)",
    "create a function": "CREATE FUNCTION enose.f() RETURNS int LANGUAGE sql AS 'SELECT 1'",
    "read the pseudonym key": "SELECT * FROM enose.pseudonym_key",
    "edit the registry": "UPDATE enose.site_registry SET revoked_at = NULL",
    "enrol itself again": (
        "INSERT INTO enose.site_registry (site_uuid, db_role, public_key, enrolled_by)"
        " VALUES (gen_random_uuid(), 'x', '\\x00', 'me')"
    ),
    "drop a table": "DROP TABLE enose.labels CASCADE",
}


@pytest.mark.parametrize("attack", list(ATTACKS))
def test_a_site_role_cannot_damage_or_rewrite_central_data(two_sites, central_dsn, attack):
    before = snapshot(central_dsn)
    with psycopg.connect(two_sites["a"]["dsn"]) as conn, pytest.raises(errors.InsufficientPrivilege):
        conn.execute(ATTACKS[attack])
    assert snapshot(central_dsn) == before


def test_a_site_role_cannot_claim_another_sites_uuid(two_sites, central_dsn):
    other = two_sites["b"]["uuid"]
    before = snapshot(central_dsn)
    claims = [
        ("INSERT INTO enose.labels (site_uuid, local_id, content_sha256, subject_code, cancer, source, entered_by,"
         " entered_at) VALUES (%s, 99, 'x', 'BRS-0000', 1, 'forged', 'x', now())", (other,)),
        ("INSERT INTO enose.audit_anchors (site_uuid, audit_id, hash) VALUES (%s, 999, 'x')", (other,)),
        ("INSERT INTO enose.subject_updates (site_uuid, code, created_at, age_years) VALUES (%s, 'BRS-0000', now(), 1)",
         (other,)),
        ("INSERT INTO enose.sessions (uuid, site_uuid, local_id, content_sha256, kind, operator, started_at, status,"
         " software_version, protocol, channels, period_ms, n_samples, lost_samples, interruptions) VALUES"
         " (gen_random_uuid(), %s, 0, 'x', 'screening', 'x', now(), 'complete', 'x', '{}', '[]', 10, 0, 0, 0)",
         (other,)),
    ]  # fmt: skip
    with psycopg.connect(central_dsn) as admin:
        b_session = admin.execute("SELECT uuid FROM enose.sessions WHERE site_uuid = %s", (other,)).fetchone()[0]
    with psycopg.connect(two_sites["a"]["dsn"], autocommit=True) as conn:
        claims += [
            ("INSERT INTO enose.events (session_uuid, seq, kind, detail, created_at) VALUES (%s, 99, 'x', '{}', now())",
             (b_session,)),
            ("INSERT INTO enose.qc_results (session_uuid, processing_version, content_sha256, passed, reasons,"
             " computed_at) VALUES (%s, 'p9', 'x', 0, '[]', now())", (b_session,)),
            ("INSERT INTO enose.scores (site_uuid, local_id, content_sha256, session_uuid, created_at,"
             " software_version, processing_version, zone, ood, explanation, qc_reasons) VALUES"
             " (%s, 99, 'x', %s, now(), 'x', 'p1', 'red', 0, '{}', '[]')", (two_sites["a"]["uuid"], b_session)),
        ]  # fmt: skip
        for sql, params in claims:
            with pytest.raises(errors.InsufficientPrivilege, match="row-level security"):
                conn.execute(sql, params)
    assert snapshot(central_dsn) == before


def test_a_site_role_sees_only_its_own_rows(two_sites, central_dsn):
    a, b = two_sites["a"], two_sites["b"]
    with psycopg.connect(a["dsn"]) as conn:
        for table in ("sites", "subjects", "sessions", "labels", "scores", "audit_anchors"):
            sites = {r[0] for r in conn.execute(f"SELECT DISTINCT site_uuid::text FROM enose.{table}")}
            assert sites == {a["uuid"]}, table
        for table in ("sample_chunks", "events", "phases"):
            seen = conn.execute(f"SELECT count(*) FROM enose.{table} x JOIN enose.sessions s ON s.uuid = x.session_uuid"
                                " WHERE s.site_uuid = %s", (b["uuid"],)).fetchone()[0]  # fmt: skip
            total = conn.execute(f"SELECT count(*) FROM enose.{table}").fetchone()[0]
            assert seen == 0 and total > 0, table
        assert conn.execute("SELECT count(*) FROM enose.sessions WHERE site_uuid = %s", (b["uuid"],)).fetchone()[0] == 0
        assert [r[0] for r in conn.execute("SELECT site_uuid::text FROM enose.site_registry")] == [a["uuid"]]
    with psycopg.connect(central_dsn) as conn:
        assert conn.execute("SELECT count(DISTINCT site_uuid) FROM enose.sessions").fetchone()[0] == 2


def test_the_site_roles_own_nothing_and_hold_only_insert_and_select(two_sites, central_dsn):
    role = psycopg.conninfo.conninfo_to_dict(two_sites["a"]["dsn"])["user"]
    with psycopg.connect(central_dsn) as conn:
        owned = conn.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = 'enose' AND pg_get_userbyid(c.relowner) IN (%s, 'enose_site')",
            (role,),
        ).fetchone()[0]
        grants = conn.execute(
            "SELECT DISTINCT privilege_type FROM information_schema.role_table_grants"
            " WHERE table_schema = 'enose' AND grantee IN (%s, 'enose_site')",
            (role,),
        ).fetchall()
        schema = conn.execute("SELECT has_schema_privilege(%s, 'enose', 'CREATE')", (role,)).fetchone()[0]
    assert owned == 0 and not schema
    assert {g[0] for g in grants} == {"INSERT", "SELECT"}


def test_sync_against_an_empty_database_fails_clearly_and_creates_nothing(tmp_path, empty_dsn):
    db = tmp_path / "site.db"
    write_sessions(db, 1)
    with Store.open(db) as store, pytest.raises(SyncError) as caught:
        sync_to_central(store, empty_dsn, ADMIN)
    assert str(caught.value) == (
        "the central database has no enose schema: an administrator runs `enose central migrate`"
    )
    result = CliRunner().invoke(cli, ["sync", "--to", empty_dsn, "--db", str(db), "--json"])
    assert result.exit_code == 1 and "no enose schema" in result.output
    with psycopg.connect(empty_dsn) as conn:
        assert conn.execute("SELECT count(*) FROM pg_namespace WHERE nspname = 'enose'").fetchone()[0] == 0
    with Store.open(db) as store:
        assert store.conn.execute("SELECT count(*) FROM sync_outbox").fetchone()[0] == 0


def test_audit_verify_central_against_an_empty_database_fails(tmp_path, empty_dsn):
    db = tmp_path / "site.db"
    write_sessions(db, 1)
    result = CliRunner().invoke(cli, ["audit", "verify", "--db", str(db), "--central", empty_dsn, "--json"])
    assert result.exit_code == 1
    assert "no enose schema" in result.output and '"ok": true' not in result.output
    with psycopg.connect(empty_dsn) as conn:
        assert conn.execute("SELECT count(*) FROM pg_namespace WHERE nspname = 'enose'").fetchone()[0] == 0


def test_an_older_central_schema_is_refused_until_the_owner_migrates(tmp_path, pg_server, pg_owner, empty_dsn):
    name = psycopg.conninfo.conninfo_to_dict(empty_dsn)["dbname"]
    with psycopg.connect(empty_dsn, autocommit=True) as conn:
        conn.execute(f'ALTER DATABASE "{name}" OWNER TO {pg_owner}')
    owner = role_dsn(pg_server, pg_owner, name)
    with psycopg.connect(owner) as conn, conn.transaction():  # what release 2 left behind
        conn.execute("CREATE SCHEMA enose")
        conn.execute("CREATE TABLE enose.schema_version (version int PRIMARY KEY, description text NOT NULL,"
                     " applied_at timestamptz NOT NULL DEFAULT now())")  # fmt: skip
        for version, description, sql in central.CENTRAL_MIGRATIONS[:2]:
            conn.execute(sql)
            conn.execute("INSERT INTO enose.schema_version VALUES (%s, %s)", (version, description))
        conn.execute("INSERT INTO enose.instance (id, instance_uuid) VALUES (1, gen_random_uuid())")
    db = tmp_path / "site.db"
    write_sessions(db, 1)
    with Store.open(db) as store, pytest.raises(SyncError, match=rf"has enose schema v2, this software needs v{central.CURRENT_VERSION}: "
                                                                  r"an administrator runs `enose central migrate`"):  # fmt: skip
        sync_to_central(store, owner, ADMIN)
    result = CliRunner().invoke(cli, ["central", "migrate", "--dsn", owner, "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["from_version"] == 2
    with psycopg.connect(owner) as conn:
        assert central.require_current(conn)


def test_a_site_role_may_not_migrate(tmp_path, pg_server, empty_dsn, enrol_site):
    site_dsn = enrol_site("00000000-0000-4000-8000-000000000001")
    role = psycopg.conninfo.conninfo_to_dict(site_dsn)["user"]
    other = role_dsn(pg_server, role, psycopg.conninfo.conninfo_to_dict(empty_dsn)["dbname"])
    with psycopg.connect(other) as conn, pytest.raises(central.CentralNotOwner, match="enose_site"):
        central.migrate(conn)
    result = CliRunner().invoke(cli, ["central", "migrate", "--dsn", other])
    assert result.exit_code == 1 and "never as a site" in result.output


def test_the_local_site_must_be_the_one_enrolled_for_the_role(tmp_path, enrol_site, central_dsn):
    db = tmp_path / "site.db"
    write_sessions(db, 1)
    dsn = enrol_site("00000000-0000-4000-8000-00000000000a")
    with Store.open(db) as store, pytest.raises(SyncError, match="is enrolled for site 00000000-.*refused"):
        sync_to_central(store, dsn, ADMIN)
    with psycopg.connect(central_dsn) as conn:
        assert conn.execute("SELECT count(*) FROM enose.sessions").fetchone()[0] == 0


def test_a_revoked_site_or_an_unenrolled_site_role_is_refused(tmp_path, owner_dsn, pg_server, enrol_store):
    db = tmp_path / "site.db"
    write_sessions(db, 1)
    dsn = enrol_store(db)
    with Store.open(db) as store:
        site = outbox.site_uuid(store)
    result = CliRunner().invoke(cli, ["central", "revoke-site", "--dsn", owner_dsn, "--site-uuid", site, "--json"])
    assert result.exit_code == 0, result.output
    with Store.open(db) as store, pytest.raises(SyncError, match="revoked"):
        sync_to_central(store, dsn, ADMIN)
    with psycopg.connect(dsn) as conn, pytest.raises(errors.InsufficientPrivilege):
        conn.execute("SELECT * FROM enose.sessions")
    stray = role_dsn(pg_server, "stray_site_role", psycopg.conninfo.conninfo_to_dict(owner_dsn)["dbname"])
    with psycopg.connect(owner_dsn, autocommit=True) as conn:
        conn.execute("CREATE ROLE stray_site_role LOGIN IN ROLE enose_site")
    try:
        with Store.open(db) as store, pytest.raises(SyncError, match="not enrolled for any site"):
            sync_to_central(store, stray, ADMIN)
    finally:
        with psycopg.connect(owner_dsn, autocommit=True) as conn:
            conn.execute("DROP ROLE stray_site_role")


def test_the_researcher_reads_pseudonymised_views_never_staff_names(two_sites, researcher_dsn):
    with psycopg.connect(researcher_dsn, autocommit=True) as conn:
        for sql in ("SELECT operator FROM enose.sessions", "SELECT entered_by FROM enose.labels",
                    "SELECT * FROM enose.current_labels", "SELECT operator FROM enose.scores",
                    "SELECT * FROM enose.pseudonym_key", "SELECT * FROM enose.site_registry",
                    "SELECT * FROM enose.audit_anchors"):  # fmt: skip
            with pytest.raises(errors.InsufficientPrivilege):
                conn.execute(sql)
        everything = []
        for view in ("research_sessions", "research_labels", "research_current_labels", "research_scores",
                     "research_calibrations", "research_subjects", "research_sites", "session_overview"):  # fmt: skip
            cursor = conn.execute(f"SELECT * FROM enose.{view}")
            everything += [repr(r) for r in cursor.fetchall()] + [d.name for d in cursor.description]
        pseudonyms = {r[0] for r in conn.execute("SELECT operator_pseudonym FROM enose.research_scores")}
        sessions = conn.execute("SELECT count(DISTINCT site_uuid) FROM enose.research_sessions").fetchone()[0]
    text = " ".join(everything)
    assert "Dr Secret" not in text and "Nurse Hidden" not in text and "tech1" not in text
    assert "operator" not in [c for c in everything if c in ("operator", "entered_by", "enrolled_by")]
    assert len(pseudonyms) == 1 and next(iter(pseudonyms)).startswith("staff-")
    assert sessions == 2


def test_subject_and_device_changes_reach_the_centre_without_update_rights(tmp_path, central_dsn, enrol_store):
    db = tmp_path / "site.db"
    write_sessions(db, 1)
    dsn = enrol_store(db)
    with Store.open(db) as store:
        sync_to_central(store, dsn, ADMIN)
        store.ensure_subject("LIL-0000", age_years=77, smoking="current")
        save_qc(store, 1, "p1", True, [])
        sync_to_central(store, dsn, ADMIN)
        save_qc(store, 1, "p1", False, [{"code": "drift", "severity": "block", "message": "recomputed"}])
        again = sync_to_central(store, dsn, ADMIN)
        again_nothing = sync_to_central(store, dsn, ADMIN)
    with psycopg.connect(central_dsn) as conn:
        subject = conn.execute("SELECT age_years, smoking FROM enose.subjects WHERE code = 'LIL-0000'").fetchone()
        versions = conn.execute("SELECT count(*) FROM enose.qc_results").fetchone()[0]
        current = conn.execute("SELECT passed FROM enose.current_qc_results").fetchall()
        devices = conn.execute("SELECT serial, firmware FROM enose.devices").fetchall()
        last_sync = conn.execute("SELECT last_sync FROM enose.sites").fetchone()[0]
        updates = conn.execute("SELECT count(*) FROM enose.subject_updates WHERE code = 'LIL-0000'").fetchone()[0]
    assert subject == (77, "current")
    assert again.rows["qc"]["uploaded"] == 1 and again_nothing.rows["qc"]["uploaded"] == 0
    assert versions == 2 and current == [(0,)]
    assert devices == [("EN-0007", "1.2.0")] and last_sync is not None
    assert updates == 2  # the first version and the change; unchanged subjects are not sent again


def test_the_importer_writes_for_enrolled_sites_only(two_sites, importer_dsn, central_dsn):
    with psycopg.connect(importer_dsn, autocommit=True) as conn:
        assert conn.execute("SELECT count(*) FROM enose.site_registry").fetchone()[0] == 2
        conn.execute("INSERT INTO enose.bundle_imports (site_uuid, sequence, bundle_sha256, imported_by)"
                     " VALUES (%s, 1, 'x', 'tests')", (two_sites["b"]["uuid"],))  # fmt: skip
        with pytest.raises(errors.InsufficientPrivilege, match="row-level security"):
            conn.execute("INSERT INTO enose.sites (site_uuid) VALUES (gen_random_uuid())")
        for sql in ("DELETE FROM enose.labels", "TRUNCATE enose.scores", "UPDATE enose.site_registry SET revoked_at = now()",
                    "DELETE FROM enose.bundle_imports"):  # fmt: skip
            with pytest.raises(errors.InsufficientPrivilege):
                conn.execute(sql)


# -- audit anchors ---------------------------------------------------------------------------


def test_anchors_are_signed_with_the_site_key_and_verified_against_the_enrolled_key(tmp_path, enrol_store,
                                                                                     central_dsn):  # fmt: skip
    db = tmp_path / "site.db"
    write_sessions(db, 1)
    public = site_keys.create_site_key()  # in ENOSE_DATA_DIR, as `enose bundle keygen` does
    dsn = enrol_store(db, public_key=public)
    with Store.open(db) as store:
        report = sync_to_central(store, dsn, ADMIN)
        site = outbox.site_uuid(store)
        from enose.security import record

        for i in range(3):
            record(store, "tech1", "note", "subject", f"LIL-000{i}")
    assert report.anchor_signed is True and report.warnings == []
    runner = CliRunner()
    ok = runner.invoke(cli, ["audit", "verify", "--db", str(db), "--central", dsn, "--json"])
    assert ok.exit_code == 0, ok.output
    central_part = json.loads(ok.output)["central"]
    assert central_part["signed"] == 1 and central_part["unsigned"] == 0
    assert central_part["rows_behind"] == 4  # the 'sync' entry written after anchoring, and the three notes
    assert central_part["seconds_behind"] >= 0
    # Someone with owner rights plants an anchor the site never signed:
    with psycopg.connect(central_dsn) as conn:
        head = conn.execute("SELECT max(audit_id) FROM enose.audit_anchors").fetchone()[0]
        with Store.open(db) as store:
            row = store.conn.execute("SELECT id, hash, at FROM audit_log WHERE id = ?", (head + 1,)).fetchone()
        forged = Ed25519Forger().sign(anchor_message(site, row[0], row[1], row[2]))
        conn.execute("INSERT INTO enose.audit_anchors (site_uuid, audit_id, hash, entry_at, signature)"
                     " VALUES (%s, %s, %s, %s, %s)", (site, row[0], row[1], row[2], forged))  # fmt: skip
    bad = runner.invoke(cli, ["audit", "verify", "--db", str(db), "--central", dsn, "--json"])
    assert bad.exit_code == 1
    assert any("not signed by this site's enrolled key" in p for p in json.loads(bad.output)["problems"])


class Ed25519Forger:
    """A key that is not the site's."""

    def sign(self, message: bytes) -> bytes:
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        return Ed25519PrivateKey.generate().sign(message)


def test_a_site_without_a_key_syncs_with_an_unsigned_anchor(tmp_path, enrol_store):
    db = tmp_path / "site.db"
    write_sessions(db, 1)
    dsn = enrol_store(db)
    with Store.open(db) as store:
        report = sync_to_central(store, dsn, ADMIN)
        check = check_central_anchors(store, dsn)
    assert report.uploaded == 1 and report.anchor_signed is False
    assert report.to_json()["anchor_signed"] is False
    assert check.unsigned == 1 and check.problems == [] and check.rows_behind == 1


def test_audit_verify_central_with_no_anchor_of_this_site_fails(tmp_path, enrol_site):
    db = tmp_path / "site.db"
    write_sessions(db, 1)
    with Store.open(db) as store:
        site = outbox.site_uuid(store)
    dsn = enrol_site(site)
    result = CliRunner().invoke(cli, ["audit", "verify", "--db", str(db), "--central", dsn, "--json"])
    assert result.exit_code == 1
    assert json.loads(result.output)["ok"] is False and "no audit anchor" in result.output


# -- the enose central commands ----------------------------------------------------------------


def test_central_commands_set_up_a_study_a_site_then_syncs_with_its_own_role(tmp_path, pg_server, pg_owner,
                                                                             monkeypatch):  # fmt: skip
    name = "t_cli_" + tmp_path.name[-8:].replace("-", "_").lower()
    with psycopg.connect(f"{pg_server}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" OWNER {pg_owner}')
    owner = role_dsn(pg_server, pg_owner, name)
    runner = CliRunner()
    assert runner.invoke(cli, ["central", "migrate", "--dsn", owner]).exit_code == 0
    db = tmp_path / "site.db"
    write_sessions(db, 2)
    with Store.open(db) as store:
        site = outbox.site_uuid(store)
    pub = tmp_path / "site.pub"
    pub.write_text(site_keys.format_public_key(random_public_key()) + "\n")
    role = "site_cli_" + name[-8:]
    monkeypatch.setenv("SITE_PW", "correct horse battery staple")
    args = ["central", "enrol-site", "--dsn", owner, "--site-uuid", site, "--site-code", "LIL", "--public-key",
            str(pub), "--db-role", role, "--password-env", "SITE_PW", "--json"]  # fmt: skip
    enrolled = runner.invoke(cli, args)
    assert enrolled.exit_code == 0, enrolled.output
    assert json.loads(enrolled.output)["created_role"] is True
    assert json.loads(runner.invoke(cli, args).output)["already_enrolled"] is True
    other = runner.invoke(cli, [*args[:5], "00000000-0000-4000-8000-0000000000ff", *args[6:]])
    assert other.exit_code == 1 and "already enrolled" in other.output
    with psycopg.connect(f"{pg_server}/{name}") as conn:  # pg_authid: superuser only
        verifier = conn.execute("SELECT rolpassword FROM pg_authid WHERE rolname = %s", (role,)).fetchone()[0]
    assert verifier.startswith("SCRAM-SHA-256$4096:")
    synced = runner.invoke(cli, ["sync", "--to", role_dsn(pg_server, role, name), "--db", str(db), "--json"])
    assert synced.exit_code == 0, synced.output
    assert json.loads(synced.output)["uploaded"] == 2
    listed = runner.invoke(cli, ["central", "sites", "--dsn", owner, "--json"])
    assert [s["db_role"] for s in json.loads(listed.output)["sites"]] == [role]
    assert runner.invoke(cli, ["central", "revoke-site", "--dsn", owner, "--site-uuid", site]).exit_code == 0
    refused = runner.invoke(cli, ["sync", "--to", role_dsn(pg_server, role, name), "--db", str(db)])
    assert refused.exit_code == 1 and "revoked" in refused.output
    with psycopg.connect(owner) as conn, pytest.raises(registry.RegistryError, match="revoked"):
        registry.enrol_site(conn, site, random_public_key(), site_code="LIL", db_role=role, enrolled_by="x")


def test_enrolment_refuses_a_role_with_powers_beyond_a_site(owner_dsn):
    with psycopg.connect(owner_dsn) as conn:
        for role in ("enose_owner", "enose_importer"):
            with pytest.raises(registry.RegistryError):
                registry.enrol_site(conn, "00000000-0000-4000-8000-0000000000aa", random_public_key(),
                                    site_code="X", db_role=role, enrolled_by="x")  # fmt: skip
        with pytest.raises(registry.RegistryError, match="not a valid|expected"):
            registry.parse_public_key("ed25519 1234")


# -- TLS -------------------------------------------------------------------------------------------


def test_a_remote_host_gets_verify_full_when_the_dsn_names_no_sslmode(monkeypatch):
    monkeypatch.delenv("PGSSLMODE", raising=False)
    monkeypatch.delenv("PGHOST", raising=False)
    monkeypatch.delenv("PGHOSTADDR", raising=False)
    for dsn in ("postgresql://site7@study.example.org/enose", "host=10.1.2.3 dbname=enose user=site7"):
        target = tls_dsn(dsn)
        assert psycopg.conninfo.conninfo_to_dict(target.dsn)["sslmode"] == "verify-full"
        assert target.insecure_reason is None
    assert tls_dsn("postgresql://x@study.example.org/e?sslmode=verify-full").insecure_reason is None


@pytest.mark.parametrize("mode", ["disable", "allow", "prefer", "require", "verify-ca"])
def test_a_weaker_explicit_sslmode_to_a_remote_host_needs_insecure(monkeypatch, mode):
    monkeypatch.delenv("PGSSLMODE", raising=False)
    dsn = f"postgresql://site7@study.example.org/enose?sslmode={mode}"
    with pytest.raises(SyncError, match=f"refusing to connect with sslmode={mode} to remote host study.example.org"):
        tls_dsn(dsn)
    target = tls_dsn(dsn, insecure=True)
    assert target.dsn == dsn and f"sslmode={mode}" in target.insecure_reason
    monkeypatch.setenv("PGSSLMODE", mode)  # the environment counts as explicit too
    with pytest.raises(SyncError):
        tls_dsn("postgresql://site7@study.example.org/enose")


def test_loopback_and_unix_sockets_are_exempt(monkeypatch):
    monkeypatch.delenv("PGHOST", raising=False)
    monkeypatch.delenv("PGHOSTADDR", raising=False)
    for dsn in ("postgresql://x@127.0.0.1:5432/e?sslmode=disable", "postgresql://x@localhost/e",
                "postgresql://x@[::1]/e", "host=/var/run/postgresql dbname=e", "dbname=e",
                "host=db.example.org hostaddr=127.0.0.1 dbname=e sslmode=disable"):  # fmt: skip
        assert tls_dsn(dsn).dsn == dsn
    assert is_local_host("127.8.9.1") and not is_local_host("128.0.0.1") and not is_local_host("example.org")
    monkeypatch.setenv("PGHOST", "db.example.org")
    assert "verify-full" in tls_dsn("dbname=e").dsn


def test_an_insecure_connection_is_logged_and_audited_before_connecting(tmp_path, monkeypatch, caplog):
    from enose.sync import uploader

    monkeypatch.delenv("PGSSLMODE", raising=False)
    monkeypatch.setattr(uploader, "open_central", lambda target, **kw: (_ for _ in ()).throw(SyncError("offline")))
    db = tmp_path / "site.db"
    write_sessions(db, 1)
    dsn = "postgresql://site7:pw@study.example.org/enose?sslmode=require"
    with Store.open(db) as store:
        with pytest.raises(SyncError, match="refusing"):
            sync_to_central(store, dsn, ADMIN)
        assert (
            store.conn.execute("SELECT count(*) FROM audit_log WHERE action = 'insecure_connection'").fetchone()[0] == 0
        )
        with pytest.raises(SyncError, match="offline"):
            sync_to_central(store, dsn, ADMIN, insecure=True)
        entry = store.conn.execute("SELECT actor, object_id, detail FROM audit_log WHERE action = 'insecure_connection'"
                                   ).fetchone()  # fmt: skip
    assert entry[0] == "admin1" and "pw" not in entry[1] and "sslmode=require" in json.loads(entry[2])["reason"]
    assert "insecure connection to the central database" in caplog.text


def test_an_unsigned_anchor_after_signed_ones_is_not_trusted(tmp_path, enrol_store, central_dsn):
    """A site that signs its anchors does not stop: an unsigned anchor planted after them (which would
    "confirm" a rewritten tail of the chain) is reported and not used; the signed ones still count."""
    db = tmp_path / "site.db"
    write_sessions(db, 1)
    dsn = enrol_store(db, public_key=site_keys.create_site_key())
    with Store.open(db) as store:
        assert sync_to_central(store, dsn, ADMIN).anchor_signed is True
        site = outbox.site_uuid(store)
        from enose.security import record

        record(store, "tech1", "note", "subject", "LIL-0001")
        head = store.conn.execute("SELECT id, hash, at FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    with psycopg.connect(central_dsn) as conn:
        conn.execute("INSERT INTO enose.audit_anchors (site_uuid, audit_id, hash, entry_at, signature)"
                     " VALUES (%s, %s, %s, %s, NULL)", (site, *head))  # fmt: skip
    with Store.open(db) as store:
        check = check_central_anchors(store, dsn)
    assert check.problems == [f"the central anchor of row {head[0]} is unsigned although this site signed its "
                              "earlier anchors with its enrolled key: not trusted (planted, or written by another "
                              "client)"]  # fmt: skip
    assert (check.signed, check.unsigned) == (1, 0) and head[0] not in [a for a, _ in check.anchors]
