"""Commands to look at what is there: ``devices`` (serial ports), ``sessions list`` and ``export``
(one session's raw samples; ``enose.cli.study`` adds ``export study`` beside it)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from enose.browse import LABEL_CHOICES, QC_CHOICES, ZONE_CHOICES, SessionFilter
from enose.cli.auth import acting_user, user_option
from enose.cli.common import (
    SESSION_ID,
    _fail,
    _open_central,
    _open_store,
    central_insecure_option,
    central_option,
    db_option,
    json_option,
)
from enose.storage.store import MAX_ROW_ID

__all__ = ["devices", "describe_damaged_block", "export", "register", "sessions", "sessions_list"]


@click.command()
@json_option
def devices(as_json: bool) -> None:
    """List serial ports that may be e-nose devices.

    Example: ``enose devices --json``
    """
    from serial.tools import list_ports

    ports = [
        {"port": p.device, "description": p.description, "hwid": p.hwid}
        for p in sorted(list_ports.comports(), key=lambda p: p.device)
    ]
    if as_json:
        click.echo(json.dumps({"ports": ports}))
    elif not ports:
        click.echo("no serial ports found (use `enose emulate` or `enose demo` to try the software without a device)")
    else:
        for port in ports:
            click.echo(f"{port['port']}\t{port['description']}")


@click.group()
def sessions() -> None:
    """Browse recorded sessions."""


#: The columns of ``sessions list``, from a site's database or the centre.
LIST_KEYS = ("id", "uuid", "kind", "subject_code", "device_serial", "operator", "started_at", "status", "n_samples",
             "lost_samples", "interruptions")  # fmt: skip


@sessions.command("list")
@db_option
@central_option
@central_insecure_option
@user_option
@click.option("--limit", type=click.IntRange(1, MAX_ROW_ID), default=None, help="Show only the newest N sessions.")
@click.option("--after", "after_id", type=SESSION_ID, default=None,
              help="Continue a page: only sessions listed after this id (the JSON's next_after).")  # fmt: skip
@click.option("--site", default=None, help="Only this site (its code; with --central, the enrolled site's code).")
@click.option("--device", default=None, help="Only this device serial.")
@click.option("--kind", type=click.Choice(["screening", "calibration"]), default=None, help="Only this kind.")
@click.option("--from", "date_from", default=None, metavar="YYYY-MM-DD", help="Only sessions started on or after.")
@click.option("--until", "date_to", default=None, metavar="YYYY-MM-DD", help="Only sessions started on or before.")
@click.option("--qc", type=click.Choice(QC_CHOICES), default=None, help="Only this newest QC verdict.")
@click.option("--zone", type=click.Choice(ZONE_CHOICES), default=None, help="Only this newest zone.")
@click.option("--label", type=click.Choice(LABEL_CHOICES), default=None, help="Only this diagnosis in force.")
@json_option
def sessions_list(db, central, insecure, username, limit, after_id, site, device, kind, date_from, date_to, qc, zone,
                  label, as_json) -> None:  # fmt: skip
    """List sessions, newest first, optionally filtered and paged.

    The filters are the researcher browser's (QC, zone and diagnosis need a role that may read
    results). ``--central`` lists the pooled sessions of every site from the central study
    database: ``id`` is then the centre's session number, subjects and staff are study pseudonyms.

    Example: ``enose sessions list --json``; ``enose sessions list --central --site LIL --limit 50``
    """
    session_filter = SessionFilter(date_from=date_from, date_to=date_to, device=device, site=site, qc=qc, zone=zone,
                                   label=label, kind=kind)  # fmt: skip
    try:
        if central is not None:
            with _open_central(central, insecure, db=db) as source:
                rows = source.list_sessions(session_filter, after=after_id, limit=limit)
        else:
            rows = _local_sessions(db, username, session_filter, after_id, limit)
    except ValueError as error:
        _fail(str(error))
    rows = [{k: row[k] for k in LIST_KEYS} for row in rows]
    if as_json:
        page = {"sessions": rows}
        if limit:
            page["next_after"] = rows[-1]["id"] if len(rows) == limit else None
        click.echo(json.dumps(page))
        return
    if not rows:
        filtered = session_filter != SessionFilter() or after_id
        click.echo("no sessions match" if filtered else "no sessions yet (try `enose demo`)")
    for row in rows:
        click.echo(
            f"{row['id']:>5}  {row['started_at'][:19]}  {row['subject_code'] or '-':<12} {row['device_serial'] or '-':<12}"
            f" {row['status']:<11} samples {row['n_samples']}, lost {row['lost_samples']},"
            f" interruptions {row['interruptions']}"
        )


def _local_sessions(db, username, session_filter: SessionFilter, after_id: int | None, limit: int | None) -> list[dict]:
    """The rows of ``sessions list`` from the site's database: all of them, or a filtered page (:mod:`enose.browse`)."""
    from enose.browse import browse_sessions
    from enose.security.access import list_sessions

    store = _open_store(db)
    with store:
        user = acting_user(store, username)
        if session_filter == SessionFilter() and after_id is None:
            return list_sessions(store, user, limit)
        rows = []
        while limit is None or len(rows) < limit:
            want = 500 if limit is None else min(500, limit - len(rows))
            page = browse_sessions(store, user, session_filter, after_id=after_id, limit=want)
            rows += [store.session(r.id) for r in page]
            if len(page) < want:
                break
            after_id = page[-1].id
        return rows


@click.command()
@click.option("--session", "session_id", type=SESSION_ID, required=True, help="Session id (`enose sessions list`).")
@click.option("--format", "fmt", type=click.Choice(["csv", "npz"]), default="npz", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False), default=None, help="Output file (default: session-ID.FORMAT).")
@db_option
@user_option
@json_option
def export(session_id, fmt, out, db, username, as_json) -> None:
    """Export one session's raw samples, exactly as received (owner-only file; the export is audited).

    Example: ``enose export --session 3 --format csv --out s3.csv``
    """
    from enose.security.access import export_session
    from enose.storage import SessionNotFound

    target = Path(out) if out else Path(f"session-{session_id}.{fmt}")
    store = _open_store(db)
    with store:
        user = acting_user(store, username)
        try:
            recording, written = export_session(store, user, session_id, fmt, target)
        except SessionNotFound as error:
            _fail(f"{error}; see `enose sessions list`")
        except OSError as error:
            _fail(f"could not write {target}: {error}")
    damaged = recording.meta.get("damaged_blocks") or []
    for hole in damaged:
        click.echo(f"warning: {describe_damaged_block(hole)}", err=True)
    if as_json:
        click.echo(json.dumps({"session_id": session_id, "format": fmt, "path": str(written),
                               "samples": recording.n_samples, "damaged_blocks": damaged}))  # fmt: skip
    else:
        click.echo(f"wrote {recording.n_samples} samples of session {session_id} to {written}")


def describe_damaged_block(hole: dict) -> str:
    """One line saying which seconds a damaged stored block took with it (see ``Store.iter_blocks``)."""
    if "t_first_s" in hole:
        span = f"{hole['t_first_s']:.2f}-{hole['t_last_s']:.2f} s"
    else:
        after = "the start" if hole.get("after_s") is None else f"{hole['after_s']:.2f} s"
        before = "the end" if hole.get("before_s") is None else f"{hole['before_s']:.2f} s"
        span = f"between {after} and {before}"
    return (f"stored block {hole['chunk_index']} is damaged ({hole['error']}): its {hole['n_samples']} samples, "
            f"{span} of the session, are missing from the export (a gap, not invented data)")  # fmt: skip


def register(cli: click.Group) -> None:
    """Add ``devices``, ``sessions`` and ``export`` to the main command group."""
    for command in (devices, sessions, export):
        cli.add_command(command)
