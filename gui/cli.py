"""``enose gui``: the desktop app from the command line (Qt is imported only when it runs)."""

from __future__ import annotations

import click

__all__ = ["register", "gui_command"]


@click.command("gui")
@click.option("--db", "db", type=click.Path(dir_okay=False), default=None,
              help="SQLite database file (default: the per-user data directory).")  # fmt: skip
@click.option("--lang", type=click.Choice(["en", "fr", "nl"]), default=None,
              help="Interface language (remembered for next time).")  # fmt: skip
@click.option("--emulator-speed", type=float, default=20.0, show_default=True,
              help="Time acceleration of the built-in emulated device.")  # fmt: skip
def gui_command(db: str | None, lang: str | None, emulator_speed: float) -> None:
    """Open the desktop app: clinician screening, technician device and calibration, researcher sessions.

    With no device plugged in, the app offers the built-in emulator.

    Example: enose gui --lang fr
    """
    from gui.app import run

    raise SystemExit(run(db, lang, emulator_speed))


def register(cli: click.Group) -> None:
    """Add the ``gui`` command to the ``enose`` command group."""
    cli.add_command(gui_command, "gui")
