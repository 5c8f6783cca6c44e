"""Property tests of the codec: garbage never raises, and any message round-trips."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from firmware_protocol import FrameDecoder, decode_frame, encode_frame, encode_message, parse_message
from firmware_protocol.cobs import cobs_decode, cobs_encode
from firmware_protocol.frames import MAX_PAYLOAD_BYTES
from firmware_protocol.messages import (
    Ack,
    Boot,
    ChannelInfo,
    GetInfo,
    Info,
    Log,
    Nak,
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
)

u8 = st.integers(0, 0xFF)
u16 = st.integers(0, 0xFFFF)
u32 = st.integers(0, 0xFFFFFFFF)
ascii_text = lambda size: st.text(st.characters(min_codepoint=1, max_codepoint=127), max_size=size)  # noqa: E731
channel = st.builds(ChannelInfo, st.integers(1, 5), ascii_text(11), ascii_text(4))
float32_bits = st.lists(u32, min_size=1, max_size=36).map(lambda bits: np.array(bits, dtype="<u4").view("<f4"))

messages = st.one_of(
    st.just(GetInfo()),
    st.just(Stop()),
    st.just(SelfTest()),
    st.builds(Start, u16, u8),
    st.builds(SetInlet, u8),
    st.builds(SetPump, u16),
    st.builds(SetHeater, u8),
    st.builds(Ping, u32),
    st.builds(Pong, u32),
    st.builds(Info, ascii_text(16), ascii_text(16), ascii_text(16), u16, st.lists(channel, max_size=36).map(tuple)),
    st.builds(Ack, u16, u8),
    st.builds(Nak, u16, u8, u8),
    st.builds(Sample, u32, u16, float32_bits),
    st.builds(Status, u8, u8, u16, u16, u32),
    st.builds(SelfTestResult, st.booleans(), u32),
    st.builds(Log, st.integers(0, 3), st.binary(max_size=MAX_PAYLOAD_BYTES - 1)),
    st.builds(Boot, u32),
)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=4096), st.lists(st.integers(1, 64), max_size=20))
def test_random_stream_never_raises(data, cuts):
    decoder = FrameDecoder()
    position = 0
    for cut in cuts:
        decoder.feed(data[position : position + cut])
        position += cut
    frames = decoder.feed(data[position:])
    assert isinstance(frames, list)
    assert decoder.dropped_total >= 0


@settings(max_examples=300, deadline=None)
@given(messages, u16)
def test_message_round_trips_through_the_wire(message, seq):
    wire = encode_message(message, seq)
    assert b"\x00" not in wire[:-1] and wire[-1] == 0
    frame = decode_frame(wire[:-1])
    assert frame.seq == seq and frame.type == message.TYPE
    assert parse_message(frame) == message


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_cobs_round_trips_any_bytes(data):
    encoded = cobs_encode(data)
    assert b"\x00" not in encoded
    assert cobs_decode(encoded) == data


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(u8, u16, st.binary(max_size=300)), min_size=1, max_size=10), st.binary(max_size=50))
def test_valid_frames_survive_interleaved_garbage(frames, garbage):
    decoder = FrameDecoder()
    stream = garbage.replace(b"\x00", b"") + b"\x00" + b"".join(encode_frame(t, s, p) for t, s, p in frames)
    decoded = decoder.feed(stream)
    assert [(f.type, f.seq, f.payload) for f in decoded] == frames


def test_cobs_matches_reference_extension_on_icd_style_bodies():
    cobs = __import__("cobs.cobs", fromlist=["cobs"])
    rng = np.random.default_rng(7)
    for size in (0, 1, 253, 254, 255, 508, 600, 1032):
        data = rng.integers(0, 256, size, dtype=np.uint8).tobytes()
        assert cobs_decode(cobs.encode(data)) == data
        assert cobs.decode(cobs_encode(data)) == data


def _reference_feed(stream: bytes) -> tuple[list, dict]:
    """Decode each delimited chunk with the plain decode_frame (the specification path)."""
    from collections import Counter

    from firmware_protocol import FrameError

    frames, dropped = [], Counter()
    for encoded in stream.split(b"\x00")[:-1]:
        if not encoded:
            continue
        try:
            frames.append(decode_frame(encoded))
        except FrameError as error:
            dropped[error.reason] += 1
    return frames, dropped


corrupted_frames = st.lists(
    st.tuples(u8, u16, st.binary(max_size=700), st.integers(-1, 800), u8), min_size=1, max_size=12
).map(
    lambda items: b"".join(
        (lambda wire, pos, val: wire[:pos] + bytes([val or 1]) + wire[pos + 1 :] if 0 <= pos < len(wire) - 1 else wire)(
            encode_frame(t, s, p), pos, val
        )
        for t, s, p, pos, val in items
    )
)


@settings(max_examples=400, deadline=None)
@given(corrupted_frames)
def test_fast_path_equals_the_reference_decoder(stream):
    expected_frames, expected_dropped = _reference_feed(stream)
    decoder = FrameDecoder()
    assert decoder.feed(stream) == expected_frames
    assert {k: v for k, v in decoder.dropped.items() if v} == dict(expected_dropped)
