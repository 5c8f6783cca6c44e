"""Every ICD test vector (tests/data/icd-vectors.json, the project's own copy) must hold exactly."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from firmware_protocol import FrameDecoder, FrameError, decode_frame, encode_message, parse_message
from firmware_protocol.crc import crc16_ccitt_false
from firmware_protocol.frames import decode_body
from firmware_protocol.messages import Info, Log, Sample

DATA_DIR = Path(__file__).resolve().parents[1] / "data"

VECTORS = json.loads((DATA_DIR / "icd-vectors.json").read_text())


def test_crc_check_value():
    check = VECTORS["crc_check"]
    assert crc16_ccitt_false(check["input_ascii"].encode()) == int(check["crc"], 16)


def _field_values(message) -> dict:
    if isinstance(message, Info):
        return {
            "model": message.model,
            "serial": message.serial,
            "firmware": message.firmware,
            "min_period_ms": message.min_period_ms,
            "channels": [{"kind": c.kind, "name": c.name, "unit": c.unit} for c in message.channels],
        }
    if isinstance(message, Sample):
        values = [None if math.isnan(v) else float(v) for v in message.values]
        return {"t_ms": message.t_ms, "flags": message.flags, "values": values}
    if isinstance(message, Log):
        return {"level": message.level, "text": message.text}
    return dict(vars(message))


@pytest.mark.parametrize("vector", VECTORS["valid"], ids=lambda v: v["description"])
def test_valid_vector_decodes_to_its_fields_and_reencodes_byte_exact(vector):
    wire = bytes.fromhex(vector["wire_hex"])
    assert wire.endswith(b"\x00") and b"\x00" not in wire[:-1]
    frame = decode_frame(wire[:-1])
    assert (frame.type, frame.seq, frame.payload.hex()) == (vector["type"], vector["seq"], vector["payload_hex"])
    assert decode_body(bytes.fromhex(vector["body_hex"])) == frame
    message = parse_message(frame)
    fields = _field_values(message)
    for key, expected in vector["fields"].items():
        if key == "passed":
            assert bool(fields[key]) == bool(expected)
        else:
            assert fields[key] == expected, key
    assert encode_message(message, vector["seq"]) == wire


def test_nan_sample_keeps_its_bits():
    vector = next(v for v in VECTORS["valid"] if "NaN" in v["description"])
    sample = parse_message(decode_frame(bytes.fromhex(vector["wire_hex"])[:-1]))
    assert np.isnan(sample.values[3])
    assert sample.values.tobytes() == bytes.fromhex(vector["payload_hex"])[6:]


def test_long_log_keeps_raw_bytes():
    vector = next(v for v in VECTORS["valid"] if "600" in v["description"])
    log = parse_message(decode_frame(bytes.fromhex(vector["wire_hex"])[:-1]))
    assert isinstance(log, Log) and len(log.pack()) == 600 and 0 not in log.data


@pytest.mark.parametrize("vector", VECTORS["invalid"], ids=lambda v: v["description"])
def test_invalid_vector_is_rejected_with_its_reason(vector):
    with pytest.raises(FrameError) as caught:
        decode_frame(bytes.fromhex(vector["encoded_hex"]))
    assert caught.value.reason == vector["error"]


@pytest.mark.parametrize("vector", VECTORS["invalid"], ids=lambda v: v["description"])
def test_streaming_decoder_counts_each_invalid_vector(vector):
    decoder = FrameDecoder()
    assert decoder.feed(bytes.fromhex(vector["encoded_hex"]) + b"\x00") == []
    assert decoder.dropped[vector["error"]] == 1
    assert decoder.dropped_total == 1


def test_stream_vector_resynchronises_after_bootloader_text():
    decoder = FrameDecoder()
    stream = bytes.fromhex(VECTORS["stream_hex"])
    frames = decoder.feed(stream)
    described = []
    for frame in frames:
        message = parse_message(frame)
        name = type(message).__name__.upper()
        text = f"{name} seq {frame.seq}"
        if name == "PONG":
            text += f" token {message.token}"
        described.append(text)
    assert described == VECTORS["stream_expect"]
    assert decoder.dropped_total >= 1  # the bootloader text was counted, not silently eaten


def test_stream_vector_byte_by_byte_gives_the_same_frames():
    stream = bytes.fromhex(VECTORS["stream_hex"])
    whole = FrameDecoder().feed(stream)
    decoder = FrameDecoder()
    pieces = [frame for i in range(len(stream)) for frame in decoder.feed(stream[i : i + 1])]
    assert pieces == whole
