"""Configuration of an emulated e-nose: the unit, its channel layout, the subject, faults, pacing."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from firmware_protocol.emulator.faults import FaultConfig
from firmware_protocol.emulator.physics import AUX_KINDS, Environment, SubjectProfile
from firmware_protocol.messages import ChannelInfo, ChannelKind

__all__ = ["ORDERS", "MIN_MOX", "MAX_MOX", "FIRMWARE_REV_1_0", "FIRMWARE_REV_1_1", "EmulatorConfig", "channel_layout"]

#: Channel orders the emulator can present in INFO.
ORDERS = ("aux-last", "aux-first", "shuffled")
MIN_MOX, MAX_MOX = 4, 32
#: Firmware strings of the emulated device: revision 1.1 has the calibration humidifier (inlet 4).
FIRMWARE_REV_1_1, FIRMWARE_REV_1_0 = "emu-1.1.0", "emu-1.0.0"
#: Name and unit of each channel kind in INFO (names <= 11 ASCII chars, units <= 4).
_AUX_NAMES = {
    ChannelKind.TEMPERATURE: ("temp", "degC"),
    ChannelKind.HUMIDITY: ("rh", "%"),
    ChannelKind.PRESSURE: ("p_mask", "Pa"),
    ChannelKind.CO2: ("co2", "ppm"),
}


@dataclass(frozen=True)
class EmulatorConfig:
    """Everything that defines one emulated device and how it is served.

    Attributes:
        model, serial, firmware: INFO strings (ASCII, <= 16 bytes). The serial fixes
            the unit's sensors (:meth:`UnitProfile.from_serial`). The firmware string
            follows ``humidifier`` unless given.
        humidifier: the firmware implements ICD revision 1.1 (inlet 4 HUMID_ZERO_AIR); False
            plays older firmware, which answers ``SET_INLET 4`` with ``NAK OUT_OF_RANGE``.
        n_mox: number of MOX sensors, 4..32.
        aux: auxiliary channels present, any subset of TEMPERATURE, HUMIDITY, PRESSURE, CO2.
        order: channel order in INFO: ``aux-last``, ``aux-first`` or ``shuffled`` (by ``seed``).
        min_period_ms: shortest sampling period START accepts, ms.
        subject: ``"control"``, ``"cancer"`` or a :class:`SubjectProfile`.
        environment: the room (default: :class:`Environment`).
        seed: seeds the noise, the shuffle and the fault injection (never the clock).
        warmup_s: device seconds after each boot during which WARMING_UP is set.
        clock_start_ms: device clock at the first power-up (e.g. ``2**32 - 5000`` to see it
            wrap 5 s later); 0 after every reset, as the ICD says.
        status_interval_ms: STATUS period while not streaming, device ms.
        self_test_ms: duration of a self-test, device ms.
        flow_sccm: pump flow after boot, sccm (0 = off).
        faults: fault injection (:class:`FaultConfig`).
        speed: emulated seconds per wall second (pty server only).
        link_path: stable symlink to the current pty (pty server only; default: in a temp dir).
        tick_s: shortest wall-clock pause of the server loop (pty server only): frames that fall
            due sooner are generated and written together, s.
    """

    model: str = "ENOSE-EMU"
    serial: str = "EMU-000001"
    firmware: str = ""
    humidifier: bool = True
    n_mox: int = 8
    aux: tuple[ChannelKind, ...] = AUX_KINDS
    order: str = "aux-last"
    min_period_ms: int = 10
    subject: str | SubjectProfile = "control"
    environment: Environment | None = None
    seed: int = 0
    warmup_s: float = 30.0
    clock_start_ms: int = 0
    status_interval_ms: int = 1000
    self_test_ms: int = 400
    flow_sccm: int = 250
    faults: FaultConfig = field(default_factory=FaultConfig)
    speed: float = 1.0
    link_path: str | None = None
    tick_s: float = 0.004

    def __post_init__(self) -> None:
        if not self.firmware:  # frozen: set the default the dataclass way
            object.__setattr__(self, "firmware", FIRMWARE_REV_1_1 if self.humidifier else FIRMWARE_REV_1_0)
        for name in ("model", "serial", "firmware"):
            text = getattr(self, name)
            if not text.isascii() or len(text) > 16:
                raise ValueError(f"{name} {text!r} must be ASCII of at most 16 characters (INFO field size)")
        if not MIN_MOX <= self.n_mox <= MAX_MOX:
            raise ValueError(f"n_mox must be in {MIN_MOX}..{MAX_MOX}, got {self.n_mox}")
        kinds = [ChannelKind(k) for k in self.aux]
        if len(set(kinds)) != len(kinds) or ChannelKind.MOX in kinds:
            raise ValueError(f"aux must be distinct non-MOX channel kinds, got {self.aux}")
        if self.order not in ORDERS:
            raise ValueError(f"order must be one of {', '.join(ORDERS)}; got {self.order!r}")
        if not 1 <= self.min_period_ms <= 1000:
            raise ValueError(f"min_period_ms must be in 1..1000, got {self.min_period_ms}")
        if isinstance(self.subject, str) and self.subject not in ("control", "cancer"):
            raise ValueError(f"subject must be 'control', 'cancer' or a SubjectProfile; got {self.subject!r}")
        if self.warmup_s < 0 or self.speed <= 0 or self.tick_s <= 0:
            raise ValueError("warmup_s must be >= 0, speed and tick_s > 0")
        if not 0 <= self.clock_start_ms < 2**32:
            raise ValueError("clock_start_ms must fit the u32 device clock")
        if self.status_interval_ms <= 0 or self.self_test_ms < 0:
            raise ValueError("status_interval_ms must be > 0 and self_test_ms >= 0")
        if not (self.flow_sccm == 0 or 50 <= self.flow_sccm <= 500):
            raise ValueError(f"flow_sccm must be 0 or 50..500, got {self.flow_sccm}")

    def subject_profile(self) -> SubjectProfile:
        return SubjectProfile.preset(self.subject) if isinstance(self.subject, str) else self.subject


def channel_layout(config: EmulatorConfig) -> tuple[tuple[ChannelInfo, ...], np.ndarray]:
    """INFO channels of ``config`` and the column of the physics output each one reads.

    Returns ``(channels, source)``: ``source[k]`` is the index, in the physics
    model's canonical order (MOX..., temperature, humidity, pressure, CO2), of
    INFO channel ``k``.
    """
    mox = [(ChannelInfo(int(ChannelKind.MOX), f"mox{i}", "ohm"), i) for i in range(config.n_mox)]
    aux = [
        (ChannelInfo(int(kind), *_AUX_NAMES[ChannelKind(kind)]), config.n_mox + AUX_KINDS.index(ChannelKind(kind)))
        for kind in config.aux
    ]
    if config.order == "aux-last":
        pairs = mox + aux
    elif config.order == "aux-first":
        pairs = aux + mox
    else:
        pairs = mox + aux
        order = np.random.default_rng(np.random.SeedSequence([config.seed, 0x5F])).permutation(len(pairs))
        pairs = [pairs[i] for i in order]
    return tuple(c for c, _ in pairs), np.array([s for _, s in pairs], dtype=np.intp)
