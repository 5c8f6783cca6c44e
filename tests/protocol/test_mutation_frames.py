"""Exact expectations for the frame codec, written to kill the mutants the vector and property tests let live.

scripts/mutation.py (module ``frames``) runs mutmut on firmware_protocol/frames.py against tests/protocol.
Each test pins an exact byte string, message, drop count or boundary of the ICD's frame layer.
"""

from __future__ import annotations

import pytest

from firmware_protocol.cobs import cobs_encode
from firmware_protocol.frames import (
    DROP_REASONS,
    MAX_ENCODED_BYTES,
    MAX_PAYLOAD_BYTES,
    FrameDecoder,
    FrameError,
    decode_body,
    decode_frame,
    encode_body,
    encode_frame,
)

NO_DROPS = dict.fromkeys(DROP_REASONS, 0)
#: 300 payload bytes, a 0x00 every 200, no 0xFF: a length field whose high byte is 1 (0x012C), no full COBS block.
LONG_PAYLOAD = bytes(i % 200 for i in range(300))
#: a run of 300 non-zero bytes: COBS needs a full 254-byte block (code 0xFF) inside the frame.
FULL_BLOCK_PAYLOAD = bytes(1 + i % 255 for i in range(300))


def _drops(**counts: int) -> dict[str, int]:
    return {**NO_DROPS, **counts}


def test_known_bodies_and_frames_of_an_empty_payload():
    assert encode_body(0x07, 0x0102) == bytes.fromhex("0107020100003cf6")
    assert encode_body(0x07, 0x0102) == encode_body(0x07, 0x0102, b"")
    assert encode_frame(0x07, 0x0102) == bytes.fromhex("050107020101033cf600")
    assert encode_frame(0x07, 0x0102) == encode_frame(0x07, 0x0102, b"")


def test_payload_and_sequence_limits_are_inclusive_and_their_messages_exact():
    assert len(encode_body(1, 0, b"\x01" * MAX_PAYLOAD_BYTES)) == MAX_PAYLOAD_BYTES + 8
    with pytest.raises(ValueError) as too_long:
        encode_body(1, 0, b"\x01" * (MAX_PAYLOAD_BYTES + 1))
    assert str(too_long.value) == "payload of 1025 bytes exceeds the ICD maximum of 1024"
    assert encode_body(1, 0xFFFF)[2:4] == b"\xff\xff"
    assert encode_body(1, 0)[2:4] == b"\x00\x00"
    for seq in (0x10000, -1):
        with pytest.raises(ValueError) as out_of_range:
            encode_body(1, seq)
        assert str(out_of_range.value) == f"sequence number {seq} is outside 0..65535"


@pytest.mark.parametrize(
    ("body", "reason", "message"),
    [
        (bytes(7), "short", "frame body of 7 bytes is shorter than the 8-byte minimum"),
        (bytes.fromhex("0207020100003cf6"), "version", "protocol version 2, expected 1"),
        (bytes.fromhex("010702010200003cf6"), "length", "payload length field 2 does not match a 9-byte body"),
        (bytes.fromhex("0107020100003cf7"), "crc", "CRC 0xf73c received, 0xf63c computed"),
    ],
)
def test_each_body_error_has_its_reason_and_exact_message(body, reason, message):
    with pytest.raises(FrameError) as error:
        decode_body(body)
    assert (error.value.reason, str(error.value)) == (reason, message)


def test_a_cobs_error_keeps_the_cobs_message():
    with pytest.raises(FrameError) as error:
        decode_frame(b"\x05\x01")
    assert error.value.reason == "cobs"
    assert str(error.value) == "code byte 5 at offset 0 runs past the frame end (2 bytes)"


def test_frame_error_message_and_reason():
    error = FrameError("crc", "bad")
    assert (str(error), error.reason, error.args) == ("bad", "crc", ("bad",))


def test_a_fresh_decoder_counts_nothing():
    decoder = FrameDecoder()
    assert dict(decoder.dropped) == NO_DROPS
    assert (decoder.frames_ok, decoder.dropped_total) == (0, 0)
    assert decoder.feed(b"") == []


def test_frames_ok_adds_up_over_feeds():
    decoder = FrameDecoder()
    one = encode_frame(0x84, 1, b"\x01\x02")
    assert len(decoder.feed(one + one)) == 2
    assert len(decoder.feed(one)) == 1
    assert decoder.frames_ok == 3


def test_a_length_field_above_255_is_read_in_the_fast_path():
    wire = encode_frame(0x84, 0x0101, LONG_PAYLOAD)
    assert 0xFF not in wire
    decoder = FrameDecoder()
    assert decoder.feed(wire) == [(0x84, 0x0101, LONG_PAYLOAD)]
    assert dict(decoder.dropped) == NO_DROPS


def test_a_full_254_byte_block_after_a_short_one_is_decoded_by_the_general_decoder():
    wire = encode_frame(0x84, 0, FULL_BLOCK_PAYLOAD)  # seq 0: the header has zeros, so the 0xFF code comes later
    assert wire[0] != 0xFF and 0xFF in wire
    decoder = FrameDecoder()
    frames = decoder.feed(wire + encode_frame(0x84, 1, b"\x07") + wire)
    assert frames == [(0x84, 0, FULL_BLOCK_PAYLOAD), (0x84, 1, b"\x07"), (0x84, 0, FULL_BLOCK_PAYLOAD)]
    assert all(type(frame.payload) is bytes for frame in frames)
    assert decoder.frames_ok == 3 and dict(decoder.dropped) == NO_DROPS


def test_a_frame_starting_with_a_full_block_is_decoded():
    payload = bytes(1 + i % 255 for i in range(1000))
    wire = encode_frame(0x84, 0x0101, payload)
    assert wire[0] == 0xFF
    assert FrameDecoder().feed(wire) == [(0x84, 0x0101, payload)]


def test_broken_general_path_frames_are_counted_once_each_by_reason():
    wire = bytearray(encode_frame(0x84, 0, FULL_BLOCK_PAYLOAD))
    wire[-3] ^= 0x01  # a CRC byte: still valid COBS (the CRC bytes are not zero here)
    assert 0 not in wire[:-1]
    decoder = FrameDecoder()
    assert decoder.feed(bytes(wire) * 2 + encode_frame(0x84, 1, b"\x07")) == [(0x84, 1, b"\x07")]
    assert dict(decoder.dropped) == _drops(crc=2)


def test_fast_path_drops_are_counted_once_each_by_reason():
    good = encode_frame(0x84, 1, b"\x01\x02\x03")
    bad_crc = bytearray(good)
    bad_crc[-2] ^= 0x01
    bad_version = cobs_encode(bytes.fromhex("0207020100003cf6")) + b"\x00"
    bad_length = cobs_encode(bytes.fromhex("010702010200003cf6")) + b"\x00"
    bad_cobs = b"\x05\x01\x00"
    short = cobs_encode(bytes(range(1, 8))) + b"\x00"  # 7-byte body: 8 encoded bytes
    shortest_long_enough = cobs_encode(encode_body(0x07, 0x0102)[:-1] + b"\x01") + b"\x00"  # 8 bytes, bad CRC
    decoder = FrameDecoder()
    stream = (bytes(bad_crc) + bad_version + bad_length + bad_cobs + short) * 2 + shortest_long_enough
    assert decoder.feed(stream + good) == [(0x84, 1, b"\x01\x02\x03")]
    assert dict(decoder.dropped) == _drops(cobs=2, short=2, version=2, length=2, crc=3)


def test_an_encoded_body_of_eight_bytes_is_short_not_a_length_error():
    # 8 encoded bytes decode to a 7-byte body with a valid-looking version byte
    encoded = cobs_encode(bytes.fromhex("01070201000000")) + b"\x00"
    assert len(encoded) == 9
    decoder = FrameDecoder()
    decoder.feed(encoded)
    assert dict(decoder.dropped) == _drops(short=1)


def test_a_run_of_exactly_the_longest_legal_frame_is_kept_pending():
    decoder = FrameDecoder()
    assert decoder.feed(b"\x01" * MAX_ENCODED_BYTES) == []
    assert dict(decoder.dropped) == NO_DROPS
    decoder.feed(b"\x00")  # valid COBS of 1036 zero bytes: version 0
    assert dict(decoder.dropped) == _drops(version=1)


def test_an_overlong_run_is_dropped_once_and_its_rest_skipped_across_feeds():
    good = encode_frame(0x84, 1, b"\x01\x02\x03")
    decoder = FrameDecoder()
    assert decoder.feed(b"\x01" * (MAX_ENCODED_BYTES + 1)) == []
    assert dict(decoder.dropped) == _drops(cobs=1)
    assert decoder.feed(b"\x01" * (MAX_ENCODED_BYTES + 1)) == []  # still the same run: not counted again
    assert dict(decoder.dropped) == _drops(cobs=1)
    assert decoder.feed(b"\x01\x01\x01") == []
    assert decoder.feed(b"\x01\x01\x01\x00" + good + good) == [(0x84, 1, b"\x01\x02\x03")] * 2
    assert dict(decoder.dropped) == _drops(cobs=1)  # the run's end was skipped, not counted as short
    assert decoder.frames_ok == 2


def test_an_overlong_run_inside_one_feed_is_skipped_up_to_its_delimiter():
    good = encode_frame(0x84, 1, b"\x01\x02\x03")
    decoder = FrameDecoder()
    assert decoder.feed(b"\x01" * (MAX_ENCODED_BYTES + 1)) == []
    assert decoder.feed(b"\x01\x01\x00" + b"\x01\x01\x00" + good) == [(0x84, 1, b"\x01\x02\x03")]
    assert dict(decoder.dropped) == _drops(cobs=1, short=1)  # the second run is a frame of its own


def test_reset_forgets_a_partial_frame_and_an_overlong_run():
    good = encode_frame(0x84, 1, b"\x01\x02\x03")
    decoder = FrameDecoder()
    decoder.feed(good[:5])
    decoder.reset()
    assert decoder.feed(good) == [(0x84, 1, b"\x01\x02\x03")]
    decoder.feed(b"\x01" * (MAX_ENCODED_BYTES + 1))
    decoder.reset()
    assert decoder.feed(good) == [(0x84, 1, b"\x01\x02\x03")]  # not skipped as the run's rest
    assert dict(decoder.dropped) == _drops(cobs=1)


def test_a_frame_opening_with_a_full_block_then_a_short_one_is_decoded_by_the_general_decoder():
    # 292-byte body without a zero: one 0xFF code first, then one short code; the first code is never
    # visited by the code-walking loop, so only the check of body[0] sends it to the general decoder
    payload = bytes(1 + i % 255 for i in range(284))
    wire = encode_frame(0x84, 0x0101, payload)
    assert wire[0] == 0xFF and wire[255] == 292 - 254 + 1 and len(wire) == 1 + 292 + 1 + 1
    assert FrameDecoder().feed(wire) == [(0x84, 0x0101, payload)]


def test_an_overlong_run_after_a_cobs_error_adds_to_the_count():
    decoder = FrameDecoder()
    decoder.feed(b"\x05\x01\x00")
    decoder.feed(b"\x01" * (MAX_ENCODED_BYTES + 1))
    assert dict(decoder.dropped) == _drops(cobs=2)
