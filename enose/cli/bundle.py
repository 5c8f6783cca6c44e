"""``enose bundle``: signed session bundles for sites without a network link."""

from __future__ import annotations

import json
import os
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

__all__ = ["bundle_group", "register"]


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
@user_option_no_token_hint
@json_option
@progress_option
def bundle_export(out, db, username, as_json, no_progress) -> None:
    """Write every finished session, label and score to a bundle file signed with this site's key.

    Each bundle carries the site's next bundle number; the centre refuses a bundle older
    than one it has imported. Needs the site key (``enose bundle keygen``, enrolled at the centre).

    Example: ``enose bundle export --out site7-2025-06.enose``
    """
    from enose.security.site_keys import SiteKeyError
    from enose.sync.bundle import BundleError, export_bundle

    store = _open_store(db, missing_hint=CHECK_DB)
    with store:
        user = acting_user(store, username)
        try:
            report = export_bundle(store, out, user, progress=not no_progress and not as_json)
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
@user_option_no_token_hint
@json_option
@progress_option
@insecure_option
def bundle_import(path, dsn, db, username, as_json, no_progress, insecure) -> None:
    """Check a bundle's signature against its site's enrolled key, then load it into the central database.

    Refused, with nothing imported (exit 1): a damaged or edited bundle, one from a site
    not enrolled at the centre or signed by another key, one touching another site's data,
    or one older than a bundle of that site already imported. Importing the same bundle
    twice changes nothing.

    Example: ``enose bundle import site7-2025-06.enose --to postgresql://study.example.org/enose``
    """
    from enose.sync import SyncError
    from enose.sync.bundle import BundleError, BundleRefused, import_bundle

    if not dsn:
        _fail("name the central database with --to postgresql://... (or set ENOSE_CENTRAL_DSN)")
    store = _open_store(db, create=True)
    with store:
        user = acting_user(store, username)
        try:
            report = import_bundle(store, path, dsn, user, progress=not no_progress and not as_json,
                                   insecure=insecure)  # fmt: skip
        except BundleRefused as error:
            _fail(str(error), code=EXIT_FAILED)
        except BundleError as error:
            _fail(str(error))
        except SyncError as error:
            _fail(str(error), code=EXIT_FAILED)
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


def register(cli: click.Group) -> None:
    """Add ``enose bundle`` to the main command group."""
    cli.add_command(bundle_group, "bundle")
