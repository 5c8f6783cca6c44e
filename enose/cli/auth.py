"""Sign-in for every command that opens a database: one rule for the whole command line.

With accounts present, a command acts as the account that authenticates: the
``--user`` option (or ``ENOSE_USER``) with the password from ``ENOSE_PASSWORD``
or a hidden prompt, else the sign-in token that ``enose login`` left for this
database (owner-only file, expiring, revoked by ``enose logout``). A database
without any account runs as its unauthenticated owner, and says so in every
record. The identity is never taken from free text such as an operator name.

The layer above :mod:`enose.cli.common`: command modules import :func:`acting_user` and the
``--user`` option from here. It also holds the ``login`` and ``logout`` commands.
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

import click

from enose.cli.common import _fail, _open_store

__all__ = ["user_option", "user_option_no_token_hint", "acting_user", "token_path", "register"]

user_option = click.option("--user", "username", envvar="ENOSE_USER", default=None,
                           help="Account to act as (env ENOSE_USER); password from ENOSE_PASSWORD, a prompt, "
                                "or the token of `enose login`.")  # fmt: skip
#: The same option, as the sync, bundle, audit, users and ``export study`` commands word its help
#: (without the `enose login` token, which :func:`acting_user` accepts for them too).
user_option_no_token_hint = click.option("--user", "username", envvar="ENOSE_USER", default=None,
                                         help="Account to act as (env ENOSE_USER); password from ENOSE_PASSWORD or a "
                                              "prompt.")  # fmt: skip


def token_path(store) -> Path:
    """Where ``enose login`` keeps the token for this database (one file per database, owner-only)."""
    from enose.storage.paths import default_data_dir

    key = hashlib.sha256(str(Path(store.path).resolve()).encode()).hexdigest()[:16]
    return Path(default_data_dir()) / "tokens" / f"{key}.token"


def _read_token(store) -> str | None:
    path = token_path(store)
    try:
        if os.stat(path).st_mode & 0o077:
            _fail(f"{path} is readable by other users; delete it and sign in again (`enose login`)")
        return path.read_text().strip() or None
    except FileNotFoundError:
        return None


def acting_user(store, username: str | None, permission=None):
    """The account acting on ``store`` (see the module docs); exits with a one-line message if none.

    ``permission`` (a :class:`~enose.security.Permission`) refuses early, before a long run,
    a role that may not do the command's job; the core checks it again where data is touched.
    """
    from enose.security import AuthenticationFailed, require
    from enose.security.signin import accounts_enforced, sign_in, user_from_token

    try:
        if accounts_enforced(store) and not username:
            token = _read_token(store)
            if token:
                user = user_from_token(store, token)
            elif sys.stdin.isatty():
                username = click.prompt("user name", err=True)
                user = sign_in(store, username, click.prompt(f"password for {username}", hide_input=True, err=True))
            else:
                user = sign_in(store, None, None)
        elif username and accounts_enforced(store):
            password = os.environ.get("ENOSE_PASSWORD")
            if password is None:
                password = click.prompt(f"password for {username}", hide_input=True, err=True)
            user = sign_in(store, username, password)
        else:
            user = sign_in(store, username, None)
        if permission is not None:
            require(user, permission)
    except AuthenticationFailed as error:
        _fail(f"{error}; nothing was done")
    return user  # a role the core refuses (PermissionDenied) ends in the root group: one line, exit 3


@click.command("login")
@click.option("--db", "db", type=click.Path(dir_okay=False), default=None, help="SQLite database file.")
@click.option("--hours", type=click.FloatRange(0.02, 24.0), default=8.0, show_default=True,
              help="How long the sign-in lasts.")  # fmt: skip
@user_option
def login(db, hours, username) -> None:
    """Sign in once for the next commands on this database (an owner-only token that expires).

    Example: ``enose login --user alice`` then ``enose sessions list``; ``enose logout`` ends it.
    """
    from enose.security.signin import accounts_enforced, issue_token

    with _open_store(db) as store:
        if not accounts_enforced(store):
            _fail("this installation has no accounts: nothing to sign in to (`enose users add NAME --role admin`)")
        if not username:
            username = click.prompt("user name", err=True)
        user = acting_user(store, username)
        token, expires = issue_token(store, user, hours)
        path = token_path(store)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_suffix(".part")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(token + "\n")
    os.replace(tmp, path)
    click.echo(f"signed in as {user.username} ({user.role}) until {expires}")


@click.command("logout")
@click.option("--db", "db", type=click.Path(dir_okay=False), default=None, help="SQLite database file.")
def logout(db) -> None:
    """End the sign-in of `enose login` on this database (the token is revoked and deleted).

    Example: ``enose logout``
    """
    from enose.security.signin import revoke_token

    with _open_store(db) as store:
        token = _read_token(store)
        path = token_path(store)
        if token:
            revoke_token(store, token)
    path.unlink(missing_ok=True)
    click.echo("signed out")


def register(cli: click.Group) -> None:
    """Add ``login`` and ``logout`` to the main command group."""
    cli.add_command(login)
    cli.add_command(logout)
