"""``enose users``: local accounts and their roles.

While an installation has no account at all, its commands run as its owner (whoever can open
the owner-only database file already holds all of it) until ``enose users add`` creates the
first administrator; from then on they run as a signed-in account (:func:`enose.cli.auth.acting_user`).
"""

from __future__ import annotations

import json
import os

import click

from enose.cli.auth import acting_user, user_option_no_token_hint
from enose.cli.common import CHECK_DB, _fail, _open_store, db_option, json_option

__all__ = ["register", "users_group"]


@click.group("users")
def users_group() -> None:
    """Local accounts and their roles (admin, clinician, technician, researcher)."""


@users_group.command("add")
@click.argument("new_username")
@click.option("--role", type=click.Choice(["admin", "clinician", "technician", "researcher"]), required=True)
@db_option
@user_option_no_token_hint
def users_add(new_username, role, db, username) -> None:
    """Create an account; its password comes from ENOSE_NEW_PASSWORD or a hidden prompt.

    The first account must be an administrator, and creating it switches sign-in on for
    good; after that an administrator signs in with --user to add others. A password has
    at least 12 characters and must not be easy to guess.

    Example: ``enose users add alice --role clinician --user admin1``
    """
    from enose.security import AccountError, create_user
    from enose.security.signin import accounts_enforced

    store = _open_store(db, create=True)
    with store:
        actor = acting_user(store, username) if accounts_enforced(store) else "first-start"
        password = _new_password(new_username)
        try:
            user = create_user(store, new_username, password, role, actor)
        except AccountError as error:
            _fail(str(error))
    click.echo(f"account {user.username} ({user.role}) created")


def _new_password(username: str) -> str:
    password = os.environ.get("ENOSE_NEW_PASSWORD")
    if password is None:
        password = click.prompt(f"new password for {username}", hide_input=True, confirmation_prompt=True, err=True)
    return password


@users_group.command("list")
@db_option
@user_option_no_token_hint
@json_option
def users_list(db, username, as_json) -> None:
    """List accounts, roles and state (administrators only).

    Example: ``enose users list --json``
    """
    from enose.security.accounts import list_accounts

    store = _open_store(db, missing_hint=CHECK_DB)
    with store:
        accounts = list_accounts(store, acting_user(store, username))
    if as_json:
        click.echo(json.dumps({"users": accounts}))
    else:
        for a in accounts:
            state = "disabled" if a["disabled"] else "locked" if a["locked"] else "active"
            click.echo(f"{a['username']}\t{a['role']}\t{state}")


def _account_change(db, username, change) -> None:
    """Run one account change as the signed-in user, with the core's refusals as one-line messages."""
    from enose.security import AccountError, AuthenticationFailed

    store = _open_store(db, missing_hint=CHECK_DB)
    with store:
        user = acting_user(store, username)
        try:
            message = change(store, user)
        except (AccountError, AuthenticationFailed) as error:
            _fail(f"{error}; nothing was changed")
    click.echo(message)


@users_group.command("passwd")
@click.argument("account", required=False)
@db_option
@user_option_no_token_hint
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
    @user_option_no_token_hint
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


def register(cli: click.Group) -> None:
    """Add ``enose users`` to the main command group."""
    cli.add_command(users_group, "users")
