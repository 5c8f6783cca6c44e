"""`enose recover` puts an emergency file's samples back into their session, once, losing and changing nothing."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np

from enose.recording import ChannelLayout
from enose.security import verify
from enose.storage import Store
from enose.storage.chunks import SampleBlock
from enose.storage.recovery import emergency_files
from firmware_protocol.messages import ChannelInfo, ChannelKind

LAYOUT = ChannelLayout((ChannelInfo(int(ChannelKind.MOX), "mox0", "ohm"), ChannelInfo(int(ChannelKind.CO2), "co2", "ppm")))


def _block(t0: float, n: int) -> SampleBlock:
    t = t0 + 0.1 * np.arange(n)
    return SampleBlock(t_s=t, device_seq=np.arange(n, dtype=np.uint16), device_t_ms=(t * 1000).astype(np.uint32),
                       flags=np.zeros(n, np.uint16), values=np.column_stack([1e4 + t, 400 + t]).astype(np.float32))  # fmt: skip


def _session_with_emergency_file(tmp_path) -> tuple[str, int, np.ndarray]:
    db = tmp_path / "clinic.db"
    with Store.open(db) as store:
        store.upsert_device("EMU-REC", "ENOSE-EMU", "x", 100, LAYOUT)
        writer = store.create_session(operator="t", layout=LAYOUT, period_ms=100, protocol={}, subject_code=None,
                                      device_serial="EMU-REC", firmware="x", site=None, kind="screening")  # fmt: skip
        writer.append(_block(0.0, 50))
        writer.finish("interrupted")
        session_id = writer.session_id
        uuid = store.conn.execute("SELECT uuid FROM sessions WHERE id = ?", (session_id,)).fetchone()[0]
    rescued = _block(5.0, 30)
    folder = tmp_path / "emergency"
    folder.mkdir()
    np.savez(folder / f"enose-unsaved-session-{session_id}-1700000000.npz", values=rescued.values,
             channels=np.array(["mox0", "co2"]), t=rescued.t_s, device_seq=rescued.device_seq,
             device_t_ms=rescued.device_t_ms, flags=rescued.flags, session_uuid=np.array(uuid))  # fmt: skip
    return str(db), session_id, rescued.values


def _enose(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "enose.cli", *args], capture_output=True, text=True, timeout=120)


def test_recover_appends_the_samples_once_and_moves_the_file(tmp_path):
    db, session_id, rescued = _session_with_emergency_file(tmp_path)
    with Store.open(db) as store:
        before = store.load_recording(session_id).values.copy()
    run = _enose("recover", "--db", db, "--json")
    assert run.returncode == 0, run.stderr
    (outcome,) = json.loads(run.stdout)
    assert outcome["recovered"] and outcome["samples"] == 30 and outcome["session_id"] == session_id
    with Store.open(db) as store:
        after = store.load_recording(session_id)
        kinds = [e["kind"] for e in store.events(session_id)]
        assert emergency_files(store.path) == []
        assert verify(store).ok  # the completed session is sealed again in the audit trail
    np.testing.assert_array_equal(after.values[:50], before)  # what was stored is unchanged
    np.testing.assert_array_equal(after.values[50:], rescued)  # and the rescued samples follow, bit for bit
    assert "recovered_from_emergency_file" in kinds
    again = _enose("recover", "--db", db)
    assert again.returncode == 0 and "no emergency file" in again.stdout


def test_a_file_that_overlaps_what_is_stored_is_refused_and_left_in_place(tmp_path):
    db, session_id, _ = _session_with_emergency_file(tmp_path)
    path = next((tmp_path / "emergency").iterdir())
    data = dict(np.load(path))
    data["t"] = data["t"] - 5.0  # starts inside the stored samples
    np.savez(path, **data)
    run = _enose("recover", "--db", db)
    assert run.returncode == 1 and "not appended twice" in run.stdout and path.exists()
    with Store.open(db) as store:
        assert store.load_recording(session_id).n_samples == 50


def test_a_recording_start_proposes_the_recovery(tmp_path):
    db, _, _ = _session_with_emergency_file(tmp_path)
    run = _enose("screen", "--port", str(tmp_path / "no-such-port"), "--subject", "REC-0001", "--db", db)
    assert "emergency file(s) of unsaved samples wait to be imported: run `enose recover" in run.stderr


def test_a_file_of_another_database_with_the_same_session_id_is_not_imported(tmp_path):
    db, session_id, _ = _session_with_emergency_file(tmp_path)
    path = next((tmp_path / "emergency").iterdir())
    data = dict(np.load(path))
    data["session_uuid"] = np.array("00000000-0000-0000-0000-000000000000")
    np.savez(path, **data)
    run = _enose("recover", "--db", db)
    assert run.returncode == 1 and "another database" in run.stdout and path.exists()
    with Store.open(db) as store:
        assert store.load_recording(session_id).n_samples == 50
