"""Commands for sync, bundles, the audit trail, accounts and study exports.

Registered into the main ``enose`` group by :func:`register`. Commands that act
on data run as a signed-in account: ``--user NAME`` (or ``ENOSE_USER``) with the
password from ``ENOSE_PASSWORD`` or a hidden prompt. While an installation has
no account at all, they run as its owner (whoever can open the owner-only
database file already holds all of it) until ``enose users add`` creates the
first administrator.
"""

from __future__ import annotations

import getpass
import json
import os
import sys
from pathlib import Path

import click

__all__ = ["register"]

db_option = click.option("--db", "db", type=click.Path(dir_okay=False), default=None,
                         help="SQLite database file (default: the per-user data directory).")  # fmt: skip
json_option = click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of text.")
user_option = click.option("--user", "username", envvar="ENOSE_USER", default=None,
                           help="Account to act as (env ENOSE_USER); password from ENOSE_PASSWORD or a prompt.")  # fmt: skip
progress_option = click.option("--no-progress", is_flag=True, help="Do not draw a progress bar.")
dsn_option = click.option("--to", "dsn", envvar="ENOSE_CENTRAL_DSN", default=None, metavar="DSN",
                          help="Central database, e.g. postgresql://user@host/study (env ENOSE_CENTRAL_DSN).")  # fmt: skip


def _fail(message: str, code: int = 2) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def _open_store(db: str | None, *, create: bool = False):
    """The local database; only ``users add`` and ``bundle import`` may create it.

    Why: a command that reads must not turn a mistyped ``--db`` into a new empty database
    (same rule as ``enose.cli._open_store``, not imported from there to keep the modules apart).
    """
    from enose.storage import DatabaseMissing, StorageError, Store

    try:
        return Store.open(db, create=create)
    except DatabaseMissing as error:
        _fail(f"{error} (a command that only reads creates none): check --db")
    except StorageError as error:
        _fail(str(error))


def _acting_user(store, username: str | None):
    """The signed-in account, or the installation's owner while no account exists."""
    from enose.security import AuthenticationFailed, User, authenticate, list_users

    if not list_users(store):
        if username:
            _fail(f"there are no accounts yet; create the first administrator with `enose users add {username} "
                  "--role admin`")  # fmt: skip
        return User(f"owner:{getpass.getuser()}", "admin")
    if not username:
        _fail("this installation has accounts: sign in with --user NAME (password from ENOSE_PASSWORD or a prompt)")
    password = os.environ.get("ENOSE_PASSWORD")
    if password is None:
        password = click.prompt(f"password for {username}", hide_input=True, err=True)
    try:
        return authenticate(store, username, password)
    except AuthenticationFailed as error:
        _fail(f"{error}; nothing was done")


def _denied(error: Exception) -> None:
    _fail(str(error), code=3)


# -- sync ------------------------------------------------------------------------------------


@click.command("sync")
@dsn_option
@click.option("--status", "show_status", is_flag=True, help="Show each session's sync status instead of syncing.")
@db_option
@user_option
@json_option
@progress_option
def sync_command(dsn, show_status, db, username, as_json, no_progress) -> None:
    """Send finished sessions, labels and scores to the central study database.

    Safe to repeat and to interrupt: a retry never duplicates, and a sync that was
    stopped resumes where it stopped. Ends with one JSON object counting uploaded,
    skipped (already there) and failed sessions when --json is given.

    Example: ``enose sync --to postgresql://site7@study.example.org/enose --json``
    """
    from enose.security import PermissionDenied
    from enose.sync import SyncError, sync_to_central
    from enose.sync.outbox import session_status

    store = _open_store(db)
    with store:
        if show_status:
            rows = session_status(store)
            if as_json:
                click.echo(json.dumps({"sessions": rows}))
            else:
                for row in rows:
                    reason = f"  ({row['reason']})" if row["reason"] else ""
                    click.echo(f"{row['session_id']:>6}  {row['uuid']}  {row['status']}{reason}")
            return
        if not dsn:
            _fail("name the central database with --to postgresql://... (or set ENOSE_CENTRAL_DSN)")
        user = _acting_user(store, username)
        try:
            report = sync_to_central(store, dsn, user, progress=not no_progress and not as_json)
        except PermissionDenied as error:
            _denied(error)
        except SyncError as error:
            _fail(str(error), code=1)
    if as_json:
        click.echo(json.dumps(report.to_json()))
    else:
        click.echo(f"uploaded {report.uploaded}, skipped {report.skipped} (already there), failed {report.failed} "
                   f"sessions in {report.seconds:.1f} s")  # fmt: skip
        for failure in report.failures:
            click.echo(f"  failed {failure['session']}: {failure['reason']}")
    if report.failed:
        sys.exit(1)


# -- bundles ---------------------------------------------------------------------------------


@click.group("bundle")
def bundle_group() -> None:
    """Signed session bundles for sites without a network link."""


@bundle_group.command("key")
@click.option("--new", "new", is_flag=True, required=True, help="Create the study key (once per study).")
@click.option("--out", type=click.Path(dir_okay=False), default=None,
              help="Where to write it (default: ENOSE_STUDY_KEY, else study.key in the data directory).")  # fmt: skip
def bundle_key(new, out) -> None:
    """Create the study key that signs bundles; copy it to every site, owner-only.

    Example: ``enose bundle key --new``
    """
    from enose.sync.bundle import BundleError, create_study_key

    try:
        path = create_study_key(Path(out) if out else None)
    except BundleError as error:
        _fail(str(error))
    click.echo(f"study key written to {path} (owner-only); copy it to each site and to the importing machine")


@bundle_group.command("export")
@click.option("--out", type=click.Path(dir_okay=False), required=True, help="Bundle file to write.")
@db_option
@user_option
@json_option
@progress_option
def bundle_export(out, db, username, as_json, no_progress) -> None:
    """Write every finished session, label and score to a signed bundle file.

    Example: ``enose bundle export --out site7-2025-06.enose``
    """
    from enose.security import PermissionDenied
    from enose.sync.bundle import BundleError, export_bundle

    store = _open_store(db)
    with store:
        user = _acting_user(store, username)
        try:
            report = export_bundle(store, out, user, progress=not no_progress and not as_json)
        except PermissionDenied as error:
            _denied(error)
        except BundleError as error:
            _fail(str(error))
    if as_json:
        click.echo(json.dumps(report.to_json()))
    else:
        click.echo(f"wrote {report.sessions} sessions ({report.bytes / 1e6:.1f} MB) to {report.path}")


@bundle_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@dsn_option
@db_option
@user_option
@json_option
@progress_option
def bundle_import(path, dsn, db, username, as_json, no_progress) -> None:
    """Check a bundle's signature and checksums, then load it into the central database.

    A damaged or edited bundle is refused and nothing is imported; importing the same
    bundle twice changes nothing.

    Example: ``enose bundle import site7-2025-06.enose --to postgresql://study.example.org/enose``
    """
    from enose.security import PermissionDenied
    from enose.sync import SyncError
    from enose.sync.bundle import BundleError, import_bundle

    if not dsn:
        _fail("name the central database with --to postgresql://... (or set ENOSE_CENTRAL_DSN)")
    store = _open_store(db, create=True)
    with store:
        user = _acting_user(store, username)
        try:
            report = import_bundle(store, path, dsn, user, progress=not no_progress and not as_json)
        except PermissionDenied as error:
            _denied(error)
        except BundleError as error:
            _fail(str(error))
        except SyncError as error:
            _fail(str(error), code=1)
    if as_json:
        click.echo(json.dumps(report.to_json()))
    else:
        click.echo(f"uploaded {report.uploaded}, skipped {report.skipped} (already there), failed {report.failed} "
                   f"of {report.sessions} sessions")  # fmt: skip
    if report.failed:
        sys.exit(1)


# -- audit -----------------------------------------------------------------------------------


@click.group("audit")
def audit_group() -> None:
    """The append-only, hash-chained audit trail."""


@audit_group.command("verify")
@db_option
@click.option("--central", "dsn", default=None, metavar="DSN",
              help="Also compare with the anchors copied to this central database at each sync.")  # fmt: skip
@json_option
def audit_verify(db, dsn, as_json) -> None:
    """Check that no audit entry was edited, deleted or re-ordered; exit 1 if one was.

    Example: ``enose audit verify --json``
    """
    from enose.security.audit import verify

    store = _open_store(db)
    with store:
        anchors = []
        if dsn:
            from enose.sync import SyncError
            from enose.sync.outbox import site_uuid
            from enose.sync.uploader import central_anchors

            try:
                anchors = central_anchors(dsn, site_uuid(store))
            except SyncError as error:
                _fail(str(error), code=1)
        report = verify(store, anchors)
    if as_json:
        click.echo(json.dumps(report.to_json()))
    elif report.ok:
        click.echo(f"audit trail intact: {report.n_rows} entries, head {report.head_hash}")
    else:
        click.echo(f"AUDIT TRAIL TAMPERED WITH: first bad entry {report.first_bad_id}")
        for problem in report.problems:
            click.echo(f"  {problem}")
    if not report.ok:
        sys.exit(1)


@audit_group.command("list")
@db_option
@user_option
@click.option("--limit", type=int, default=50, show_default=True)
@json_option
def audit_list(db, username, limit, as_json) -> None:
    """Show the newest audit entries (administrators).

    Example: ``enose audit list --user admin1 --limit 20``
    """
    from enose.security import PermissionDenied
    from enose.security.audit import entries

    store = _open_store(db)
    with store:
        user = _acting_user(store, username)
        try:
            rows = entries(store, user, limit)
        except PermissionDenied as error:
            _denied(error)
    if as_json:
        click.echo(json.dumps({"entries": rows}))
        return
    for row in rows:
        click.echo(f"{row['id']:>6}  {row['at'][:19]}  {row['actor']:<16} {row['action']:<16} "
                   f"{row['object_type']} {row['object_id'] or ''}")  # fmt: skip


# -- users -----------------------------------------------------------------------------------


@click.group("users")
def users_group() -> None:
    """Local accounts and their roles (admin, clinician, technician, researcher)."""


@users_group.command("add")
@click.argument("new_username")
@click.option("--role", type=click.Choice(["admin", "clinician", "technician", "researcher"]), required=True)
@db_option
@user_option
def users_add(new_username, role, db, username) -> None:
    """Create an account; its password comes from ENOSE_NEW_PASSWORD or a hidden prompt.

    The first account must be an administrator; after that an administrator signs in
    with --user to add others.

    Example: ``enose users add alice --role clinician --user admin1``
    """
    from enose.security import AccountError, PermissionDenied, create_user, list_users

    store = _open_store(db, create=True)
    with store:
        actor = "first-start" if not list_users(store) else _acting_user(store, username).username
        password = os.environ.get("ENOSE_NEW_PASSWORD")
        if password is None:
            password = click.prompt(f"new password for {new_username}", hide_input=True, confirmation_prompt=True,
                                    err=True)  # fmt: skip
        try:
            user = create_user(store, new_username, password, role, actor)
        except AccountError as error:
            _fail(str(error))
        except PermissionDenied as error:
            _denied(error)
    click.echo(f"account {user.username} ({user.role}) created")


@users_group.command("list")
@db_option
@json_option
def users_list(db, as_json) -> None:
    """List accounts and roles.

    Example: ``enose users list --json``
    """
    from enose.security import list_users

    store = _open_store(db)
    with store:
        users = list_users(store)
    if as_json:
        click.echo(json.dumps({"users": [{"username": u.username, "role": u.role} for u in users]}))
    else:
        for u in users:
            click.echo(f"{u.username}\t{u.role}")


# -- study export ----------------------------------------------------------------------------


@click.command("study")
@click.option("--out", type=click.Path(file_okay=False), required=True, help="Directory to write into (created).")
@click.option("--format", "fmt", type=click.Choice(["csv", "parquet", "fhir"]), default="csv", show_default=True)
@click.option("--no-raw", is_flag=True, help="Leave out the raw signals (tables only).")
@click.option("--identified", is_flag=True, help="Keep staff names (needs the export_identified permission).")
@db_option
@user_option
@json_option
@progress_option
def export_study(out, fmt, no_raw, identified, db, username, as_json, no_progress) -> None:
    """Export the whole study: subjects, sessions, QC, features, scores, labels, raw signals.

    Pseudonymous by default (subject codes only, staff names replaced by stable
    pseudonyms); a data dictionary describing every column is written beside the
    tables. ``fhir`` writes one FHIR R4 Bundle with an Observation per score.

    Example: ``enose export study --out study-2025-06 --format parquet``
    """
    from enose.exports import ExportError
    from enose.exports import export_study as run_export
    from enose.security import PermissionDenied

    store = _open_store(db)
    with store:
        user = _acting_user(store, username)
        try:
            summary = run_export(store, out, fmt, user, raw=not no_raw, pseudonymous=not identified,
                                 progress=not no_progress and not as_json)  # fmt: skip
        except PermissionDenied as error:
            _denied(error)
        except ExportError as error:
            _fail(str(error))
    if as_json:
        click.echo(json.dumps(summary))
    else:
        counts = ", ".join(f"{k} {v}" for k, v in summary["rows"].items())
        click.echo(f"wrote the study export ({fmt}) to {summary['path']}: {counts}")


class _ExportCommand(click.Group):
    """``enose export``: the existing one-session export, plus ``enose export study``.

    Arguments that do not start with a subcommand name go, untouched, to the original
    command, so ``enose export --session ID --format csv`` behaves exactly as before.
    """

    def __init__(self, single: click.Command) -> None:
        super().__init__(name=single.name, help=single.help, short_help=single.short_help,
                         invoke_without_command=True)  # fmt: skip
        self.single = single
        self.epilog = "Whole-study export: `enose export study --help`."

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] in self.commands:
            return super().parse_args(ctx, args)
        ctx.meta["enose.export.single_args"] = list(args)
        return []

    def invoke(self, ctx: click.Context):
        single_args = ctx.meta.pop("enose.export.single_args", None)
        if single_args is None:
            return super().invoke(ctx)
        if any(a in ("-h", "--help") for a in single_args):
            click.echo(self.get_help(ctx))
            ctx.exit(0)
        with self.single.make_context(ctx.info_name, single_args, parent=ctx.parent) as sub:
            return self.single.invoke(sub)

    def get_help(self, ctx: click.Context) -> str:
        with self.single.make_context(ctx.info_name, [], parent=ctx.parent, resilient_parsing=True) as sub:
            text = self.single.get_help(sub)
        return (
            text + "\n\nWhole-study export (subjects, sessions, QC, features, scores, labels, raw signals):\n"
            "  enose export study --out DIR --format csv|parquet|fhir   (see `enose export study --help`)"
        )


def register(cli: click.Group) -> None:
    """Add sync, bundle, audit, users and ``export study`` to the main command group."""
    cli.add_command(sync_command, "sync")
    cli.add_command(bundle_group, "bundle")
    cli.add_command(audit_group, "audit")
    cli.add_command(users_group, "users")
    existing = cli.commands.get("export")
    if existing is not None and not isinstance(existing, _ExportCommand):
        group = _ExportCommand(existing)
        group.add_command(export_study, "study")
        cli.add_command(group, "export")
