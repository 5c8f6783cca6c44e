"""Frame layer of the ICD: body layout, CRC, COBS and 0x00 delimiting.

Body (little-endian): version u8 | type u8 | seq u16 | payload length u16 |
payload | CRC-16/CCITT-FALSE u16 over everything before it. On the wire each
body is COBS-encoded and followed by one 0x00.

This module does no I/O (like pyserial's ``Packetizer``): bytes go in, frames
come out, so the same code serves the host, the emulator and the tests.
Errors from the remote side (garbage on the wire) are *counted* by
:class:`FrameDecoder`, never raised, because a medical recording must not stop
on a flipped bit. Errors from local misuse (encoding a payload that is too
long) raise immediately.
"""

from __future__ import annotations

import struct
from binascii import crc_hqx
from collections import Counter
from typing import NamedTuple

from firmware_protocol.cobs import CobsDecodeError, cobs_decode, cobs_encode

__all__ = [
    "PROTOCOL_VERSION",
    "MAX_PAYLOAD_BYTES",
    "DROP_REASONS",
    "Frame",
    "FrameError",
    "encode_body",
    "encode_frame",
    "decode_body",
    "decode_frame",
    "FrameDecoder",
]

PROTOCOL_VERSION = 1
MAX_PAYLOAD_BYTES = 1024
HEADER_BYTES = 6
CRC_BYTES = 2
MIN_BODY_BYTES = HEADER_BYTES + CRC_BYTES
#: Longest legal wire frame: COBS adds at most one byte per 254, plus one code byte.
MAX_ENCODED_BYTES = MIN_BODY_BYTES + MAX_PAYLOAD_BYTES + (MIN_BODY_BYTES + MAX_PAYLOAD_BYTES) // 254 + 1
#: Every reason a received frame can be dropped for, in the order they are checked.
DROP_REASONS = ("cobs", "short", "version", "length", "crc")

_HEADER = struct.Struct("<BBHH")


class Frame(NamedTuple):
    """One valid frame: message type, sender sequence number and raw payload."""

    type: int
    seq: int
    payload: bytes


class FrameError(ValueError):
    """A received frame is invalid; ``reason`` is one of :data:`DROP_REASONS`."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def encode_body(msg_type: int, seq: int, payload: bytes = b"") -> bytes:
    """Build the un-stuffed frame body (header, payload, CRC)."""
    if len(payload) > MAX_PAYLOAD_BYTES:
        raise ValueError(f"payload of {len(payload)} bytes exceeds the ICD maximum of {MAX_PAYLOAD_BYTES}")
    if not 0 <= seq <= 0xFFFF:
        raise ValueError(f"sequence number {seq} is outside 0..65535")
    head = _HEADER.pack(PROTOCOL_VERSION, msg_type, seq, len(payload)) + payload
    return head + crc_hqx(head, 0xFFFF).to_bytes(2, "little")


def encode_frame(msg_type: int, seq: int, payload: bytes = b"") -> bytes:
    """Encode one frame ready for the wire: COBS(body) followed by 0x00."""
    return cobs_encode(encode_body(msg_type, seq, payload)) + b"\x00"


def decode_body(body: bytes) -> Frame:
    """Check an un-stuffed body and return its frame.

    Raises:
        FrameError: with reason ``short``, ``version``, ``length`` or ``crc``.
    """
    size = len(body)
    if size < MIN_BODY_BYTES:
        raise FrameError("short", f"frame body of {size} bytes is shorter than the {MIN_BODY_BYTES}-byte minimum")
    version, msg_type, seq, length = _HEADER.unpack_from(body)
    if version != PROTOCOL_VERSION:
        raise FrameError("version", f"protocol version {version}, expected {PROTOCOL_VERSION}")
    if HEADER_BYTES + length + CRC_BYTES != size:
        raise FrameError("length", f"payload length field {length} does not match a {size}-byte body")
    crc_received = body[-2] | (body[-1] << 8)
    crc_computed = crc_hqx(body[:-2], 0xFFFF)
    if crc_received != crc_computed:
        raise FrameError("crc", f"CRC 0x{crc_received:04x} received, 0x{crc_computed:04x} computed")
    return Frame(msg_type, seq, body[HEADER_BYTES:-2])


def decode_frame(encoded: bytes) -> Frame:
    """Decode one COBS-encoded frame (delimiter already removed).

    Raises:
        FrameError: with one of :data:`DROP_REASONS`.
    """
    try:
        body = cobs_decode(encoded)
    except CobsDecodeError as error:
        raise FrameError("cobs", str(error)) from None
    return decode_body(body)


class FrameDecoder:
    """Streaming decoder: feed it bytes as they arrive, get whole valid frames back.

    It resynchronises on every 0x00, never raises on received data, and counts
    what it drops by reason in :attr:`dropped`. Bytes before the first delimiter
    after start-up are treated like any other candidate frame (a partial frame
    from before we opened the port fails its checks and is counted).

    An unterminated run longer than any legal frame (bootloader text, line
    noise) is discarded as ``cobs`` so that memory stays bounded.
    """

    def __init__(self) -> None:
        self._pending = b""
        self._skipping = False
        self.dropped: Counter[str] = Counter({reason: 0 for reason in DROP_REASONS})
        self.frames_ok = 0

    @property
    def dropped_total(self) -> int:
        """All frames dropped so far, whatever the reason."""
        return sum(self.dropped.values())

    def feed(self, data: bytes) -> list[Frame]:
        """Consume ``data`` and return the valid frames it completed, in order."""
        if not data:
            return []
        chunks = (self._pending + data).split(b"\x00") if self._pending else data.split(b"\x00")
        tail = chunks.pop()
        frames: list[Frame] = []
        append = frames.append
        new_tuple = tuple.__new__  # builds the NamedTuple without its Python-level __new__
        dropped = self.dropped
        skipping = self._skipping
        for encoded in chunks:
            if skipping:
                skipping = False
                continue
            size = len(encoded)
            if not size:
                continue  # idle delimiters are legal padding, not errors
            # Fast path, equivalent to decode_frame() for frames without a full 254-byte block:
            # COBS-decoding is then "replace each code byte after the first by 0x00", done in
            # place on one copy, with the header and CRC read from that copy without slicing.
            body = bytearray(encoded)
            index = body[0]
            if 0xFF in encoded:  # rare: a full 254-byte block needs the general decoder
                while index < size:
                    code = body[index]
                    if code == 0xFF:
                        break
                    body[index] = 0
                    index += code
                if body[0] == 0xFF or index < size:
                    try:
                        append(decode_frame(encoded))
                    except FrameError as error:
                        dropped[error.reason] += 1
                    continue
            else:
                while index < size:
                    # Targets are stored left to right: body[old index] = 0, then index moves on.
                    body[index], index = 0, index + body[index]
            if index != size:
                dropped["cobs"] += 1
            elif size < MIN_BODY_BYTES + 1:
                dropped["short"] += 1
            elif body[1] != PROTOCOL_VERSION:
                dropped["version"] += 1
            elif body[5] | (body[6] << 8) != size - 1 - MIN_BODY_BYTES:
                dropped["length"] += 1
            elif crc_hqx(body[1:-2], 0xFFFF) != body[-2] | (body[-1] << 8):
                dropped["crc"] += 1
            else:
                append(new_tuple(Frame, (body[2], body[3] | (body[4] << 8), bytes(body[7:-2]))))
        if len(tail) > MAX_ENCODED_BYTES:
            if not skipping:
                dropped["cobs"] += 1
            skipping = True
            tail = b""
        self._pending = tail
        self._skipping = skipping
        self.frames_ok += len(frames)
        return frames

    def reset(self) -> None:
        """Forget any partial frame (after the port was reopened)."""
        self._pending = b""
        self._skipping = False
