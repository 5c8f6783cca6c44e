"""Which device the app talks to: serial ports, plus the built-in emulator for a first look.

:class:`DeviceManager` lists ports (pyserial), starts the emulated device on a
pseudo-terminal when asked (it runs in its own thread inside the app and stops
when the app quits), remembers the chosen port, and tells the status bar what
the link is doing. It never opens the port itself: each job opens its own
connection, so only one user of the port exists at a time.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

__all__ = ["DeviceEntry", "DeviceManager", "EMULATOR_PORT"]

log = logging.getLogger(__name__)

#: Placeholder port of the emulator entry until it is started.
EMULATOR_PORT = "emulator:"


@dataclass(frozen=True)
class DeviceEntry:
    port: str
    description: str
    is_emulator: bool = False
    usb: bool = False  # a USB serial device (the e-nose is one); built-in UARTs are listed but not preferred


def _describe(port) -> str:
    text = port.description if port.description and port.description != "n/a" else ""
    return text


class DeviceManager(QObject):
    """The device in use and the emulator's lifetime."""

    changed = Signal()  # the chosen device, its info or its link state changed

    def __init__(self, emulator_speed: float = 20.0, emulator_channels: int = 8, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.emulator_speed = emulator_speed
        self.emulator_mox = emulator_channels
        self.emulator_warmup_s = 30.0
        self._server = None
        self.port: str | None = None
        self.info = None
        self.link = "disconnected"

    # -- listing -------------------------------------------------------------------------

    def entries(self) -> list[DeviceEntry]:
        """USB serial devices, the built-in emulator, then other serial ports (built-in UARTs)."""
        from serial.tools import list_ports

        ports = sorted(list_ports.comports(), key=lambda p: p.device)
        usb = [DeviceEntry(p.device, _describe(p), usb=True) for p in ports if p.device and p.vid is not None]
        other = [DeviceEntry(p.device, _describe(p)) for p in ports if p.device and p.vid is None]
        emulator_port = self._server.path if self._server is not None else EMULATOR_PORT
        return [*usb, DeviceEntry(emulator_port, "", is_emulator=True), *other]

    def has_hardware(self) -> bool:
        """Whether a USB serial device (a candidate e-nose) is plugged in."""
        return any(e.usb for e in self.entries())

    # -- emulator --------------------------------------------------------------------------

    @property
    def emulator_running(self) -> bool:
        return self._server is not None

    def start_emulator(self, subject: str = "control") -> str:
        """Start the emulated device (once) and return its port path."""
        if self._server is None:
            from firmware_protocol.emulator import EmulatorConfig, EmulatorServer

            config = EmulatorConfig(
                speed=self.emulator_speed, subject=subject, n_mox=self.emulator_mox, warmup_s=self.emulator_warmup_s
            )
            server = EmulatorServer(config)
            server.start()
            self._server = server
            log.info("emulated device on %s", server.path)
        return self._server.path

    def stop_emulator(self) -> None:
        if self._server is not None:
            self._server.stop()
            if self.port == self._server.path:
                self.port = None
                self.info = None
                self.link = "disconnected"
            self._server = None
            self.changed.emit()

    def resolve(self, port: str) -> str:
        """The real path of ``port`` (starting the emulator for its placeholder)."""
        return self.start_emulator() if port == EMULATOR_PORT else port

    def is_emulator(self, port: str | None) -> bool:
        return port is not None and (port == EMULATOR_PORT or (self._server is not None and port == self._server.path))

    # -- the chosen device ---------------------------------------------------------------

    def select(self, port: str | None) -> None:
        if port != self.port:
            self.port = port
            self.info = None
            self.link = "disconnected" if port is None else "idle"
            self.changed.emit()

    def set_info(self, info) -> None:
        self.info = info
        self.changed.emit()

    def set_link(self, link: str) -> None:
        if link != self.link:
            self.link = link
            self.changed.emit()

    def shutdown(self) -> None:
        self.stop_emulator()
