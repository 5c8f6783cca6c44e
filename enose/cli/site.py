"""``enose site``: the site settings an administrator chooses (audited), and the site's identity."""

from __future__ import annotations

import click

from enose.cli.auth import acting_user, user_option
from enose.cli.common import _fail, _open_store

__all__ = ["site_group", "register"]


@click.group("site")
def site_group() -> None:
    """Site settings an administrator chooses (audited)."""


@site_group.command("code-pattern")
@click.argument("pattern", required=False)
@click.option("--db", "db", type=click.Path(dir_okay=False), default=None, help="SQLite database file.")
@user_option
def code_pattern(pattern, db, username) -> None:
    """Show, or (administrators) set, the pattern new subject codes must match in full.

    The default is 2-5 capital letters, '-', 3-6 digits (LIL-0042). A pattern that accepts
    a name, a birth date or a hospital number is refused.

    Example: ``enose site code-pattern 'BRU[0-9]{4}' --user admin1``
    """
    from enose.site_settings import set_subject_code_pattern, subject_code_pattern

    with _open_store(db) as store:
        user = acting_user(store, username)
        if pattern is None:
            click.echo(subject_code_pattern(store))
            return
        try:
            set_subject_code_pattern(store, user, pattern)
        except ValueError as error:
            _fail(f"{error}; nothing was changed")
    click.echo(f"new subject codes must now match {pattern}")


@site_group.command("show")
@click.option("--db", "db", type=click.Path(dir_okay=False), default=None, help="SQLite database file.")
@user_option
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def site_show(db, username, as_json) -> None:
    """Show this site's identity: its UUID (what the centre enrols), its signing key and its code pattern.

    Example: ``enose site show --json``
    """
    import json

    from enose.security import site_keys
    from enose.site_settings import subject_code_pattern
    from enose.sync.outbox import site_uuid

    with _open_store(db) as store:
        acting_user(store, username)
        info = {"site_uuid": site_uuid(store), "subject_code_pattern": subject_code_pattern(store)}
    try:
        public = site_keys.public_key_bytes()
        info.update(public_key=site_keys.format_public_key(public), key_fingerprint=site_keys.key_fingerprint(public))
    except site_keys.SiteKeyError:
        info.update(public_key=None, key_fingerprint=None)
    if as_json:
        click.echo(json.dumps(info))
        return
    click.echo(f"site UUID            {info['site_uuid']}")
    click.echo(f"subject-code pattern {info['subject_code_pattern']}")
    click.echo(f"signing key          {info['public_key'] or 'none yet (`enose bundle keygen`)'}")


def register(cli: click.Group) -> None:
    """Add ``enose site`` to the main command group."""
    cli.add_command(site_group)
