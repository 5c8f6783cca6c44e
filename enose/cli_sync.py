"""Commands for sync, bundles, the audit trail, accounts and study exports.

Registered into the main ``enose`` group by :func:`register`. Commands that act
on data run as a signed-in account: ``--user NAME`` (or ``ENOSE_USER``) with the
password from ``ENOSE_PASSWORD`` or a hidden prompt. While an installation has
no account at all, they run as its owner (whoever can open the owner-only
database file already holds all of it) until ``enose users add`` creates the
first administrator.
"""

from __future__ import annotations

import json
import os
import sys

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
    """The signed-in account, or the installation's unauthenticated owner while no account exists
    (one rule for every command: :func:`enose.cli_auth.acting_user`)."""
    from enose.cli_auth import acting_user

    return acting_user(store, username)


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
@click.option("--insecure", is_flag=True,
              help="Allow a remote DSN's sslmode weaker than verify-full (logged and recorded in the audit trail).")  # fmt: skip
def sync_command(dsn, show_status, db, username, as_json, no_progress, insecure) -> None:
    """Send finished sessions, labels and scores to the central study database.

    Safe to repeat and to interrupt: a retry never duplicates, and a sync that was
    stopped resumes where it stopped. Ends with one JSON object counting uploaded,
    skipped (already there) and failed sessions when --json is given. Connect with
    this site's own database role (enrolled with ``enose central enrol-site``); the
    central schema must exist (``enose central migrate``). A remote host needs TLS
    with a verified certificate (``sslmode=verify-full``, set when the DSN names none).

    Example: ``enose sync --to postgresql://site7@study.example.org/enose --json``
    """
    from enose.security import Permission, PermissionDenied, require
    from enose.sync import SyncError, sync_to_central
    from enose.sync.outbox import session_status

    store = _open_store(db)
    with store:
        if show_status:
            try:
                require(_acting_user(store, username), Permission.SYNC)
            except PermissionDenied as error:
                _denied(error)
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
            report = sync_to_central(store, dsn, user, progress=not no_progress and not as_json, insecure=insecure)
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
        for warning in report.warnings:
            click.echo(f"warning: {warning}", err=True)
    if report.failed:
        sys.exit(1)


# -- bundles ---------------------------------------------------------------------------------


@click.group("bundle")
def bundle_group() -> None:
    """Signed session bundles for sites without a network link."""


@bundle_group.command("keygen")
def bundle_keygen() -> None:
    """Create this site's signing key (once per site) and print the public key to enrol at the centre.

    The private key ``site-signing.key`` stays in the data directory, owner-only: back it up.
    Send ``site-signing.pub`` to the centre, whose administrator enrols it with
    ``enose central enrol-site``; bundles from this site are refused there until then.

    Example: ``enose bundle keygen``
    """
    from enose.security.site_keys import PUBLIC_KEY_FILE, SiteKeyError, create_site_key, format_public_key
    from enose.security.site_keys import key_fingerprint as fingerprint_of
    from enose.storage.paths import default_data_dir

    try:
        raw = create_site_key()
    except (SiteKeyError, OSError) as error:
        _fail(str(error))
    click.echo(format_public_key(raw))
    click.echo(f"fingerprint {fingerprint_of(raw)}")
    click.echo(f"Send {default_data_dir() / PUBLIC_KEY_FILE} to the centre to be enrolled (check the fingerprint "
               "with them by phone), and back up site-signing.key: it never leaves this site.", err=True)  # fmt: skip


@bundle_group.command("key", hidden=True)
@click.option("--new", "new", is_flag=True, help="(no longer supported)")
@click.option("--out", default=None, help="(no longer supported)")
def bundle_key(new, out) -> None:
    """No longer supported: bundles are signed with each site's own key (``enose bundle keygen``)."""
    _fail("the shared study key is no longer used: each site signs its bundles with its own key. Create it with "
          "`enose bundle keygen` and have the centre enrol its public key (`enose central enrol-site`)")  # fmt: skip


@bundle_group.command("export")
@click.option("--out", type=click.Path(dir_okay=False), required=True, help="Bundle file to write.")
@db_option
@user_option
@json_option
@progress_option
def bundle_export(out, db, username, as_json, no_progress) -> None:
    """Write every finished session, label and score to a bundle file signed with this site's key.

    Each bundle carries the site's next bundle number; the centre refuses a bundle older
    than one it has imported. Needs the site key (``enose bundle keygen``, enrolled at the centre).

    Example: ``enose bundle export --out site7-2025-06.enose``
    """
    from enose.security import PermissionDenied
    from enose.security.site_keys import SiteKeyError
    from enose.sync.bundle import BundleError, export_bundle

    store = _open_store(db)
    with store:
        user = _acting_user(store, username)
        try:
            report = export_bundle(store, out, user, progress=not no_progress and not as_json)
        except PermissionDenied as error:
            _denied(error)
        except (BundleError, SiteKeyError) as error:
            _fail(f"{error}; no bundle was written")
    if as_json:
        click.echo(json.dumps(report.to_json()))
    else:
        click.echo(f"wrote bundle number {report.sequence}: {report.sessions} sessions ({report.bytes / 1e6:.1f} MB) "
                   f"to {report.path}")  # fmt: skip


@bundle_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@dsn_option
@db_option
@user_option
@json_option
@progress_option
@click.option("--insecure", is_flag=True,
              help="Allow a remote DSN's sslmode weaker than verify-full (logged and recorded in the audit trail).")  # fmt: skip
def bundle_import(path, dsn, db, username, as_json, no_progress, insecure) -> None:
    """Check a bundle's signature against its site's enrolled key, then load it into the central database.

    Refused, with nothing imported (exit 1): a damaged or edited bundle, one from a site
    not enrolled at the centre or signed by another key, one touching another site's data,
    or one older than a bundle of that site already imported. Importing the same bundle
    twice changes nothing.

    Example: ``enose bundle import site7-2025-06.enose --to postgresql://study.example.org/enose``
    """
    from enose.security import PermissionDenied
    from enose.sync import SyncError
    from enose.sync.bundle import BundleError, BundleRefused, import_bundle

    if not dsn:
        _fail("name the central database with --to postgresql://... (or set ENOSE_CENTRAL_DSN)")
    store = _open_store(db, create=True)
    with store:
        user = _acting_user(store, username)
        try:
            report = import_bundle(store, path, dsn, user, progress=not no_progress and not as_json,
                                   insecure=insecure)  # fmt: skip
        except PermissionDenied as error:
            _denied(error)
        except BundleRefused as error:
            _fail(str(error), code=1)
        except BundleError as error:
            _fail(str(error))
        except SyncError as error:
            _fail(str(error), code=1)
    if as_json:
        click.echo(json.dumps(report.to_json()))
    elif report.already_imported:
        click.echo(f"{os.path.basename(path)} (bundle number {report.sequence} of site {report.site_uuid}) was already "
                   "imported: nothing changed")  # fmt: skip
    else:
        click.echo(f"bundle number {report.sequence} of site {report.site_uuid}: uploaded {report.uploaded}, "
                   f"skipped {report.skipped} (already there), failed {report.failed} of {report.sessions} sessions")  # fmt: skip
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
@click.option("--insecure", is_flag=True,
              help="Allow a remote DSN's sslmode weaker than verify-full (logged and recorded in the audit trail).")  # fmt: skip
@user_option
@json_option
def audit_verify(db, dsn, insecure, username, as_json) -> None:
    """Check that no audit entry was edited, deleted or re-ordered; exit 1 if one was.

    With --central, also check the chain against the anchors each sync left in the central
    database, each anchor's signature against this site's enrolled key, and report how far
    the newest anchor is behind the local head. A central database without the enose schema,
    or without any anchor of this site, fails the check (exit 1): there is nothing to confirm.

    Example: ``enose audit verify --json``
    """
    from enose.security.audit import verify

    store = _open_store(db)
    with store:
        check = None
        actor = _acting_user(store, username)  # any signed-in role may check integrity; nothing is read out
        if dsn:
            from enose.sync import SyncError
            from enose.sync.uploader import check_central_anchors

            try:
                check = check_central_anchors(store, dsn, insecure=insecure, actor=actor.username)
            except SyncError as error:
                _fail(str(error), code=1)
        report = verify(store, check.anchors if check else [])
        if check is not None and check.problems:
            report.problems.extend(check.problems)
            report.ok = False
    if as_json:
        click.echo(json.dumps(report.to_json() | ({"central": check.to_json()} if check else {})))
    elif report.ok:
        click.echo(f"audit trail intact: {report.n_rows} entries, head {report.head_hash}")
    else:
        click.echo(f"AUDIT TRAIL TAMPERED WITH: first bad entry {report.first_bad_id}")
        for problem in report.problems:
            click.echo(f"  {problem}")
    if check is not None and not as_json:
        click.echo(f"central anchors: {len(check.anchors)} ({check.signed} signed, {check.unsigned} unsigned, "
                   f"{check.unverifiable} unverifiable); newest anchor row {check.last_anchor_id}, "
                   f"{check.rows_behind} rows and {check.seconds_behind} s behind the local head")  # fmt: skip
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

    The first account must be an administrator, and creating it switches sign-in on for
    good; after that an administrator signs in with --user to add others. A password has
    at least 12 characters and must not be easy to guess.

    Example: ``enose users add alice --role clinician --user admin1``
    """
    from enose.security import AccountError, PermissionDenied, create_user
    from enose.security.signin import accounts_enforced

    store = _open_store(db, create=True)
    with store:
        actor = _acting_user(store, username) if accounts_enforced(store) else "first-start"
        password = _new_password(new_username)
        try:
            user = create_user(store, new_username, password, role, actor)
        except AccountError as error:
            _fail(str(error))
        except PermissionDenied as error:
            _denied(error)
    click.echo(f"account {user.username} ({user.role}) created")


def _new_password(username: str) -> str:
    password = os.environ.get("ENOSE_NEW_PASSWORD")
    if password is None:
        password = click.prompt(f"new password for {username}", hide_input=True, confirmation_prompt=True, err=True)
    return password


@users_group.command("list")
@db_option
@user_option
@json_option
def users_list(db, username, as_json) -> None:
    """List accounts, roles and state (administrators only).

    Example: ``enose users list --json``
    """
    from enose.security import PermissionDenied
    from enose.security.accounts import list_accounts

    store = _open_store(db)
    with store:
        try:
            accounts = list_accounts(store, _acting_user(store, username))
        except PermissionDenied as error:
            _denied(error)
    if as_json:
        click.echo(json.dumps({"users": accounts}))
    else:
        for a in accounts:
            state = "disabled" if a["disabled"] else "locked" if a["locked"] else "active"
            click.echo(f"{a['username']}\t{a['role']}\t{state}")


def _account_change(db, username, change) -> None:
    """Run one account change as the signed-in user, with the core's refusals as one-line messages."""
    from enose.security import AccountError, AuthenticationFailed, PermissionDenied

    store = _open_store(db)
    with store:
        user = _acting_user(store, username)
        try:
            message = change(store, user)
        except (AccountError, AuthenticationFailed) as error:
            _fail(f"{error}; nothing was changed")
        except PermissionDenied as error:
            _denied(error)
    click.echo(message)


@users_group.command("passwd")
@click.argument("account", required=False)
@db_option
@user_option
def users_passwd(account, db, username) -> None:
    """Change your own password (the current one from ENOSE_PASSWORD or a prompt), or, as an administrator,
    anyone's; the new one comes from ENOSE_NEW_PASSWORD or a hidden prompt.

    Example: ``enose users passwd --user alice``
    """
    from enose.security.accounts import change_password

    def change(store, user):
        target = account or user.username
        old = os.environ.get("ENOSE_PASSWORD") if target == user.username else None
        change_password(store, user, target, old, _new_password(target))
        return f"password of {target} changed"

    _account_change(db, username, change)


def _state_command(name: str, verb: str, doc: str):
    @users_group.command(name, help=doc)
    @click.argument("account")
    @db_option
    @user_option
    def command(account, db, username) -> None:
        from enose.security.accounts import set_disabled, unlock

        def change(store, user):
            if name == "unlock":
                unlock(store, user, account)
            else:
                set_disabled(store, user, account, name == "disable")
            return f"account {account} {verb}"

        _account_change(db, username, change)

    return command


users_disable = _state_command("disable", "disabled", "Disable an account (its sign-in tokens are revoked); "
                               "administrators only.\n\nExample: ``enose users disable bob --user admin1``")  # fmt: skip
users_enable = _state_command("enable", "enabled", "Enable a disabled account again; administrators only.\n\n"
                              "Example: ``enose users enable bob --user admin1``")  # fmt: skip
users_unlock = _state_command("unlock", "unlocked", "Unlock an account locked by repeated failed sign-ins; "
                              "administrators only.\n\nExample: ``enose users unlock bob --user admin1``")  # fmt: skip


# -- study export ----------------------------------------------------------------------------


@click.command("study")
@click.option("--out", type=click.Path(file_okay=False), required=True, help="Directory to write into (created).")
@click.option("--format", "fmt", type=click.Choice(["csv", "parquet", "fhir"]), default="csv", show_default=True)
@click.option("--no-raw", is_flag=True, help="Leave out the raw signals (tables only).")
@click.option("--identified", is_flag=True,
              help="Keep the clinic's subject codes, staff names and exact times (needs export_identified).")
@click.option("--precise-times", is_flag=True,
              help="Keep timestamps to the millisecond in a pseudonymous export (default: the day only).")
@db_option
@user_option
@json_option
@progress_option
def export_study(out, fmt, no_raw, identified, precise_times, db, username, as_json, no_progress) -> None:
    """Export the whole study: subjects, sessions, QC, features, scores, labels, raw signals.

    Pseudonymous by default: subject codes and staff names are replaced by stable keyed
    pseudonyms (subj-..., staff-...) and timestamps keep only the day (--precise-times keeps
    them; the audit trail says so); a data dictionary describing every column is written
    beside the tables. ``fhir`` writes one FHIR R4 Bundle with an Observation per score.

    Example: ``enose export study --out study-2025-06 --format parquet``
    """
    from enose.exports import ExportError
    from enose.exports import export_study as run_export
    from enose.security import PermissionDenied, SecretKeyError

    store = _open_store(db)
    with store:
        user = _acting_user(store, username)
        try:
            summary = run_export(store, out, fmt, user, raw=not no_raw, pseudonymous=not identified,
                                 precise_times=precise_times, progress=not no_progress and not as_json)  # fmt: skip
        except PermissionDenied as error:
            _denied(error)
        except (ExportError, SecretKeyError) as error:
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
