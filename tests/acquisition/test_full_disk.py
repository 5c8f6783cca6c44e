"""A full disk during a screening loses nothing.

SQLite's ``max_page_count`` makes the database refuse to grow exactly as a full
disk does ("database or disk is full"). Samples must stay in memory and be saved
when space comes back; if it never does, they go to an emergency file.
"""

from __future__ import annotations

import numpy as np

from enose.acquisition import Acquisition, ScreeningEngine, ScreeningProtocol, Step
from enose.security import User, verify
from enose.storage import Store
from tests.acquisition.icd_device import IcdTestDevice

CHANNELS = ["mox0", "mox1", "mox2", "co2", "rh", "temp", "p_mask"]
PROTOCOL = ScreeningProtocol(baseline_s=2, breath_s=12, purge_s=2, period_ms=10)


class DiskFiller:
    """Progress callback that fills the 'disk' during the breath phase and optionally frees it."""

    def __init__(self, store: Store, free_again_after_s: float | None) -> None:
        self.store = store
        self.free_again_after_s = free_again_after_s
        self.full = False
        self.errors_seen: list[str] = []

    def __call__(self, progress) -> None:
        if progress.storage_error:
            self.errors_seen.append(progress.storage_error)
        if progress.step == Step.BREATH and progress.elapsed_s > 2 and not self.full and not self.errors_seen:
            pages = self.store.conn.execute("PRAGMA page_count").fetchone()[0]
            self.store.conn.execute(f"PRAGMA max_page_count = {pages}")
            self.full = True
        if self.full and self.free_again_after_s is not None and progress.elapsed_s > self.free_again_after_s:
            self.store.conn.execute("PRAGMA max_page_count = 1073741823")
            self.full = False


def _screen(device, db_path, free_again_after_s):
    store = Store.open(db_path)
    filler = DiskFiller(store, free_again_after_s)
    acquisition = Acquisition(device.path, expected_samples=4000)
    acquisition.connect()
    try:
        engine = ScreeningEngine(
            acquisition, store, PROTOCOL, user=User("t", "admin"), subject_code="DSK-0001", on_progress=filler
        )
        result = engine.run()
    finally:
        acquisition.close()
        store.close()
    return result, filler


def test_samples_held_in_memory_while_the_disk_is_full_are_saved_when_space_returns(db_path):
    with IcdTestDevice(CHANNELS, speed=10, seed=5, warmup_s=0.5) as device:
        result, filler = _screen(device, db_path, free_again_after_s=6)
        sent = [s for s in device.ledger if s.fate == "sent"]
    assert filler.errors_seen and "full" in filler.errors_seen[0]
    assert result.status == "complete" and result.emergency_file is None
    with Store.open(db_path) as store:
        recording = store.load_recording(result.session_id)
        kinds = [e["kind"] for e in store.events(result.session_id)]
        assert verify(store).ok
    assert recording.values.tobytes() == b"".join(s.values for s in sent)
    assert "storage_recovered" in kinds
    assert [p.name for p in recording.phases] == ["warmup", "baseline", "breath", "purge"]


def test_a_disk_that_stays_full_sends_the_unsaved_samples_to_an_emergency_file(db_path):
    with IcdTestDevice(CHANNELS, speed=10, seed=6, warmup_s=0.5) as device:
        result, _ = _screen(device, db_path, free_again_after_s=None)
        sent = [s for s in device.ledger if s.fate == "sent"]
    assert result.status == "interrupted"
    assert result.emergency_file and result.emergency_file in result.error
    with Store.open(db_path) as store:
        saved = store.load_recording(result.session_id).values.tobytes()
    rescued = np.load(result.emergency_file)["values"].tobytes()
    assert saved + rescued == b"".join(s.values for s in sent)  # together, every sample, once
