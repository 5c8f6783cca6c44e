"""Fault injection for the emulated device: what the host must survive, on demand and reproducibly.

Every random choice comes from a numpy Generator seeded by the emulator's seed
(never from the clock), so a failing run can be replayed exactly. Frame-level
faults act on the wire bytes *after* the frame got its sequence number, as on a
real link: a dropped or corrupted frame leaves a gap in the sequence.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["DEFAULT_BOOTLOADER_JUNK", "FaultConfig", "FaultInjector"]

#: What the emulated bootloader prints after every reset, before the application's first frame.
DEFAULT_BOOTLOADER_JUNK = b"\r\nBL v2.1 boot\r\n"


@dataclass(frozen=True)
class FaultConfig:
    """Which faults to inject. Times are emulated (device) seconds; at ``speed`` S they last 1/S as long on the wall.

    Attributes:
        corrupt_rate: probability that an outgoing frame gets one byte altered
            (never into 0x00, so one corrupted frame is one dropped frame at the host).
        drop_rate: probability that an outgoing frame is lost.
        bootloader_junk: text sent after every reset, before the BOOT frame
            (followed by one 0x00 so the host resynchronises); empty for none.
        reset_after_mask_s: the device resets (watchdog) this long after the inlet was
            switched to MASK; once per emulator run. None: never.
        dead_channels: channels reading NaN and failing the self-test, by INFO index or name.
        vanish_at_s: emulation time at which the port vanishes (cable pulled); None: never.
            Only the pty server acts on it (the device itself has no port).
        vanish_for_s: how long the port stays away, emulated seconds.
    """

    corrupt_rate: float = 0.0
    drop_rate: float = 0.0
    bootloader_junk: bytes = DEFAULT_BOOTLOADER_JUNK
    reset_after_mask_s: float | None = None
    dead_channels: tuple[int | str, ...] = ()
    vanish_at_s: float | None = None
    vanish_for_s: float = 5.0

    def __post_init__(self) -> None:
        for name in ("corrupt_rate", "drop_rate"):
            rate = getattr(self, name)
            if not 0.0 <= rate <= 1.0:
                raise ValueError(f"{name} must be a probability in 0..1, got {rate}")
        if self.corrupt_rate + self.drop_rate > 1.0:
            raise ValueError("corrupt_rate + drop_rate must not exceed 1")
        if self.reset_after_mask_s is not None and self.reset_after_mask_s < 0:
            raise ValueError(f"reset_after_mask_s must be >= 0, got {self.reset_after_mask_s}")
        if self.vanish_at_s is not None and self.vanish_at_s < 0:
            raise ValueError(f"vanish_at_s must be >= 0, got {self.vanish_at_s}")
        if self.vanish_for_s <= 0:
            raise ValueError(f"vanish_for_s must be > 0, got {self.vanish_for_s}")
        if b"\x00" in self.bootloader_junk:
            raise ValueError("bootloader_junk must not contain 0x00 (the device adds the delimiter itself)")


class FaultInjector:
    """Decides the fate of each outgoing frame: delivered, dropped or corrupted.

    Two generators: one draws one uniform per frame (its fate), the other the
    corruption details, so the fate of frame *k* does not depend on how frames
    were batched or which earlier ones were corrupted.
    """

    def __init__(self, config: FaultConfig, seed: int | np.random.SeedSequence = 0) -> None:
        self.config = config
        sequence = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
        fate, detail = sequence.spawn(2)
        self._fate = np.random.default_rng(fate)
        self._detail = np.random.default_rng(detail)
        self.frames_seen = 0
        self.frames_dropped = 0
        self.frames_corrupted = 0

    @property
    def active(self) -> bool:
        return self.config.drop_rate > 0 or self.config.corrupt_rate > 0

    def apply(self, frames: list[bytes]) -> list[bytes]:
        """Return the wire frames that survive, some corrupted (each input: COBS body + 0x00)."""
        self.frames_seen += len(frames)
        if not self.active or not frames:
            return frames
        draws = self._fate.random(len(frames))
        drop, corrupt = self.config.drop_rate, self.config.corrupt_rate
        out: list[bytes] = []
        for wire, draw in zip(frames, draws, strict=True):
            if draw < drop:
                self.frames_dropped += 1
            elif draw < drop + corrupt:
                self.frames_corrupted += 1
                out.append(self._corrupt(wire))
            else:
                out.append(wire)
        return out

    def _corrupt(self, wire: bytes) -> bytes:
        position = int(self._detail.integers(0, len(wire) - 1))  # never the delimiter
        flip = int(self._detail.integers(1, 256))
        value = wire[position] ^ flip
        if value == 0:  # a new delimiter would split the frame in two
            value = wire[position] ^ 0xFF or 0x01
        return wire[:position] + bytes((value,)) + wire[position + 1 :]
