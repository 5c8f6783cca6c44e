"""The raw CSV of a session: read back, it gives the stored arrays bit for bit; written fast, it is printf's text.

Format (unchanged): ``t`` as ``%.6f`` (to the microsecond), the three device integers as
``%d``, every channel as ``%.9g`` of its float32 value (which round-trips float32 exactly).
"""

from __future__ import annotations

import csv
import importlib
import io

import numpy as np
import pytest

from enose.recording import ChannelLayout, Recording
from enose.storage import export_recording
from firmware_protocol.messages import ChannelInfo

raw_csv = importlib.import_module("enose.storage.export")

F32 = np.finfo(np.float32)
EDGE_VALUES = np.array(
    [0.0, -0.0, np.nan, -np.nan, np.inf, -np.inf, F32.max, -F32.max, F32.tiny, -F32.tiny,
     F32.smallest_subnormal, -F32.smallest_subnormal, 1e-45, 3e-39, 1.0, -1.0, 1e-4, 9.99999975e-05, 1e-5,
     99999999.0, 1e8, 1e9, 123456792.0, 1458020.625, -1458020.375, 0.5, 2.5, 1.0 / 3.0, 37.0, 40_000.0],
    dtype=np.float32,
)  # fmt: skip


def _layout(n_channels: int) -> ChannelLayout:
    return ChannelLayout(tuple(ChannelInfo(1, f"ch{i}", "ohm") for i in range(n_channels)))


def _recording(rng, n: int, n_channels: int, kind: str) -> Recording:
    if kind == "bits":  # every float32 bit pattern is possible (NaN payloads, subnormals...)
        values = rng.integers(0, 2**32, (n, n_channels), dtype=np.uint64).astype(np.uint32).view(np.float32)
    elif kind == "magnitudes":
        with np.errstate(over="ignore"):  # beyond float32: inf, as a device could send
            values = (rng.standard_normal((n, n_channels)) * 10.0 ** rng.integers(-46, 40, (n, n_channels)))
            values = values.astype(np.float32)
    elif kind == "ties":  # decimal expansions that end in a 5 at the tenth digit
        values = (rng.integers(-(2**24), 2**24, (n, n_channels)) * 2.0 ** rng.integers(-30, 30, (n, n_channels)))
        values = values.astype(np.float32)
    elif kind == "edges":
        values = rng.choice(EDGE_VALUES, (n, n_channels))
    else:  # a device: MOX resistances drifting around 10 kohm
        values = (1e4 + np.cumsum(rng.normal(0, 5, (n, n_channels)), axis=0)).astype(np.float32)
    t = {"grid": np.arange(n) * 0.01, "halves": np.arange(n) / 128.0, "uniform": rng.uniform(-1.0, 1e6, n),
         "large": rng.uniform(2e9, 9e9, n),  # microseconds beyond 2**51: the product's ulp is 0.5 or 1
         "edges": rng.choice(np.array([0.0, -0.0, np.nan, np.inf, -np.inf, 8.9e9, 9.1e9, 1e15, -1e-9]), n)}[
        rng.choice(["grid", "halves", "uniform", "large", "edges"])]  # fmt: skip
    seq = rng.integers(0, 2**16, n).astype(np.uint16)
    t_ms = rng.choice([rng.integers(0, 2**32, n), rng.integers(0, 10**7, n)]).astype(np.uint32)
    flags = rng.integers(0, 2**16, n).astype(np.uint16)
    return Recording(_layout(n_channels), t, values, seq, t_ms, flags, 10)


def _bits(a: np.ndarray) -> np.ndarray:
    return np.asarray(a, dtype=np.float32).view(np.uint32)


@pytest.mark.parametrize("kind", ["device", "bits", "magnitudes", "ties", "edges"])
def test_csv_reads_back_bit_for_bit(tmp_path, kind):
    rng = np.random.default_rng(["device", "bits", "magnitudes", "ties", "edges"].index(kind))
    recording = _recording(rng, 700, 9, kind)
    with np.errstate(invalid="ignore"):
        path = export_recording(recording, "csv", tmp_path / "s.csv")
    with open(path, newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["t", "device_seq", "device_t_ms", "flags", *recording.layout.names]
    body = rows[1:]
    assert len(body) == recording.n_samples
    values = np.array([[np.float32(float(x)) for x in row[4:]] for row in body], dtype=np.float32)
    stored = recording.values
    nan = np.isnan(stored)
    assert np.array_equal(np.isnan(values), nan)  # NaN stays NaN (its payload and sign are not text)
    assert np.array_equal(_bits(values)[~nan], _bits(stored)[~nan])  # everything else: every bit, -0 included
    for column, name in ((1, "device_seq"), (2, "device_t_ms"), (3, "flags")):
        assert np.array_equal(np.array([int(r[column]) for r in body]), getattr(recording, name).astype(np.int64))
    # t is written to the microsecond, as printf's %.6f writes it
    assert [r[0] for r in body] == ["%.6f" % x for x in recording.t_s.tolist()]  # noqa: UP031


@pytest.mark.parametrize("seed", range(6))
def test_fast_text_is_printf_text_byte_for_byte(seed):
    rng = np.random.default_rng(100 + seed)
    kinds = ["device", "bits", "magnitudes", "ties", "edges"]
    for trial in range(25):
        recording = _recording(rng, int(rng.integers(1, 300)), int(rng.integers(0, 18)), kinds[trial % 5])
        with np.errstate(invalid="ignore"):
            fast = raw_csv._csv_block(recording, 0, recording.n_samples)
            printf = raw_csv._csv_block_by_printf(recording, 0, recording.n_samples)
        assert fast == printf, (seed, trial)


@pytest.mark.parametrize(("rows_per_block", "values_per_call"), [(7, 5), (100, 64), (2048, 8192)])
def test_whole_file_does_not_depend_on_the_blocks(monkeypatch, rows_per_block, values_per_call):
    rng = np.random.default_rng(rows_per_block)
    recordings = [_recording(rng, n, c, k) for n, c, k in ((0, 3, "device"), (1, 1, "edges"), (523, 16, "device"),
                                                            (301, 5, "ties"), (77, 0, "device"))]  # fmt: skip

    def text(rec):
        out = io.BytesIO()
        with np.errstate(invalid="ignore"):
            raw_csv._write_csv(out, rec)
        return out.getvalue()

    expected = [text(r) for r in recordings]
    monkeypatch.setattr(raw_csv, "_ROWS_PER_BLOCK", rows_per_block)
    monkeypatch.setattr(raw_csv, "_VALUES_PER_CALL", values_per_call)
    for rec, want in zip(recordings, expected, strict=True):
        got = text(rec)
        assert got == want
        header = ",".join(["t", "device_seq", "device_t_ms", "flags", *rec.layout.names]) + "\n"
        with np.errstate(invalid="ignore"):
            blocks = [raw_csv._csv_block_by_printf(rec, 0, rec.n_samples)] if rec.n_samples else []
        assert got == header.encode() + b"".join(blocks)


def test_a_value_too_long_for_its_field_falls_back_to_printf_for_its_block():
    rng = np.random.default_rng(9)
    recording = _recording(rng, 40, 3, "device")
    recording.t_s[5] = 1e17  # "%.6f" is 24 characters: longer than the t field
    assert raw_csv._csv_block(recording, 0, 40) == raw_csv._csv_block_by_printf(recording, 0, 40)
    assert b"100000000000000000.000000," in raw_csv._csv_block(recording, 0, 40)
