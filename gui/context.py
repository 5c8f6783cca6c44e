"""What every screen shares: the database path, settings, language, device and signed-in user."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QSettings

from gui.accounts import Account
from gui.devices import DeviceManager
from gui.i18n import LanguageManager

__all__ = ["AppContext", "ProtocolSettings", "IDLE_LOCK_KEY", "DEFAULT_IDLE_LOCK_MINUTES", "idle_lock_ms"]

#: Minutes without keyboard or mouse input before the main window locks (QSettings key and default).
IDLE_LOCK_KEY = "security/idle_lock_minutes"
DEFAULT_IDLE_LOCK_MINUTES = 10.0
#: A longer delay is capped (a day; QTimer counts milliseconds in a 32-bit int).
MAX_IDLE_LOCK_MINUTES = 24 * 60.0


def idle_lock_ms(settings: QSettings) -> int:
    """The idle-lock delay in milliseconds from the settings (fractions of a minute allowed).

    A missing, unreadable, zero or negative value gives the default: a screen left
    open on patient data must lock, so the setting can shorten the delay but not
    switch the lock off.
    """
    try:
        minutes = float(settings.value(IDLE_LOCK_KEY, DEFAULT_IDLE_LOCK_MINUTES))
    except (TypeError, ValueError):
        minutes = DEFAULT_IDLE_LOCK_MINUTES
    if not minutes > 0:
        minutes = DEFAULT_IDLE_LOCK_MINUTES
    return max(1, round(min(minutes, MAX_IDLE_LOCK_MINUTES) * 60_000))


@dataclass
class ProtocolSettings:
    """Screening and calibration durations in session seconds (the device's clock), remembered in QSettings.

    ``humid_s`` is the humidified zero-air step of a zero-air calibration (ICD revision 1.1),
    after the dry ``zero_s``; the device reaches 75-90 % RH within about 30 s, so 60 s leaves
    a settled half for the fit.
    """

    baseline_s: float = 60.0
    breath_s: float = 300.0
    purge_s: float = 120.0
    period_ms: int = 10
    zero_s: float = 60.0
    humid_s: float = 60.0
    reference_s: float = 60.0
    recovery_s: float = 30.0

    def screening(self):
        from enose.acquisition import ScreeningProtocol

        return ScreeningProtocol(
            baseline_s=self.baseline_s, breath_s=self.breath_s, purge_s=self.purge_s, period_ms=self.period_ms
        )

    def calibration(self, kind: str):
        from enose.acquisition import CalibrationProtocol

        return CalibrationProtocol(
            kind=kind,
            zero_s=self.zero_s,
            humid_s=self.humid_s,
            reference_s=self.reference_s,
            recovery_s=self.recovery_s,
        )

    @classmethod
    def load(cls, settings: QSettings) -> ProtocolSettings:
        defaults = cls()
        values = {}
        for name, default in vars(defaults).items():
            raw = settings.value(f"protocol/{name}", default)
            try:
                values[name] = type(default)(raw)
            except (TypeError, ValueError):
                values[name] = default
        return cls(**values)


@dataclass
class AppContext:
    db_path: Path
    settings: QSettings
    languages: LanguageManager
    devices: DeviceManager
    protocol: ProtocolSettings
    account: Account | None = None
    workspace: str | None = None
    site: str | None = None

    @property
    def operator(self) -> str:
        return self.account.username if self.account else "unknown"
