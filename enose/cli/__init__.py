"""The ``enose`` command line: thin wiring from commands to library calls.

Every command prints a human summary, or one JSON object with ``--json``;
long work shows a progress bar on stderr. Errors exit with status 2 and a
message saying what to do.

One module per command group, in layers; a module imports only from the layers below it:

* this package: the root group :data:`cli`, :func:`main`, and the registration of every command module;
* the command modules, which never import one another: :mod:`~enose.cli.screening` (``screen``,
  ``demo``, ``recover``), :mod:`~enose.cli.sessions` (``devices``, ``sessions list``, ``export``),
  :mod:`~enose.cli.signal` (``qc``, ``features``, ``calibrate``, ``drift``), :mod:`~enose.cli.model`
  (``cohort``, ``train``, ``evaluate``, ``score``), :mod:`~enose.cli.labels`, :mod:`~enose.cli.sync`, :mod:`~enose.cli.bundle`,
  :mod:`~enose.cli.audit`, :mod:`~enose.cli.users`, :mod:`~enose.cli.study` (``export study``),
  :mod:`~enose.cli.site` and :mod:`~enose.cli.central`; each adds its commands with ``register(cli)``;
* :mod:`~enose.cli.auth`: who acts (``acting_user``, ``--user``), and ``login``/``logout``;
* :mod:`~enose.cli.common`: the one ``_fail`` and ``_open_store``, the shared options and helpers.

``pyproject.toml`` ([tool.importlinter]) holds these layers as a contract that ``lint-imports`` checks.
"""

from __future__ import annotations

import importlib
import logging
import sys

import click

from enose import __version__
from enose.cli import (
    audit,
    auth,
    bundle,
    central,
    labels,
    model,
    screening,
    sessions,
    signal,
    site,
    study,
    sync,
    users,
)
from enose.cli.common import EXIT_DENIED

__all__ = ["cli", "main"]

log = logging.getLogger("enose")

#: The core's command modules, in the order they register: ``study`` wraps the ``export``
#: command that ``sessions`` adds.
COMMAND_MODULES = (sessions, screening, auth, site, signal, model, labels, sync, bundle, audit, users, study, central)
#: Modules whose commands are left out, quietly, when they cannot be imported: the core command
#: line works with Qt absent (``gui.cli`` imports Qt only when its command runs). Named, not
#: imported, so that the core does not depend on the GUI.
OPTIONAL_COMMAND_MODULES = ("gui.cli",)


def _setup_logging(verbose: int) -> None:
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)


class _Cli(click.Group):
    """The command group: a role refused by the core ends in one line and exit status 3, never a traceback.

    The one place a refusal is worded: commands let :class:`PermissionDenied` reach here.
    """

    def invoke(self, ctx: click.Context):
        from enose.security.permissions import PermissionDenied

        try:
            return super().invoke(ctx)
        except PermissionDenied as error:
            click.echo(f"error: {error}; nothing was done", err=True)
            ctx.exit(EXIT_DENIED)


@click.group(cls=_Cli, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="enose")
@click.option("-v", "--verbose", count=True, help="More log output on stderr (-v info, -vv debug).")
def cli(verbose: int) -> None:
    """E-nose breath screening: device link, recordings, analysis.

    Example: ``enose demo`` runs a complete screening on the built-in emulator.
    """
    _setup_logging(verbose)


def _register_commands() -> None:
    for module in COMMAND_MODULES:
        module.register(cli)
    try:
        from firmware_protocol.emulator.cli import emulate
    except ImportError as error:  # pragma: no cover - the emulator ships with the package
        log.debug("emulator unavailable: %s", error)
    else:
        cli.add_command(emulate, "emulate")
    for name in OPTIONAL_COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError as error:  # Qt missing or blocked, or no GUI installed: the core CLI still works
            log.debug("commands of %s unavailable: %s", name, error)
            continue
        module.register(cli)


_register_commands()


def main() -> None:
    cli(prog_name="enose")
