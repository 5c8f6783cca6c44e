"""Typed errors of the device link, each with a message an operator can act on."""

from __future__ import annotations

__all__ = ["DeviceError", "DeviceNotResponding", "DeviceNak", "DeviceDisconnected", "LayoutChanged", "PortBusy"]


class DeviceError(RuntimeError):
    """Base class of every device-link problem."""


class DeviceNotResponding(DeviceError):
    """No reply after the ICD's 200 ms timeout and 3 retries."""


class DeviceDisconnected(DeviceError):
    """The serial port is gone (cable pulled, device powered off)."""


class PortBusy(DeviceDisconnected):
    """Another process holds the serial port (it is opened exclusively): two recordings on one device
    would each get half the frames and both be ruined, so the second opener is refused."""


class DeviceNak(DeviceError):
    """The device refused a command; ``code`` is the ICD NAK code."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


class LayoutChanged(DeviceError):
    """After a reconnect the device reports another channel layout: this recording cannot go on."""
