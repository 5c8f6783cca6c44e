"""Device side of the e-nose: the ICD's wire protocol (codec) and a device emulator.

``firmware_protocol`` turns bytes into typed messages and back, with no I/O of
its own, so the host (``enose.acquisition``), the emulator and the tests share
one implementation of the contract described in ``PROTOCOL.md``.
"""

from firmware_protocol.frames import DROP_REASONS, Frame, FrameDecoder, FrameError, decode_frame, encode_frame
from firmware_protocol.messages import *  # noqa: F403
from firmware_protocol.messages import __all__ as _messages_all

__all__ = ["DROP_REASONS", "Frame", "FrameDecoder", "FrameError", "decode_frame", "encode_frame", *_messages_all]
