"""The SQLite session store: schema, lossless samples, append-only rules, exports."""

from __future__ import annotations

import csv
import os
import sqlite3
import stat

import numpy as np
import pytest

from enose.recording import ChannelLayout
from enose.storage import SampleBlock, StorageError, Store, export_recording
from enose.storage.chunks import pack_column, unpack_column
from enose.storage.migrations import MIGRATIONS, SchemaTooNew
from firmware_protocol.messages import ChannelInfo

LAYOUT = ChannelLayout((ChannelInfo(5, "co2", "ppm"), ChannelInfo(1, "mox0", "ohm"), ChannelInfo(1, "mox1", "ohm")))


def _block(rng: np.random.Generator, start: int, n: int) -> SampleBlock:
    values = rng.uniform(1e3, 1e5, (n, len(LAYOUT))).astype(np.float32)
    values[::7, 1] = np.nan
    values.view(np.uint32)[3 % n, 2] = 0x7FC00123  # a NaN with a payload must keep its bits
    index = np.arange(start, start + n)
    return SampleBlock(
        t_s=index * 0.01,
        device_seq=(index & 0xFFFF).astype(np.uint16),
        device_t_ms=(index * 10).astype(np.uint32),
        flags=(index % 3).astype(np.uint16),
        values=values,
    )


def test_new_database_is_migrated_wal_and_owner_only(db_path):
    with Store.open(db_path) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert {"devices", "subjects", "sessions", "sample_chunks", "events", "phases"} <= set(store.db.table_names())
    assert stat.S_IMODE(os.stat(db_path).st_mode) == 0o600


def test_database_from_a_newer_release_is_refused_untouched(db_path):
    Store.open(db_path).close()
    connection = sqlite3.connect(db_path)
    connection.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 5}")
    connection.close()
    with pytest.raises(StorageError, match="newer"):
        Store.open(db_path)
    assert isinstance(SchemaTooNew("x"), RuntimeError)


def test_not_a_database_gives_a_clear_error(tmp_path):
    bogus = tmp_path / "notes.db"
    bogus.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StorageError, match="cannot open"):
        Store.open(bogus)
    assert bogus.read_bytes() == b"this is not sqlite" * 100


@pytest.mark.parametrize("dtype", ["<f4", "<f8", "<u2", "<u4"])
def test_chunk_codec_is_bit_exact(dtype):
    rng = np.random.default_rng(3)
    array = rng.integers(0, 2**31, size=(257, 3)).astype(dtype)
    packed = pack_column(array)
    assert unpack_column(packed, dtype, array.shape).tobytes() == array.tobytes()


def test_samples_round_trip_bit_exact_and_counts_are_kept(db_path):
    rng = np.random.default_rng(1)
    blocks = [_block(rng, 0, 100), _block(rng, 100, 37), _block(rng, 137, 1)]
    with Store.open(db_path) as store:
        writer = store.create_session(operator="tech1", layout=LAYOUT, period_ms=10, protocol={"breath_s": 1})
        for block in blocks:
            writer.append(block, lost_samples=2)
        writer.event("gap", 0.5, lost_samples=2)
        writer.phase("breath", 1, 0.0, 1.38)
        writer.finish("complete")
        recording = store.load_recording(writer.session_id)
        row = store.session(writer.session_id)
    expected = np.concatenate([b.values for b in blocks])
    assert recording.values.tobytes() == expected.tobytes()
    assert recording.device_seq.tolist() == list(range(138))
    assert recording.layout == LAYOUT
    assert recording.phase("breath").end_s == pytest.approx(1.38)
    assert (row["status"], row["n_samples"], row["lost_samples"]) == ("complete", 138, 2)


def test_raw_samples_cannot_be_updated_or_deleted(db_path):
    with Store.open(db_path) as store:
        writer = store.create_session(operator="op", layout=LAYOUT, period_ms=10, protocol={})
        writer.append(_block(np.random.default_rng(0), 0, 10))
        for sql in ("UPDATE sample_chunks SET \"values\" = x'00'", "DELETE FROM sample_chunks"):
            with pytest.raises(sqlite3.IntegrityError, match="never"):
                store.conn.execute(sql)
        assert store.load_recording(writer.session_id).n_samples == 10


def test_running_session_whose_writer_died_is_reported_interrupted(db_path):
    with Store.open(db_path) as store:
        writer = store.create_session(operator="op", layout=LAYOUT, period_ms=10, protocol={})
        store.conn.execute("UPDATE sessions SET heartbeat_at = '2020-01-01T00:00:00.000+00:00'")
        store.conn.commit()
        assert store.session(writer.session_id)["status"] == "interrupted"
        assert store.mark_stale_sessions() == [writer.session_id]
        assert store.conn.execute("SELECT status FROM sessions").fetchone()[0] == "interrupted"
        assert [e["kind"] for e in store.events(writer.session_id)] == ["session_interrupted"]


def test_exports_hold_exactly_what_was_received(db_path, tmp_path):
    rng = np.random.default_rng(5)
    with Store.open(db_path) as store:
        writer = store.create_session(operator="op", layout=LAYOUT, period_ms=10, protocol={})
        writer.append(_block(rng, 0, 250))
        recording = store.load_recording(writer.session_id)
    npz = np.load(export_recording(recording, "npz", tmp_path / "s.npz"))
    assert npz["values"].dtype == np.float32 and npz["values"].tobytes() == recording.values.tobytes()
    assert npz["device_seq"].dtype == np.uint16 and npz["device_t_ms"].dtype == np.uint32
    assert list(npz["channels"]) == ["co2", "mox0", "mox1"]
    assert np.array_equal(npz["t"], recording.t_s)
    with open(export_recording(recording, "csv", tmp_path / "s.csv")) as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["t", "device_seq", "device_t_ms", "flags", "co2", "mox0", "mox1"]
    parsed = np.array([[float(x) for x in row[4:]] for row in rows[1:]], dtype=np.float32)
    same = (parsed == recording.values) | (np.isnan(parsed) & np.isnan(recording.values))
    assert same.all() and len(rows) == 251
    assert not (tmp_path / "s.csv.part").exists()


def test_export_refuses_unknown_format(db_path, tmp_path):
    with Store.open(db_path) as store:
        writer = store.create_session(operator="op", layout=LAYOUT, period_ms=10, protocol={})
        recording = store.load_recording(writer.session_id)
    with pytest.raises(ValueError, match="csv, npz"):
        export_recording(recording, "xlsx", tmp_path / "x.xlsx")
