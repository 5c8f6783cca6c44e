"""``enose central``: the administrator's commands for the central study database.

They run under the *owner* role (``--dsn``), the only role that may create or change
the schema, create roles and enrol sites; sites and researchers never get it. Why
separate commands: before them every sync migrated the schema, so the first site
to sync owned every table and could empty or rewrite them.

Set-up, once per study (as a PostgreSQL administrator, then as the owner)::

    CREATE ROLE enose_owner LOGIN CREATEROLE PASSWORD '...';
    CREATE DATABASE enose OWNER enose_owner;
    enose central migrate --dsn postgresql://enose_owner@db.example.org/enose
    enose central enrol-site --dsn ... --site-uuid <from the site> --site-code LIL \\
        --public-key site-signing.pub --db-role site_lil --password-env SITE_LIL_PASSWORD

Researchers get a login role that is a member of ``enose_researcher``
(``GRANT enose_researcher TO alice``) and query the ``enose.research_*`` views.
"""

from __future__ import annotations

import getpass
import json
from pathlib import Path

import click

from enose.cli.common import EXIT_FAILED, EXIT_USAGE, _fail, json_option

__all__ = ["central_group", "register"]

_dsn = click.option("--dsn", envvar="ENOSE_CENTRAL_OWNER_DSN", required=True, metavar="DSN",
                    help="The central database as its owner role (env ENOSE_CENTRAL_OWNER_DSN).")  # fmt: skip
_insecure = click.option("--insecure", is_flag=True,
                         help="Allow a remote DSN's sslmode weaker than verify-full (logged and audited locally).")  # fmt: skip
_db = click.option("--db", "db", type=click.Path(dir_okay=False), default=None,
                   help="Local database whose audit trail records an --insecure connection (default: the usual one).")  # fmt: skip


def _actor() -> str:
    return f"os:{getpass.getuser()}"


def _connect(dsn: str, insecure: bool, db: str | None):
    """The owner's connection, under the same TLS rule as sync; an insecure one is audited in the local store if any."""
    from enose.storage import DatabaseMissing, StorageError, Store
    from enose.sync.uploader import SyncError, connect

    store = None
    if insecure:
        try:
            store = Store.open(db, create=False)
        except (DatabaseMissing, StorageError):
            click.echo("warning: no local database here, so the insecure connection is not in an audit trail", err=True)
    try:
        return connect(dsn, insecure=insecure, store=store, actor=_actor(), application_name="enose-central")
    except SyncError as error:
        _fail(str(error), code=EXIT_FAILED)
    finally:
        if store is not None:
            store.close()


def _out(as_json: bool, doc: dict, text: str) -> None:
    click.echo(json.dumps(doc, default=str) if as_json else text)


@click.group("central")
def central_group() -> None:
    """Administer the central study database (schema, roles, site enrolment) as its owner role."""


@central_group.command("migrate")
@_dsn
@_insecure
@_db
@json_option
def central_migrate(dsn, insecure, db, as_json) -> None:
    """Create or bring forward the central schema, its roles and their privileges.

    Run as the owner role: it becomes the owner of schema ``enose`` (or must already be),
    and needs CREATEROLE the first time to create the NOLOGIN roles enose_site,
    enose_importer and enose_researcher. Safe to repeat.

    Example: ``enose central migrate --dsn postgresql://enose_owner@db.example.org/enose``
    """
    import psycopg

    from enose.sync import central

    with _connect(dsn, insecure, db) as conn:
        before = None
        try:
            with conn.transaction():
                before = central.schema_version(conn)
            instance = central.migrate(conn)
        except (central.CentralNotOwner, central.CentralSchemaTooNew) as error:
            _fail(str(error), code=EXIT_FAILED)
        except psycopg.Error as error:
            _fail(f"migration refused by the central database, nothing was changed: {error}".strip(), code=EXIT_FAILED)
    doc = {"instance_uuid": instance, "from_version": before, "version": central.CURRENT_VERSION}
    _out(as_json, doc, f"central schema at v{central.CURRENT_VERSION} (was v{before}), instance {instance}")


def _read_key(value: str) -> bytes:
    from enose.sync.registry import RegistryError, parse_public_key

    path = Path(value)
    text = path.read_text(encoding="utf-8") if len(value) != 64 and path.is_file() else value
    try:
        return parse_public_key(text)
    except RegistryError as error:
        _fail(f"--public-key: {error}", code=EXIT_USAGE)


@central_group.command("enrol-site")
@_dsn
@click.option("--site-uuid", required=True, help="The site's UUID (`enose site show` at the site prints it).")
@click.option("--site-code", default=None, help="Short site code, e.g. LIL.")
@click.option("--public-key", "public_key", required=True, metavar="FILE_OR_HEX",
              help="The site's site-signing.pub, or its 'ed25519 <hex>' line, or 64 hex digits.")  # fmt: skip
@click.option("--db-role", required=True, help="The site's own login role (created if it does not exist).")
@click.option("--password-env", default=None, metavar="VAR",
              help="Environment variable holding the role's password (stored as a SCRAM verifier).")  # fmt: skip
@_insecure
@_db
@json_option
def central_enrol_site(dsn, site_uuid, site_code, public_key, db_role, password_env, insecure, db, as_json) -> None:
    """Enrol a site: its login role (a member of enose_site, nothing else) and its signing key.

    The site then syncs with that role and can write and read only its own rows. Check the
    key's fingerprint with the site (by phone) before enrolling it.

    Example: ``enose central enrol-site --dsn ... --site-uuid 0b9f... --site-code LIL --public-key lil.pub
    --db-role site_lil --password-env SITE_LIL_PASSWORD``
    """
    import os
    import uuid

    import psycopg

    from enose.security.site_keys import key_fingerprint
    from enose.sync import central
    from enose.sync.registry import RegistryError, enrol_site

    try:
        site_uuid = str(uuid.UUID(site_uuid))
    except ValueError:
        _fail(f"--site-uuid {site_uuid!r} is not a UUID", code=EXIT_USAGE)
    key = _read_key(public_key)
    password = None
    if password_env:
        password = os.environ.get(password_env)
        if not password:
            _fail(f"--password-env {password_env}: that environment variable is empty or not set", code=EXIT_USAGE)
    with _connect(dsn, insecure, db) as conn:
        try:
            central.require_current(conn)
            row = enrol_site(conn, site_uuid, key, site_code=site_code, db_role=db_role, enrolled_by=_actor(),
                             password=password)  # fmt: skip
        except (central.CentralSchemaMissing, central.CentralSchemaTooNew, RegistryError) as error:
            _fail(str(error), code=EXIT_FAILED)
        except psycopg.Error as error:
            _fail(f"enrolment refused by the central database, nothing was changed: {error}".strip(), code=EXIT_FAILED)
    row["fingerprint"] = key_fingerprint(key)
    what = "was already enrolled" if row["already_enrolled"] else "enrolled"
    role = "new role" if row["created_role"] else "role"
    _out(as_json, row, f"site {site_uuid} {what}: {role} {db_role}, key fingerprint {row['fingerprint']}")


@central_group.command("revoke-site")
@_dsn
@click.option("--site-uuid", required=True)
@_insecure
@_db
@json_option
def central_revoke_site(dsn, site_uuid, insecure, db, as_json) -> None:
    """Revoke a site (lost or leaked key or password): its role loses every right; its rows stay.

    Example: ``enose central revoke-site --dsn ... --site-uuid 0b9f...``
    """
    import psycopg

    from enose.sync import central
    from enose.sync.registry import RegistryError, revoke_site

    with _connect(dsn, insecure, db) as conn:
        try:
            central.require_current(conn)
            row = revoke_site(conn, site_uuid)
        except (central.CentralSchemaMissing, central.CentralSchemaTooNew, RegistryError, ValueError) as error:
            _fail(str(error), code=EXIT_FAILED)
        except psycopg.Error as error:
            _fail(f"revocation refused by the central database, nothing was changed: {error}".strip(), code=EXIT_FAILED)
    _out(as_json, row, f"site {row['site_uuid']} revoked at {row['revoked_at']} (role {row['db_role']})")


@central_group.command("sites")
@_dsn
@_insecure
@_db
@json_option
def central_sites(dsn, insecure, db, as_json) -> None:
    """List enrolled sites: code, role, key fingerprint, enrolment, revocation, last sync.

    Example: ``enose central sites --dsn ... --json``
    """
    import psycopg

    from enose.security.site_keys import key_fingerprint
    from enose.sync import central

    with _connect(dsn, insecure, db) as conn:
        try:
            central.require_current(conn)
            rows = conn.execute(
                """SELECT r.site_uuid::text, r.site_code, r.db_role, r.public_key, r.enrolled_by, r.enrolled_at,
                          r.revoked_at, s.last_sync
                   FROM enose.site_registry r LEFT JOIN enose.sites s ON s.site_uuid = r.site_uuid
                   ORDER BY r.enrolled_at"""
            ).fetchall()
        except (central.CentralSchemaMissing, central.CentralSchemaTooNew) as error:
            _fail(str(error), code=EXIT_FAILED)
        except psycopg.Error as error:
            _fail(str(error).strip(), code=EXIT_FAILED)
    sites = [{"site_uuid": r[0], "site_code": r[1], "db_role": r[2], "fingerprint": key_fingerprint(bytes(r[3])),
              "enrolled_by": r[4], "enrolled_at": r[5], "revoked_at": r[6], "last_sync": r[7]} for r in rows]  # fmt: skip
    if as_json:
        click.echo(json.dumps({"sites": sites}, default=str))
        return
    for s in sites:
        state = f"revoked {s['revoked_at']:%Y-%m-%d}" if s["revoked_at"] else "active"
        click.echo(
            f"{s['site_uuid']}  {s['site_code'] or '-':<6} {s['db_role'] or '-':<16} {s['fingerprint']}  {state}"
        )


def register(cli: click.Group) -> None:
    """Add ``enose central`` to the main command group."""
    cli.add_command(central_group, "central")
