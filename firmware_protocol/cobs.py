"""Consistent Overhead Byte Stuffing (Cheshire & Baker 1999), as the ICD uses it.

COBS removes every 0x00 from a frame body so that 0x00 can delimit frames on the
wire and a receiver can resynchronise after lost or corrupted bytes. The ICD
follows the original paper: a final full 254-byte block carries no trailing
code byte. The decoder accepts both forms, so it interoperates with encoders
that do add one.

Pure Python on purpose: the hot loop runs once per *block* (a zero byte or 254
data bytes), not once per byte, and slices are copied in C, which keeps it
within a small factor of the `cobs` C extension without a compiled dependency.
"""

from __future__ import annotations

__all__ = ["CobsDecodeError", "cobs_encode", "cobs_decode"]

_MAX_BLOCK = 254


class CobsDecodeError(ValueError):
    """The encoded bytes are not valid COBS (a code byte points past the end, or a 0x00)."""


def cobs_encode(data: bytes) -> bytes:
    """Encode ``data`` so that the result contains no 0x00 byte (delimiter not added)."""
    out = bytearray()
    pieces = bytes(data).split(b"\x00")
    last = len(pieces) - 1
    for index, piece in enumerate(pieces):
        start = 0
        length = len(piece)
        while length - start >= _MAX_BLOCK:
            out.append(0xFF)
            out += piece[start : start + _MAX_BLOCK]
            start += _MAX_BLOCK
        remainder = piece[start:]
        # A final piece that ended exactly on a full block needs no closing code byte.
        if index == last and length > 0 and not remainder:
            break
        out.append(len(remainder) + 1)
        out += remainder
    return bytes(out)


def cobs_decode(encoded: bytes) -> bytes:
    """Decode one COBS-encoded frame (without its 0x00 delimiter).

    Raises:
        CobsDecodeError: empty input, a 0x00 inside, or a block running past the end.
    """
    size = len(encoded)
    if size == 0:
        raise CobsDecodeError("empty frame")
    out = bytearray()
    index = 0
    while index < size:
        code = encoded[index]
        end = index + code
        if code == 0 or end > size:
            raise CobsDecodeError(f"code byte {code} at offset {index} runs past the frame end ({size} bytes)")
        block = encoded[index + 1 : end]
        if 0 in block:
            raise CobsDecodeError(f"0x00 inside the block at offset {index}")
        out += block
        if code != 0xFF and end < size:
            out.append(0)
        index = end
    return bytes(out)
