"""``enose sync``: send finished sessions, labels and scores to the central study database."""

from __future__ import annotations

import json
import sys

import click

from enose.cli.auth import acting_user, user_option_no_token_hint
from enose.cli.common import (
    CHECK_DB,
    EXIT_FAILED,
    _fail,
    _open_store,
    db_option,
    dsn_option,
    insecure_option,
    json_option,
    progress_option,
)

__all__ = ["register", "sync_command"]


@click.command("sync")
@dsn_option
@click.option("--status", "show_status", is_flag=True, help="Show each session's sync status instead of syncing.")
@db_option
@user_option_no_token_hint
@json_option
@progress_option
@insecure_option
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
    from enose.security import Permission, require
    from enose.sync import SyncError, sync_to_central
    from enose.sync.outbox import session_status

    store = _open_store(db, missing_hint=CHECK_DB)
    with store:
        if show_status:
            require(acting_user(store, username), Permission.SYNC)
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
        user = acting_user(store, username)
        try:
            report = sync_to_central(store, dsn, user, progress=not no_progress and not as_json, insecure=insecure)
        except SyncError as error:
            _fail(str(error), code=EXIT_FAILED)
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


def register(cli: click.Group) -> None:
    """Add ``enose sync`` to the main command group."""
    cli.add_command(sync_command, "sync")
