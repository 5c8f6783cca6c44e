"""Exact expectations for the message parser, written to kill the mutants the vector and property tests let live.

scripts/mutation.py (module ``messages``) runs mutmut on firmware_protocol/messages.py against tests/protocol.
Each test pins an exact error message, field limit or byte string of the ICD's payloads.
"""

from __future__ import annotations

import numpy as np
import pytest

from firmware_protocol.frames import Frame
from firmware_protocol.messages import (
    Ack,
    Boot,
    ChannelInfo,
    GetInfo,
    Info,
    Log,
    Nak,
    PayloadError,
    Ping,
    Pong,
    Sample,
    SelfTest,
    SelfTestResult,
    SetHeater,
    SetInlet,
    SetPump,
    Start,
    Status,
    Stop,
    parse_message,
)


@pytest.mark.parametrize(
    ("cls", "name", "size"),
    [(GetInfo, "GetInfo", 0), (Stop, "Stop", 0), (SelfTest, "SelfTest", 0), (Ping, "Ping", 4), (Pong, "Pong", 4),
     (Start, "START", 3), (SetInlet, "SET_INLET", 1), (SetPump, "SET_PUMP", 2), (SetHeater, "SET_HEATER", 1),
     (Ack, "ACK", 3), (Nak, "NAK", 4), (Status, "STATUS", 10), (SelfTestResult, "SELF_TEST_RESULT", 5),
     (Boot, "BOOT", 4)],
)  # fmt: skip
def test_a_payload_of_the_wrong_size_is_refused_with_the_message_name_and_both_sizes(cls, name, size):
    with pytest.raises(PayloadError) as error:
        cls.unpack(bytes(size + 1))
    assert str(error.value) == f"{name} payload must be {size} bytes, got {size + 1}"


def test_an_unknown_type_is_named_in_hex():
    with pytest.raises(PayloadError) as error:
        parse_message(Frame(0x7F, 0, b""))
    assert str(error.value) == "unknown message type 0x7f"


def test_info_errors_name_the_sizes():
    with pytest.raises(PayloadError) as error:
        Info.unpack(bytes(50))
    assert str(error.value) == "INFO payload of 50 bytes is shorter than its 51-byte header"
    head = Info("m", "s", "f", 10, (ChannelInfo(1, "mox0", "ohm"),)).pack()[:51]
    with pytest.raises(PayloadError) as error:
        Info.unpack(head + bytes(3))
    assert str(error.value) == "INFO with 1 channels payload must be 67 bytes, got 54"


@pytest.mark.parametrize(
    ("fields", "text", "size"),
    [(("m" * 17, "s", "f"), "m" * 17, 16), (("m", "s" * 17, "f"), "s" * 17, 16), (("m", "s", "f" * 17), "f" * 17, 16)],
)
def test_info_header_strings_longer_than_16_bytes_are_refused(fields, text, size):
    with pytest.raises(ValueError) as error:
        Info(*fields, 10, ()).pack()
    assert str(error.value) == f"{text!r} is longer than its {size}-byte field"


def test_info_channel_name_and_unit_limits():
    assert len(Info("m", "s", "f", 10, (ChannelInfo(1, "n" * 11, "u" * 4),)).pack()) == 51 + 16
    with pytest.raises(ValueError, match=r"^'nnnnnnnnnnnn' is longer than its 11-byte field$"):
        Info("m", "s", "f", 10, (ChannelInfo(1, "n" * 12, "u"),)).pack()
    with pytest.raises(ValueError, match=r"^'uuuuu' is longer than its 4-byte field$"):
        Info("m", "s", "f", 10, (ChannelInfo(1, "n", "u" * 5),)).pack()


def test_info_strings_are_ascii_and_stop_at_the_first_nul():
    with pytest.raises(UnicodeEncodeError):
        Info("é", "s", "f", 10, ()).pack()
    payload = bytearray(Info("m", "s", "f", 10, ()).pack())
    payload[0:16] = b"ab\x00cd\x00ef" + bytes(8)
    payload[16:18] = b"\xc3\xa9"  # not ASCII: each byte becomes U+FFFD, never an exception
    info = Info.unpack(bytes(payload))
    assert (info.model, info.serial) == ("ab", "\ufffd\ufffd")


def test_log_from_text_is_utf8_and_keeps_the_level():
    assert Log.from_text(3, "é!") == Log(3, b"\xc3\xa9!")
    assert Log.from_text(3, "é!").text == "é!"


def test_an_empty_log_payload_is_refused_with_its_message():
    with pytest.raises(PayloadError) as error:
        Log.unpack(b"")
    assert str(error.value) == "LOG payload is empty"


def test_sample_equality_compares_clock_flags_and_float32_bits():
    values = np.array([1.5, -2.0], dtype="<f4")
    base = Sample(10, 3, values)
    assert base == Sample(10, 3, values.astype(np.float64))  # compared as float32
    assert Sample(10, 3, values.astype(np.float64)) == base
    assert base != Sample(11, 3, values)
    assert base != Sample(10, 4, values)
    assert base != Sample(10, 3, np.array([1.5, -2.5], dtype="<f4"))
    assert base != Sample(11, 4, values)


def test_sample_pack_writes_float32_whatever_the_array_dtype():
    assert Sample(1, 2, np.array([1.0, 2.0], dtype=np.float64)).pack() == bytes.fromhex(
        "01000000" "0200" "0000803f" "00000040")  # fmt: skip


@pytest.mark.parametrize("size", [0, 5, 7, 8, 9, 11])
def test_a_sample_payload_that_is_not_6_plus_4n_bytes_is_refused(size):
    with pytest.raises(PayloadError) as error:
        Sample.unpack(bytes(size))
    assert str(error.value) == f"SAMPLE payload of {size} bytes is not 6 + 4 x n_channels"


@pytest.mark.parametrize("n", [0, 1, 2])
def test_a_sample_of_6_plus_4n_bytes_has_n_values(n):
    assert Sample.unpack(bytes(6 + 4 * n)).values.size == n
