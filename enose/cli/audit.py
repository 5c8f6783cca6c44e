"""``enose audit``: check and read the append-only, hash-chained audit trail."""

from __future__ import annotations

import json
import sys

import click

from enose.cli.auth import acting_user, user_option_no_token_hint
from enose.cli.common import CHECK_DB, EXIT_FAILED, _fail, _open_store, db_option, insecure_option, json_option

__all__ = ["audit_group", "register"]


@click.group("audit")
def audit_group() -> None:
    """The append-only, hash-chained audit trail."""


@audit_group.command("verify")
@db_option
@click.option("--central", "dsn", default=None, metavar="DSN",
              help="Also compare with the anchors copied to this central database at each sync.")  # fmt: skip
@insecure_option
@user_option_no_token_hint
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

    store = _open_store(db, missing_hint=CHECK_DB)
    with store:
        check = None
        actor = acting_user(store, username)  # any signed-in role may check integrity; nothing is read out
        if dsn:
            from enose.sync import SyncError
            from enose.sync.uploader import check_central_anchors

            try:
                check = check_central_anchors(store, dsn, insecure=insecure, actor=actor.username)
            except SyncError as error:
                _fail(str(error), code=EXIT_FAILED)
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
@user_option_no_token_hint
@click.option("--limit", type=int, default=50, show_default=True)
@json_option
def audit_list(db, username, limit, as_json) -> None:
    """Show the newest audit entries (administrators).

    Example: ``enose audit list --user admin1 --limit 20``
    """
    from enose.security.audit import entries

    store = _open_store(db, missing_hint=CHECK_DB)
    with store:
        user = acting_user(store, username)
        rows = entries(store, user, limit)
    if as_json:
        click.echo(json.dumps({"entries": rows}))
        return
    for row in rows:
        click.echo(f"{row['id']:>6}  {row['at'][:19]}  {row['actor']:<16} {row['action']:<16} "
                   f"{row['object_type']} {row['object_id'] or ''}")  # fmt: skip


def register(cli: click.Group) -> None:
    """Add ``enose audit`` to the main command group."""
    cli.add_command(audit_group, "audit")
