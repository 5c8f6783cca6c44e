"""Emulated e-nose: the device side of the ICD on a real pseudo-terminal, with physics and faults.

Layers, each usable alone:

- :mod:`.physics`: vectorised signal model (units, subjects, rooms), no I/O;
- :mod:`.device`: :class:`EmulatedDevice`, the firmware state machine, no I/O, no clock;
- :mod:`.faults`: seeded fault injection;
- :mod:`.pty_server`: :class:`EmulatorServer`, the device on a pty for the real host client;
- :mod:`.cli`: the ``emulate`` command.
"""

from firmware_protocol.emulator.config import EmulatorConfig, channel_layout
from firmware_protocol.emulator.device import DeviceCounters, EmulatedDevice, ResetReason
from firmware_protocol.emulator.faults import DEFAULT_BOOTLOADER_JUNK, FaultConfig, FaultInjector
from firmware_protocol.emulator.physics import Environment, SensorModel, SubjectProfile, UnitProfile, simulate
from firmware_protocol.emulator.pty_server import EmulatorServer, ServerStats

__all__ = [
    "DEFAULT_BOOTLOADER_JUNK",
    "DeviceCounters",
    "EmulatedDevice",
    "EmulatorConfig",
    "EmulatorServer",
    "Environment",
    "FaultConfig",
    "FaultInjector",
    "ResetReason",
    "SensorModel",
    "ServerStats",
    "SubjectProfile",
    "UnitProfile",
    "channel_layout",
    "simulate",
]
