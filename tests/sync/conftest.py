"""A throwaway PostgreSQL server for the sync tests, and local stores full of seeded sessions.

The server is the distribution's PostgreSQL (``.ci/run`` installs it), started by
:class:`enose.sync.bench.throwaway_postgres`: a cluster in a temporary directory,
trust authentication, listening on 127.0.0.1 on a free port, run as an
unprivileged user when the tests run as root. Each test gets its
own fresh database. Without PostgreSQL binaries the sync tests are skipped with
a message saying how to get them.

Roles, as in a real study (:mod:`enose.sync.central`): the database is created
for, and migrated by, the non-superuser owner role ``enose_owner`` (``owner_dsn``);
each site syncs with its own login role enrolled by the owner (``enrol_store``,
``enrol_site``); researchers get ``researcher_dsn``. ``central_dsn`` is the
superuser's view of that same migrated database, for tests that inspect or set
up central state directly; ``empty_dsn`` is a database nobody migrated. Trust
authentication on 127.0.0.1 means a login role needs no password here.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import numpy as np
import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from enose.recording import ChannelLayout
from enose.storage import SampleBlock, Store
from enose.sync import central, outbox, registry
from enose.sync.bench import PostgresNotInstalled, throwaway_postgres
from firmware_protocol.messages import ChannelInfo

LAYOUT = ChannelLayout(
    (ChannelInfo(5, "co2", "ppm"), ChannelInfo(1, "mox0", "ohm"), ChannelInfo(1, "mox1", "ohm"),
     ChannelInfo(1, "mox2", "ohm"))
)  # fmt: skip


@pytest.fixture(scope="session")
def pg_server():
    """Base DSN of a running throwaway PostgreSQL server (superuser ``enose``, trust auth)."""
    try:
        server = throwaway_postgres(durable=False)
        dsn = server.__enter__()
    except PostgresNotInstalled as error:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            # CI installs PostgreSQL itself (.ci/run): a missing server there is a broken CI, not a skip
            pytest.fail(f"{error}: CI must run the sync and security tests against a real server")
        pytest.skip(f"{error} (.ci/run installs it)")
    try:
        yield dsn.rsplit("/", 1)[0]
    finally:
        server.__exit__(None, None, None)


OWNER_ROLE = "enose_owner"


def role_dsn(server: str, role: str, database: str) -> str:
    """DSN of ``database`` on the throwaway server as ``role`` (trust auth: no password)."""
    return make_conninfo(f"{server}/{database}", user=role)


def _database_of(dsn: str) -> str:
    return conninfo_to_dict(dsn)["dbname"]


@pytest.fixture(scope="session")
def pg_owner(pg_server) -> str:
    """The study's owner role: LOGIN CREATEROLE, not a superuser (so the tests see the real privilege checks)."""
    with psycopg.connect(f"{pg_server}/postgres", autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (OWNER_ROLE,)).fetchone() is None:
            conn.execute(f"CREATE ROLE {OWNER_ROLE} LOGIN CREATEROLE")
    return OWNER_ROLE


def _new_database(pg_server: str, owner: str | None = None) -> str:
    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(f"{pg_server}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"' + (f" OWNER {owner}" if owner else ""))
    return name


@pytest.fixture
def empty_dsn(pg_server) -> str:
    """Superuser DSN of a fresh, empty database nobody migrated."""
    return f"{pg_server}/{_new_database(pg_server)}"


@pytest.fixture
def owner_dsn(pg_server, pg_owner) -> str:
    """The owner's DSN of a fresh database it owns and has migrated (``enose central migrate``)."""
    dsn = role_dsn(pg_server, pg_owner, _new_database(pg_server, pg_owner))
    with psycopg.connect(dsn) as conn:
        central.migrate(conn)
    return dsn


@pytest.fixture
def central_dsn(pg_server, owner_dsn) -> str:
    """Superuser DSN of the migrated database of ``owner_dsn`` (to set up or inspect central state directly)."""
    return f"{pg_server}/{_database_of(owner_dsn)}"


@pytest.fixture
def enrol_site(pg_server, owner_dsn):
    """``enrol_site(site_uuid, public_key=None, code="LIL") -> DSN`` of a new login role enrolled for that site."""

    def enrol(site_uuid: str, public_key: bytes | None = None, code: str = "LIL") -> str:
        role = f"site_{uuid.uuid4().hex[:10]}"
        key = public_key if public_key is not None else random_public_key()
        with psycopg.connect(owner_dsn) as conn:
            registry.enrol_site(conn, site_uuid, key, site_code=code, db_role=role, enrolled_by="tests")
        return role_dsn(pg_server, role, _database_of(owner_dsn))

    return enrol


@pytest.fixture
def enrol_store(enrol_site):
    """``enrol_store(db_path, public_key=None) -> DSN``: enrol the site of a local store (created if needed)."""

    def enrol(db_path: Path, public_key: bytes | None = None, code: str = "LIL") -> str:
        with Store.open(db_path) as store:
            site = outbox.site_uuid(store)
        return enrol_site(site, public_key, code)

    return enrol


def _group_member_dsn(pg_server: str, owner_dsn: str, prefix: str, group: str) -> str:
    role = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(owner_dsn, autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {role} LOGIN IN ROLE {group}")
    return role_dsn(pg_server, role, _database_of(owner_dsn))


@pytest.fixture
def researcher_dsn(pg_server, owner_dsn) -> str:
    """A researcher's login role (member of ``enose_researcher``) on the database of ``owner_dsn``."""
    return _group_member_dsn(pg_server, owner_dsn, "researcher", "enose_researcher")


@pytest.fixture
def importer_dsn(pg_server, owner_dsn) -> str:
    """A bundle importer's login role (member of ``enose_importer``) on the database of ``owner_dsn``."""
    return _group_member_dsn(pg_server, owner_dsn, "importer", "enose_importer")


def random_public_key() -> bytes:
    """A valid Ed25519 public key whose private half is thrown away (for sites that sign nothing in a test)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return Ed25519PrivateKey.generate().public_key().public_bytes(serialization.Encoding.Raw,
                                                                  serialization.PublicFormat.Raw)  # fmt: skip


def write_sessions(
    db_path: Path, n: int, seconds: float = 2.0, seed: int = 0, subject_prefix: str = "LIL"
) -> list[str]:
    """Write ``n`` complete sessions of seeded random data (4 channels, 10 ms); return their uuids."""
    rng = np.random.default_rng(seed)
    period_ms = 10
    n_samples = int(seconds * 1000 / period_ms)
    uuids = []
    with Store.open(db_path) as store:
        store.upsert_device("EN-0007", "enose-32", "1.2.0", 10, LAYOUT)
        for i in range(n):
            code = f"{subject_prefix}-{i % 7:04d}"
            store.ensure_subject(code, age_years=int(rng.integers(50, 80)), smoking="former")
            writer = store.create_session(operator="tech1", layout=LAYOUT, period_ms=period_ms,
                                          protocol={"breath_s": seconds}, subject_code=code,
                                          device_serial="EN-0007", site="LIL")  # fmt: skip
            for start in range(0, n_samples, 100):
                stop = min(n_samples, start + 100)
                index = np.arange(start, stop)
                writer.append(SampleBlock(
                    t_s=index * period_ms / 1000.0,
                    device_seq=(index & 0xFFFF).astype(np.uint16),
                    device_t_ms=(index * period_ms).astype(np.uint32),
                    flags=np.zeros(stop - start, np.uint16),
                    values=rng.normal(1e4, 50.0, (stop - start, len(LAYOUT))).astype(np.float32),
                ))  # fmt: skip
            writer.event("note", 0.5, text="seeded")
            writer.phase("breath", 1, 0.0, seconds)
            writer.finish("complete")
            uuids.append(store.session(writer.session_id)["uuid"])
    return uuids
