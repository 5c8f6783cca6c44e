"""CRC-16/CCITT-FALSE, the frame checksum of the ICD.

Polynomial 0x1021, initial value 0xFFFF, not reflected, no final XOR. The
standard library's :func:`binascii.crc_hqx` is exactly this CRC when seeded with
0xFFFF and runs in C, so there is nothing to hand-write.
"""

from __future__ import annotations

import binascii

__all__ = ["crc16_ccitt_false"]


def crc16_ccitt_false(data: bytes) -> int:
    """Return the CRC-16/CCITT-FALSE of ``data`` (check value of b"123456789" is 0x29B1)."""
    return binascii.crc_hqx(data, 0xFFFF)
