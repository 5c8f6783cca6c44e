"""Device acquisition: serial client, sample stream with ICD recovery, screening protocol engine."""

from enose.acquisition.acquisition import Acquisition, AcquisitionEvent, DeviceSettings, LinkState
from enose.acquisition.client import DeviceClient
from enose.acquisition.errors import (
    DeviceDisconnected,
    DeviceError,
    DeviceNak,
    DeviceNotResponding,
    LayoutChanged,
    PortBusy,
)
from enose.acquisition.protocol import (
    HUMIDIFIER_UNAVAILABLE,
    CalibrationProtocol,
    Progress,
    ProtocolRefused,
    ScreeningEngine,
    ScreeningFailed,
    ScreeningProtocol,
    SelfTestFailed,
    Step,
    check_protocol_for_device,
    check_self_test,
)

__all__ = [
    "Acquisition",
    "AcquisitionEvent",
    "CalibrationProtocol",
    "HUMIDIFIER_UNAVAILABLE",
    "DeviceClient",
    "DeviceDisconnected",
    "DeviceError",
    "DeviceNak",
    "DeviceNotResponding",
    "DeviceSettings",
    "LayoutChanged",
    "LinkState",
    "PortBusy",
    "Progress",
    "ProtocolRefused",
    "ScreeningEngine",
    "ScreeningFailed",
    "ScreeningProtocol",
    "Step",
    "SelfTestFailed",
    "check_protocol_for_device",
    "check_self_test",
]
