"""``emulate``: serve an emulated e-nose on a pseudo-terminal until interrupted.

Thin on purpose: it parses options into an :class:`EmulatorConfig`, starts an
:class:`EmulatorServer`, prints the port path on the first line of stdout (so a
script can read it), and stops cleanly on SIGINT or SIGTERM.
"""

from __future__ import annotations

import json
import logging
import signal
import sys
import threading

import click

from firmware_protocol.emulator.config import MAX_MOX, MIN_MOX, ORDERS, EmulatorConfig
from firmware_protocol.emulator.faults import DEFAULT_BOOTLOADER_JUNK, FaultConfig
from firmware_protocol.emulator.pty_server import EmulatorServer

__all__ = ["emulate", "main"]


def _dead_channel(value: str) -> int | str:
    return int(value) if value.isdigit() else value


@click.command("emulate")
@click.option(
    "--speed",
    type=click.FloatRange(min=0, min_open=True),
    default=1.0,
    show_default=True,
    help="Emulated seconds per wall second (20 runs a 7-minute screening in about 21 s).",
)
@click.option(
    "--mox", "n_mox", type=click.IntRange(MIN_MOX, MAX_MOX), default=8, show_default=True, help="Number of MOX sensors."
)
@click.option(
    "--order",
    type=click.Choice(ORDERS),
    default="aux-last",
    show_default=True,
    help="Channel order in INFO (shuffled: by --seed).",
)
@click.option(
    "--serial",
    "serial_number",
    default="EMU-000001",
    show_default=True,
    help="Serial number (also fixes the unit's sensor variation).",
)
@click.option(
    "--subject",
    type=click.Choice(["control", "cancer"]),
    default="control",
    show_default=True,
    help="Breath profile of the emulated subject.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of noise, shuffle and faults.")
@click.option(
    "--period-min-ms",
    type=click.IntRange(1, 1000),
    default=10,
    show_default=True,
    help="Shortest sampling period START accepts (INFO min_period_ms).",
)
@click.option(
    "--warmup-s",
    type=click.FloatRange(min=0),
    default=30.0,
    show_default=True,
    help="Device seconds after each boot with WARMING_UP set.",
)
@click.option(
    "--corrupt-rate",
    type=click.FloatRange(0, 1),
    default=0.0,
    show_default=True,
    help="Fraction of outgoing frames with one byte altered.",
)
@click.option(
    "--drop-rate", type=click.FloatRange(0, 1), default=0.0, show_default=True, help="Fraction of outgoing frames lost."
)
@click.option(
    "--reset-after-mask-s",
    type=click.FloatRange(min=0),
    default=None,
    help="Watchdog reset this many device seconds after the inlet goes to MASK (once).",
)
@click.option(
    "--dead-channel",
    "dead_channels",
    multiple=True,
    help="Channel (INFO index or name, e.g. mox3) reading NaN and failing self-test; repeatable.",
)
@click.option(
    "--vanish-at-s",
    type=click.FloatRange(min=0),
    default=None,
    help="The port vanishes (cable pulled) at this emulation time, s.",
)
@click.option(
    "--vanish-for-s",
    type=click.FloatRange(min=0, min_open=True),
    default=5.0,
    show_default=True,
    help="How long the port stays away, emulated s.",
)
@click.option(
    "--junk/--no-junk", default=True, show_default=True, help="Bootloader text before BOOT after every reset."
)
@click.option(
    "--link",
    "link_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Stable symlink to create for the port (default: in a temporary directory).",
)
@click.option(
    "--old-firmware",
    is_flag=True,
    help="Play firmware older than ICD revision 1.1: no calibration humidifier (SET_INLET 4 is refused).",
)
@click.option("--verbose", "-v", is_flag=True, help="Log emulator events to stderr.")
def emulate(
    speed,
    n_mox,
    order,
    serial_number,
    subject,
    seed,
    period_min_ms,
    warmup_s,
    corrupt_rate,
    drop_rate,
    reset_after_mask_s,
    dead_channels,
    vanish_at_s,
    vanish_for_s,
    junk,
    link_path,
    old_firmware,
    verbose,
) -> None:
    """Serve an emulated e-nose on a pseudo-terminal; print its port path, run until Ctrl-C.

    Example: ``enose emulate --speed 20 --mox 16 --dead-channel mox3`` then, in
    another shell, ``enose screen --port <printed path> ...``.
    """  # fmt: skip
    if verbose:
        logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(name)s: %(message)s")
    try:
        config = EmulatorConfig(
            serial=serial_number,
            n_mox=n_mox,
            order=order,
            min_period_ms=period_min_ms,
            subject=subject,
            seed=seed,
            warmup_s=warmup_s,
            speed=speed,
            link_path=link_path,
            humidifier=not old_firmware,
            faults=FaultConfig(
                corrupt_rate=corrupt_rate,
                drop_rate=drop_rate,
                bootloader_junk=DEFAULT_BOOTLOADER_JUNK if junk else b"",
                reset_after_mask_s=reset_after_mask_s,
                dead_channels=tuple(_dead_channel(c) for c in dead_channels),
                vanish_at_s=vanish_at_s,
                vanish_for_s=vanish_for_s,
            ),
        )
        server = EmulatorServer(config)
    except ValueError as error:
        raise click.UsageError(str(error)) from error
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        path = server.start()
        click.echo(path)
        sys.stdout.flush()
        click.echo(
            f"emulating {config.model} {config.serial} firmware {config.firmware} ({n_mox} MOX, {order}, {subject}) "
            f"at x{speed:g}; Ctrl-C to stop",
            err=True,
        )
        while not stop.wait(0.2):
            if server.error is not None:
                raise click.ClickException(f"the emulator failed: {server.error}")
    finally:
        server.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    stats = server.stats
    click.echo(json.dumps({"stopped": True, **stats.__dict__}), err=True)


def main() -> None:
    """Entry point of ``python -m firmware_protocol.emulator``."""
    emulate(prog_name="python -m firmware_protocol.emulator")
